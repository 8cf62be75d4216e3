"""Bahasa Indonesia texts of intake: kecamatan files, nihil, attempts, versions, verification.

Registered in ``readiness.messages`` (one dict; a code defined twice raises at import).
"""

from __future__ import annotations

VIA_LABELS = {
    "desa": "desa",
    "kecamatan": "kecamatan",
    "nihil": "laporan nihil",
    "restore": "pemulihan versi",
}

INTAKE_MESSAGES: dict[str, str] = {
    "dropped_rejected_row": "barisnya ditolak",
    "dropped_absent": "tidak ada di berkas",
    "drops_none": "Tidak ada linmas dari versi yang berlaku yang hilang. ",
    "drops_some": (
        "{count} linmas dari versi yang berlaku tidak akan ada di versi baru: {names}{more}. "
        "Bila mereka tetap bertugas, perbaiki barisnya lalu unggah lagi. "
    ),
    "drops_more": " dan {count} lainnya",
    "upload_unchanged": (
        "Berkas untuk {desa} sama dengan versi {version} yang berlaku; tidak disimpan lagi."
    ),
    "upload_attempt_recorded": (
        "Tidak ada baris yang diterima untuk {desa}. Tidak ada daftar yang disimpan; percobaan "
        "ini dicatat (mencoba mengirim, semua ditolak). Perbaiki baris yang ditolak lalu unggah lagi."
    ),
    "upload_saved_honest": "{stored} {drops}Status: menunggu verifikasi kecamatan.",
    "nihil_reason_missing": (
        'Alasan laporan nihil wajib diisi, mis. "belum ada warga yang bersedia".'
    ),
    "nihil_saved": (
        "{desa} melaporkan nihil (0 linmas) sebagai versi {version}: {reason}. TPS-nya tetap "
        "tercatat belum terjaga. Status: menunggu verifikasi kecamatan."
    ),
    "need_unknown": "belum diketahui",
    "summary_officers_need": "Linmas terdaftar  : {registered} (kebutuhan {required})",
    "summary_desa_nihil": "Desa nihil        : {count}",
    "summary_desa_attempted": "Desa mencoba, semua ditolak: {count}",
    "state_nihil": "nihil",
    "state_attempted_failed": "mencoba mengirim, semua ditolak",
    "home_attempt_refused": (
        "Berkas {file} yang dikirim {when} ditolak seluruhnya, jadi tidak tersimpan. "
        "Alasan utama: {reasons}. Perbaiki baris-baris itu lalu unggah ulang."
    ),
    "roster_version_unknown": (
        "Desa {desa_code} tidak punya versi {version}. Lihat daftar versi dengan "
        "`roster versions --desa {desa_code}`."
    ),
    "roster_version_in_force": (
        "Versi {version} sudah berlaku; tidak ada yang dipulihkan. Pilih versi yang lebih lama."
    ),
    "restore_done": "{desa} kini memakai salinan versi {source} sebagai versi {version}.",
    "versions_line": (
        "Versi {version}{in_force}: {when}, oleh {who} melalui {via}, {accepted} linmas, "
        "{rejected} ditolak, {status}"
    ),
    "versions_none": "{desa} belum punya versi tersimpan.",
    "verify_no_roster": "{desa} belum mengirim daftar; tidak ada yang diverifikasi.",
    "kecamatan_import_mixed_flags": "Pilih salah satu: --desa atau --kecamatan.",
    "kecamatan_saved_line": "  {desa}: {outcome}",
    "kecamatan_outcome_stored": "disimpan sebagai versi {version}",
    "kecamatan_outcome_unchanged": "sama dengan versi yang berlaku, tidak disimpan lagi",
    "kecamatan_outcome_attempt": "semua baris ditolak, dicatat sebagai percobaan",
    "verification_waiting": "{count} desa/kelurahan menunggu verifikasi.",
    "verification_flag_over": "Jumlah linmas ({registered}) melebihi kebutuhan ({required}).",
    "verification_flag_short_tps": "TPS dengan linmas kurang dari {per_tps}: {tps}.",
    "verification_flag_unknown_tps": "Nomor TPS tidak ada di daftar TPS: {tps}.",
    "verification_flag_warnings": "{count} baris diterima dengan catatan dari pemeriksaan berkas.",
    "verification_no_flags": "Tidak ada yang perlu diperhatikan khusus.",
    "verification_change": (
        "Dibanding versi {previous}: {added} ditambah, {removed} dihapus, {changed} diubah."
    ),
    "verification_first": "Ini versi pertama desa ini.",
    "verification_nihil": "Desa ini melaporkan nihil: {reason}",
    "verification_attempt": (
        "Mencoba mengirim, semua ditolak ({when}, {who}, berkas {file}). Alasan: {reasons}"
    ),
    "kecamatan_unmatched": (
        "{count} baris tidak dapat diberikan ke desa mana pun di kecamatan ini (lihat tabel). "
        "Perbaiki kolom Desa/Kelurahan lalu unggah lagi; baris itu tidak disimpan."
    ),
    "kecamatan_row_ok": "dapat disimpan",
    "kecamatan_row_rejected": "semua ditolak",
    "verification_uploaded_by": "Diunggah oleh {who}.",
    "verification_change_heading": "**Perubahan.** {line}",
    "verification_choose_decision": (
        "Pilih keputusan dulu: Terverifikasi atau Dikembalikan ke desa. Belum ada yang disimpan."
    ),
    "verification_full_nik_audited": (
        "NIK ditampilkan lengkap untuk dicocokkan dengan salinan KTP; tampilan ini dicatat di log audit."
    ),
}


def text(code: str, /, **values: object) -> str:
    """The text of an intake code (the same as ``readiness.messages.text``)."""
    return INTAKE_MESSAGES[code].format(**values)
