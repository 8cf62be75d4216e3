"""Reading real roster bytes: formats, encodings, header detection, skipped rows, rejections."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from roster_builder import HEADER, csv_bytes, html_bytes, people, person, xlsx_bytes

from readiness.file_formats import read_grid
from readiness.ingest import (
    CANONICAL_COLUMNS,
    REQUIRED_COLUMNS,
    RawTable,
    RosterFileError,
    guess_mapping,
    read_table,
)

DATA = Path(__file__).parent / "data"


def _column(raw: RawTable, name: str) -> list[str | None]:
    return raw.frame[name].to_list()


def _skipped(raw: RawTable) -> list[tuple[int, str]]:
    return [(r["row"], r["reason"]) for r in raw.skipped.to_dicts()]


# --- the sample files in tests/data ----------------------------------------------------------


def test_excel_indonesian_semicolon_cp1252_file():
    raw = read_table((DATA / "excel_id_semicolon_cp1252.csv").read_bytes(), "derati.csv")
    assert raw.detected["format"] == "csv"
    assert raw.detected["delimiter"] == ";"
    assert raw.detected["encoding"] == "cp1252"
    assert raw.detected["header_row"] == 4
    assert _column(raw, "Nama Lengkap") == [
        "Sugiyono",
        "Siti Aminah",
        "Ma’ruf Amin",
        "Dedi Kurniawan",
    ]
    assert _column(raw, "_row") == [5, 6, 7, 8]
    assert _column(raw, "Alamat")[1] == "Dusun II, RT 02"
    assert _column(raw, "NIK")[3] == "1,70206E+15"
    assert raw.detected["title_rows"] == [1, 2]
    assert [row for row, _ in _skipped(raw)] == [9, 10, 11, 12, 13, 14]
    reasons = dict(_skipped(raw))
    assert reasons[10] == "Baris jumlah/total"
    assert reasons[9] == "Baris kosong"
    assert reasons[14].startswith("Tanda tangan")


def test_utf8_bom_csv_with_quoted_comma_and_line_break():
    raw = read_table((DATA / "web_utf8_bom.csv").read_bytes(), "roster.csv")
    assert raw.detected["encoding"] == "utf-8-sig"
    assert raw.detected["delimiter"] == ","
    assert raw.frame.columns[0] == "No"  # the BOM does not stick to the first header
    assert _column(raw, "Nama") == ["José Pereira", "Ma’ruf", "Nyoman Ayu"]
    assert _column(raw, "Alamat")[:2] == ["Jl. Merdeka No. 5, RT 01", "Dusun II\nRT 02"]
    # A quoted line break stays inside one Excel row, so row numbers do not drift.
    assert _column(raw, "_row") == [2, 3, 4]


def test_utf16_tab_separated_unicode_text():
    raw = read_table((DATA / "excel_unicode_text.txt").read_bytes(), "roster.txt")
    assert raw.detected["encoding"] == "utf-16"
    assert raw.detected["delimiter"] == "\t"
    assert _column(raw, "Tgl Lahir") == ["01.01.1985", "05.02.1990"]


def test_xlsx_two_level_header_merged_title_date_cells_and_instructions_sheet():
    raw = read_table((DATA / "two_level_header.xlsx").read_bytes(), "derati.xlsx")
    assert raw.detected["format"] == "xlsx"
    assert raw.detected["sheet"] == "Data"
    assert raw.detected["header_rows"] == [4, 5]
    mapping = guess_mapping(raw.frame.columns)
    assert mapping["Jenis Kelamin › L"] == "jk_l"
    assert mapping["Jenis Kelamin › P"] == "jk_p"
    assert mapping["Tempat, Tanggal Lahir › Tempat"] == "tempat_lahir"
    assert mapping["Tempat, Tanggal Lahir › Tanggal"] == "tanggal_lahir"
    assert _column(raw, "Tempat, Tanggal Lahir › Tanggal") == [
        "1985-01-01",
        "1990-02-05",
        "17-08-1991",
    ]
    assert _column(raw, "No. HP") == ["81273110001", "81273110002", None]
    # Typed in Excel as a number: judged by the stored value (16 digits, kept), and flagged
    # because Excel's 15 significant digits leave a final 0 that may not be the KTP's.
    assert _column(raw, "NIK") == ["1702060101850001", "1702064502900002", "1702061708910000"]
    assert raw.altered_digits.rows() == [(9, "NIK")]
    assert _column(raw, "_row") == [7, 8, 9]
    assert dict(_skipped(raw))[6] == "Baris nomor kolom (1, 2, 3, ...)"
    assert [row for row, _ in _skipped(raw)] == [6, 10, 11, 12, 13, 14]


def test_html_table_saved_as_xls():
    raw = read_table((DATA / "web_export_html.xls").read_bytes(), "export.xls")
    assert raw.detected["format"] == "html"
    assert raw.detected["header_row"] == 2
    assert _column(raw, "Nama") == ["Sugiyono", "Siti Aminah"]
    assert _column(raw, "_row") == [3, 4]


# --- CSV varieties built from one roster ------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_delimiters_encodings_and_line_endings(delimiter, encoding, newline):
    rows = [person(1, Nama="José Ma’ruf", Alamat="Jl. A, RT 1; RW 2"), person(2)]
    data = csv_bytes(rows, delimiter=delimiter, encoding=encoding, newline=newline)
    raw = read_table(data, "roster.csv")
    assert raw.detected["delimiter"] == delimiter
    assert raw.frame.columns == [*HEADER, "_row"]
    assert _column(raw, "Nama") == ["José Ma’ruf", "Linmas 2"]
    assert _column(raw, "Alamat")[0] == "Jl. A, RT 1; RW 2"
    assert _column(raw, "_row") == [2, 3]


def test_excel_sep_hint_line_is_not_an_excel_row():
    data = b"sep=;\r\n" + csv_bytes(people(2), delimiter=";")
    raw = read_table(data, "roster.csv")
    assert raw.detected["delimiter"] == ";"
    assert _column(raw, "_row") == [2, 3]


def test_title_and_blank_rows_above_header_are_counted_in_row_numbers():
    above = [["DAFTAR LINMAS DESA DERATI"], [], ["Pilkada 27 November 2024"], []]
    raw = read_table(csv_bytes(people(3), above=above), "roster.csv")
    assert raw.detected["header_row"] == 5
    assert _column(raw, "_row") == [6, 7, 8]
    assert raw.detected["title_rows"] == [1, 3]
    assert _skipped(raw) == []


@pytest.mark.parametrize(
    ("below", "reason"),
    [
        ([["JUMLAH", "", "", "", "", "", "", "", "", "", "", "", "3"]], "Baris jumlah/total"),
        ([["", "Total"]], "Baris jumlah/total"),
        (
            [["", "", "", "", "", "", "", "Mengetahui,"]],
            "Tanda tangan, tanggal atau catatan di bawah tabel",
        ),
        (
            [["", "", "", "", "", "", "", "Curup, 10 Oktober 2024"]],
            "Tanda tangan, tanggal atau catatan di bawah tabel",
        ),
        ([["", "NIP. 19700101 199003 1 001"]], "Tanda tangan, tanggal atau catatan di bawah tabel"),
        ([list(HEADER)], "Judul kolom yang berulang"),
        ([["4"]], "Tidak ada nama maupun NIK (hanya nomor urut atau kolom lain)"),
        ([["TPS 02"]], "Subjudul di antara data (bukan data orang)"),
    ],
)
def test_rows_below_data_are_skipped_with_a_reason(below, reason):
    raw = read_table(csv_bytes(people(2), below=below), "roster.csv")
    assert raw.frame.height == 2
    assert _skipped(raw) == [(4, reason)]


def test_signature_block_after_total_is_skipped_even_a_bare_name():
    below = [
        [],
        ["JUMLAH", "", "", "", "", "", "", "", "2 orang"],
        ["", "", "", "", "", "Kepala Desa"],
        [],
        ["", "SUPARDI"],
    ]
    raw = read_table(csv_bytes(people(2), below=below), "roster.csv")
    assert raw.frame.height == 2
    assert [row for row, _ in _skipped(raw)] == [4, 5, 6, 7, 8]


def test_blank_rows_among_data_are_skipped_and_trailing_blanks_ignored():
    rows = [person(1), {}, person(2)]
    data = csv_bytes(rows, delimiter=";") + b";;;;;\r\n;;;;;\r\n"
    raw = read_table(data, "roster.csv")
    assert _column(raw, "_row") == [2, 4]
    assert _skipped(raw) == [(3, "Baris kosong")]


# --- XLSX varieties ---------------------------------------------------------------------------


def test_xlsx_real_dates_numbers_and_offset_table():
    rows = [
        person(1, **{"Tanggal Lahir": dt.date(1985, 1, 1), "TPS": 3, "No. HP": 81273110001}),
        person(2, **{"Tanggal Lahir": dt.datetime(1990, 2, 5), "NIK": 1702064502900002}),
    ]
    data = xlsx_bytes(rows, above=[["DAFTAR LINMAS"], []], start_column=3, merges=["C1:H1"])
    raw = read_table(data, "roster.xlsx")
    assert raw.detected["header_row"] == 3
    assert _column(raw, "_row") == [4, 5]
    assert _column(raw, "Tanggal Lahir") == ["1985-01-01", "1990-02-05"]
    assert _column(raw, "TPS") == ["3", "TPS 03"]
    assert _column(raw, "No. HP")[0] == "81273110001"
    # Written at full precision by software, last digit non-zero: the NIK is intact.
    assert _column(raw, "NIK")[1] == "1702064502900002"


def test_xlsx_renamed_to_csv_is_read_as_xlsx():
    raw = read_table(xlsx_bytes(people(2)), "roster.csv")
    assert raw.detected["format"] == "xlsx"
    assert raw.detected["extension_mismatch"] is True
    assert raw.frame.height == 2


def test_xlsx_picks_the_sheet_with_the_roster():
    data = xlsx_bytes(
        people(2), first_sheet=("Petunjuk", [["Isi data di lembar berikut"], ["NIK 16 angka"]])
    )
    raw = read_table(data, "roster.xlsx")
    assert raw.detected["sheet"] == "Data"
    assert raw.detected["sheets"] == ["Petunjuk", "Data"]


def test_html_builder_with_title_row():
    raw = read_table(html_bytes(people(2), title="Data Linmas"), "export.xls")
    assert raw.detected["format"] == "html"
    assert _column(raw, "_row") == [3, 4]


def test_spreadsheetml_2003_xml():
    xml = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Linmas"><Table>'
        '<Row><Cell><Data ss:Type="String">DAFTAR</Data></Cell></Row>'
        '<Row ss:Index="3"><Cell><Data ss:Type="String">Nama</Data></Cell><Cell><Data ss:Type="String">NIK</Data></Cell>'
        '<Cell><Data ss:Type="String">L/P</Data></Cell><Cell><Data ss:Type="String">Tgl Lahir</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">Budi</Data></Cell><Cell><Data ss:Type="String">1702060101850001</Data></Cell>'
        '<Cell><Data ss:Type="String">L</Data></Cell><Cell><Data ss:Type="DateTime">1985-01-01T00:00:00.000</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>"
    )
    raw = read_table(xml.encode(), "export.xls")
    assert raw.detected["format"] == "xml-spreadsheet"
    assert raw.detected["header_row"] == 3
    assert raw.frame.row(0) == ("Budi", "1702060101850001", "L", "1985-01-01", 4)


# --- whole-file rejections --------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"  \r\n\r\n ", "file_empty"),
        (b";;;;\r\n;;;;\r\n", "file_empty"),
        (b"\xef\xbb\xbf", "file_empty"),
        (",".join(HEADER).encode() + b"\r\n", "file_no_data"),
        (csv_bytes([], above=[["DAFTAR LINMAS"]]), "file_no_data"),
        (bytes(range(256)) * 8, "file_unreadable"),
        (b"\x00\x01\x02binary\x00" * 50, "file_unreadable"),
        (b"%PDF-1.7\n%...", "file_unsupported"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "file_unsupported"),
        (_docx(), "file_unsupported"),
        (b"PK\x03\x04broken zip", "file_unreadable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "file_unreadable"),
        (b"<html><body><p>no table</p></body></html>", "file_unsupported"),
    ],
)
def test_whole_file_rejections(data, code):
    with pytest.raises(RosterFileError) as caught:
        read_table(data, "roster.csv")
    assert caught.value.code == code
    assert '"roster.csv"' in caught.value.message
    assert "unggah lagi" in caught.value.message


def test_file_too_large_names_the_limit():
    with pytest.raises(RosterFileError) as caught:
        read_table(b"x" * 2_000_001, "besar.csv", max_bytes=2_000_000)
    assert caught.value.code == "file_too_large"
    assert caught.value.message.startswith(
        'Berkas "besar.csv" berukuran 1,9 MB, melebihi batas 1,9 MB.'
    )


def test_header_only_message_names_the_header_row():
    with pytest.raises(RosterFileError) as caught:
        read_table(csv_bytes([], above=[["DAFTAR"], []]), "kosong.csv")
    assert caught.value.message == (
        'Berkas "kosong.csv" hanya berisi judul kolom (baris 3) tanpa data linmas. '
        "Isi minimal satu baris data di bawah judul kolom, lalu unggah lagi."
    )


# --- column aliases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Nama", "nama"),
        ("NAMA LENGKAP", "nama"),
        ("Nama Anggota Linmas", "nama"),
        ("NIK", "nik"),
        ("No. KTP", "nik"),
        ("Nomor Induk Kependudukan", "nik"),
        ("NIK (16 digit)", "nik"),
        ("No. KK", None),
        ("Nomor Kartu Keluarga", None),
        ("L/P", "jenis_kelamin"),
        ("JK", "jenis_kelamin"),
        ("Jenis Kelamin", "jenis_kelamin"),
        ("TTL", "ttl"),
        ("Tempat/Tgl Lahir", "ttl"),
        ("Tempat, Tanggal Lahir", "ttl"),
        ("Tempat Lahir", "tempat_lahir"),
        ("Tgl. Lahir", "tanggal_lahir"),
        ("Tanggal Lahir", "tanggal_lahir"),
        ("Alamat Lengkap", "alamat"),
        ("No. HP/WA", "no_hp"),
        ("Nomor Telepon", "no_hp"),
        ("No TPS", "nomor_tps"),
        ("TPS", "nomor_tps"),
        ("Lokasi TPS", "nomor_tps"),
        ("BPJS TK", "status_bpjs"),
        ("Status BPJS", "status_bpjs"),
        ("BPJS Ketenagakerjaan", "status_bpjs"),
        ("No. KPJ", "no_kpj"),
        ("Nomor BPJS", "no_kpj"),
        ("Bimtek", "status_pelatihan"),
        ("Pelatihan", "status_pelatihan"),
        ("Tgl Pelatihan", "tanggal_pelatihan"),
        ("Keterangan", "keterangan"),
        ("Ket.", "keterangan"),
        ("No", None),
        ("No. Urut", None),
        ("Jabatan", None),
        ("Nama Desa", "desa"),
        ("Desa/Kelurahan", "desa"),
        ("Kode Desa", "desa"),
        ("Kepala Desa", None),
        ("Nama Kepala Desa", None),
        ("Umur", None),
    ],
)
def test_alias_table(header, canonical):
    assert guess_mapping([header]) == {header: canonical}


def test_first_column_wins_a_canonical_name_and_row_column_is_ignored():
    mapping = guess_mapping(["NIK", "No. KTP", "No. HP", "No. WA", "_row"])
    assert mapping == {"NIK": "nik", "No. KTP": None, "No. HP": "no_hp", "No. WA": None}


def test_canonical_and_required_columns():
    assert set(REQUIRED_COLUMNS) <= set(CANONICAL_COLUMNS)
    assert len(CANONICAL_COLUMNS) == 13


def test_raw_table_can_be_rebuilt_from_an_edited_frame():
    raw = read_table(csv_bytes(people(2)), "roster.csv")
    edited = raw.frame.with_columns(pl.lit("Baru").alias("Nama"))
    again = RawTable(frame=edited, detected=raw.detected, skipped=raw.skipped)
    assert_frame_equal(again.frame.select("_row"), raw.frame.select("_row"))


# --- property: any bytes -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x"]))
def test_any_bytes_either_read_or_rejected_with_the_domain_error(data, name):
    try:
        raw = read_table(data, name)
    except RosterFileError as error:
        problem = (error.code, error.message)
    else:
        problem = None
        assert raw.frame.height > 0
        assert raw.frame.schema["_row"] == pl.Int64
        assert all(t == pl.String for c, t in raw.frame.schema.items() if c != "_row")
    if problem is not None:
        assert problem[0].startswith("file_")
        assert problem[1]


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_cell, min_size=1, max_size=6), min_size=0, max_size=12),
    st.sampled_from([",", ";", "\t"]),
)
def test_csv_like_text_never_crashes_and_rows_are_disjoint(rows, delimiter):
    text = "\r\n".join(delimiter.join(r) for r in [["Nama", "NIK", "L/P", "Tgl Lahir"], *rows])
    try:
        raw = read_table(text.encode("utf-8"), "x.csv")
    except RosterFileError:
        return
    data_rows = set(raw.frame["_row"].to_list())
    skipped_rows = set(raw.skipped["row"].to_list())
    assert not data_rows & skipped_rows


# -- read_grid: any table as raw cells (the KPU TPS list uses it) ---------------------------------


def test_read_grid_keeps_every_cell_and_the_excel_row_number():
    data = b"DAFTAR TPS\r\nTPS;Alamat\r\n1;Jl. Merdeka\r\n"
    expected = pl.DataFrame(
        {
            "c0": ["DAFTAR TPS", "TPS", "1"],
            "c1": [None, "Alamat", "Jl. Merdeka"],
            "_row": [1, 2, 3],
        }
    )
    assert_frame_equal(read_grid(data, "tps.csv"), expected)


def test_read_grid_reads_xlsx_like_read_table():
    data = xlsx_bytes(people(2), header=("Nama", "NIK"))
    grid = read_grid(data, "tps.xlsx")
    assert grid.columns == ["c0", "c1", "_row"]
    assert grid.row(0) == ("Nama", "NIK", 1)
    assert grid.height == 3


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "file_empty"), (b";;\r\n", "file_empty"), (b"x" * 101, "file_too_large")],
)
def test_read_grid_refuses_whole_files_like_read_table(data, code):
    with pytest.raises(RosterFileError) as refused:
        read_grid(data, "tps.csv", max_bytes=100)
    assert refused.value.code == code


def test_labels_written_only_under_named_columns_are_data_not_a_second_header():
    """Found by hypothesis: "TPS 1" under "Tanggal Lahir" split nothing, yet was merged in."""
    rows = [person(1, **{"Tanggal Lahir": "TPS 1", "Alamat": "TPS 1"}), person(2)]
    raw = read_table(csv_bytes(rows), "x.csv")
    assert raw.detected["header_rows"] == [1]
    assert "Tanggal Lahir" in raw.frame.columns
    assert raw.frame["_row"].to_list() == [2, 3]


# --- judge pass: messy village rosters (headers, wrapped headers, unfilled slots) --------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("N I K", "nik"),
        ("N.I.K", "nik"),
        ("KTP", "nik"),
        ("Nomor KTP", "nik"),
        ("Nama (sesuai KTP)", "nama"),
        ("NAMA LENGKAP SESUAI KTP", "nama"),
        ("Alamat sesuai KTP", "alamat"),
        ("Tempat Lahir (sesuai KTP)", "tempat_lahir"),
        ("NIK KK", None),
        ("NKK", None),
    ],
)
def test_judge_header_aliases(header, canonical):
    assert guess_mapping([header]) == {header: canonical}


_WRAPPED_TOP = ("NO", "NAMA", "NOMOR", "TANGGAL", "JENIS", "NO.")
_WRAPPED_HEADER = ("", "LENGKAP", "NIK", "LAHIR", "KELAMIN", "TPS")


def _wrapped_rows() -> list[dict[str, object]]:
    return [
        {"LENGKAP": p["Nama"], "NIK": p["NIK"], "LAHIR": p["Tanggal Lahir"], "KELAMIN": "L"}
        | {"TPS": i}
        for i, p in enumerate(people(2), start=1)
    ]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (csv_bytes(_wrapped_rows(), header=_WRAPPED_HEADER, above=[_WRAPPED_TOP]), "x.csv"),
        (xlsx_bytes(_wrapped_rows(), header=_WRAPPED_HEADER, above=[_WRAPPED_TOP]), "x.xlsx"),
    ],
)
def test_header_wrapped_word_by_word_over_two_unmerged_rows(data, name):
    raw = read_table(data, name)
    assert raw.detected["header_row"] == 1
    assert raw.detected["header_rows"] == [1, 2]
    assert raw.detected["title_rows"] == []
    assert {k: v for k, v in raw.detected["mapping"].items() if v} == {
        "NAMA LENGKAP": "nama",
        "NOMOR NIK": "nik",
        "TANGGAL LAHIR": "tanggal_lahir",
        "JENIS KELAMIN": "jenis_kelamin",
        "NO. TPS": "nomor_tps",
    }
    assert _column(raw, "_row") == [3, 4]


@pytest.mark.parametrize("placeholder", ["-", "—", "BELUM ADA", "kosong", "."])
def test_unfilled_slot_rows_are_skipped_not_read_as_people(placeholder):
    identity = ("Nama", "NIK", "Tempat Lahir", "Tanggal Lahir", "Alamat", "No. HP")
    slot = {"No": 3, "TPS": "TPS 03", "Jenis Kelamin": placeholder}
    rows = [*people(2), slot | dict.fromkeys(identity, placeholder), {"No": 4, "Nama": placeholder}]
    raw = read_table(csv_bytes(rows, delimiter=";"), "x.csv")
    assert _column(raw, "_row") == [2, 3]
    reason = "Tidak ada nama maupun NIK (hanya nomor urut atau kolom lain)"
    assert _skipped(raw) == [(4, reason), (5, reason)]
