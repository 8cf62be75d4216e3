"""TPS assignment: initial assignment from the roster, edits, checks and coverage."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import readiness_oracle as oracle
from conftest import make_nik, make_officers
from polars.testing import assert_frame_equal

from readiness import assignment
from readiness.messages_duty import MESSAGES, fields_of, text
from readiness.metrics import ReadinessRules

DERATI = "17.02.06.2001"
TABA_ANYAR = "17.02.06.2002"
VILLAGES = pl.DataFrame(
    {
        "kecamatan_code": ["17.02.06", "17.02.06"],
        "kecamatan_name": ["Kota Padang", "Kota Padang"],
        "desa_code": [DERATI, TABA_ANYAR],
        "desa_name": ["Derati", "Taba Anyar"],
        "desa_kind": ["desa", "desa"],
    }
)
NAMES = ["Rahmat Hidayat", "Siti Aminah", "Joko Susilo", "Dewi Lestari", "Agus Salim",
         "Yuliani", "Bambang Irawan"]  # fmt: skip


def officers(desa_code: str, tps: list[int | None], **overrides) -> pl.DataFrame:
    """Officers of one desa with the given TPS numbers (and NIK serials from 1)."""
    n = len(tps)
    niks = overrides.pop("nik", [make_nik(i + 1) for i in range(n)])
    frame = make_officers(niks, nama=NAMES[:n], nomor_tps=tps, **overrides)
    return frame.with_columns(pl.lit(desa_code).alias("desa_code"))


def tps_list(desa_code: str, numbers: list[int], rawan: list[int] = ()) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "desa_code": [desa_code] * len(numbers),
            "tps_number": numbers,
            "rawan": [n in rawan for n in numbers],
        }
    )


def findings(assignments, tps, rawan_extra=0, **kw):
    need = oracle.tps_need(tps, officers_per_tps=2, rawan_extra=rawan_extra)
    return assignment.duty_findings(assignments, need, **kw)


def coverage(assignments, tps, *, officers_per_tps, rawan_extra):
    """:func:`assignment.coverage` against the need the oracle works out for ``tps``."""
    need = oracle.tps_need(tps, officers_per_tps=officers_per_tps, rawan_extra=rawan_extra)
    return assignment.coverage(assignments, need)


def test_initial_assignment_takes_the_roster_tps_and_reads_cadangan_from_keterangan():
    frame = officers(
        DERATI, [1, 1, 2, 2, None], keterangan=[None, "", "cadangan", "Ketua regu", "CADANGAN"]
    )
    got = oracle.initial_assignments(frame)
    expected = pl.DataFrame(
        {
            "desa_code": [DERATI] * 5,
            "nik": [make_nik(1), make_nik(2), make_nik(4), make_nik(3), make_nik(5)],
            "nama": ["Rahmat Hidayat", "Siti Aminah", "Dewi Lestari", "Joko Susilo", "Agus Salim"],
            "tps_number": [1, 1, 2, 2, None],
            "cadangan": [False, False, False, True, True],
            "source": ["daftar"] * 5,
        },
        schema=assignment.ASSIGNMENT_SCHEMA,
    )
    assert_frame_equal(got, expected)


def test_a_clean_village_has_no_findings_and_full_coverage():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 2, 2]))
    tps = tps_list(DERATI, [1, 2])
    assert findings(a, tps).height == 0
    cover = coverage(a, tps, officers_per_tps=2, rawan_extra=0)
    assert cover["assigned"].to_list() == [2, 2]
    assert cover["full"].to_list() == [True, True]


def test_tps_not_in_the_list_is_reported_with_the_numbers_that_exist():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 2, 7]))
    got = findings(a, tps_list(DERATI, [1, 2]))
    row = got.filter(pl.col("code") == "duty_tps_unknown").row(0, named=True)
    assert (row["tps_number"], row["nik"]) == (7, make_nik(4))
    assert json.loads(row["fields"]) == {"tps": 7, "nama": "Dewi Lestari", "known": "1, 2"}
    assert row["message"].startswith(
        "TPS 7: Dewi Lestari ditugaskan ke TPS 7, tetapi TPS itu tidak ada dalam daftar TPS "
        "desa/kelurahan ini (yang ada: 1, 2)."
    )


def test_a_village_without_a_tps_list_gets_one_finding_not_one_per_officer():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 2]))
    got = findings(a, tps_list(TABA_ANYAR, [1]))
    assert got["code"].to_list() == ["duty_tps_list_missing"]
    assert json.loads(got["fields"][0]) == {"count": 3}


def test_over_at_one_tps_while_another_is_short_names_both():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 1, 1, 2]))
    got = findings(a, tps_list(DERATI, [1, 2, 3]))
    over = got.filter(pl.col("code") == "duty_tps_over")
    assert over["tps_number"].to_list() == [1]
    assert json.loads(over["fields"][0]) == {
        "tps": 1,
        "assigned": 4,
        "need": 2,
        "surplus": 2,
        "short": "2, 3",
    }


def test_over_is_not_reported_when_no_tps_of_the_village_is_short():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 1, 2, 2]))
    assert findings(a, tps_list(DERATI, [1, 2])).height == 0


def test_shortage_in_another_village_does_not_make_a_surplus_a_finding():
    a = pl.concat(
        [
            oracle.initial_assignments(officers(DERATI, [1, 1, 1])),
            oracle.initial_assignments(
                officers(TABA_ANYAR, [1], nik=[make_nik(9, kecamatan_code="17.02.07")])
            ),
        ]
    )
    tps = pl.concat([tps_list(DERATI, [1]), tps_list(TABA_ANYAR, [1])])
    assert findings(a, tps)["code"].to_list() == []


def test_a_rawan_tps_needs_the_extra_officers():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 2, 2, 2]))
    tps = tps_list(DERATI, [1, 2], rawan=[1])
    cover = coverage(a, tps, officers_per_tps=2, rawan_extra=1)
    assert cover.select(
        "tps_number", "need", "assigned", "shortfall", "surplus", "full"
    ).rows() == [
        (1, 3, 2, 1, 0, False),
        (2, 2, 3, 0, 1, True),
    ]
    assert findings(a, tps, rawan_extra=1)["code"].to_list() == ["duty_tps_over"]


def test_a_graded_rawan_tps_needs_its_own_extra_officers():
    """A level's extra_officers (sangat rawan: more) overrides the global rawan extra."""
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 1, 2, 2, 2]))
    tps = tps_list(DERATI, [1, 2, 3], rawan=[1, 2]).with_columns(
        pl.Series("extra_officers", [2, None, None], dtype=pl.Int64)
    )
    cover = coverage(a, tps, officers_per_tps=2, rawan_extra=1)
    assert cover.select("tps_number", "need", "full").rows() == [
        (1, 4, False),
        (2, 3, True),
        (3, 2, False),
    ]


