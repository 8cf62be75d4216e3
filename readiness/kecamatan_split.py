"""A kecamatan file covering several villages, split into one roster table per desa/kelurahan.

Each row's village comes from, in this order: one sheet per village in a workbook (the sheet
name is the village), a ``Desa/Kelurahan`` column (name or Kemendagri code), or village
sub-headings inside the sheet ("DESA TASIKMALAYA", "1. Kelurahan Air Putih Baru") above that
village's people. Names are matched like the KPU TPS list (``tps_list.match_villages``):
case-, spacing-, punctuation- and numeral-insensitive, through ``data/alias_desa.csv``; a name
that fits two villages is never guessed. Rows naming no village, an unknown one or a village of
another kecamatan become findings with their row and column, never a guess.

The same reading tells a village upload that names other villages (``other_villages_error``):
such a file is refused whole with ``multiple_desa``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace

import polars as pl

from readiness import formatting as fmt
from readiness import messages
from readiness.column_names import DESA_COLUMN
from readiness.ingest import (
    ROW_COLUMN,
    RawTable,
    RosterFileError,
    guess_mapping,
    read_sheets,
    read_table,
)
from readiness.tps_list import match_villages

MULTIPLE_DESA = "multiple_desa"  # whole-file code: a village file holding other villages
NO_VILLAGE = "desa_not_named"  # whole-file code: a kecamatan file that names no village
SOURCE_COLUMN, SOURCE_BLOCKS, SOURCE_SHEETS = "kolom", "subjudul", "lembar"
BLOCK_LABEL = "Desa/Kelurahan"
SHEET_LABEL = "Lembar"
_SKIP_HEADING = "Subjudul desa/kelurahan (penanda kelompok, bukan data orang)"
# "Desa X", "DESA: X", "Kel. X", "Ds X", optionally numbered "1. Desa X" / "A. Desa X".
_HEADING = (
    r"(?i)^\s*(?:[0-9a-z]{1,3}\s*[.)]\s*|\d{1,3}\s+)?(?:desa|kelurahan|kel|ds)\b\s*[.:\-]?\s*"
)
_PREFIX = r"(?i)^\s*(?:desa|kelurahan|kel|ds)\b\s*[.:\-]?\s*"
FINDING_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "severity": pl.String,
    "code": pl.String,
    "message": pl.String,
}


@dataclass(frozen=True)
class VillagePart:
    """The rows of one village of the kecamatan, ready for ``validation.validate_roster``."""

    desa_code: str
    desa_name: str
    raw: RawTable


@dataclass(frozen=True)
class KecamatanSplit:
    """Per-village tables, and the rows that could not be given to a village of the kecamatan.

    ``unmatched`` has the finding columns (row, column, severity "error", code, message);
    ``skipped`` the file-level rows passed over (village sub-headings); ``source`` says where
    villages were read from: "kolom", "subjudul" or "lembar".
    """

    kecamatan_code: str
    source: str
    parts: list[VillagePart]
    unmatched: pl.DataFrame
    skipped: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"row": pl.Int64, "reason": pl.String})
    )
    ignored_sheets: list[str] = field(default_factory=list)


def _render(code: str, **values: pl.Expr) -> pl.Expr:
    """A catalogue template filled from columns, one string per row."""
    parts: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(messages.MESSAGES[code]):
        if literal:
            parts.append(pl.lit(literal))
        if name:
            parts.append(values[name].cast(pl.String).fill_null(""))
    return pl.concat_str(parts)


def _desa_text(text: pl.Expr) -> pl.Expr:
    """Village text as written, "Desa"/"Kel." prefix dropped, a 10-digit code given its dots."""
    cleaned = text.str.strip_chars().str.replace(_PREFIX, "").str.strip_chars(" .:-")
    return cleaned.str.replace(r"^(\d{2})(\d{2})(\d{2})(\d{4})$", "$1.$2.$3.$4").replace("", None)


def _matches(texts: pl.DataFrame, villages: pl.DataFrame, aliases: pl.DataFrame | None):
    """texts: _row, desa_text -> plus ``candidates``: every village code the text fits."""
    # A recap repeats a handful of names: each distinct text is keyed and matched once.
    distinct = texts.select("desa_text").unique().with_row_index("_row")
    rows = distinct.select(
        "_row",
        pl.col("desa_text").alias("desa"),
        pl.lit(None, dtype=pl.String).alias("kecamatan"),
    )
    matched = match_villages(rows, villages, aliases).with_columns(
        pl.when(pl.col("code_match").is_not_null())
        .then(pl.concat_list(pl.col("code_match")))
        .otherwise(pl.col("name_matches").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .alias("candidates")
    )
    return texts.join(
        matched.select("desa_text", "candidates"),
        on="desa_text",
        how="left",
        nulls_equal=True,
        maintain_order="left",
    ).select("_row", "desa_text", "candidates")


def _desa_column(raw: RawTable, mapping: dict[str, str | None] | None) -> str | None:
    columns = [c for c in raw.frame.columns if c != ROW_COLUMN]
    chosen = mapping if mapping is not None else guess_mapping(columns)
    return next((c for c in columns if chosen.get(c) == DESA_COLUMN), None)


def _headings(raw: RawTable, villages: pl.DataFrame, aliases) -> pl.DataFrame:
    """Village sub-heading rows: row, desa_text, candidates, in_data (a row of ``raw.frame``)."""
    cells = [c for c in raw.frame.columns if c != ROW_COLUMN]
    filled = pl.sum_horizontal([pl.col(c).is_not_null() for c in cells]) if cells else pl.lit(0)
    # A heading typed in a data row ("1." under No, "Desa Derati" under Nama): few cells, no NIK.
    data_lines = raw.frame.filter(filled <= 2).select(
        pl.col(ROW_COLUMN).alias("row"),
        pl.concat_str([pl.col(c) for c in cells], separator=" ", ignore_nulls=True).alias("text"),
        pl.lit(True).alias("in_data"),
    )
    notes = raw.notes.with_columns(pl.lit(False).alias("in_data"))
    lines = pl.concat([notes, data_lines]).filter(pl.col("text").str.contains(_HEADING))
    if lines.height == 0:
        return lines.with_columns(
            pl.lit(None, dtype=pl.String).alias("desa_text"),
            pl.lit([], dtype=pl.List(pl.String)).alias("candidates"),
        )
    # "DESA DERATI KEC. KOTA PADANG" or "Desa Pal VII (5 orang)": the village name only.
    name = (
        pl.col("text")
        .str.replace(_HEADING, "")
        .str.replace(r"(?i)[\s,;/-]*\b(kecamatan|kec)\b.*$", "")
        .str.replace(r"\s*\(.*\)\s*$", "")
    )
    lines = lines.with_columns(_desa_text(name).alias("desa_text"))
    found = _matches(lines.select(pl.col("row").alias("_row"), "desa_text"), villages, aliases)
    return lines.join(
        found.select(pl.col("_row").alias("row"), "candidates"), on="row", how="left"
    ).sort("row")


@dataclass(frozen=True)
class RowVillages:
    """Where each row's village was read ("kolom", "subjudul", None = nowhere) and what it said."""

    source: str | None
    rows: pl.DataFrame  # _row, desa_text, candidates, column, heading_row
    heading_rows: list[int]


