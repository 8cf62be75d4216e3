"""Texts of the security safeguards: backups kept to the admin, sessions ended by a password
reset, login claims, partial backup copies removed, credentials files written first."""

from __future__ import annotations

SECURITY_MESSAGES: dict[str, str] = {
    "backup_partials_removed": (
        "Sisa cadangan yang terputus dihapus ({count} berkas, berisi salinan NIK): {files}"
    ),
    "duplicate_other_village": "NIK ini sudah terdaftar di desa lain.",
    "credentials_unwritable": (
        "Berkas kata sandi {path} tidak dapat ditulis ({reason}). Tidak ada akun yang dibuat; "
        "pilih folder yang dapat ditulis lalu jalankan lagi."
    ),
}
