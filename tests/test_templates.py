"""The templates read back through the importer with every column recognised."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from readiness.ingest import CANONICAL_COLUMNS, RosterFileError, guess_mapping, read_table
from readiness.templates import TEMPLATE_HEADERS, template_csv, template_xlsx
from readiness.validation import RosterContext, validate_roster

CONTEXT = RosterContext(
    desa_code="17.02.06.2001", kabupaten_code="17.02", voting_date=dt.date(2024, 11, 27)
)


def test_every_template_header_maps_to_its_column():
    headers = [TEMPLATE_HEADERS[c] for c in CANONICAL_COLUMNS]
    assert list(guess_mapping(headers).values()) == list(CANONICAL_COLUMNS)


def test_csv_template_round_trips_and_its_example_row_is_never_stored():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    with pytest.raises(RosterFileError) as caught:
        read_table(data, "templat.csv")
    assert caught.value.code == "file_no_data"
    filled = data + b"Budi;1702061705900002;L;Curup;17-05-1990;;;1;;;;;\r\n"
    raw = read_table(filled, "templat.csv")
    assert raw.detected["delimiter"] == ";"
    assert raw.skipped.to_dicts() == [{"row": 2, "reason": "Baris contoh dari templat"}]
    verdict = validate_roster(raw, CONTEXT)
    assert (verdict.accepted, verdict.rejected) == (1, 0)


def test_xlsx_template_has_text_nik_example_and_instructions():
    data = template_xlsx(min_age=17)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Data", "Petunjuk"]
    sheet = book["Data"]
    nik_cell = sheet.cell(row=2, column=CANONICAL_COLUMNS.index("nik") + 1)
    assert nik_cell.value == "1702061705900001"
    assert nik_cell.number_format == "@"
    assert sheet.column_dimensions["B"].width > 0
    assert "NIK" in " ".join(c.value or "" for c in book["Petunjuk"]["A"])
    sheet.append(["Siti", "1702065705900003", "P", "Curup", "17-05-1990"])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = read_table(buffer.getvalue(), "templat.xlsx")
    assert raw.detected["sheet"] == "Data"
    assert raw.skipped["row"].to_list() == [2]
    verdict = validate_roster(raw, CONTEXT)
    assert (verdict.accepted, verdict.rejected) == (1, 0)
    assert verdict.officers["nik"].to_list() == ["1702065705900003"]


def test_templates_without_example_are_header_only():
    assert template_csv(example=False).count(b"\r\n") == 1
    raw_sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx(min_age=17, example=False)))["Data"]
    assert raw_sheet.cell(row=2, column=1).value is None


def test_the_guide_states_the_minimum_age_from_the_settings():
    guide = openpyxl.load_workbook(io.BytesIO(template_xlsx(min_age=21)))["Petunjuk"]
    lines = [c.value or "" for c in guide["A"]]
    assert "5. Umur minimal 21 tahun pada hari pemungutan suara." in lines
    assert not any("17 tahun" in line for line in lines)
