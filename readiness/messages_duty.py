"""Bahasa Indonesia texts for TPS assignment checks and duty documents: code -> template."""

from __future__ import annotations

import string

# Each template says where, what is wrong, what was found and how to fix it; fields are named.
MESSAGES: dict[str, str] = {
    "duty_tps_unknown": (
        "TPS {tps}: {nama} ditugaskan ke TPS {tps}, tetapi TPS itu tidak ada dalam daftar TPS "
        "desa/kelurahan ini (yang ada: {known}). Pindahkan ke TPS yang ada, atau minta operator "
        "kabupaten memperbarui daftar TPS."
    ),
    "duty_tps_list_missing": (
        "Desa/kelurahan ini belum punya daftar TPS, sehingga {count} penugasan linmas belum "
        "bisa diperiksa. Minta operator kabupaten mengunggah daftar TPS dari KPU."
    ),
    "duty_no_tps": (
        "{nama} belum ditugaskan ke TPS mana pun (kolom TPS di daftar kosong). "
        "Pilih TPS-nya, atau tandai sebagai cadangan."
    ),
    "duty_tps_over": (
        "TPS {tps}: {assigned} linmas ditugaskan, kebutuhan {need}, sementara TPS {short} "
        "masih kurang. Pindahkan {surplus} linmas dari TPS {tps} ke TPS yang kurang."
    ),
    "duty_two_tps": (
        "{nama} ditugaskan di {count} TPS sekaligus: {places}. Satu orang hanya menjaga satu "
        "TPS; pilih satu TPS dan pindahkan atau hapus penugasan lainnya."
    ),
    "duty_reserve": (
        "{nama} ditandai cadangan: tidak dihitung menjaga TPS {tps}. Tugaskan ke TPS bila ada "
        "TPS yang kurang linmas."
    ),
    # Duty documents (readiness.duty_documents).
    "card_secret_missing": (
        "Kode verifikasi kartu tugas belum bisa dibuat: variabel lingkungan {variable} kosong "
        "atau kurang dari {minimum} huruf. Isi dengan teks acak rahasia (mis. hasil "
        '"python -c \\"import secrets; print(secrets.token_urlsafe(32))\\""), lalu ulangi.'
    ),
    "documents_no_officers": (
        "Tidak ada linmas yang ditugaskan di {region}, jadi {document} tidak dibuat. "
        "Unggah daftar linmas dan tugaskan mereka ke TPS lebih dulu."
    ),
}

# Words shown on documents for a value the data does not hold (never "None" or an empty box).
NOT_FILLED = "belum diisi"


def fields_of(code: str) -> set[str]:
    """The named fields a template expects.

    >>> sorted(fields_of("duty_no_tps"))
    ['nama']
    """
    return {name for _, name, _, _ in string.Formatter().parse(MESSAGES[code]) if name}


def text(code: str, **fields: object) -> str:
    """The message for ``code`` with its fields filled in.

    >>> text("duty_no_tps", nama="Budi Santoso")[:45]
    'Budi Santoso belum ditugaskan ke TPS mana pun'
    """
    return MESSAGES[code].format(**fields)
