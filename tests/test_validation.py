"""Every rule on real roster bytes: exact codes, exact Excel rows, a few exact messages."""

from __future__ import annotations

import datetime as dt
import json
import string
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from roster_builder import HEADER, csv_bytes, nik, people, person, xlsx_bytes

from readiness import messages
from readiness.ingest import RawTable, RosterFileError, read_table
from readiness.roster_rules import PROVINCE_CODES
from readiness.validation import (
    OFFICER_SCHEMA,
    RULES,
    RosterContext,
    rejected_file_json,
    validate_roster,
)

DATA = Path(__file__).parent / "data"
VOTING = dt.date(2024, 11, 27)


def context(**overrides: object) -> RosterContext:
    values: dict[str, object] = {
        "desa_code": "17.02.06.2001",
        "kabupaten_code": "17.02",
        "voting_date": VOTING,
        "tps_count": 5,
    }
    values.update(overrides)
    return RosterContext(**values)


def verdict_for(rows, ctx: RosterContext | None = None, **csv_options):
    raw = read_table(csv_bytes(rows, **csv_options), "roster.csv")
    return validate_roster(raw, ctx or context())


def codes(verdict) -> list[tuple[int, str]]:
    return [(f["row"], f["code"]) for f in verdict.findings.to_dicts()]


# --- one rule at a time: the bad row is the 2nd data row, Excel row 3 --------------------------

REJECTIONS = [
    ({"Nama": ""}, "nama_empty"),
    ({"Nama": "=HYPERLINK(1)"}, "nama_formula"),
    ({"Nama": "+62 Budi"}, "nama_formula"),
    ({"Nama": "-Budi"}, "nama_formula"),
    ({"Nama": "@Budi"}, "nama_formula"),
    ({"Nama": "<script>x</script>"}, "nama_html"),
    ({"Nama": "Budi <b>S</b>"}, "nama_html"),
    ({"Nama": "A" * 101}, "nama_too_long"),
    ({"NIK": ""}, "nik_empty"),
    ({"NIK": "1,70206E+15"}, "nik_scientific"),
    ({"NIK": "1.70206e15"}, "nik_scientific"),
    ({"NIK": "17020601O1850001"}, "nik_not_digits"),
    ({"NIK": "32010"}, "nik_length"),
    ({"NIK": "17020601018500011"}, "nik_length"),
    ({"NIK": "9902060101850001"}, "nik_region"),
    ({"NIK": "1700060101850001"}, "nik_region"),
    ({"NIK": "1702063201850001"}, "nik_birthdate"),
    ({"NIK": "1702067201850001"}, "nik_birthdate"),
    ({"NIK": "1702060113850001"}, "nik_birthdate"),
    ({"NIK": "1702063102850001"}, "nik_birthdate"),
    ({"NIK": "1702060101850000"}, "nik_serial"),
    ({"Tanggal Lahir": ""}, "tanggal_lahir_empty"),
    ({"Tanggal Lahir": "31-02-1990"}, "tanggal_lahir_invalid"),
    ({"Tanggal Lahir": "13-13-1990"}, "tanggal_lahir_invalid"),
    ({"Tanggal Lahir": "kemarin"}, "tanggal_lahir_invalid"),
    ({"Tanggal Lahir": "01-01-1850"}, "tanggal_lahir_invalid"),
    ({"Tanggal Lahir": "1990"}, "tanggal_lahir_ambiguous"),
    ({"Tanggal Lahir": "Agustus 1990"}, "tanggal_lahir_ambiguous"),
    ({"Tanggal Lahir": "01-01-2030"}, "tanggal_lahir_future"),
    ({"Tanggal Lahir": "28-11-2007"}, "age_under_min"),
]


@pytest.mark.parametrize(("override", "code"), REJECTIONS)
def test_rejection_rules(override, code):
    rows = [person(1), person(2, **override), person(3)]
    verdict = verdict_for(rows)
    errors = verdict.findings.filter(pl.col("severity") == "error")
    assert [(f["row"], f["code"]) for f in errors.to_dicts()] == [(3, code)]
    assert (verdict.accepted, verdict.rejected) == (2, 1)
    assert verdict.officers["row_number"].to_list() == [2, 4]


