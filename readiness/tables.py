"""Metric frames as people read them: Indonesian headers and formatted values.

Pages and exports share these so a table looks the same on screen and on paper.
"""

from __future__ import annotations

import polars as pl

from readiness import formatting as fmt

STATE_LABELS = {"lengkap": "Lengkap", "sebagian": "Sebagian", "belum mengirim": "Belum mengirim"}


def _text(column: str, formatter) -> pl.Expr:
    return pl.col(column).map_elements(formatter, return_dtype=pl.String, skip_nulls=False)


def kecamatan_table(kecamatan: pl.DataFrame) -> pl.DataFrame:
    """One row per kecamatan for the Ringkasan page and the recap exports."""
    return kecamatan.select(
        pl.col("kecamatan_code").alias("Kode"),
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("submission_state").replace_strict(STATE_LABELS, default="").alias("Status"),
        pl.format("{} dari {}", "desa_submitted", "desa_total").alias("Desa mengirim"),
        pl.col("desa_late").alias("Terlambat"),
        pl.col("tps_count").alias("TPS"),
        _text("officers_required", fmt.number).alias("Kebutuhan linmas"),
        _text("officers_registered", fmt.number).alias("Linmas terdaftar"),
        _text("registered_rate", fmt.percent).alias("Keterisian"),
    )


def not_submitted_table(desa: pl.DataFrame) -> pl.DataFrame:
    """The villages still silent, to call today."""
    return (
        desa.filter(~pl.col("submitted"))
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("desa_kind").str.to_titlecase().alias("Jenis"),
            pl.col("desa_code").alias("Kode desa"),
            pl.col("tps_count").alias("TPS"),
            pl.col("officers_required").alias("Kebutuhan linmas"),
        )
        .sort("Kecamatan", "Desa/Kelurahan")
    )


def desa_submission_table(desa: pl.DataFrame) -> pl.DataFrame:
    """Every desa with when it first sent its list and whether that was before the deadline."""
    return desa.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.when(pl.col("tps_count").is_null())
        .then(pl.lit("TPS belum diisi"))
        .otherwise(pl.col("tps_count").cast(pl.String))
        .alias("TPS"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("officers_registered").alias("Terdaftar"),
        _text("first_uploaded_at", fmt.timestamp).alias("Pertama mengirim"),
        pl.when(pl.col("on_time").is_null())
        .then(pl.lit("Belum mengirim"))
        .when(pl.col("on_time"))
        .then(pl.lit("Tepat waktu"))
        .otherwise(pl.lit("Terlambat"))
        .alias("Ketepatan"),
    )
