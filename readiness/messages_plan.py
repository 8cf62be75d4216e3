"""Bahasa Indonesia texts of the run-up to voting day: the H-n plan, rawan TPS, contacts.

``text(code, **fields)`` fills one template; ``fields(code)`` names what it needs. Templates say
where, what is wrong, what was found and how to fix it, like ``readiness.messages``.
"""

from __future__ import annotations

import string

import polars as pl

# What each milestone measure counts, after "45 dari 60 ...".
MEASURE_LABELS: dict[str, str] = {
    "registered": "linmas terdaftar",
    "verified": "linmas terverifikasi kecamatan",
    "bpjs": "linmas terdaftar BPJS",
    "trained": "linmas sudah bimtek",
    "ready": "linmas siap",
    "tps_covered": "TPS tercukupi",
}

# Milestone state of one unit, as a table cell shows it.
STATE_LABELS: dict[str, str] = {
    "done": "Tercapai",
    "late": "Terlambat",
    "due_today": "Jatuh tempo hari ini",
    "upcoming": "Belum jatuh tempo",
    "unknown": "Kebutuhan belum diketahui",
}

TEMPLATES: dict[str, str] = {
    # -- the H-n plan (readiness.plan) --
    "today_before": "Hari ini {h}",
    "today_vote": "Hari ini hari pemungutan suara (H-0)",
    "today_after": "Pemungutan suara {date} sudah lewat {days} hari",
    "headline_passed": (
        "{today}: milestone {label} ({h}, {due}) — {done} dari {total} {unit} tepat waktu."
    ),
    "headline_due_today": (
        "{today}: hari ini batas milestone {label} — {done} dari {total} {unit} sudah "
        "mencapai target."
    ),
    "headline_next": (
        "{today}: milestone berikutnya {label} ({h}, {due}, {left} hari lagi) — {done} dari "
        "{total} {unit} sudah mencapai target."
    ),
    "headline_no_plan": "{today}: belum ada milestone dalam pengaturan [plan].",
    "state_late": "Terlambat {days} hari",
    "state_upcoming": "Belum jatuh tempo ({left} hari lagi)",
    "late_phrase": "{label} terlambat {days} hari dari target {h}",
    "reminder_greeting": "Yth. operator {unit_name},",
    "reminder_late": (
        "{label} terlambat {days} hari dari target {h} ({due}): baru {count} dari {need} "
        "{measure} ({share}), target {target}. Mohon segera dilengkapi."
    ),
    "reminder_due_today": (
        "Hari ini ({due}) batas {label} ({h}): baru {count} dari {need} {measure} ({share}), "
        "target {target}. Mohon diselesaikan hari ini."
    ),
    "reminder_upcoming": (
        "Berikutnya: {label} paling lambat {due} ({h}, {left} hari lagi); sekarang {count} dari "
        "{need} {measure} ({share}), target {target}."
    ),
    "reminder_all_done": "Semua target sampai hari ini sudah tercapai. Terima kasih.",
    "reminder_need_unknown": (
        "Daftar TPS {unit_name} belum tercatat, jadi kebutuhan linmas belum diketahui. "
        "Mohon kirim daftar TPS dari PPS ke kecamatan."
    ),
    "reminder_vote_passed": (
        "Pemungutan suara {date} sudah lewat; tidak ada batas waktu lagi. Terima kasih atas "
        "kerja sama {unit_name}."
    ),
    "reminder_closing": "Rekap kesiapan linmas {election}.",
    # -- what each action list asks after the plan's lines (readiness.plan_progress) --
    "ask_not_submitted": (
        "Daftar linmas desa ini belum kami terima. Mohon diunggah di dasbor Kesiapan Linmas."
    ),
    "ask_tps_short": "Linmas per TPS belum cukup ({tps}). Mohon lengkapi dan unggah ulang.",
    "ask_bpjs": "{count} linmas belum terdaftar BPJS Ketenagakerjaan. Mohon dibantu.",
    "ask_training": "{count} linmas belum lengkap mengikuti bimtek. Mohon dibantu.",
    # -- the Rencana H-n page and `plan` commands --
    "plan_saved": "Milestone {label} disimpan: {h} ({due}), target {target}.",
    "plan_read_only": (
        "Rencana H-n ditetapkan oleh admin kabupaten; halaman ini hanya untuk dibaca."
    ),
    "plan_show_line": "{h:>5}  {due}  {label}: target {target} {measure} — {done} dari {total} "
    "kecamatan tercapai, {late} terlambat{changed}",
    "plan_show_changed": " (diubah admin)",
    "plan_nothing_to_change": (
        "Tidak ada yang diubah: tulis --day H-N dan/atau --target PERSEN, mis. "
        "plan set daftar --day H-21 --target 100."
    ),
    "contacts_refused": (
        'Berkas kontak "{file}" ditolak; tidak ada akun yang dibuat. {count} baris bermasalah: '
        "{problems}{more} Perbaiki berkasnya lalu jalankan lagi."
    ),
    "contacts_more": " (dan {count} lainnya).",
    "contacts_applied": (
        "{phones} akun baru mendapat nomor HP dari berkas kontak; {without} desa/kelurahan "
        "belum punya kontak yang bisa dihubungi."
    ),
    "contacts_warnings": "Catatan berkas kontak: {warnings}",
    # -- rawan TPS file (readiness.rawan) --
    "rawan_columns_missing": (
        "Kolom {missing} tidak ditemukan. Kolom yang ada: {found}. Beri judul kolom: {expected}."
    ),
    "rawan_no_rows": (
        'Berkas "{file}" tidak berisi satu TPS pun di bawah judul kolom. Isi satu baris per TPS '
        "rawan, lalu unggah lagi."
    ),
    "rawan_desa": "Baris {row}, kolom Desa/Kelurahan: {problem}.",
    "rawan_tps_empty": "Baris {row}, kolom TPS: kosong. Tulis nomor TPS, misalnya 1 atau TPS 01.",
    "rawan_tps_invalid": (
        'Baris {row}, kolom TPS: nomor TPS "{value}" bukan angka. Tulis misalnya 1 atau TPS 01.'
    ),
    "rawan_tps_unknown": (
        "Baris {row}, kolom TPS: TPS {tps} tidak ada di daftar TPS desa {desa} ({count} TPS "
        "tercatat). Periksa nomornya, atau impor daftar TPS KPU terbaru dulu."
    ),
    "rawan_duplicate": (
        "Baris {row}: TPS {tps} desa {desa} sudah tertulis di baris {first}. Satu TPS cukup "
        "satu baris; hapus salah satunya."
    ),
    "rawan_level_empty": "Baris {row}, kolom Tingkat: kosong. Tulis {allowed}.",
    "rawan_level_unknown": (
        'Baris {row}, kolom Tingkat: "{value}" tidak dikenali. Tulis {allowed}; TPS yang tidak '
        "rawan tidak perlu dicantumkan."
    ),
    "rawan_source_empty": (
        "Baris {row}, kolom Sumber: kosong. Tulis salah satu: {allowed} (sebut sumber lain di "
        "kolom Alasan)."
    ),
    "rawan_source_unknown": (
        'Baris {row}, kolom Sumber: "{value}" tidak dikenali. Tulis salah satu: {allowed}; '
        'untuk sumber lain tulis "{other}" dan sebut sumbernya di kolom Alasan.'
    ),
    "rawan_reason_empty": (
        "Baris {row}, kolom Alasan: kosong. Boleh, tetapi tulis alasan kerawanan (mis. akses "
        "sulit, riwayat konflik) agar petugas dan mitra keamanan tahu."
    ),
    # -- operators' contacts file (readiness.contacts) --
    "contacts_columns_missing": (
        "Kolom {missing} tidak ditemukan. Kolom yang ada: {found}. Beri judul kolom: Wilayah "
        "(kode atau nama desa/kecamatan), Nama, No. HP."
    ),
    "contacts_no_rows": (
        'Berkas "{file}" tidak berisi satu kontak pun di bawah judul kolom. Isi satu baris per '
        "operator, lalu unggah lagi."
    ),
    "contact_region_empty": (
        "Baris {row}, kolom Wilayah: kosong. Tulis kode desa/kecamatan (mis. 17.02.06.2001) "
        "atau namanya."
    ),
    "contact_region_unknown": (
        'Baris {row}, kolom Wilayah: "{value}" tidak ada dalam daftar wilayah. Periksa ejaan '
        "atau pakai kode wilayah (mis. 17.02.06.2001)."
    ),
    "contact_region_ambiguous": (
        'Baris {row}, kolom Wilayah: "{value}" cocok dengan lebih dari satu wilayah '
        "({matches}). Pakai kode wilayahnya."
    ),
    "contact_nama_empty": "Baris {row}, kolom Nama: kosong. Isi nama operator.",
    "contact_phone_empty": (
        "Baris {row}, kolom No. HP: kosong. Kontak tetap diterima, tetapi {region} belum bisa "
        "dihubungi lewat WhatsApp; isi nomor HP aktif."
    ),
    "contact_phone_invalid": (
        'Baris {row}, kolom No. HP: "{value}" bukan nomor HP yang bisa dihubungi. Tulis nomor '
        "HP aktif, misalnya 081234567890."
    ),
    "contact_duplicate": (
        "Baris {row}: nomor {phone} untuk {region} sudah tertulis di baris {first}; baris ini "
        "dilewati."
    ),
}


def fields(code: str) -> tuple[str, ...]:
    """Named fields of a template, so callers and tests know what to pass."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(TEMPLATES[code]) if name)


def text(code: str, /, **values: object) -> str:
    """Fill the template for ``code``; a missing field is a programming error, so it raises.

    >>> text("late_phrase", label="Daftar linmas", days=3, h="H-21")
    'Daftar linmas terlambat 3 hari dari target H-21'
    """
    return TEMPLATES[code].format(**values)


def expr(code: str, /, **values: pl.Expr | str | int) -> pl.Expr:
    """The template for ``code`` as a Polars expression, one text per row.

    >>> frame = pl.DataFrame({"d": [3, 5]})
    >>> frame.select(expr("state_late", days=pl.col("d"))).to_series().to_list()
    ['Terlambat 3 hari', 'Terlambat 5 hari']
    """
    parts, args = [], []
    for literal, name, _, _ in string.Formatter().parse(TEMPLATES[code]):
        parts.append(literal)  # templates hold no literal braces
        if name:
            value = values[name]
            parts.append("{}")
            args.append(value if isinstance(value, pl.Expr) else pl.lit(str(value)))
    return pl.format("".join(parts), *args)