WARNINGS = [
    ({"NIK": nik(1, 1, 1985, region="320101")}, "nik_outside_kabupaten"),
    ({"Jenis Kelamin": "P"}, "nik_sex_mismatch"),
    ({"Jenis Kelamin": "?"}, "jenis_kelamin_from_nik"),
    ({"Tanggal Lahir": "02-01-1985"}, "nik_birthdate_mismatch"),
    ({"Tanggal Lahir": "01-01-1960", "NIK": nik(1, 1, 1960)}, "age_over_warning"),
    ({"No. HP": "12345"}, "no_hp_invalid"),
    ({"No. HP": "0732-21234"}, "no_hp_invalid"),
    ({"TPS": ""}, "tps_missing"),
    ({"TPS": "Balai Desa"}, "tps_invalid"),
    ({"TPS": "TPS 9"}, "tps_beyond_count"),
    ({"Status BPJS": "mungkin"}, "status_bpjs_unknown"),
    ({"No. KPJ": "12345"}, "no_kpj_invalid"),
    ({"Pelatihan": "entah"}, "status_pelatihan_unknown"),
]


@pytest.mark.parametrize(("override", "code"), WARNINGS)
def test_warning_rules_keep_the_row(override, code):
    base = {"NIK": nik(1, 1, 1985), "Tanggal Lahir": "01-01-1985"}
    rows = [person(1), person(2, **{**base, **override}), person(3)]
    verdict = verdict_for(rows)
    assert codes(verdict) == [(3, code)]
    assert verdict.findings["severity"].to_list() == ["warning"]
    assert (verdict.accepted, verdict.warned, verdict.rejected) == (3, 1, 0)
    assert verdict.officers.filter(pl.col("row_number") == 3)["warning_codes"].to_list() == [[code]]


def test_nik_from_another_kecamatan_of_the_same_kabupaten_is_normal():
    verdict = verdict_for(
        [person(1, NIK=nik(1, 1, 1985, region="170211"), **{"Tanggal Lahir": "01-01-1985"})]
    )
    assert verdict.findings.height == 0


def test_women_nik_day_plus_40_matches_sex_and_date():
    row = person(
        1, NIK=nik(5, 2, 1990, female=True), **{"Jenis Kelamin": "P", "Tanggal Lahir": "05-02-1990"}
    )
    verdict = verdict_for([row])
    assert verdict.findings.height == 0
    assert verdict.officers["jenis_kelamin"].to_list() == ["P"]


def test_age_exactly_17_on_voting_day_is_accepted():
    verdict = verdict_for([person(1, NIK=nik(27, 11, 2007), **{"Tanggal Lahir": "27-11-2007"})])
    assert verdict.accepted == 1
    assert codes(verdict) == []


def test_roster_without_tps_column_gets_no_tps_warning():
    header = ("Nama", "NIK", "Jenis Kelamin", "Tanggal Lahir")
    verdict = verdict_for([person(1)], header=header)
    assert (verdict.accepted, verdict.findings.height) == (1, 0)


def test_excel_text_wrapper_from_web_exports_is_unwrapped():
    verdict = verdict_for(
        [person(1, NIK=f'="{person(1)["NIK"]}"', **{"No. HP": '="081273110001"'})]
    )
    assert verdict.officers.select("nik", "no_hp").row(0) == (person(1)["NIK"], "081273110001")


def test_tps_beyond_count_is_not_checked_when_count_unknown():
    verdict = verdict_for([person(1, TPS="TPS 40")], context(tps_count=None))
    assert [c for _, c in codes(verdict)] == []


# --- NIK repeats and other villages ------------------------------------------------------------


