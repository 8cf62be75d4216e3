"""Every measurement in one table: page data against the bare-DuckDB floor, uploads, exports.

Run ``python -m benchmarks`` (S, M and L; L builds its data once into benchmarks/.cache) or
``python -m benchmarks --sizes S,M`` for a quick run. Prints a Markdown table and writes it to
docs/benchmarks.md. Times are medians of several runs after one warm-up run; "puncak RSS" is
the peak resident memory of this process during the measurement (VmHWM, reset before each).
A new page is one more ``Page`` line in ``PAGES``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from benchmarks import floors
from benchmarks.build import CACHE_DIR, build, working_copy
from benchmarks.first_load import SECTION as FIRST_LOAD
from benchmarks.generator import SIZES
from readiness import metrics, reports
from readiness.config import PROJECT_DIR, load_settings
from readiness.db import (
    SYSTEM,
    Actor,
    Store,
    bulk_source,  # the product's read_csv options
)
from readiness.db.core import release
from readiness.scope import Scope
from readiness.store_open import open_store

# The real day: Kesiapan's "since yesterday" comes from the counts kept for today;
# any day after the vote (27 November 2024) gives the same timeline, so runs still compare.
NOW = dt.datetime.now(metrics.WIB)
TODAY = NOW.date()
KABUPATEN, PROVINCE, KECAMATAN = "17.02", "17", "17.02.06"
SCOPES = {"S": (KABUPATEN,), "M": (KABUPATEN, PROVINCE), "L": (KABUPATEN, PROVINCE, "")}
RUNS = {"S": 7, "M": 5, "L": 3}
SLOW_SECONDS = 10.0
LAST_RUNS = 0
# ``--tiny`` (the test of this command): each measurement once, without its warm-up run.
TINY = False
PASSWORD = "Curup-Linmas-2024-uji"


@dataclass(frozen=True)
class Page:
    """One page's data: the product's function and the floor query that computes its numbers."""

    name: str
    run: Callable[[Store, Scope], object]
    floor: str | None
    check: Callable[[object, pl.DataFrame], bool] | None = None
    scope: str | None = None  # fixed scope (drill-down); None = each scope of the size
    detail_only: bool = False  # person rows: not at national scope (reports.DETAIL_LEVELS)


def _overview_check(view, floor: pl.DataFrame) -> bool:
    s = view.summary
    totals = floor.select(pl.all().exclude("kecamatan_code").sum()).row(0, named=True)
    return (s["desa_total"], s["desa_submitted"], s["officers_registered"], s["tps_total"]) == (
        totals["desa_total"],
        totals["desa_submitted"],
        totals["officers_registered"],
        totals["tps_total"],
    )


def _readiness_check(view, floor: pl.DataFrame) -> bool:
    s = view.summary
    totals = floor.select(pl.all().exclude("kecamatan_code").sum()).row(0, named=True)
    return (s["bpjs_enrolled"], s["trained"], s["ready"]) == (
        totals["bpjs_enrolled"],
        totals["trained"],
        totals["ready"],
    )


def _people_check(people, floor: pl.DataFrame) -> bool:
    counted = people.officers.filter(pl.col("counted"))
    return (counted.height, int(counted["ready"].sum())) == (
        floor.height,
        int(floor["ready"].sum()),
    )


def _not_submitted_check(frame, floor: pl.DataFrame) -> bool:
    return frame["desa_code"].sort().to_list() == floor["desa_code"].sort().to_list()


PAGES: list[Page] = [
    Page("Ringkasan (overview)", reports.overview, floors.OVERVIEW, _overview_check),
    Page(
        "Drill-down kecamatan",
        reports.overview,
        floors.OVERVIEW,
        _overview_check,
        scope=KECAMATAN,
    ),
    Page(
        "Daftar tindakan: desa belum mengirim",
        reports.villages_not_submitted,  # one query; equals the overview-derived list
        floors.NOT_SUBMITTED,
        _not_submitted_check,
    ),
]
if hasattr(reports, "readiness"):  # an older checkout may lack the Kesiapan report
    PAGES.insert(
        1,
        Page(
            "Kesiapan (BPJS, pelatihan, siap)",
            lambda store, scope: reports.readiness(store, scope, TODAY),
            floors.READINESS,
            _readiness_check,
        ),
    )
    PAGES.insert(
        2,
        Page(
            "Kesiapan: rincian per orang dan TPS (drill-down, tindakan)",
            reports.readiness_people,
            floors.PEOPLE,
            _people_check,
            detail_only=True,
        ),
    )


@dataclass
class Row:
    """One line of the result table."""

    size: str
    name: str
    scope: str
    ms: float
    runs: int
    peak_mb: float
    floor_ms: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.ms / self.floor_ms if self.floor_ms else None


# -- measuring -------------------------------------------------------------------------------------


def _hwm_mb(pid: int | str = "self") -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def _reset_peak() -> None:
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure(
    fn: Callable[[], object], runs: int, *, warmup: bool = True
) -> tuple[float, float, object]:
    """(median ms, peak RSS MB, last result) of ``fn`` over ``runs`` runs after one warm-up.

    A function slower than SLOW_SECONDS in its warm-up is timed once more only; ``LAST_RUNS``
    holds how many runs the median is of.
    """
    global LAST_RUNS
    if warmup and not TINY:
        started = time.perf_counter()
        fn()
        if time.perf_counter() - started > SLOW_SECONDS:
            runs = 1  # a 20-second page needs no median to show it misses its target
    _reset_peak()
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    LAST_RUNS = runs
    return statistics.median(times), _hwm_mb(), result


def _scope_label(code: str) -> str:
    return {"": "nasional", PROVINCE: "provinsi 17", KABUPATEN: "kabupaten 17.02"}.get(
        code, f"kecamatan {code}" if code.count(".") == 2 else code
    )


def page_rows(size: str, store: Store, runs: int) -> list[Row]:
    """Each page's data at each scope of the size, against its floor query."""
    rows = []
    deadline = metrics.deadline_instant(store.settings.submission_deadline)
    for page in PAGES:
        codes = (page.scope,) if page.scope else SCOPES[size]
        for code in [c for c in codes if c or not page.detail_only]:
            scope = Scope(code)
            ms, peak, result = measure(lambda p=page, s=scope: p.run(store, s), runs)
            row = Row(size, page.name, _scope_label(code), ms, LAST_RUNS, peak)
            if page.floor:
                params = {
                    "scope": code,
                    "deadline": deadline,
                    "per_tps": store.settings.officers_per_tps,
                    "modules": list(store.settings.training_modules),
                }
                params = {k: v for k, v in params.items() if "$" + k in page.floor}
                floor_ms, _, floor = measure(lambda p=page, q=params: store.read(p.floor, q), runs)
                row.floor_ms = floor_ms
                if page.check and not page.check(result, floor):
                    row.note = "angka beda dari floor"
            limit = 1000.0 if size == "L" else 100.0
            # A kabupaten's page data: at most 1.3x the same SQL on an already open connection.
            most = 1.3 if code == KABUPATEN and page.floor else 2.0 if size == "L" else None
            row.target = f"≤ {limit:.0f} ms" + (
                f" dan ≤ {most:.1f}× floor".replace(".", ",") if most else ""
            )
            row.met = ms <= limit and (most is None or (row.ratio or 0) <= most)
            rows.append(row)
    return rows


