"""The Bahasa Indonesia message catalogue, so every text a user reads lives in one place.

The rule: every sentence a user reads, and every text passed to ``st.error``, ``st.warning``,
``st.info``, ``st.success``, ``st.toast``, ``st.caption``, ``st.markdown``, ``st.write``,
``print``, ``sys.exit`` or a raised error, is a code here with named fields, rendered with
``text(code, **fields)``. Plain labels (page titles, subheaders, widget labels, button text,
column names, argparse help) may stay literals beside their widget. tests/test_messages.py
fails when a page, a CLI module, readiness/ui.py or a domain module passes an inline text to one
of those calls, and renders every template once. Codes live by area: roster and import texts
below, page and command-line texts in ``messages_app``, domain texts (accounts, backups,
settings, regions) in ``messages_domain``; one dict, one entry point.
"""

from __future__ import annotations

import datetime as dt
import string

from readiness.messages_app import APP_MESSAGES
from readiness.messages_domain import DOMAIN_MESSAGES
from readiness.messages_drafts import DRAFT_MESSAGES
from readiness.messages_duty import MESSAGES as DUTY_MESSAGES
from readiness.messages_intake import INTAKE_MESSAGES
from readiness.messages_phone import PHONE_MESSAGES
from readiness.messages_plan import TEMPLATES as PLAN_MESSAGES
from readiness.messages_rawan import RAWAN_MESSAGES
from readiness.messages_security import SECURITY_MESSAGES

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
    # Row rejections (readiness.roster_rules.RULES, severity "error").
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
    # -- BPJS and attendance imports (readiness.readiness_imports) ----------------------------
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
    # -- a kecamatan file split per village (readiness.kecamatan_split) --
    "multiple_desa": (
        'Berkas "{file}" memuat linmas desa/kelurahan lain menurut {where}: {others}. Berkas '
        "untuk {desa} hanya boleh berisi linmas desa itu, jadi tidak ada yang disimpan. Unggah "
        "satu berkas per desa/kelurahan, atau unggah berkas ini lewat kecamatan agar dibagi "
        "per desa."
    ),
    "desa_not_named": (
        'Berkas "{file}" tidak menyebut desa/kelurahan tiap baris, jadi tidak bisa dibagi per '
        "desa. Tambahkan kolom Desa/Kelurahan (nama atau kode, mis. 17.02.06.2001), beri "
        'subjudul "Desa ..." di atas tiap kelompok, atau buat satu lembar per desa, lalu '
        "unggah lagi."
    ),
    "desa_missing": (
        "Baris {row}, kolom {column}: desa/kelurahan kosong. Tulis nama desa atau kodenya "
        "(mis. 17.02.06.2001)."
    ),
    "row_desa_unknown": (
        'Baris {row}, kolom {column}: "{value}" tidak ada dalam daftar desa/kelurahan. Periksa '
        "ejaannya atau tulis kode desa (mis. 17.02.06.2001)."
    ),
    "row_desa_ambiguous": (
        'Baris {row}, kolom {column}: "{value}" cocok dengan lebih dari satu desa di kecamatan '
        "ini. Tulis kode desa (mis. 17.02.06.2001)."
    ),
    "desa_outside_kecamatan": (
        'Baris {row}, kolom {column}: "{value}" adalah {desa_name} ({desa_code}) di Kecamatan '
        "{other_kecamatan}, bukan Kecamatan {kecamatan}. Baris ini tidak diterima; unggah "
        "lewat kecamatannya sendiri."
    ),
    # -- cross-checks before rejecting (readiness.crosschecks) --
    "nik_excel_number": (
        "Baris {row}, kolom NIK: {value} tersimpan di Excel sebagai angka, bukan teks. Excel "
        "hanya menyimpan 15 angka pertama, jadi angka terakhir NIK ini bisa sudah diubah Excel. "
        "Cocokkan dengan KTP; bila berbeda, format kolom NIK sebagai Teks lalu ketik ulang."
    ),
    "tanggal_lahir_read_by_nik": (
        'Baris {row}, kolom Tanggal Lahir: "{value}" bisa dibaca dua cara (hari-bulan atau '
        "bulan-hari); dibaca {read_as} karena sama dengan tanggal lahir dalam NIK. Periksa "
        "dengan KTP bila ragu."
    ),
}


_OVERLAP = MESSAGES.keys() & APP_MESSAGES.keys()
if _OVERLAP:  # a code means one text; two areas must not claim it
    msg = f"message codes defined twice: {sorted(_OVERLAP)}"
    raise RuntimeError(msg)
MESSAGES.update(APP_MESSAGES)
# Each area's catalogue joins the one dictionary; a code means one text, so two areas must
# not claim the same code.
for _area in (
    DOMAIN_MESSAGES,
    PLAN_MESSAGES,
    DUTY_MESSAGES,
    INTAKE_MESSAGES,
    RAWAN_MESSAGES,
    SECURITY_MESSAGES,
    PHONE_MESSAGES,
    DRAFT_MESSAGES,
):
    _OVERLAP = MESSAGES.keys() & _area.keys()
    if _OVERLAP:
        msg = f"message codes defined twice: {sorted(_OVERLAP)}"
        raise RuntimeError(msg)
    MESSAGES.update(_area)


