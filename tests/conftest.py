"""Shared fixtures: the bundled settings, a real DuckDB file under tmp_path, small rosters.

Fixed costs are paid once per run: the migrated empty database, the demo database and the
generated province (benchmark size M) are each built once, then copied into a test's tmp_path
whenever it may write. Under pytest-xdist the workers share one build (see ``built_once``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from argon2 import PasswordHasher

from readiness import auth, validation
from readiness.config import Settings, load_settings
from readiness.db import Store
from readiness.db.core import release
from readiness.store_open import open_store  # noqa: F401  (registers the product's domain)

# -- a cheap password hasher, in this test process only ----------------------------------------
# Production hashes with auth.HASHER (argon2id, OWASP parameters: ~40 ms per hash). Tests create
# hundreds of accounts, so this process swaps in argon2id at the smallest legal cost (8 KiB, one
# pass). The swap lives here and nowhere in readiness/: no setting, environment variable or code
# path can select the cheap hasher in production, and subprocesses started by tests (CLI,
# streamlit) hash at full strength. The hashes stay real argon2id strings, so either hasher
# verifies the other's (argon2 reads the cost from the hash). test_auth.py proves, in a fresh
# process without this file, that production still hashes with its own type and parameters.
PRODUCTION_HASHER = auth.HASHER
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
auth.HASHER = TEST_HASHER


def pytest_make_parametrize_id(config, val, argname):
    """File bytes as a parameter are named by their kind, not their contents (pytest numbers
    equal names).

    A workbook or zip built at collection time carries the clock in its entries, so its bytes
    (the default id) and even its size can differ between two pytest-xdist workers collecting
    a second apart, and xdist then refuses the run ("Different tests were collected").
    """
    if isinstance(val, bytes | bytearray):
        kind = "zip" if val.startswith(b"PK") else "bytes"
        return f"{argname}-{kind}"
    return None


# AppTest resolves relative paths against the calling file: pages tests use this one.
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")

OFFICER_SCHEMA = validation.OFFICER_SCHEMA
FINDING_SCHEMA = {
    "row": pl.Int32,
    "column": pl.String,
    "severity": pl.String,
    "code": pl.String,
    "message": pl.String,
}


def make_nik(
    serial: int,
    *,
    kecamatan_code: str = "17.02.06",
    born: dt.date = dt.date(1990, 5, 17),
    female: bool = False,
) -> str:
    """A well-formed NIK: 6-digit kecamatan, birth DDMMYY (day + 40 for women), 4-digit serial.

    >>> make_nik(1)
    '1702061705900001'
    """
    day = born.day + 40 if female else born.day
    return f"{kecamatan_code.replace('.', '')}{day:02d}{born:%m%y}{serial:04d}"


def make_officers(niks: list[str], **overrides: list) -> pl.DataFrame:
    """An accepted-officer frame (storage's OFFICER_COLUMNS) with one row per NIK.

    Any column can be overridden with a list of the same length.
    """
    n = len(niks)
    columns: dict[str, list] = {
        "row_number": list(range(2, n + 2)),
        "nama": [f"Petugas {i + 1}" for i in range(n)],
        "nik": niks,
        "jenis_kelamin": ["L"] * n,
        "tempat_lahir": ["Curup"] * n,
        "tanggal_lahir": [dt.date(1990, 5, 17)] * n,
        "alamat": ["Jl. Merdeka"] * n,
        "no_hp": ["081234567890"] * n,
        "nomor_tps": [i // 2 + 1 for i in range(n)],
        "status_bpjs": [False] * n,
        "no_kpj": [None] * n,
        "status_pelatihan": [False] * n,
        "tanggal_pelatihan": [None] * n,
        "keterangan": [None] * n,
        "warning_codes": [[] for _ in range(n)],
    }
    columns.update(overrides)
    return pl.DataFrame(columns, schema=OFFICER_SCHEMA)


def no_findings() -> pl.DataFrame:
    """An empty findings frame in the shape store_roster expects."""
    return pl.DataFrame(schema=FINDING_SCHEMA)


@pytest.fixture(scope="session")
def roster_builder() -> Callable[..., pl.DataFrame]:
    """``roster_builder(niks, **column_overrides)`` -> an officer frame ready for store_roster."""
    return make_officers


@pytest.fixture(scope="session")
def nik_builder() -> Callable[..., str]:
    """``nik_builder(serial, kecamatan_code=..., born=..., female=...)`` -> a valid NIK."""
    return make_nik


@pytest.fixture
def settings() -> Settings:
    """The bundled settings (Kabupaten Rejang Lebong)."""
    return load_settings()


@pytest.fixture
def db_path(tmp_path):
    """Where this test's DuckDB file lives; nothing is created yet."""
    return tmp_path / "test.duckdb"


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]):
    """A folder that ``build(folder)`` filled exactly once in this test run.

    Under pytest-xdist every worker has its own session, so the folder lives beside the
    workers' temp roots and a file lock makes the first worker build while the others wait and
    reuse the result instead of building it again.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # one run's workers share this folder
    folder = root / f"built-{name}"
    folder.mkdir(exist_ok=True)
    with (root / f"built-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / ".done"
        if not done.exists():
            build(folder)
            done.touch()
    return folder


def copy_database(source: Path, target: Path) -> Path:
    """Copy a DuckDB file (and its write-ahead log, if one was left) to ``target``.

    The test process's held connection is closed first, so DuckDB has written the file.
    """
    release(source)
    release(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Store:
    """A migrated database with the bundled regions and nothing else, built once per run."""
    settings = load_settings()
    folder = built_once(
        tmp_path_factory, "empty", lambda folder: Store.open(folder / "empty.duckdb", settings)
    )
    return Store(folder / "empty.duckdb", settings)


@pytest.fixture
def store(db_path, settings, empty_template) -> Store:
    """A migrated store on a fresh file, regions loaded (a copy of the empty template)."""
    if settings != empty_template.settings:
        return Store.open(db_path, settings)
    return Store.open(copy_database(empty_template.path, db_path), settings)


@pytest.fixture(scope="session")
def _filled_templates(tmp_path_factory, empty_template) -> Callable[[str, Callable], Path]:
    def template(name: str, fill: Callable[[Store], object]) -> Path:
        def build(folder: Path) -> None:
            path = copy_database(empty_template.path, folder / "filled.duckdb")
            fill(Store.open(path, empty_template.settings))

        return built_once(tmp_path_factory, f"filled-{name}", build) / "filled.duckdb"

    return template


@pytest.fixture
def filled_store(db_path, settings, _filled_templates) -> Callable[[str, Callable], Store]:
    """``filled_store(name, fill)`` -> this test's copy of the empty store after ``fill(store)``.

    ``fill`` runs once per test run for each ``name`` (module-level functions only: the name
    is the cache key), so a fixture that writes the same rows for many tests pays once.
    """

    def copy(name: str, fill: Callable[[Store], object]) -> Store:
        return Store.open(copy_database(_filled_templates(name, fill), db_path), settings)

    return copy


@pytest.fixture
def env_db(monkeypatch, db_path):
    """Point READINESS_DB at this test's file (for AppTest and subprocesses)."""
    monkeypatch.setenv("READINESS_DB", str(db_path))
    return db_path


