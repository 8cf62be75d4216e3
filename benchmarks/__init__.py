"""Benchmarks: a deterministic data generator at three sizes and one command that measures."""