def row_villages(
    raw: RawTable,
    villages: pl.DataFrame,
    aliases: pl.DataFrame | None = None,
    mapping: dict[str, str | None] | None = None,
) -> RowVillages:
    """Which village each data row names, from the Desa column or else from sub-headings.

    villages: kecamatan_code, kecamatan_name, desa_code, desa_name (the whole kabupaten, so a
    village of another kecamatan is recognised as such). ``rows`` has ``_row``, ``desa_text``
    (as written), ``candidates`` (codes it fits), ``column`` (where it was read) and
    ``heading_row`` (the sub-heading's row, blocks only).
    """
    column = _desa_column(raw, mapping)
    if column is not None:
        texts = raw.frame.select(ROW_COLUMN, _desa_text(pl.col(column)).alias("desa_text"))
        rows = _matches(texts, villages, aliases).with_columns(
            pl.lit(column).alias("column"), pl.lit(None, dtype=pl.Int64).alias("heading_row")
        )
        return RowVillages(SOURCE_COLUMN, rows, [])
    headings = _headings(raw, villages, aliases)
    first_data = raw.frame[ROW_COLUMN].min()
    # Blocks need a heading among the data: a lone title naming a village is just a title.
    if headings.height == 0 or headings.filter(pl.col("row") > first_data).height == 0:
        empty = raw.frame.select(ROW_COLUMN).clear()
        return RowVillages(None, empty, [])
    people = raw.frame.select(ROW_COLUMN).filter(
        ~pl.col(ROW_COLUMN).is_in(headings.filter("in_data")["row"].implode())
    )
    rows = people.sort(ROW_COLUMN).join_asof(
        headings.select(pl.col("row").alias("heading_row"), "desa_text", "candidates"),
        left_on=ROW_COLUMN,
        right_on="heading_row",
        strategy="backward",
    )
    rows = rows.with_columns(
        pl.col("candidates").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.lit(BLOCK_LABEL).alias("column"),
    ).select("_row", "desa_text", "candidates", "column", "heading_row")
    return RowVillages(SOURCE_BLOCKS, rows, headings["row"].to_list())


