"""Kesiapan counted in DuckDB gives exactly the row-level figures."""

import datetime as dt

import polars as pl
import pytest
import readiness_oracle as oracle
from conftest import make_nik, make_officers, no_findings
from polars.testing import assert_frame_equal

from readiness import metrics, reports
from readiness.db import SYSTEM, Store
from readiness.scope import Scope

TODAY = dt.date(2024, 11, 20)


def assert_paths_agree(store: Store, scope: Scope, today: dt.date) -> None:
    """desa, kecamatan, summary and timeline agree now, at midnight and ten days earlier."""
    moments = (None, dt.datetime.combine(today, dt.time(), tzinfo=metrics.WIB))
    moments += (dt.datetime(2024, 11, 10, tzinfo=metrics.WIB),)
    with store.reading():
        villages = store.villages(scope)
        uploads = store.submissions(scope, active_only=False)
        for as_of in moments:
            rows = oracle.readiness_at(store, scope, as_of, today, villages, uploads)
            counted = reports._readiness_counted(store, scope, as_of, today, villages, uploads)
            assert_frame_equal(rows[0], counted[0])
            assert_frame_equal(rows[1], counted[1])
            assert rows[2] == counted[2]
            days = reports._timeline_days(rows[5], rows[3], store.settings, today)
            assert days == reports._timeline_days(counted[3], None, store.settings, today)
            assert_frame_equal(
                oracle.readiness_timeline(rows[0], rows[5], rows[3], days),
                metrics.readiness_timeline_counts(counted[0], counted[3], counted[4], days),
            )
            assert_people_agree(store, scope, as_of, rows[3], rows[4])


STATE_COLUMNS = (
    "desa_code", "row_number", "nik", "nomor_tps", "desa_listed", "counted", "trained",
    "modules_missing", "trained_self_reported", "blocked", "ready",
)  # fmt: skip


def assert_people_agree(store, scope, as_of, states, coverage) -> None:
    """Each officer's state and (now) each TPS's coverage: the SQL rule equals the oracle."""
    assert_frame_equal(
        store.officer_readiness(scope, as_of).select(STATE_COLUMNS),
        states.select(STATE_COLUMNS),
        check_dtypes=False,
    )
    if as_of is None:
        assert_frame_equal(
            store.tps_coverage(scope).drop("rawan_level"),
            coverage.drop("rawan_level"),
            check_dtypes=False,
        )


@pytest.mark.parametrize("code", ["17.02", "17.02.06"])
def test_counted_path_matches_rows_on_demo(demo_store, code):
    today = dt.datetime.now(metrics.WIB).date()  # the demo's batches are recorded today
    assert_paths_agree(demo_store, Scope(code), today)
    assert_paths_agree(demo_store, Scope(code), TODAY)


def test_counted_path_matches_rows_with_blocking_warnings_and_versions(demo_store):
    desa = "17.02.06.2001"
    niks = [make_nik(i) for i in (901, 902, 903, 904)]
    flagged = make_officers(
        niks, warning_codes=[["nik_birthdate_mismatch"], [], ["nik_sex_mismatch"], ["other"]]
    )
    for version, rows in enumerate((flagged, flagged.head(3)), start=1):
        demo_store.store_roster(
            SYSTEM, desa, rows, no_findings(), file_name=f"v{version}.xlsx",
            sha256=f"x{version}", counts={"accepted": rows.height},
        )  # fmt: skip
    view = reports.readiness(demo_store, Scope("17.02"), TODAY)
    assert view.summary["blocked"] >= 2
    assert_paths_agree(demo_store, Scope("17.02"), TODAY)
    assert_paths_agree(demo_store, Scope(desa), TODAY)


def test_counted_path_matches_rows_on_generated_province(settings, province_template):
    """The M benchmark database (Provinsi Bengkulu, 12,541 linmas), province and kabupaten."""
    store = Store(province_template, settings)  # reads only
    assert_paths_agree(store, Scope("17"), TODAY)
    assert_paths_agree(store, Scope("17.02"), TODAY)


def test_national_scope_lists_no_officers(demo_store):
    """Above DETAIL_LEVELS the figures come from counts and no NIK leaves the database."""
    national = reports.readiness(demo_store, Scope(""), TODAY)
    kabupaten = reports.readiness(demo_store, Scope("17.02"), TODAY)
    nobody = reports.readiness_people(demo_store, Scope(""))
    everyone = reports.readiness_people(demo_store, Scope("17.02"))
    assert nobody.officers.height == 0
    assert nobody.tps.height == 0
    assert everyone.officers.height > 0
    assert nobody.officers.columns == everyone.officers.columns
    assert national.summary == kabupaten.summary  # the demo holds one kabupaten
    assert national.yesterday == kabupaten.yesterday
    assert_frame_equal(national.timeline, kabupaten.timeline)
    assert_frame_equal(national.desa, kabupaten.desa)


def test_counted_path_matches_rows_after_assignment_changes(demo_store):
    """Moves, a cadangan mark and a superseded change: both paths follow the newest change."""
    people = reports.readiness_people(demo_store, Scope("17.02.06"))
    guards = people.officers.filter(pl.col("counted") & pl.col("nomor_tps").is_not_null())
    first, second, third = guards.head(3).iter_rows(named=True)
    moves = [
        (first, 2, False),
        (second, None, True),
        (third, 1, False),
        (third, 3, False),  # the newest change of the same person wins
    ]
    for person, tps, cadangan in moves:
        demo_store.add_assignment_changes(
            SYSTEM, person["desa_code"],
            [{"desa_code": person["desa_code"], "nik": person["nik"], "tps_number": tps,
              "cadangan": cadangan}],
            action="assignment.move",
        )  # fmt: skip
    assert_paths_agree(demo_store, Scope("17.02"), TODAY)
    assert_paths_agree(demo_store, Scope("17.02.06"), dt.datetime.now(metrics.WIB).date())
