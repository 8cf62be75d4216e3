"""Altair builders: DataFrame in, chart out; named layers combined last, Indonesian labels.

A colour means the same on every page and in the PDF: done is green, a gap is red, and the
states between keep their own colour. Shades differ in lightness so print in black and white
still separates them. Tooltips use pre-formatted Indonesian numbers (1.234; 87,3%).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from readiness import formatting as fmt

# One colour per state, everywhere.
STATE_COLOURS = {
    "siap": "#1b7f3b",
    "belum BPJS": "#f2a900",
    "belum pelatihan": "#7b5ea7",
    "belum terdaftar": "#c62828",
    "sudah mengirim": "#1b7f3b",
    "belum mengirim": "#c62828",
    "kebutuhan": "#cfd8dc",
    "terdaftar": "#1f4e79",
}
SUBMISSION_STATES = ("sudah mengirim", "belum mengirim")


def _scale(states: tuple[str, ...]) -> alt.Scale:
    return alt.Scale(domain=list(states), range=[STATE_COLOURS[s] for s in states])


def _labels(values: pl.Series) -> pl.Series:
    return pl.Series([fmt.number(v) for v in values.to_list()], dtype=pl.String)


def submission_by_kecamatan(kecamatan: pl.DataFrame) -> alt.Chart:
    """Stacked bars per kecamatan: desa that sent their list vs desa still silent.

    kecamatan: kecamatan_name, desa_submitted, desa_not_submitted, desa_total.
    """
    long = (
        kecamatan.select(
            "kecamatan_name",
            "desa_total",
            pl.col("desa_submitted").alias("sudah mengirim"),
            pl.col("desa_not_submitted").alias("belum mengirim"),
        )
        .unpivot(
            index=["kecamatan_name", "desa_total"],
            on=list(SUBMISSION_STATES),
            variable_name="keadaan",
            value_name="jumlah",
        )
        .with_columns(
            pl.col("jumlah").map_batches(_labels, return_dtype=pl.String).alias("jumlah_label"),
            pl.col("keadaan")
            .replace({s: i for i, s in enumerate(SUBMISSION_STATES)})
            .cast(pl.Int8)
            .alias("urutan"),
        )
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("kecamatan_name:N", title="Kecamatan", sort=None),
            x=alt.X(
                "jumlah:Q", title="Jumlah desa/kelurahan", stack="zero", axis=alt.Axis(format="d")
            ),
            color=alt.Color(
                "keadaan:N",
                title="Daftar linmas",
                scale=_scale(SUBMISSION_STATES),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("urutan:O"),
            tooltip=[
                alt.Tooltip("kecamatan_name:N", title="Kecamatan"),
                alt.Tooltip("keadaan:N", title="Keadaan"),
                alt.Tooltip("jumlah_label:N", title="Desa"),
            ],
        )
    )
    return bars.properties(title="Desa/kelurahan yang sudah mengirim daftar", height=alt.Step(22))


def registered_vs_required(kecamatan: pl.DataFrame) -> alt.Chart:
    """Per kecamatan, linmas registered drawn over the requirement (TPS × linmas per TPS).

    kecamatan: kecamatan_name, officers_required, officers_registered.
    """
    data = kecamatan.select(
        "kecamatan_name",
        pl.col("officers_required").fill_null(0),
        "officers_registered",
        pl.col("officers_required")
        .map_batches(_labels, return_dtype=pl.String)
        .alias("required_label"),
        pl.col("officers_registered")
        .map_batches(_labels, return_dtype=pl.String)
        .alias("registered_label"),
    )
    tooltip = [
        alt.Tooltip("kecamatan_name:N", title="Kecamatan"),
        alt.Tooltip("registered_label:N", title="Terdaftar"),
        alt.Tooltip("required_label:N", title="Kebutuhan"),
    ]
    base = alt.Chart(data).encode(y=alt.Y("kecamatan_name:N", title="Kecamatan", sort=None))
    required = base.mark_bar(color=STATE_COLOURS["kebutuhan"]).encode(
        x=alt.X("officers_required:Q", title="Linmas", axis=alt.Axis(format="d")),
        tooltip=tooltip,
    )
    registered = base.mark_bar(color=STATE_COLOURS["terdaftar"], height=10).encode(
        x="officers_registered:Q", tooltip=tooltip
    )
    return alt.layer(required, registered).properties(
        title="Linmas terdaftar (biru) terhadap kebutuhan (abu-abu)", height=alt.Step(22)
    )
