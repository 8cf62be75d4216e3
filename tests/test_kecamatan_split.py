"""A kecamatan file for several villages, split per village from real CSV and XLSX bytes."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from roster_builder import HEADER, csv_bytes, person

from readiness import roster
from readiness.config import load_settings
from readiness.db import Actor
from readiness.ingest import RosterFileError, read_table
from readiness.kecamatan_split import (
    MULTIPLE_DESA,
    SOURCE_BLOCKS,
    SOURCE_COLUMN,
    SOURCE_SHEETS,
    other_villages_error,
    read_kecamatan_file,
)
from readiness.regions import load_aliases, load_regions
from readiness.validation import RosterContext, validate_roster

KECAMATAN = "17.02.24"  # Bermani Ulu Raya
PAL_SERATUS, PAL_VII, DATARAN_TAPUS = "17.02.24.2003", "17.02.24.2004", "17.02.24.2001"
DERATI = "17.02.06.2001"  # Kecamatan Kota Padang


@pytest.fixture(scope="module")
def villages() -> pl.DataFrame:
    settings = load_settings()
    return load_regions(settings.region_file, settings.kabupaten_code)


@pytest.fixture(scope="module")
def aliases() -> pl.DataFrame:
    return load_aliases(load_settings().alias_file)


def people_of(
    village: str, first: int, count: int, column: str = "Desa"
) -> list[dict[str, object]]:
    """``count`` valid people, TPS numbered from 1 again in every village."""
    return [
        person(first + i, **{column: village, "TPS": f"TPS {i // 2 + 1:02d}"}) for i in range(count)
    ]


def split_of(data: bytes, name: str, villages, aliases):
    return read_kecamatan_file(data, name, KECAMATAN, villages, aliases)


def test_desa_column_with_odd_spelling_a_code_and_an_alias(villages, aliases):
    rows = [
        *people_of("  PAL   vii ", 1, 4, "Desa/Kelurahan"),  # case, spacing, Roman numeral
        *people_of("17.02.24.2001", 5, 3, "Desa/Kelurahan"),  # Kemendagri code
        *people_of("Pal 100", 8, 2, "Desa/Kelurahan"),  # alias of Pal Seratus (alias_desa.csv)
    ]
    data = csv_bytes(
        rows,
        header=("Desa/Kelurahan", *HEADER),
        above=[["REKAP LINMAS KECAMATAN BERMANI ULU RAYA"], []],
    )
    split = split_of(data, "rekap.csv", villages, aliases)
    assert split.source == SOURCE_COLUMN
    assert [(p.desa_code, p.desa_name, p.raw.frame.height) for p in split.parts] == [
        (DATARAN_TAPUS, "Dataran Tapus", 3),
        (PAL_SERATUS, "Pal Seratus", 2),
        (PAL_VII, "Pal VII", 4),
    ]
    assert split.unmatched.height == 0
    # Excel rows kept: title, blank, header, then Pal VII's people on rows 4-7.
    assert split.parts[2].raw.frame["_row"].to_list() == [4, 5, 6, 7]
    # Each part passes the ordinary per-village validation; TPS restart per village.
    for part in split.parts:
        context = RosterContext(part.desa_code, "17.02", dt.date(2024, 11, 27), tps_count=2)
        verdict = validate_roster(part.raw, context)
        assert verdict.rejected == 0
        assert verdict.officers["nomor_tps"].min() == 1


def test_row_of_another_kecamatan_unknown_or_blank_is_rejected_with_row_and_column(
    villages, aliases
):
    rows = [
        *people_of("Pal VII", 1, 2),
        person(3, Desa="Derati"),  # Kota Padang
        person(4, Desa="Desa Antah Berantah"),
        person(5, Desa=""),
    ]
    data = csv_bytes(rows, header=("Desa", *HEADER))
    split = split_of(data, "rekap.csv", villages, aliases)
    assert [p.desa_code for p in split.parts] == [PAL_VII]
    found = split.unmatched.select("row", "column", "code").rows()
    assert found == [
        (4, "Desa", "desa_outside_kecamatan"),
        (5, "Desa", "row_desa_unknown"),
        (6, "Desa", "desa_missing"),
    ]
    assert split.unmatched["message"][0] == (
        'Baris 4, kolom Desa: "Derati" adalah Derati (17.02.06.2001) di Kecamatan Kota Padang, '
        "bukan Kecamatan Bermani Ulu Raya. Baris ini tidak diterima; unggah lewat kecamatannya "
        "sendiri."
    )


def test_village_blocks_inside_the_sheet(villages, aliases):
    header = HEADER
    width = len(header)

    def line(text: str) -> list[str]:
        return [text] + [""] * (width - 1)

    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(line("DAFTAR LINMAS KECAMATAN BERMANI ULU RAYA"))
    writer.writerow(line("DESA DATARAN TAPUS"))  # the first block's heading sits above the header
    writer.writerow(header)
    for p in people_of("", 1, 3):
        writer.writerow([p[h] for h in header])
    writer.writerow(line("2. Desa Pal VII Kec. Bermani Ulu Raya (2 orang)"))
    for p in people_of("", 4, 2):
        writer.writerow([p[h] for h in header])
    writer.writerow(["3.", "Kelurahan Derati"] + [""] * (width - 2))  # another kecamatan
    for p in people_of("", 6, 1):
        writer.writerow([p[h] for h in header])
    split = split_of(buffer.getvalue().encode(), "blok.csv", villages, aliases)
    assert split.source == SOURCE_BLOCKS
    assert [(p.desa_code, p.raw.frame["_row"].to_list()) for p in split.parts] == [
        (DATARAN_TAPUS, [4, 5, 6]),
        (PAL_VII, [8, 9]),
    ]
    assert split.unmatched.select("row", "column", "code").rows() == [
        (11, "Desa/Kelurahan (subjudul baris 10)", "desa_outside_kecamatan")
    ]
    assert {7, 10} <= set(split.skipped["row"].to_list())


def sheet_per_village_workbook() -> bytes:
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "Petunjuk"
    guide.append(["Isi satu lembar per desa"])
    for sheet, first, count in (("Pal VII", 1, 3), ("DATARAN TAPUS", 4, 2), ("Derati", 6, 1)):
        work = book.create_sheet(sheet)
        work.append(list(HEADER))
        for p in people_of("", first, count):
            work.append([p[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_workbook_with_one_sheet_per_village(villages, aliases):
    split = split_of(sheet_per_village_workbook(), "per_lembar.xlsx", villages, aliases)
    assert split.source == SOURCE_SHEETS
    assert [(p.desa_code, p.raw.frame.height) for p in split.parts] == [
        (DATARAN_TAPUS, 2),
        (PAL_VII, 3),
    ]
    assert split.ignored_sheets == ["Petunjuk"]
    assert split.unmatched.select("row", "column", "code").rows() == [
        (2, 'Lembar "Derati"', "desa_outside_kecamatan")
    ]


def test_kecamatan_file_naming_no_village_is_refused(villages, aliases):
    data = csv_bytes([person(1), person(2)])
    with pytest.raises(RosterFileError) as caught:
        split_of(data, "tanpa_desa.csv", villages, aliases)
    assert caught.value.code == "desa_not_named"


def test_single_village_file_with_its_own_desa_column_is_not_refused(villages, aliases):
    raw = read_table(csv_bytes(people_of("Pal 7", 1, 3), header=("Desa", *HEADER)), "pal.csv")
    assert other_villages_error(raw, PAL_VII, villages, aliases) is None


def test_village_file_naming_other_villages_is_refused_and_nothing_stored(store, tmp_path):
    rows = [
        *people_of("Derati", 1, 8),
        *people_of("Taba Anyar", 9, 8),
        *people_of("Suka Rami", 17, 8),
    ]
    data = csv_bytes(rows, header=("No. Urut", "Desa", *HEADER[1:]), above=[["REKAP KECAMATAN"]])
    before = store.read("SELECT count(*) AS n FROM officers")["n"][0]
    checked = roster.check_roster_file(store, DERATI, data, "rekap.csv")
    assert checked.verdict is None
    assert checked.file_error.code == MULTIPLE_DESA
    assert "Taba Anyar (8 baris, mulai baris 11)" in checked.file_error.message
    assert "lewat kecamatan" in checked.file_error.message
    assert checked.to_json()["file_error"]["code"] == MULTIPLE_DESA
    with pytest.raises(Exception, match="ditolak seluruhnya"):
        roster.store_checked_roster(store, Actor("admin", None, "tes"), checked)
    assert store.read("SELECT count(*) AS n FROM officers")["n"][0] == before


def test_cli_import_desa_refuses_a_file_naming_other_villages(tmp_path, capsys):
    import json

    from readiness import cli

    rows = [*people_of("Derati", 1, 3), *people_of("Taba Anyar", 4, 3)]
    path = tmp_path / "rekap.csv"
    path.write_bytes(csv_bytes(rows, header=("Desa", *HEADER)))
    db = ["--db", str(tmp_path / "baru.duckdb")]  # a fresh database: the CLI sets it up
    assert cli.main(["import", str(path), "--desa", DERATI, "--json", *db]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "rejected"
    assert result["file_error"]["code"] == MULTIPLE_DESA
    assert result["accepted"] == 0
    assert cli.main(["summary", "--json", *db]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["officers_registered"], summary["desa_submitted"]) == (0, 0)


def test_check_kecamatan_file_gives_each_village_its_own_verdict(store):
    from readiness.kecamatan_upload import check_kecamatan_file

    rows = [
        *people_of("Pal VII", 1, 3),
        *people_of("dataran  tapus", 4, 2),
        person(6, Desa="Pal VII", NIK="123"),  # rejected by the ordinary rules, in Pal VII
        person(7, Desa="Derati"),  # another kecamatan
    ]
    data = csv_bytes(rows, header=("Desa", *HEADER), above=[["REKAP BERMANI ULU RAYA"]])
    before = store.read("SELECT count(*) AS n FROM officers")["n"][0]
    checked = check_kecamatan_file(store, KECAMATAN, data, "rekap.csv")
    result = checked.to_json()
    assert result["status"] == "ok"
    assert result["kecamatan"] == KECAMATAN
    assert result["desa"] == [
        {"desa": DATARAN_TAPUS, "nama": "Dataran Tapus", "accepted": 2, "rejected": 0,
         "warned": 0, "status": "ok", "version": None},
        {"desa": PAL_VII, "nama": "Pal VII", "accepted": 3, "rejected": 1,
         "warned": 0, "status": "ok", "version": None},
    ]  # fmt: skip
    assert result["unmatched_rows"] == 1
    assert {(f["desa"], f["row"], f["code"]) for f in result["findings"]} == {
        (PAL_VII, 8, "nik_length"),
        (None, 9, "desa_outside_kecamatan"),
    }
    assert [c.desa_code for c in checked.storable] == [DATARAN_TAPUS, PAL_VII]
    assert "Pal VII: 3 diterima" in checked.describe()
    assert store.read("SELECT count(*) AS n FROM officers")["n"][0] == before


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b)
    | st.binary(max_size=400)
    | st.text(max_size=300).map(str.encode)
)
def test_any_bytes_give_a_split_or_a_file_refusal_never_a_crash(data):
    settings_ = load_settings()
    villages = load_regions(settings_.region_file, settings_.kabupaten_code)
    try:
        split = read_kecamatan_file(data, "acak.xlsx", KECAMATAN, villages)
    except RosterFileError as error:
        refusal = error.message
    else:
        refusal = None
        assert all(p.desa_code.startswith(KECAMATAN) for p in split.parts)
    assert refusal is None or refusal.startswith('Berkas "acak.xlsx"')


def test_sheet_per_village_workbook_uploaded_for_one_village_is_refused(store):
    data = sheet_per_village_workbook()
    checked = roster.check_roster_file(store, PAL_VII, data, "per_lembar.xlsx")
    assert checked.file_error.code == MULTIPLE_DESA
    assert 'menurut nama lembarnya: lembar "DATARAN TAPUS", lembar "Derati".' in (
        checked.file_error.message
    )


def test_one_sheet_named_after_a_village_without_a_desa_column(villages, aliases):
    book = openpyxl.Workbook()
    work = book.active
    work.title = "Desa Pal VII"
    work.append(list(HEADER))
    for p in people_of("", 1, 2):
        work.append([p[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    split = split_of(buffer.getvalue(), "pal7.xlsx", villages, aliases)
    assert (split.source, [p.desa_code for p in split.parts]) == (SOURCE_SHEETS, [PAL_VII])
