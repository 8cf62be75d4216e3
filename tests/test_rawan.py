"""Graded rawan TPS from a file: matched like the TPS list, all rows or none, per-level need."""

from __future__ import annotations

import doctest
import io

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from readiness import rawan
from readiness.config import (
    DEFAULT_RAWAN_LEVELS,
    DEFAULT_RAWAN_SOURCES,
    DEFAULT_SETTINGS_FILE,
    RawanLevel,
    load_settings,
)
from readiness.errors import ReadinessError
from readiness.rawan import (
    level_lookup,
    rawan_map,
    rawan_totals,
    read_rawan_file,
    tps_requirement,
)
from readiness.regions import load_aliases, load_regions, name_key

HEADER = ["Kecamatan", "Desa/Kelurahan", "No. TPS", "Tingkat Kerawanan", "Sumber", "Alasan"]


@pytest.fixture(scope="module")
def settings_module():
    return load_settings(DEFAULT_SETTINGS_FILE)


@pytest.fixture(scope="module")
def villages(settings_module):
    return load_regions(settings_module.region_file, settings_module.kabupaten_code)


@pytest.fixture(scope="module")
def tps(villages):
    """Five TPS in every village: the stored KPU list the rawan file must fit."""
    return (
        villages.select("desa_code")
        .with_columns(pl.lit(list(range(1, 6))).alias("tps_number"))
        .explode("tps_number")
        .with_columns(pl.col("tps_number").cast(pl.Int64))
    )


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    """A semicolon CSV as Indonesian-locale Excel saves it, with a title row on top."""
    lines = ["Daftar TPS rawan Pilkada 2024;;;;;", ";".join(header)]
    lines += [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        sheet = book.add_worksheet("TPS rawan")
        sheet.write_row(0, 0, ["Rekomendasi Bawaslu Kabupaten Rejang Lebong"])
        sheet.write_row(2, 0, header)
        for index, row in enumerate(rows, start=3):
            sheet.write_row(index, 0, row)
    return buffer.getvalue()


def read(data: bytes, name: str, villages, tps, settings_module, **kwargs):
    return read_rawan_file(
        data,
        name,
        villages=villages,
        tps=tps,
        levels=settings_module.rawan_levels,
        sources=settings_module.rawan_sources,
        aliases=load_aliases(settings_module.alias_file),
        **kwargs,
    )


GOOD = [
    ["Kota Padang", "Derati", "TPS 01", "Rawan", "Bawaslu", "akses jalan sulit saat hujan"],
    ["KOTA PADANG", "derati", "2", "sangat rawan", "Polres Rejang Lebong", "riwayat konflik"],
    ["Curup Tengah", "Sidorejo", "003", "SR", "FGD", "sengketa batas desa"],  # alias
    ["17.02.10", "Suka Rami", "4", "Sangat_Rawan", "lain-lain", ""],  # kecamatan by code
    ["", "17.02.19.1004", "5", "R", "bawaslu", "jauh dari pos polisi"],  # desa by code
]
EXPECTED_ROWS = pl.DataFrame(
    {
        "row": [3, 4, 5, 6, 7],
        "desa_code": ["17.02.06.2001", "17.02.06.2001", "17.02.19.1004", "17.02.10.2016",
                      "17.02.19.1004"],
        "tps_number": [1, 2, 3, 4, 5],
        "level": ["rawan", "sangat_rawan", "sangat_rawan", "sangat_rawan", "rawan"],
        "source": ["Bawaslu", "Polres", "FGD", "lainnya", "Bawaslu"],
        "reason": ["akses jalan sulit saat hujan", "riwayat konflik", "sengketa batas desa",
                   None, "jauh dari pos polisi"],
    }
)  # fmt: skip


def test_good_csv_is_accepted_with_every_row_matched(villages, tps, settings_module):
    parsed = read(csv_bytes(GOOD), "rawan.csv", villages, tps, settings_module)
    assert parsed.ok
    assert_frame_equal(parsed.rows, EXPECTED_ROWS)
    # the empty reason is a warning only, with the row Excel shows
    assert parsed.findings.select("row", "code", "severity").rows() == [
        (6, "rawan_reason_empty", "warning")
    ]


def test_good_xlsx_gives_the_same_rows(villages, tps, settings_module):
    rows = [[int(c) if c.isdigit() else c for c in row] for row in GOOD]
    parsed = read(xlsx_bytes(rows), "rawan.xlsx", villages, tps, settings_module)
    assert parsed.ok
    # XLSX rows start one lower: title, blank, header
    assert_frame_equal(parsed.rows, EXPECTED_ROWS.with_columns(pl.col("row") + 1))


def test_unknown_and_ambiguous_villages_refuse_the_file(villages, tps, settings_module):
    rows = [
        GOOD[0],
        ["Kota Padang", "Desa Atlantis", "1", "rawan", "Bawaslu", "x"],
        ["", "Suka Rami", "1", "rawan", "Bawaslu", "x"],  # two kecamatan have one
    ]
    parsed = read(xlsx_bytes(rows), "rawan.xlsx", villages, tps, settings_module)
    assert not parsed.ok
    errors = parsed.findings.filter(pl.col("severity") == "error")
    assert errors.select("row", "column", "code").rows() == [
        (5, "desa", "rawan_desa"),
        (6, "desa", "rawan_desa"),
    ]
    assert errors["message"][0] == (
        'Baris 5, kolom Desa/Kelurahan: desa "Desa Atlantis" tidak ada dalam daftar wilayah; '
        "periksa ejaan atau pakai kode desa (mis. 17.02.06.2001)."
    )
    assert "lebih dari satu desa" in errors["message"][1]


def test_bad_level_and_source_are_named_with_the_allowed_values(villages, tps, settings_module):
    rows = [
        ["Kota Padang", "Derati", "1", "waspada", "KPU", "x"],
        ["Kota Padang", "Derati", "2", "", "", "x"],
    ]
    parsed = read(csv_bytes(rows), "rawan.csv", villages, tps, settings_module)
    assert not parsed.ok
    assert dict(parsed.findings.select("code", "message").rows()) == {
        "rawan_level_unknown": 'Baris 3, kolom Tingkat: "waspada" tidak dikenali. Tulis rawan '
        "atau sangat rawan; TPS yang tidak rawan tidak perlu dicantumkan.",
        "rawan_source_unknown": 'Baris 3, kolom Sumber: "KPU" tidak dikenali. Tulis salah satu: '
        'Bawaslu, Polres, FGD, lainnya; untuk sumber lain tulis "lainnya" dan sebut sumbernya '
        "di kolom Alasan.",
        "rawan_level_empty": "Baris 4, kolom Tingkat: kosong. Tulis rawan atau sangat rawan.",
        "rawan_source_empty": "Baris 4, kolom Sumber: kosong. Tulis salah satu: Bawaslu, Polres, "
        "FGD, lainnya (sebut sumber lain di kolom Alasan).",
    }


def test_duplicate_tps_names_the_first_row(villages, tps, settings_module):
    rows = [GOOD[0], GOOD[1], ["Kota Padang", "Derati", "TPS 2", "rawan", "FGD", "x"]]
    parsed = read(csv_bytes(rows), "rawan.csv", villages, tps, settings_module)
    assert not parsed.ok
    assert parsed.findings.select("row", "code", "message").rows() == [
        (
            5,
            "rawan_duplicate",
            "Baris 5: TPS 2 desa Derati sudah tertulis di baris 4. Satu TPS cukup satu baris; "
            "hapus salah satunya.",
        )
    ]


def test_tps_missing_from_the_list_empty_or_not_a_number(villages, tps, settings_module):
    rows = [
        ["Kota Padang", "Derati", "9", "rawan", "Bawaslu", "x"],
        ["Kota Padang", "Derati", "", "rawan", "Bawaslu", "x"],
        ["Kota Padang", "Derati", "satu", "rawan", "Bawaslu", "x"],
    ]
    parsed = read(csv_bytes(rows), "rawan.csv", villages, tps, settings_module)
    assert parsed.findings.select("row", "code").rows() == [
        (3, "rawan_tps_unknown"),
        (4, "rawan_tps_empty"),
        (5, "rawan_tps_invalid"),
    ]
    assert parsed.findings["message"][0] == (
        "Baris 3, kolom TPS: TPS 9 tidak ada di daftar TPS desa Derati (5 TPS tercatat). "
        "Periksa nomornya, atau impor daftar TPS KPU terbaru dulu."
    )


def test_missing_columns_and_unreadable_files_raise_indonesian_errors(
    villages, tps, settings_module
):
    no_source = csv_bytes([GOOD[0][:5]], header=HEADER[:4] + ["Alasan"])
    with pytest.raises(ReadinessError) as info:
        read(no_source, "rawan.csv", villages, tps, settings_module)
    assert info.value.code == "rawan_columns_missing"
    assert info.value.message.startswith("Kolom Sumber tidak ditemukan.")
    with pytest.raises(ReadinessError) as info:
        read(b"%PDF-1.4 not a table", "rawan.pdf", villages, tps, settings_module)
    assert info.value.code == "file_unsupported"
    with pytest.raises(ReadinessError) as info:
        read(csv_bytes([]), "rawan.csv", villages, tps, settings_module)
    assert info.value.code == "rawan_no_rows"


def test_level_spellings():
    lookup = level_lookup(DEFAULT_RAWAN_LEVELS)
    spelled = {
        text: lookup.get(name_key(text))
        for text in ["Rawan", "RAWAN", "r", "Sangat Rawan", "sangat-rawan", "SR", "aman", "tinggi"]
    }
    assert spelled == {
        "Rawan": "rawan", "RAWAN": "rawan", "r": "rawan", "Sangat Rawan": "sangat_rawan",
        "sangat-rawan": "sangat_rawan", "SR": "sangat_rawan", "aman": None, "tinggi": None,
    }  # fmt: skip
    # a kabupaten that renames a level in settings can write its own label
    custom = (RawanLevel("rawan", "Rawan", 0), RawanLevel("sangat_rawan", "Rawan tinggi", 2))
    assert level_lookup(custom)[name_key("rawan tinggi")] == "sangat_rawan"


def test_requirement_per_tps_follows_the_level():
    tps = pl.DataFrame(
        {"desa_code": ["a"] * 3, "tps_number": [1, 2, 3], "level": [None, "rawan", "sangat_rawan"]}
    )
    levels = (RawanLevel("rawan", "Rawan", 1), RawanLevel("sangat_rawan", "Sangat rawan", 2))
    need = tps_requirement(tps, officers_per_tps=2, levels=levels)
    assert need.select("extra_officers", "officers_required").rows() == [(0, 2), (1, 3), (2, 4)]


def test_peta_kerawanan_counts_per_kecamatan_and_uncovered(villages):
    tps = pl.DataFrame(
        {
            "desa_code": ["17.02.06.2001", "17.02.06.2001", "17.02.06.2002", "17.02.19.1004"],
            "tps_number": [1, 2, 1, 1],
            "level": ["rawan", "sangat_rawan", None, "sangat_rawan"],
            "covered": [False, True, False, False],
        }
    )
    peta = rawan_map(villages, tps)
    assert peta.height == 15  # every kecamatan, zeros where nothing is rawan
    assert peta.filter(pl.col("kecamatan_code").is_in(["17.02.06", "17.02.19"])).rows() == [
        ("17.02.06", "Kota Padang", 3, 1, 1, 1, 0),
        ("17.02.19", "Curup Tengah", 1, 0, 0, 1, 1),
    ]
    assert rawan_totals(peta) == {
        "rawan_tps": 1,
        "rawan_uncovered": 1,
        "sangat_rawan_tps": 2,
        "sangat_rawan_uncovered": 1,
    }


def test_default_sources_are_the_four_named_in_the_field_reports():
    assert DEFAULT_RAWAN_SOURCES == ("Bawaslu", "Polres", "FGD", "lainnya")


def test_doctests_of_the_rawan_module():
    assert doctest.testmod(rawan).failed == 0