def test_repeated_nik_keeps_the_first_clean_row():
    same = nik(1, 1, 1985, serial=7)
    rows = [
        person(1, NIK=same, Nama="", **{"Tanggal Lahir": "01-01-1985"}),
        person(2, NIK=same, **{"Tanggal Lahir": "01-01-1985"}),
        person(
            3,
            NIK=f"{same[:4]} {same[4:8]} {same[8:12]} {same[12:]}",
            **{"Tanggal Lahir": "01-01-1985"},
        ),
    ]
    verdict = verdict_for(rows)
    # Row 2 is already rejected for its name, so row 3 is the one kept; both others repeat it.
    assert codes(verdict) == [(2, "nama_empty"), (2, "nik_duplicate"), (4, "nik_duplicate")]
    assert verdict.officers["row_number"].to_list() == [3]
    message = verdict.findings.filter(pl.col("code") == "nik_duplicate")["message"][1]
    assert message == (
        f'Baris 4, kolom NIK: NIK "{same}" sudah tertulis di baris 3 berkas ini. '
        "Satu orang hanya boleh tercatat sekali; hapus baris ganda atau perbaiki NIK-nya."
    )


def test_nik_registered_in_another_village_is_rejected_and_named():
    taken = person(2)["NIK"]
    elsewhere = pl.DataFrame(
        {
            "nik": [taken, "1702060101850099"],
            "desa_code": ["17.02.07.2003", "17.02.06.2001"],
            "desa_name": ["Desa Air Bang", "Derati"],
        }
    )
    verdict = verdict_for(people(3), context(registered_elsewhere=elsewhere))
    assert codes(verdict) == [(3, "nik_registered_elsewhere")]
    assert "Desa Air Bang (17.02.07.2003)" in verdict.findings["message"].item()
    assert elsewhere.height == 2  # the other village's record is untouched


# --- normalisers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "1702060101850001",
        "'1702060101850001",
        "1702 0601 0185 0001",
        "1702.0601.0185.0001",
        "1702-0601-0185-0001",
        "\u00a01702060101850001\u00a0",
        "1702060101850001.0",
    ],
)
def test_nik_is_cleaned_to_16_digits(written):
    verdict = verdict_for([person(1, NIK=written, **{"Tanggal Lahir": "01-01-1985"})])
    assert verdict.officers["nik"].to_list() == ["1702060101850001"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("17-08-1985", dt.date(1985, 8, 17)),
        ("17/08/1985", dt.date(1985, 8, 17)),
        ("17.08.1985", dt.date(1985, 8, 17)),
        ("1985-08-17", dt.date(1985, 8, 17)),
        ("1985-08-17 00:00:00", dt.date(1985, 8, 17)),
        ("17-08-85", dt.date(1985, 8, 17)),
        ("17/8/05", dt.date(2005, 8, 17)),
        ("31276", dt.date(1985, 8, 17)),
        ("17 Agustus 1985", dt.date(1985, 8, 17)),
        ("17 Agt 1985", dt.date(1985, 8, 17)),
        ("17-Agu-1985", dt.date(1985, 8, 17)),
        ("5 Nopember 1980", dt.date(1980, 11, 5)),
        ("2 Pebruari 1975", dt.date(1975, 2, 2)),
        ("2 Peb 1975", dt.date(1975, 2, 2)),
        ("1 Mei 1990", dt.date(1990, 5, 1)),
        ("Senin, 1 Desember 1980", dt.date(1980, 12, 1)),
        ("17081985", dt.date(1985, 8, 17)),
        ("17 Agst 1985", dt.date(1985, 8, 17)),
        ("17-Agts-1985", dt.date(1985, 8, 17)),
    ],
)
def test_birth_date_formats(written, expected):
    verdict = verdict_for([person(1, **{"Tanggal Lahir": written})])
    assert verdict.findings.filter(pl.col("severity") == "error").height == 0
    assert verdict.officers["tanggal_lahir"].to_list() == [expected]


