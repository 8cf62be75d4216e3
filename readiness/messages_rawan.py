"""Catalogue texts of graded rawan TPS: import, edit, list, peta kerawanan (see messages.py)."""

from __future__ import annotations

RAWAN_MESSAGES: dict[str, str] = {
    "rawan_import_refused": (
        "Berkas {file} ditolak: {count} baris bermasalah, tidak ada tingkat kerawanan yang "
        "disimpan. Perbaiki baris di bawah, lalu impor lagi."
    ),
    "rawan_import_checked": (
        "Berkas {file} lolos pemeriksaan: {count} TPS ({rawan} rawan, {sangat_rawan} sangat "
        "rawan). Uji coba saja, belum ada yang disimpan."
    ),
    "rawan_import_stored": (
        "{count} TPS dari {file} disimpan ({rawan} rawan, {sangat_rawan} sangat rawan); "
        "TPS lain tidak berubah."
    ),
    "rawan_import_warnings": "{count} baris tanpa alasan kerawanan; tetap disimpan.",
    "rawan_level_invalid": (
        "Tingkat kerawanan {value!r} tidak dikenal. Pilih salah satu: {allowed}, atau kosongkan "
        "untuk TPS yang tidak rawan."
    ),
    "rawan_source_invalid": ("Sumber {value!r} tidak dikenal. Pilih salah satu: {allowed}."),
    "rawan_reason_required": (
        "TPS {tps} ditandai {level} tanpa alasan. Tulis alasannya, misalnya akses sulit atau "
        "riwayat konflik pada pemilihan lalu (hasil pemetaan {source})."
    ),
    "rawan_level_saved": "TPS {tps} {desa}: {level} (sumber {source}) disimpan.",
    "rawan_level_cleared": "TPS {tps} {desa}: tanda rawan dihapus.",
    "rawan_list_empty": "Belum ada TPS rawan di {area}. Impor daftar dari Bawaslu/Polres.",
    "rawan_list_header": (
        "{count} TPS rawan di {area}: {rawan} rawan, {sangat_rawan} sangat rawan, "
        "{uncovered} sangat rawan belum tercukupi linmas."
    ),
    "rawan_list_row": (
        "{kecamatan} · {desa} · TPS {tps}: {level} ({source}) — linmas {assigned} dari {need}{gap}"
    ),
    "rawan_list_gap": ", kurang {missing}",
    "rawan_export_written": "Rekap TPS rawan ditulis ke {path} ({size} bita).",
    "rawan_page_no_tps": (
        "Belum ada daftar TPS di wilayah ini. Admin mengimpor daftar TPS KPU dulu di halaman "
        "Daftar TPS."
    ),
    "rawan_page_none": "Belum ada TPS rawan atau sangat rawan di wilayah ini.",
    "rawan_headline": (
        "{rawan} TPS rawan dan {sangat_rawan} TPS sangat rawan; {uncovered} TPS sangat rawan "
        "belum tercukupi linmas."
    ),
}
