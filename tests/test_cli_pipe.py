"""`python -m readiness ... | head`: a reader that stops early is not an error."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    command = [sys.executable, "-m", "readiness", "not-submitted", "--json",
               "--db", str(tmp_path / "baru.duckdb")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()  # like `| head -0`: nobody reads the 156 villages
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, errors
    assert "Galat" not in errors
    assert "Traceback" not in errors
