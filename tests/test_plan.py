"""The H-n plan: due dates, who is due/done/late, the headline, ordering and reminder texts."""

from __future__ import annotations

import datetime as dt
import doctest
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from readiness import messages_plan, plan
from readiness.config import DEFAULT_MILESTONES, Milestone
from readiness.errors import ReadinessError

VOTE = dt.date(2024, 11, 27)
ELECTION = "Pilkada Serentak 2024"
MONTHS = {
    name: number
    for number, name in enumerate(
        ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"],
        start=1,
    )
}  # fmt: skip


def progress() -> pl.DataFrame:
    """Three kecamatan: one ahead, one behind on the list, one without TPS yet."""
    return pl.DataFrame(
        {
            "kecamatan_code": ["17.02.06", "17.02.07", "17.02.08"],
            "kecamatan_name": ["Kota Padang", "Padang Ulak Tanding", "Sindang Kelingi"],
            "need": [10, 20, None],
            "registered": [10, 15, 0],
            "verified": [10, 15, 0],
            "bpjs": [4, 0, 0],
            "trained": [0, 0, 0],
            "ready": [0, 0, 0],
        },
        schema_overrides={"need": pl.Int64},
    )


def status_on(today: dt.date, frame: pl.DataFrame | None = None) -> pl.DataFrame:
    return plan.milestone_status(
        progress() if frame is None else frame, DEFAULT_MILESTONES, VOTE, today,
        key="kecamatan_code",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("vote", "day", "due"),
    [
        (dt.date(2024, 11, 27), 21, dt.date(2024, 11, 6)),
        (dt.date(2024, 11, 27), 30, dt.date(2024, 10, 28)),  # back across a month end
        (dt.date(2024, 3, 1), 1, dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 3, 1), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 1, 5), 10, dt.date(2024, 12, 26)),  # back across a year end
        (dt.date(2024, 11, 27), 0, dt.date(2024, 11, 27)),  # H-0 is voting day itself
    ],
)
def test_due_dates_count_calendar_days_back_across_month_and_year_ends(vote, day, due):
    assert plan.due_date(vote, Milestone("m", "M", day, 100.0, "registered")) == due


def test_schedule_of_the_default_plan():
    frame = plan.schedule(DEFAULT_MILESTONES, VOTE, dt.date(2024, 11, 9))
    assert frame.select("code", "h", "due_date", "due_text", "days_left", "timing").rows() == [
        ("daftar", "H-21", dt.date(2024, 11, 6), "6 November 2024", -3, "passed"),
        ("verifikasi", "H-18", dt.date(2024, 11, 9), "9 November 2024", 0, "today"),
        ("bpjs", "H-14", dt.date(2024, 11, 13), "13 November 2024", 4, "ahead"),
        ("bimtek", "H-10", dt.date(2024, 11, 17), "17 November 2024", 8, "ahead"),
        ("apel", "H-5", dt.date(2024, 11, 22), "22 November 2024", 13, "ahead"),
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2024, 10, 28), "Hari ini H-30"),
        (dt.date(2024, 11, 27), "Hari ini hari pemungutan suara (H-0)"),
        (dt.date(2024, 12, 1), "Pemungutan suara 27 November 2024 sudah lewat 4 hari"),
    ],
)
def test_today_text(today, expected):
    assert plan.today_text(VOTE, today) == expected


def test_due_done_and_late_per_kecamatan():
    status = status_on(dt.date(2024, 11, 9))  # H-18: daftar 3 days overdue, verifikasi due
    got = status.select(
        "kecamatan_code", "code", "count", "denominator", "share", "target_count", "gap",
        "done", "state", "state_text", "days_late",
    ).filter(pl.col("code").is_in(["daftar", "verifikasi", "bpjs"]))  # fmt: skip
    expected = pl.DataFrame(
        {
            "kecamatan_code": ["17.02.06"] * 3 + ["17.02.07"] * 3 + ["17.02.08"] * 3,
            "code": ["daftar", "verifikasi", "bpjs"] * 3,
            "count": [10, 10, 4, 15, 15, 0, 0, 0, 0],
            "denominator": [10, 10, 10, 20, 20, 20, None, None, None],
            "share": [100.0, 100.0, 40.0, 75.0, 75.0, 0.0, None, None, None],
            "target_count": [10, 10, 10, 20, 20, 20, None, None, None],
            "gap": [0, 0, 6, 5, 5, 20, None, None, None],
            "done": [True, True, False, False, False, False, False, False, False],
            "state": ["done", "done", "upcoming", "late", "due_today", "upcoming"]
            + ["unknown"] * 3,
            "state_text": [
                "Tercapai",
                "Tercapai",
                "Belum jatuh tempo (4 hari lagi)",
                "Terlambat 3 hari",
                "Jatuh tempo hari ini",
                "Belum jatuh tempo (4 hari lagi)",
            ]
            + ["Kebutuhan belum diketahui"] * 3,  # fmt: skip
            "days_late": [0, 0, 0, 3, 0, 0, 0, 0, 0],
        },
        schema_overrides={"denominator": pl.Int64, "target_count": pl.Int64, "gap": pl.Int64},
    )
    assert_frame_equal(got, expected)
    # names are carried along for reminders and lists
    assert "kecamatan_name" in status.columns