def test_month_first_column_is_read_month_first_and_mixed_column_is_ambiguous():
    us = [
        person(1, **{"Tanggal Lahir": "08/17/1985"}),
        person(2, **{"Tanggal Lahir": "02/05/1990"}),
    ]
    verdict = verdict_for(us)
    assert verdict.officers["tanggal_lahir"].to_list() == [
        dt.date(1985, 8, 17),
        dt.date(1990, 2, 5),
    ]
    mixed = [*us, person(3, **{"Tanggal Lahir": "25/12/1990"})]
    assert ("3", "tanggal_lahir_ambiguous") in {(str(r), c) for r, c in codes(verdict_for(mixed))}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0812-7311-0001", "081273110001"),
        ("+62 812 7311 0001", "081273110001"),
        ("6281273110001", "081273110001"),
        ("81273110001", "081273110001"),
        ("0812 7311 0001 / 0813 1111 2222", "081273110001"),
        ("(0812) 73110001", "081273110001"),
        ("", None),
    ],
)
def test_phone_to_one_form(written, expected):
    verdict = verdict_for([person(1, **{"No. HP": written})])
    assert verdict.officers["no_hp"].to_list() == [expected]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("TPS 01", 1), ("Tps.4", 4), ("002", 2), ("3", 3), ("TPS-12", 12), ("4.0", 4), ("", None)],
)
def test_tps_to_a_number(written, expected):
    verdict = verdict_for([person(1, TPS=written)], context(tps_count=20))
    assert verdict.officers["nomor_tps"].to_list() == [expected]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Ya", True),
        ("ya", True),
        ("Sudah", True),
        ("Terdaftar", True),
        ("✓", True),
        ("√", True),
        ("V", True),
        ("12345678901", True),
        ("Tidak", False),
        ("Belum", False),
        ("belum terdaftar", False),
        ("tidak ada", False),
        ("-", False),
        ("", None),
    ],
)
def test_bpjs_status_words(written, expected):
    verdict = verdict_for([person(1, **{"Status BPJS": written, "No. KPJ": ""})])
    assert verdict.officers["status_bpjs"].to_list() == [expected]


def test_kpj_number_in_status_column_becomes_the_kpj():
    verdict = verdict_for([person(1, **{"Status BPJS": "1234 5678 901", "No. KPJ": ""})])
    assert verdict.officers.select("status_bpjs", "no_kpj").row(0) == (True, "12345678901")


@pytest.mark.parametrize(
    ("written", "status", "date"),
    [
        ("Sudah", True, None),
        ("Belum", False, None),
        ("12-11-2024", True, dt.date(2024, 11, 12)),
        ("", None, None),
    ],
)
def test_training_status(written, status, date):
    verdict = verdict_for([person(1, Pelatihan=written)])
    assert verdict.officers.select("status_pelatihan", "tanggal_pelatihan").row(0) == (status, date)


