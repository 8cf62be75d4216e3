"""Page data: storage reads joined by the pure metrics, one function per view.

Pages, exports and the CLI all call these, so every surface shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness import metrics
from readiness.config import Settings
from readiness.db import Store, one_connection
from readiness.scope import Scope
from readiness.verification_checks import village_states
from readiness.vocabulary import READINESS_STATES


@dataclass(frozen=True)
class Overview:
    """What the Ringkasan page, ``summary --json`` and the exports share."""

    desa: pl.DataFrame
    kecamatan: pl.DataFrame
    summary: dict
    as_of: dt.datetime | None
    scope: Scope
    # For a province or national scope, the same figures per kabupaten / provinsi
    # (area_code, area_name + metrics.area_overview columns); None below that.
    areas: pl.DataFrame | None = None


def rules(settings: Settings) -> metrics.Rules:
    """The slice of settings the metrics need."""
    return metrics.Rules(
        officers_per_tps=settings.officers_per_tps,
        rawan_extra_officers=settings.rawan_extra_officers,
        submission_deadline=settings.submission_deadline,
    )


@one_connection  # one connection for all reads of the page
def overview(store: Store, scope: Scope) -> Overview:
    """Submission and registration figures for everything inside ``scope``."""
    submissions = store.submissions(scope, active_only=False)
    # per-desa counts kept by every write; counted live when they cannot answer
    tps, registered = store.cached_overview_counts(scope) or (
        store.tps_counts(scope),
        store.registered_counts(scope),
    )
    desa = metrics.desa_overview(
        store.villages(scope), tps, submissions, registered, rules(store.settings)
    )
    kecamatan = metrics.kecamatan_overview(desa)
    as_of = submissions["uploaded_at"].max() if submissions.height else None
    # Verification berjenjang: the kecamatan's word next to "lengkap".
    reviews = metrics.desa_verification(submissions)
    desa = desa.join(reviews, on="desa_code", how="left").join(
        village_states(store, scope), on="desa_code", how="left"
    )  # nihil / mencoba mengirim, semua ditolak
    verification = metrics.kecamatan_verification(desa, reviews)
    kecamatan = kecamatan.join(
        verification.select(
            "kecamatan_code",
            "desa_verified",
            "desa_returned",
            "desa_waiting",
            "verification_state",
            "last_uploaded_at",
            "verified_at",
        ),
        on="kecamatan_code",
        how="left",
    )
    summary = metrics.kabupaten_summary(kecamatan)
    summary["kecamatan_verified"] = int(
        (verification["verification_state"] == "terverifikasi").sum()
    )
    areas = None
    level = metrics.child_level(scope.level)
    if level != "kecamatan":  # berjenjang recap one level down
        names = store.region_names(level, scope).rename({"code": "area_code", "name": "area_name"})
        areas = names.join(metrics.area_overview(kecamatan, level), on="area_code", how="left")
        if level == "kabupaten":  # roll-up: imported recaps where no live rosters
            from readiness.recaps import merge_recaps

            areas = merge_recaps(areas, store.kabupaten_recaps(scope))
    return Overview(desa, kecamatan, summary, as_of, scope, areas)


def summary_json(view: Overview) -> dict:
    """The ``summary --json`` object: headline numbers plus the same per kecamatan."""
    per_kecamatan = [
        {
            "kode": row["kecamatan_code"],
            "nama": row["kecamatan_name"],
            "status": row["submission_state"],
            "complete": row["submission_state"] == "lengkap",
            "verified": row["verification_state"] == "terverifikasi",
            "verification_status": row["verification_state"],
            "desa_total": row["desa_total"],
            "desa_submitted": row["desa_submitted"],
            "officers_registered": row["officers_registered"],
            "officers_required": row["officers_required"],
            "tps_total": row["tps_count"],
        }
        for row in view.kecamatan.iter_rows(named=True)
    ]
    return {**view.summary, "kecamatan": per_kecamatan}


# -- villages that sent nothing: the action list without the whole overview ----------------------


def villages_not_submitted(store: Store, scope: Scope) -> pl.DataFrame:
    """The desa of the overview that sent nothing yet, read directly: one query, no overview.

    Same columns, rows and order; tests/test_not_submitted.py proves it on the demo and M data.
    """
    settings = store.settings
    return store.villages_not_submitted(
        scope, per_tps=settings.officers_per_tps, rawan_extra=settings.rawan_extra_officers
    )


# -- end of villages that sent nothing ------------------------------------------------------------


# -- readiness view: BPJS, training, TPS coverage, change since yesterday ----------------


def readiness_rules(settings: Settings) -> metrics.ReadinessRules:
    """The slice of settings the readiness metrics need."""
    return metrics.ReadinessRules(
        officers_per_tps=settings.officers_per_tps,
        rawan_extra_officers=settings.rawan_extra_officers,
        required_modules=tuple(settings.training_modules),
        ready_target=settings.ready_target,
        critical_below=settings.critical_below,
        blocking_codes=tuple(settings.blocking_codes),
    )


@dataclass(frozen=True)
class Readiness:
    """What the Kesiapan page, the BPJS/Pelatihan pages and ``summary --json`` share."""

    desa: pl.DataFrame  # metrics.desa_readiness_counts + names + contact_name/contact_phone
    kecamatan: pl.DataFrame  # metrics.kecamatan_readiness
    summary: dict  # metrics.kabupaten_readiness + bpjs premium
    yesterday: dict  # the same, as of the end of yesterday (WIB)
    timeline: pl.DataFrame  # metrics.readiness_timeline_counts
    scope: Scope
    today: dt.date


@dataclass(frozen=True)
class People:
    """Person and TPS rows behind the figures: the drill-down, action lists and exports."""

    officers: pl.DataFrame  # Store.officer_readiness + state + kecamatan/desa names
    tps: pl.DataFrame  # Store.tps_coverage + names


def _readiness_summary(kecamatan: pl.DataFrame, settings: Settings, today: dt.date) -> dict:
    summary = metrics.kabupaten_readiness(
        kecamatan, readiness_rules(settings), today=today, voting_date=settings.voting_date
    )
    summary["bpjs_premium_per_month"] = int(summary["bpjs_enrolled"] or 0) * (
        settings.bpjs_premium_per_month
    )
    summary["bpjs_premium_total"] = summary["bpjs_premium_per_month"] * settings.bpjs_premium_months
    return summary


def _submissions_by(submissions: pl.DataFrame, as_of: dt.datetime | None) -> pl.DataFrame:
    if as_of is None:
        return submissions
    # Compare as epoch microseconds so the column's time zone never matters.
    limit = int(as_of.timestamp() * 1_000_000)
    return submissions.filter(pl.col("uploaded_at").dt.epoch("us") <= limit)


# -- the same figures from per-desa counts in DuckDB -----------------------------------------------

# Scopes whose Readiness lists each officer and TPS (the drill-down, action lists and exports).
# A national scope gets the figures only: 1.6 million officer rows take seconds and gigabytes,
# and no national user needs every NIK (UU 27/2022, data minimisation).
DETAIL_LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
_NOWHERE = Scope("-")  # covers no region: empty officer / TPS lists with their usual columns
_SLOT_COUNTS = {
    "_n_slots_siap": "ready",
    "_n_slots_belum_bpjs": "n_belum_bpjs",
    "_n_slots_belum_pelatihan": "n_belum_pelatihan",
    "_n_slots_perlu_diperiksa": "blocked",
}


def _counts_params(settings: Settings) -> dict:
    rr = readiness_rules(settings)
    return {
        "per_tps": rr.officers_per_tps,
        "rawan_extra": rr.rawan_extra_officers,
        "modules": list(rr.required_modules),
        "blocking": list(rr.blocking_codes),
    }


def _from_counts(
    store: Store,
    frame: pl.DataFrame,
    today: dt.date,
    villages: pl.DataFrame,
    submissions: pl.DataFrame,
):
    """desa, kecamatan, summary and per-day events from ``Store.readiness_counts`` rows."""
    settings = store.settings
    rr = readiness_rules(settings)
    counts = frame.filter(pl.col("kind") == "desa")
    overview_desa = metrics.desa_overview(
        villages,
        counts.filter(pl.col("tps_count").is_not_null()).select(
            "desa_code", "tps_count", "rawan_count", "extra_total"
        ),
        submissions,
        counts.select("desa_code", "officers_registered"),
        rules(settings),
    )
    counts = counts.with_columns(pl.col(v).alias(k) for k, v in _SLOT_COUNTS.items())
    desa = metrics.desa_readiness_counts(overview_desa, counts, rr)
    kecamatan = metrics.kecamatan_readiness(desa, rr)
    summary = _readiness_summary(kecamatan, settings, today)
    events = frame.filter(pl.col("kind") != "desa").select("desa_code", "kind", "day", "n")
    return desa, kecamatan, summary, events


def _readiness_counted(
    store: Store,
    scope: Scope,
    as_of: dt.datetime | None,
    today: dt.date,
    villages: pl.DataFrame,
    submissions: pl.DataFrame,
):
    """Readiness desa, kecamatan and summary from per-desa counts, without officer rows.

    Also returns the submissions up to ``as_of`` and the per-day events for
    ``metrics.readiness_timeline_counts``. tests/test_readiness_counts.py proves both agree.
    """
    submissions = _submissions_by(submissions, as_of)
    frame = store.readiness_counts(scope, as_of, **_counts_params(store.settings))
    desa, kecamatan, summary, events = _from_counts(store, frame, today, villages, submissions)
    return desa, kecamatan, summary, submissions, events


def _timeline_days(submissions: pl.DataFrame, states: pl.DataFrame | None, settings, today):
    starts = [
        d.date()
        for d in (
            submissions["uploaded_at"].min() if submissions.height else None,
            states["listed_at"].min() if states is not None and states.height else None,
        )
        if d is not None
    ]
    end = min(today, settings.voting_date)
    start = min([*starts, end - dt.timedelta(days=14)])
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@one_connection  # one connection for all reads of the page
def readiness(store: Store, scope: Scope, today: dt.date) -> Readiness:
    """Readiness figures for ``scope`` now, and as of the end of yesterday for the deltas.

    The figures come from the per-desa counts every write keeps up to date
    (``Store.cached_readiness_counts``); when those cannot answer (just after a bulk load, or
    for another ``today``) they are counted live from timestamps (roster uploads, BPJS /
    attendance batches created and undone). Officer and TPS rows, for the drill-down and the
    action lists, come from :func:`readiness_people`.
    """
    settings = store.settings
    villages = store.villages(scope)
    all_submissions = store.submissions(scope, active_only=False)
    end_of_yesterday = dt.datetime.combine(today, dt.time(), tzinfo=metrics.WIB)
    cached = store.cached_readiness_counts(scope, today)
    if cached is None:
        params = _counts_params(settings)
        cached = (
            store.readiness_counts(scope, None, **params),
            store.readiness_counts(scope, end_of_yesterday, **params),
        )
    now_counts, yesterday_counts = cached
    desa, kecamatan, summary, events = _from_counts(
        store, now_counts, today, villages, all_submissions
    )
    days = _timeline_days(all_submissions, None, settings, today)
    timeline = metrics.readiness_timeline_counts(desa, all_submissions, events, days)
    yesterday = _from_counts(
        store,
        yesterday_counts,
        today - dt.timedelta(days=1),
        villages,
        _submissions_by(all_submissions, end_of_yesterday),
    )[2]
    desa = desa.join(store.operator_contacts(scope), on="desa_code", how="left").join(
        village_states(store, scope), on="desa_code", how="left"
    )
    return Readiness(
        desa=desa,
        kecamatan=kecamatan,
        summary=summary,
        yesterday=yesterday,
        timeline=timeline,
        scope=scope,
        today=today,
    )


@one_connection
def readiness_people(store: Store, scope: Scope) -> People:
    """Each officer's readiness state and each TPS's coverage, for DETAIL_LEVELS scopes.

    A page reads these after its figures, so the headline never waits for person rows.
    """
    detail = scope if scope.level in DETAIL_LEVELS else _NOWHERE
    states, coverage = store.officer_and_tps_states(detail)
    names = store.villages(detail).select(
        "kecamatan_code", "kecamatan_name", "desa_code", "desa_name"
    )
    return People(
        officers=states.with_columns(_state_label().alias("state")).join(
            names, on="desa_code", how="left"
        ),
        tps=coverage.join(names, on="desa_code", how="left"),
    )


def _state_label() -> pl.Expr:
    """An officer's readiness state word (READINESS_STATES) from the rule's flags."""
    siap, belum_bpjs, belum_pelatihan, perlu_diperiksa, _ = READINESS_STATES
    return (
        pl.when(pl.col("blocked"))
        .then(pl.lit(perlu_diperiksa))
        .when(~pl.col("bpjs_enrolled"))
        .then(pl.lit(belum_bpjs))
        .when(~pl.col("trained"))
        .then(pl.lit(belum_pelatihan))
        .otherwise(pl.lit(siap))
    )


# -- end of the figures from per-desa counts ---------------------------------------------------------


READINESS_JSON_KEYS = ("bpjs_enrolled", "trained", "ready", "tps_total", "tps_covered")


def readiness_json(view: Readiness) -> dict:
    """The readiness keys ``summary --json`` adds, overall and per kecamatan code."""
    s = view.summary
    overall = {
        **{k: s[k] for k in READINESS_JSON_KEYS},
        "rawan_uncovered": s["rawan_uncovered"],
        "registered": s["registered"],
        "bpjs_rate": s["bpjs_rate"],
        "trained_rate": s["trained_rate"],
        "ready_rate": s["ready_rate"],
        "tps_covered_rate": s["tps_covered_rate"],
        "bpjs_premium_per_month": s["bpjs_premium_per_month"],
        "days_to_vote": s["days_to_vote"],
        "readiness_status": s["status"],
    }
    per_kecamatan = {
        row["kecamatan_code"]: {
            "bpjs_enrolled": row["bpjs_enrolled"],
            "trained": row["trained"],
            "ready": row["ready"],
            "tps_total": row["tps_count"],
            "tps_covered": row["tps_covered"],
            "rawan_uncovered": row["rawan_uncovered"],
            "ready_rate": None if row["ready_rate"] is None else round(row["ready_rate"], 1),
            "readiness_status": row["status"],
            "main_gap": row["main_gap"],
        }
        for row in view.kecamatan.iter_rows(named=True)
    }
    return {"overall": overall, "kecamatan": per_kecamatan}


def with_readiness(data: dict, view: Readiness) -> dict:
    """``summary_json`` output plus the readiness keys, overall and in each kecamatan entry."""
    extra = readiness_json(view)
    kecamatan = [{**row, **extra["kecamatan"].get(row["kode"], {})} for row in data["kecamatan"]]
    return {**data, **extra["overall"], "kecamatan": kecamatan}


# -- end of readiness view -----------------------------------------------------------------------
