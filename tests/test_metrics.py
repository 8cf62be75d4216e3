"""Readiness metrics against hand-computed frames."""

from __future__ import annotations

import datetime as dt

import polars as pl
import readiness_oracle as oracle
from conftest import make_nik, make_officers, no_findings
from polars.testing import assert_frame_equal

from readiness import metrics
from readiness.db import SYSTEM
from readiness.metrics import WIB, ReadinessRules
from readiness.scope import Scope

RULES = ReadinessRules(required_modules=("a", "b"), ready_target=90.0, critical_below=50.0)
AT = dt.datetime(2024, 11, 10, 9, tzinfo=WIB)


def villages() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kecamatan_code": ["k1", "k1", "k2"],
            "kecamatan_name": ["Satu", "Satu", "Dua"],
            "desa_code": ["k1.1", "k1.2", "k2.1"],
            "desa_name": ["Alpha", "Beta", "Gamma"],
            "desa_kind": ["desa"] * 3,
        }
    )


def officers() -> pl.DataFrame:
    """k1.1: p1 ready, p2 no BPJS, p3 no module b (roster says trained), p9 also in k2.1.
    k1.2 has no TPS; k2.1 lists p9 again (registered there later) and p5 (sex warning)."""
    return pl.DataFrame(
        {
            "submission_id": [1, 1, 1, 1, 2, 3, 3],
            "desa_code": ["k1.1", "k1.1", "k1.1", "k1.1", "k1.2", "k2.1", "k2.1"],
            "nik": ["p1", "p2", "p3", "p9", "p4", "p9", "p5"],
            "nama": ["A", "B", "C", "I", "D", "I", "E"],
            "no_hp": ["0812"] * 7,
            "nomor_tps": [1, 1, 2, 2, None, 1, 1],
            "bpjs_enrolled": [True, False, True, True, True, True, True],
            "modules_attended": [["a", "b"], ["a", "b"], ["a"], ["a", "b"], ["a", "b"],
                                 ["a", "b"], ["a", "b"]],
            "status_pelatihan": [None, None, True, None, None, None, None],
            "warning_codes": [[], [], [], [], [], [], ["nik_sex_mismatch"]],
        }
    )  # fmt: skip


def tps() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "desa_code": ["k1.1", "k1.1", "k2.1"],
            "tps_number": [1, 2, 1],
            "rawan": [False, True, True],
            "rawan_reason": [None, "jauh", "banjir"],
        }
    )


def test_officer_states_count_a_person_once_and_name_the_gap():
    states = oracle.officer_states(officers(), RULES)
    got = states.select("nik", "desa_code", "counted", "trained", "blocked", "ready", "state")
    expected = pl.DataFrame(
        {
            "nik": ["p1", "p2", "p3", "p9", "p4", "p9", "p5"],
            "desa_code": ["k1.1", "k1.1", "k1.1", "k1.1", "k1.2", "k2.1", "k2.1"],
            "counted": [True, True, True, True, True, False, True],
            "trained": [True, True, False, True, True, True, True],
            "blocked": [False, False, False, True, False, True, True],
            "ready": [True, False, False, False, True, False, False],
            "state": ["siap", "belum BPJS", "belum pelatihan", "perlu diperiksa", "siap",
                      "perlu diperiksa", "perlu diperiksa"],
        }
    )  # fmt: skip
    assert_frame_equal(got, expected)
    assert states["trained_self_reported"].to_list() == [False, False, True] + [False] * 4
    assert states["modules_missing"].to_list()[2] == ["b"]


def test_tps_coverage_counts_assigned_persons_against_rawan_extra():
    rules = ReadinessRules(required_modules=("a", "b"), rawan_extra_officers=1)
    coverage = oracle.tps_coverage(tps(), oracle.officer_states(officers(), rules), rules)
    expected = pl.DataFrame(
        {
            "desa_code": ["k1.1", "k1.1", "k2.1"],
            "tps_number": [1, 2, 1],
            "rawan": [False, True, True],
            "rawan_reason": [None, "jauh", "banjir"],
            "officers_assigned": [2, 2, 1],
            "officers_ready": [1, 0, 0],
            "officers_required": [2, 3, 3],
            "covered": [True, False, False],
            "shortfall": [0, 1, 2],
        }
    )
    assert_frame_equal(coverage, expected)


def readiness_frames(rules: ReadinessRules = RULES):
    states = oracle.officer_states(officers(), rules)
    submissions = pl.DataFrame(
        {"desa_code": ["k1.1", "k1.2", "k2.1"], "version": [1, 1, 1], "uploaded_at": [AT] * 3}
    )
    desa = metrics.desa_overview(
        villages(), tps(), submissions, officers().select("desa_code", "nik"),
        metrics.Rules(officers_per_tps=rules.officers_per_tps),
    )  # fmt: skip
    coverage = oracle.tps_coverage(tps(), states, rules)
    return oracle.desa_readiness(desa, states, coverage, rules), states, submissions


