"""Readiness figures as pure Polars functions: frames in, frames out, no I/O and no clock.

The per-desa table is the base; kecamatan and kabupaten figures are sums over it, so every
page, export and the CLI show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness.config import Settings
from readiness.vocabulary import READINESS_STATES

# Defaults below are the settings' own defaults; production builds rules from the settings in
# force (reports.readiness_rules), so no rule value is written twice.
_DEFAULTS = Settings

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


@dataclass(frozen=True)
class Rules:
    """The settings the figures depend on (a slice of ``config.Settings``)."""

    officers_per_tps: int = _DEFAULTS.officers_per_tps
    rawan_extra_officers: int = _DEFAULTS.rawan_extra_officers
    submission_deadline: dt.date | None = None


def deadline_instant(deadline: dt.date) -> dt.datetime:
    """The end of the deadline day in WIB: an upload at 23.59 WIB is still on time."""
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), tzinfo=WIB)


def _extra_per_tps(tps: pl.DataFrame, rules) -> pl.Expr:
    """Extra linmas a rawan TPS needs: its own ``extra_officers`` (set with its rawan level),
    else the global extra for a TPS flagged rawan before levels; per-desa counts: extra_total."""
    if "tps_count" in tps.columns:
        flagged = pl.col("rawan_count").fill_null(0).cast(pl.Int64) * rules.rawan_extra_officers
        column = "extra_total"
    else:
        flagged = pl.col("rawan").fill_null(False).cast(pl.Int64) * rules.rawan_extra_officers
        column = "extra_officers"
    return pl.col(column).cast(pl.Int64).fill_null(flagged) if column in tps.columns else flagged


def desa_overview(
    villages: pl.DataFrame,
    tps: pl.DataFrame,
    submissions: pl.DataFrame,
    officers: pl.DataFrame,
    rules: Rules,
) -> pl.DataFrame:
    """One row per desa: TPS, required and registered linmas, and when it submitted.

    villages: kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind
    tps: desa_code, tps_number, rawan
    submissions: desa_code, version, uploaded_at (all versions; the first one decides on-time)
    officers: desa_code, nik, optionally submission_id (active roster versions only)
    Returns villages' columns plus tps_count and officers_required (null while the desa has no
    TPS: unknown, never zero), rawan_count, officers_registered (unique NIK),
    officers_counted (registered capped at required, so no rate passes 100 %), submitted,
    first_uploaded_at, last_uploaded_at, versions, on_time (null when not submitted).

    >>> v = pl.DataFrame({"kecamatan_code": ["k"], "kecamatan_name": ["K"], "desa_code": ["k.1"],
    ...                   "desa_name": ["D"], "desa_kind": ["desa"]})
    >>> t = pl.DataFrame({"desa_code": ["k.1"], "tps_number": [1], "rawan": [False]})
    >>> s = pl.DataFrame({"desa_code": ["k.1"], "version": [1],
    ...                   "uploaded_at": [dt.datetime(2024, 11, 1, tzinfo=WIB)]})
    >>> o = pl.DataFrame({"desa_code": ["k.1"] * 3, "nik": ["a", "b", "c"]})
    >>> row = desa_overview(v, t, s, o, Rules()).row(0, named=True)
    >>> row["officers_required"], row["officers_registered"], row["officers_counted"]
    (2, 3, 2)
    """
    # At national scale storage hands over per-desa counts (tps_count, rawan_count;
    # officers_registered) instead of 800,000 TPS and 1.6 million officer rows.
    if "tps_count" in tps.columns:
        tps_per_desa = tps.select(
            "desa_code",
            pl.col("tps_count", "rawan_count").cast(pl.Int64),
            _extra_per_tps(tps, rules).cast(pl.Int64).alias("extra_total"),
        )
    else:
        tps_per_desa = tps.group_by("desa_code").agg(
            pl.len().cast(pl.Int64).alias("tps_count"),
            pl.col("rawan").fill_null(False).sum().cast(pl.Int64).alias("rawan_count"),
            _extra_per_tps(tps, rules).sum().cast(pl.Int64).alias("extra_total"),
        )
    if "officers_registered" in officers.columns:
        registered = officers.select("desa_code", pl.col("officers_registered").cast(pl.Int64))
    else:
        # A person listed by two villages counts once, for the village whose upload came first.
        if "submission_id" in officers.columns:
            officers = officers.sort("submission_id").unique("nik", keep="first")
        registered = officers.group_by("desa_code").agg(
            pl.col("nik").n_unique().cast(pl.Int64).alias("officers_registered")
        )
    uploads = submissions.group_by("desa_code").agg(
        pl.col("uploaded_at").min().alias("first_uploaded_at"),
        pl.col("uploaded_at").max().alias("last_uploaded_at"),
        pl.col("version").max().cast(pl.Int64).alias("versions"),
    )
    frame = (
        villages.join(tps_per_desa, on="desa_code", how="left")
        .join(registered, on="desa_code", how="left")
        .join(uploads, on="desa_code", how="left")
        .with_columns(
            pl.col("officers_registered").fill_null(0),
            pl.col("rawan_count").fill_null(0),
            pl.col("first_uploaded_at").is_not_null().alias("submitted"),
            (
                pl.col("tps_count") * rules.officers_per_tps + pl.col("extra_total").fill_null(0)
            ).alias("officers_required"),
        )
        .with_columns(
            # Counted against a known requirement only: a desa without TPS adds nothing.
            pl.when(pl.col("officers_required").is_not_null())
            .then(pl.min_horizontal("officers_registered", "officers_required"))
            .otherwise(0)
            .alias("officers_counted"),
        )
    )
    if rules.submission_deadline is None:
        on_time = pl.lit(None, dtype=pl.Boolean)
    else:
        # Compare as epoch microseconds so the column's time zone never matters.
        limit = int(deadline_instant(rules.submission_deadline).timestamp() * 1_000_000)
        on_time = (
            pl.when(pl.col("submitted"))
            .then(pl.col("first_uploaded_at").dt.epoch("us") < limit)
            .otherwise(None)
        )
    return frame.with_columns(on_time.alias("on_time")).sort("desa_code")


def _rate(numerator: str, denominator: str) -> pl.Expr:
    """A percentage 0–100, null when the denominator is zero or unknown."""
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) * 100.0 / pl.col(denominator))
        .otherwise(None)
    )


def kecamatan_overview(desa: pl.DataFrame) -> pl.DataFrame:
    """One row per kecamatan summed from :func:`desa_overview`.

    Returns kecamatan_code, kecamatan_name, desa_total, desa_submitted, desa_not_submitted,
    desa_on_time, desa_late, desa_without_tps, tps_count, officers_required,
    officers_registered, officers_counted, submission_state (lengkap / sebagian /
    belum mengirim), submitted_rate, registered_rate (both 0–100).
    """
    return (
        desa.group_by("kecamatan_code", "kecamatan_name")
        .agg(
            pl.len().cast(pl.Int64).alias("desa_total"),
            pl.col("submitted").sum().cast(pl.Int64).alias("desa_submitted"),
            pl.col("on_time").fill_null(False).sum().cast(pl.Int64).alias("desa_on_time"),
            (~pl.col("on_time")).fill_null(False).sum().cast(pl.Int64).alias("desa_late"),
            pl.col("tps_count").is_null().sum().cast(pl.Int64).alias("desa_without_tps"),
            pl.col("tps_count").sum().cast(pl.Int64).alias("tps_count"),
            pl.col("officers_required").sum().cast(pl.Int64).alias("officers_required"),
            pl.col("officers_registered").sum().cast(pl.Int64).alias("officers_registered"),
            pl.col("officers_counted").sum().cast(pl.Int64).alias("officers_counted"),
        )
        .with_columns(
            (pl.col("desa_total") - pl.col("desa_submitted")).alias("desa_not_submitted"),
            pl.when(pl.col("desa_submitted") == pl.col("desa_total"))
            .then(pl.lit("lengkap"))
            .when(pl.col("desa_submitted") > 0)
            .then(pl.lit("sebagian"))
            .otherwise(pl.lit("belum mengirim"))
            .alias("submission_state"),
            _rate("desa_submitted", "desa_total").alias("submitted_rate"),
            _rate("officers_counted", "officers_required").alias("registered_rate"),
        )
        .sort("kecamatan_code")
    )


def kabupaten_summary(kecamatan: pl.DataFrame) -> dict[str, int | float | None]:
    """The headline numbers: the same keys the CLI's ``summary --json`` prints.

    >>> k = pl.DataFrame({"desa_total": [2, 3], "desa_submitted": [2, 1], "desa_on_time": [1, 1],
    ...     "desa_late": [1, 0], "desa_without_tps": [0, 1], "tps_count": [4, 2],
    ...     "officers_required": [8, 4], "officers_registered": [9, 1], "officers_counted": [8, 1],
    ...     "submission_state": ["lengkap", "sebagian"]})
    >>> s = kabupaten_summary(k)
    >>> s["kecamatan_complete"], s["desa_submitted"], s["officers_registered_rate"]
    (1, 3, 75.0)
    """
    totals = kecamatan.select(
        pl.len().alias("kecamatan_total"),
        (pl.col("submission_state") == "lengkap").sum().alias("kecamatan_complete"),
        (pl.col("submission_state") == "sebagian").sum().alias("kecamatan_partial"),
        (pl.col("submission_state") == "belum mengirim").sum().alias("kecamatan_silent"),
        pl.col("desa_total").sum(),
        pl.col("desa_submitted").sum(),
        pl.col("desa_on_time").sum(),
        pl.col("desa_late").sum(),
        pl.col("desa_without_tps").sum(),
        pl.col("tps_count").sum().alias("tps_total"),
        pl.col("officers_registered").sum(),
        pl.col("officers_required").sum(),
        pl.col("officers_counted").sum(),
    ).row(0, named=True)
    summary: dict[str, int | float | None] = {k: int(v or 0) for k, v in totals.items()}
    required = summary["officers_required"]
    summary["officers_registered_rate"] = (
        round(summary["officers_counted"] * 100.0 / required, 1) if required else None
    )
    summary["desa_submitted_rate"] = (
        round(summary["desa_submitted"] * 100.0 / summary["desa_total"], 1)
        if summary["desa_total"]
        else None
    )
    return summary


# -- readiness: BPJS, training, TPS coverage -------------------------------------------------------

_SLOT_COLUMNS = {
    "siap": "slots_siap",
    "belum BPJS": "slots_belum_bpjs",
    "belum pelatihan": "slots_belum_pelatihan",
    "perlu diperiksa": "slots_perlu_diperiksa",
    "belum terdaftar": "slots_belum_terdaftar",
}


@dataclass(frozen=True)
class ReadinessRules:
    """The settings readiness depends on (a slice of ``config.Settings``)."""

    officers_per_tps: int = _DEFAULTS.officers_per_tps
    rawan_extra_officers: int = _DEFAULTS.rawan_extra_officers
    required_modules: tuple[str, ...] = _DEFAULTS.training_modules
    ready_target: float = _DEFAULTS.ready_target
    critical_below: float = _DEFAULTS.critical_below
    blocking_codes: tuple[str, ...] = _DEFAULTS.blocking_codes


def unit_status(rate: pl.Expr, rules: ReadinessRules) -> pl.Expr:
    """siap at or above the target, kritis below the critical line, perlu perhatian between.

    An unknown rate (no TPS yet, so no requirement) needs attention.
    """
    return (
        pl.when(rate >= rules.ready_target)
        .then(pl.lit("siap"))
        .when(rate < rules.critical_below)
        .then(pl.lit("kritis"))
        .otherwise(pl.lit("perlu perhatian"))
    )


def _capped(count: str, required: str = "officers_required") -> pl.Expr:
    return (
        pl.when(pl.col(required).is_not_null())
        .then(pl.min_horizontal(count, required))
        .otherwise(0)
        .cast(pl.Int64)
    )


# The per-desa readiness counts, as the store's
# ``readiness_counts`` hands the same columns over at province / national scale.
READINESS_COUNT_COLUMNS = (
    "registered",
    "bpjs_enrolled",
    "trained",
    "trained_self_reported",
    "blocked",
    "ready",
    *(f"_n_{c}" for s, c in _SLOT_COLUMNS.items() if s != "belum terdaftar"),
    "tps_covered",
    "rawan_uncovered",
)


def desa_readiness_counts(
    desa: pl.DataFrame, counts: pl.DataFrame, rules: ReadinessRules
) -> pl.DataFrame:
    """Per desa: the :func:`desa_overview` row plus BPJS, training, readiness, TPS coverage.

    counts: desa_code plus READINESS_COUNT_COLUMNS (persons counted once per desa; _n_<slot>
    how many counted persons are in each state; tps_covered, rawan_uncovered).
    """
    count_columns = list(READINESS_COUNT_COLUMNS)
    frame = (
        desa.join(
            counts.select("desa_code", *(pl.col(c).cast(pl.Int64) for c in count_columns)),
            on="desa_code",
            how="left",
        )
        .with_columns(*(pl.col(c).fill_null(0) for c in count_columns))
        .with_columns(
            (pl.col("registered") - pl.col("officers_required")).alias("surplus"),
            _capped("bpjs_enrolled").alias("bpjs_counted"),
            _capped("trained").alias("trained_counted"),
            _capped("ready").alias("ready_counted"),
        )
    )
    # Fill the required posts best state first: surplus officers never hide a gap.
    left = pl.col("officers_required").fill_null(0)
    slots = []
    for state, column in _SLOT_COLUMNS.items():
        if state == "belum terdaftar":
            slots.append(left.alias(column))
            break
        take = pl.min_horizontal(pl.col(f"_n_{column}"), left)
        slots.append(take.alias(column))
        left = left - take
    helpers = [f"_n_{c}" for c in _SLOT_COLUMNS.values() if c != "slots_belum_terdaftar"]
    frame = frame.with_columns(slots).drop(helpers)
    return frame.with_columns(
        _rate("bpjs_counted", "officers_required").alias("bpjs_rate"),
        _rate("trained_counted", "officers_required").alias("trained_rate"),
        _rate("ready_counted", "officers_required").alias("ready_rate"),
        _rate("tps_covered", "tps_count").alias("tps_covered_rate"),
    ).with_columns(unit_status(pl.col("ready_rate"), rules).alias("status"))


# Counts that add up from desa to kecamatan to kabupaten.
_COUNT_SUMS = (
    "tps_count",
    "rawan_count",
    "officers_required",
    "registered",
    "bpjs_enrolled",
    "trained",
    "trained_self_reported",
    "blocked",
    "ready",
    "officers_counted",
    "bpjs_counted",
    "trained_counted",
    "ready_counted",
    "tps_covered",
    "rawan_uncovered",
)
_READINESS_SUMS = (*_COUNT_SUMS, *_SLOT_COLUMNS.values())


def kecamatan_readiness(desa: pl.DataFrame, rules: ReadinessRules) -> pl.DataFrame:
    """One row per kecamatan summed from :func:`desa_readiness_counts`, with a status and its main gap.

    Returns kecamatan_code, kecamatan_name, desa_total, desa_submitted, desa_not_submitted,
    the sums of the desa counts, surplus, the rates (0–100), status and main_gap (the
    unready state holding most required posts, e.g. "belum BPJS"; null when none).
    """
    unready = [s for s in READINESS_STATES if s != "siap"]
    biggest = pl.max_horizontal([pl.col(_SLOT_COLUMNS[s]) for s in unready])
    main_gap = pl.lit(None, dtype=pl.String)
    for state in reversed(unready):  # ties go to the earliest state in READINESS_STATES
        main_gap = (
            pl.when((pl.col(_SLOT_COLUMNS[state]) == biggest) & (biggest > 0))
            .then(pl.lit(state))
            .otherwise(main_gap)
        )
    return (
        desa.group_by("kecamatan_code", "kecamatan_name")
        .agg(
            pl.len().cast(pl.Int64).alias("desa_total"),
            pl.col("submitted").sum().cast(pl.Int64).alias("desa_submitted"),
            *(pl.col(c).sum().cast(pl.Int64) for c in _READINESS_SUMS),
        )
        .with_columns(
            (pl.col("desa_total") - pl.col("desa_submitted")).alias("desa_not_submitted"),
            (pl.col("registered") - pl.col("officers_required")).alias("surplus"),
            _rate("desa_submitted", "desa_total").alias("submitted_rate"),
            _rate("officers_counted", "officers_required").alias("registered_rate"),
            _rate("bpjs_counted", "officers_required").alias("bpjs_rate"),
            _rate("trained_counted", "officers_required").alias("trained_rate"),
            _rate("ready_counted", "officers_required").alias("ready_rate"),
            _rate("tps_covered", "tps_count").alias("tps_covered_rate"),
            main_gap.alias("main_gap"),
        )
        .with_columns(unit_status(pl.col("ready_rate"), rules).alias("status"))
        .sort("kecamatan_code")
    )


def _percent(numerator: int, denominator: int) -> float | None:
    return round(numerator * 100.0 / denominator, 1) if denominator else None


def kabupaten_readiness(
    kecamatan: pl.DataFrame, rules: ReadinessRules, *, today: dt.date, voting_date: dt.date
) -> dict[str, int | float | str | None]:
    """Headline readiness numbers (the keys ``summary --json`` adds).

    >>> k = pl.DataFrame({"desa_total": [2], "desa_submitted": [1], "tps_count": [3],
    ...     "rawan_count": [1], "officers_required": [6], "registered": [5], "bpjs_enrolled": [4],
    ...     "trained": [3], "trained_self_reported": [0], "blocked": [0], "ready": [3],
    ...     "officers_counted": [5], "bpjs_counted": [4], "trained_counted": [3],
    ...     "ready_counted": [3], "tps_covered": [2], "rawan_uncovered": [1],
    ...     "status": ["perlu perhatian"]})
    >>> s = kabupaten_readiness(k, ReadinessRules(), today=dt.date(2024, 11, 20),
    ...     voting_date=dt.date(2024, 11, 27))
    >>> s["ready"], s["ready_rate"], s["tps_covered"], s["days_to_vote"], s["status"]
    (3, 50.0, 2, 7, 'perlu perhatian')
    """
    sums = kecamatan.select(
        pl.len().alias("kecamatan_total"),
        *(pl.col(c).sum() for c in ("desa_total", "desa_submitted", *_COUNT_SUMS)),
        (pl.col("status") == "siap").sum().alias("kecamatan_siap"),
        (pl.col("status") == "kritis").sum().alias("kecamatan_kritis"),
    ).row(0, named=True)
    s: dict[str, int | float | str | None] = {k: int(v or 0) for k, v in sums.items()}
    required = int(s["officers_required"] or 0)
    s["tps_total"] = s.pop("tps_count")
    s["rawan_total"] = s.pop("rawan_count")
    s["desa_not_submitted"] = int(s["desa_total"] or 0) - int(s["desa_submitted"] or 0)
    s["surplus"] = int(s["registered"] or 0) - required
    s["registered_rate"] = _percent(int(s["officers_counted"] or 0), required)
    s["bpjs_rate"] = _percent(int(s["bpjs_counted"] or 0), required)
    s["trained_rate"] = _percent(int(s["trained_counted"] or 0), required)
    s["ready_rate"] = _percent(int(s["ready_counted"] or 0), required)
    s["tps_covered_rate"] = _percent(int(s["tps_covered"] or 0), int(s["tps_total"] or 0))
    s["days_to_vote"] = (voting_date - today).days
    rate = s["ready_rate"]
    s["status"] = (
        "perlu perhatian"
        if rate is None
        else "siap"
        if rate >= rules.ready_target
        else "kritis"
        if rate < rules.critical_below
        else "perlu perhatian"
    )
    return s


def readiness_timeline_counts(
    desa: pl.DataFrame, submissions: pl.DataFrame, events: pl.DataFrame, days: list[dt.date]
) -> pl.DataFrame:
    """:func:`readiness_timeline` from per-desa, per-day counts.

    events: desa_code, kind ("registered" / "ready"), day (WIB date), n (counted persons
    listed / ready that day), as ``Store.readiness_counts`` returns them. Each desa's running
    total is capped at its requirement once per event day; the day totals are the running sum
    of the changes, so the work grows with the events, not with days x desa.

    >>> d = pl.DataFrame({"desa_code": ["a"], "officers_required": [2]})
    >>> sub = pl.DataFrame({"desa_code": ["a"], "uploaded_at": [dt.datetime(2024, 11, 2, 9, tzinfo=WIB)]})
    >>> ev = pl.DataFrame({"desa_code": ["a", "a"], "kind": ["ready", "ready"],
    ...     "day": [dt.date(2024, 11, 2), dt.date(2024, 11, 3)], "n": [1, 2]})
    >>> readiness_timeline_counts(d, sub, ev, [dt.date(2024, 11, 1), dt.date(2024, 11, 2),
    ...     dt.date(2024, 11, 3)])["ready"].to_list()
    [0, 1, 2]
    """
    required = desa.select("desa_code", "officers_required")
    firsts = (
        submissions.group_by("desa_code")
        .agg(pl.col("uploaded_at").min())
        .join(required, on="desa_code", how="semi")
        .select(
            pl.lit("desa_submitted").alias("kind"),
            pl.col("uploaded_at").dt.convert_time_zone("Asia/Jakarta").dt.date().alias("day"),
            pl.lit(1, dtype=pl.Int64).alias("change"),
        )
    )
    need = pl.col("officers_required")
    # Running totals per (desa, kind) over the sorted rows, without per-group windows: at
    # national scale there are ~166,000 groups of one or two rows each, where ``over`` costs
    # 300 ms and this whole-column arithmetic 10 ms.
    first = (pl.col("desa_code") != pl.col("desa_code").shift(1)) | (
        pl.col("kind") != pl.col("kind").shift(1)
    )
    running = pl.col("_sum") - pl.when("_first").then(pl.col("_sum") - pl.col("n")).forward_fill()
    people = (
        events.filter(pl.col("day").is_not_null())
        .join(required, on="desa_code", how="inner")
        .group_by("desa_code", "kind", "day")
        .agg(pl.col("n").sum().cast(pl.Int64), need.first())
        .sort("desa_code", "kind", "day")
        .with_columns(first.fill_null(True).alias("_first"), pl.col("n").cum_sum().alias("_sum"))
        .with_columns(running.alias("total"))
        .with_columns(
            pl.when(need.is_not_null())
            .then(pl.min_horizontal("total", need))
            .otherwise(0)
            .cast(pl.Int64)
            .alias("capped")
        )
        .select(
            "kind",
            "day",
            (pl.col("capped") - pl.when("_first").then(0).otherwise(pl.col("capped").shift(1)))
            .cast(pl.Int64)
            .alias("change"),
        )
    )
    changes = pl.concat([firsts, people]).group_by("kind", "day").agg(pl.col("change").sum())
    frame = pl.DataFrame({"date": days}, schema={"date": pl.Date}).sort("date")
    for kind in ("desa_submitted", "registered", "ready"):
        running = (
            changes.filter(pl.col("kind") == kind)
            .sort("day")
            .select("day", pl.col("change").cum_sum().cast(pl.Int64).alias(kind))
        )
        frame = frame.join_asof(running, left_on="date", right_on="day", strategy="backward")
        frame = frame.drop("day").with_columns(pl.col(kind).fill_null(0))
    return frame


# -- verification berjenjang -------------------------------------------------------------------

VERIFICATION_STATES = ("belum mengirim", "sebagian", "lengkap", "terverifikasi")


def desa_verification(submissions: pl.DataFrame) -> pl.DataFrame:
    """The kecamatan's word on each desa's newest upload.

    submissions: desa_code, version, status, reviewed_at, review_note (any versions).
    Returns desa_code, review_status (menunggu_verifikasi / terverifikasi / dikembalikan),
    reviewed_at, review_note: one row per desa that uploaded.

    >>> s = pl.DataFrame({"desa_code": ["a", "a"], "version": [1, 2],
    ...     "status": ["dikembalikan", "menunggu_verifikasi"], "reviewed_at": [None, None],
    ...     "review_note": ["NIK salah", None]})
    >>> desa_verification(s)["review_status"].to_list()
    ['menunggu_verifikasi']
    """
    return (
        submissions.sort("desa_code", "version")
        .group_by("desa_code", maintain_order=True)
        .last()
        .select(
            "desa_code",
            pl.col("status").alias("review_status"),
            "reviewed_at",
            "review_note",
        )
    )


def kecamatan_verification(desa: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """Per kecamatan: belum mengirim / sebagian / lengkap / terverifikasi, with dates.

    desa: kecamatan_code, kecamatan_name, desa_code, submitted, last_uploaded_at (from
    :func:`desa_overview`); reviews: from :func:`desa_verification`.
    Returns kecamatan_code, kecamatan_name, desa_total, desa_submitted, desa_verified,
    desa_returned, desa_waiting, verification_state, last_uploaded_at, verified_at (the last
    review date once every desa is verified, else null). The kabupaten counts a kecamatan as
    submitted (berjenjang) only when it is terverifikasi.

    >>> d = pl.DataFrame({"kecamatan_code": ["k", "k"], "kecamatan_name": ["K", "K"],
    ...     "desa_code": ["k.1", "k.2"], "submitted": [True, True],
    ...     "last_uploaded_at": [dt.datetime(2024, 11, 1), dt.datetime(2024, 11, 2)]})
    >>> r = pl.DataFrame({"desa_code": ["k.1", "k.2"],
    ...     "review_status": ["terverifikasi", "menunggu_verifikasi"],
    ...     "reviewed_at": [dt.datetime(2024, 11, 3), None], "review_note": [None, None]})
    >>> kecamatan_verification(d, r)["verification_state"].to_list()
    ['lengkap']
    """
    joined = desa.select(
        "kecamatan_code", "kecamatan_name", "desa_code", "submitted", "last_uploaded_at"
    ).join(reviews.select("desa_code", "review_status", "reviewed_at"), on="desa_code", how="left")
    status = pl.col("review_status")
    return (
        joined.group_by("kecamatan_code", "kecamatan_name")
        .agg(
            pl.len().cast(pl.Int64).alias("desa_total"),
            pl.col("submitted").sum().cast(pl.Int64).alias("desa_submitted"),
            (status == "terverifikasi").sum().cast(pl.Int64).alias("desa_verified"),
            (status == "dikembalikan").sum().cast(pl.Int64).alias("desa_returned"),
            (status == "menunggu_verifikasi").sum().cast(pl.Int64).alias("desa_waiting"),
            pl.col("last_uploaded_at").max(),
            pl.col("reviewed_at").max().alias("last_reviewed_at"),
        )
        .with_columns(
            pl.when(pl.col("desa_submitted") == 0)
            .then(pl.lit("belum mengirim"))
            .when(pl.col("desa_submitted") < pl.col("desa_total"))
            .then(pl.lit("sebagian"))
            .when(pl.col("desa_verified") < pl.col("desa_total"))
            .then(pl.lit("lengkap"))
            .otherwise(pl.lit("terverifikasi"))
            .alias("verification_state"),
        )
        .with_columns(
            pl.when(pl.col("verification_state") == "terverifikasi")
            .then(pl.col("last_reviewed_at"))
            .otherwise(None)
            .alias("verified_at")
        )
        .drop("last_reviewed_at")
        .sort("kecamatan_code")
    )


# -- region roll-up: an overview one level below a province or national scope --------

AREA_CODE_LENGTH = {"provinsi": 2, "kabupaten": 5}


def child_level(scope_level: str) -> str:
    """The level an overview of ``scope_level`` lists, one step down the hierarchy.

    >>> child_level("nasional"), child_level("provinsi"), child_level("kabupaten")
    ('provinsi', 'kabupaten', 'kecamatan')
    """
    return {"nasional": "provinsi", "provinsi": "kabupaten"}.get(scope_level, "kecamatan")


def area_overview(kecamatan: pl.DataFrame, level: str) -> pl.DataFrame:
    """:func:`kecamatan_overview` rows summed per provinsi or kabupaten (berjenjang recap).

    Returns area_code (the code prefix of that level), kecamatan_total, kecamatan_complete,
    desa_total, desa_submitted, desa_on_time, desa_late, desa_without_tps, tps_count,
    officers_required, officers_registered, officers_counted, submitted_rate, registered_rate.

    >>> k = pl.DataFrame({"kecamatan_code": ["17.02.06", "17.02.07", "17.03.01"],
    ...     "desa_total": [2, 3, 4], "desa_submitted": [2, 1, 0], "desa_on_time": [2, 1, 0],
    ...     "desa_late": [0, 0, 0], "desa_without_tps": [0, 0, 1], "tps_count": [4, 6, 8],
    ...     "officers_required": [8, 12, 16], "officers_registered": [8, 2, 0],
    ...     "officers_counted": [8, 2, 0], "submission_state": ["lengkap", "sebagian", "x"]})
    >>> area_overview(k, "kabupaten")["officers_counted"].to_list()
    [10, 0]
    """
    sums = (
        "desa_total", "desa_submitted", "desa_on_time", "desa_late", "desa_without_tps",
        "tps_count", "officers_required", "officers_registered", "officers_counted",
    )  # fmt: skip
    return (
        kecamatan.group_by(
            pl.col("kecamatan_code").str.slice(0, AREA_CODE_LENGTH[level]).alias("area_code")
        )
        .agg(
            pl.len().cast(pl.Int64).alias("kecamatan_total"),
            (pl.col("submission_state") == "lengkap")
            .sum()
            .cast(pl.Int64)
            .alias("kecamatan_complete"),
            *(pl.col(c).fill_null(0).sum().cast(pl.Int64) for c in sums),
        )
        .with_columns(
            _rate("desa_submitted", "desa_total").alias("submitted_rate"),
            _rate("officers_counted", "officers_required").alias("registered_rate"),
        )
        .sort("area_code")
    )


# -- end of region roll-up --------------------------------------------------------------------
