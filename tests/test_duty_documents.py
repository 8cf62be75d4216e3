"""SK lampiran, kartu tugas and daftar honor, read back from the real PDF and XLSX bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess

import openpyxl
import polars as pl
import pypdf
import pytest
import zxingcpp
from conftest import make_nik, make_officers
from PIL import Image
from readiness_oracle import initial_assignments

from readiness import assignment
from readiness import duty_documents as docs
from readiness.config import load_settings
from readiness.errors import ReadinessError, ReferenceDataError
from readiness.privacy import mask_nik
from readiness.spreadsheet import FORMULA_STARTS

SECRET = b"rahasia-kartu-uji-0123456789"
DERATI = "17.02.06.2001"
BEDENG_SS = "17.02.06.1015"
VILLAGES = pl.DataFrame(
    {
        "kecamatan_code": ["17.02.06", "17.02.06"],
        "kecamatan_name": ["Kota Padang", "Kota Padang"],
        "desa_code": [BEDENG_SS, DERATI],
        "desa_name": ["Bedeng SS", "Derati"],
        "desa_kind": ["kelurahan", "desa"],
        "contact": ["0813-6789-1122 (Pak Sekdes)", None],
    }
)
FIRST = ["Rahmat", "Siti", "Joko", "Dewi", "Agus", "Yuliani", "Bambang", "Nurhayati", "Hendra",
         "Rina", "Suparman", "Wulan", "Darmawan", "Fitri", "Iwan", "Marlina"]  # fmt: skip
LAST = ["Hidayat", "Aminah", "Susilo", "Lestari", "Saputra", "Rahmawati", "Irawan", "Pratama"]
PLACE = "Curup"
SIGNED = dt.date(2024, 11, 1)


def person_names(n: int, offset: int = 0) -> list[str]:
    """Distinct two-word names, none contained in another."""
    return [f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}" for i in
            range(offset, offset + n)]  # fmt: skip


def village_officers(desa_code: str, tps: list[int], *, serial_from=1, offset=0, **kw):
    n = len(tps)
    niks = [make_nik(serial_from + i, female=i % 3 == 1) for i in range(n)]
    columns = {
        "nama": person_names(n, offset),
        "nomor_tps": tps,
        "jenis_kelamin": ["P" if i % 3 == 1 else "L" for i in range(n)],
        "alamat": [f"Jl. Sukowati No. {i + 3}, RT 0{i % 5 + 1}" for i in range(n)],
        "no_hp": [f"0812733{i:05d}" for i in range(n)],
        "no_kpj": [f"240{i:08d}" for i in range(n)],
    }
    columns.update(kw)
    frame = make_officers(niks, **columns)
    return frame.with_columns(
        pl.lit(desa_code).alias("desa_code"),
        pl.Series("bpjs_enrolled", [i % 2 == 0 for i in range(n)]),
        pl.col("no_kpj").alias("kpj"),
    )


def tps_of(desa_code: str, count: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "desa_code": [desa_code] * count,
            "tps_number": list(range(1, count + 1)),
            "rawan": [False] * count,
            "address": [f"Balai Dusun {n}, {desa_code[-4:]}" for n in range(1, count + 1)],
        }
    )


def roster_of(officers: pl.DataFrame, tps: pl.DataFrame) -> pl.DataFrame:
    return assignment.duty_roster(officers, initial_assignments(officers), VILLAGES, tps)


@pytest.fixture
def kecamatan():
    """Derati (desa, 4 TPS, one reserve) and Bedeng SS (kelurahan, 3 TPS)."""
    derati = village_officers(
        DERATI,
        [1, 1, 2, 2, 3, 3, 4, 4, 2],
        keterangan=[None, None, None, "Ketua regu", None, None, None, None, "cadangan"],
    )
    bedeng = village_officers(BEDENG_SS, [1, 1, 2, 2, 3, 3], serial_from=201, offset=9)
    officers = pl.concat([derati, bedeng], how="vertical_relaxed")
    tps = pl.concat([tps_of(DERATI, 4), tps_of(BEDENG_SS, 3)])
    return roster_of(officers, tps)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


SECTION = re.compile(r"^(?:TPS (\d+)(?: —.*)?|(Cadangan)(?: \(lanjutan\))?)$", re.MULTILINE)


def section_of(text: str, name: str) -> str:
    """The TPS band ("1", "2", ... or "Cadangan") above the one occurrence of ``name``."""
    at = text.index(name)
    bands = [m for m in SECTION.finditer(text) if m.start() < at]
    last = bands[-1]
    return last.group(1) or last.group(2)


def sk(roster, **kw) -> bytes:
    return docs.sk_lampiran_pdf(
        roster, load_settings(), show_nik=kw.pop("show_nik", False), place=PLACE, date=SIGNED
    )


# -- SK lampiran ------------------------------------------------------------------------------


def test_every_name_appears_once_in_its_tps_section(kecamatan):
    pages = page_texts(sk(kecamatan))
    whole = "\n".join(pages)
    for row in kecamatan.iter_rows(named=True):
        assert whole.count(row["nama"]) == 1, row["nama"]
        expected = "Cadangan" if row["cadangan"] else str(row["tps_number"])
        village_text = "\n".join(p for p in pages if row["desa_name"].upper() in p.upper())
        assert section_of(village_text, row["nama"]) == expected, row["nama"]


def test_a_kecamatan_pdf_starts_each_village_on_a_new_page(kecamatan):
    pages = page_texts(sk(kecamatan))
    assert len(pages) == 2
    assert pages[0].startswith("PEMERINTAH KABUPATEN REJANG LEBONG\nKECAMATAN KOTA PADANG\n")
    assert "\nKELURAHAN BEDENG SS\n" in pages[0]
    assert "KEPUTUSAN LURAH BEDENG SS" in pages[0]
    assert "\nDESA DERATI\n" in pages[1]
    assert "KEPUTUSAN KEPALA DESA DERATI" in pages[1]
    derati = kecamatan.filter(pl.col("desa_code") == DERATI)["nama"].to_list()
    assert not any(name in pages[0] for name in derati)
    assert f"{PLACE}, 1 November 2024\nKEPALA DESA DERATI" in pages[1]
    assert "NOMOR : ……………………\nTANGGAL : 1 November 2024" in pages[1]


def test_columns_show_sex_age_address_and_reserve_note(kecamatan):
    text = page_texts(sk(kecamatan))[1]
    # Siti Hidayat: second officer, female, born 17 May 1990: 34 on voting day 27 Nov 2024.
    assert "2 Siti Hidayat P 34 Jl. Sukowati No. 4, RT 02 1 –" in text
    assert "Ketua regu" in text
    # keterangan "cadangan" and the reserve mark say the same thing once.
    assert (
        f"9 Hendra Hidayat L 34 Jl. Sukowati No. 11, RT 04 2 Cadangan {mask_nik(make_nik(9))}"
        in text
    )


def test_nik_is_masked_unless_the_role_may_see_it(kecamatan):
    masked = "\n".join(page_texts(sk(kecamatan))).replace("\n", "")
    full = "\n".join(page_texts(sk(kecamatan, show_nik=True))).replace("\n", "")
    for nik in kecamatan["nik"]:
        assert nik not in masked
        assert mask_nik(nik) in masked
        assert full.count(nik) == 1


def signature_layouts(sizes) -> list[tuple[int, list[str], str]]:
    """(rows, page texts, last name) of a one-village lampiran per number of rows."""
    layouts = []
    for rows in sizes:
        tps = [i // 2 + 1 for i in range(rows)]
        roster = roster_of(village_officers(DERATI, tps), tps_of(DERATI, tps[-1]))
        last_name = roster.sort("tps_number", "nama")["nama"][-1]
        layouts.append((rows, page_texts(sk(roster)), last_name))
    return layouts


def assert_signature_with_last_rows(layouts) -> list[int]:
    """Every layout signs on the page of its last row; returns the sizes where a row moved."""
    signature = f"{PLACE}, 1 November 2024\nKEPALA DESA DERATI"
    moved = []
    for rows, pages, last_name in layouts:
        on = [i for i, text in enumerate(pages) if signature in text]
        assert on == [len(pages) - 1], rows
        assert last_name in pages[-1], rows
        rows_on_last = re.findall(r"^\d+ ", pages[-1], re.MULTILINE)
        if len(pages) > 1 and len(rows_on_last) == 1:
            moved.append(rows)
    return moved


def test_signature_shares_a_page_with_the_last_rows_when_rows_just_fill_a_page():
    # 13-22 rows cross the size where the first page holds the rows but not the signature.
    moved = assert_signature_with_last_rows(signature_layouts(range(13, 23)))
    assert moved, "no size produced a page that only the last row spilled over to"
    assert min(moved) > 13


@pytest.mark.slow
def test_signature_shares_a_page_with_the_last_rows_on_longer_lampiran():
    moved = assert_signature_with_last_rows(signature_layouts(range(23, 70)))
    assert moved


def test_an_empty_roster_is_refused_in_indonesian():
    empty = roster_of(village_officers(DERATI, []), tps_of(DERATI, 1))
    with pytest.raises(ReadinessError) as caught:
        sk(empty)
    assert caught.value.code == "documents_no_officers"
    assert "Tidak ada linmas yang ditugaskan" in caught.value.message


# -- kartu tugas ------------------------------------------------------------------------------


def test_cards_are_four_per_a4_page_with_kpj_only_when_allowed(kecamatan):
    data = docs.duty_cards_pdf(kecamatan, load_settings(), show_kpj=False, secret=SECRET)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 4  # 15 linmas
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    texts = [p.extract_text() for p in reader.pages]
    whole = "\n".join(texts)
    for row in kecamatan.iter_rows(named=True):
        assert whole.count(row["nama"]) == 1
        assert row["kpj"] not in whole
    assert all(t.count("KARTU TUGAS LINMAS") == 4 for t in texts[:3])
    assert "Kontak desa : 0813-6789-1122 (Pak Sekdes)" in whole
    assert "Kontak desa : belum diisi" in whole
    assert "CADANGAN TPS 2" in whole
    allowed = docs.duty_cards_pdf(kecamatan, load_settings(), show_kpj=True, secret=SECRET)
    allowed_text = "\n".join(page_texts(allowed))
    assert all(kpj in allowed_text for kpj in kecamatan["kpj"])


def test_qr_codes_decode_to_an_address_and_code_without_personal_data(kecamatan, tmp_path):
    data = docs.duty_cards_pdf(kecamatan, load_settings(), show_kpj=True, secret=SECRET)
    (tmp_path / "kartu.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "kartu.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png")))
    payloads = sorted(b.text for b in zxingcpp.read_barcodes(page))
    first_four = kecamatan.head(4)  # the card order is the roster order
    expected = sorted(
        f"/verifikasi-kartu?k={docs.card_code(SECRET, r['desa_code'], r['nik'], r['tps_number'])}"
        for r in first_four.iter_rows(named=True)
    )
    assert payloads == expected
    phones = [f"0812733{i:05d}" for i in range(9)]
    personal = [*kecamatan["nik"], *kecamatan["nama"], *phones, *kecamatan["kpj"]]
    for payload in payloads:
        assert re.fullmatch(r"/verifikasi-kartu\?k=[A-Z2-7]{20}", payload)
        assert not any(value in payload for value in personal)
        assert not re.search(r"\d{6,}", payload)
    found = docs.find_card(kecamatan, SECRET, payloads[0].split("k=")[1])
    assert found is not None
    assert found["nik"] in first_four["nik"].to_list()


def test_a_card_stops_verifying_when_its_holder_moves_or_the_secret_differs(kecamatan):
    row = kecamatan.row(0, named=True)
    code = docs.card_code(SECRET, row["desa_code"], row["nik"], row["tps_number"])
    assert docs.find_card(kecamatan, SECRET, code.lower())["nama"] == row["nama"]
    moved = kecamatan.with_columns(
        pl.when(pl.col("nik") == row["nik"]).then(9).otherwise("tps_number").alias("tps_number")
    )
    assert docs.find_card(moved, SECRET, code) is None
    assert docs.find_card(kecamatan, b"another-secret-0123456", code) is None


def test_card_secret_comes_from_the_environment_and_must_be_long_enough():
    assert docs.card_secret({docs.CARD_SECRET_ENV: "x" * 32}) == b"x" * 32
    for value in ("", "pendek"):
        with pytest.raises(ReadinessError) as caught:
            docs.card_secret({docs.CARD_SECRET_ENV: value})
        assert caught.value.code == "card_secret_missing"
        assert "READINESS_CARD_SECRET" in caught.value.message


# -- daftar honor -----------------------------------------------------------------------------


def honor_sheet(roster, **kw):
    data = docs.honor_xlsx(
        roster,
        load_settings(),
        show_nik=kw.get("show_nik", False),
        show_bank=kw.get("show_bank", False),
        region_name="Kecamatan Kota Padang",
    )
    return openpyxl.load_workbook(io.BytesIO(data))["Daftar Honor"]


def rows_of(sheet) -> list[dict]:
    header = [c.value for c in sheet[5]]
    return [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=6)
    ]


def test_honor_totals_per_row_desa_and_kecamatan(kecamatan):
    rows = rows_of(honor_sheet(kecamatan))
    people = [r for r in rows if isinstance(r["No"], int)]
    assert len(people) == 14  # 15 linmas, one cadangan is not paid
    assert "Hendra Hidayat" not in [r["Nama"] for r in people]
    assert all(r["Hari"] == 1 and r["Honor per hari"] == 650000 for r in people)
    assert all(r["Jumlah"] == r["Hari"] * r["Honor per hari"] for r in people)
    totals = {r["Nama"]: r["Jumlah"] for r in rows if r["No"] is None}
    assert totals == {
        "Jumlah Bedeng SS": 6 * 650000,
        "Jumlah Derati": 8 * 650000,
        "Jumlah Kecamatan Kota Padang": 14 * 650000,
    }
    assert [r["Nama"] for r in rows][-1] == "Jumlah Kecamatan Kota Padang"


def test_honor_days_from_attendance_and_a_grand_total_over_kecamatan(kecamatan):
    other = village_officers("17.02.07.2001", [1, 1], serial_from=301, offset=30)
    other_roster = assignment.duty_roster(
        other,
        initial_assignments(other),
        pl.DataFrame(
            {
                "kecamatan_code": ["17.02.07"],
                "kecamatan_name": ["Selupu Rejang"],
                "desa_code": ["17.02.07.2001"],
                "desa_name": ["Sambirejo"],
                "desa_kind": ["desa"],
                "contact": [None],
            }
        ),  # fmt: skip
        tps_of("17.02.07.2001", 1),
    )
    both = pl.concat([kecamatan, other_roster], how="diagonal_relaxed").with_columns(
        pl.when(pl.col("desa_code") == DERATI).then(2).otherwise(None).alias("days")
    )
    rows = rows_of(honor_sheet(both))
    totals = {r["Nama"]: r["Jumlah"] for r in rows if r["No"] is None}
    assert totals["Jumlah Derati"] == 8 * 2 * 650000
    assert totals["Jumlah Kecamatan Selupu Rejang"] == 2 * 650000
    assert totals["JUMLAH SELURUHNYA"] == (16 + 6 + 2) * 650000


def test_honor_nik_and_bank_columns_only_when_allowed(kecamatan):
    plain = honor_sheet(kecamatan)
    header = [c.value for c in plain[5]]
    assert "NIK" not in header
    assert "Nama bank" not in header
    values = {str(c.value) for row in plain.iter_rows() for c in row if c.value is not None}
    assert not any(nik in values for nik in kecamatan["nik"])
    full = honor_sheet(kecamatan.with_columns(pl.lit("BRI").alias("bank_name")), show_nik=True,
                       show_bank=True)  # fmt: skip
    header = [c.value for c in full[5]]
    assert header[4] == "NIK"
    assert header[-3:] == ["Nama bank", "No. rekening", "Tanda tangan"]
    people = [r for r in rows_of(full) if isinstance(r["No"], int)]
    assert {r["NIK"] for r in people} <= set(kecamatan["nik"])
    assert {r["Nama bank"] for r in people} == {"BRI"}


def test_honor_cells_are_never_formulas(kecamatan):
    risky = kecamatan.with_columns(
        pl.when(pl.col("nama") == "Rahmat Hidayat")
        .then(pl.lit('=HYPERLINK("http://x","klik")'))
        .otherwise("nama")
        .alias("nama"),
        pl.lit("@BRI").alias("bank_name"),
    )
    sheet = honor_sheet(risky, show_bank=True)
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not any(t.startswith(FORMULA_STARTS) for t in texts)
    assert '\'=HYPERLINK("http://x","klik")' in texts
    assert "'@BRI" in texts


# -- settings ---------------------------------------------------------------------------------


def test_documents_settings_load_with_defaults():
    settings = load_settings()
    assert settings.letterhead == (
        "PEMERINTAH {kabupaten}",
        "KECAMATAN {kecamatan}",
        "{jenis} {desa}",
    )
    assert (settings.honor_per_day, settings.honor_days) == (650000, 1)
    assert settings.card_verify_url == "/verifikasi-kartu"
    assert settings.sk_about.startswith("Penetapan Anggota Satuan Perlindungan Masyarakat")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('letterhead = ["PEMERINTAH {kota}"]', "isian yang tidak dikenal"),
        ("letterhead = []", "letterhead harus daftar baris teks"),
        ("honor_per_day = -5", "tidak boleh negatif"),
        ("honor_days = 0", "honor_days paling sedikit 1"),
        ('card_verify_url = "/verifikasi?x=1"', "card_verify_url harus diawali"),
        ('card_verify_url = "http://contoh.id/v"', "card_verify_url harus diawali"),
        ('honor_per_day = "650.000"', "harus berupa bilangan bulat"),
    ],
)
def test_bad_documents_settings_are_refused_with_the_fix(tmp_path, line, expected):
    bundled = load_settings().source_file.read_text(encoding="utf-8")
    key = line.split(" =")[0]
    kept = "\n".join(ln for ln in bundled.splitlines() if not ln.startswith(f"{key} ="))
    path = tmp_path / "settings.toml"
    path.write_text(kept.replace("[documents]", f"[documents]\n{line}"), encoding="utf-8")
    (tmp_path / "wilayah_rejang_lebong.csv").touch()
    with pytest.raises(ReferenceDataError) as caught:
        load_settings(path)
    assert expected in caught.value.message


def test_letterhead_from_settings_is_printed_in_capitals(kecamatan):
    settings = dataclasses.replace(
        load_settings(), letterhead=("Pemerintah {kabupaten}", "Kecamatan {kecamatan}")
    )
    data = docs.sk_lampiran_pdf(kecamatan, settings, show_nik=False, place=PLACE, date=SIGNED)
    assert page_texts(data)[0].startswith(
        "PEMERINTAH KABUPATEN REJANG LEBONG\nKECAMATAN KOTA PADANG\nLAMPIRAN"
    )


def test_long_names_and_addresses_wrap_inside_their_row():
    long_name = "Raden Mas Muhammad Fadhlurrahman Wicaksono Putra"
    long_address = "Jl. Letnan Jenderal Soeprapto Gang Kenanga No. 117, RT 012 RW 004, Dusun III"
    derati = village_officers(
        DERATI, [1, 1, 2], nama=[long_name, "Siti Aminah", "Joko Susilo"],
        alamat=[long_address, "Jl. Merdeka", "Jl. Merdeka"],
    )  # fmt: skip
    text = page_texts(sk(roster_of(derati, tps_of(DERATI, 2))))[0]
    flat = " ".join(text.split())
    assert "Raden Mas Muhammad" in flat
    assert "Wicaksono Putra" in flat
    assert "Dusun III" in flat
    assert section_of(text, "Joko Susilo") == "2"
    assert text.index("Siti Aminah") < text.index("TPS 2 —")
