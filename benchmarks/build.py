"""Build (and cache) one benchmark database per size through the product's own write paths.

S goes through the per-village import path (``Store.replace_tps`` and one ``Store.store_roster``
per upload, as the upload page does); M and L through ``Store.bulk_load`` (one transaction,
DuckDB reads the CSV files itself). BPJS enrolment and training attendance go through
``record_bpjs_batch`` / ``add_training_session`` / ``record_attendance`` at every size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from pathlib import Path

import polars as pl

from benchmarks.generator import GENERATOR_VERSION, Generated, generate
from readiness.config import Settings
from readiness.db import SYSTEM, Actor, Store
from readiness.db.core import release
from readiness.scope import Scope
from readiness.store_open import open_store

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
EMPTY_FINDINGS = pl.DataFrame(
    schema={
        "row": pl.Int32,
        "column": pl.String,
        "severity": pl.String,
        "code": pl.String,
        "message": pl.String,
    }
)
OFFICER_TYPES = {
    "row_number": pl.Int32,
    "nomor_tps": pl.Int32,
    "tanggal_lahir": pl.Date,
    "tanggal_pelatihan": pl.Date,
}


def _read_officers(path: Path) -> pl.DataFrame:
    return pl.read_csv(
        path, schema_overrides={**OFFICER_TYPES, "nik": pl.String, "no_hp": pl.String}
    )


def _store_rosters(store: Store, generated: Generated) -> None:
    """One ``store_roster`` per (desa, version), the way villages upload."""
    officers = _read_officers(generated.officers).with_columns(
        pl.lit([], dtype=pl.List(pl.String)).alias("warning_codes")
    )
    submissions = pl.read_csv(generated.submissions, try_parse_dates=True)
    by_upload = officers.partition_by("desa_code", "version", as_dict=True)
    for row in submissions.iter_rows(named=True):
        rows = by_upload[(row["desa_code"], row["version"])].drop("desa_code", "version")
        store.store_roster(
            Actor(row["uploader"], "operator_desa", Scope(row["desa_code"])),
            row["desa_code"],
            rows,
            EMPTY_FINDINGS,
            file_name=row["file_name"],
            sha256=hashlib.sha256(rows.drop("warning_codes").write_csv().encode()).hexdigest(),
            counts={"accepted": rows.height, "rejected": 0, "warned": 0, "skipped": 0},
            uploaded_at=row["uploaded_at"],
        )


def _bpjs_and_training(store: Store, generated: Generated, settings: Settings) -> None:
    """BPJS for officers whose NIK serial ends in 0-6, one all-module bimtek per kabupaten."""
    latest = (
        pl.read_csv(generated.submissions, columns=["desa_code", "version"])
        .group_by("desa_code")
        .agg(pl.col("version").max())
    )
    active = (
        pl.scan_csv(generated.officers, schema_overrides={"nik": pl.String})
        .select("desa_code", "version", "nik")
        .join(latest.lazy(), on=["desa_code", "version"])
        .with_columns(pl.col("nik").str.slice(12, 4).cast(pl.Int32).alias("serial"))
        .collect()
    )
    enrolled = active.filter(pl.col("serial") % 10 < 7).select(
        "nik",
        ("1" + pl.col("nik").str.slice(6, 10)).alias("kpj"),
        pl.lit(True).alias("enrolled"),
        pl.lit(settings.voting_date - dt.timedelta(days=20)).alias("enrolled_on"),
    )
    store.record_bpjs_batch(SYSTEM, enrolled, file_name="DATA CONTOH: peserta BPJS TK (benchmark)")
    attended = active.filter(pl.col("serial") % 10 < 6).with_columns(
        pl.col("desa_code").str.slice(0, 5).alias("kabupaten_code")
    )
    held_on = settings.voting_date - dt.timedelta(days=10)
    for (kabupaten,), group in sorted(
        attended.partition_by("kabupaten_code", as_dict=True).items()
    ):
        session = store.add_training_session(
            SYSTEM,
            held_on=held_on,
            place=f"Aula Contoh {kabupaten}",
            modules=list(settings.training_modules),
        )
        store.record_attendance(
            SYSTEM, session, group["nik"].to_list(), file_name="DATA CONTOH: absensi bimtek"
        )


def build(
    size_name: str,
    settings: Settings,
    cache_dir: Path = CACHE_DIR,
    log=print,
    *,
    bulk: bool | None = None,
) -> Path:
    """The pristine database of one size, built once and reused while the generator is unchanged.

    ``bulk`` (default: M and L) loads through ``Store.bulk_load`` instead of one upload per desa.
    """
    bulk = size_name != "S" if bulk is None else bulk
    folder = cache_dir / size_name
    target = folder / "pristine.duckdb"
    stamp = folder / "pristine.version"
    wanted = f"generator {GENERATOR_VERSION}, bulk {bulk}, settings {settings.source_file}"
    if target.exists() and stamp.exists() and stamp.read_text() == wanted:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / ".gitignore").write_text("*\n")
    started = time.perf_counter()
    generated = generate(size_name, folder / "csv", settings)
    log(
        f"  {size_name}: data generated in {time.perf_counter() - started:.1f} s {generated.counts}"
    )
    scratch = folder / "building.duckdb"
    scratch.unlink(missing_ok=True)
    store = open_store(scratch, settings)
    started = time.perf_counter()
    if not bulk:
        tps = pl.read_csv(generated.tps, schema_overrides={"tps_number": pl.Int32})
        store.replace_tps(SYSTEM, tps, file_name="DATA CONTOH: daftar TPS (benchmark)")
        _store_rosters(store, generated)
    else:
        files = {
            "regions": generated.regions,
            "tps": generated.tps,
            "submissions": generated.submissions,
            "officers": generated.officers,
        }
        store.bulk_load(SYSTEM, files)
    _bpjs_and_training(store, generated, settings)
    store.set_meta(SYSTEM, "mode", "demo")
    log(f"  {size_name}: database built in {time.perf_counter() - started:.1f} s")
    store.release()  # DuckDB writes the file out before it moves
    shutil.move(scratch, target)
    stamp.write_text(wanted)
    return target


def working_copy(pristine: Path) -> Path:
    """A throw-away copy the benchmark may write to (uploads), so the cache stays pristine."""
    copy = pristine.with_name("work.duckdb")
    release(pristine)
    release(copy)
    shutil.copyfile(pristine, copy)
    return copy