def test_names_are_trimmed_and_otherwise_kept():
    verdict = verdict_for(
        [person(1, Nama="  José  Ma’ruf\u00a0"), person(2, Nama="I Gusti Ngurah Rai")]
    )
    assert verdict.officers["nama"].to_list() == ["José  Ma’ruf", "I Gusti Ngurah Rai"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accented_names_survive_every_encoding(encoding):
    verdict = verdict_for([person(1, Nama="José Ma’ruf")], encoding=encoding)
    assert verdict.officers["nama"].to_list() == ["José Ma’ruf"]


# --- messages, mapping, results ---------------------------------------------------------------


def test_exact_nik_length_message():
    verdict = verdict_for([person(1), person(2, NIK="32010")])
    assert verdict.findings["message"].to_list() == [
        'Baris 3, kolom NIK: harus 16 angka, tertulis "32010" (5 angka). Salin ulang NIK dari KTP.'
    ]


def test_exact_scientific_nik_message():
    verdict = verdict_for([person(1, NIK="1,70206E+15")])
    assert verdict.findings["message"].to_list() == [
        'Baris 2, kolom NIK: tertulis "1,70206E+15" (format angka ilmiah Excel); angka terakhir NIK '
        "sudah hilang dan tidak bisa dipulihkan. Format kolom NIK sebagai Teks (Format Cells > Text), "
        "lalu ketik ulang NIK dari KTP."
    ]


def test_every_rule_has_a_catalogue_message_that_renders():
    assert len({r.code for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.severity in ("error", "warning")
        names = {n for _, n, _, _ in string.Formatter().parse(rule.message) if n}
        text = messages.render(rule.code, **dict.fromkeys(names, "X"))
        assert text.startswith("Baris X, kolom ")


def test_every_catalogue_message_renders():
    for code in messages.MESSAGES:
        assert messages.render(code, **dict.fromkeys(messages.fields(code), "X"))


def test_columns_missing_names_found_and_expected_headers():
    data = csv_bytes([person(1)], header=("Nama", "No. KK", "Alamat", "TPS"))
    raw = read_table(data, "roster.csv")
    with pytest.raises(RosterFileError) as caught:
        validate_roster(raw, context())
    assert caught.value.code == "columns_missing"
    assert caught.value.message == (
        "Kolom wajib tidak ditemukan: NIK, Jenis Kelamin (L/P), Tanggal Lahir. Judul kolom yang "
        'terbaca (baris 1): "Nama", "No. KK", "Alamat", "TPS". Beri judul kolom yang dikenali, '
        "misalnya Nama, NIK, Jenis Kelamin (L/P), Tanggal Lahir, atau pakai templat; di halaman "
        "unggah Anda juga bisa memilih sendiri kolom yang sesuai."
    )


def test_operator_mapping_overrides_the_guess():
    header = ("Nama", "Nomor", "Kelamin?", "Lahir pada")
    data = csv_bytes(
        [{"Nama": "Budi", "Nomor": nik(1, 1, 1985), "Kelamin?": "L", "Lahir pada": "01-01-1985"}],
        header=header,
    )
    raw = read_table(data, "roster.csv")
    with pytest.raises(RosterFileError):
        validate_roster(
            raw,
            context(),
            {
                "Nama": "nama",
                "Nomor": None,
                "Kelamin?": "jenis_kelamin",
                "Lahir pada": "tanggal_lahir",
            },
        )
    mapping = {
        "Nama": "nama",
        "Nomor": "nik",
        "Kelamin?": "jenis_kelamin",
        "Lahir pada": "tanggal_lahir",
    }
    verdict = validate_roster(raw, context(), mapping)
    assert verdict.accepted == 1


def test_officer_schema_is_exact():
    verdict = verdict_for(people(3))
    assert verdict.officers.schema == pl.Schema(OFFICER_SCHEMA)
    assert verdict.findings.schema == pl.Schema(
        {
            "row": pl.Int64,
            "column": pl.String,
            "severity": pl.String,
            "code": pl.String,
            "message": pl.String,
        }
    )


def test_revalidating_an_edited_frame():
    raw = read_table(csv_bytes([person(1), person(2, NIK="32010")]), "roster.csv")
    first = validate_roster(raw, context())
    assert first.rejected == 1
    edited = raw.frame.with_columns(
        pl.when(pl.col("_row") == 3)
        .then(pl.lit(person(2)["NIK"]))
        .otherwise(pl.col("NIK"))
        .alias("NIK")
    )
    again = validate_roster(
        RawTable(frame=edited, detected=raw.detected, skipped=raw.skipped), context()
    )
    assert (again.accepted, again.rejected) == (2, 0)


def test_to_json_matches_the_cli_contract():
    verdict = validate_roster(
        read_table((DATA / "excel_id_semicolon_cp1252.csv").read_bytes(), "d.csv"), context()
    )
    out = verdict.to_json("d.csv", "17.02.06.2001")
    json.dumps(out)  # JSON-able
    assert list(out) == [
        "file",
        "desa",
        "detected",
        "status",
        "accepted",
        "rejected",
        "warned",
        "skipped",
        "file_error",
        "findings",
    ]
    assert (out["status"], out["accepted"], out["rejected"], out["warned"], out["skipped"]) == (
        "ok",
        3,
        1,
        1,
        6,
    )
    assert out["findings"][0] == {
        "row": 7,
        "column": "tanggal_lahir",
        "severity": "warning",
        "code": "nik_birthdate_mismatch",
        "message": 'Baris 7, kolom Tanggal lahir: tertulis "12 Agt 1988", sedangkan NIK menunjukkan lahir 12-03-88. Periksa KTP dan perbaiki yang salah.',
    }
    assert [(f["row"], f["code"]) for f in out["findings"]] == [
        (7, "nik_birthdate_mismatch"),
        (8, "nik_scientific"),
    ]


def test_rejected_file_json():
    with pytest.raises(RosterFileError) as caught:
        read_table(b"", "kosong.csv")
    out = rejected_file_json("kosong.csv", "17.02.06.2001", caught.value)
    assert out["status"] == "rejected"
    assert out["file_error"]["code"] == "file_empty"
    assert (out["accepted"], out["rejected"], out["warned"], out["skipped"], out["findings"]) == (
        0,
        0,
        0,
        0,
        [],
    )


@pytest.mark.parametrize(
    ("name", "accepted", "rejected", "warned"),
    [
        ("excel_id_semicolon_cp1252.csv", 3, 1, 1),
        ("web_utf8_bom.csv", 3, 0, 0),
        ("excel_unicode_text.txt", 2, 0, 0),
        ("two_level_header.xlsx", 2, 1, 0),
        ("web_export_html.xls", 2, 0, 0),
    ],
)
def test_sample_files_end_to_end(name, accepted, rejected, warned):
    verdict = validate_roster(read_table((DATA / name).read_bytes(), name), context())
    assert (verdict.accepted, verdict.rejected, verdict.warned) == (accepted, rejected, warned)


def test_two_level_sex_ticks_and_split_birth_place():
    verdict = validate_roster(
        read_table((DATA / "two_level_header.xlsx").read_bytes(), "x.xlsx"), context()
    )
    assert verdict.officers.select("jenis_kelamin", "tempat_lahir", "tanggal_lahir").rows() == [
        ("L", "Curup", dt.date(1985, 1, 1)),
        ("P", "Curup", dt.date(1990, 2, 5)),
    ]


def test_xlsx_date_cells_and_numeric_phone():
    rows = [
        person(
            1,
            **{
                "Tanggal Lahir": dt.date(1985, 1, 1),
                "NIK": nik(1, 1, 1985),
                "No. HP": 81273110001,
                "TPS": 2,
            },
        )
    ]
    verdict = validate_roster(read_table(xlsx_bytes(rows), "x.xlsx"), context())
    assert verdict.officers.select("tanggal_lahir", "no_hp", "nomor_tps").row(0) == (
        dt.date(1985, 1, 1),
        "081273110001",
        2,
    )


def test_province_codes_are_the_38_provinces():
    assert len(PROVINCE_CODES) == 38


# --- property: one verdict per data row --------------------------------------------------------

_value = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "1702060101850001",
            "1,70206E+15",
            "31-02-1990",
            "17 Agt 1985",
            "TPS 1",
            "Ya",
            "=1+1",
            "L",
            "P",
        ]
    ),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.fixed_dictionaries({h: _value for h in HEADER}), min_size=1, max_size=15))