def test_desa_readiness_splits_required_posts_and_handles_a_desa_without_tps():
    desa, _, _ = readiness_frames()
    got = desa.select(
        "desa_code", "officers_required", "registered", "surplus", "bpjs_enrolled", "trained",
        "ready", "slots_siap", "slots_belum_bpjs", "slots_belum_pelatihan",
        "slots_perlu_diperiksa", "slots_belum_terdaftar", "tps_covered", "rawan_uncovered",
        "ready_rate", "status",
    )  # fmt: skip
    expected = pl.DataFrame(
        {
            "desa_code": ["k1.1", "k1.2", "k2.1"],
            "officers_required": [4, None, 2],
            "registered": [4, 1, 1],
            "surplus": [0, None, -1],
            "bpjs_enrolled": [3, 1, 1],
            "trained": [3, 1, 1],
            "ready": [1, 1, 0],
            "slots_siap": [1, 0, 0],
            "slots_belum_bpjs": [1, 0, 0],
            "slots_belum_pelatihan": [1, 0, 0],
            "slots_perlu_diperiksa": [1, 0, 1],
            "slots_belum_terdaftar": [0, 0, 1],
            "tps_covered": [2, 0, 0],
            "rawan_uncovered": [0, 0, 1],
            "ready_rate": [25.0, None, 0.0],
            "status": ["kritis", "perlu perhatian", "kritis"],
        },
        schema_overrides={"officers_required": pl.Int64},
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_kecamatan_and_kabupaten_sum_the_desa_and_name_the_main_gap():
    desa, _, _ = readiness_frames()
    kecamatan = metrics.kecamatan_readiness(desa, RULES)
    got = kecamatan.select(
        "kecamatan_code", "desa_total", "desa_submitted", "officers_required", "registered",
        "ready", "ready_rate", "status", "main_gap",
    )  # fmt: skip
    expected = pl.DataFrame(
        {
            "kecamatan_code": ["k1", "k2"],
            "desa_total": [2, 1],
            "desa_submitted": [2, 1],
            "officers_required": [4, 2],
            "registered": [5, 1],
            "ready": [2, 0],
            "ready_rate": [25.0, 0.0],
            "status": ["kritis", "kritis"],
            "main_gap": ["belum BPJS", "perlu diperiksa"],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)
    summary = metrics.kabupaten_readiness(
        kecamatan, RULES, today=dt.date(2024, 11, 20), voting_date=dt.date(2024, 11, 27)
    )
    assert {k: summary[k] for k in ("registered", "ready", "ready_counted", "tps_total",
                                    "tps_covered", "rawan_uncovered", "days_to_vote")} == {
        "registered": 6, "ready": 2, "ready_counted": 1, "tps_total": 3, "tps_covered": 2,
        "rawan_uncovered": 1, "days_to_vote": 7,
    }  # fmt: skip
    assert summary["ready_rate"] == round(100 / 6, 1)
    assert summary["status"] == "kritis"


def test_status_thresholds_come_from_the_rules():
    rates = pl.DataFrame({"r": [95.0, 90.0, 60.0, 49.9, None]})
    got = rates.select(metrics.unit_status(pl.col("r"), RULES).alias("s"))["s"].to_list()
    assert got == ["siap", "siap", "perlu perhatian", "kritis", "perlu perhatian"]


def test_timeline_counts_ready_from_the_latest_event_capped_per_desa():
    desa, states, submissions = readiness_frames()
    later = AT + dt.timedelta(days=2)
    states = states.with_columns(
        pl.lit(AT).alias("listed_at"),
        pl.lit(AT).alias("bpjs_at"),
        pl.when(pl.col("nik") == "p4").then(pl.lit(later)).otherwise(pl.lit(AT)).alias("trained_at"),
    )  # fmt: skip
    days = [dt.date(2024, 11, 9) + dt.timedelta(days=i) for i in range(4)]
    timeline = oracle.readiness_timeline(desa, submissions, states, days)
    expected = pl.DataFrame(
        {
            "date": days,
            "desa_submitted": [0, 3, 3, 3],
            # k1.2 has no TPS, so its ready p4 never counts against a requirement.
            "registered": [0, 5, 5, 5],
            "ready": [0, 1, 1, 1],
        }
    )
    assert_frame_equal(timeline, expected)


def test_replaced_roster_version_no_longer_counts(store):
    desa = "17.02.06.2001"
    store.store_roster(
        SYSTEM,
        desa,
        make_officers([make_nik(i) for i in (1, 2, 3)]),
        no_findings(),
        file_name="v1.xlsx",
        sha256="a",
        counts={"accepted": 3},
    )
    store.store_roster(SYSTEM, desa, make_officers([make_nik(i) for i in (2, 3)]),
                       no_findings(), file_name="v2.xlsx", sha256="b", counts={"accepted": 2})  # fmt: skip
    current = store.officer_readiness(Scope(desa))
    states = oracle.officer_states(current.with_columns(pl.col("submission_id")), RULES)
    assert sorted(states.filter(pl.col("counted"))["nik"].to_list()) == [make_nik(2), make_nik(3)]
