"""Texts of upload drafts: a checked file and its fixes kept on the server until saved."""

from __future__ import annotations

DRAFT_MESSAGES: dict[str, str] = {
    "draft_restored": (
        "Draf dari {when} dipulihkan: berkas {file_name} dengan semua perbaikan Anda. "
        "Lanjutkan di bawah, atau buang draf untuk mulai dari awal."
    ),
    "draft_waiting": (
        "Ada draf unggahan yang belum disimpan: berkas {file_name} untuk {desa}, terakhir "
        "diubah {when}. Draf belum dihitung di mana pun sampai disimpan."
    ),
    "draft_discarded": (
        "Draf dibuang; tidak ada yang disimpan. Unggah berkas lagi untuk mulai dari awal."
    ),
    "draft_kept_hint": (
        "Hasil pemeriksaan dan perbaikan Anda tersimpan sebagai draf selama {days} hari: bila "
        "halaman dimuat ulang atau sinyal putus, buka lagi halaman ini untuk melanjutkan. Draf "
        "tidak dihitung di mana pun sebelum disimpan."
    ),
}