def _verdicts(rows: pl.DataFrame, villages: pl.DataFrame, kecamatan_code: str) -> pl.DataFrame:
    """Per row: the village of the kecamatan it belongs to (desa_code), or the finding code."""
    inside = pl.col("candidates").list.eval(
        pl.element().filter(pl.element().str.starts_with(kecamatan_code + "."))
    )
    rows = rows.with_columns(inside.alias("_inside"))
    code = (
        pl.when(pl.col("desa_text").is_null())
        .then(pl.lit("desa_missing"))
        .when(pl.col("candidates").list.len() == 0)
        .then(pl.lit("row_desa_unknown"))
        .when(pl.col("_inside").list.len() > 1)
        .then(pl.lit("row_desa_ambiguous"))
        .when(pl.col("_inside").list.len() == 0)
        .then(pl.lit("desa_outside_kecamatan"))
    )
    named = villages.select("desa_code", "desa_name", "kecamatan_name")
    return (
        rows.with_columns(
            code.alias("code"),
            pl.when(pl.col("_inside").list.len() == 1)
            .then(pl.col("_inside").list.first())
            .alias("desa_code"),
            pl.col("candidates").list.first().alias("_other"),
        )
        .join(named, on="desa_code", how="left")
        .join(
            named.rename(
                {"desa_code": "_other", "desa_name": "_other_name", "kecamatan_name": "_other_kec"}
            ),
            on="_other",
            how="left",
        )
    )


def _findings(verdicts: pl.DataFrame, kecamatan_name: str) -> pl.DataFrame:
    """Error findings for the rows that got no village of the kecamatan."""
    bad = verdicts.filter(pl.col("code").is_not_null())
    where = pl.when(pl.col("heading_row").is_not_null()).then(
        pl.format(" (subjudul baris {})", pl.col("heading_row"))
    )
    common = {
        "row": pl.col(ROW_COLUMN).cast(pl.String),
        "column": pl.concat_str(pl.col("column"), where.fill_null("")),
        "value": pl.col("desa_text"),
    }
    message = (
        pl.when(pl.col("code") == "desa_missing")
        .then(_render("desa_missing", **common))
        .when(pl.col("code") == "row_desa_unknown")
        .then(_render("row_desa_unknown", **common))
        .when(pl.col("code") == "row_desa_ambiguous")
        .then(_render("row_desa_ambiguous", **common))
        .otherwise(
            _render(
                "desa_outside_kecamatan",
                **common,
                desa_name=pl.col("_other_name"),
                desa_code=pl.col("_other"),
                other_kecamatan=pl.col("_other_kec"),
                kecamatan=pl.lit(kecamatan_name),
            )
        )
    )
    return bad.select(
        pl.col(ROW_COLUMN).cast(pl.Int64).alias("row"),
        common["column"].alias("column"),
        pl.lit("error").alias("severity"),
        pl.col("code"),
        message.alias("message"),
    ).sort("row")


def _part(raw: RawTable, rows: pl.Series, desa_code: str, desa_name: str, source: str):
    """One village's slice of the table; file-level skipped rows stay with the split."""
    frame = raw.frame.filter(pl.col(ROW_COLUMN).is_in(rows.implode()))
    detected = {**raw.detected, "desa_source": source, "data_rows": frame.height}
    return VillagePart(
        desa_code,
        desa_name,
        replace(
            raw,
            frame=frame,
            detected=detected,
            skipped=raw.skipped.clear(),
            notes=raw.notes.clear(),
            altered_digits=raw.altered_digits.filter(pl.col("row").is_in(rows.implode())),
        ),
    )


def _kecamatan_name(villages: pl.DataFrame, kecamatan_code: str) -> str:
    names = villages.filter(pl.col("kecamatan_code") == kecamatan_code)["kecamatan_name"]
    return names[0] if names.len() else kecamatan_code


