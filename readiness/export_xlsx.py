"""The Excel recap (xlsxwriter): one sheet per list, typed cells, frozen header and filters.

Numbers are written as numbers, timestamps and dates as Excel dates, every text (NIK included)
as text through :mod:`readiness.spreadsheet`, the one writer that keeps formula-like text inert.
"""

from __future__ import annotations

import io

from readiness import formatting as fmt
from readiness.export_recap import Recap
from readiness.spreadsheet import Formats, new_workbook, write_cell, write_frame

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


def xlsx_bytes(recap: Recap) -> bytes:
    """The whole recap as an .xlsx file."""
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    book.set_properties(
        {"title": f"{recap.title} — {recap.region_name}", "author": "Kesiapan Linmas"}
    )
    f = Formats(book)
    summary = book.add_worksheet("Ringkasan")
    summary.write_string(0, 0, "Indikator", f.header)
    summary.write_string(0, 1, "Nilai", f.header)
    for row, (label, value, kind) in enumerate(summary_rows(recap), start=1):
        summary.write_string(row, 0, label, f.text)
        write_cell(summary, row, 1, value, kind, f)
    summary.set_column(0, 0, 32)
    summary.set_column(1, 1, 34)
    summary.freeze_panes(1, 0)
    for name in SHEET_ORDER[1:]:
        write_frame(book.add_worksheet(name), recap.sheets[name], f)
    for name in [n for n in recap.sheets if n not in SHEET_ORDER]:  # e.g. assignment sheets
        write_frame(book.add_worksheet(name[:31]), recap.sheets[name], f)
    book.close()
    return buffer.getvalue()