def test_target_below_100_rounds_the_count_up_and_zero_need_is_done():
    frame = pl.DataFrame(
        {"desa_code": ["a", "b", "c"], "need": [15, 15, 0], "registered": [14, 13, 0]}
    )
    status = plan.milestone_status(
        frame, [Milestone("daftar", "Daftar linmas", 21, 90.0, "registered")], VOTE,
        dt.date(2024, 11, 10), key="desa_code",
    )  # fmt: skip
    # 90 % of 15 is 13.5: 14 persons reach it, 13 do not; nothing needed is nothing late
    assert status.select("desa_code", "target_count", "done", "state").rows() == [
        ("a", 14, True, "done"),
        ("b", 14, False, "late"),
        ("c", 0, True, "done"),
    ]


def test_a_measure_with_its_own_denominator():
    frame = pl.DataFrame(
        {"desa_code": ["a"], "need": [10], "tps_covered": [4], "tps_covered_need": [5]}
    )
    status = plan.milestone_status(
        frame, [Milestone("tps", "TPS terjaga", 3, 80.0, "tps_covered")], VOTE,
        dt.date(2024, 11, 1), key="desa_code",
    )  # fmt: skip
    assert status.select("count", "denominator", "share", "done").row(0) == (4, 5, 80.0, True)


def test_a_missing_measure_column_is_a_programming_error():
    frame = pl.DataFrame({"desa_code": ["a"], "need": [10], "registered": [4]})
    with pytest.raises(ValueError, match="verified"):
        plan.milestone_status(
            frame, DEFAULT_MILESTONES, VOTE, dt.date(2024, 11, 1), key="desa_code"
        )


def test_vote_already_past_every_unmet_milestone_is_late_by_its_days():
    status = status_on(dt.date(2024, 12, 2))  # 5 days after the vote
    behind = status.filter(pl.col("kecamatan_code") == "17.02.07")
    assert behind.select("code", "state", "days_late").rows() == [
        ("daftar", "late", 26),
        ("verifikasi", "late", 23),
        ("bpjs", "late", 19),
        ("bimtek", "late", 15),
        ("apel", "late", 10),
    ]
    counts = plan.milestone_counts(status, key="kecamatan_code")
    assert counts.select("code", "done_units", "late_units", "on_time_units").rows()[-1] == (
        "apel", 0, 2, 0,
    )  # fmt: skip


def test_unit_lateness_names_the_most_overdue_milestone():
    lateness = plan.unit_lateness(status_on(dt.date(2024, 11, 14)), key="kecamatan_code")
    assert lateness.rows() == [
        ("17.02.06", 1, 1, "bpjs", "BPJS Ketenagakerjaan terlambat 1 hari dari target H-14"),
        ("17.02.07", 3, 8, "daftar", "Daftar linmas terlambat 8 hari dari target H-21"),
        ("17.02.08", 0, 0, None, None),
    ]


def test_action_lists_put_the_most_overdue_first_and_keep_ties_in_order():
    lateness = plan.unit_lateness(status_on(dt.date(2024, 11, 14)), key="kecamatan_code")
    actions = pl.DataFrame(
        {"kecamatan_code": ["17.02.08", "17.02.06", "17.02.99", "17.02.07"], "what": list("wxyz")}
    )
    ordered = plan.order_by_overdue(actions, lateness, on="kecamatan_code")
    assert ordered.select("kecamatan_code", "days_late", "milestones_late").rows() == [
        ("17.02.07", 8, 3),
        ("17.02.06", 1, 1),
        ("17.02.08", 0, 0),  # ties keep the list's own order
        ("17.02.99", 0, 0),  # a unit the plan does not know is never dropped
    ]
    assert ordered["what"].to_list() == ["z", "x", "w", "y"]