def test_every_data_row_gets_exactly_one_verdict(rows):
    try:
        raw = read_table(csv_bytes(rows), "roster.csv")
    except RosterFileError:
        return
    verdict = validate_roster(raw, context())
    data_rows = set(raw.frame["_row"].to_list())
    accepted = set(verdict.officers["row_number"].to_list())
    rejected = set(verdict.findings.filter(pl.col("severity") == "error")["row"].to_list())
    assert accepted | rejected == data_rows
    assert not accepted & rejected
    assert verdict.accepted + verdict.rejected == raw.frame.height
    assert verdict.warned <= verdict.accepted


# --- judge pass: messy village rosters ------------------------------------------------------


@pytest.mark.parametrize("written", ["-", "--", "—"])
def test_dash_as_name_is_an_empty_name_not_a_formula(written):
    verdict = verdict_for([person(1), person(2, Nama=written)])
    assert codes(verdict) == [(3, "nama_empty")]


KK_HEADER = ("No", "Nama", "NIK", "No. KK", "Jenis Kelamin", "Tanggal Lahir")


@pytest.mark.parametrize(
    ("kk_cell", "nik_cell"),
    [
        ("1702061209210001", "1702061209210001"),
        ("1702 0612 0921 0001", "1702061209210001"),
        ("1702061209210001", "'1702.0612.0921.0001"),
    ],
)
def test_family_card_number_copied_into_the_nik_column_is_rejected(kk_cell, nik_cell):
    rows = [
        person(1, **{"No. KK": "1702061209210009"}),
        person(2, NIK=nik_cell, **{"No. KK": kk_cell}),
        person(3, **{"No. KK": ""}),
    ]
    verdict = verdict_for(rows, header=KK_HEADER, delimiter=";")
    assert codes(verdict) == [(3, "nik_is_kk")]
    assert verdict.findings["message"].to_list() == [
        'Baris 3, kolom NIK: "1702061209210001" sama dengan No. KK di baris ini; yang tertulis '
        "nomor Kartu Keluarga, bukan NIK. Salin NIK orang ini (16 angka) dari KTP-nya."
    ]
    assert verdict.officers["row_number"].to_list() == [2, 4]


