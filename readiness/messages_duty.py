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
    # Assignment per TPS (readiness.duty).
    "duty_desa_unknown": (
        "Kode desa {desa!r} tidak dikenal. Tulis kode lengkap desa/kelurahan, "
        "mis. 17.02.06.2001 (lihat halaman Wilayah)."
    ),
    "duty_nik_not_assigned": (
        "NIK {nik} tidak ada dalam daftar linmas yang berlaku di desa {desa}. Periksa NIK-nya, "
        "atau unggah daftar linmas desa itu lebih dulu."
    ),
    "duty_tps_not_listed": (
        "TPS {tps} tidak ada dalam daftar TPS desa/kelurahan ini (yang ada: {known}). "
        "Pilih salah satu TPS yang ada."
    ),
    "duty_swap_same": (
        "Tukar TPS perlu dua linmas yang berbeda dari desa yang sama. Pilih dua orang, lalu ulangi."
    ),
    "duty_format_unknown": (
        "Format dokumen {format!r} tidak dikenal. Pilih salah satu: {allowed}."
    ),
    "duty_assigned": "{nama} sekarang bertugas di {duty}.",
    "duty_swapped": "TPS kedua linmas sudah ditukar ({count} perubahan tersimpan).",
    "duty_list_line": "TPS {tps}: {names}",
    "duty_list_reserve": "Cadangan: {names}",
    "duty_list_empty": "Belum ada linmas yang ditugaskan di {desa}.",
    "duty_export_scope_missing": (
        "Sebutkan wilayahnya: --desa KODE (mis. 17.02.06.2001) atau --kecamatan KODE "
        "(mis. 17.02.06) untuk format {format}."
    ),
    "duty_tps_number_bad": (
        "Nomor TPS harus angka 1 atau lebih, tertulis {value!r}. Tulis mis. --tps 3."
    ),
    "duty_assign_usage": (
        "Tulis NIK dan TPS tujuan: assign --desa KODE --nik NIK --tps N (atau --cadangan), "
        "atau assign list --desa KODE untuk melihat penugasan."
    ),
    "duty_tps_heading": "**TPS {tps}** · kebutuhan {need} linmas",
    "duty_findings_none": "Tidak ada masalah penugasan.",
    "duty_findings_count": "{count} catatan penugasan perlu dilihat:",
    # Kartu tugas verification (pages/verify_card.py): never a name or a NIK.
    "card_valid": "Kartu sah: {duty}, desa/kelurahan {desa}.",
    "card_unknown": (
        "Kartu tidak dikenal: kodenya tidak cocok dengan penugasan yang berlaku (kartu lama, "
        "sudah dipindah, atau palsu). Tanyakan ke operator desa/kelurahan."
    ),
    "card_ask_code": "Pindai QR pada kartu tugas, atau tulis kode 20 huruf yang tercetak di kartu.",
    # Voting-day attendance (readiness.voting_day).
    "attendance_not_open": (
        "Absen hari pemungutan suara baru dibuka pada {date} pukul {hour} WIB. "
        "Tandai kehadiran linmas setelah itu."
    ),
    "attendance_status_unknown": (
        "Status {status!r} tidak dikenal. Pilih salah satu: hadir, tidak_hadir, diganti."
    ),
    "attendance_not_assigned": (
        "NIK {nik} tidak ditugaskan di TPS {tps} desa ini. Periksa TPS-nya di halaman "
        "Penugasan TPS."
    ),
    "attendance_reason_needed": (
        "{nama} di TPS {tps} sudah ditandai sebelumnya. Koreksi perlu alasan: tulis alasannya, "
        "lalu simpan lagi."
    ),
    "attendance_substitute_missing": (
        "Status diganti perlu nama dan NIK pengganti. Isi keduanya dari KTP pengganti, "
        "lalu simpan lagi."
    ),
    "attendance_substitute_invalid": "Pengganti tidak bisa dicatat: {problem}",
    "attendance_nothing_to_mark": (
        "Semua linmas TPS {tps} sudah ditandai. Untuk mengubah, koreksi satu per satu dengan alasan."
    ),
    "attendance_import_columns": (
        'Berkas "{file}" perlu kolom tps, nik dan status (boleh juga nik_pengganti, '
        "nama_pengganti, alasan). Tambahkan kolom itu, lalu impor lagi. Tidak ada yang disimpan."
    ),
    "attendance_import_tps": (
        "Baris {row}, kolom tps: harus angka, tertulis {value!r}. Perbaiki, lalu impor lagi. "
        "Tidak ada yang disimpan."
    ),
    "attendance_stored": "{count} tanda kehadiran tersimpan.",
    "substitute_no_bpjs": (
        "Pengganti belum tercatat sebagai peserta BPJS Ketenagakerjaan: daftarkan segera."
    ),
    "substitute_not_trained": "Pengganti belum tercatat mengikuti semua modul bimtek.",
    "voting_day_headline": "TPS terjaga: {guarded} dari {total}",
    "voting_day_late": (
        "{count} desa/kelurahan belum melapor kehadiran linmas sampai pukul {hour} WIB."
    ),
    "voting_day_late_message": (
        "Yth. operator {desa}: mohon laporkan kehadiran linmas di setiap TPS hari ini "
        "melalui dasbor Kesiapan Linmas. Terima kasih."
    ),
    "voting_day_before": ("Absen linmas dibuka pukul {hour} WIB. Belum ada laporan kehadiran."),
    "export_duty_caption": (
        "{region}: lampiran SK penetapan, kartu tugas (4 per halaman A4) dan daftar honor dari "
        "daftar linmas yang berlaku; satu berkas untuk semua desa/kelurahan di wilayah ini."
    ),
    "export_duty_pick_kecamatan": (
        "Lampiran SK, kartu tugas dan daftar honor dibuat per kecamatan atau per desa: pilih "
        "satu kecamatan pada Wilayah di atas."
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
