"""Downloadable roster templates, so villages start from headers the importer knows."""

from __future__ import annotations

import csv
import io

from readiness.ingest import CANONICAL_COLUMNS, REQUIRED_COLUMNS
from readiness.spreadsheet import new_workbook, safe_text

# Header text per canonical column: each one maps back to itself through ingest.guess_mapping.
TEMPLATE_HEADERS: dict[str, str] = {
    "nama": "Nama",
    "nik": "NIK",
    "jenis_kelamin": "Jenis Kelamin (L/P)",
    "tempat_lahir": "Tempat Lahir",
    "tanggal_lahir": "Tanggal Lahir (DD-MM-YYYY)",
    "alamat": "Alamat",
    "no_hp": "No. HP",
    "nomor_tps": "No. TPS",
    "status_bpjs": "Status BPJS (Ya/Tidak)",
    "no_kpj": "No. KPJ",
    "status_pelatihan": "Pelatihan (Sudah/Belum)",
    "tanggal_pelatihan": "Tanggal Pelatihan (DD-MM-YYYY)",
    "keterangan": "Keterangan",
}
EXAMPLE_ROW: dict[str, str] = {
    "nama": "Contoh: Budi Santoso (hapus baris ini)",
    "nik": "1702061705900001",
    "jenis_kelamin": "L",
    "tempat_lahir": "Curup",
    "tanggal_lahir": "17-05-1990",
    "alamat": "Dusun I RT 01",
    "no_hp": "081234567890",
    "nomor_tps": "1",
    "status_bpjs": "Ya",
    "no_kpj": "12345678901",
    "status_pelatihan": "Sudah",
    "tanggal_pelatihan": "12-11-2024",
    "keterangan": "",
}
_INSTRUCTIONS: tuple[str, ...] = (
    "PETUNJUK PENGISIAN DAFTAR LINMAS PENGAMANAN TPS",
    "1. Isi lembar 'Data', satu baris untuk satu orang. Jangan mengubah judul kolom.",
    "2. Kolom wajib: Nama, NIK, Jenis Kelamin, Tanggal Lahir.",
    "3. NIK 16 angka sesuai KTP. Kolom NIK sudah berformat Teks; jika menempel dari berkas lain,"
    " pakai Tempel Khusus > Nilai agar angka terakhir tidak hilang (1,70206E+15).",
    "4. Jenis Kelamin: L atau P. Tanggal: hari-bulan-tahun, misalnya 17-05-1990.",
    "5. Umur minimal {min_age} tahun pada hari pemungutan suara.",
    "6. No. TPS cukup angkanya, misalnya 3. Status BPJS: Ya/Tidak. Pelatihan: Sudah/Belum.",
    "7. No. KPJ: nomor kepesertaan BPJS Ketenagakerjaan (11 angka), kosongkan jika belum ada.",
    "8. Hapus baris contoh sebelum mengunggah. Baris kosong dan baris jumlah akan dilewati.",
    "Data pribadi (NIK, tanggal lahir, No. HP) dilindungi UU 27/2022: simpan dan kirim berkas ini"
    " hanya kepada petugas yang berwenang.",
)


def instructions(min_age: int) -> tuple[str, ...]:
    """The guide sheet's lines; the age floor comes from the settings (``[rules] min_age``)."""
    return tuple(line.format(min_age=min_age) for line in _INSTRUCTIONS)


def template_csv(*, delimiter: str = ";", example: bool = True) -> bytes:
    """CSV template (UTF-8 with BOM so Excel shows accents; semicolon for the Indonesian locale)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(TEMPLATE_HEADERS[c]) for c in CANONICAL_COLUMNS])
    if example:
        writer.writerow([safe_text(EXAMPLE_ROW[c]) for c in CANONICAL_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(*, min_age: int, rows: int = 200, example: bool = True) -> bytes:
    """XLSX template: NIK, No. HP and No. KPJ formatted as Text, an example row, instructions."""
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = book.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True}
    )
    text = book.add_format({"num_format": "@"})
    sample = book.add_format({"italic": True, "font_color": "#808080", "num_format": "@"})
    data = book.add_worksheet("Data")
    text_columns = {"nik", "no_hp", "no_kpj", "tanggal_lahir", "tanggal_pelatihan", "nomor_tps"}
    for index, column in enumerate(CANONICAL_COLUMNS):
        style = required if column in REQUIRED_COLUMNS else header
        data.write_string(0, index, safe_text(TEMPLATE_HEADERS[column]), style)
        width = 20 if column in ("nik", "nama", "alamat") else 16
        data.set_column(index, index, width, text if column in text_columns else None)
        if example:
            data.write_string(1, index, safe_text(EXAMPLE_ROW[column]), sample)
    last = len(CANONICAL_COLUMNS) - 1
    data.freeze_panes(1, 0)
    data.data_validation(
        1, CANONICAL_COLUMNS.index("jenis_kelamin"), rows, CANONICAL_COLUMNS.index("jenis_kelamin"),
        {"validate": "list", "source": ["L", "P"]},
    )  # fmt: skip
    for column, choices in (
        ("status_bpjs", ["Ya", "Tidak"]),
        ("status_pelatihan", ["Sudah", "Belum"]),
    ):
        at = CANONICAL_COLUMNS.index(column)
        data.data_validation(1, at, rows, at, {"validate": "list", "source": choices})
    data.autofilter(0, 0, 0, last)
    guide = book.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 110)
    bold = book.add_format({"bold": True})
    for index, line in enumerate(instructions(min_age)):
        guide.write_string(index, 0, safe_text(line), bold if index == 0 else None)
    book.close()
    return buffer.getvalue()
