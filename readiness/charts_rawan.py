"""The peta kerawanan chart: kecamatan × (rawan, sangat rawan, each covered or not)."""

from __future__ import annotations

import altair as alt
import polars as pl

from readiness import formatting as fmt
from readiness.charts import STATE_COLOURS

# Peta column -> the cell's heading; "belum tercukupi" cells are the gaps (red like every gap).
CELLS = {
    "rawan_tps": "TPS rawan",
    "rawan_uncovered": "Rawan belum tercukupi",
    "sangat_rawan_tps": "TPS sangat rawan",
    "sangat_rawan_uncovered": "Sangat rawan belum tercukupi",
}


def rawan_heatmap(peta: pl.DataFrame) -> alt.LayerChart:
    """One cell per kecamatan and count; gaps in red, rawan counts in amber, zero grey.

    peta: :func:`readiness.rawan.rawan_map` (kecamatan_name and the four counts).
    """
    long = (
        peta.select("kecamatan_name", *(pl.col(c).alias(label) for c, label in CELLS.items()))
        .unpivot(index="kecamatan_name", variable_name="jenis", value_name="jumlah")
        .with_columns(
            pl.col("jumlah")
            .map_batches(
                lambda s: pl.Series([fmt.number(v) for v in s.to_list()], dtype=pl.String),
                return_dtype=pl.String,
            )
            .alias("jumlah_label"),
            pl.when(pl.col("jumlah") == 0)
            .then(pl.lit("nol"))
            .when(pl.col("jenis").str.contains("belum"))
            .then(pl.lit("belum tercukupi"))
            .otherwise(pl.lit("rawan"))
            .alias("keadaan"),
        )
    )
    base = alt.Chart(long).encode(
        x=alt.X("jenis:N", title=None, sort=list(CELLS.values()),
                axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("kecamatan_name:N", title="Kecamatan"),
    )  # fmt: skip
    cells = base.mark_rect().encode(
        color=alt.Color(
            "keadaan:N",
            title="Keadaan",
            scale=alt.Scale(
                domain=["nol", "rawan", "belum tercukupi"],
                range=[
                    STATE_COLOURS["kebutuhan"],
                    STATE_COLOURS["belum BPJS"],
                    STATE_COLOURS["belum terdaftar"],
                ],
            ),
        ),
        tooltip=[
            alt.Tooltip("kecamatan_name:N", title="Kecamatan"),
            alt.Tooltip("jenis:N", title="Jenis"),
            alt.Tooltip("jumlah_label:N", title="Jumlah TPS"),
        ],
    )
    labels = base.mark_text().encode(text="jumlah_label:N")
    return alt.layer(cells, labels).properties(title="Peta kerawanan per kecamatan")