# The day the tests' demo is built for: its voting day is then 27 November 2024 (Pilkada 2024),
# its submission deadline 5 November 2024. Tests that look at dates pin their clock to match.
DEMO_TODAY = dt.date(2024, 11, 7)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Store:
    """The demo database built for :data:`DEMO_TODAY`, once per test run; copy it before writing."""
    from readiness.demo import build_demo, with_demo_election

    settings = load_settings()

    def build(folder: Path) -> None:
        build_demo(Store.open(folder / "demo.duckdb", settings), DEMO_TODAY)

    return with_demo_election(
        Store(built_once(tmp_path_factory, "demo", build) / "demo.duckdb", settings)
    )


@pytest.fixture
def demo_store(demo_template, tmp_path) -> Store:
    """A private copy of the demo database for one test."""
    path = copy_database(demo_template.path, tmp_path / "demo.duckdb")
    return Store.open(path, demo_template.settings)


@pytest.fixture(scope="session")
def generated_province(tmp_path_factory):
    """The benchmark generator's CSV files at size M (Provinsi Bengkulu, 1,513 desa); read-only.

    Generating takes well under a second, so each xdist worker writes its own copy.
    """
    from benchmarks.generator import generate

    return generate("M", tmp_path_factory.mktemp("province-csv"), load_settings())


@pytest.fixture(scope="session")
def province_template(tmp_path_factory) -> Path:
    """The benchmark database of size M (bulk-loaded province with BPJS and bimtek), once.

    Read-only: open a copy (``copy_database``) before writing to it.
    """
    from benchmarks.build import build

    settings = load_settings()
    folder = built_once(
        tmp_path_factory, "province-db", lambda f: build("M", settings, f, log=lambda *_: None)
    )
    return folder / "M" / "pristine.duckdb"


# -- logging in for page tests -------------------------------------------------------------------
# Every page needs a login now. A page test logs in by putting an Actor in session state before
# the first run (nothing else is needed; no account row is required):
#
#     def test_my_page(env_db, app_as):
#         at = app_as("operator_kecamatan", "17.02.06").run()
#         at.switch_page("pages/my_page.py").run()
#
# ``app_as()`` with no arguments is the kabupaten admin, which sees every page.


def actor_for(role: str = "admin", region_code: str | None = None):
    """An Actor of ``role`` scoped to ``region_code`` (default: the bundled kabupaten, 17.02)."""
    from readiness.db import Actor
    from readiness.scope import Scope

    code = region_code or load_settings().kabupaten_code
    return Actor(f"test.{role}.{code}", role, Scope(code))


@pytest.fixture
def app_as():
    """``app_as(role="admin", region_code=None)`` -> an AppTest of dashboard.py, logged in."""
    from streamlit.testing.v1 import AppTest

    def make(role: str = "admin", region_code: str | None = None) -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=60)
        at.session_state["actor"] = actor_for(role, region_code)
        return at

    return make