def test_counts_per_milestone_for_the_headline_and_json():
    counts = plan.milestone_counts(status_on(dt.date(2024, 11, 9)), key="kecamatan_code")
    assert counts.select(
        "code", "due_date", "target", "units", "done_units", "late_units", "unknown_units",
        "on_time_units",
    ).rows()[:2] == [
        ("daftar", dt.date(2024, 11, 6), 100.0, 3, 1, 1, 1, 1),
        ("verifikasi", dt.date(2024, 11, 9), 100.0, 3, 1, 0, 1, 2),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            dt.date(2024, 11, 11),
            "Hari ini H-16: milestone Verifikasi kecamatan (H-18, 9 November 2024) — 1 dari 3 "
            "kecamatan tepat waktu.",
        ),
        (
            dt.date(2024, 11, 9),
            "Hari ini H-18: hari ini batas milestone Verifikasi kecamatan — 1 dari 3 kecamatan "
            "sudah mencapai target.",
        ),
        (
            dt.date(2024, 10, 28),
            "Hari ini H-30: milestone berikutnya Daftar linmas (H-21, 6 November 2024, 9 hari "
            "lagi) — 1 dari 3 kecamatan sudah mencapai target.",
        ),
        (
            dt.date(2024, 12, 1),
            "Pemungutan suara 27 November 2024 sudah lewat 4 hari: milestone Apel siaga (H-5, "
            "22 November 2024) — 0 dari 3 kecamatan tepat waktu.",
        ),
    ],
)
def test_headline(today, expected):
    counts = plan.milestone_counts(status_on(today), key="kecamatan_code")
    assert plan.headline(counts, VOTE, today) == expected


def test_headline_without_milestones():
    assert plan.headline(pl.DataFrame(), VOTE, dt.date(2024, 11, 1)) == (
        "Hari ini H-26: belum ada milestone dalam pengaturan [plan]."
    )


def reminder(code: str, today: dt.date, frame: pl.DataFrame | None = None) -> str:
    status = status_on(today, frame).filter(pl.col("kecamatan_code") == code)
    return plan.reminder_text(
        status, unit_name="Kecamatan Uji", voting_date=VOTE, today=today, election=ELECTION
    )


def test_reminder_names_the_overdue_milestone_and_the_next_deadline():
    assert reminder("17.02.07", dt.date(2024, 11, 9)) == "\n".join(
        [
            "Yth. operator Kecamatan Uji,",
            "Daftar linmas terlambat 3 hari dari target H-21 (6 November 2024): baru 15 dari 20 "
            "linmas terdaftar (75,0%), target 100%. Mohon segera dilengkapi.",
            "Hari ini (9 November 2024) batas Verifikasi kecamatan (H-18): baru 15 dari 20 "
            "linmas terverifikasi kecamatan (75,0%), target 100%. Mohon diselesaikan hari ini.",
            "Berikutnya: BPJS Ketenagakerjaan paling lambat 13 November 2024 (H-14, 4 hari "
            "lagi); sekarang 0 dari 20 linmas terdaftar BPJS (0,0%), target 100%.",
            "Rekap kesiapan linmas Pilkada Serentak 2024.",
        ]
    )


def test_reminder_for_a_unit_on_track_thanks_and_names_only_the_next_deadline():
    text = reminder("17.02.06", dt.date(2024, 11, 10))
    assert "Semua target sampai hari ini sudah tercapai." in text
    assert "terlambat" not in text
    assert "paling lambat 13 November 2024 (H-14, 3 hari lagi)" in text


def test_reminder_without_tps_asks_for_the_tps_list():
    text = reminder("17.02.08", dt.date(2024, 11, 10))
    assert "Daftar TPS Kecamatan Uji belum tercatat" in text
    assert "paling lambat" not in text


def test_reminder_after_the_vote_sets_no_deadline():
    text = reminder("17.02.07", dt.date(2024, 12, 2))
    assert text == (
        "Yth. operator Kecamatan Uji,\nPemungutan suara 27 November 2024 sudah lewat; tidak ada "
        "batas waktu lagi. Terima kasih atas kerja sama Kecamatan Uji."
    )


def deadlines_quoted(text: str) -> list[dt.date]:
    """Every date the text gives as a deadline still ahead ("paling lambat <date>")."""
    found = re.findall(r"paling lambat (\d{1,2}) (\w+) (\d{4})", text)
    return [dt.date(int(y), MONTHS[m], int(d)) for d, m, y in found]


