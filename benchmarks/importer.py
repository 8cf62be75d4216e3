"""Roster importer speed: prints a table; median of 5 runs, peak RSS of the CLI run.

    python benchmarks/importer.py [--runs 5] [--rows 50000]

Targets: a 200-row roster read + validate <= 50 ms, stored <= 100 ms; a 50,000-row CSV through
``python -m readiness import ... --json`` (a fresh process, store included) <= 3 s, <= 500 MB.
Self-contained: it writes its files and databases under a temporary folder and removes them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from readiness import roster  # noqa: E402
from readiness.config import load_settings  # noqa: E402
from readiness.db import Actor  # noqa: E402
from readiness.ingest import read_table  # noqa: E402
from readiness.scope import Scope  # noqa: E402
from readiness.store_open import open_store  # noqa: E402
from readiness.validation import validate_roster  # noqa: E402

DESA = "17.02.06.2001"
HEADER = ("No", "Nama", "NIK", "L/P", "Tempat Lahir", "Tanggal Lahir", "No. HP", "TPS", "BPJS")


def roster_csv(rows: int) -> bytes:
    """A semicolon CSV with unique, well-formed NIKs (kecamatan 17.02.06), a title and a total."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["DAFTAR LINMAS DESA DERATI"])
    writer.writerow(HEADER)
    start = dt.date(1960, 1, 1)
    for i in range(rows):
        born = start + dt.timedelta(days=i % 14000)
        female = i % 2 == 1
        day = born.day + 40 if female else born.day
        nik = f"170206{day:02d}{born:%m%y}{i // 14000 + 1:04d}"
        writer.writerow(
            [
                i + 1,
                f"Linmas Contoh {i + 1}",
                nik,
                "P" if female else "L",
                "Curup",
                born.strftime("%d-%m-%Y"),
                f"0812{i:08d}",
                f"TPS {i % 5 + 1:02d}",
                "Ya" if i % 3 else "Belum",
            ]
        )
    writer.writerow(["", "JUMLAH", rows])
    return out.getvalue().encode("utf-8")


def median_ms(fn, runs: int) -> float:
    """Median wall time of ``fn()`` over ``runs`` runs, after one warm-up run."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def in_process(folder: Path, runs: int) -> list[tuple[str, str, str]]:
    """The 200-row figures measured inside one process (what the upload page pays)."""
    data = roster_csv(200)
    store = open_store(folder / "page.duckdb", load_settings())
    actor = Actor("benchmark", "admin", Scope(store.settings.kabupaten_code))
    context = roster.roster_context(store, DESA)
    raw = read_table(data, "derati.csv")
    read = median_ms(lambda: read_table(data, "derati.csv"), runs)
    validate = median_ms(lambda: validate_roster(raw, context), runs)
    both = median_ms(lambda: validate_roster(read_table(data, "derati.csv"), context), runs)
    check = median_ms(lambda: roster.check_roster_file(store, DESA, data, "derati.csv"), runs)

    def store_once() -> None:
        roster.store_checked_roster(
            store, actor, roster.check_roster_file(store, DESA, data, "d.csv")
        )

    # Storing includes the check, as the page's "Simpan" does; the check alone is subtracted.
    stored = max(median_ms(store_once, runs) - check, 0.0)
    return [
        ("200 baris: baca", f"{read:.1f} ms", ""),
        ("200 baris: validasi", f"{validate:.1f} ms", ""),
        ("200 baris: baca + validasi", f"{both:.1f} ms", "<= 50 ms"),
        ("200 baris: periksa dengan basis data", f"{check:.1f} ms", ""),
        ("200 baris: simpan versi baru", f"{stored:.1f} ms", "<= 100 ms"),
    ]


def cli_run(folder: Path, rows: int, runs: int) -> list[tuple[str, str, str]]:
    """The CLI end to end in a fresh process per run: startup, read, validate, store, JSON."""
    path = folder / "besar.csv"
    path.write_bytes(roster_csv(rows))
    times = []
    for run in range(runs):
        db = folder / f"cli-{run}.duckdb"
        command = [sys.executable, "-m", "readiness", "import", str(path), "--desa", DESA]
        command += ["--db", str(db), "--json"]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            msg = f"import failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
            raise RuntimeError(msg)
    # ru_maxrss of the children is the largest of them (kilobytes on Linux).
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size_mb = path.stat().st_size / 1_048_576
    count = f"{rows:,}".replace(",", ".")
    return [
        (
            f"CLI {count} baris ({size_mb:.1f} MB), total",
            f"{statistics.median(times):.2f} s",
            "<= 3 s",
        ),
        (f"CLI {count} baris, RSS puncak", f"{peak_mb:.0f} MB", "<= 500 MB"),
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the table (Markdown, so it pastes into docs/readme/importer.md)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="importer-bench-") as name:
        folder = Path(name)
        rows = in_process(folder, args.runs) + cli_run(folder, args.rows, args.runs)
    print(f"| Ukuran (median dari {args.runs}) | Hasil | Target |")
    print("|---|---:|---|")
    for label, value, target in rows:
        print(f"| {label} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
