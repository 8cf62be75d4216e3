"""``python -m benchmarks.cli_wait``: how long a CLI write waits while the dashboard reads.

A reader process stands in for a busy dashboard: it opens the store once and builds the
Ringkasan page data back to back. Meanwhile CLI-like writer processes each open the store and
write one audited row; the table gives their time with and without the reader, and the
reader's page time. Run it with ``PYTHONPATH`` pointing at another checkout to compare.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

READER = textwrap.dedent(
    """
    import sys, time
    from readiness import reports
    from readiness.config import load_settings
    from readiness.scope import Scope
    from readiness.store_open import open_store
    store = open_store(sys.argv[1], load_settings())
    stop = time.monotonic() + float(sys.argv[2])
    times = []
    print("reading", flush=True)
    while time.monotonic() < stop:
        start = time.perf_counter()
        reports.overview(store, Scope("17.02"))
        times.append(time.perf_counter() - start)
    times.sort()
    print(len(times), times[len(times) // 2], times[int(len(times) * 0.95)], flush=True)
    """
)

WRITER = textwrap.dedent(
    """
    import sys, time
    from readiness.config import load_settings
    from readiness.db import SYSTEM
    from readiness.store_open import open_store
    start = time.perf_counter()
    store = open_store(sys.argv[1], load_settings())
    store.set_meta(SYSTEM, "cli_wait", sys.argv[2])
    print(time.perf_counter() - start, flush=True)
    """
)


def _writer(db: Path, serial: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(db), str(serial)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.split()[-1])


def main(writes: int = 8) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "wait.duckdb"
        _writer(db, 0)  # creates, migrates, loads the regions
        alone = [_writer(db, i) for i in range(1, writes + 1)]
        other = Path(tmp) / "other.duckdb"
        _writer(other, 0)
        # The reader on another file: the CPU it takes, without holding our file.
        elsewhere = _with_reader(other, lambda: [_writer(db, 50 + i) for i in range(writes)])
        busy = _with_reader(db, lambda: [_writer(db, 100 + i) for i in range(writes)])
    rows = (
        ("CLI write (open + one write), nothing else running", alone),
        ("same, a reader loops on another file (CPU only)", elsewhere),
        ("same, a reader loops on this file", busy),
    )
    print("| | median s | max s |")
    print("|---|---|---|")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.3f} | {max(times):.3f} |")
    wait = statistics.median(busy) - statistics.median(elsewhere)
    print(f"| wait for the file (median, this file - other file) | {wait:.3f} | |")
    return 0


def _with_reader(db: Path, work):
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), "600"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "reading"
        time.sleep(1.0)
        results = []
        for result in work():
            results.append(result)
        return results
    finally:
        reader.terminate()
        reader.wait()


if __name__ == "__main__":
    sys.exit(main())