@settings(max_examples=60, deadline=None)
@given(
    offset=st.integers(min_value=-45, max_value=10),
    counts=st.lists(st.integers(min_value=0, max_value=25), min_size=5, max_size=5),
)
def test_reminders_never_quote_a_passed_date_as_a_deadline(offset, counts):
    today = VOTE + dt.timedelta(days=offset)
    frame = pl.DataFrame(
        {
            "kecamatan_code": ["k"], "need": [20], "registered": [counts[0]],
            "verified": [counts[1]], "bpjs": [counts[2]], "trained": [counts[3]],
            "ready": [counts[4]],
        }
    )  # fmt: skip
    text = reminder("k", today, frame)
    assert all(deadline > today for deadline in deadlines_quoted(text))
    if today > VOTE:
        assert "terlambat" not in text
        return
    # up to voting day each unmet passed milestone is named as late, with its own days
    for row in status_on(today, frame).filter(pl.col("state") == "late").iter_rows(named=True):
        assert f"{row['label']} terlambat {row['days_late']} hari dari target {row['h']}" in text


def test_plan_change_moves_a_milestone_and_refuses_bad_values():
    changed = plan.with_change(DEFAULT_MILESTONES, "bpjs", day="H-12", target="95%")
    assert changed[2] == Milestone("bpjs", "BPJS Ketenagakerjaan", 12, 95.0, "bpjs")
    assert changed[:2] == DEFAULT_MILESTONES[:2]
    for kwargs, code in [
        ({"day": "minggu depan"}, "plan_day_invalid"),
        ({"target": "0"}, "plan_target_invalid"),
        ({"target": "seratus"}, "plan_target_invalid"),
    ]:
        with pytest.raises(ReadinessError) as info:
            plan.with_change(DEFAULT_MILESTONES, "bpjs", **kwargs)
        assert info.value.code == code
    with pytest.raises(ReadinessError) as info:
        plan.with_change(DEFAULT_MILESTONES, "pelantikan", day="H-3")
    assert info.value.message == (
        'Milestone "pelantikan" tidak ada. Milestone yang ada: daftar, verifikasi, bpjs, '
        "bimtek, apel."
    )


def test_plan_line_rises_to_each_target_and_stays():
    line = plan.plan_line(DEFAULT_MILESTONES[:1], VOTE, dt.date(2024, 10, 27))
    daftar = dict(line.select("date", "target_share").rows())
    assert daftar[dt.date(2024, 10, 27)] == 0.0
    assert daftar[dt.date(2024, 11, 1)] == 50.0  # 5 of 10 days
    assert daftar[dt.date(2024, 11, 6)] == 100.0
    assert daftar[VOTE] == 100.0
    assert line.height == 32  # 27 October to 27 November inclusive


def test_plan_line_is_a_step_when_the_plan_starts_late_and_empty_after_the_vote():
    late_start = plan.plan_line(DEFAULT_MILESTONES[:1], VOTE, dt.date(2024, 11, 10))
    assert set(late_start["target_share"].to_list()) == {100.0}
    assert plan.plan_line(DEFAULT_MILESTONES, VOTE, dt.date(2024, 12, 1)).height == 0


@pytest.mark.parametrize("code", sorted(messages_plan.TEMPLATES))
def test_every_template_renders(code):
    values = {name: f"<{name}>" for name in messages_plan.fields(code)}
    rendered = messages_plan.text(code, **values)
    assert all(value in rendered for value in values.values())
    assert "{" not in rendered


def test_summary_json_and_pdf_table_of_milestones():
    counts = plan.milestone_counts(status_on(dt.date(2024, 11, 9)), key="kecamatan_code")
    assert plan.milestones_json(counts)[0] == {
        "code": "daftar",
        "due_date": "2024-11-06",
        "target": 100.0,
        "done_kecamatan": 1,
        "late_kecamatan": 1,
    }
    table = plan.milestone_table(counts)
    assert table.columns == ["Milestone", "Hari", "Tanggal", "Target", "Tercapai", "Terlambat"]
    assert table.row(0) == (
        "Daftar linmas", "H-21", "6 November 2024", "100%", "1 dari 3 kecamatan",
        "1 dari 3 kecamatan",
    )  # fmt: skip


@pytest.mark.parametrize("module", [plan, messages_plan])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0
