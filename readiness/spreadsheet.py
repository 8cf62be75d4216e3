"""The one writer of every CSV and XLSX the product hands out (downloads and CLI files).

A cell that starts with ``= + - @`` or a tab/CR is run as a formula by spreadsheet programs
(OWASP "CSV injection"): every such text cell gets a leading apostrophe so it stays inert text.
Numbers, dates and timestamps stay typed; only text columns are touched.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from readiness.bidi import BIDI_CONTROLS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = b"\xef\xbb\xbf"
MAX_WIDTH = 45


def safe_text(text: str) -> str:
    """``text`` with an apostrophe in front when a spreadsheet would run it as a formula.

    >>> safe_text("=1+1"), safe_text("Budi")
    ("'=1+1", 'Budi')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralise(column: str) -> pl.Expr:
    """Prefix an apostrophe to text that a spreadsheet would run as a formula; drop Unicode
    direction controls (an RTL override would disguise the text).

    >>> pl.DataFrame({"a": ["=1+1", "Budi", None]}).select(neutralise("a"))["a"].to_list()
    ["'=1+1", 'Budi', None]
    """
    text = pl.col(column).str.replace_all(BIDI_CONTROLS, "")
    risky = pl.any_horizontal(text.str.starts_with(s) for s in FORMULA_STARTS)
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text).alias(column)


def as_text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Categoricals/enums as strings, lists and structs as their printed text."""
    nested = pl.List | pl.Array | pl.Struct | pl.Object
    return frame.with_columns(
        pl.col(c).map_elements(str, return_dtype=pl.String, skip_nulls=True)
        if isinstance(t, nested)
        else pl.col(c).cast(pl.String)
        for c, t in frame.schema.items()
        if isinstance(t, nested | pl.Categorical | pl.Enum)
    )


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` made inert; numbers, dates and booleans untouched."""
    frame = as_text_columns(frame)
    return frame.with_columns(neutralise(c) for c, t in frame.schema.items() if t == pl.String)


def csv_bytes(
    frame: pl.DataFrame,
    *,
    separator: str = ",",
    bom: bool = True,
    datetime_format: str = "%Y-%m-%d %H:%M",
) -> bytes:
    """UTF-8 CSV (with BOM so Excel detects the encoding); ``;`` also writes decimal commas.

    Indonesian-locale Excel splits on ``;`` and reads ``76,4`` as a number, so the semicolon
    variant is the one to open by double-click on such a machine.
    """
    text = neutralised(frame)
    floats = [c for c, t in text.schema.items() if t.is_float()]
    if separator == ";" and floats:
        text = text.with_columns(pl.col(floats).cast(pl.String).str.replace(".", ",", literal=True))
    body = text.write_csv(separator=separator, datetime_format=datetime_format).encode("utf-8")
    return BOM + body if bom else body


# -- XLSX ---------------------------------------------------------------------------------------


class Formats:
    """The cell formats every workbook uses: bold grey header, text, numbers, dates."""

    def __init__(self, book) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
        self.header.set_text_wrap()
        self.text = book.add_format({"num_format": "@"})
        self.int = book.add_format({"num_format": "#,##0"})
        self.float = book.add_format({"num_format": "#,##0.0"})
        self.pct = book.add_format({"num_format": "0.0%"})
        self.date = book.add_format({"num_format": "d mmmm yyyy", "align": "left"})
        self.datetime = book.add_format({"num_format": "d mmmm yyyy hh:mm", "align": "left"})
        self.title = book.add_format({"bold": True, "font_size": 14})


def new_workbook(buffer: io.BytesIO):
    """An in-memory xlsxwriter workbook that never turns text into a formula or a number."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )


def write_cell(sheet, row: int, col: int, value, kind: str, f: Formats) -> None:
    """One typed cell; text always through ``write_string`` and :func:`safe_text`."""
    if value is None:
        sheet.write_blank(row, col, None, f.text)
    elif kind == "text":
        sheet.write_string(row, col, safe_text(str(value)), f.text)
    elif kind == "int":
        sheet.write_number(row, col, value, f.int)
    elif kind == "float":
        sheet.write_number(row, col, value, f.float)
    elif kind == "pct":
        sheet.write_number(row, col, value / 100.0, f.pct)
    elif kind == "date":
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), f.date)
    elif kind == "datetime":
        sheet.write_datetime(row, col, value.replace(tzinfo=None), f.datetime)
    else:  # pragma: no cover - kinds come from column_kind only
        raise ValueError(kind)


def column_kind(name: str, dtype: pl.DataType) -> str:
    """How a column is written: pct (name ends in %), datetime, date, int, float or text."""
    if name.endswith("%") and dtype.is_numeric():
        return "pct"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Date:
        return "date"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    return "text"


def _width(frame: pl.DataFrame, name: str, kind: str) -> int:
    if kind in ("date", "datetime"):
        return 20
    if frame.height and kind == "text":
        longest = frame.select(pl.col(name).cast(pl.String).str.len_chars().max()).item() or 0
    else:
        longest = 10
    return min(MAX_WIDTH, max(len(name) + 2, longest + 2, 8))


def write_frame(sheet, frame: pl.DataFrame, f: Formats) -> None:
    """Header row, typed columns, widths, a frozen header and an autofilter."""
    frame = as_text_columns(frame)
    kinds = [column_kind(name, dtype) for name, dtype in frame.schema.items()]
    for col, (name, kind) in enumerate(zip(frame.columns, kinds, strict=True)):
        sheet.write_string(0, col, safe_text(name), f.header)
        sheet.set_column(col, col, _width(frame, name, kind))
        values = frame.get_column(name).to_list()
        if frame.schema[name] == pl.Boolean:
            values = [None if v is None else ("Ya" if v else "Tidak") for v in values]
        for row, value in enumerate(values, start=1):
            write_cell(sheet, row, col, value, kind, f)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
    if frame.height == 0:
        sheet.write_string(1, 0, "(tidak ada)", f.text)


def xlsx_bytes(sheets: dict[str, pl.DataFrame], *, title: str | None = None) -> bytes:
    """One workbook, one sheet per frame (name cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    if title:
        book.set_properties({"title": title, "author": "Kesiapan Linmas"})
    f = Formats(book)
    for name, frame in sheets.items():
        write_frame(book.add_worksheet(name[:31]), frame, f)
    book.close()
    return buffer.getvalue()
