"""The row-level readiness path: the oracle the counted path in DuckDB is tested against.

Production counts readiness once, in SQL (``Store.readiness_counts`` and the counts kept per
desa); these functions recount the same figures from one row per officer and per TPS with the
pure metrics, so tests can prove both agree. Nothing under ``readiness/`` calls them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness import metrics, reports
from readiness.db import Store
from readiness.scope import Scope


def villages_not_submitted(desa: pl.DataFrame) -> pl.DataFrame:
    """The desa that have sent nothing yet, by kecamatan: the list to chase today."""
    return desa.filter(~pl.col("submitted")).select(
        "kecamatan_code",
        "kecamatan_name",
        "desa_code",
        "desa_name",
        "desa_kind",
        "tps_count",
        "officers_required",
    )


def desa_readiness(
    desa: pl.DataFrame, states: pl.DataFrame, coverage: pl.DataFrame, rules: metrics.ReadinessRules
) -> pl.DataFrame:
    """Per desa: the :func:`metrics.desa_overview` row plus BPJS, training, readiness and TPS coverage.

    desa: :func:`metrics.desa_overview`. states: :func:`metrics.officer_states`. coverage: :func:`metrics.tps_coverage`.
    Adds registered (persons counted once), surplus (registered - required; null without
    TPS), bpjs_enrolled, trained, trained_self_reported, blocked, ready (counts of persons),
    bpjs_counted / trained_counted / ready_counted (capped at required), slots_<state> (the
    required posts split by state; they sum to officers_required), tps_covered, rawan_uncovered,
    bpjs_rate, trained_rate, ready_rate, tps_covered_rate (0–100) and status.
    """
    persons = states.filter(pl.col("counted"))
    counts = persons.group_by("desa_code").agg(
        pl.len().cast(pl.Int64).alias("registered"),
        pl.col("bpjs_enrolled").sum().cast(pl.Int64).alias("bpjs_enrolled"),
        pl.col("trained").sum().cast(pl.Int64).alias("trained"),
        pl.col("trained_self_reported").sum().cast(pl.Int64).alias("trained_self_reported"),
        pl.col("blocked").sum().cast(pl.Int64).alias("blocked"),
        pl.col("ready").sum().cast(pl.Int64).alias("ready"),
        *(
            (pl.col("state") == s).sum().cast(pl.Int64).alias(f"_n_{c}")
            for s, c in metrics._SLOT_COLUMNS.items()
            if s != "belum terdaftar"
        ),
    )
    cover = coverage.group_by("desa_code").agg(
        pl.col("covered").sum().cast(pl.Int64).alias("tps_covered"),
        (pl.col("rawan") & ~pl.col("covered")).sum().cast(pl.Int64).alias("rawan_uncovered"),
    )
    return metrics.desa_readiness_counts(
        desa, counts.join(cover, on="desa_code", how="full", coalesce=True), rules
    )


def readiness_timeline(
    desa: pl.DataFrame, submissions: pl.DataFrame, states: pl.DataFrame, days: list[dt.date]
) -> pl.DataFrame:
    """Cumulative figures at the end of each day (WIB), each capped per desa like the headline.

    desa: :func:`desa_readiness` (desa_code, officers_required). submissions: desa_code,
    uploaded_at. states: :func:`metrics.officer_states` plus listed_at, bpjs_at, trained_at.
    Returns date, desa_submitted, registered, ready (0 before anything happened). An officer is
    ready from the latest of listed_at, bpjs_at and trained_at.

    >>> d = pl.DataFrame({"desa_code": ["a"], "officers_required": [2]})
    >>> at = dt.datetime(2024, 11, 2, 9, tzinfo=WIB)
    >>> sub = pl.DataFrame({"desa_code": ["a"], "uploaded_at": [at]})
    >>> st = pl.DataFrame({"desa_code": ["a"] * 3, "counted": [True] * 3,
    ...     "ready": [True, True, True], "listed_at": [at] * 3, "bpjs_at": [at] * 3,
    ...     "trained_at": [at] + [at + dt.timedelta(days=1)] * 2})
    >>> readiness_timeline(d, sub, st, [dt.date(2024, 11, 1), dt.date(2024, 11, 2),
    ...     dt.date(2024, 11, 3)])["ready"].to_list()
    [0, 1, 2]
    """

    def day_of(column: str) -> pl.Expr:
        return pl.col(column).dt.convert_time_zone("Asia/Jakarta").dt.date()

    grid = pl.DataFrame({"date": days}, schema={"date": pl.Date}).join(
        desa.select("desa_code", "officers_required"), how="cross"
    )
    persons = states.filter(pl.col("counted"))
    events = pl.concat(
        [
            submissions.group_by("desa_code")
            .agg(pl.col("uploaded_at").min())
            .select("desa_code", day_of("uploaded_at").alias("day"), pl.lit("desa").alias("k")),
            persons.select(
                "desa_code", day_of("listed_at").alias("day"), pl.lit("registered").alias("k")
            ),
            persons.filter(pl.col("ready")).select(
                "desa_code",
                pl.max_horizontal(
                    day_of("listed_at"), day_of("bpjs_at"), day_of("trained_at")
                ).alias("day"),
                pl.lit("ready").alias("k"),
            ),
        ]
    )
    per_day = (
        grid.join(events, on="desa_code", how="left")
        .group_by("date", "desa_code", "officers_required")
        .agg(
            *(
                ((pl.col("k") == k) & (pl.col("day") <= pl.col("date"))).sum().alias(k)
                for k in ("desa", "registered", "ready")
            )
        )
    )
    required = pl.col("officers_required")
    return (
        per_day.group_by("date")
        .agg(
            (pl.col("desa") > 0).sum().cast(pl.Int64).alias("desa_submitted"),
            pl.when(required.is_not_null())
            .then(pl.min_horizontal("registered", required))
            .otherwise(0)
            .sum()
            .cast(pl.Int64)
            .alias("registered"),
            pl.when(required.is_not_null())
            .then(pl.min_horizontal("ready", required))
            .otherwise(0)
            .sum()
            .cast(pl.Int64)
            .alias("ready"),
        )
        .sort("date")
    )


def readiness_at(
    store: Store,
    scope: Scope,
    as_of: dt.datetime | None,
    today: dt.date,
    villages: pl.DataFrame,
    submissions: pl.DataFrame,
):
    """The row-level path: one row per officer and per TPS, the pure metrics over them."""
    settings = store.settings
    rr = reports.readiness_rules(settings)
    submissions = reports._submissions_by(submissions, as_of)
    officers = store.officer_readiness(scope, as_of)
    tps = store.tps(scope)
    overview_desa = metrics.desa_overview(
        villages, tps, submissions, officers.select("desa_code", "nik"), reports.rules(settings)
    )
    states = metrics.officer_states(officers, rr)
    coverage = metrics.tps_coverage(tps, states, rr)
    desa = desa_readiness(overview_desa, states, coverage, rr)
    kecamatan = metrics.kecamatan_readiness(desa, rr)
    summary = reports._readiness_summary(kecamatan, settings, today)
    return desa, kecamatan, summary, states, coverage, submissions
