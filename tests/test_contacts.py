"""Operators' contacts from a file: region by code or name, phones by the roster rule."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from readiness.config import DEFAULT_SETTINGS_FILE, load_settings
from readiness.contacts import read_contacts_file, unreachable_villages
from readiness.errors import ReadinessError
from readiness.regions import load_aliases, load_regions


@pytest.fixture(scope="module")
def settings_module():
    return load_settings(DEFAULT_SETTINGS_FILE)


@pytest.fixture(scope="module")
def villages(settings_module):
    return load_regions(settings_module.region_file, settings_module.kabupaten_code)


def read(data: bytes, name: str, villages, settings_module):
    return read_contacts_file(
        data,
        name,
        villages=villages,
        kabupaten_code=settings_module.kabupaten_code,
        kabupaten_name=settings_module.kabupaten_name,
        aliases=load_aliases(settings_module.alias_file),
    )


def csv_bytes(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Daftar operator desa dan kecamatan"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_regions_by_code_name_alias_and_kecamatan(villages, settings_module):
    data = csv_bytes(
        [
            "Wilayah;Nama;No. HP",
            "17.02.06.2001;Budi;0812-3456-7890",
            "derati;Siti;+62 813 1111 2222",
            "17.02.06;Rina;081234567892",  # kecamatan by code
            "Curup;Joko;6281234567893",  # kecamatan by name
            "Sidorejo;Wati;",  # alias of Siderejo, no phone yet
            "17.02;Admin Satpol PP;081200000000",  # the kabupaten itself
        ]
    )
    parsed = read(data, "kontak.csv", villages, settings_module)
    assert parsed.ok
    expected = pl.DataFrame(
        {
            "row": [2, 3, 4, 5, 6, 7],
            "region_code": ["17.02.06.2001", "17.02.06.2001", "17.02.06", "17.02.09",
                            "17.02.19.1004", "17.02"],
            "region_level": ["desa", "desa", "kecamatan", "kecamatan", "desa", "kabupaten"],
            "region_name": ["desa Derati", "desa Derati", "Kecamatan Kota Padang",
                            "Kecamatan Curup", "kelurahan Siderejo", "Kabupaten Rejang Lebong"],
            "nama": ["Budi", "Siti", "Rina", "Joko", "Wati", "Admin Satpol PP"],
            "no_hp": ["081234567890", "081311112222", "081234567892", "081234567893", None,
                      "081200000000"],
        }
    )  # fmt: skip
    assert_frame_equal(parsed.contacts, expected)
    assert parsed.findings.select("row", "code", "severity", "message").rows() == [
        (
            6,
            "contact_phone_empty",
            "warning",
            "Baris 6, kolom No. HP: kosong. Kontak tetap diterima, tetapi kelurahan Siderejo "
            "belum bisa dihubungi lewat WhatsApp; isi nomor HP aktif.",
        )
    ]


def test_separate_kecamatan_and_desa_columns_in_xlsx(villages, settings_module):
    rows = [
        ["Kecamatan", "Desa/Kelurahan", "Nama Operator", "No HP/WA"],
        ["Bermani Ulu", "Suka Rami", "Dedi", 81299990000],  # a number cell, no leading 0
        ["Kota Padang", "Suka Rami", "Eka", "0812 9999 0001"],
        ["Kota Padang", None, "Fajar", "0812 9999 0002"],  # the kecamatan operator
    ]
    parsed = read(xlsx_bytes(rows), "kontak.xlsx", villages, settings_module)
    assert parsed.ok, parsed.findings
    assert parsed.contacts.select("row", "region_code", "region_level", "no_hp").rows() == [
        (3, "17.02.10.2016", "desa", "081299990000"),
        (4, "17.02.06.2003", "desa", "081299990001"),
        (5, "17.02.06", "kecamatan", "081299990002"),
    ]


def test_bad_rows_are_findings_with_their_row(villages, settings_module):
    data = csv_bytes(
        [
            "Wilayah;Nama;No. HP",
            "Kota Padang;Andi;081234567891",  # a kecamatan and a kelurahan share the name
            "Suka Rami;Yuni;081234567899",  # two villages in two kecamatan
            "Atlantis;Xena;081234567898",
            ";Zaki;081200000001",
            "Taba Anyar;;0812",
            "17.02.06.2001;Budi;0812-3456-7890",
            "Derati;Budi lagi;081234567890",  # same phone, same village: skipped
        ]
    )
    parsed = read(data, "kontak.csv", villages, settings_module)
    assert not parsed.ok
    assert parsed.findings.select("row", "column", "code", "severity").rows() == [
        (2, "wilayah", "contact_region_ambiguous", "error"),
        (3, "wilayah", "contact_region_ambiguous", "error"),
        (4, "wilayah", "contact_region_unknown", "error"),
        (5, "wilayah", "contact_region_empty", "error"),
        (6, "nama", "contact_nama_empty", "error"),
        (6, "no_hp", "contact_phone_invalid", "error"),
        (8, "no_hp", "contact_duplicate", "warning"),
    ]
    messages = dict(parsed.findings.select("row", "message").rows())
    assert messages[2] == (
        'Baris 2, kolom Wilayah: "Kota Padang" cocok dengan lebih dari satu wilayah (sebuah '
        "kecamatan dan sebuah desa/kelurahan). Pakai kode wilayahnya."
    )
    assert "isi juga kolom Kecamatan" in messages[3]
    assert messages[6] == (
        'Baris 6, kolom No. HP: "0812" bukan nomor HP yang bisa dihubungi. Tulis nomor HP '
        "aktif, misalnya 081234567890."
    )
    assert parsed.contacts["row"].to_list() == [7]


def test_missing_columns_are_named(villages, settings_module):
    with pytest.raises(ReadinessError) as info:
        read(csv_bytes(["Desa;Nama;Alamat", "Derati;Budi;Jl. Merdeka"]), "k.csv", villages,
             settings_module)  # fmt: skip
    assert info.value.code == "tps_columns_missing"  # no header row names both Nama and No. HP
    with pytest.raises(ReadinessError) as info:
        read(csv_bytes(["Nama;No HP", "Budi;081234567890"]), "k.csv", villages, settings_module)
    assert info.value.code == "contacts_columns_missing"
    assert info.value.message.startswith("Kolom Wilayah tidak ditemukan.")


def test_villages_without_a_reachable_contact(villages):
    contacts = pl.DataFrame(
        {
            "region_code": ["17.02.06.2001", "17.02.06.2002", "17.02.06", "17.02.19.1004"],
            "no_hp": ["081234567890", None, "081234567892", ""],
        }
    )
    missing = unreachable_villages(villages, contacts)
    assert missing.height == 156 - 1
    assert "17.02.06.2002" in missing["desa_code"].to_list()  # a contact without phone
    by_code = dict(missing.select("desa_code", "kecamatan_reachable").rows())
    assert by_code["17.02.06.2002"] is True  # its kecamatan operator can pass it on
    assert by_code["17.02.19.1004"] is False
