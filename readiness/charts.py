"""Altair builders: DataFrame in, chart out; named layers combined last, Indonesian labels.

A colour means the same on every page and in the PDF: done is green, a gap is red, and the
states between keep their own colour. Shades differ in lightness so print in black and white
still separates them. Tooltips use pre-formatted Indonesian numbers (1.234; 87,3%).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from readiness import formatting as fmt
from readiness.vocabulary import READINESS_STATES, UNIT_STATUSES

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


def _stack_order(states: tuple[str, ...]) -> pl.Expr:
    """Position of each state in its legend, so stacks are drawn in the legend's order."""
    return (
        pl.col("keadaan")
        .replace({s: i for i, s in enumerate(states)})
        .cast(pl.Int8)
        .alias("urutan")
    )


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
            _stack_order(SUBMISSION_STATES),
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


# -- readiness charts ----------------------------------------------------------------------------

STATE_COLOURS.update(
    {
        "perlu diperiksa": "#8d6e63",
        "perlu perhatian": "#ef6c00",
        "kritis": "#c62828",
    }
)
_SLOTS = {
    "siap": "slots_siap",
    "belum BPJS": "slots_belum_bpjs",
    "belum pelatihan": "slots_belum_pelatihan",
    "perlu diperiksa": "slots_perlu_diperiksa",
    "belum terdaftar": "slots_belum_terdaftar",
}
INDICATORS = {
    "submitted_rate": "Desa mengirim",
    "registered_rate": "Terdaftar",
    "bpjs_rate": "BPJS",
    "trained_rate": "Pelatihan",
    "ready_rate": "Siap",
    "tps_covered_rate": "TPS tercukupi",
}


def _percent_labels(values: pl.Series) -> pl.Series:
    return pl.Series([fmt.percent(v) for v in values.to_list()], dtype=pl.String)


def _behind_first(kecamatan: pl.DataFrame) -> list[str]:
    """Kecamatan names, furthest behind (lowest % ready) first: the order of every chart."""
    return kecamatan.sort(pl.col("ready_rate").fill_null(-1.0), "kecamatan_name")[
        "kecamatan_name"
    ].to_list()


def readiness_by_kecamatan(kecamatan: pl.DataFrame) -> alt.Chart:
    """Stacked bars per kecamatan: the required linmas split by readiness state.

    kecamatan: kecamatan_name, ready_rate, officers_required and the slots_<state> columns of
    ``metrics.kecamatan_readiness``.
    """
    long = (
        kecamatan.select(
            "kecamatan_name",
            pl.col("officers_required").fill_null(0),
            *(pl.col(c).alias(s) for s, c in _SLOTS.items()),
        )
        .unpivot(
            index=["kecamatan_name", "officers_required"],
            on=list(READINESS_STATES),
            variable_name="keadaan",
            value_name="jumlah",
        )
        .with_columns(
            pl.col("jumlah").map_batches(_labels, return_dtype=pl.String).alias("jumlah_label"),
            pl.col("officers_required")
            .map_batches(_labels, return_dtype=pl.String)
            .alias("kebutuhan_label"),
            _stack_order(READINESS_STATES),
        )
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("kecamatan_name:N", title="Kecamatan", sort=_behind_first(kecamatan)),
            x=alt.X("jumlah:Q", title="Kebutuhan linmas", stack="zero", axis=alt.Axis(format="d")),
            color=alt.Color("keadaan:N", title="Keadaan", scale=_scale(READINESS_STATES)),
            order=alt.Order("urutan:O"),
            tooltip=[
                alt.Tooltip("kecamatan_name:N", title="Kecamatan"),
                alt.Tooltip("keadaan:N", title="Keadaan"),
                alt.Tooltip("jumlah_label:N", title="Linmas"),
                alt.Tooltip("kebutuhan_label:N", title="Kebutuhan"),
            ],
        )
    )
    return bars.properties(title="Kesiapan linmas per kecamatan", height=alt.Step(22))


