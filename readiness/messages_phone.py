"""Texts of sessions kept across reloads, the role home pages and the audit sentences."""

from __future__ import annotations

PHONE_MESSAGES: dict[str, str] = {
    "session_timeout": "Sesi berakhir karena tidak aktif {minutes} menit. Silakan masuk lagi.",
    "session_revoked": "Akun Anda diubah atau dinonaktifkan admin. Silakan masuk lagi.",
    "session_password_changed": (
        "Kata sandi akun Anda diganti sejak Anda masuk. Silakan masuk lagi dengan kata sandi baru."
    ),
    "session_logged_out": "Anda telah keluar.",
}
