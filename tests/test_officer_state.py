"""The one readiness rule in DuckDB: each officer's state and each TPS's coverage on real rows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest
from conftest import make_nik, make_officers, no_findings
from polars.testing import assert_frame_equal

from readiness import duty, reports
from readiness.db import SYSTEM, Store
from readiness.scope import Scope

DESA = "17.02.06.2001"
OTHER_DESA = "17.02.06.1004"
KABUPATEN = Scope("17.02")
P1, P2, P3, P9, P5, P6 = (make_nik(i) for i in (1, 2, 3, 9, 5, 6))


def upload(store: Store, desa: str, niks: list[str], **overrides) -> None:
    rows = make_officers(niks, **overrides)
    store.store_roster(
        SYSTEM, desa, rows, no_findings(), file_name="daftar.xlsx", sha256=desa + str(niks),
        counts={"accepted": rows.height},
    )  # fmt: skip


@pytest.fixture
def rule_store(store) -> Store:
    """DESA: P1 ready, P2 no BPJS, P3 missing a module (roster says trained), P9 also listed by
    OTHER_DESA; OTHER_DESA: P9 again, P5 with a blocking warning, P6 a cadangan by keterangan.
    TPS: DESA 1 (plain) and 2 (rawan); OTHER_DESA 1 (rawan)."""
    settings = dataclasses.replace(
        store.settings, training_modules=("a", "b"), officers_per_tps=2, rawan_extra_officers=1
    )
    store = Store.open(store.path, settings)
    store.replace_tps(
        SYSTEM,
        pl.DataFrame({"desa_code": [DESA, DESA, OTHER_DESA], "tps_number": [1, 2, 1],
                      "rawan": [False, True, True]}),
        file_name="tps.csv",
    )  # fmt: skip
    upload(store, DESA, [P1, P2, P3, P9], nomor_tps=[1, 1, 2, 2],
           status_pelatihan=[None, None, True, None])  # fmt: skip
    rows = make_officers([P9, P5, P6], nomor_tps=[1, 1, 1],
                         warning_codes=[[], ["nik_sex_mismatch"], []],
                         keterangan=[None, None, "Cadangan TPS 1"])  # fmt: skip
    with store.connect() as con:  # a NIK of another desa: only a bulk load brings that in
        con.execute(
            "INSERT INTO submissions (desa_code, version, uploaded_at, uploader) "
            "VALUES ($d, 1, now(), 'massal')",
            {"d": OTHER_DESA},
        )
        con.register("rows", rows.to_arrow())
        con.execute(
            "INSERT INTO officers BY NAME SELECT (SELECT max(id) FROM submissions) AS "
            "submission_id, $d AS desa_code, * FROM rows",
            {"d": OTHER_DESA},
        )
    everyone = [P1, P2, P3, P9, P5, P6]
    store.record_bpjs_batch(
        SYSTEM,
        pl.DataFrame({"nik": everyone, "kpj": [str(i) for i in range(6)],
                      "enrolled": [True, False, True, True, True, True],
                      "enrolled_on": [None] * 6}),
        file_name="bpjs.csv",
    )  # fmt: skip
    both = store.add_training_session(SYSTEM, held_on=dt.date(2024, 11, 5), place="Curup",
                                      modules=["a", "b"])  # fmt: skip
    store.record_attendance(SYSTEM, both, [P1, P2, P9, P5, P6], file_name=None)
    only_a = store.add_training_session(SYSTEM, held_on=dt.date(2024, 11, 6), place="Curup",
                                        modules=["a"])  # fmt: skip
    store.record_attendance(SYSTEM, only_a, [P3], file_name=None)
    store.refresh_readiness_cache()
    return store


def test_officer_state_counts_a_person_once_and_names_the_gap(rule_store):
    people = reports.readiness_people(rule_store, KABUPATEN).officers
    got = people.select(
        "desa_code", "nik", "counted", "trained", "blocked", "ready", "state", "nomor_tps",
        "cadangan",
    ).sort("desa_code", "nik")  # fmt: skip
    expected = pl.DataFrame(
        {
            "desa_code": [OTHER_DESA] * 3 + [DESA] * 4,
            "nik": [P5, P6, P9, P1, P2, P3, P9],
            # P9 counts on its first row: DESA uploaded first
            "counted": [True, True, False, True, True, True, True],
            "trained": [True, True, True, True, True, False, True],
            "blocked": [True, False, True, False, False, False, True],
            "ready": [False, True, False, True, False, False, False],
            "state": ["perlu diperiksa", "siap", "perlu diperiksa", "siap", "belum BPJS",
                      "belum pelatihan", "perlu diperiksa"],
            "nomor_tps": [1, None, 1, 1, 1, 2, 2],  # a cadangan guards no TPS
            "cadangan": [False, True, False, False, False, False, False],
        }
    )  # fmt: skip
    assert_frame_equal(got, expected, check_dtypes=False)
    p3 = people.filter(pl.col("nik") == P3).row(0, named=True)
    assert (p3["modules_missing"], p3["trained_self_reported"]) == (["b"], True)
    assert people.filter(pl.col("nik") == P9)["desa_listed"].to_list() == [2, 2]


def test_tps_coverage_counts_assigned_persons_against_rawan_extra(rule_store):
    coverage = reports.readiness_people(rule_store, KABUPATEN).tps
    got = coverage.select(
        "desa_code", "tps_number", "rawan", "officers_assigned", "officers_ready",
        "officers_required", "covered", "shortfall",
    ).sort("desa_code", "tps_number")  # fmt: skip
    expected = pl.DataFrame(
        {
            "desa_code": [OTHER_DESA, DESA, DESA],
            "tps_number": [1, 1, 2],
            "rawan": [True, False, True],
            "officers_assigned": [1, 2, 2],  # OTHER_DESA: P5 (P9 counts in DESA, P6 reserve)
            "officers_ready": [0, 1, 0],
            "officers_required": [3, 2, 3],
            "covered": [False, True, False],
            "shortfall": [2, 0, 1],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_assignment_changes_move_coverage_everywhere(rule_store):
    """A move, a cadangan mark and a later change of mind: the newest change wins."""
    duty.assign(rule_store, SYSTEM, OTHER_DESA, P6, 1)  # the reserve now guards TPS 1
    duty.assign(rule_store, SYSTEM, DESA, P2, 2)  # TPS 1 → 2: TPS 2 reaches its 3
    people = reports.readiness_people(rule_store, KABUPATEN)
    cover = people.tps.sort("desa_code", "tps_number")
    assert cover["officers_assigned"].to_list() == [2, 1, 3]
    assert cover["covered"].to_list() == [False, False, True]
    view = reports.readiness(rule_store, KABUPATEN, dt.date(2024, 11, 20))
    assert (view.summary["tps_covered"], view.summary["rawan_uncovered"]) == (1, 1)

    duty.assign(rule_store, SYSTEM, DESA, P2, None, cadangan=True)
    people = reports.readiness_people(rule_store, KABUPATEN)
    assert people.tps.sort("desa_code", "tps_number")["officers_assigned"].to_list() == [2, 1, 2]
    p2 = people.officers.filter(pl.col("nik") == P2).row(0, named=True)
    assert (p2["nomor_tps"], p2["cadangan"], p2["roster_tps"]) == (None, True, 1)
    view = reports.readiness(rule_store, KABUPATEN, dt.date(2024, 11, 20))
    assert (view.summary["tps_covered"], view.summary["rawan_uncovered"]) == (0, 2)
    # The Penugasan page reads the same assignment in force.
    listed = duty.assignments(rule_store, Scope(DESA)).filter(pl.col("nik") == P2)
    assert listed.select("tps_number", "cadangan", "source").row(0) == (None, True, "diubah")


def test_a_change_for_someone_out_of_the_roster_changes_nothing(rule_store):
    before = rule_store.tps_coverage(KABUPATEN)
    rule_store.add_assignment_changes(
        SYSTEM, DESA, [{"desa_code": DESA, "nik": make_nik(77), "tps_number": 1,
                        "cadangan": False}], action="assignment.move",
    )  # fmt: skip
    assert_frame_equal(rule_store.tps_coverage(KABUPATEN), before)
