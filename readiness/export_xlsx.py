"""The Excel recap (xlsxwriter): one sheet per list, typed cells, frozen header and filters.

Numbers are written as numbers, timestamps and dates as Excel dates, every text (NIK included)
as text: ``write_string`` never turns a value into a formula, and text that starts like one
also gets the apostrophe of :func:`readiness.exports.neutralise` so it stays inert when copied.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import xlsxwriter

from readiness import formatting as fmt
from readiness.export_recap import FORMULA_STARTS, Recap

SHEET_ORDER = (
    "Ringkasan",
    "Per Kecamatan",
    "Per Desa",
    "Belum Mengirim",
    "Belum BPJS",
    "Belum Pelatihan",
    "TPS Kurang",
    "Duplikat",
)
MAX_WIDTH = 45


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def summary_rows(recap: Recap) -> list[tuple[str, object, str]]:
    """(label, value, kind) rows of the Ringkasan sheet; kind picks the cell format."""
    h = recap.headline
    return [
        ("Wilayah", recap.region_name, "text"),
        ("Pemilihan", recap.election_name, "text"),
        ("Hari pemungutan suara", recap.voting_date, "date"),
        ("Keadaan per (WIB)", recap.generated_at.astimezone(fmt.WIB), "datetime"),
        (
            "Data terakhir masuk (WIB)",
            recap.as_of.astimezone(fmt.WIB) if recap.as_of else None,
            "datetime",
        ),
        ("Hari menuju pemungutan suara", h["days_to_vote"], "int"),
        ("Kecamatan", h["kecamatan_total"], "int"),
        ("Kecamatan lengkap", h["kecamatan_complete"], "int"),
        ("Desa/kelurahan", h["desa_total"], "int"),
        ("Desa/kelurahan mengirim", h["desa_submitted"], "int"),
        ("Desa/kelurahan terlambat", h["desa_late"], "int"),
        ("TPS", h["tps_total"], "int"),
        ("TPS tercakup", h["tps_covered"], "int"),
        ("TPS rawan", h["rawan_total"], "int"),
        ("TPS rawan tak tercakup", h["rawan_uncovered"], "int"),
        ("Kebutuhan linmas", h["officers_required"], "int"),
        ("Linmas terdaftar", h["officers_registered"], "int"),
        ("Keterisian", h["officers_registered_rate"], "pct"),
        ("Linmas peserta BPJS", h["bpjs_enrolled"], "int"),
        ("BPJS (terhadap kebutuhan)", h["bpjs_rate"], "pct"),
        ("Linmas pelatihan lengkap", h["trained"], "int"),
        ("Pelatihan (terhadap kebutuhan)", h["trained_rate"], "pct"),
        ("Linmas siap", h["ready"], "int"),
        ("Siap (terhadap kebutuhan)", h["ready_rate"], "pct"),
        ("Status kesiapan", h["status"], "text"),
        ("Premi BPJS per bulan (Rp)", h["bpjs_premium_per_month"], "int"),
        ("NIK dan nomor HP", "lengkap (tanpa samaran)" if recap.unmasked else "disamarkan", "text"),
    ]


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
        self.header.set_text_wrap()
        self.text = book.add_format({"num_format": "@"})
        self.int = book.add_format({"num_format": "#,##0"})
        self.float = book.add_format({"num_format": "#,##0.0"})
        self.pct = book.add_format({"num_format": "0.0%"})
        self.date = book.add_format({"num_format": "d mmmm yyyy", "align": "left"})
        self.datetime = book.add_format({"num_format": "d mmmm yyyy hh:mm", "align": "left"})
        self.title = book.add_format({"bold": True, "font_size": 14})


def _write_cell(sheet, row: int, col: int, value, kind: str, f: _Formats) -> None:
    if value is None:
        sheet.write_blank(row, col, None, f.text)
    elif kind == "text":
        sheet.write_string(row, col, _safe(str(value)), f.text)
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
    else:  # pragma: no cover - kinds come from _kind only
        raise ValueError(kind)


def _kind(name: str, dtype: pl.DataType) -> str:
    if name.endswith("%"):
        return "pct"
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
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


def write_frame(sheet, frame: pl.DataFrame, f: _Formats) -> None:
    """Header row, typed columns, widths, a frozen header and an autofilter."""
    kinds = [_kind(name, dtype) for name, dtype in frame.schema.items()]
    for col, (name, kind) in enumerate(zip(frame.columns, kinds, strict=True)):
        sheet.write_string(0, col, name, f.header)
        width = _width(frame, name, kind)
        sheet.set_column(col, col, width)
        values = frame.get_column(name).to_list()
        for row, value in enumerate(values, start=1):
            _write_cell(sheet, row, col, value, kind, f)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
    if frame.height == 0:
        sheet.write_string(1, 0, "(tidak ada)", f.text)


def xlsx_bytes(recap: Recap) -> bytes:
    """The whole recap as an .xlsx file."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties(
        {"title": f"{recap.title} — {recap.region_name}", "author": "Kesiapan Linmas"}
    )
    f = _Formats(book)
    summary = book.add_worksheet("Ringkasan")
    summary.write_string(0, 0, "Indikator", f.header)
    summary.write_string(0, 1, "Nilai", f.header)
    for row, (label, value, kind) in enumerate(summary_rows(recap), start=1):
        summary.write_string(row, 0, label, f.text)
        _write_cell(summary, row, 1, value, kind, f)
    summary.set_column(0, 0, 32)
    summary.set_column(1, 1, 34)
    summary.freeze_panes(1, 0)
    for name in SHEET_ORDER[1:]:
        write_frame(book.add_worksheet(name), recap.sheets[name], f)
    book.close()
    return buffer.getvalue()
