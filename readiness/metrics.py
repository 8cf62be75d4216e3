"""Readiness figures as pure Polars functions: frames in, frames out, no I/O and no clock.

The per-desa table is the base; kecamatan and kabupaten figures are sums over it, so every
page, export and the CLI show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


@dataclass(frozen=True)
class Rules:
    """The settings the figures depend on (a slice of ``config.Settings``)."""

    officers_per_tps: int = 2
    rawan_extra_officers: int = 0
    submission_deadline: dt.date | None = None


def deadline_instant(deadline: dt.date) -> dt.datetime:
    """The end of the deadline day in WIB: an upload at 23.59 WIB is still on time."""
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), tzinfo=WIB)


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
    officers: desa_code, nik (active roster versions only)
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
    tps_per_desa = tps.group_by("desa_code").agg(
        pl.len().cast(pl.Int64).alias("tps_count"),
        pl.col("rawan").fill_null(False).sum().cast(pl.Int64).alias("rawan_count"),
    )
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
                pl.col("tps_count") * rules.officers_per_tps
                + pl.col("rawan_count").fill_null(0) * rules.rawan_extra_officers
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
