"""Texts of sessions kept across reloads, the role home pages and the audit sentences."""

from __future__ import annotations

PHONE_MESSAGES: dict[str, str] = {
    "session_timeout": "Sesi berakhir karena tidak aktif {minutes} menit. Silakan masuk lagi.",
    "session_revoked": "Akun Anda diubah atau dinonaktifkan admin. Silakan masuk lagi.",
    "session_password_changed": (
        "Kata sandi akun Anda diganti sejak Anda masuk. Silakan masuk lagi dengan kata sandi baru."
    ),
    "session_logged_out": "Anda telah keluar.",
    "home_sent": "Terkirim: {sent}{when}.",
    "home_review": "Status verifikasi: {review}.",
    "home_note": "Catatan kecamatan:",
    "home_balance_short": "Kebutuhan {need}; terdaftar {registered}: {balance}.",
    "home_balance_excess": (
        "Kebutuhan {need}; terdaftar {registered}: {balance}. Kelebihan tidak dihitung; "
        "pastikan setiap orang tercatat di TPS yang benar."
    ),
    "home_balance_ok": "Kebutuhan {need}; terdaftar {registered}: pas.",
    "home_nothing_to_do": "Tidak ada yang perlu dilengkapi. Terima kasih.",
    "home_waiting": "{n} desa menunggu verifikasi.",
    "home_no_villages": "Belum ada desa di kecamatan ini.",
    "fix_counter": "Baris {n} dari {total} yang ditolak (baris {row} di berkas).",
    "fix_row_problem": "Masalah baris ini: {problem}",
    "fix_all_skipped": (
        "Semua baris yang ditolak sudah dilewati; baris itu tidak ikut disimpan. "
        "Simpan baris yang diterima di bawah, atau mulai lagi dari baris pertama."
    ),
}
