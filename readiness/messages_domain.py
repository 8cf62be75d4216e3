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
    # -- backups and restores (readiness.backup) -------------------------------------------------
    "backup_missing": "Berkas {file} tidak ditemukan. Periksa nama dan foldernya.",
    "backup_unreadable": (
        "Berkas {file} bukan basis data Kesiapan Linmas yang utuh "
        "({why}). Pilih berkas cadangan lain; basis data yang sekarang "
        "tidak diubah."
    ),
    "backup_foreign": (
        "Berkas {file} adalah basis data DuckDB, tetapi bukan milik Kesiapan Linmas "
        "(tidak ada tabel schema_migrations/submissions). Pilih berkas cadangan yang dibuat "
        "dengan perintah backup; basis data yang sekarang tidak diubah."
    ),
    "backup_newer": (
        "Berkas {file} dibuat oleh versi aplikasi yang lebih baru (migrasi {newer}). "
        "Perbarui aplikasi dulu, lalu pulihkan lagi; basis data yang sekarang tidak diubah."
    ),
    "backup_other_kabupaten": (
        "Berkas {file} berisi data wilayah lain (kode kabupaten: {found}), bukan "
        "{kabupaten_name} ({kabupaten_code}). Pilih cadangan kabupaten "
        "ini; basis data yang sekarang tidak diubah."
    ),
    "backup_exists": "Berkas {file} sudah ada. Pilih nama lain; cadangan lama tidak ditimpa.",
    "backup_onto_itself": (
        "Cadangan tidak boleh ditulis ke berkas basis data itu sendiri. Pilih nama lain."
    ),
    "backup_failed": (
        "Cadangan {file} tidak dapat dibuat ({why}). "
        "Periksa ruang disk; bila basis data rusak, pulihkan dari cadangan sebelumnya."
    ),
    "backup_write_failed": (
        "Cadangan tidak dapat ditulis ke {folder}: {why}. Periksa "
        "ruang disk dan izin folder; basis data tidak diubah."
    ),
    "backup_appeared": "Berkas {file} muncul selagi cadangan dibuat. Pilih nama lain.",
    "backup_not_matching": "Berkas cadangan tidak cocok; basis data sekarang tidak diubah.",
    "backup_cannot_open": "Berkas {file} tidak dapat dibuka: {why}.",
    "backup_not_a_file": (
        "{file} bukan berkas biasa (perangkat, pipa atau folder). "
        "Pilih berkas cadangan .duckdb yang dibuat dengan perintah backup."
    ),
    "backup_needs_confirmation": (
        "Berkas cadangan berisi {problems}. Periksa asal berkas itu; bila memang benar, "
        "jalankan lagi dengan --yes. Basis data sekarang tidak diubah."
    ),
    "forget_rewrite_failed": (
        "Basis data {file} tidak dapat ditulis ulang ({reason}). Periksa ruang disk lalu "
        "jalankan perintah itu lagi; datanya sudah terhapus, sisa bytenya belum."
    ),
    "backup_extra_tables": "tabel yang tidak ada di basis data sekarang: {names}",
    "backup_unknown_objects": "{kind} yang tidak ada di basis data sekarang: {names}",
    "backup_accounts_differ": (
        "akun yang berbeda dari sekarang (ditambah, dihapus, peran, wilayah, kata sandi "
        "atau status lain): {names}"
    ),
    "backup_more_accounts": " dan {count} lainnya",
    "backup_is_current": (
        "Berkas cadangan sama dengan basis data yang dipakai. Pilih berkas cadangan lain."
    ),
    "restore_write_failed": (
        "Pemulihan gagal menulis berkas: {why}. Periksa ruang disk dan "
        "izin folder; basis data yang sekarang tidak diubah."
    ),
    "database_not_writable": (
        "Basis data {db} tidak dapat dibuka untuk ditulis: {location}. Berkasnya tidak "
        "rusak; jangan dipulihkan dari cadangan. Perintah yang hanya membaca (mis. summary, "
        "not-submitted) tetap berjalan; untuk mengubah data atau mengekspor (setiap ekspor "
        "dicatat di log audit) pilih folder yang dapat ditulis dengan --db atau READINESS_DB, "
        "atau beri izin tulis kepada akun yang menjalankan aplikasi."
    ),
    "database_damaged_no_backup": (
        "Berkas basis data {db} rusak atau bukan basis data Kesiapan Linmas{why}. "
        "Tidak ada cadangan di {folder}. Hubungi admin kabupaten; "
        "jangan hapus berkas yang rusak."
    ),
    "database_damaged_latest_backup": (
        "Berkas basis data {db} rusak atau bukan basis data Kesiapan Linmas{why}. "
        "Cadangan terakhir: {latest} ({date}, pukul {time} WIB). "
        "Pulihkan dengan: python -m readiness restore --db {db} {latest}"
    ),
    # -- region reference files (readiness.regions, readiness.province) --------------------------
    "alias_columns_missing": "Berkas alias {file}, baris 1: kolom alias dan kode_desa harus ada.",
    "reference_file_missing": "Berkas {what} tidak ditemukan: {path}. Periksa {setting} di pengaturan.",
    "reference_file_not_csv": "Berkas {what} {file} tidak dapat dibaca sebagai CSV: {error}",
    "reference_columns_missing": (
        "Berkas {what} {file}, baris 1: kolom {missing} tidak ada. Kolom yang diharapkan: {expected}."
    ),
    "region_row_problem": "Berkas wilayah {file}, baris {row}: {problem}",
    "region_file_empty": "Berkas wilayah {file} tidak berisi satu desa/kelurahan pun.",
    "region_file_invalid": "Berkas wilayah {file} tidak berisi kode kecamatan yang dapat dibaca.",
    "region_file_two_kabupaten": (
        "Berkas wilayah {file} memuat kode lebih dari satu kabupaten ({codes}); baris "
        "{row} adalah yang pertama dengan {second}, sedangkan baris pertama {first}. Satu "
        "berkas untuk satu kabupaten: pisahkan berkasnya lalu impor satu per satu."
    ),
    "region_file_is_own_kabupaten": (
        "Berkas wilayah {file} berisi {kabupaten_name} ({code}), kabupaten "
        "instans ini. Wilayahnya diatur oleh region_file di pengaturan "
        "({settings_file}); ganti berkas itu lalu mulai ulang aplikasi."
    ),
    "region_file_kabupaten_unknown": (
        "Berkas wilayah {file} berisi kode kabupaten {code}, yang tidak ada dalam "
        "daftar kabupaten {province_name} (kode yang dikenal: {listed}). "
        "Periksa kode pada berkasnya."
    ),
    # -- BPJS, training sessions and attendance (readiness.readiness_imports) ---------------------
    "import_nothing": (
        "Tidak ada linmas baru yang dicentang untuk sesi ini; tidak ada data yang diubah."
    ),
    "session_place_missing": (
        "Tempat pelatihan kosong. Tulis tempatnya, misalnya Aula Kecamatan Curup."
    ),
    "session_modules_invalid": "Pilih minimal satu modul dari daftar: {allowed}{unknown}.",
    "session_modules_unknown": " (tidak dikenal: {unknown})",
    "import_batch_unknown": (
        "Impor {label} nomor {batch_id} tidak ditemukan. Periksa nomornya di riwayat impor."
    ),
    "unmasked_download_denied": (
        "Peran {role} tidak boleh mengunduh NIK dan nomor HP lengkap (UU 27/2022). "
        "Unduh tanpa --unmasked, atau minta admin kabupaten."
    ),
    # -- exports (readiness.exports, readiness.export_pdf) ----------------------------------------
    "export_format_unknown": "Format ekspor tidak dikenal: {kind}. Pilih salah satu: {formats}.",
    "export_scope_denied": (
        "Akun {username} tidak berwenang mengekspor wilayah {region}. Pilih wilayah Anda sendiri."
    ),
    "unmasked_export_denied": (
        "Peran {role} tidak boleh mengekspor NIK dan nomor HP lengkap (UU 27/2022). "
        "Ekspor dengan data disamarkan, atau minta admin kabupaten."
    ),
    "pdf_font_missing": (
        "Huruf DejaVu Sans untuk PDF tidak ditemukan. Pasang paket fonts-dejavu-core "
        "(apt-get install fonts-dejavu-core) atau salin DejaVuSans.ttf dan DejaVuSans-Bold.ttf "
        "ke data/fonts/."
    ),
    # -- rosters, TPS lists, recaps and verification ----------------------------------------------
    "roster_desa_unknown": (
        "Kode desa {desa_code} tidak ada dalam daftar wilayah {where}. "
        "Tulis kode lengkap, mis. 17.02.06.2001."
    ),
    "file_rejected": "Berkas ini ditolak seluruhnya; tidak ada yang dapat disimpan.",
    "nothing_accepted": (
        "Tidak ada baris yang diterima; perbaiki baris yang ditolak lalu periksa lagi."
    ),
    "tps_columns_missing": (
        "Kolom {missing} tidak ditemukan. Kolom yang ada: "
        "{found}. Beri judul kolom: Kecamatan, Desa/Kelurahan, Nomor TPS, Rawan, Alamat."
    ),
    "tps_header_missing": (
        "Baris judul kolom tidak ditemukan di 30 baris teratas. Baris pertama berisi: "
        "{first}. Beri judul kolom: {headers}."
    ),
    "kabupaten_unknown": (
        "Kode kabupaten {code} tidak dikenal. Tulis kode seperti "
        "{example}; kabupaten yang wilayahnya sudah dimuat: {listed}."
    ),
    "upload_kecamatan_unknown": (
        "Kode kecamatan {code} tidak ada dalam daftar wilayah. Tulis kode lengkap, mis. 17.02.06."
    ),
    "recap_rejected": "{count} masalah pada berkas rekap; tidak ada rekap yang disimpan.",
    "review_decision_unknown": "Keputusan {decision} tidak dikenal. Pilih: {decisions}.",
    "roster_first_version": (
        "Desa ini belum punya daftar tersimpan; berkas ini akan menjadi versi 1."
    ),
    "roster_next_version": (
        "Tersimpan sekarang: versi {current}. Menyimpan berkas ini membuat "
        "versi {next}; versi sebelumnya tetap tersimpan."
    ),
    "roster_stored_first": (
        "Daftar linmas {desa_name} disimpan sebagai versi {version}. {added} linmas tercatat."
    ),
    "roster_stored_changed": (
        "Daftar linmas {desa_name} disimpan sebagai versi {version}. "
        "Dibanding versi {previous}: {added} ditambah, "
        "{removed} dihapus, {changed} diubah. "
        "Versi sebelumnya tetap tersimpan."
    ),
    # -- the settings file (readiness.config) ----------------------------------------------------
    "settings_key_missing": (
        "Berkas pengaturan {path}: bagian [{section}] tidak memiliki '{key}'. Tambahkan nilainya."
    ),
    "settings_value_kind": (
        "Berkas pengaturan {path}: [{section}] {key} harus berupa {kind}, "
        "tertulis {written}. Perbaiki nilainya."
    ),
    "settings_milestones_empty": (
        "{where} harus berisi minimal satu milestone (code, label, day, target, measure); "
        "hapus bagian [plan] untuk memakai milestone bawaan."
    ),
    "settings_milestone_not_table": (
        "{where} nomor {number} harus tabel berisi code, label, day, target, measure."
    ),
    "settings_milestone_code": (
        "{name}, kunci 'code': harus huruf kecil/angka/garis bawah, mis. \"daftar\", "
        "tertulis {code}."
    ),
    "settings_milestone_code_twice": "{name}, kunci 'code': kode {code} dipakai dua kali. Beri kode lain.",
    "settings_milestone_label": "{name}, kunci 'label': isi nama milestone, tertulis {label}.",
    "settings_milestone_day": (
        "{name}, kunci 'day': harus hari sebelum pemungutan suara seperti \"H-21\" "
        "(0 sampai 366), tertulis {day}."
    ),
    "settings_milestone_target": (
        "{name}, kunci 'target': harus persen lebih dari 0 sampai 100, tertulis {target}."
    ),
    "settings_milestone_measure": (
        "{name}, kunci 'measure': harus salah satu dari {measures}, tertulis {measure}."
    ),
    "settings_rawan_levels_missing": (
        "{where} levels harus berisi tabel [rawan.levels.rawan] dan [rawan.levels.sangat_rawan]."
    ),
    "settings_rawan_level_unknown": (
        "{where}: tingkat {level} tidak dikenal; tingkat yang ada: {levels}."
    ),
    "settings_rawan_level_not_table": "{name} harus tabel berisi label dan extra_officers.",
    "settings_rawan_level_label": (
        "{name}, kunci 'label': isi nama tingkat kerawanan, tertulis {label}."
    ),
    "settings_rawan_extra_conflict": (
        "{name} extra_officers = {extra} berbeda dengan [rules] "
        "rawan_extra_officers = {old}. Hapus [rules] rawan_extra_officers; "
        "tambahan linmas kini diatur per tingkat di [rawan.levels]."
    ),
    "settings_rawan_extra": (
        "{name}, kunci 'extra_officers': harus bilangan bulat 0 sampai 10 (tambahan "
        "linmas per TPS), tertulis {extra}."
    ),
    "settings_rawan_extra_order": (
        "{where}: tambahan linmas TPS sangat rawan ({very}) lebih kecil "
        "dari TPS rawan ({rawan}). Perbaiki extra_officers."
    ),
    "settings_rawan_sources": (
        "{where} sources harus daftar nama sumber yang berbeda, mis. "
        '["Bawaslu", "Polres", "FGD", "lainnya"], tertulis {sources}.'
    ),
    "settings_file_missing": "Berkas pengaturan tidak ditemukan: {path}. Periksa READINESS_SETTINGS.",
    "settings_file_broken": "Berkas pengaturan {path} rusak: {error}. Perbaiki penulisannya.",
    "settings_training_modules": (
        "Berkas pengaturan {path}: [training] modules harus daftar nama modul."
    ),
    "settings_blocking_codes": (
        "Berkas pengaturan {path}: [rules] blocking_codes harus daftar kode peringatan."
    ),
    "settings_counts_positive": (
        "Berkas pengaturan {path}: officers_per_tps dan min_age harus lebih dari 0."
    ),
    "settings_auth_mode": (
        'Berkas pengaturan {path}: [auth] mode harus "password" atau "oidc", tertulis {mode}.'
    ),
    "settings_letterhead_list": (
        "Berkas pengaturan {path}: [documents] letterhead harus daftar baris teks, mis. {example}."
    ),
    "settings_letterhead_field": (
        "Berkas pengaturan {path}: [documents] letterhead baris {line} memakai isian "
        "yang tidak dikenal. Isian yang boleh: {allowed}."
    ),
    "settings_honor": (
        "Berkas pengaturan {path}: [documents] honor_per_day tidak boleh negatif dan "
        "honor_days paling sedikit 1, tertulis {honor_per_day} dan {honor_days}."
    ),
    "settings_card_verify_url": (
        "Berkas pengaturan {path}: [documents] card_verify_url harus diawali / atau "
        'https:// tanpa tanda ? # spasi, tertulis "{url}". Contoh: "/verifikasi-kartu".'
    ),
    # -- the H-n plan (readiness.plan) -----------------------------------------------------------
    "plan_unknown_milestone": 'Milestone "{code}" tidak ada. Milestone yang ada: {codes}.',
    "plan_day_invalid": (
        'Hari milestone harus seperti "H-21" (0 sampai 366 hari sebelum pemungutan '
        'suara), tertulis "{day}".'
    ),
    "plan_target_invalid": 'Target harus persen lebih dari 0 sampai 100, tertulis "{target}".',
}
