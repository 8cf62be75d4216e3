"""Issue 5 through the page: upload, verdict per row, store as a version; rejections store nothing."""

from __future__ import annotations

import polars as pl
from conftest import DASHBOARD, make_nik
from streamlit.testing.v1 import AppTest

from readiness import roster
from readiness.ingest import RawTable
from readiness.scope import Scope

DESA = "17.02.06.2001"  # Derati, kecamatan Kota Padang (17.02.06)


def roster_csv() -> bytes:
    good = make_nik(1)
    lines = [
        "DAFTAR LINMAS DESA DERATI;;;;",
        "Nama;NIK;L/P;Tanggal Lahir;No. HP",
        f"Budi Santoso;{good};L;17-05-1990;0812-3456-7890",
        "Tanpa Nik;12345;L;01-01-1980;081234567891",
        ";;;;",
        "JUMLAH;2;;;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def open_upload_page() -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    at.switch_page("pages/upload.py").run()
    at.selectbox(key="upload_kecamatan").set_value("17.02.06").run()
    at.selectbox(key="upload_desa").set_value(DESA).run()
    return at


def test_upload_page_shows_verdict_and_stores_a_version(env_db, store):
    at = open_upload_page()
    at.file_uploader(key="roster_file").upload("derati.csv", roster_csv(), "text/csv").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Ditolak"] == "1"
    assert shown["Dilewati"] == "2"
    findings = at.dataframe[0].value
    assert list(findings["Baris"]) == [4]
    assert store.count("officers") == 0  # nothing stored before the operator submits

    at.button(key="submit_roster").click().run()
    assert not at.exception
    assert any("versi 1" in s.value for s in at.success)
    assert store.count("officers") == 1
    submission = store.submissions(Scope(DESA))
    assert submission["rows_rejected"].to_list() == [1]


def test_rejected_file_shows_message_and_stores_nothing(env_db, store):
    before = store.count("submissions")
    at = open_upload_page()
    at.file_uploader(key="roster_file").upload("kosong.csv", b"", "text/csv").run()
    assert not at.exception
    assert at.error, "an empty file must be refused with a message"
    assert "kosong" in at.error[0].value.lower()
    assert store.count("submissions") == before


def test_apply_edits_replaces_only_the_corrected_row():
    raw = RawTable(
        frame=pl.DataFrame({"Nama": ["A", "B"], "NIK": ["1", "2"], "_row": [3, 4]}),
        detected={},
    )
    edited = pl.DataFrame({"Nama": ["B"], "NIK": ["1702061705900002"], "_row": [4]})
    fixed = roster.apply_edits(raw, edited)
    assert fixed.frame.to_dicts() == [
        {"Nama": "A", "NIK": "1", "_row": 3},
        {"Nama": "B", "NIK": "1702061705900002", "_row": 4},
    ]