def kept_counts_rows(size: str, store: Store, runs: int) -> list[Row]:
    """Kesiapan page data at the size's widest scope against summing the kept counts."""
    code = SCOPES[size][-1]
    scope = Scope(code)
    ms, peak, view = measure(lambda: reports.readiness(store, scope, TODAY), runs)
    floor_ms, _, floor = measure(lambda: store.read(floors.KEPT_COUNTS, {"scope": code}), runs)
    row = Row(size, "Kesiapan: data halaman vs jumlah hitungan tersimpan", _scope_label(code),
              ms, LAST_RUNS, peak, floor_ms=floor_ms, target="≤ 2× floor")  # fmt: skip
    row.met = (row.ratio or 0) <= 2.0
    if not _readiness_check(view, floor):
        row.note = "angka beda dari floor"
    return [row]


DEMO_DAY = "2024-11-07"


def demo_rows(size: str) -> list[Row]:
    """``demo --build-only`` in a fresh process (its start and imports included), once."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "readiness", "demo", "--build-only", "--today", DEMO_DAY,
                   "--db", str(Path(tmp) / "demo.duckdb")]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=PROJECT_DIR)
        ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import readiness.cli"], check=True, cwd=PROJECT_DIR)
        start_ms = (time.perf_counter() - started) * 1000
    row = Row(size, "demo --build-only (proses baru)", "kabupaten 17.02", ms, 1, 0)
    row.target, row.met = "≤ 5000 ms", ms <= 5000
    row.note = f"start + impor Python {_fmt_ms(start_ms)} ms"
    return [row]


def roster_import_rows(size: str, settings, folder: Path, count: int = 50_000) -> list[Row]:
    """CLI ``import`` of a ``count``-row roster in a fresh process vs a plain DuckDB load.

    The floor opens a fresh DuckDB file, reads the same CSV into a table and commits, in one
    process started the same way (so Python's start is in both).
    """
    import subprocess

    desa = "17.02.06.2001"
    csv = folder / f"roster_{count}.csv"
    csv.write_bytes(roster_csv(desa, count, 1))
    product_db, floor_db = folder / "import.duckdb", folder / "import_floor.duckdb"
    floor_code = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1]); "
        "con.execute('CREATE TABLE t AS SELECT * FROM read_csv($p, all_varchar=true)', "
        "{'p': sys.argv[2]}); con.close()"
    )
    product_times, floor_times, product_cpu, floor_cpu = [], [], [], []

    def cpu_seconds() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    for _ in range(2):
        release(product_db)
        for path in (product_db, floor_db):
            path.unlink(missing_ok=True)
        open_store(product_db, settings).release()  # a fresh database, migrated: set-up
        command = [sys.executable, "-m", "readiness", "import", str(csv), "--desa", desa,
                   "--db", str(product_db), "--json"]  # fmt: skip
        started, cpu = time.perf_counter(), cpu_seconds()
        done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_DIR)
        product_times.append((time.perf_counter() - started) * 1000)
        product_cpu.append(cpu_seconds() - cpu)
        started, cpu = time.perf_counter(), cpu_seconds()
        subprocess.run([sys.executable, "-c", floor_code, str(floor_db), str(csv)], check=True)
        floor_times.append((time.perf_counter() - started) * 1000)
        floor_cpu.append(cpu_seconds() - cpu)
    row = Row(size, f"Impor CLI daftar linmas {count:,} baris".replace(",", "."), "desa",
              min(product_times), 2, 0, floor_ms=min(floor_times), target="≤ 2,5× floor")  # fmt: skip
    row.met = (row.ratio or 0) <= 2.5
    # CPU time (user + system) is what a busy machine changes least: shown beside the wall time.
    cpu, floor = min(product_cpu), min(floor_cpu)
    row.note = f"CPU {cpu:.2f} s / {floor:.2f} s = {cpu / floor:.1f}×".replace(".", ",")
    if done.returncode != 0:
        row.note = f"kode keluar {done.returncode}"
    for path in (product_db, floor_db, csv):
        path.unlink(missing_ok=True)
    return [row]


# name, extra pytest arguments, generated inputs per property test (as README and
# tests/run.sh run them), target in ms.
TEST_RUNS = {
    "everyday": ("pytest sehari-hari (tanpa browser/slow), -n 2", [], "40", 90_000),
    "all": (
        "Uji lengkap CI (semua penanda), -n 2",
        ["-m", "browser or not browser"],
        "150",
        240_000,
    ),
}


def test_rows(size: str, which: list[str]) -> list[Row]:
    """The test suite's wall time in a fresh process per run (``--tests everyday,all``).

    The note gives the CPU seconds the run took (user + system of pytest and its workers):
    on a machine shared with other jobs the wall time grows, the CPU time much less.
    """
    import resource
    import subprocess

    rows = []
    for key in which:
        name, selection, examples, limit = TEST_RUNS[key]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"]
        done = subprocess.run([*command, *selection], cwd=PROJECT_DIR, capture_output=True,
                              text=True, env={**os.environ, "FUZZ_EXAMPLES": examples})  # fmt: skip
        ms = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        summary = (done.stdout.strip().splitlines() or [""])[-1].strip("= ")
        row = Row(size, name, "-", ms, 1, 0, target=f"≤ {limit // 1000} s")
        row.met = ms <= limit and done.returncode == 0
        row.note = f"CPU {cpu:.0f} s; {summary}"
        rows.append(row)
    return rows


def recount_rows(size: str, store: Store) -> list[Row]:
    """Recounting every desa's readiness (after a bulk load or a change of rules)."""
    runs = 1 if size == "L" else 3
    ms, peak, _ = measure(store.refresh_readiness_cache, runs, warmup=size != "L")
    return [Row(size, "Hitung ulang kesiapan semua desa (sesudah muat massal)", "nasional",
                ms, runs, peak)]  # fmt: skip


def roster_csv(desa_code: str, count: int, first_serial: int) -> bytes:
    """A clean roster file of ``count`` officers (fresh NIKs) as a village operator writes it.

    Every row passes: a 16-digit NIK whose birth date (1980-1999, day 1-28) matches the
    Tanggal Lahir column and whose serial stays within four digits, and a TPS number 1-20.
    """
    kec = desa_code[:8].replace(".", "")
    lines = ["No,Nama,NIK,Jenis Kelamin,Tempat Lahir,Tanggal Lahir,Alamat,No. HP,Nomor TPS"]
    dates = 20 * 12 * 28  # distinct birth dates: 6,720 NIKs per serial
    for i in range(count):
        serial = first_serial + i // dates
        day, month, year = i % 28 + 1, i // 28 % 12 + 1, 80 + i // (28 * 12) % 20
        nik = f"{kec}{day:02d}{month:02d}{year:02d}{serial:04d}"
        lines.append(
            f"{i + 1},Petugas Contoh {i + 1},{nik},L,Curup,{day:02d}-{month:02d}-19{year},"
            f"Dusun {i % 5 + 1},0812{first_serial + i:08d},{i % 20 + 1}"
        )
    return ("\n".join(lines) + "\n").encode()


def upload_rows(size: str, store: Store, runs: int) -> list[Row]:
    """A 200-row village roster: read + validate, then store (a new version each run)."""
    try:
        from readiness.ingest import read_table
        from readiness.roster import check_roster_file, roster_context, store_checked_roster
        from readiness.validation import validate_roster
    except ImportError as error:  # the importer (another issue) may not be there yet
        return [Row(size, "Unggah 200 baris", "desa", 0, 0, 0, note=f"belum ada: {error}")]
    desa = "17.02.06.2001"
    data = roster_csv(desa, 200, 5000)
    operator = Actor("desa.bench", "operator_desa", Scope(desa))
    # The 50 ms is reading and validating the bytes; the database look-ups a page check
    # adds (TPS count, NIKs of other villages) are measured on their own row, without a target.
    context = roster_context(store, desa)
    ms, peak, _ = measure(lambda: validate_roster(read_table(data, "bench.csv"), context), runs)
    rows = [
        Row(size, "Unggah 200 baris: baca + validasi", "desa", ms, runs, peak, target="≤ 50 ms")
    ]
    rows[-1].met = ms <= 50
    ms, peak, checked = measure(lambda: check_roster_file(store, desa, data, "bench.csv"), runs)
    rows.append(Row(size, "Unggah 200 baris: periksa + cari di basis data", "desa", ms, runs, peak))
    if checked.verdict is None or checked.verdict.rejected:
        rows[0].note = "berkas uji ditolak"
        return rows
    # Each store needs a fresh check: a verdict is bound to the version it was checked against.
    times = []
    _reset_peak()
    for _ in range(runs + 1):
        checked = check_roster_file(store, desa, data, "bench.csv")
        started = time.perf_counter()
        store_checked_roster(store, operator, checked)
        times.append((time.perf_counter() - started) * 1000)
    ms, peak = statistics.median(times[1:]), _hwm_mb()
    rows.append(Row(size, "Unggah 200 baris: simpan", "desa", ms, runs, peak, target="≤ 100 ms"))
    rows[-1].met = ms <= 100
    return rows


def tps_file(store: Store, count: int) -> bytes:
    """A KPU TPS list of ``count`` rows over the kabupaten's villages, by kecamatan and desa name."""
    villages = store.villages(Scope(KABUPATEN)).select("kecamatan_name", "desa_name").rows()
    lines = ["Kecamatan,Desa/Kelurahan,Nomor TPS,Rawan,Alamat"]
    per = -(-count // len(villages))
    for i in range(count):
        kecamatan, desa = villages[i // per]
        rawan = "ya" if i % 29 == 0 else ""
        lines.append(f"{kecamatan},{desa},{i % per + 1},{rawan},Jl. Contoh {i}")
    return ("\n".join(lines) + "\n").encode()


def import_rows(size: str, store: Store) -> list[Row]:
    """A 50,000-row TPS list: read, match every village, replace in one transaction (last: it writes)."""
    from readiness.tps_list import check_tps_file

    data = tps_file(store, 50_000)

    def run() -> int:
        parsed = check_tps_file(store, data, "tps_50000.csv")
        return store.replace_tps(SYSTEM, parsed.tps, file_name="tps_50000.csv") if parsed.ok else 0

    ms, peak, stored = measure(run, 3)
    row = Row(size, "Impor 50.000 baris (daftar TPS)", "kabupaten 17.02", ms, 3, peak)
    row.target, row.met = "≤ 3000 ms", ms <= 3000
    row.note = "" if stored == 50_000 else f"{stored} baris disimpan"
    return [row]


def export_rows(size: str, store: Store, runs: int) -> list[Row]:
    """Each export format for the kabupaten (and the province at M and L)."""
    try:
        from readiness import exports
    except ImportError as error:
        return [Row(size, "Ekspor", "-", 0, 0, 0, note=f"belum ada: {error}")]
    rows = []
    for code in [c for c in SCOPES[size] if c]:
        recap_ms, peak, recap = measure(
            lambda c=code: exports.build_recap(store, Scope(c), now=NOW), max(1, runs // 2)
        )
        rows.append(
            Row(size, "Ekspor: data rekap", _scope_label(code), recap_ms, max(1, runs // 2), peak)
        )
        for kind in exports.FORMATS:
            ms, peak, _ = measure(lambda k=kind, r=recap: exports.render(r, k), max(1, runs // 2))
            row = Row(
                size, f"Ekspor {kind.upper()} (data + berkas)", _scope_label(code), recap_ms + ms,
                max(1, runs // 2), peak, target="≤ 3000 ms",
            )  # fmt: skip
            row.met = row.ms <= 3000
            rows.append(row)
    return rows


def bulk_rows(size: str, settings, folder: Path) -> list[Row]:
    """``Store.bulk_load`` of the size's CSV files into a fresh file vs DuckDB's own read_csv.

    Like with like: the floor reads the same four files with the product's column types (left
    to itself DuckDB reads a NIK as a BIGINT, cheaper than the VARCHAR it must be) and its time
    includes opening the file, as the product's write does. Product and floor take turns,
    each going first in every other run, so a busy machine slows both alike. The floor has no
    primary keys: their checks are the product's own cost and stay in its time.
    """
    csv_dir = folder / "csv"
    files = {
        name: csv_dir / f"{name}.csv" for name in ("regions", "tps", "submissions", "officers")
    }
    runs = 1 if TINY else 3 if size == "L" else 5
    product, floor_file = folder / "bulk.duckdb", folder / "bulk_floor.duckdb"

    def load_product() -> float:
        release(product)  # the previous run's held connection, before its file goes
        product.unlink(missing_ok=True)
        store = open_store(product, settings)  # creating the empty file is set-up, not load time
        started = time.perf_counter()
        store.bulk_load(SYSTEM, files, recount=False)  # the recount has its own row
        return (time.perf_counter() - started) * 1000

    def load_floor() -> float:
        floor_file.unlink(missing_ok=True)
        started = time.perf_counter()
        con = duckdb.connect(str(floor_file))
        con.execute("BEGIN TRANSACTION")
        for name, path in files.items():
            sql = f"CREATE TABLE {name} AS SELECT * FROM {bulk_source(name)}"
            con.execute(sql, {"path": str(path)})
        con.execute("COMMIT")
        con.close()  # the product's write also closes (and checkpoints) its connection
        return (time.perf_counter() - started) * 1000

    loads, floors_ms = [], []
    _reset_peak()
    for run in range(runs):
        if run % 2:
            floors_ms.append(load_floor())
            loads.append(load_product())
        else:
            loads.append(load_product())
            floors_ms.append(load_floor())
    ms, floor_ms, peak = statistics.median(loads), statistics.median(floors_ms), _hwm_mb()
    row = Row(
        size, "Muat massal (Store.bulk_load)", "nasional" if size == "L" else "-", ms, runs, peak
    )
    row.floor_ms, row.target = floor_ms, "≤ 1,5× read_csv"
    row.met = row.ratio <= 1.5
    release(product)
    product.unlink(missing_ok=True)
    floor_file.unlink(missing_ok=True)
    return [row]


def dashboard_rows(size: str, db: Path) -> list[Row]:
    """``streamlit run`` on the database, log in, Ringkasan in chromium: first metric, peak RSS."""
    sys.path.insert(0, str(PROJECT_DIR / "tests"))
    try:
        from browser import launch_chromium, running_dashboard
        from playwright.sync_api import sync_playwright

        from readiness import auth
    except ImportError as error:
        return [Row(size, "Dasbor di chromium", "-", 0, 0, 0, note=f"tidak dapat diukur: {error}")]
    auth.create_first_admin(open_store(db, load_settings()), "pengukur", PASSWORD, "Pengukur")
    rows = []
    try:
        with running_dashboard(db) as base_url, sync_playwright() as playwright:
            pid = _server_pid(base_url.rsplit(":", 1)[1])
            browser = launch_chromium(playwright)
            for attempt in ("pertama (cache kosong)", "kedua (cache terisi)"):
                page = browser.new_page()
                page.goto(base_url)
                page.get_by_label("Nama pengguna").fill("pengukur")
                page.get_by_label("Kata sandi").fill(PASSWORD)
                started = time.perf_counter()
                page.get_by_role("button", name="Masuk").click()
                page.locator('[data-testid="stMetric"]').first.wait_for(timeout=120_000)
                ms = (time.perf_counter() - started) * 1000
                page.close()
                name = f"Dasbor: klik Masuk sampai metrik pertama, {attempt}"
                rows.append(Row(size, name, "kabupaten 17.02", ms, 1, 0))
            browser.close()
            peak = _hwm_mb(pid) if pid else 0
    except Exception as error:  # the table must still be written; say what went wrong
        first_line = str(error).splitlines()[0][:120]
        return [*rows, Row(size, "Dasbor di chromium", "-", 0, 0, 0, note=f"gagal: {first_line}")]
    rows.append(Row(size, "Dasbor: puncak RSS proses streamlit", "-", 0, 1, peak))
    rows[-1].target, rows[-1].met = "≤ 2048 MB", peak <= 2048
    return rows


def login_rows(size: str, db: Path, settings) -> list[Row]:
    """Click on "Masuk" -> first metric: the dashboard against the bare app (benchmarks/bare_app.py)."""
    from benchmarks import login

    try:
        product, bare = login.measure(db, settings)
    except Exception as error:  # the table must still be written; say what went wrong
        first_line = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        return [Row(size, "Masuk sampai metrik pertama", "-", 0, 0, 0, note=f"gagal: {first_line}")]
    name = "Masuk sampai metrik pertama di chromium (vs aplikasi Streamlit polos)"
    warm = Row(size, name, "kabupaten 17.02", product.warm, len(product.ms) - 1, 0,
               floor_ms=bare.warm, target="≤ 2× floor")  # fmt: skip
    warm.met = (warm.ratio or 0) <= 2.0
    first = Row(size, name + ", masuk pertama server", "kabupaten 17.02", product.first, 1, 0,
                floor_ms=bare.first)  # fmt: skip
    return [warm, first]


def _server_pid(port: str) -> int | None:
    """The pid of the ``streamlit run`` this benchmark started on ``port``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmdline) and port.encode() in cmdline:
            return int(entry.name)
    return None


# -- the table -------------------------------------------------------------------------------------


def _fmt_ms(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def table(rows: list[Row]) -> str:
    """The Markdown table (decimal comma, as the rest of the product)."""
    head = (
        "| ukuran | pengukuran | cakupan | median ms | floor ms | rasio | puncak RSS MB | "
        "runs | target | hasil |\n|---|---|---|---:|---:|---:|---:|---:|---|---|"
    )
    lines = [head]
    for r in rows:
        verdict = "" if r.met is None else ("ya" if r.met else "**TIDAK**")
        if r.note:
            verdict = f"{verdict} ({r.note})".strip()
        ratio = f"{r.ratio:.2f}×".replace(".", ",") if r.ratio else ""
        ms = _fmt_ms(r.ms) if r.ms else ""
        peak = _fmt_ms(r.peak_mb)[:-2] if r.peak_mb else ""
        lines.append(
            f"| {r.size} | {r.name} | {r.scope} | {ms} | {_fmt_ms(r.floor_ms)} | {ratio} | "
            f"{peak} | {r.runs} | {r.target} | {verdict} |"
        )
    return "\n".join(lines)


def machine() -> str:
    """One line about where the numbers came from."""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, Polars {pl.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) each size's database, measure everything, print and write the table."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated: S,M,L (default all)")
    parser.add_argument(
        "--runs", type=int, default=0, help="runs per measurement (default by size)"
    )
    parser.add_argument("--out", default=str(PROJECT_DIR / "docs" / "benchmarks.md"))
    parser.add_argument("--cache", default=None, help="cache folder (default benchmarks/.cache)")
    parser.add_argument("--no-browser", action="store_true", help="skip the chromium measurement")
    parser.add_argument(
        "--tests",
        default="",
        help="also time the test suite: everyday, all or everyday,all (minutes each)",
    )
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # tests: 1 run
    parser.add_argument(
        "--first-load",
        action="store_true",
        help="only the first-load measurement (benchmarks/first_load.py) into --out",
    )
    args = parser.parse_args(argv)
    global TINY
    TINY = args.tiny
    if args.first_load:
        from benchmarks import first_load

        return first_load.main(["--out", args.out] if args.out else [])
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown}; choose from {', '.join(SIZES)}")
    suites = [t.strip() for t in args.tests.split(",") if t.strip()]
    unknown = [t for t in suites if t not in TEST_RUNS]
    if unknown:
        parser.error(f"unknown --tests {unknown}; choose from {', '.join(TEST_RUNS)}")
    settings = load_settings()
    cache = Path(args.cache) if args.cache else None
    rows: list[Row] = []
    started = time.perf_counter()
    for size in sizes:
        print(f"== {size}: {SIZES[size].label}", flush=True)
        options = {"bulk": True} if args.tiny else {}
        pristine = build(size, settings, cache or CACHE_DIR, **options)
        db = working_copy(pristine)
        runs = args.runs or (1 if args.tiny else RUNS[size])
        store = open_store(db, settings)
        part = recount_rows(size, store)
        part += page_rows(size, store, runs)
        part += kept_counts_rows(size, store, runs)
        part += upload_rows(size, store, runs)
        part += export_rows(size, store, runs)
        if not args.tiny:
            part += import_rows(size, store)
        if size == "L" or args.tiny:
            part += bulk_rows(size, settings, pristine.parent)
        if size == "L" and not args.no_browser:
            part += dashboard_rows(size, working_copy(pristine))
        if size == sizes[0] and not args.tiny:  # once per run: not a property of the size
            part += demo_rows(size)
            part += roster_import_rows(size, settings, pristine.parent)
            if not args.no_browser:
                part += login_rows(size, pristine, settings)
        print(table(part), flush=True)
        rows += part
    if suites:
        part = test_rows(sizes[0], suites)
        print(table(part), flush=True)
        rows += part
    text = table(rows)
    header = (
        "# Benchmarks\n\nWritten by `python -m benchmarks "
        f"--sizes {','.join(sizes)}"
        + (f" --tests {','.join(suites)}" if suites else "")
        + f"` on {dt.date.today():%Y-%m-%d} ({machine()}); "
        f"{time.perf_counter() - started:.0f} s in all. Median of the runs after one warm-up; "
        "floor = the same numbers from one hand-written DuckDB query on the same file in the "
        "same run; ratio = product / floor. See docs/scaling.md for what the numbers mean.\n\n"
    )
    print("\n" + text)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        # The first-load section (python -m benchmarks.first_load) is measured apart: keep it.
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        kept = old[old.index(FIRST_LOAD) :] if FIRST_LOAD in old else ""
        out.write_text(header + text + "\n" + (f"\n{kept}" if kept else ""), encoding="utf-8")
        print(f"\nwritten to {args.out}")
    return 0
