"""The Bahasa Indonesia message catalogue, so every text a user reads lives in one place."""

from __future__ import annotations

import string

# Each template says where, what is wrong, what was found and how to fix it.
# Fields are named; ``render`` fills them. Other modules add their own codes here.
MESSAGES: dict[str, str] = {
    # Whole-file rejections (readiness.ingest / readiness.validation).
    "file_empty": (
        'Berkas "{file}" kosong: tidak ada isi yang bisa dibaca. '
        "Isi datanya (daftar linmas sebaiknya memakai templat), simpan, lalu unggah lagi."
    ),
    "file_too_large": (
        'Berkas "{file}" berukuran {size} MB, melebihi batas {limit} MB. '
        "Hapus lembar dan kolom yang tidak perlu atau pecah daftar per desa, lalu unggah lagi."
    ),
    "file_unpacks_too_large": (
        'Berkas "{file}" kecil, tetapi setelah dibuka isinya lebih dari {limit} MB (banyak sel '
        "kosong berformat atau spasi). Salin hanya tabel daftar ke buku kerja baru, simpan, lalu "
        "unggah lagi. Tidak ada yang disimpan."
    ),
    "file_busy": (
        'Server sedang membaca berkas lain, berkas "{file}" belum dibaca. Tunggu sebentar lalu '
        "unggah lagi. Tidak ada yang disimpan."
    ),
    "file_no_data": (
        'Berkas "{file}" hanya berisi judul kolom (baris {header_row}) tanpa data linmas. '
        "Isi minimal satu baris data di bawah judul kolom, lalu unggah lagi."
    ),
    "file_unreadable": (
        'Berkas "{file}" tidak dapat dibaca sebagai tabel ({detail}). '
        "Buka di Excel lalu simpan ulang sebagai Excel Workbook (.xlsx) atau CSV, lalu unggah lagi."
    ),
    "file_unsupported": (
        'Berkas "{file}" adalah {kind}, bukan tabel Excel atau CSV. '
        "Salin datanya ke Excel (sebaiknya ke templat) dan simpan sebagai .xlsx atau CSV, "
        "lalu unggah lagi."
    ),
    "file_encrypted": (
        'Berkas "{file}" dikunci dengan kata sandi sehingga tidak bisa dibaca. '
        "Buka di Excel, hapus kata sandinya (File > Info > Protect Workbook), simpan, "
        "lalu unggah lagi."
    ),
    "columns_missing": (
        "Kolom wajib tidak ditemukan: {missing}. Judul kolom yang terbaca (baris {header_row}): "
        "{found}. Beri judul kolom yang dikenali, misalnya {expected}, atau pakai templat; "
        "di halaman unggah Anda juga bisa memilih sendiri kolom yang sesuai."
    ),
    # Row rejections (readiness.validation.RULES, severity "error").
    "nama_empty": (
        "Baris {row}, kolom Nama: nama kosong. Isi nama lengkap sesuai KTP, atau hapus baris ini."
    ),
    "nama_formula": (
        'Baris {row}, kolom Nama: diawali tanda "{first}" seperti rumus Excel, tertulis "{value}". '
        "Tulis nama tanpa tanda = + - @ di depannya."
    ),
    "tempat_lahir_formula": (
        "Baris {row}, kolom Tempat lahir: diawali tanda seperti rumus Excel; disimpan sebagai teks "
        '"{value}" (dengan tanda petik di depan) supaya tidak dijalankan. Perbaiki isinya bila perlu.'
    ),
    "alamat_formula": (
        "Baris {row}, kolom Alamat: diawali tanda seperti rumus Excel; disimpan sebagai teks "
        '"{value}" (dengan tanda petik di depan) supaya tidak dijalankan. Perbaiki isinya bila perlu.'
    ),
    "keterangan_formula": (
        "Baris {row}, kolom Keterangan: diawali tanda seperti rumus Excel; disimpan sebagai teks "
        '"{value}" (dengan tanda petik di depan) supaya tidak dijalankan. Perbaiki isinya bila perlu.'
    ),
    "no_kpj_formula": (
        "Baris {row}, kolom No. KPJ: diawali tanda seperti rumus Excel; disimpan sebagai teks "
        '"{value}" (dengan tanda petik di depan) supaya tidak dijalankan. Perbaiki isinya bila perlu.'
    ),
    "nama_html": (
        'Baris {row}, kolom Nama: berisi kode HTML, tertulis "{value}". '
        "Tulis nama biasa tanpa tanda < dan >."
    ),
    "nama_too_long": (
        "Baris {row}, kolom Nama: terlalu panjang ({length} huruf, paling banyak {limit}). "
        "Tulis nama saja, tanpa alamat atau keterangan."
    ),
    "nik_empty": "Baris {row}, kolom NIK: NIK kosong. Salin NIK (16 angka) dari KTP.",
    "nik_scientific": (
        'Baris {row}, kolom NIK: tertulis "{value}" (format angka ilmiah Excel); angka terakhir '
        "NIK sudah hilang dan tidak bisa dipulihkan. Format kolom NIK sebagai Teks "
        "(Format Cells > Text), lalu ketik ulang NIK dari KTP."
    ),
    "nik_not_digits": (
        'Baris {row}, kolom NIK: hanya boleh berisi angka, tertulis "{value}". '
        "Salin ulang NIK dari KTP."
    ),
    "nik_length": (
        'Baris {row}, kolom NIK: harus 16 angka, tertulis "{value}" ({digits} angka). '
        "Salin ulang NIK dari KTP."
    ),
    "nik_region": (
        'Baris {row}, kolom NIK: kode wilayah "{code}" di depan NIK "{value}" tidak ada. '
        "Periksa 6 angka pertama NIK pada KTP."
    ),
    "nik_birthdate": (
        'Baris {row}, kolom NIK: angka tanggal lahir di dalam NIK "{value}" (angka ke-7 s.d. 12: '
        '"{part}") bukan tanggal yang mungkin. Salin ulang NIK dari KTP.'
    ),
    "nik_serial": (
        'Baris {row}, kolom NIK: 4 angka terakhir NIK "{value}" adalah 0000, '
        "nomor urut itu tidak pernah diterbitkan. Salin ulang NIK dari KTP."
    ),
    # -- roster judge pass: a family card number copied into the NIK column --------------------
    "nik_is_kk": (
        'Baris {row}, kolom NIK: "{value}" sama dengan No. KK di baris ini; yang tertulis nomor '
        "Kartu Keluarga, bukan NIK. Salin NIK orang ini (16 angka) dari KTP-nya."
    ),
    "nik_duplicate": (
        'Baris {row}, kolom NIK: NIK "{value}" sudah tertulis di baris {first_row} berkas ini. '
        "Satu orang hanya boleh tercatat sekali; hapus baris ganda atau perbaiki NIK-nya."
    ),
    "nik_registered_elsewhere": (
        'Baris {row}, kolom NIK: NIK "{value}" sudah terdaftar sebagai linmas {desa_name} '
        "({desa_code}); data di sana tidak diubah. Hapus baris ini, atau minta {desa_name} "
        "menghapus orang tersebut dari daftarnya lebih dulu."
    ),
    "tanggal_lahir_empty": (
        "Baris {row}, kolom Tanggal lahir: kosong. Isi tanggal lahir sesuai KTP, "
        "misalnya 17-08-1990."
    ),
    "tanggal_lahir_invalid": (
        'Baris {row}, kolom Tanggal lahir: "{value}" bukan tanggal yang mungkin. '
        "Tulis sebagai hari-bulan-tahun, misalnya 17-08-1990."
    ),
    "tanggal_lahir_ambiguous": (
        'Baris {row}, kolom Tanggal lahir: "{value}" bisa dibaca dua cara ({reason}). '
        "Tulis lengkap sebagai hari-bulan-tahun empat angka, misalnya 17-08-1990."
    ),
    "tanggal_lahir_future": (
        'Baris {row}, kolom Tanggal lahir: "{value}" jatuh sesudah hari pemungutan suara '
        "({voting_date}). Periksa tahunnya."
    ),
    "age_under_min": (
        'Baris {row}, kolom Tanggal lahir: lahir "{value}", berumur {age} tahun pada hari '
        "pemungutan suara ({voting_date}); minimal {limit} tahun. Ganti dengan petugas lain "
        "atau perbaiki tanggal lahir bila salah tulis."
    ),
    # Accepted with a warning (severity "warning").
    "nik_outside_kabupaten": (
        'Baris {row}, kolom NIK: NIK "{value}" diterbitkan di luar kabupaten ini (kode {code}). '
        "Boleh, tetapi pastikan orang ini tinggal di desa ini."
    ),
    "nik_birthdate_mismatch": (
        'Baris {row}, kolom Tanggal lahir: tertulis "{value}", sedangkan NIK menunjukkan lahir '
        "{nik_date}. Periksa KTP dan perbaiki yang salah."
    ),
    "nik_sex_mismatch": (
        'Baris {row}, kolom Jenis kelamin: tertulis "{value}", sedangkan NIK menunjukkan {nik_sex} '
        "(tanggal di NIK ditambah 40 untuk perempuan). Periksa KTP dan perbaiki yang salah."
    ),
    "jenis_kelamin_from_nik": (
        # {value} is "kosong" or '"X" tidak dikenali' (readiness.validation).
        "Baris {row}, kolom Jenis kelamin: {value}; diambil dari NIK: {nik_sex}. Tulis L atau P."
    ),
    "age_over_warning": (
        "Baris {row}, kolom Tanggal lahir: berumur {age} tahun pada hari pemungutan suara "
        "(di atas {limit}). Boleh, tetapi pastikan sehat untuk bertugas semalaman."
    ),
    "no_hp_invalid": (
        'Baris {row}, kolom No. HP: "{value}" bukan nomor HP yang bisa dihubungi. '
        "Tulis nomor HP aktif, misalnya 081234567890."
    ),
    "tps_missing": (
        "Baris {row}, kolom TPS: nomor TPS kosong. Isi nomor TPS tempat orang ini bertugas."
    ),
    "tps_invalid": (
        'Baris {row}, kolom TPS: "{value}" bukan nomor TPS. Tulis nomornya saja, misalnya 3.'
    ),
    "tps_beyond_count": (
        "Baris {row}, kolom TPS: TPS {value} tidak ada, desa ini hanya punya {tps_count} TPS. "
        "Periksa nomor TPS."
    ),
    "status_bpjs_unknown": (
        'Baris {row}, kolom Status BPJS: "{value}" tidak dikenali. Tulis Ya atau Tidak '
        "(atau nomor KPJ bila sudah terdaftar)."
    ),
    "status_pelatihan_unknown": (
        'Baris {row}, kolom Pelatihan: "{value}" tidak dikenali. Tulis Sudah atau Belum.'
    ),
    "no_kpj_invalid": (
        'Baris {row}, kolom No. KPJ: "{value}" bukan 11 angka. '
        "Salin nomor KPJ dari kartu BPJS Ketenagakerjaan."
    ),
    "tanggal_pelatihan_invalid": (
        'Baris {row}, kolom Tanggal pelatihan: "{value}" bukan tanggal. '
        "Tulis sebagai hari-bulan-tahun, misalnya 12-11-2024."
    ),
    # -- BPJS and attendance imports (readiness.readiness_imports, issue 6) --------------------
    "import_columns_missing": (
        'Berkas "{file}": kolom {missing} tidak ditemukan. Judul kolom yang terbaca: {found}. '
        "Beri judul kolom {expected}, lalu unggah lagi; tidak ada data yang diubah."
    ),
    "import_nothing_to_apply": (
        "Tidak ada baris yang bisa diterapkan: semua baris ditolak (lihat alasannya di tabel). "
        "Perbaiki berkasnya lalu unggah lagi; tidak ada data yang diubah."
    ),
    "import_nik_invalid": (
        'Baris {row}, kolom NIK: harus 16 angka, tertulis "{value}". '
        "Salin ulang NIK dari KTP (format kolom sebagai Teks di Excel)."
    ),
    "import_nik_unknown": (
        "Baris {row}: NIK {nik} tidak ada dalam daftar linmas yang berlaku di wilayah Anda. "
        "Periksa NIK-nya, atau pastikan desanya sudah mengunggah daftar yang memuat orang ini."
    ),
    "import_nik_duplicate": (
        "Baris {row}: NIK {nik} muncul lebih dari sekali dalam berkas (baris {rows}). "
        "Sisakan satu baris per orang, lalu unggah lagi."
    ),
    "import_name_mismatch": (
        'Baris {row}: NIK {nik} cocok dengan "{roster_name}" di daftar linmas, tetapi nama di '
        'berkas "{value}". Periksa apakah NIK atau namanya salah ketik; baris ini tidak diterapkan.'
    ),
    "import_kpj_other_nik": (
        "Baris {row}: nomor KPJ {kpj} sudah tercatat untuk NIK lain ({other}). Satu KPJ hanya "
        "untuk satu orang: periksa nomor KPJ-nya dengan BPJS Ketenagakerjaan."
    ),
    "import_kpj_format": (
        'Baris {row}: nomor KPJ "{value}" bukan 11 angka. Tetap diterapkan; periksa dengan '
        "kartu BPJS Ketenagakerjaan."
    ),
    "import_status_unknown": (
        'Baris {row}, kolom Status: "{value}" tidak dikenali. Tulis Terdaftar/Aktif atau '
        "Belum/Tidak aktif."
    ),
    "import_date_invalid": (
        'Baris {row}, kolom Tanggal: "{value}" bukan tanggal. Tulis hari-bulan-tahun, '
        "misalnya 12-11-2024."
    ),
    "import_already_attended": (
        "Baris {row}: NIK {nik} sudah tercatat hadir di sesi ini; baris ini dilewati."
    ),
    # -- the same BPJS / attendance file imported twice (readiness_imports, Store) --
    "import_already_imported": (
        'Berkas "{file}" sudah pernah diimpor: isinya sama persis dengan impor nomor {batch} '
        '("{earlier}", {what}) pada {when} oleh {who}. Tidak ada data yang diubah. '
        "Batalkan impor nomor {batch} dulu bila ingin mengimpor ulang."
    ),
    "import_session_unknown": (
        "Sesi pelatihan nomor {session} tidak ada. Lihat nomor sesi dengan "
        "`python -m readiness training sessions`, atau tambahkan sesinya dulu."
    ),
}


def fields(code: str) -> tuple[str, ...]:
    """Named fields of a template, so callers and tests know what to pass."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(MESSAGES[code]) if name)


def render(code: str, /, **values: object) -> str:
    """Fill the template for ``code``; a missing field is a programming error, so it raises."""
    return MESSAGES[code].format(**values)
