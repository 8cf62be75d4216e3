"""Texts of the security safeguards: backups kept to the admin, sessions ended by a password
reset, login claims, partial backup copies removed, credentials files written first."""

from __future__ import annotations

SECURITY_MESSAGES: dict[str, str] = {
    "backup_partials_removed": (
        "Sisa cadangan yang terputus dihapus ({count} berkas, berisi salinan NIK): {files}"
    ),
    "nik_registered_other_village": (
        'Baris {row}, kolom NIK: NIK "{value}" sudah terdaftar di desa lain; data di sana tidak '
        "diubah. Hapus baris ini, atau minta operator kecamatan atau admin kabupaten memeriksa "
        "di desa mana orang tersebut terdaftar."
    ),
    "nik_checks_limit_reached": (
        "Pemeriksaan NIK ke desa lain dibatasi {limit} NIK per jam untuk setiap akun. Akun ini "
        "sudah memeriksa {used} NIK dalam satu jam terakhir dan berkas ini berisi {count} NIK. "
        "Tidak ada data yang disimpan. Coba lagi mulai {retry_at}."
    ),
    "nik_checks_too_many": (
        "Berkas ini berisi {count} NIK, lebih dari batas pemeriksaan {limit} NIK per jam untuk "
        "setiap akun. Tidak ada data yang disimpan. Kirim daftar per desa, atau minta admin "
        "kabupaten menaikkan batas ([upload] nik_checks_per_hour)."
    ),
    "credentials_unwritable": (
        "Berkas kata sandi {path} tidak dapat ditulis ({reason}). Tidak ada akun yang dibuat; "
        "pilih folder yang dapat ditulis lalu jalankan lagi."
    ),
}
