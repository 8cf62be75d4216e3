"""The H-n plan applied to the stored data: the admin's milestones, who is on time, reminders.

``readiness.plan`` holds the pure arithmetic; this module feeds it the kabupaten's milestones
(settings with the admin's changes stored over them) and the progress per kecamatan and desa
read from :func:`readiness.reports.readiness`, so pages, ``summary --json``, ``plan show`` and
the apel PDF all answer from one :class:`PlanStatus`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness import contacts, metrics, plan
from readiness.action_lists import wa_url
from readiness.config import Milestone
from readiness.db import Actor, Store
from readiness.messages_plan import text
from readiness.permissions import check_permission
from readiness.reports import Readiness

# The progress columns a milestone measure reads, from the readiness frames (counts capped at
# the need, so a surplus in one desa never hides a gap in another).
_MEASURE_COLUMNS = {
    "registered": "officers_counted",
    "bpjs": "bpjs_counted",
    "trained": "trained_counted",
    "ready": "ready_counted",
    "tps_covered": "tps_covered",
}
_COUNTS = ("need", "registered", "verified", "bpjs", "trained", "ready", "tps_covered")


# -- the plan: settings with the admin's changes --------------------------------------------------


def milestones(store: Store) -> tuple[Milestone, ...]:
    """The kabupaten's milestones: ``[[plan.milestones]]`` with the admin's stored changes.

    A stored change for a milestone no longer in the settings is ignored.
    """
    changes = {row["code"]: row for row in store.milestone_overrides().iter_rows(named=True)}
    return tuple(
        Milestone(m.code, m.label, changes[m.code]["day"], changes[m.code]["target"], m.measure)
        if m.code in changes
        else m
        for m in store.settings.milestones
    )


def set_milestone(
    store: Store, actor: Actor, code: str, *, day: object = None, target: object = None
) -> Milestone:
    """Move a milestone (``day`` "H-21") or change its target (percent); audited, one write.

    Only an account allowed to change settings may; a wrong value raises a ``ReadinessError``
    in Indonesian and nothing is stored.
    """
    check_permission(actor, "manage_settings")
    current = milestones(store)
    changed = {m.code: m for m in plan.with_change(current, code, day=day, target=target)}[code]
    before = next(m for m in current if m.code == code)
    store.set_milestone_override(
        actor,
        code,
        day=changed.day,
        target=changed.target,
        before={"day": before.day, "target": before.target},
    )
    return changed


def plan_table(store: Store, today: dt.date) -> pl.DataFrame:
    """The schedule (``plan.schedule``) plus changed (True when the admin moved it)."""
    changed = store.milestone_overrides()["code"].implode()
    return plan.schedule(milestones(store), store.settings.voting_date, today).with_columns(
        pl.col("code").is_in(changed).alias("changed")
    )


def milestone_choices(table: pl.DataFrame) -> dict[str, dict]:
    """code -> its :func:`plan_table` row, for the page's milestone picker."""
    return {row["code"]: row for row in table.iter_rows(named=True)}


def kecamatan_choices(status: PlanStatus) -> dict[str, str]:
    """kecamatan_code -> name, in code order, for the page's kecamatan picker."""
    frame = status.progress.select("kecamatan_code", "kecamatan_name").unique("kecamatan_code")
    return dict(frame.sort("kecamatan_code").iter_rows())


# -- progress per desa and kecamatan ----------------------------------------------------------------


def desa_progress(view: Readiness, reviews: pl.DataFrame) -> pl.DataFrame:
    """One row per desa: names, contact, need and every measure's count (``readiness.plan``).

    view: :func:`readiness.reports.readiness`. reviews: ``metrics.desa_verification``; a desa
    whose newest list the kecamatan verified counts its registered linmas as verified.
    """
    desa = view.desa
    for column in ("contact_name", "contact_phone"):
        if column not in desa.columns:
            desa = desa.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return (
        desa.join(reviews.select("desa_code", "review_status"), on="desa_code", how="left")
        .select(
            "kecamatan_code",
            "kecamatan_name",
            "desa_code",
            "desa_name",
            pl.col("desa_kind").fill_null("desa"),
            "contact_name",
            "contact_phone",
            pl.col("officers_required").cast(pl.Int64).alias("need"),
            *(pl.col(c).cast(pl.Int64).alias(m) for m, c in _MEASURE_COLUMNS.items()),
            pl.when(pl.col("review_status") == "terverifikasi")
            .then(pl.col("officers_counted"))
            .otherwise(0)
            .cast(pl.Int64)
            .alias("verified"),
            pl.col("tps_count").cast(pl.Int64).alias("tps_covered_need"),
        )
        .sort("desa_code")
    )


