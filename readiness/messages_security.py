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
    "credentials_unwritable": (
        "Berkas kata sandi {path} tidak dapat ditulis ({reason}). Tidak ada akun yang dibuat; "
        "pilih folder yang dapat ditulis lalu jalankan lagi."
    ),
}
