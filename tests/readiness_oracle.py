"""The row-level readiness path: the oracle the counted path in DuckDB is tested against.

Production counts readiness once, in SQL (``Store.readiness_counts`` and the counts kept per
desa); these functions recount the same figures from one row per officer and per TPS with the
pure metrics, so tests can prove both agree. Nothing under ``readiness/`` calls them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness import assignment, metrics, reports
from readiness.db import Store
from readiness.db.officer_state import RESERVE_PATTERN
from readiness.scope import Scope


def officer_states(officers: pl.DataFrame, rules: metrics.ReadinessRules) -> pl.DataFrame:
    """One row per officer row with its readiness; a person listed twice counts once.

    officers: desa_code, nik, bpjs_enrolled, modules_attended (list), status_pelatihan,
    warning_codes (list), submission_id (the rows of the active roster versions).
    Adds desa_listed (how many villages list this NIK), counted (True on exactly one row per
    NIK: the earliest submission), trained (every required module attended), trained_self_reported
    (the roster says trained, attendance does not), blocked (a blocking warning, or listed in two
    villages), ready, state (siap / belum BPJS / belum pelatihan / perlu diperiksa) and
    modules_missing (list).

    >>> o = pl.DataFrame({"desa_code": ["a", "a"], "nik": ["1", "2"], "submission_id": [1, 1],
    ...     "bpjs_enrolled": [True, False], "modules_attended": [["m"], []],
    ...     "status_pelatihan": [None, True], "warning_codes": [[], []]})
    >>> officer_states(o, metrics.ReadinessRules(required_modules=("m",)))["state"].to_list()
    ['siap', 'belum BPJS']
    """
    attended = pl.col("modules_attended").fill_null([])
    has = [attended.list.contains(m) for m in rules.required_modules]
    codes = pl.col("warning_codes").fill_null([])
    flagged = [codes.list.contains(c) for c in rules.blocking_codes]
    missing = [
        pl.when(~h).then(pl.lit(m)).otherwise(pl.lit(None, dtype=pl.String))
        for h, m in zip(has, rules.required_modules, strict=True)
    ]
    frame = officers.with_columns(
        pl.col("desa_code").n_unique().over("nik").cast(pl.Int64).alias("desa_listed"),
        (pl.struct("submission_id", "desa_code").rank("ordinal").over("nik") == 1).alias("counted"),
        (pl.all_horizontal(has) if has else pl.lit(True)).alias("trained"),
        (
            pl.concat_list(missing).list.drop_nulls() if missing else pl.lit([], pl.List(pl.String))
        ).alias("modules_missing"),
        pl.col("bpjs_enrolled").fill_null(False),
    )
    return frame.with_columns(
        (pl.col("status_pelatihan").fill_null(False) & ~pl.col("trained")).alias(
            "trained_self_reported"
        ),
        (
            (pl.any_horizontal(flagged) if flagged else pl.lit(False)) | (pl.col("desa_listed") > 1)
        ).alias("blocked"),
    ).with_columns(
        (pl.col("bpjs_enrolled") & pl.col("trained") & ~pl.col("blocked")).alias("ready"),
        pl.when(pl.col("blocked"))
        .then(pl.lit("perlu diperiksa"))
        .when(~pl.col("bpjs_enrolled"))
        .then(pl.lit("belum BPJS"))
        .when(~pl.col("trained"))
        .then(pl.lit("belum pelatihan"))
        .otherwise(pl.lit("siap"))
        .alias("state"),
    )


def tps_coverage(
    tps: pl.DataFrame, states: pl.DataFrame, rules: metrics.ReadinessRules
) -> pl.DataFrame:
    """One row per TPS: how many linmas its roster assigns to it against what it needs.

    tps: desa_code, tps_number, rawan, rawan_reason. states: :func:`officer_states`
    (desa_code, nik, nomor_tps, counted, ready). Returns tps' columns plus officers_required
    (per TPS, plus the rawan extra), officers_assigned, officers_ready, covered, shortfall.

    >>> t = pl.DataFrame({"desa_code": ["a", "a"], "tps_number": [1, 2], "rawan": [False, True],
    ...     "rawan_reason": [None, "jauh"]})
    >>> s = pl.DataFrame({"desa_code": ["a"] * 3, "nik": ["1", "2", "3"], "nomor_tps": [1, 1, 2],
    ...     "counted": [True] * 3, "ready": [True, False, True]})
    >>> tps_coverage(t, s, metrics.ReadinessRules())["covered"].to_list()
    [True, False]
    """
    assigned = (
        states.filter(pl.col("counted") & pl.col("nomor_tps").is_not_null())
        .group_by("desa_code", pl.col("nomor_tps").cast(pl.Int64).alias("tps_number"))
        .agg(
            pl.col("nik").n_unique().cast(pl.Int64).alias("officers_assigned"),
            pl.col("ready").sum().cast(pl.Int64).alias("officers_ready"),
        )
    )
    return (
        tps.select(
            "desa_code",
            pl.col("tps_number").cast(pl.Int64),
            pl.col("rawan").fill_null(False),
            pl.col("rawan_reason").cast(pl.String),
            *([pl.col("rawan_level")] if "rawan_level" in tps.columns else []),
            metrics._extra_per_tps(tps, rules).cast(pl.Int64).alias("_extra"),
        )
        .join(assigned, on=["desa_code", "tps_number"], how="left")
        .with_columns(
            pl.col("officers_assigned").fill_null(0),
            pl.col("officers_ready").fill_null(0),
            (rules.officers_per_tps + pl.col("_extra")).alias("officers_required"),
        )
        .with_columns(
            (pl.col("officers_assigned") >= pl.col("officers_required")).alias("covered"),
            (pl.col("officers_required") - pl.col("officers_assigned"))
            .clip(lower_bound=0)
            .alias("shortfall"),
        )
        .drop("_extra")
        .sort("desa_code", "tps_number")
    )


def tps_need(tps: pl.DataFrame, *, officers_per_tps: int = 2, rawan_extra: int = 0) -> pl.DataFrame:
    """desa_code, tps_number, rawan, need: the need frame ``assignment.coverage`` takes, worked
    out in Polars as :func:`tps_coverage` does (per TPS, plus the TPS's own extra_officers, else
    ``rawan_extra`` when it is rawan), so pure tests need no store.

    >>> t = pl.DataFrame({"desa_code": ["a", "a"], "tps_number": [1, 2], "rawan": [False, True]})
    >>> tps_need(t, officers_per_tps=2, rawan_extra=1)["need"].to_list()
    [2, 3]
    """
    rules = metrics.ReadinessRules(
        officers_per_tps=officers_per_tps, rawan_extra_officers=rawan_extra
    )
    return tps.select(
        pl.col("desa_code").cast(pl.String),
        pl.col("tps_number").cast(pl.Int64),
        pl.col("rawan").cast(pl.Boolean).fill_null(False),
        (officers_per_tps + metrics._extra_per_tps(tps, rules)).cast(pl.Int64).alias("need"),
    )


def initial_assignments(officers: pl.DataFrame) -> pl.DataFrame:
    """One assignment per officer row in force, taken from the roster's TPS column.

    The Polars oracle of the assignment in force without changes (``Store.assignments_in_force``
    works it out in SQL). officers: desa_code, nik, nama, nomor_tps, keterangan
    (``Store.officers``). Returns ASSIGNMENT_SCHEMA: tps_number = nomor_tps, cadangan when
    keterangan says so, source "daftar"; ordered by desa_code, tps_number, nama.

    >>> o = pl.DataFrame({"desa_code": ["a", "a"], "nik": ["1", "2"], "nama": ["Ani", "Budi"],
    ...     "nomor_tps": [1, 1], "keterangan": [None, "Cadangan TPS 1"]})
    >>> initial_assignments(o)["cadangan"].to_list()
    [False, True]
    """
    return (
        officers.select(
            "desa_code",
            "nik",
            "nama",
            pl.col("nomor_tps").cast(pl.Int64).alias("tps_number"),
            pl.col("keterangan")
            .cast(pl.String)
            .str.contains(RESERVE_PATTERN)
            .fill_null(False)
            .alias("cadangan"),
            pl.lit(assignment.SOURCE_ROSTER).alias("source"),
        )
        .cast(assignment.ASSIGNMENT_SCHEMA)
        .sort("desa_code", "tps_number", "nama", nulls_last=True)
    )


def apply_changes(assignments: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Lay the change log over the initial assignments: the latest change per person wins.

    changes: CHANGE_SCHEMA (desa_code, nik, tps_number, cadangan, changed_at). A change for
    someone no longer in the roster in force is ignored; changed rows get source "diubah".

    >>> a = pl.DataFrame({"desa_code": ["a"], "nik": ["1"], "nama": ["Ani"], "tps_number": [1],
    ...     "cadangan": [False], "source": ["daftar"]})
    >>> c = pl.DataFrame({"desa_code": ["a", "a"], "nik": ["1", "1"], "tps_number": [2, 3],
    ...     "cadangan": [False, False], "changed_at": [dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
    ...     dt.datetime(2024, 11, 2, tzinfo=dt.UTC)]})
    >>> apply_changes(a, c)["tps_number"].to_list()
    [3]
    """
    latest = (
        changes.cast(assignment.CHANGE_SCHEMA)
        .sort("changed_at")
        .unique(["desa_code", "nik"], keep="last")
        .select(
            "desa_code",
            "nik",
            pl.col("tps_number").alias("new_tps"),
            pl.col("cadangan").alias("new_cadangan"),
            pl.lit(True).alias("changed"),
        )
    )
    changed = pl.col("changed").fill_null(False)
    edited = pl.lit(assignment.SOURCE_EDITED)
    return (
        assignments.join(latest, on=["desa_code", "nik"], how="left")
        .with_columns(
            pl.when(changed).then("new_tps").otherwise("tps_number").alias("tps_number"),
            pl.when(changed).then("new_cadangan").otherwise("cadangan").alias("cadangan"),
            pl.when(changed).then(edited).otherwise("source").alias("source"),
        )
        .select(list(assignment.ASSIGNMENT_SCHEMA))
        .cast(assignment.ASSIGNMENT_SCHEMA)
        .sort("desa_code", "tps_number", "nama", nulls_last=True)
    )


