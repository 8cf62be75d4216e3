"""Shared fixtures: the bundled settings, a real DuckDB file under tmp_path, small rosters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from readiness import validation
from readiness.config import Settings, load_settings
from readiness.storage import Store

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


@pytest.fixture
def store(db_path, settings) -> Store:
    """A migrated store on a fresh file, regions loaded."""
    return Store.open(db_path, settings)


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
    """The demo database built for :data:`DEMO_TODAY`, once per session; copy it before writing."""
    from readiness.demo import build_demo, with_demo_election

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(Store.open(path, load_settings()), DEMO_TODAY)
    return with_demo_election(Store.open(path, load_settings()))


@pytest.fixture
def demo_store(demo_template, tmp_path) -> Store:
    """A private copy of the demo database for one test."""
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template.path, path)
    return Store.open(path, demo_template.settings)


# -- logging in for page tests (issue 8) ---------------------------------------------------------
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
    from readiness.scope import Scope
    from readiness.storage import Actor

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