def fields(code: str) -> tuple[str, ...]:
    """Named fields of a template, so callers and tests know what to pass."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(MESSAGES[code]) if name)


def render(code: str, /, **values: object) -> str:
    """Fill the template for ``code``; a missing field is a programming error, so it raises."""
    return MESSAGES[code].format(**values)


def text(code: str, /, **values: object) -> str:
    """The user-facing text for ``code`` (the one entry point pages and the CLI use)."""
    return render(code, **values)


# -- database errors: codes raised by readiness.db (which holds no user text) ------------------

DATABASE_MESSAGES: dict[str, str] = {
    "database_busy": (
        "Basis data sedang dipakai proses lain terlalu lama ({file}). Tunggu sebentar lalu "
        "coba lagi; tidak ada data yang disimpan."
    ),
    "database_damaged": (
        "Berkas basis data {path} rusak atau bukan basis data Kesiapan Linmas ({detail}). "
        "Pulihkan dari cadangan terakhir: python -m readiness restore BERKAS_CADANGAN."
    ),
    "access_scope": (
        "Akun {username} tidak berwenang atas wilayah {region}. Pilih desa di wilayah Anda sendiri."
    ),
    "bulk_load_denied": ("Akun {username} tidak berwenang memuat data massal; perlu admin pusat."),
    "nik_registered_meanwhile": (
        "{count} NIK baru saja terdaftar di desa lain (mis. di {desa_name}). Periksa ulang "
        "daftar lalu unggah lagi; tidak ada data yang disimpan."
    ),
    "desa_unknown": "Kode desa {desa_code} tidak ada dalam daftar wilayah. Periksa kodenya.",
    "roster_changed_meanwhile": (
        "Daftar linmas desa ini berubah selagi berkas Anda diperiksa: kini versi {found}, "
        "berkas Anda diperiksa terhadap versi {expected}. Periksa ulang berkas terhadap daftar "
        "terbaru lalu simpan lagi; tidak ada data yang disimpan."
    ),
    "rawan_reason_missing": (
        "TPS {tps} belum diberi alasan rawan. Tulis alasannya, misalnya "
        '"lokasi sulit dijangkau (pemetaan Bawaslu)", lalu simpan lagi.'
    ),
    "tps_unknown": (
        "TPS {tps} di desa {desa_code} tidak ada dalam daftar TPS. "
        "Impor daftar TPS dari KPU lebih dulu atau pilih TPS lain."
    ),
    "batch_unknown": "Impor nomor {batch} tidak ditemukan.",
    "batch_already_undone": "Impor nomor {batch} sudah dibatalkan sebelumnya.",
    "user_exists": "Nama pengguna {username} sudah dipakai. Pilih nama lain; tidak ada akun dibuat.",
    "user_unknown": "Akun {username} tidak ditemukan. Periksa nama penggunanya (user list).",
    "review_note_missing": (
        "Tulis catatan untuk desa: apa yang harus diperbaiki sebelum mengunggah ulang. "
        "Daftar belum dikembalikan."
    ),
    "review_outdated": (
        "Desa ini sudah mengunggah versi {newest} setelah versi {version}. "
        "Muat ulang halaman dan periksa versi terbaru."
    ),
    "submission_not_in_scope": "Kiriman nomor {submission} tidak ditemukan di wilayah Anda.",
    "snapshot_failed": "{detail}",
    "bulk_load_rejected": (
        "Berkas {file} tidak dapat dimuat ke {table}: {detail}. Tidak ada data yang disimpan."
    ),
    "region_file_own_kabupaten": (
        "{kabupaten_name} ({kabupaten_code}) adalah kabupaten instans ini; "
        "wilayahnya diatur oleh region_file di pengaturan, bukan lewat impor."
    ),
    "regions_in_use": (
        "Daftar wilayah {kabupaten_name} tidak diganti: berkas baru tidak memuat "
        "{count} desa/kelurahan yang sudah punya daftar linmas atau TPS: {listed}{more}. "
        "Masukkan lagi desa itu ke berkas (kode tetap sama) lalu impor ulang; tidak ada data "
        "yang diubah."
    ),
    "recap_changed_meanwhile": (
        "Rekap kabupaten berubah selagi berkas diperiksa (impor lain baru saja disimpan). "
        "Jalankan impor lagi; tidak ada rekap yang disimpan."
    ),
}
_SHARED = MESSAGES.keys() & DATABASE_MESSAGES.keys()
if _SHARED:  # one code, one text: a code defined twice would silently lose one wording
    raise RuntimeError(f"message codes defined twice: {sorted(_SHARED)}")  # noqa: EM102
MESSAGES.update(DATABASE_MESSAGES)


def _regions_in_use_list(desa: list[dict]) -> dict[str, str]:
    """``listed`` and ``more`` of ``regions_in_use`` from the desa rows the database named."""
    listed = []
    for row in desa[:10]:
        pairs = (("daftar linmas", row["has_roster"]), ("TPS", row["has_tps"]))
        held = [what for what, has in pairs if has]
        listed.append(f"{row['code']} {row['name']} ({' dan '.join(held)})")
    more = f" dan {len(desa) - 10} lainnya" if len(desa) > 10 else ""
    return {"listed": "; ".join(listed), "more": more}


def render_error(code: str, fields: dict[str, object]) -> str:
    """The text of a coded error: timestamps read as WIB dates, lists of rows as prose."""
    from readiness import formatting  # a leaf module (Babel)

    values = {
        name: formatting.timestamp(value) if isinstance(value, dt.datetime) else value
        for name, value in fields.items()
    }
    if code == "regions_in_use":
        values |= _regions_in_use_list(values.pop("desa"))
    if code == "import_already_imported":  # which list the earlier import was
        kind, session = values.pop("kind"), values.pop("session")
        values["what"] = (
            "daftar peserta BPJS" if kind == "bpjs" else f"absensi sesi nomor {session}"
        )
    return render(code, **values)


# -- end of database errors ---------------------------------------------------------------------