def test_one_person_at_two_tps_is_reported_in_both_villages_and_counted_once():
    same = make_nik(1)
    a = pl.concat(
        [
            oracle.initial_assignments(officers(DERATI, [1, 1], nik=[same, make_nik(2)])),
            oracle.initial_assignments(officers(TABA_ANYAR, [3], nik=[same])),
        ]
    )
    tps = pl.concat([tps_list(DERATI, [1]), tps_list(TABA_ANYAR, [3])])
    got = findings(a, tps, villages=VILLAGES).filter(pl.col("code") == "duty_two_tps")
    assert got.select("desa_code", "tps_number").rows() == [(DERATI, 1), (TABA_ANYAR, 3)]
    assert json.loads(got["fields"][0]) == {
        "nama": "Rahmat Hidayat",
        "count": 2,
        "places": "TPS 1 (Derati), TPS 3 (Taba Anyar)",
    }
    cover = coverage(a, tps, officers_per_tps=2, rawan_extra=0)
    assert cover["assigned"].to_list() == [2, 0]


def test_reserve_is_listed_and_not_counted_and_no_tps_is_a_finding():
    frame = officers(DERATI, [1, 1, 1, None], keterangan=[None, None, "cadangan", None])
    a = oracle.initial_assignments(frame)
    got = findings(a, tps_list(DERATI, [1]))
    assert got.select("code", "severity", "nik").rows() == [
        ("duty_no_tps", "warning", make_nik(4)),
        ("duty_reserve", "info", make_nik(3)),
    ]
    assert got["message"][1] == (
        "Joko Susilo ditandai cadangan: tidak dihitung menjaga TPS 1. Tugaskan ke TPS bila ada "
        "TPS yang kurang linmas."
    )
    cover = coverage(a, tps_list(DERATI, [1]), officers_per_tps=2, rawan_extra=0)
    assert cover.select("assigned", "reserve").row(0) == (2, 1)


def test_changes_move_swap_and_mark_reserve_latest_first():
    a = oracle.initial_assignments(officers(DERATI, [1, 1, 2, 2]))
    t0 = dt.datetime(2024, 11, 20, 9, tzinfo=dt.UTC)
    swap = assignment.swap_changes(a, DERATI, make_nik(1), make_nik(3), t0)
    assert swap.select("nik", "tps_number").sort("nik").rows() == [
        (make_nik(1), 2),
        (make_nik(3), 1),
    ]
    later = pl.DataFrame(
        {
            "desa_code": [DERATI, DERATI],
            "nik": [make_nik(1), make_nik(4)],
            "tps_number": [1, 2],
            "cadangan": [False, True],
            "changed_at": [t0 + dt.timedelta(hours=1)] * 2,
        },
        schema=assignment.CHANGE_SCHEMA,
    )
    got = oracle.apply_changes(a, pl.concat([swap, later])).sort("nik")
    assert got.select("tps_number", "cadangan", "source").rows() == [
        (1, False, "diubah"),  # swapped to 2, then moved back to 1
        (1, False, "daftar"),
        (1, False, "diubah"),
        (2, True, "diubah"),
    ]