def kecamatan_progress(desa: pl.DataFrame) -> pl.DataFrame:
    """:func:`desa_progress` summed per kecamatan; the need stays unknown only if no desa knows it."""
    known = [
        pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).cast(pl.Int64).alias(c)
        for c in ("need", "tps_covered_need")
    ]
    return (
        desa.group_by("kecamatan_code", "kecamatan_name")
        .agg(*known, *(pl.col(c).fill_null(0).sum().cast(pl.Int64) for c in _COUNTS[1:]))
        .sort("kecamatan_code")
    )


@dataclass(frozen=True)
class PlanStatus:
    """The plan on one day for one scope: every surface reads these frames."""

    milestones: tuple[Milestone, ...]
    voting_date: dt.date
    today: dt.date
    election: str
    schedule: pl.DataFrame  # plan.schedule
    kecamatan: pl.DataFrame  # plan.milestone_status per kecamatan
    desa: pl.DataFrame  # plan.milestone_status per desa
    counts: pl.DataFrame  # plan.milestone_counts over kecamatan
    kecamatan_late: pl.DataFrame  # plan.unit_lateness per kecamatan
    desa_late: pl.DataFrame  # plan.unit_lateness per desa
    headline: str
    progress: pl.DataFrame  # desa_progress: names, contact, counts per desa


def plan_status(store: Store, view: Readiness) -> PlanStatus:
    """The plan against ``view`` (its scope and its day)."""
    settings = store.settings
    chosen = milestones(store)
    reviews = metrics.desa_verification(store.submissions(view.scope, active_only=False))
    desa = desa_progress(view, reviews)
    kecamatan = kecamatan_progress(desa)
    voting, today = settings.voting_date, view.today
    per_kecamatan = plan.milestone_status(kecamatan, chosen, voting, today, key="kecamatan_code")
    per_desa = plan.milestone_status(desa, chosen, voting, today, key="desa_code")
    counts = plan.milestone_counts(per_kecamatan, key="kecamatan_code")
    return PlanStatus(
        milestones=chosen,
        voting_date=voting,
        today=today,
        election=settings.election_name,
        schedule=plan.schedule(chosen, voting, today),
        kecamatan=per_kecamatan,
        desa=per_desa,
        counts=counts,
        kecamatan_late=plan.unit_lateness(per_kecamatan, key="kecamatan_code"),
        desa_late=plan.unit_lateness(per_desa, key="desa_code"),
        headline=plan.headline(counts, voting, today),
        progress=desa,
    )


# -- summary --json ---------------------------------------------------------------------------------


def with_plan(data: dict, status: PlanStatus) -> dict:
    """``summary --json`` plus ``milestones`` and, per kecamatan, ``milestones_late``."""
    late = dict(status.kecamatan_late.select("kecamatan_code", "milestones_late").iter_rows())
    kecamatan = [{**row, "milestones_late": late.get(row["kode"], 0)} for row in data["kecamatan"]]
    return {**data, "milestones": plan.milestones_json(status.counts), "kecamatan": kecamatan}