def test_family_card_column_the_operator_chose_as_nik_is_not_compared_with_itself():
    rows = [person(1, **{"No. KK": person(1)["NIK"], "NIK": ""})]
    raw = read_table(csv_bytes(rows, header=KK_HEADER), "roster.csv")
    mapping = {"Nama": "nama", "No. KK": "nik", "Jenis Kelamin": "jenis_kelamin"}
    verdict = validate_roster(raw, context(), mapping | {"Tanggal Lahir": "tanggal_lahir"})
    assert codes(verdict) == []


@pytest.mark.parametrize(
    ("written", "shown"),
    [("", "kosong"), ("?", '"?" tidak dikenali')],
)
def test_sex_taken_from_nik_message_says_empty_or_unknown(written, shown):
    verdict = verdict_for([person(1, **{"Jenis Kelamin": written})])
    assert verdict.findings["message"].to_list() == [
        f"Baris 2, kolom Jenis kelamin: {shown}; diambil dari NIK: laki-laki. Tulis L atau P."
    ]


def _government_workbook(nik_header: str) -> bytes:
    """Title merged over the columns, numbering row, NIK typed as a number, total, signature."""
    header = ("NO", "NAMA (SESUAI KTP)", nik_header, "NO. KK", "TEMPAT/TGL LAHIR", "L/P", "TPS")
    rows = [
        {
            "NO": i,
            header[1]: f"H. Linmas {i}, S.Pd.",
            nik_header: float(nik(12, 8, 1985, serial=i)),
            "NO. KK": f"17020601012{i:05d}",
            "TEMPAT/TGL LAHIR": "CURUP / 12 AGUSTUS 1985" if i == 1 else "Curup, 12-Agt-85",
            "L/P": "LK",
            "TPS": f"Tps.{i}",
        }
        for i in (1, 2)
    ]
    return xlsx_bytes(
        rows,
        header=header,
        above=[["DAFTAR NAMA ANGGOTA LINMAS DESA DUSUN CURUP TAHUN 2024"], []],
        sub_header=[f"({i})" for i in range(1, 8)],
        merges=["A1:G1"],
        below=[
            ["JUMLAH", None, "2 orang"],
            [],
            [None, "Mengetahui,", None, None, "Curup, 1 Oktober 2024"],
            [None, "Kepala Desa Dusun Curup"],
            [None, "( SUPARMAN )"],
            [None, "NIP. 19750812 200501 1 003"],
        ],
    )


@pytest.mark.parametrize("nik_header", ["NIK", "N I K", "N.I.K."])
def test_government_workbook_reads_exactly_the_people(nik_header):
    raw = read_table(_government_workbook(nik_header), "linmas.xlsx")
    verdict = validate_roster(raw, context())
    assert codes(verdict) == []
    assert verdict.officers["row_number"].to_list() == [5, 6]
    assert verdict.officers["nik"].to_list() == [nik(12, 8, 1985, serial=i) for i in (1, 2)]
    assert verdict.officers["nama"].to_list() == ["H. Linmas 1, S.Pd.", "H. Linmas 2, S.Pd."]
    assert verdict.officers["tanggal_lahir"].to_list() == [dt.date(1985, 8, 12)] * 2
    assert verdict.officers["nomor_tps"].to_list() == [1, 2]
    assert [r for r, _ in raw.skipped.rows()] == [4, 7, 8, 9, 10, 11, 12]


# -- cross-checks before rejecting: the NIK settles a two-way date; Excel's stored value --------


