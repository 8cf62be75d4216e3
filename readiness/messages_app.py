"""Catalogue texts of the dashboard pages and the command line, by situation (see messages.py).

A situation that both a page and the CLI report (TPS stored, import undone, a one-time password
issued) has one code here, so it reads the same on both.
"""

from __future__ import annotations

APP_MESSAGES: dict[str, str] = {
    # -- any command / page ----------------------------------------------------------------------
    "cli_error": "Galat: {message}",
    "cli_unexpected": (
        "Galat tak terduga; tidak ada data yang diubah. Jalankan lagi dengan "
        "READINESS_LOG_LEVEL=DEBUG untuk rinciannya, atau hubungi admin."
    ),
    "row_problem": "Baris {row}: {message}",
    "input_file_unopenable": "Berkas {path} tidak dapat dibuka: {reason}.",
    "output_file_unwritable": (
        "Berkas {path} tidak dapat ditulis: {reason}. Periksa folder dan izinnya."
    ),
    "cli_user_unknown": "Akun {name} tidak ada atau dinonaktifkan. Lihat `user list`.",
    "region_not_permitted": (
        "Akun {username} tidak berwenang atas wilayah {region}. Pilih wilayah Anda sendiri."
    ),
    "kecamatan_unknown": (
        "Kode kecamatan {code!r} tidak dikenal di {area}. "
        "Tulis kode seperti 17.02.06 (lihat summary --json)."
    ),
    "region_unknown": (
        "Kode wilayah {code!r} tidak dikenal. Tulis kode Kemendagri seperti "
        "17.02 (kabupaten) atau 17.02.06 (kecamatan)."
    ),
    "rows_count": "{count} baris",
    "page_unexpected": (
        "Terjadi galat tak terduga. Tidak ada data yang disimpan dari tindakan ini. "
        "Coba lagi; bila berulang, hubungi admin kabupaten."
    ),
    "app_cannot_start": "Aplikasi tidak dapat dimulai. {reason}",
    "login_first": "Silakan masuk dulu untuk membuka halaman ini.",
    "page_not_for_role": "Halaman ini hanya untuk {roles}. Pilih halaman lain di menu.",
    "demo_banner": (
        "**DATA CONTOH** — semua nama, NIK dan angka di basis data ini adalah rekaan untuk "
        "latihan, bukan data sungguhan."
    ),
    "page_election_line": "{area} · {election} · pemungutan suara {voting_date} ({countdown})",
    # -- demo and dashboard ----------------------------------------------------------------------
    # -- command-line files -------------------------------------------------------------------
    "file_not_regular": (
        "{path} bukan berkas biasa (perangkat, pipa atau folder). "
        "Sebutkan berkas CSV/XLSX yang tersimpan di disk."
    ),
    "cli_file_too_large": (
        "Berkas {path} terlalu besar ({size} MB, paling besar {limit} MB). Pecah berkasnya "
        "per desa/kecamatan, atau simpan ulang tanpa lembar dan kolom yang tak perlu."
    ),
    "export_unwritable": "Berkas {path} tidak dapat ditulis: {reason}. Periksa folder dan izinnya.",
    "kecamatan_code_unknown": (
        "Kode kecamatan {code!r} tidak dikenal di {area}. Tulis kode seperti 17.02.06 (dua angka, "
        "titik, dua angka, titik, dua angka); daftar kode ada di summary --json."
    ),
    "bpjs_pending_written": "Daftar linmas belum terdaftar BPJS ditulis: {path} ({size} bita).",
    "audit_written": "Log audit ditulis: {path} ({count} catatan).",
    "demo_exists": "Basis data contoh sudah ada: {path}",
    "not_a_demo_database": (
        "{path} berisi data sungguhan, bukan data contoh. Pilih berkas lain dengan --db; "
        "data ini tidak diubah."
    ),
    "demo_built": (
        "Basis data contoh dibuat: {path} ({villages} desa mengirim, {officers} linmas, {tps} TPS); "
        "pemungutan suara contoh {voting}."
    ),
    "demo_rebuilt": "Basis data contoh {path} dibuat untuk {built_on}; dibangun ulang untuk {today}.",
    "demo_other_day": "hari lain",
    "bad_demo_day": (
        "--today harus tanggal berbentuk TTTT-BB-HH (mis. 2024-11-07), tertulis {value!r}."
    ),
    "dashboard_running": "Dasbor berjalan di http://localhost:{port} (hentikan dengan Ctrl+C).",
    # -- overview (Ringkasan page, `summary`) ----------------------------------------------------
    "summary_title": "{area} — {election}",
    "summary_kecamatan_complete": "Kecamatan lengkap : {done} dari {total}",
    "summary_kecamatan_verified": "Kec. terverifikasi: {done} dari {total}",
    "summary_desa_submitted": "Desa mengirim     : {done} dari {total}",
    "summary_officers": "Linmas terdaftar  : {registered} (kebutuhan {required})",
    "overview_empty_database": (
        "**Basis data masih kosong.** Langkah pertama:\n\n"
        "1. Impor daftar TPS dari KPU (halaman *Daftar TPS*, atau "
        "`python -m readiness tps import FILE`).\n"
        "2. Minta tiap desa/kelurahan mengunggah daftar linmasnya "
        "(halaman *Unggah Daftar Linmas*).\n"
        "3. Kembali ke halaman ini untuk melihat siapa yang sudah mengirim."
    ),
    "overview_as_of": "Data per {as_of} · batas pengiriman {deadline}",
    "overview_nothing_submitted": "– (belum ada kiriman)",
    "kecamatan_note_heading": "Catatan kecamatan:",
    "desa_without_tps": (
        "{count} desa/kelurahan: TPS belum diisi, sehingga kebutuhan linmasnya belum diketahui."
    ),
    "all_desa_submitted": "Semua desa/kelurahan sudah mengirim daftar linmas.",
    "not_submitted_count": "{count} desa/kelurahan belum mengirim daftar linmas",
    "not_submitted_row": "{desa_code}  {kecamatan} / {desa} ({need})",
    "not_submitted_need": "{tps} TPS, kebutuhan {required} linmas",
    "not_submitted_no_tps": "TPS belum ada",
    # -- TPS list --------------------------------------------------------------------------------
    "tps_upload_guide": (
        "Unggah daftar TPS dari KPU (CSV atau Excel) dengan kolom **Kecamatan**, "
        "**Desa/Kelurahan** (nama atau kode), **Nomor TPS**, dan bila ada **Rawan** (Ya/Tidak) "
        "serta **Alamat**. Daftar TPS desa yang ada di berkas menggantikan daftar lamanya. "
        "Kebutuhan linmas = jumlah TPS × {per_tps} (UU 7/2017 Pasal 351 ayat 4)."
    ),
    "tps_managed_by_admin": (
        "Daftar TPS diunggah admin kabupaten dari data KPU. Bila jumlah TPS desa Anda salah, "
        "hubungi admin kabupaten."
    ),
    "tps_matched": "{tps} TPS cocok untuk {villages} desa/kelurahan. Periksa lalu simpan.",
    "tps_stored": "{tps} TPS disimpan untuk {villages} desa/kelurahan.",
    "tps_rejected": (
        "Daftar TPS tidak disimpan: {count} baris bermasalah. Perbaiki baris berikut lalu "
        "unggah lagi."
    ),
    "tps_marked_rawan": "TPS {number} disimpan sebagai rawan.",
    "tps_marked_not_rawan": "TPS {number} disimpan sebagai tidak rawan.",
    # -- roster upload page ----------------------------------------------------------------------
    "roster_detected": "Terbaca: {detected}",
    "roster_fix_rejected_here": (
        "**Perbaiki baris yang ditolak di sini**, lalu tekan *Periksa ulang*."
    ),
    "roster_saved_change_hint": (
        "{saved} Untuk mengubahnya, perbaiki baris atau unggah berkas baru."
    ),
    "roster_nothing_accepted": "Belum ada baris yang diterima; perbaiki baris yang ditolak dulu.",
    # -- BPJS, training, imports -----------------------------------------------------------------
    "bpjs_managed_by_admin": "Daftar peserta dari BPJS diimpor oleh admin kabupaten.",
    "training_managed_by_admin": "Sesi dan absensi pelatihan dicatat oleh admin kabupaten.",
    "session_saved": "Sesi nomor {session} disimpan.",
    "session_next_step": "Impor absensinya: attendance import BERKAS --session {session}",
    "sessions_none": (
        "Belum ada sesi pelatihan. Tambahkan: training session add --date ... --place ..."
    ),
    "attendance_ticked": "{count} linmas dicatat hadir.",
    "import_undone": "Impor nomor {batch} dibatalkan; keadaan sebelum impor itu berlaku lagi.",
    "date_not_iso": (
        "Tanggal harus ditulis TAHUN-BULAN-HARI, mis. 2024-11-15; tertulis {value!r}."
    ),
    # -- backups ---------------------------------------------------------------------------------
    "backup_daily_exists": "Cadangan harian hari ini sudah ada; tidak ada yang dibuat.",
    "backup_daily_made": "Cadangan harian dibuat: {backup}",
    "backup_made": "Cadangan dibuat dan diperiksa: {backup}",
    "backup_restored": "Basis data dipulihkan dari {file}: {backup}",
    "backup_previous_kept": "Basis data sebelumnya disimpan sebagai {path}",
    # -- exports ---------------------------------------------------------------------------------
    "export_written": "Rekap {format} ditulis: {path} ({size} bita).",
    "export_caption_masked": (
        "{region} · NIK dan nomor HP disamarkan · setiap unduhan dicatat di log audit "
        "(siapa, apa, kapan)."
    ),
    "export_caption_unmasked": (
        "{region} · NIK dan nomor HP lengkap · setiap unduhan dicatat di log audit "
        "(siapa, apa, kapan)."
    ),
    # -- accounts --------------------------------------------------------------------------------
    "account_created": "Akun {name} dibuat.",
    "one_time_password": "Kata sandi sekali pakai untuk {name}: {secret}",
    "one_time_password_hand_over": (
        "Berikan langsung kepada pemiliknya; kata sandi wajib diganti saat pertama masuk."
    ),
    "account_disabled": "Akun {name} dinonaktifkan.",
    "account_enabled": "Akun {name} diaktifkan lagi.",
    "accounts_created": "{count} akun dibuat.",
    "accounts_none_missing": (
        "Semua kecamatan dan desa/kelurahan sudah punya akun; tidak ada yang dibuat."
    ),
    "accounts_written": "{count} akun dibuat; kata sandi sekali pakai ditulis ke {path}.",
    "accounts_hand_over": "Cetak dan bagikan berkas itu, lalu hapus; simpan seperti kunci.",
    "accounts_bulk_explained": (
        "Membuat akun untuk setiap kecamatan (`kec.<kode>`) dan desa/kelurahan "
        "(`desa.<kode>`) yang belum punya akun, dengan kata sandi sekali pakai. "
        "Unduh berkasnya sekali, cetak, dan bagikan; simpan seperti kunci."
    ),
    "output_exists": "Berkas {path} sudah ada. Pilih nama lain; tidak ada akun dibuat.",
    "password_rule": "Minimal {length} karakter; jangan memuat nama pengguna.",
    "passwords_differ": "Kedua isian kata sandi tidak sama. Ketik ulang keduanya.",
    "first_admin_explained": (
        "Basis data ini baru dan belum punya akun. Buat akun admin kabupaten; akun operator "
        "kecamatan dan desa dibuat sesudahnya di halaman *Akun*."
    ),
    "privacy_notice": (
        "Data pribadi linmas (NIK, nomor HP) dilindungi UU 27/2022 tentang Pelindungan Data "
        "Pribadi dan hanya dipakai untuk pengamanan TPS. Setiap akses tercatat di log audit."
    ),
    # -- personal data ---------------------------------------------------------------------------
    "forget_nik_invalid": (
        "NIK harus 16 angka, tertulis {value!r}. Salin ulang NIK dari permintaan tertulis."
    ),
    "forget_confirmation_needed": (
        "Penghapusan tidak bisa dibatalkan. Ulangi perintah dengan --yes untuk menghapus."
    ),
    "nik_forgotten": (
        "NIK {nik} dihapus: {officers} baris daftar linmas, {bpjs} data BPJS, {attendance} "
        "kehadiran, {findings} temuan; {audit} catatan audit disamarkan."
    ),
    "audit_page": (
        "Catatan {first}–{last} (paling baru di atas, {size} per halaman{more}). "
        "Teks panjang dipotong."
    ),
    "audit_next_page": "; ada halaman berikutnya",
    # -- verification ----------------------------------------------------------------------------
    "roster_returned": (
        "**Dikembalikan oleh kecamatan** ({by}). Perbaiki daftar lalu unggah ulang di halaman "
        "*Unggah Daftar Linmas*. Catatan kecamatan:"
    ),
    "roster_verified_own": "Daftar Anda sudah diverifikasi kecamatan.",
    "nothing_to_review": "Belum ada kiriman desa di wilayah Anda.",
    # -- province: region lists and kabupaten recaps ---------------------------------------------
    "regions_loaded": (
        "{kabupaten} ({code}): {kecamatan} kecamatan, {desa} desa/kelurahan dimuat dari {file}."
    ),
    "regions_replaced": "Daftar sebelumnya ({kecamatan} kecamatan, {desa} desa/kelurahan) diganti.",
    "recaps_rejected": "Rekap tidak disimpan: {count} masalah; tidak ada rekap yang disimpan.",
    "recap_skipped": "Dilewati: {reason}",
    "recaps_stored": "{count} rekap kabupaten disimpan.",
    "recaps_stored_named": "{count} rekap kabupaten disimpan: {names}.",
    "recaps_none": "Belum ada rekap kabupaten yang diimpor (recap import BERKAS.json).",
}