def plan_json(status: PlanStatus, table: pl.DataFrame) -> dict:
    """``plan show --json``: the day, the headline and each milestone with its kecamatan counts.

    table: :func:`plan_table` for the same day.
    """
    counts = {row["code"]: row for row in status.counts.iter_rows(named=True)}
    return {
        "voting_date": status.voting_date.isoformat(),
        "today": status.today.isoformat(),
        "days_to_vote": (status.voting_date - status.today).days,
        "headline": status.headline,
        "milestones": [
            {
                "code": row["code"],
                "label": row["label"],
                "day": row["h"],
                "due_date": row["due_date"].isoformat(),
                "target": row["target"],
                "measure": row["measure"],
                "changed": row["changed"],
                "done_kecamatan": counts.get(row["code"], {}).get("done_units", 0),
                "late_kecamatan": counts.get(row["code"], {}).get("late_units", 0),
            }
            for row in table.iter_rows(named=True)
        ],
    }


# -- tables for pages and the PDF -----------------------------------------------------------------


def kecamatan_plan_table(status: PlanStatus) -> pl.DataFrame:
    """One row per kecamatan and milestone, most overdue first, cells in Indonesian."""
    return _unit_table(status.kecamatan, "kecamatan_name", "Kecamatan")


def desa_plan_table(status: PlanStatus, kecamatan_code: str | None) -> pl.DataFrame:
    """The same per desa of one kecamatan."""
    rows = status.desa.filter(pl.col("kecamatan_code") == kecamatan_code)
    return _unit_table(rows, "desa_name", "Desa/Kelurahan")


def _unit_table(status: pl.DataFrame, name: str, title: str) -> pl.DataFrame:
    from readiness import formatting as fmt

    share = pl.col("share").map_elements(lambda v: fmt.percent(v), return_dtype=pl.String)
    return status.sort("days_late", name, "due_date", descending=[True, False, False]).select(
        pl.col(name).alias(title),
        pl.col("label").alias("Milestone"),
        pl.col("h").alias("Hari"),
        pl.col("due_text").alias("Tanggal"),
        pl.format("{} dari {}", "count", pl.col("target_count").fill_null(0)).alias("Capaian"),
        share.fill_null("–").alias("Persen"),
        pl.col("state_text").alias("Keadaan"),
    )


def schedule_table(table: pl.DataFrame) -> pl.DataFrame:
    """The plan as the Rencana H-n page shows it: milestone, day, date, target, what counts."""
    from readiness import formatting as fmt
    from readiness.messages_plan import MEASURE_LABELS

    return table.select(
        pl.col("code").alias("Kode"),
        pl.col("label").alias("Milestone"),
        pl.col("h").alias("Hari"),
        pl.col("due_text").alias("Tanggal"),
        pl.col("target")
        .map_elements(lambda v: fmt.percent(v, digits=0), return_dtype=pl.String)
        .alias("Target"),
        pl.col("measure").replace_strict(MEASURE_LABELS, return_dtype=pl.String).alias("Ukuran"),
        pl.when(pl.col("changed"))
        .then(pl.lit("Diubah admin"))
        .otherwise(pl.lit("Pengaturan"))
        .alias("Sumber"),
    )


# -- reminders that fit the day ---------------------------------------------------------------------


def desa_reminders(status: PlanStatus, desa: pl.DataFrame) -> pl.DataFrame:
    """desa_code, reminder: the plan's WhatsApp text for each desa (``plan.reminder_text``).

    desa: desa_code, desa_name, desa_kind. Names the milestones due or overdue, never a passed
    date as a deadline still ahead.
    """
    names = {
        row["desa_code"]: f"{row['desa_kind'] or 'desa'} {row['desa_name']}"
        for row in desa.iter_rows(named=True)
    }
    rows = []
    wanted = status.desa.filter(pl.col("desa_code").is_in(desa["desa_code"].implode()))
    for (code,), part in wanted.group_by("desa_code", maintain_order=True):
        reminder = plan.reminder_text(
            part,
            unit_name=names.get(code, code),
            voting_date=status.voting_date,
            today=status.today,
            election=status.election,
        )
        rows.append({"desa_code": code, "reminder": reminder})
    return pl.DataFrame(rows, schema={"desa_code": pl.String, "reminder": pl.String})


# The extra request each action list adds after the plan's lines.
_LIST_ASKS = {
    "Desa belum mengirim": "ask_not_submitted",
    "TPS kurang linmas": "ask_tps_short",
    "Belum BPJS": "ask_bpjs",
    "Belum pelatihan": "ask_training",
    "Desa tanpa kontak": None,
}