def with_assigned_tps(officers: pl.DataFrame, assignments: pl.DataFrame) -> pl.DataFrame:
    """``officers`` with nomor_tps replaced by the assignment in force (null for cadangan).

    Feeding this to :func:`officer_states` / :func:`tps_coverage` makes the coverage figures
    use assignments instead of the roster's TPS column, with no other change.
    """
    duty = assignments.select(
        "desa_code",
        "nik",
        pl.when(pl.col("cadangan"))
        .then(None)
        .otherwise(pl.col("tps_number"))
        .alias("assigned_tps"),
    )
    dtype = officers.schema["nomor_tps"]
    return (
        officers.join(duty, on=["desa_code", "nik"], how="left")
        .with_columns(pl.col("assigned_tps").cast(dtype).alias("nomor_tps"))
        .drop("assigned_tps")
    )


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

    desa: :func:`metrics.desa_overview`. states: :func:`officer_states`. coverage: :func:`tps_coverage`.
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
    uploaded_at. states: :func:`officer_states` plus listed_at, bpjs_at, trained_at.
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
    officers = roster_inputs(store, scope, as_of)
    tps = store.tps(scope)
    overview_desa = metrics.desa_overview(
        villages, tps, submissions, officers.select("desa_code", "nik"), reports.rules(settings)
    )
    states = officer_states(officers, rr)
    coverage = tps_coverage(tps, states, rr)
    desa = desa_readiness(overview_desa, states, coverage, rr)
    kecamatan = metrics.kecamatan_readiness(desa, rr)
    summary = reports._readiness_summary(kecamatan, settings, today)
    return desa, kecamatan, summary, states, coverage, submissions


# What the rule reads per officer row: the roster, BPJS and attendance as of a moment.
INPUT_COLUMNS = (
    "submission_id", "desa_code", "row_number", "nik", "nama", "keterangan", "roster_tps",
    "bpjs_enrolled", "modules_attended", "status_pelatihan", "warning_codes", "listed_at",
    "bpjs_at", "trained_at",
)  # fmt: skip


def roster_inputs(store: Store, scope: Scope, as_of: dt.datetime | None) -> pl.DataFrame:
    """Officer rows in force at ``as_of`` with nomor_tps = the assignment in force, worked out
    in Polars from the roster's TPS column and the change log (:func:`apply_changes`)."""
    rows = store.officer_readiness(scope, as_of).select(INPUT_COLUMNS)
    changes = store.assignment_changes(scope).drop("actor")
    if as_of is not None:
        limit = int(as_of.timestamp() * 1_000_000)
        changes = changes.filter(pl.col("changed_at").dt.epoch("us") <= limit)
    roster = rows.rename({"roster_tps": "nomor_tps"})
    duty = apply_changes(initial_assignments(roster), changes)
    return with_assigned_tps(roster, duty)
