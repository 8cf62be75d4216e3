"""``python -m benchmarks.summary_snapshot OUT.json [--compare BEFORE.json]``.

Builds the demo for a fixed day in a fresh file, prints how long ``demo --build-only`` took and
writes what ``summary --json`` prints (national/kabupaten and one kecamatan), without the two
fields that change on every run (``generated_at``, ``data_version``). With ``--compare`` it
exits 1 when the figures differ from an earlier snapshot: the proof that a change to the
store or the readiness rule left every figure a user sees as it was.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_DAY = "2024-11-07"
KECAMATAN = "17.02.06"
VOLATILE = ("generated_at", "data_version")


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "readiness", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def snapshot() -> tuple[dict, float]:
    """The summary JSON of a demo built for ``DEMO_DAY``, and the build's wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.duckdb")
        start = time.perf_counter()
        _cli("demo", "--build-only", "--today", DEMO_DAY, "--db", db)
        seconds = time.perf_counter() - start
        out = {}
        for name, extra in (("kabupaten", []), ("kecamatan", ["--kecamatan", KECAMATAN])):
            data = json.loads(_cli("summary", "--json", "--db", db, *extra))
            out[name] = {k: v for k, v in data.items() if k not in VOLATILE}
    return out, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--compare")
    args = parser.parse_args(argv)
    data, seconds = snapshot()
    Path(args.out).write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))
    print(f"demo --build-only: {seconds:.1f} s (with process start)")
    if args.compare:
        before = json.loads(Path(args.compare).read_text())
        if before != data:
            for name in before:
                for key in sorted(set(before[name]) | set(data.get(name, {}))):
                    if before[name].get(key) != data.get(name, {}).get(key):
                        print(
                            f"DIFFERS {name}.{key}: {before[name].get(key)!r} -> "
                            f"{data.get(name, {}).get(key)!r}"
                        )
            return 1
        print("summary --json equal to", args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
