"""Graded rawan TPS: the list from Bawaslu, Polres or an FGD, checked all rows or none.

A TPS is ``rawan`` or ``sangat_rawan`` (levels, labels and the extra linmas each needs are
settings: ``config.RawanLevel``), with the source that named it and why. Bawaslu maps TPS
rawan before each election; police add their own personnel there; the extra linmas per level
is the kabupaten's choice [unv]. Villages are matched exactly like the KPU TPS list
(``tps_list.match_villages``, with the alias table), and each TPS must be in that list.
Pure: bytes or frames in, frames out; storing is the data layer's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from readiness.config import RawanLevel
from readiness.errors import ReadinessError
from readiness.file_formats import RosterFileError, read_grid
from readiness.messages_plan import expr, text
from readiness.regions import name_key, name_keys
from readiness.tps_list import (
    TPS_ALIASES,
    TPS_NUMBER,
    locate_tps_table,
    map_by_aliases,
    match_villages,
    village_problem,
)

# What Bawaslu, Polres and kabupaten staff write in the header -> our column name.
RAWAN_ALIASES = {
    **{k: v for k, v in TPS_ALIASES.items() if v in ("kecamatan", "desa", "tps_number")},
    **dict.fromkeys(
        ("tingkat", "tingkatkerawanan", "tingkatrawan", "level", "levelkerawanan", "kerawanan",
         "rawan", "kategori", "kategorikerawanan", "klasifikasi", "statuskerawanan"),
        "level",
    ),
    **dict.fromkeys(
        ("sumber", "sumberdata", "sumberinformasi", "asal", "asaldata", "rekomendasi",
         "rekomendasidari"),
        "source",
    ),
    **dict.fromkeys(
        ("alasan", "alasankerawanan", "keterangan", "ket", "penyebab", "catatan", "indikator",
         "indikatorkerawanan", "uraian"),
        "reason",
    ),
}  # fmt: skip
RAWAN_HEADERS = (
    "Kecamatan, Desa/Kelurahan, TPS, Tingkat (rawan / sangat rawan), Sumber (Bawaslu, Polres, "
    "FGD, lainnya), Alasan"
)
# Short forms seen in field lists, on top of each level's code and label.
LEVEL_ABBREVIATIONS = {"r": "rawan", "sr": "sangat_rawan", "srawan": "sangat_rawan"}
OTHER_SOURCE_WORDS = ("lain", "lainlain", "lainnya", "other", "dll")
FINDING_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "code": pl.String,
    "severity": pl.String,
    "message": pl.String,
}
ROW_SCHEMA = {
    "row": pl.Int64,
    "desa_code": pl.String,
    "tps_number": pl.Int64,
    "level": pl.String,
    "source": pl.String,
    "reason": pl.String,
}


@dataclass(frozen=True)
class RawanParse:
    """Rows ready to store and every finding (row as Excel shows it, column, code, message)."""

    rows: pl.DataFrame
    findings: pl.DataFrame

    @property
    def ok(self) -> bool:
        """True when no row has an error: only then is anything stored (all rows or none)."""
        return self.findings.filter(pl.col("severity") == "error").height == 0


def map_rawan_columns(columns: list[str]) -> dict[str, str]:
    """Header text -> our name, for the headers we recognise (first one of each wins)."""
    return map_by_aliases(columns, RAWAN_ALIASES)


def level_lookup(levels: Sequence[RawanLevel]) -> dict[str, str]:
    """Spelling key -> level code: "sangat rawan", "Sangat_Rawan", "SR" -> sangat_rawan.

    >>> from readiness.config import DEFAULT_RAWAN_LEVELS
    >>> lookup = level_lookup(DEFAULT_RAWAN_LEVELS)
    >>> lookup[name_key("Sangat Rawan")], lookup[name_key("SR")], lookup[name_key("rawan")]
    ('sangat_rawan', 'sangat_rawan', 'rawan')
    """
    codes = {level.code for level in levels}
    lookup = {k: v for k, v in LEVEL_ABBREVIATIONS.items() if v in codes}
    for level in levels:
        lookup[name_key(level.code.replace("_", " "))] = level.code
        lookup[name_key(level.label)] = level.code
    return lookup


def _source_lookup(values: list[str], sources: Sequence[str]) -> dict[str, str | None]:
    """Each written source -> the configured one it names (by key or key prefix), or None.

    "Bawaslu Kab. Rejang Lebong" is Bawaslu and "Polres RL" is Polres; "lain-lain" is the
    configured source meaning other, when there is one.
    """
    keys = [(name_key(source), source) for source in sources]
    other = next((s for k, s in keys if k in OTHER_SOURCE_WORDS), None)
    found: dict[str, str | None] = {}
    for value in values:
        key = name_key(value)
        match = next((s for k, s in keys if key == k), None) or next(
            (s for k, s in keys if k and key.startswith(k)), None
        )
        if match is None and key in OTHER_SOURCE_WORDS:
            match = other
        found[value] = match
    return found


def parse_rawan(
    frame: pl.DataFrame,
    villages: pl.DataFrame,
    tps: pl.DataFrame,
    *,
    levels: Sequence[RawanLevel],
    sources: Sequence[str],
    aliases: pl.DataFrame | None = None,
) -> RawanParse:
    """Check a rawan table (all-string, header already located, with ``_row``).

    villages: kecamatan_code, kecamatan_name, desa_code, desa_name. tps: desa_code,
    tps_number (the stored KPU list). Returns rows (row, desa_code, tps_number, level, source,
    reason) and findings (row, column, code, severity, message); errors: unknown village, TPS
    not a number or not in the list, the same TPS twice, level or source empty or unknown;
    warning: no reason given.
    """
    mapping = map_rawan_columns([c for c in frame.columns if c != "_row"])
    missing = [
        label
        for name, label in (
            ("desa", "Desa/Kelurahan"),
            ("tps_number", "TPS"),
            ("level", "Tingkat"),
            ("source", "Sumber"),
        )  # fmt: skip
        if name not in mapping.values()
    ]
    if missing:
        found = ", ".join(c for c in frame.columns if c != "_row") or "(tidak ada)"
        msg = text(
            "rawan_columns_missing", missing=", ".join(missing), found=found, expected=RAWAN_HEADERS
        )
        raise ReadinessError(msg, code="rawan_columns_missing")
    rows = frame.rename(mapping).with_columns(
        (pl.col(c) if c in mapping.values() else pl.lit(None, dtype=pl.String)).alias(c)
        for c in ("kecamatan", "reason")
    )
    level_of = level_lookup(levels)
    written_sources = rows["source"].drop_nulls().str.strip_chars().unique().to_list()
    source_of = _source_lookup(written_sources, sources)
    rows = rows.with_columns(
        pl.col("level").str.strip_chars().alias("level_text"),
        pl.col("level")
        .map_batches(name_keys, return_dtype=pl.String)
        .replace_strict(level_of, default=None, return_dtype=pl.String)
        .alias("level_code"),
        pl.col("source").str.strip_chars().alias("source_text"),
        pl.col("source")
        .str.strip_chars()
        .replace_strict(source_of, default=None, return_dtype=pl.String)
        .alias("source_name"),
        pl.col("reason").str.strip_chars().alias("reason_text"),
        pl.col("tps_number").str.strip_chars().alias("tps_text"),
        pl.col("tps_number")
        .str.extract(TPS_NUMBER, 1)
        .cast(pl.Int64, strict=False)
        .alias("tps_parsed"),
    )
    listed = tps.select("desa_code", pl.col("tps_number").cast(pl.Int64).alias("tps_parsed"))
    per_desa = listed.group_by("desa_code").agg(pl.len().cast(pl.Int64).alias("tps_listed"))
    checked = (
        match_villages(rows, villages, aliases)
        .join(villages.select("desa_code", "desa_name"), on="desa_code", how="left")
        .join(per_desa, on="desa_code", how="left")
        .join(
            listed.with_columns(pl.lit(True).alias("tps_known")),
            on=["desa_code", "tps_parsed"],
            how="left",
        )
        .with_columns(
            pl.col("tps_known").fill_null(False),
            pl.col("tps_listed").fill_null(0),
            pl.col("_row").min().over("desa_code", "tps_parsed").alias("first_row"),
        )
        .sort("_row")
    )
    row = pl.col("_row").cast(pl.String)
    desa_ok = pl.col("desa_code").is_not_null()
    tps_ok = desa_ok & pl.col("tps_parsed").is_not_null() & (pl.col("tps_parsed") > 0)
    level_allowed = " atau ".join(level.label.lower() for level in levels)
    other = next((s for s in sources if name_key(s) in OTHER_SOURCE_WORDS), sources[-1])
    blank = {c: pl.col(c).is_null() | (pl.col(c) == "") for c in
             ("tps_text", "level_text", "source_text", "reason_text")}  # fmt: skip
    checks = [
        ("desa", "rawan_desa", "error", ~desa_ok,
         {"row": row, "problem": pl.col("problem_text")}),
        ("tps", "rawan_tps_empty", "error", desa_ok & blank["tps_text"], {"row": row}),
        ("tps", "rawan_tps_invalid", "error", desa_ok & ~blank["tps_text"] & ~tps_ok,
         {"row": row, "value": pl.col("tps_text")}),
        ("tps", "rawan_tps_unknown", "error", tps_ok & ~pl.col("tps_known"),
         {"row": row, "tps": pl.col("tps_parsed").cast(pl.String), "desa": pl.col("desa_name"),
          "count": pl.col("tps_listed").cast(pl.String)}),
        ("tps", "rawan_duplicate", "error",
         tps_ok & pl.col("tps_known") & (pl.col("_row") != pl.col("first_row")),
         {"row": row, "tps": pl.col("tps_parsed").cast(pl.String), "desa": pl.col("desa_name"),
          "first": pl.col("first_row").cast(pl.String)}),
        ("tingkat", "rawan_level_empty", "error", blank["level_text"],
         {"row": row, "allowed": level_allowed}),
        ("tingkat", "rawan_level_unknown", "error",
         ~blank["level_text"] & pl.col("level_code").is_null(),
         {"row": row, "value": pl.col("level_text"), "allowed": level_allowed}),
        ("sumber", "rawan_source_empty", "error", blank["source_text"],
         {"row": row, "allowed": ", ".join(sources)}),
        ("sumber", "rawan_source_unknown", "error",
         ~blank["source_text"] & pl.col("source_name").is_null(),
         {"row": row, "value": pl.col("source_text"), "allowed": ", ".join(sources),
          "other": other}),
        ("alasan", "rawan_reason_empty", "warning", blank["reason_text"], {"row": row}),
    ]  # fmt: skip
    checked = checked.with_columns(village_problem().alias("problem_text"))
    findings = pl.concat(
        [
            checked.filter(condition).select(
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.lit(column).alias("column"),
                pl.lit(code).alias("code"),
                pl.lit(severity).alias("severity"),
                expr(code, **fields).alias("message"),
            )
            for column, code, severity, condition, fields in checks
        ],
        how="vertical",
    ).sort("row", maintain_order=True)
    accepted = checked.filter(
        ~pl.col("_row").is_in(findings.filter(pl.col("severity") == "error")["row"].implode())
    ).select(
        pl.col("_row").cast(pl.Int64).alias("row"),
        "desa_code",
        pl.col("tps_parsed").alias("tps_number"),
        pl.col("level_code").alias("level"),
        pl.col("source_name").alias("source"),
        pl.when(blank["reason_text"]).then(None).otherwise(pl.col("reason_text")).alias("reason"),
    )
    return RawanParse(rows=accepted.cast(ROW_SCHEMA), findings=findings.cast(FINDING_SCHEMA))


def read_rawan_file(
    data: bytes,
    file_name: str,
    *,
    villages: pl.DataFrame,
    tps: pl.DataFrame,
    levels: Sequence[RawanLevel],
    sources: Sequence[str],
    aliases: pl.DataFrame | None = None,
    max_bytes: int = 5_000_000,
) -> RawanParse:
    """A rawan file (CSV/XLSX bytes) checked against the region and TPS lists; nothing stored.

    An unreadable file or missing columns raise ``ReadinessError`` with the Indonesian fix.
    """
    try:
        grid = read_grid(data, file_name, max_bytes=max_bytes)
    except RosterFileError as error:
        raise ReadinessError(error.message, code=error.code) from None
    body = locate_tps_table(grid, map_rawan_columns, RAWAN_HEADERS)
    if body.height == 0:
        raise ReadinessError(text("rawan_no_rows", file=file_name), code="rawan_no_rows")
    return parse_rawan(body, villages, tps, levels=levels, sources=sources, aliases=aliases)


def tps_requirement(
    tps: pl.DataFrame, *, officers_per_tps: int, levels: Sequence[RawanLevel]
) -> pl.DataFrame:
    """Linmas needed per TPS by its level: officers_per_tps + the level's extra.

    tps: desa_code, tps_number, level (null = not rawan). Adds extra_officers and
    officers_required (UU 7/2017 Pasal 351(4): two per TPS by default; extras are settings).

    >>> from readiness.config import DEFAULT_RAWAN_LEVELS
    >>> t = pl.DataFrame({"desa_code": ["a"] * 3, "tps_number": [1, 2, 3],
    ...                   "level": [None, "rawan", "sangat_rawan"]})
    >>> tps_requirement(t, officers_per_tps=2, levels=DEFAULT_RAWAN_LEVELS)[
    ...     "officers_required"].to_list()
    [2, 2, 3]
    """
    extra = {level.code: level.extra_officers for level in levels}
    return tps.with_columns(
        pl.col("level")
        .replace_strict(extra, default=0, return_dtype=pl.Int64)
        .fill_null(0)
        .alias("extra_officers")
    ).with_columns((pl.col("extra_officers") + officers_per_tps).alias("officers_required"))


def rawan_map(villages: pl.DataFrame, tps: pl.DataFrame) -> pl.DataFrame:
    """The "peta kerawanan": per kecamatan, rawan and sangat rawan TPS and whether covered.

    villages: kecamatan_code, kecamatan_name, desa_code. tps: desa_code, tps_number, level
    (null = not rawan), covered (enough linmas assigned against the level's requirement).
    Returns kecamatan_code, kecamatan_name, tps_total, rawan_tps, rawan_uncovered,
    sangat_rawan_tps, sangat_rawan_uncovered, one row per kecamatan (zeros where none).
    """
    level = pl.col("level")
    uncovered = ~pl.col("covered").fill_null(False)
    counts = (
        tps.join(villages.select("desa_code", "kecamatan_code"), on="desa_code", how="inner")
        .group_by("kecamatan_code")
        .agg(
            pl.len().cast(pl.Int64).alias("tps_total"),
            (level == "rawan").sum().cast(pl.Int64).alias("rawan_tps"),
            ((level == "rawan") & uncovered).sum().cast(pl.Int64).alias("rawan_uncovered"),
            (level == "sangat_rawan").sum().cast(pl.Int64).alias("sangat_rawan_tps"),
            ((level == "sangat_rawan") & uncovered)
            .sum()
            .cast(pl.Int64)
            .alias("sangat_rawan_uncovered"),
        )
    )
    columns = ["tps_total", "rawan_tps", "rawan_uncovered", "sangat_rawan_tps",
               "sangat_rawan_uncovered"]  # fmt: skip
    return (
        villages.select("kecamatan_code", "kecamatan_name")
        .unique()
        .join(counts, on="kecamatan_code", how="left")
        .with_columns(pl.col(columns).fill_null(0))
        .sort("kecamatan_code")
    )


def rawan_totals(peta: pl.DataFrame) -> dict[str, int]:
    """The ``summary --json`` keys: rawan_tps, sangat_rawan_tps, sangat_rawan_uncovered (and
    rawan_uncovered), summed over :func:`rawan_map`."""
    keys = ("rawan_tps", "rawan_uncovered", "sangat_rawan_tps", "sangat_rawan_uncovered")
    sums = peta.select(pl.col(keys).sum()).row(0, named=True) if peta.height else {}
    return {key: int(sums.get(key) or 0) for key in keys}


def with_level_label(tps: pl.DataFrame, levels: Sequence[RawanLevel] | None = None) -> pl.DataFrame:
    """Add level_label ("Sangat rawan", "Rawan", "–") and level_rank (0 = most rawan) per TPS.

    tps: rawan and, when stored with a level, rawan_level (a TPS flagged before levels is
    "rawan"). Lists of TPS lacking linmas sort by level_rank so sangat rawan comes first.

    >>> t = pl.DataFrame({"rawan": [False, True, True], "rawan_level": [None, None, "sangat_rawan"]})
    >>> with_level_label(t)["level_label"].to_list()
    ['–', 'Rawan', 'Sangat rawan']
    """
    from readiness.config import DEFAULT_RAWAN_LEVELS

    levels = list(levels or DEFAULT_RAWAN_LEVELS)
    flagged = pl.col("rawan").fill_null(False)
    level = pl.col("rawan_level") if "rawan_level" in tps.columns else pl.lit(None, dtype=pl.String)
    level = pl.when(level.is_null() & flagged).then(pl.lit("rawan")).otherwise(level)
    labels = {lv.code: lv.label for lv in levels}
    ranks = {lv.code: i for i, lv in enumerate(reversed(levels))}
    return tps.with_columns(
        level.replace_strict(labels, default="–", return_dtype=pl.String).alias("level_label"),
        level.replace_strict(ranks, default=len(levels), return_dtype=pl.Int64).alias("level_rank"),
    )