def ready_rate_vs_target(kecamatan: pl.DataFrame, target: float) -> alt.LayerChart:
    """Per kecamatan, % of required linmas ready, coloured by status, against the target rule."""
    data = kecamatan.select(
        "kecamatan_name",
        pl.col("ready_rate").fill_null(0.0),
        "status",
        pl.col("ready_rate").map_batches(_percent_labels, return_dtype=pl.String).alias("label"),
    )
    y = alt.Y("kecamatan_name:N", title="Kecamatan", sort=_behind_first(kecamatan))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("ready_rate:Q", title="% linmas siap", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("status:N", title="Status", scale=_scale(UNIT_STATUSES)),
            tooltip=[
                alt.Tooltip("kecamatan_name:N", title="Kecamatan"),
                alt.Tooltip("label:N", title="Siap"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    target_frame = pl.DataFrame(
        {"target": [float(target)], "target_label": [f"Target {fmt.percent(target)}"]}
    )
    rule = (
        alt.Chart(target_frame)
        .mark_rule(color="#263238", strokeDash=[4, 3], size=2)
        .encode(x="target:Q", tooltip=[alt.Tooltip("target_label:N", title="Target")])
    )
    return alt.layer(bars, rule).properties(
        title=f"% linmas siap per kecamatan (target {fmt.percent(target)})", height=alt.Step(22)
    )


def readiness_heatmap(kecamatan: pl.DataFrame) -> alt.LayerChart:
    """Kecamatan × indicator, each cell a percentage from red (0) through amber to green (100)."""
    long = (
        kecamatan.select(
            "kecamatan_name", *(pl.col(c).alias(label) for c, label in INDICATORS.items())
        )
        .unpivot(
            index="kecamatan_name",
            on=list(INDICATORS.values()),
            variable_name="indikator",
            value_name="persen",
        )
        .with_columns(
            pl.col("persen")
            .map_batches(_percent_labels, return_dtype=pl.String)
            .alias("persen_label"),
            pl.col("persen")
            .map_batches(
                lambda s: pl.Series([fmt.percent(v, 0) for v in s.to_list()], dtype=pl.String),
                return_dtype=pl.String,
            )
            .alias("sel_label"),
        )
    )
    base = alt.Chart(long).encode(
        x=alt.X("indikator:N", title=None, sort=list(INDICATORS.values()),
                axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("kecamatan_name:N", title="Kecamatan", sort=_behind_first(kecamatan)),
    )  # fmt: skip
    cells = base.mark_rect().encode(
        color=alt.Color(
            "persen:Q",
            title="%",
            scale=alt.Scale(
                domain=[0, 50, 100],
                range=[
                    STATE_COLOURS["belum terdaftar"],
                    STATE_COLOURS["belum BPJS"],
                    STATE_COLOURS["siap"],
                ],
            ),
        ),
        tooltip=[
            alt.Tooltip("kecamatan_name:N", title="Kecamatan"),
            alt.Tooltip("indikator:N", title="Indikator"),
            alt.Tooltip("persen_label:N", title="Persen"),
        ],
    )
    text = base.mark_text(fontSize=11, color="white").encode(text="sel_label:N")
    return alt.layer(cells, text).properties(
        title="Indikator kesiapan per kecamatan (%)", width=alt.Step(84), height=alt.Step(22)
    )


def readiness_over_time(
    timeline: pl.DataFrame, *, desa_total: int, officers_required: int, voting_date
) -> alt.LayerChart:
    """Cumulative % of villages submitted, linmas registered and ready, up to the voting date.

    timeline: date, desa_submitted, registered, ready (``metrics.readiness_timeline_counts``).
    """
    series = {
        "desa mengirim": ("desa_submitted", desa_total),
        "linmas terdaftar": ("registered", officers_required),
        "linmas siap": ("ready", officers_required),
    }
    colours = {
        "desa mengirim": STATE_COLOURS["terdaftar"],
        "linmas terdaftar": STATE_COLOURS["belum BPJS"],
        "linmas siap": STATE_COLOURS["siap"],
    }
    long = pl.concat(
        [
            timeline.select(
                "date",
                pl.lit(name).alias("ukuran"),
                pl.col(column).alias("jumlah"),
                (pl.col(column) * 100.0 / total if total else pl.lit(None, pl.Float64)).alias(
                    "persen"
                ),
            )
            for name, (column, total) in series.items()
        ]
    ).with_columns(
        pl.col("jumlah").map_batches(_labels, return_dtype=pl.String).alias("jumlah_label"),
        pl.col("persen").map_batches(_percent_labels, return_dtype=pl.String).alias("persen_label"),
        pl.col("date")
        .map_batches(
            lambda s: pl.Series([fmt.date(d) for d in s.to_list()], dtype=pl.String),
            return_dtype=pl.String,
        )
        .alias("tanggal"),
    )
    start = timeline["date"].min() if timeline.height else voting_date
    x = alt.X(
        "date:T",
        title="Tanggal",
        scale=alt.Scale(domain=[str(start), str(voting_date)]),
        axis=alt.Axis(format="%d/%m"),
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("persen:Q", title="% dari kebutuhan", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "ukuran:N",
                title="Ukuran",
                scale=alt.Scale(domain=list(colours), range=list(colours.values())),
            ),
            tooltip=[
                alt.Tooltip("tanggal:N", title="Tanggal"),
                alt.Tooltip("ukuran:N", title="Ukuran"),
                alt.Tooltip("jumlah_label:N", title="Jumlah"),
                alt.Tooltip("persen_label:N", title="Persen"),
            ],
        )
    )
    vote = pl.DataFrame(
        {"date": [voting_date], "label": [f"Pemungutan suara {fmt.date(voting_date)}"]}
    )
    rule = (
        alt.Chart(vote)
        .mark_rule(color=STATE_COLOURS["belum terdaftar"], strokeDash=[4, 3])
        .encode(x="date:T", tooltip=[alt.Tooltip("label:N", title="Hari H")])
    )
    return alt.layer(lines, rule).properties(
        title="Kiriman dan kesiapan dari waktu ke waktu menuju hari pemungutan suara"
    )


# -- end of readiness charts -----------------------------------------------------------------------


# -- the H-n plan on the timeline: milestones as rules, the planned share as dashed lines ---------

# Which planned lines the timeline draws, in the colour of the actual line they go with.
_PLANNED_SERIES = {"registered": "belum BPJS", "ready": "siap"}


def readiness_over_time_planned(
    timeline: pl.DataFrame,
    *,
    desa_total: int,
    officers_required: int,
    voting_date,
    milestones,
) -> alt.LayerChart:
    """:func:`readiness_over_time` with each milestone (a rule at its due date, "H-21") and the
    plan line (``plan.plan_line``, dashed) of the registered and ready milestones.

    milestones: ``config.Milestone`` values (settings with the admin's changes).
    """
    from readiness import plan

    base = readiness_over_time(
        timeline, desa_total=desa_total, officers_required=officers_required,
        voting_date=voting_date,
    )  # fmt: skip
    start = timeline["date"].min() if timeline.height else voting_date
    line = plan.plan_line(milestones, voting_date, start).with_columns(
        pl.col("target_share").map_batches(_percent_labels, return_dtype=pl.String).alias("persen"),
        pl.concat_str(pl.lit("Rencana: "), pl.col("label")).alias("rencana"),
    )
    planned = [
        alt.Chart(line.filter(pl.col("measure") == measure))
        .mark_line(strokeDash=[6, 4], color=STATE_COLOURS[colour], opacity=0.8)
        .encode(
            x="date:T",
            y="target_share:Q",
            detail="code:N",
            tooltip=[
                alt.Tooltip("rencana:N", title="Rencana"),
                alt.Tooltip("date:T", title="Tanggal", format="%d/%m/%Y"),
                alt.Tooltip("persen:N", title="Target hari itu"),
            ],
        )
        for measure, colour in _PLANNED_SERIES.items()
    ]
    due = plan.schedule(milestones, voting_date, start).filter(pl.col("due_date") >= start)
    marks = due.select(
        pl.col("due_date").alias("date"),
        "h",
        pl.concat_str("label", pl.lit(" ("), "h", pl.lit(", "), "due_text", pl.lit(")")).alias(
            "milestone"
        ),
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(color=STATE_COLOURS["belum terdaftar"], strokeDash=[2, 2], opacity=0.6)
        .encode(x="date:T", tooltip=[alt.Tooltip("milestone:N", title="Milestone")])
    )
    labels = (
        alt.Chart(marks)
        .mark_text(align="left", dx=2, dy=-4, fontSize=10, baseline="top")
        .encode(x="date:T", y=alt.value(0), text="h:N")
    )
    return alt.layer(*base.layer, *planned, rules, labels).properties(title=base.title)