def split_table(
    raw: RawTable,
    kecamatan_code: str,
    villages: pl.DataFrame,
    aliases: pl.DataFrame | None = None,
    mapping: dict[str, str | None] | None = None,
    *,
    file_name: str = "",
) -> KecamatanSplit:
    """Split one roster table by the village each row names; raises when it names none.

    villages: the kabupaten's kecamatan_code, kecamatan_name, desa_code, desa_name.
    """
    found = row_villages(raw, villages, aliases, mapping)
    if found.source is None:
        raise RosterFileError(NO_VILLAGE, messages.render(NO_VILLAGE, file=file_name))
    verdicts = _verdicts(found.rows, villages, kecamatan_code)
    good = verdicts.filter(pl.col("code").is_null())
    parts = [
        _part(raw, group[ROW_COLUMN], code, group["desa_name"][0], found.source)
        for (code,), group in good.group_by("desa_code", maintain_order=True)
    ]
    skipped = (
        pl.concat(
            [
                raw.skipped,
                pl.DataFrame(
                    {
                        "row": found.heading_rows,
                        "reason": [_SKIP_HEADING] * len(found.heading_rows),
                    },
                    schema={"row": pl.Int64, "reason": pl.String},
                ),
            ]
        )
        .unique("row", keep="last")
        .sort("row")
    )
    return KecamatanSplit(
        kecamatan_code,
        found.source,
        sorted(parts, key=lambda p: p.desa_code),
        _findings(verdicts, _kecamatan_name(villages, kecamatan_code)),
        skipped,
    )


def split_sheets(
    sheets: list[tuple[str, RawTable | RosterFileError]],
    kecamatan_code: str,
    villages: pl.DataFrame,
    aliases: pl.DataFrame | None = None,
    *,
    minimum: int = 2,
) -> KecamatanSplit | None:
    """One sheet per village (the sheet name is the village); None under ``minimum`` such sheets.

    Sheets named after no village ("Petunjuk", "Rekap") are listed in ``ignored_sheets``; a
    sheet naming a village of another kecamatan rejects its rows with the sheet as column.
    """
    names = pl.DataFrame(
        {"_row": list(range(len(sheets))), "sheet": [name for name, _ in sheets]},
        schema={"_row": pl.Int64, "sheet": pl.String},
    ).with_columns(_desa_text(pl.col("sheet")).alias("desa_text"))
    found = _matches(names.select("_row", "desa_text"), villages, aliases)
    named = found.filter(pl.col("candidates").list.len() > 0)
    if named.height == 0 or named.height < minimum:
        return None
    verdicts = _verdicts(
        named.with_columns(
            pl.lit(SHEET_LABEL).alias("column"), pl.lit(None, dtype=pl.Int64).alias("heading_row")
        ),
        villages,
        kecamatan_code,
    )
    parts: list[VillagePart] = []
    unmatched: list[pl.DataFrame] = []
    ignored = [sheets[i][0] for i in found.filter(pl.col("candidates").list.len() == 0)["_row"]]
    kecamatan_name = _kecamatan_name(villages, kecamatan_code)
    for verdict in verdicts.iter_rows(named=True):  # one per sheet: a workbook has few sheets
        sheet_name, table = sheets[verdict["_row"]]
        if isinstance(table, RosterFileError):
            ignored.append(sheet_name)
            continue
        if verdict["code"] is None:
            raw = replace(table, detected={**table.detected, "desa_source": SOURCE_SHEETS})
            parts.append(VillagePart(verdict["desa_code"], verdict["desa_name"], raw))
            continue
        rows = table.frame.select(ROW_COLUMN).join(
            pl.DataFrame([verdict]).drop(ROW_COLUMN), how="cross"
        )
        rows = rows.with_columns(pl.lit(f'{SHEET_LABEL} "{sheet_name}"').alias("column"))
        unmatched.append(_findings(rows, kecamatan_name))
    return KecamatanSplit(
        kecamatan_code,
        SOURCE_SHEETS,
        sorted(parts, key=lambda p: p.desa_code),
        pl.concat([pl.DataFrame(schema=FINDING_SCHEMA), *unmatched]),
        ignored_sheets=ignored,
    )


