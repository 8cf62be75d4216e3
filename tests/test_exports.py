"""Exports read back: PDF text and pixels, Excel sheets and cell types, CSV bytes, audit, masking."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import zipfile

import openpyxl
import polars as pl
import pytest
from conftest import no_findings
from pypdf import PdfReader

from readiness import exports, reports
from readiness import formatting as fmt
from readiness.cli import main
from readiness.db import Actor
from readiness.errors import AccessDenied
from readiness.export_pdf import print_spec
from readiness.export_xlsx import SHEET_ORDER
from readiness.scope import Scope

NOW = dt.datetime(2024, 11, 20, 14, 5, tzinfo=fmt.WIB)
ADMIN = Actor("admin.kab", "admin", Scope("17.02"))
HEAD = Actor("kasatpol", "pimpinan", Scope("17.02"))
CURUP = Actor("op.curup", "operator_kecamatan", Scope("17.02.09"))
SILENT_DESA_KECAMATAN = "17.02.20"  # the demo's kecamatan that has sent nothing


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def column(sheet, header: str) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


@pytest.fixture(scope="module")
def kabupaten_recap(demo_template):
    return exports.build_recap(demo_template, Scope("17.02"), now=NOW)


@pytest.fixture(scope="module")
def kabupaten_pdf(kabupaten_recap) -> bytes:
    return exports.render(kabupaten_recap, "pdf")


@pytest.fixture(scope="module")
def kabupaten_xlsx(kabupaten_recap) -> bytes:
    return exports.render(kabupaten_recap, "xlsx")


# -- PDF ------------------------------------------------------------------------------------------


def test_pdf_text_holds_the_numbers_of_summary_json(demo_template, kabupaten_pdf, capsys):
    assert main(["summary", "--json", "--db", str(demo_template.path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    readiness = reports.readiness_json(reports.readiness(demo_template, Scope("17.02"), NOW.date()))
    overall = readiness["overall"]
    text = pdf_text(kabupaten_pdf)
    n, p = fmt.number, fmt.percent
    expected = [
        f"{n(summary['kecamatan_complete'])} dari {n(summary['kecamatan_total'])}",
        f"{n(summary['desa_submitted'])} dari {n(summary['desa_total'])}",
        f"{n(summary['officers_registered'])} dari {n(summary['officers_required'])}",
        f"keterisian {p(summary['officers_registered_rate'])}",
        f"{n(overall['tps_covered'])} dari {n(summary['tps_total'])}",
        f"rawan tak tercakup: {n(overall['rawan_uncovered'])}",
        p(overall["bpjs_rate"]),
        p(overall["trained_rate"]),
        p(overall["ready_rate"]),
        f"H-{overall['days_to_vote']}",
    ]
    assert [e for e in expected if e not in text] == []
    assert (summary["desa_submitted"], summary["officers_required"]) == (125, 890)


def test_pdf_title_time_signature_and_page_numbers(demo_template, kabupaten_pdf):
    text = pdf_text(kabupaten_pdf)
    settings = demo_template.settings
    assert "Kabupaten Rejang Lebong" in text
    assert f"{settings.election_name} · pemungutan suara 27 November 2024" in text
    assert "Keadaan per 20 November 2024, 14.05 WIB" in text
    assert "DATA CONTOH" in text
    pages = len(PdfReader(io.BytesIO(kabupaten_pdf)).pages)
    assert f"Halaman 1 dari {pages}" in text
    assert f"Halaman {pages} dari {pages}" in text
    assert settings.signature_title in text
    assert settings.signature_name in text
    assert f"NIP. {settings.signature_nip}" in text


def test_pdf_lists_silent_villages_and_uncovered_rawan_tps(kabupaten_recap, kabupaten_pdf):
    text = pdf_text(kabupaten_pdf)
    silent = kabupaten_recap.sheets["Belum Mengirim"]
    rawan = kabupaten_recap.sheets["TPS Kurang"].filter(pl.col("Rawan") != "–")
    assert f"belum mengirim daftar ({silent.height})" in text
    assert f"TPS rawan yang belum tercakup ({rawan.height})" in text
    assert all(code in text for code in silent["Kode desa"])
    assert rawan.height == kabupaten_recap.headline["rawan_uncovered"] > 0


@pytest.mark.parametrize("scope_code", ["17.02", "17.02.09"])
def test_pdf_renders_to_png(demo_template, tmp_path, scope_code):
    recap = exports.build_recap(demo_template, Scope(scope_code), now=NOW)
    pdf = tmp_path / "rekap.pdf"
    pdf.write_bytes(exports.render(recap, "pdf"))
    done = subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == len(PdfReader(pdf).pages) >= 1
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_pdf_of_an_empty_database(store, tmp_path):
    recap = exports.build_recap(store, Scope("17.02"), now=NOW)
    text = pdf_text(exports.render(recap, "pdf"))
    assert "0 dari 156" in text
    assert "belum ada kiriman" in text


def test_print_spec_turns_state_colours_into_distinct_greys():
    spec = {"encoding": {"color": {"scale": {"range": ["#1b7f3b", "#F2A900", "#c62828"]}}}}
    assert print_spec(spec)["encoding"]["color"]["scale"]["range"] == [
        "#1a1a1a",
        "#6e6e6e",
        "#ffffff",
    ]


# -- Excel ----------------------------------------------------------------------------------------


def test_excel_has_every_sheet_with_its_rows_frozen_header_and_filter(
    kabupaten_recap, kabupaten_xlsx
):
    book = workbook(kabupaten_xlsx)
    # The demo has rosters and TPS lists, so the assignment sheet follows the fixed ones.
    assert book.sheetnames == [*SHEET_ORDER, "Penugasan TPS"]
    for name in SHEET_ORDER[1:]:
        sheet, frame = book[name], kabupaten_recap.sheets[name]
        assert [c.value for c in sheet[1]] == frame.columns, name
        assert sheet.max_row - 1 == max(frame.height, 1), name
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref, name
        assert sheet.column_dimensions["A"].width > 8, name
    assert book["Ringkasan"].freeze_panes == "A2"


def test_excel_numbers_are_numbers_dates_dates_and_nik_text(demo_template, kabupaten_xlsx):
    book = workbook(kabupaten_xlsx)
    summary = reports.overview(demo_template, Scope("17.02")).summary
    per_desa = book["Per Desa"]
    assert all(isinstance(v.value, int) for v in column(per_desa, "Kebutuhan"))
    assert sum(v.value for v in column(per_desa, "Kebutuhan")) == summary["officers_required"]
    firsts = [c for c in column(per_desa, "Pertama mengirim") if c.value is not None]
    assert len(firsts) == summary["desa_submitted"]
    assert all(isinstance(c.value, dt.datetime) and c.is_date for c in firsts)
    ready = [c for c in column(per_desa, "Siap %") if c.value is not None]
    assert all(isinstance(c.value, int | float) and "%" in c.number_format for c in ready)
    assert all(0 <= c.value <= 1 for c in ready)
    per_kecamatan = book["Per Kecamatan"]
    assert sum(c.value for c in column(per_kecamatan, "Terdaftar")) == 710
    niks = column(book["Belum BPJS"], "NIK")
    assert niks
    assert all(c.data_type == "s" and len(c.value) == 16 for c in niks)
    labels = {r[0].value: r[1] for r in book["Ringkasan"].iter_rows(min_row=2)}
    assert labels["Linmas terdaftar"].value == summary["officers_registered"]
    assert labels["Hari pemungutan suara"].value == dt.datetime(2024, 11, 27)
    assert labels["Keadaan per (WIB)"].value == dt.datetime(2024, 11, 20, 14, 5)


def test_excel_reads_back_typed_with_fastexcel(kabupaten_recap, kabupaten_xlsx):
    frame = pl.read_excel(io.BytesIO(kabupaten_xlsx), sheet_name="Per Kecamatan")
    assert frame.height == 15
    assert frame["Kebutuhan"].dtype.is_integer()
    assert frame["Kebutuhan"].sum() == kabupaten_recap.headline["officers_required"]
    assert frame["Kode"].to_list() == kabupaten_recap.sheets["Per Kecamatan"]["Kode"].to_list()


# -- formulas, masking, audit, scope --------------------------------------------------------------


@pytest.fixture
def formula_roster(demo_store, roster_builder, nik_builder):
    """A silent desa sends names that spreadsheets would run as formulas."""
    desa = demo_store.villages(Scope(SILENT_DESA_KECAMATAN))["desa_code"][0]
    names = ['=HYPERLINK("http://contoh.invalid","klik")', "+62 Budi", "@SUM(A1)", "-1+2"]
    niks = [
        nik_builder(i + 1, kecamatan_code=SILENT_DESA_KECAMATAN, born=dt.date(1960, 1, 1))
        for i in range(len(names))
    ]
    officers = roster_builder(niks, nama=names)
    demo_store.store_roster(
        ADMIN,
        desa,
        officers,
        no_findings(),
        file_name="rumus.xlsx",
        sha256="0" * 64,
        counts={"accepted": len(names)},
    )
    return names


def test_formula_like_names_come_out_inert_in_excel_and_csv(demo_store, formula_roster):
    made = exports.export(demo_store, ADMIN, "xlsx", Scope("17.02"), now=NOW)
    book = workbook(made.data)
    for sheet in book.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), sheet.title
    with zipfile.ZipFile(io.BytesIO(made.data)) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in xml
    shown = {c.value for c in column(book["Belum BPJS"], "Nama")}
    assert {"'" + name for name in formula_roster} <= shown
    recap = exports.build_recap(demo_store, Scope("17.02"), now=NOW)
    csv = exports.csv_bytes(recap.sheets["Belum BPJS"]).decode("utf-8-sig")
    assert "'=HYPERLINK(" in csv
    assert "\n=HYPERLINK" not in csv
    assert ",=HYPERLINK" not in csv


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_prefixes_every_formula_start(start):
    frame = pl.DataFrame({"nama": [f"{start}1+1", "Ma’ruf", None]})
    out = frame.select(exports.neutralise("nama"))["nama"].to_list()
    assert out == [f"'{start}1+1", "Ma’ruf", None]


def test_nik_and_phone_are_masked_by_default(demo_store):
    real = demo_store.officers(Scope("17.02"))
    made = exports.export(demo_store, HEAD, "xlsx", Scope("17.02"), now=NOW)
    with zipfile.ZipFile(io.BytesIO(made.data)) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert not [nik for nik in real["nik"] if nik in strings]
    assert not [hp for hp in real["no_hp"] if hp in strings]
    niks = column(workbook(made.data)["Belum BPJS"], "NIK")
    assert all("••••" in c.value for c in niks)


def test_unmasked_export_only_for_admin_and_audited(demo_store):
    before = demo_store.count("audit_log")
    with pytest.raises(AccessDenied):
        exports.export(demo_store, HEAD, "xlsx", Scope("17.02"), now=NOW, unmasked=True)
    assert demo_store.count("audit_log") == before
    made = exports.export(demo_store, ADMIN, "xlsx", Scope("17.02"), now=NOW, unmasked=True)
    niks = [c.value for c in column(workbook(made.data)["Belum BPJS"], "NIK")]
    assert set(niks) <= set(demo_store.officers(Scope("17.02"))["nik"])
    entry = demo_store.audit_log(limit=1).row(0, named=True)
    assert (entry["action"], entry["username"]) == ("export.xlsx", "admin.kab")
    assert json.loads(entry["detail"])["unmasked"] is True


@pytest.mark.parametrize("kind", exports.FORMATS)
def test_every_export_is_written_to_the_audit_log(demo_store, kind):
    before = demo_store.count("audit_log")
    made = exports.export(demo_store, CURUP, kind, Scope("17.02.09"), now=NOW)
    assert demo_store.count("audit_log") == before + 1
    entry = demo_store.audit_log(limit=1).row(0, named=True)
    assert entry["action"] == f"export.{kind}"
    assert (entry["username"], entry["role"], entry["target"]) == (
        "op.curup",
        "operator_kecamatan",
        "17.02.09",
    )
    detail = json.loads(entry["detail"])
    assert detail == {"file_name": made.file_name, "unmasked": False, "bytes": len(made.data)}
    assert (
        made.file_name
        == f"rekap_linmas_17.02.09{'_per_desa' if kind == 'csv' else ''}_20241120-1405.{kind}"
    )


def test_kecamatan_operator_exports_only_its_kecamatan(demo_store):
    with pytest.raises(AccessDenied):
        exports.export(demo_store, CURUP, "pdf", Scope("17.02"), now=NOW)
    recap = exports.build_recap(demo_store, Scope("17.02.09"), now=NOW)
    codes = recap.sheets["Per Desa"]["Kode desa"]
    assert codes.len() == 9
    assert codes.str.starts_with("17.02.09.").all()
    assert recap.region_name == "Kecamatan Curup, Kabupaten Rejang Lebong"
    assert recap.sheets["Per Kecamatan"]["Kode"].to_list() == ["17.02.09"]


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_has_bom_and_one_row_per_desa(kabupaten_recap):
    data = exports.render(kabupaten_recap, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(io.BytesIO(data[3:]), infer_schema_length=0)
    assert frame.height == 156
    assert frame.columns == kabupaten_recap.sheets["Per Desa"].columns


def test_csv_semicolon_variant_writes_decimal_commas(kabupaten_recap):
    data = exports.render(kabupaten_recap, "csv", separator=";").decode("utf-8-sig")
    frame = pl.read_csv(io.StringIO(data), separator=";", infer_schema_length=0)
    assert frame.height == 156
    rates = frame["Siap %"].drop_nulls()
    assert rates.str.contains(",").any()
    assert not rates.str.contains(r"\.").any()


# -- pure helpers and CLI -------------------------------------------------------------------------


def test_duplicates_finds_same_nik_and_same_person():
    frame = pl.DataFrame(
        {
            "nik": ["1", "1", "2", "3", "4"],
            "nama": ["Budi", "Budi", "Sri  Rahayu", "sri rahayu", "Eko"],
            "tanggal_lahir": [dt.date(1990, 1, 1)] * 2 + [dt.date(1980, 5, 5)] * 2 + [None],
        }
    )
    found = exports.duplicates(frame)
    assert found.select("nik", "duplicate_kind").rows() == [
        ("1", "NIK sama"),
        ("1", "NIK sama"),
        ("2", "Nama dan tanggal lahir sama"),
        ("3", "Nama dan tanggal lahir sama"),
    ]


def test_cli_export_writes_each_format(demo_store, tmp_path, capsys):
    for kind in exports.FORMATS:
        out = tmp_path / "jadwal" / f"rekap.{kind}"
        code = main(
            ["export", "--db", str(demo_store.path), "--format", kind, "--out", str(out)]
            + ["--kecamatan", "17.02.09"]
        )
        assert code == 0
        assert out.stat().st_size > 0
        assert f"Rekap {kind.upper()} ditulis: {out}" in capsys.readouterr().out
    assert workbook((tmp_path / "jadwal" / "rekap.xlsx").read_bytes())["Per Desa"].max_row == 10
    assert not list((tmp_path / "jadwal").glob("*.sebagian"))


def test_cli_export_unknown_kecamatan_is_one_indonesian_line(demo_store, tmp_path, capsys):
    out = tmp_path / "rekap.pdf"
    code = main(
        ["export", "--db", str(demo_store.path), "--format", "pdf", "--out", str(out)]
        + ["--kecamatan", "17.02.99"]
    )
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("Galat: Kode kecamatan '17.02.99' tidak dikenal")
    assert "\n" not in err
    assert not out.exists()