def test_swap_of_someone_not_in_the_village_changes_nothing():
    a = oracle.initial_assignments(officers(DERATI, [1, 2]))
    now = dt.datetime(2024, 11, 20, tzinfo=dt.UTC)
    assert assignment.swap_changes(a, DERATI, make_nik(1), make_nik(99), now).height == 0
    assert assignment.swap_changes(a, TABA_ANYAR, make_nik(1), make_nik(2), now).height == 0


def test_a_change_for_someone_who_left_the_roster_is_ignored():
    a = oracle.initial_assignments(officers(DERATI, [1]))
    gone = pl.DataFrame(
        {
            "desa_code": [DERATI],
            "nik": [make_nik(50)],
            "tps_number": [2],
            "cadangan": [False],
            "changed_at": [dt.datetime(2024, 11, 20, tzinfo=dt.UTC)],
        },
        schema=assignment.CHANGE_SCHEMA,
    )
    assert_frame_equal(oracle.apply_changes(a, gone), a)


def test_duty_roster_joins_village_and_tps_address():
    frame = officers(DERATI, [2, 1])
    a = oracle.initial_assignments(frame)
    tps = tps_list(DERATI, [1, 2]).with_columns(
        pl.Series("address", ["Balai Desa Derati", "SD Negeri 5 Derati"])
    )
    got = assignment.duty_roster(frame, a, VILLAGES, tps)
    assert got.select("nama", "tps_number", "tps_address", "desa_name").rows() == [
        ("Siti Aminah", 1, "Balai Desa Derati", "Derati"),
        ("Rahmat Hidayat", 2, "SD Negeri 5 Derati", "Derati"),
    ]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_template_renders_with_its_fields(code):
    rendered = text(code, **{name: "X" for name in fields_of(code)})
    assert "{" not in rendered
    assert "None" not in rendered


def test_with_assigned_tps_feeds_the_existing_coverage_figures():
    frame = officers(DERATI, [1, 1, 1, 2], keterangan=[None, None, "cadangan", None])
    t0 = dt.datetime(2024, 11, 20, tzinfo=dt.UTC)
    moved = oracle.apply_changes(
        oracle.initial_assignments(frame),
        pl.DataFrame(
            {
                "desa_code": [DERATI],
                "nik": [make_nik(2)],
                "tps_number": [2],
                "cadangan": [False],
                "changed_at": [t0],
            },
            schema=assignment.CHANGE_SCHEMA,
        ),  # fmt: skip
    )
    duty = oracle.with_assigned_tps(frame, moved)
    assert duty["nomor_tps"].to_list() == [1, 2, None, 2]
    assert duty.columns == frame.columns
    states = duty.with_columns(pl.lit(True).alias("counted"), pl.lit(False).alias("ready"))
    old = oracle.tps_coverage(
        tps_list(DERATI, [1, 2]).with_columns(pl.lit(None, pl.String).alias("rawan_reason")),
        states,
        ReadinessRules(),
    )
    new = coverage(moved, tps_list(DERATI, [1, 2]), officers_per_tps=2, rawan_extra=0)
    assert old["officers_assigned"].to_list() == new["assigned"].to_list() == [1, 2]


def test_summary_counts_per_kecamatan_cap_at_need_and_list_empty_kecamatan():
    a = pl.concat(
        [
            oracle.initial_assignments(officers(DERATI, [1, 1, 1, 2])),
            oracle.initial_assignments(
                officers(TABA_ANYAR, [1, 1], nik=[make_nik(21), make_nik(22)])
            ),
        ]
    )
    tps = pl.concat([tps_list(DERATI, [1, 2]), tps_list(TABA_ANYAR, [1])])
    cover = coverage(a, tps, officers_per_tps=2, rawan_extra=0)
    villages = pl.concat(
        [
            VILLAGES,
            pl.DataFrame(
                {
                    "kecamatan_code": ["17.02.07"],
                    "kecamatan_name": ["Selupu Rejang"],
                    "desa_code": ["17.02.07.2001"],
                    "desa_name": ["Sambirejo"],
                    "desa_kind": ["desa"],
                }
            ),  # fmt: skip
        ]
    )
    got = assignment.summary_counts(cover, villages)
    assert got.rows() == [
        ("17.02.06", "Kota Padang", 5, 3, 2),  # TPS 1 of Derati has 3 for a need of 2
        ("17.02.07", "Selupu Rejang", 0, 0, 0),
    ]
