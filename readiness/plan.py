"""The run-up plan to voting day: H-n milestones, their due dates, and who is on time.

Pure functions over Polars frames. ``today`` is always passed in (no clock here), so a page,
the CLI and a test on any date see the same answer. A milestone (``config.Milestone``) is due
``day`` days before voting day and is met when ``measure`` reaches ``target`` % of the need;
the dates are the kabupaten's own plan ([plan] in the settings), not a regulation.

Progress frames (one row per kecamatan or desa) carry the unit's key column, ``need`` (the
linmas required; null while unknown) and one count column per measure: registered, verified,
bpjs, trained, ready, tps_covered. A measure counted against something other than ``need``
brings its own denominator as ``<measure>_need`` (e.g. ``tps_covered_need`` = TPS count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from readiness import formatting as fmt
from readiness import messages
from readiness.config import MEASURES, Milestone, parse_day
from readiness.errors import ReadinessError
from readiness.messages_plan import MEASURE_LABELS, STATE_LABELS, expr, text

__all__ = [
    "MEASURES",
    "due_date",
    "h_label",
    "headline",
    "milestone_counts",
    "milestone_status",
    "milestone_table",
    "milestones_json",
    "order_by_overdue",
    "parse_day",
    "plan_line",
    "reminder_text",
    "schedule",
    "today_text",
    "unit_lateness",
    "with_change",
]

STATES = ("done", "late", "due_today", "upcoming", "unknown")


def due_date(voting_date: dt.date, milestone: Milestone) -> dt.date:
    """The day a milestone is due: ``day`` calendar days before voting day.

    >>> due_date(dt.date(2024, 11, 27), Milestone("daftar", "Daftar", 30, 100.0, "registered"))
    datetime.date(2024, 10, 28)
    """
    return voting_date - dt.timedelta(days=milestone.day)


def h_label(day: int) -> str:
    """How people name a day before the vote: ``h_label(21) == "H-21"``."""
    return f"H-{day}"


def today_text(voting_date: dt.date, today: dt.date) -> str:
    """ "Hari ini H-7", "Hari ini hari pemungutan suara (H-0)", or how long ago the vote was.

    >>> today_text(dt.date(2024, 11, 27), dt.date(2024, 11, 30))
    'Pemungutan suara 27 November 2024 sudah lewat 3 hari'
    """
    days = (voting_date - today).days
    if days > 0:
        return text("today_before", h=h_label(days))
    if days == 0:
        return text("today_vote")
    return text("today_after", date=fmt.date(voting_date), days=fmt.number(-days))


def with_change(
    milestones: Sequence[Milestone], code: str, *, day: object = None, target: object = None
) -> tuple[Milestone, ...]:
    """The plan with one milestone moved (``day`` "H-21" or 21) or re-targeted (percent).

    What ``plan set MILESTONE --day H-N [--target PERCENT]`` and the admin page store; a wrong
    value is a ``ReadinessError`` in Indonesian, the plan is then unchanged.
    """
    codes = [m.code for m in milestones]
    if code not in codes:
        msg = messages.text("plan_unknown_milestone", code=code, codes=", ".join(codes))
        raise ReadinessError(msg, code="plan_unknown_milestone")
    changed = []
    for milestone in milestones:
        if milestone.code == code:
            new_day = milestone.day if day is None else parse_day(day)
            if new_day is None:
                msg = messages.text("plan_day_invalid", day=day)
                raise ReadinessError(msg, code="plan_day_invalid")
            new_target = milestone.target
            if target is not None:
                try:
                    new_target = float(str(target).replace("%", "").replace(",", ".").strip())
                except ValueError:
                    new_target = -1.0
                if not 0 < new_target <= 100:
                    msg = messages.text("plan_target_invalid", target=target)
                    raise ReadinessError(msg, code="plan_target_invalid")
            milestone = Milestone(milestone.code, milestone.label, new_day, new_target,
                                  milestone.measure)  # fmt: skip
        changed.append(milestone)
    return tuple(changed)


def schedule(milestones: Sequence[Milestone], voting_date: dt.date, today: dt.date) -> pl.DataFrame:
    """One row per milestone, earliest due first.

    Returns code, label, h ("H-21"), day, due_date, due_text ("6 November 2024"), target,
    measure, days_left (due_date - today; negative once passed) and timing (passed / today /
    ahead).
    """
    rows = [
        {
            "code": m.code,
            "label": m.label,
            "h": h_label(m.day),
            "day": m.day,
            "due_date": due_date(voting_date, m),
            "due_text": fmt.date(due_date(voting_date, m)),
            "target": float(m.target),
            "measure": m.measure,
            "order": index,
        }
        for index, m in enumerate(milestones)
    ]
    schema = {
        "code": pl.String,
        "label": pl.String,
        "h": pl.String,
        "day": pl.Int64,
        "due_date": pl.Date,
        "due_text": pl.String,
        "target": pl.Float64,
        "measure": pl.String,
        "order": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=schema)
    days_left = (pl.col("due_date") - pl.lit(today)).dt.total_days().cast(pl.Int64)
    return (
        frame.with_columns(days_left.alias("days_left"))
        .with_columns(
            pl.when(pl.col("days_left") < 0)
            .then(pl.lit("passed"))
            .when(pl.col("days_left") == 0)
            .then(pl.lit("today"))
            .otherwise(pl.lit("ahead"))
            .alias("timing")
        )
        .sort("due_date", "order")
        .drop("order")
    )


def milestone_status(
    progress: pl.DataFrame,
    milestones: Sequence[Milestone],
    voting_date: dt.date,
    today: dt.date,
    *,
    key: str,
) -> pl.DataFrame:
    """Per unit and milestone: due, done, late and by how many days.

    progress: ``key`` (e.g. kecamatan_code or desa_code), need, the count column of every
    measure the milestones read, optionally ``<measure>_need``; other columns are carried along
    (names, for reminders). Returns those columns plus code, label, h, due_date, due_text,
    target, measure, count, denominator, share (0–100; null while the need is unknown),
    target_count (persons/TPS the target means), gap (how many short), done, state (done /
    late / due_today / upcoming / unknown), state_text, days_late (0 unless late), days_left.
    A unit meets a milestone by its count today; one below target after the due day is late
    by the days since then, whatever the reason.
    """
    plan = schedule(milestones, voting_date, today)
    carried = [c for c in progress.columns if c not in (*MEASURES, "need")]
    carried = [c for c in carried if not c.endswith("_need")]
    parts = []
    for row in plan.iter_rows(named=True):
        measure = row["measure"]
        if measure not in progress.columns:
            # A programming error, for the developer in English; never shown to a user.
            bug = f"progress frame has no {measure!r} column for milestone {row['code']!r}"
            raise ValueError(bug)
        denominator = f"{measure}_need" if f"{measure}_need" in progress.columns else "need"
        parts.append(
            progress.lazy()
            .select(
                *carried,
                pl.col(measure).cast(pl.Int64).fill_null(0).alias("count"),
                pl.col(denominator).cast(pl.Int64).alias("denominator"),
            )
            .with_columns(
                *(pl.lit(row[c]).alias(c) for c in ("code", "label", "h", "due_text", "measure")),
                pl.lit(row["due_date"], dtype=pl.Date).alias("due_date"),
                pl.lit(row["target"], dtype=pl.Float64).alias("target"),
                pl.lit(row["days_left"], dtype=pl.Int64).alias("days_left"),
            )
        )
    if not parts:
        return pl.DataFrame()
    frame = pl.concat(parts, how="vertical")  # lazy: one plan for all steps below
    # The smallest whole count that reaches the target (90 % of 15 -> 14).
    target_count = (pl.col("denominator") * pl.col("target") / 100.0 - 1e-9).ceil().cast(pl.Int64)
    frame = frame.with_columns(
        pl.when(pl.col("denominator") > 0)
        .then(
            pl.min_horizontal(pl.col("count"), pl.col("denominator"))
            * 100.0
            / pl.col("denominator")
        )  # fmt: skip
        .alias("share"),
        target_count.alias("target_count"),
    ).with_columns(
        pl.when(pl.col("target_count").is_not_null())
        .then(pl.max_horizontal(pl.col("target_count") - pl.col("count"), pl.lit(0)))
        .alias("gap"),
        (pl.col("denominator").is_not_null() & (pl.col("count") >= pl.col("target_count"))).alias(
            "done"
        ),
    )
    state = (
        pl.when(pl.col("denominator").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("done"))
        .then(pl.lit("done"))
        .when(pl.col("days_left") < 0)
        .then(pl.lit("late"))
        .when(pl.col("days_left") == 0)
        .then(pl.lit("due_today"))
        .otherwise(pl.lit("upcoming"))
    )
    frame = frame.with_columns(state.alias("state")).with_columns(
        pl.when(pl.col("state") == "late")
        .then(-pl.col("days_left"))
        .otherwise(0)
        .alias("days_late"),
        pl.when(pl.col("state") == "late")
        .then(expr("state_late", days=-pl.col("days_left")))
        .when(pl.col("state") == "upcoming")
        .then(expr("state_upcoming", left=pl.col("days_left")))
        .otherwise(pl.col("state").replace_strict(STATE_LABELS, return_dtype=pl.String))
        .alias("state_text"),
    )
    return frame.sort(key, "due_date", maintain_order=True).collect()


def unit_lateness(status: pl.DataFrame, *, key: str) -> pl.DataFrame:
    """Per unit: how many milestones are late and the worst of them, for lists and JSON.

    status: :func:`milestone_status`. Returns ``key``, milestones_late, days_late (the most
    overdue milestone's days; 0 when none), late_code and late_text ("Daftar linmas terlambat
    3 hari dari target H-21"; null when nothing is late).
    """
    worst = (
        status.filter(pl.col("state") == "late")
        .sort("days_late", "due_date", descending=[True, False])
        .group_by(key, maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("milestones_late"),
            pl.col("days_late").first(),
            pl.col("code").first().alias("late_code"),
            expr(
                "late_phrase",
                label=pl.col("label"),
                days=pl.col("days_late"),
                h=pl.col("h"),
            )
            .first()
            .alias("late_text"),
        )
    )
    return (
        status.select(key)
        .unique(maintain_order=True)
        .join(worst, on=key, how="left")
        .with_columns(pl.col("milestones_late", "days_late").fill_null(0))
    )


def order_by_overdue(actions: pl.DataFrame, lateness: pl.DataFrame, *, on: str) -> pl.DataFrame:
    """An action list with the most overdue units first; ties keep the list's own order.

    lateness: :func:`unit_lateness`. Adds milestones_late, days_late and late_text (null when
    the unit is not late, or not in the plan at all).
    """
    return (
        actions.join(lateness, on=on, how="left", maintain_order="left")
        .with_columns(pl.col("milestones_late", "days_late").fill_null(0))
        .sort("days_late", "milestones_late", descending=True, maintain_order=True)
    )


def milestone_counts(status: pl.DataFrame, *, key: str) -> pl.DataFrame:
    """Per milestone (earliest due first): how many units are done, late, on time, unknown.

    Returns code, label, h, due_date, due_text, target, measure, days_left, units, done_units,
    late_units, unknown_units and on_time_units (not late and need known: done, or not due
    yet). ``summary --json`` reads code, due_date, target, done_units and late_units.
    """
    return (
        status.group_by("code", maintain_order=True)
        .agg(
            *(
                pl.col(c).first()
                for c in ("label", "h", "due_date", "due_text", "target", "measure", "days_left")
            ),
            pl.col(key).n_unique().cast(pl.Int64).alias("units"),
            (pl.col("state") == "done").sum().cast(pl.Int64).alias("done_units"),
            (pl.col("state") == "late").sum().cast(pl.Int64).alias("late_units"),
            (pl.col("state") == "unknown").sum().cast(pl.Int64).alias("unknown_units"),
        )
        .with_columns(
            (pl.col("units") - pl.col("late_units") - pl.col("unknown_units")).alias(
                "on_time_units"
            )
        )
        .sort("due_date", maintain_order=True)
    )


def milestones_json(counts: pl.DataFrame) -> list[dict[str, object]]:
    """The ``milestones`` list of ``summary --json``, keys exactly as the CLI contract names them.

    counts: :func:`milestone_counts` over kecamatan. due_date is ISO (2024-11-06), target a
    percent.
    """
    return [
        {
            "code": row["code"],
            "due_date": row["due_date"].isoformat(),
            "target": row["target"],
            "done_kecamatan": row["done_units"],
            "late_kecamatan": row["late_units"],
        }
        for row in counts.iter_rows(named=True)
    ]


def milestone_table(counts: pl.DataFrame, *, unit: str = "kecamatan") -> pl.DataFrame:
    """The milestone table of pages and the apel PDF, headers and cells in Indonesian.

    counts: :func:`milestone_counts`. Columns: Milestone, Hari, Tanggal, Target, Tercapai,
    Terlambat (each "x dari n <unit>").
    """
    share = pl.col("target").map_elements(
        lambda v: fmt.percent(v, digits=0), return_dtype=pl.String
    )  # five rows: formatting per row is fine here
    return counts.select(
        pl.col("label").alias("Milestone"),
        pl.col("h").alias("Hari"),
        pl.col("due_text").alias("Tanggal"),
        share.alias("Target"),
        pl.format("{} dari {} " + unit, pl.col("done_units"), pl.col("units")).alias("Tercapai"),
        pl.format("{} dari {} " + unit, pl.col("late_units"), pl.col("units")).alias("Terlambat"),
    )


def headline(
    counts: pl.DataFrame, voting_date: dt.date, today: dt.date, *, unit: str = "kecamatan"
) -> str:
    """The line Ringkasan and Kesiapan lead with.

    counts: :func:`milestone_counts` for the same ``today``. The milestone shown is the last one due on or before
    today (a passed one counts the units that reached it as on time), else the next one.
    "Hari ini H-16: milestone Verifikasi kecamatan (H-18, 9 November 2024) — 9 dari 15
    kecamatan tepat waktu."
    """
    now = today_text(voting_date, today)
    if counts.height == 0:
        return text("headline_no_plan", today=now)
    counts = counts.sort("due_date").with_columns(
        (pl.col("due_date") - pl.lit(today)).dt.total_days().cast(pl.Int64).alias("days_left")
    )
    due = counts.filter(pl.col("days_left") <= 0)
    if due.height:
        row = due.row(due.height - 1, named=True)
        code = "headline_due_today" if row["days_left"] == 0 else "headline_passed"
    else:
        row = counts.row(0, named=True)
        code = "headline_next"
    return text(
        code,
        today=now,
        label=row["label"],
        h=row["h"],
        due=row["due_text"],
        left=fmt.number(row["days_left"]),
        done=fmt.number(row["done_units"]),
        total=fmt.number(row["units"]),
        unit=unit,
    )


def plan_line(
    milestones: Sequence[Milestone], voting_date: dt.date, start: dt.date
) -> pl.DataFrame:
    """The planned share per day for the timeline chart, one line per milestone.

    From ``start`` (0 %) the plan rises evenly to the milestone's target on its due date and
    stays there until voting day; a milestone due on or before ``start`` is a step on its due
    date. Returns date, code, label, measure, target_share (0–100), one row per day and
    milestone.

    >>> m = Milestone("daftar", "Daftar linmas", 21, 100.0, "registered")
    >>> line = plan_line([m], dt.date(2024, 11, 27), dt.date(2024, 10, 27))
    >>> line.filter(pl.col("date") == dt.date(2024, 11, 1))["target_share"].item()
    50.0
    """
    schema = {
        "date": pl.Date,
        "code": pl.String,
        "label": pl.String,
        "measure": pl.String,
        "target_share": pl.Float64,
    }
    if start > voting_date or not milestones:
        return pl.DataFrame(schema=schema)
    days = pl.DataFrame({"date": pl.date_range(start, voting_date, "1d", eager=True)})
    lines = []
    for m in milestones:
        due = due_date(voting_date, m)
        span = (due - start).days
        elapsed = (pl.col("date") - pl.lit(start)).dt.total_days()
        ramp = (
            (elapsed / span).clip(0.0, 1.0) * m.target
            if span > 0
            else pl.when(pl.col("date") >= pl.lit(due)).then(m.target).otherwise(0.0)
        )
        lines.append(
            days.with_columns(
                pl.lit(m.code).alias("code"),
                pl.lit(m.label).alias("label"),
                pl.lit(m.measure).alias("measure"),
                ramp.cast(pl.Float64).alias("target_share"),
            )
        )
    return pl.concat(lines).select(list(schema))


def _progress_fields(row: dict) -> dict[str, str]:
    """Template fields shared by the reminder lines of one unit and milestone."""
    return {
        "label": row["label"],
        "h": row["h"],
        "due": row["due_text"],
        "count": fmt.number(row["count"]),
        "need": fmt.number(row["denominator"]),
        "measure": MEASURE_LABELS[row["measure"]],
        "share": fmt.percent(row["share"]),
        "target": fmt.percent(row["target"], digits=0),
    }


def reminder_text(
    status: pl.DataFrame,
    *,
    unit_name: str,
    voting_date: dt.date,
    today: dt.date,
    election: str,
) -> str:
    """A WhatsApp (wa.me) reminder for one unit naming what is overdue or due, never a passed
    date as a deadline still ahead.

    status: the :func:`milestone_status` rows of this one unit. Lines: every late milestone,
    most overdue first ("... terlambat 3 hari dari target H-21 (6 November 2024) ..."), the one
    due today, then the next one not yet met ("paling lambat <a date after today>"). After
    voting day only a thank-you: nothing is due any more.
    """
    lines = [text("reminder_greeting", unit_name=unit_name)]
    if today > voting_date:
        lines.append(text("reminder_vote_passed", date=fmt.date(voting_date), unit_name=unit_name))
        return "\n".join(lines)
    if status.height and status["state"].eq("unknown").all():
        lines.append(text("reminder_need_unknown", unit_name=unit_name))
        lines.append(text("reminder_closing", election=election))
        return "\n".join(lines)
    late = status.filter(pl.col("state") == "late").sort(
        "days_late", "due_date", descending=[True, False]
    )
    for row in late.iter_rows(named=True):
        lines.append(
            text("reminder_late", days=fmt.number(row["days_late"]), **_progress_fields(row))
        )
    for row in status.filter(pl.col("state") == "due_today").iter_rows(named=True):
        lines.append(text("reminder_due_today", **_progress_fields(row)))
    if late.height == 0 and not status["state"].eq("due_today").any():
        lines.append(text("reminder_all_done"))
    upcoming = status.filter(pl.col("state") == "upcoming").sort("due_date")
    if upcoming.height:
        row = upcoming.row(0, named=True)
        lines.append(
            text("reminder_upcoming", left=fmt.number(row["days_left"]), **_progress_fields(row))
        )
    lines.append(text("reminder_closing", election=election))
    return "\n".join(lines)
