"""Bahasa Indonesia templates of the domain modules: accounts, backups, settings, regions, imports.

The texts a domain function raises or returns for a person to read (an account refused, a backup
that cannot be restored, a settings file with a wrong value), as codes with named fields. They
are merged into readiness.messages, the one catalogue; render one with
``messages.text(code, **fields)``. A domain module builds no sentence inline
(tests/test_messages.py scans them).
"""

from __future__ import annotations

DOMAIN_MESSAGES: dict[str, str] = {
    # -- accounts and logins (readiness.auth) ----------------------------------------------------
    "permission_denied": "Peran {role} ({username}) tidak berwenang {what}. Minta admin kabupaten.",
    "password_too_short": (
        "Kata sandi baru terlalu pendek ({length} karakter). "
        "Pakai minimal {minimum} karakter, mis. tiga kata yang mudah diingat."
    ),
    "password_weak": (
        "Kata sandi baru terlalu mudah ditebak: {reason}. Pilih tiga kata atau lebih yang "
        "tidak berhubungan, mis. kopi-hujan-sepeda, tanpa nama pengguna, tanpa urutan "
        "(1234…, abcd…, qwerty) dan bukan kata sandi umum."
    ),
    "username_invalid": (
        "Nama pengguna {username} tidak sah: pakai 3–64 huruf kecil, angka, titik, "
        "garis bawah, tanda hubung atau @ (mis. desa.17.02.06.2001)."
    ),
    "role_unknown": "Peran {role} tidak dikenal. Pilih salah satu: {roles}.",
    "region_invalid": (
        "Wilayah {region} tidak cocok untuk peran {role}: "
        "perlu kode {level} di {area} (mis. {example})."
    ),
    "account_region_denied": (
        "Akun {username} tidak berwenang membuat akun di wilayah {region}. "
        "Pilih wilayah di dalam {own_area}."
    ),
    "first_admin_exists": "Akun admin pertama sudah dibuat. Masuk dengan akun itu.",
    "disable_self": "Anda tidak dapat menonaktifkan akun Anda sendiri. Minta admin lain.",
    "password_wrong": "Kata sandi lama salah. Ketik ulang kata sandi yang Anda pakai untuk masuk.",
    "password_unchanged": "Kata sandi baru sama dengan yang lama. Pilih kata sandi lain.",
    "login_failed": (
        "Gagal masuk: nama pengguna atau kata sandi salah, atau akun sedang dikunci/dinonaktifkan. "
        "Setelah {max_attempts} kali salah, akun dikunci "
        "{lockout_minutes} menit. Bila yakin benar, minta admin kabupaten memeriksa akun."
    ),
    "login_name_invalid": (
        "Nama pengguna tidak sah: tulis 1–{max_length} huruf kecil, angka, titik, "
        "garis bawah, tanda hubung atau @ (mis. desa.17.02.06.2001)."
    ),
    "login_password_too_long": "Kata sandi terlalu panjang: paling banyak {max_length} karakter.",
    "identity_unknown": (
        "Akun {email} belum terdaftar atau dinonaktifkan di dasbor ini. "
        "Minta admin kabupaten membuat akun dengan e-mail itu sebagai nama pengguna."
    ),
}