def plan_action_lists(
    lists: dict[str, pl.DataFrame], status: PlanStatus, *, sender: str
) -> dict[str, pl.DataFrame]:
    """Kesiapan's action lists ordered by most overdue, each naming the late milestone.

    lists: ``action_lists.action_lists`` (their Kecamatan and Desa/Kelurahan columns find the desa).
    Each list gains "Terlambat" ("Daftar linmas terlambat 3 hari
    dari target H-21", or "–") and its WhatsApp text becomes the plan's reminder for the desa
    plus what the list asks; a list of villages nobody can reach is added.
    """
    desa = status.progress
    keys = desa.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        "desa_code",
        "contact_phone",
    ).unique(["Kecamatan", "Desa/Kelurahan"], keep="first")
    listed = pl.concat(
        [f.select("Kecamatan", "Desa/Kelurahan") for f in lists.values() if "WhatsApp" in f.columns]
        or [keys.select("Kecamatan", "Desa/Kelurahan").clear()]
    ).unique()
    reachable = keys.join(listed, on=["Kecamatan", "Desa/Kelurahan"]).filter(
        pl.col("contact_phone").is_not_null()
    )  # a reminder is written only where a WhatsApp link can carry it
    reminders = desa_reminders(status, desa.filter(pl.col("desa_code").is_in(
        reachable["desa_code"].implode())))  # fmt: skip
    out: dict[str, pl.DataFrame] = {}
    for title, frame in {**lists, "Desa tanpa kontak": unreachable_table(desa)}.items():
        rows = frame.join(keys, on=["Kecamatan", "Desa/Kelurahan"], how="left",
                          maintain_order="left")  # fmt: skip
        rows = plan.order_by_overdue(rows, status.desa_late, on="desa_code")
        if "WhatsApp" in rows.columns:
            asks = _asks(title, rows)
            rows = rows.join(reminders, on="desa_code", how="left", maintain_order="left")
            links = [
                wa_url(phone, "\n".join(p for p in (reminder, ask, sender) if p))
                for phone, reminder, ask in zip(
                    rows["contact_phone"], rows["reminder"], asks, strict=True
                )
            ]
            rows = rows.with_columns(pl.Series("WhatsApp", links, dtype=pl.String))
        columns = [c for c in frame.columns if c != "WhatsApp"]
        tail = ["WhatsApp"] if "WhatsApp" in frame.columns else []
        out[title] = rows.select(
            *columns, pl.col("late_text").fill_null("–").alias("Terlambat"), *tail
        )
    return out


def _asks(title: str, rows: pl.DataFrame) -> list[str | None]:
    """What one list asks each desa, after the plan's lines (one text per row)."""
    code = _LIST_ASKS.get(title)
    if code is None:
        return [None] * rows.height
    if code == "ask_tps_short":
        short = rows.group_by("desa_code").agg(
            pl.format("TPS {} kurang {}", "TPS", "Kurang").str.join("; ").alias("_short")
        )
        found = rows.join(short, on="desa_code", how="left", maintain_order="left")["_short"]
        return [text(code, tps=s) for s in found]
    counts = rows.group_by("desa_code").agg(pl.len().alias("_n"))
    found = rows.join(counts, on="desa_code", how="left", maintain_order="left")["_n"]
    return [text(code, count=n) for n in found]


def unreachable_table(desa: pl.DataFrame) -> pl.DataFrame:
    """Villages with no account holding a phone number: an action item of their own.

    desa: :func:`desa_progress` (contact_phone from ``Store.operator_contacts``).
    """
    phones = desa.select(
        pl.col("desa_code").alias("region_code"), pl.col("contact_phone").alias("no_hp")
    )
    villages = desa.select("kecamatan_code", "kecamatan_name", "desa_code", "desa_name")
    return contacts.unreachable_villages(villages, phones).select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.lit("Belum ada nomor HP operator").alias("Kontak operator"),
    )