def test_mixed_order_column_is_settled_row_by_row_by_the_nik():
    rows = [
        person(1, **{"Tanggal Lahir": "17/08/1985"}),  # day-first only
        person(2, **{"Tanggal Lahir": "08/25/1990"}),  # month-first only
        # Two ways; the NIK says 4 March 1990 (a woman: day 44), so month-first.
        person(
            3,
            NIK=nik(4, 3, 1990, female=True, serial=3),
            **{"Jenis Kelamin": "P", "Tanggal Lahir": "03/04/1990"},
        ),
        # Two ways; the NIK says 5 June 1991, so day-first.
        person(4, NIK=nik(5, 6, 1991, serial=4), **{"Tanggal Lahir": "05/06/1991"}),
        # Two ways and the NIK says neither (7 July 1991): still refused as ambiguous.
        person(5, NIK=nik(7, 7, 1991, serial=5), **{"Tanggal Lahir": "05/06/1991"}),
    ]
    verdict = verdict_for(rows)
    born = dict(verdict.officers.select("row_number", "tanggal_lahir").iter_rows())
    assert born[4] == dt.date(1990, 3, 4)
    assert born[5] == dt.date(1991, 6, 5)
    assert 6 not in born
    assert (6, "tanggal_lahir_ambiguous") in codes(verdict)
    assert (4, "tanggal_lahir_read_by_nik") in codes(verdict)
    message = verdict.findings.filter(
        (pl.col("row") == 4) & (pl.col("code") == "tanggal_lahir_read_by_nik")
    )["message"][0]
    assert message == (
        'Baris 4, kolom Tanggal Lahir: "03/04/1990" bisa dibaca dua cara (hari-bulan atau '
        "bulan-hari); dibaca 04-03-1990 karena sama dengan tanggal lahir dalam NIK. Periksa "
        "dengan KTP bila ragu."
    )


def test_day_first_reading_the_nik_contradicts_is_read_the_other_way():
    rows = [
        person(1, NIK=nik(4, 3, 1990, serial=1), **{"Tanggal Lahir": "03/04/1990"}),
        person(2, NIK=nik(3, 4, 1990, serial=2), **{"Tanggal Lahir": "03/04/1990"}),
        person(3, NIK=nik(9, 9, 1990, serial=3), **{"Tanggal Lahir": "03/04/1990"}),
    ]
    verdict = verdict_for(rows)
    assert verdict.officers["tanggal_lahir"].to_list() == [
        dt.date(1990, 3, 4),  # settled by the NIK: month-first
        dt.date(1990, 4, 3),  # the usual day-first reading, which the NIK confirms: no note
        dt.date(1990, 4, 3),  # neither reading fits the NIK: day-first, with the mismatch note
    ]
    assert codes(verdict) == [
        (2, "tanggal_lahir_read_by_nik"),
        (4, "nik_birthdate_mismatch"),
    ]


def test_xlsx_nik_stored_as_a_number_is_judged_by_its_stored_value():
    big = int(nik(4, 4, 1990, serial=11, region="947101"))  # above 2**53
    assert big > 2**53
    rows = [
        person(1, NIK=int(nik(4, 4, 1990, serial=11)), **{"Tanggal Lahir": "04-04-1990"}),
        person(2, NIK=int(nik(4, 4, 1990, serial=10)), **{"Tanggal Lahir": "04-04-1990"}),
        person(3, NIK=big, **{"Tanggal Lahir": "04-04-1990"}),
    ]
    raw = read_table(xlsx_bytes(rows), "angka.xlsx")
    verdict = validate_roster(raw, context())
    assert verdict.rejected == 0
    assert verdict.officers["nik"].to_list()[:2] == ["1702060404900011", "1702060404900010"]
    assert verdict.officers["nik"][2].startswith("9471010404900")
    altered = [(r, c) for r, c in codes(verdict) if c == "nik_excel_number"]
    assert altered == [(3, "nik_excel_number"), (4, "nik_excel_number")]
    message = verdict.findings.filter(pl.col("code") == "nik_excel_number")["message"][0]
    assert message.startswith(
        "Baris 3, kolom NIK: 1702060404900010 tersimpan di Excel sebagai angka, bukan teks."
    )