def read_kecamatan_file(
    data: bytes,
    file_name: str,
    kecamatan_code: str,
    villages: pl.DataFrame,
    aliases: pl.DataFrame | None = None,
    *,
    max_bytes: int = 5_000_000,
) -> KecamatanSplit:
    """Read a kecamatan upload and split it per village; raises ``RosterFileError`` if unusable.

    A workbook with two or more sheets named after villages is read sheet by sheet; any other
    file is read as one table and split by its Desa column or its village sub-headings, and
    failing both, a workbook whose one data sheet is named after a village is that village.
    """
    sheets = read_sheets(data, file_name, max_bytes=max_bytes)
    split = split_sheets(sheets, kecamatan_code, villages, aliases)
    if split is not None:
        return split
    raw = read_table(data, file_name, max_bytes=max_bytes)
    try:
        return split_table(raw, kecamatan_code, villages, aliases, file_name=file_name)
    except RosterFileError:
        # No Desa column and no sub-headings: the one sheet read may still be named a village.
        sheet = raw.detected.get("sheet")
        single = sheet and split_sheets(
            [(sheet, raw)], kecamatan_code, villages, aliases, minimum=1
        )
        if single:
            return single
        raise


def other_villages_error(
    raw: RawTable,
    desa_code: str,
    villages: pl.DataFrame,
    aliases: pl.DataFrame | None = None,
    mapping: dict[str, str | None] | None = None,
    *,
    file_name: str = "",
) -> RosterFileError | None:
    """A village's own upload whose rows name other villages: the ``multiple_desa`` refusal.

    Only positive evidence counts: a row whose Desa cell (or sub-heading) fits a known village
    that is not ``desa_code``. Blank or unknown village text is no reason to refuse the file.
    """
    own = villages.filter(pl.col("desa_code") == desa_code)["desa_name"]

    def refusal(where: str, listed: list[str]) -> RosterFileError:
        text = messages.render(
            MULTIPLE_DESA,
            file=file_name,
            where=where,
            others=", ".join(listed),
            desa=own[0] if own.len() else desa_code,
        )
        return RosterFileError(MULTIPLE_DESA, text)

    # A workbook with a sheet per village: the reader would take one sheet and drop the rest.
    sheets = list(raw.detected.get("sheets") or [])
    if len(sheets) > 1:
        named = pl.DataFrame(
            {"_row": range(len(sheets)), "sheet": sheets},
            schema={"_row": pl.Int64, "sheet": pl.String},
        ).with_columns(_desa_text(pl.col("sheet")).alias("desa_text"))
        found = _matches(named.select("_row", "desa_text"), villages, aliases)
        other = found.filter(
            (pl.col("candidates").list.len() > 0) & ~pl.col("candidates").list.contains(desa_code)
        )
        if other.height:
            listed = [f'lembar "{sheets[i]}"' for i in other["_row"].head(5)]
            return refusal("nama lembarnya", listed)
    found = row_villages(raw, villages, aliases, mapping)
    if found.source is None:
        return None
    others = (
        found.rows.filter(
            (pl.col("candidates").list.len() > 0) & ~pl.col("candidates").list.contains(desa_code)
        )
        .with_columns(pl.col("candidates").list.first().alias("desa_code"))
        .group_by("desa_code")
        .agg(pl.len().alias("rows"), pl.col(ROW_COLUMN).min().alias("first_row"))
        .join(villages.select("desa_code", "desa_name"), on="desa_code", how="left")
        .sort("rows", "first_row", descending=[True, False])
    )
    if others.height == 0:
        return None
    listed = [
        f"{r['desa_name']} ({fmt.number(r['rows'])} baris, mulai baris {r['first_row']})"
        for r in others.head(5).iter_rows(named=True)
    ]
    if others.height > 5:
        listed.append(f"dan {others.height - 5} desa lain")
    where = (
        f'kolom "{found.rows["column"][0]}"'
        if found.source == SOURCE_COLUMN
        else "subjudul desa/kelurahan di dalam tabel"
    )
    return refusal(where, listed)


def names_villages(raw: RawTable, mapping: dict[str, str | None] | None = None) -> bool:
    """Cheap test: could this table name villages (a Desa column, or a heading-like row)?"""
    if _desa_column(raw, mapping) is not None or len(raw.detected.get("sheets") or []) > 1:
        return True
    if raw.notes["text"].str.contains(_HEADING).any():
        return True
    cells = [c for c in raw.frame.columns if c != ROW_COLUMN]
    filled = pl.sum_horizontal([pl.col(c).is_not_null() for c in cells])
    lines = raw.frame.filter(filled <= 2).select(
        pl.concat_str([pl.col(c) for c in cells], separator=" ", ignore_nulls=True)
    )
    return bool(lines.to_series().str.contains(_HEADING).any())
