"""Every importer understands the same yes/no words, status words and dates (readiness.vocabulary).

Each importer is fed real CSV bytes through its own reader: the roster (validate_roster), the
BPJS participant list (plan_bpjs) and the TPS list (parse_tps, which has a yes/no column only).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from roster_builder import csv_bytes, person

from readiness import readiness_imports as imports
from readiness.file_formats import read_grid
from readiness.ingest import read_table
from readiness.tps_list import locate_tps_table, parse_tps
from readiness.validation import RosterContext, validate_roster

YES = [
    "ya",
    "Ya",
    "YA",
    "iya",
    "y",
    "sdh",
    "sudah",
    "Sudah",
    "ok",
    "OK",
    "v",
    "√",
    "✓",
    "terdaftar",
]
NO = ["tidak", "Tidak", "tdk", "blm", "belum", "Belum", "-", "T", "nonaktif", "Tidak Aktif"]
DATES = {
    "17-08-1990": dt.date(1990, 8, 17),
    "17/08/1990": dt.date(1990, 8, 17),
    "17.8.1990": dt.date(1990, 8, 17),
    "1990-08-17": dt.date(1990, 8, 17),
    "17 Agustus 1990": dt.date(1990, 8, 17),
    "17 Agst 1990": dt.date(1990, 8, 17),
    "17-Agt-1990": dt.date(1990, 8, 17),
    "5 Nopember 1985": dt.date(1985, 11, 5),
    "Senin, 3 Desember 1979": dt.date(1979, 12, 3),
}
NIK = "1702061708900001"  # born 17-08-1990, so the roster's NIK check agrees with the dates


def roster_yes_no(word: str) -> bool | None:
    row = person(1, **{"Status BPJS": word, "No. KPJ": ""})
    verdict = validate_roster(read_table(csv_bytes([row]), "roster.csv"), _context())
    return verdict.officers["status_bpjs"].item() if verdict.officers.height else None


def roster_date(text: str) -> dt.date | None:
    row = person(1, **{"Tanggal Lahir": text})
    verdict = validate_roster(read_table(csv_bytes([row]), "roster.csv"), _context())
    return verdict.officers["tanggal_lahir"].item() if verdict.officers.height else None


def _context() -> RosterContext:
    return RosterContext(
        desa_code="17.02.06.2001",
        kabupaten_code="17.02",
        voting_date=dt.date(2024, 11, 27),
        tps_count=5,
    )


def _bpjs_plan(status: str, date_text: str) -> imports.ImportPlan:
    data = f"NIK;Nama;No. KPJ;Status;Tgl. Daftar\n'{NIK};Budi;;{status};{date_text}\n".encode()
    officers = pl.DataFrame({"nik": [NIK], "nama": ["Budi"]})
    kpj_owners = pl.DataFrame({"kpj": [], "nik": []}, schema={"kpj": pl.String, "nik": pl.String})
    frame = imports.read_file(data, "bpjs.csv", 1_000_000)
    return imports.plan_bpjs(frame, officers, kpj_owners, file_name="bpjs.csv")


def bpjs_yes_no(word: str) -> bool | None:
    plan = _bpjs_plan(word, "")
    return plan.records["enrolled"].item() if plan.records.height else None


def bpjs_date(text: str) -> dt.date | None:
    plan = _bpjs_plan("Aktif", text)
    return plan.records["enrolled_on"].item() if plan.records.height else None


def tps_yes_no(word: str) -> bool | None:
    data = f"Desa/Kelurahan;Nomor TPS;Rawan\nTalang Rimbo;1;{word}\n".encode()
    villages = pl.DataFrame(
        {
            "kecamatan_code": ["17.02.06"],
            "kecamatan_name": ["Curup Tengah"],
            "desa_code": ["17.02.06.2001"],
            "desa_name": ["Talang Rimbo"],
        }
    )
    parsed = parse_tps(locate_tps_table(read_grid(data, "tps.csv")), villages)
    assert parsed.problems.height == 0, parsed.problems
    return parsed.tps["rawan"].item()


YES_NO_READERS = {"roster": roster_yes_no, "bpjs": bpjs_yes_no, "tps": tps_yes_no}
DATE_READERS = {"roster": roster_date, "bpjs": bpjs_date}


@pytest.mark.parametrize("importer", YES_NO_READERS)
@pytest.mark.parametrize("word", YES)
def test_every_importer_reads_the_same_yes_words(importer, word):
    assert YES_NO_READERS[importer](word) is True


@pytest.mark.parametrize("importer", YES_NO_READERS)
@pytest.mark.parametrize("word", NO)
def test_every_importer_reads_the_same_no_words(importer, word):
    assert YES_NO_READERS[importer](word) is False


@pytest.mark.parametrize("importer", DATE_READERS)
@pytest.mark.parametrize(("text", "expected"), DATES.items())
def test_every_importer_reads_the_same_dates(importer, text, expected):
    assert DATE_READERS[importer](text) == expected


@pytest.mark.parametrize("importer", YES_NO_READERS)
def test_an_unknown_word_is_not_read_as_yes(importer):
    # The roster and the BPJS list refuse the row; a TPS list treats it as "not rawan".
    assert YES_NO_READERS[importer]("mungkin") in (None, False)
