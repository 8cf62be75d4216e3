"""Every CSV and XLSX the product hands out, built with hostile text in every text column:
no cell may start like a formula, and numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
from conftest import actor_for
from roster_builder import csv_bytes, person

from readiness import (
    action_lists,
    auth,
    exports,
    reports,
    roster,
    spreadsheet,
    tables,
    templates,
)
from readiness import readiness_imports as imports
from readiness.scope import Scope

DESA = "17.02.06.2001"
ADMIN = actor_for("admin")
HOSTILE = [
    '=HYPERLINK("http://contoh.invalid/x","klik")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=2+2",
]
NOW = dt.datetime(2024, 11, 20, 14, 5, tzinfo=dt.UTC)


def cells_of(name: str, data: bytes) -> list[tuple[str, object, str]]:
    """(where, value, kind) of every cell; kind is 'n' for numbers, 'f' formulas, 's' text."""
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig")
        dialect = (
            ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        )
        out = []
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=dialect)):
            for c, value in enumerate(row):
                try:
                    float(value.replace(",", "."))
                    kind = "n"
                except ValueError:
                    kind = "s"
                out.append((f"{name} {r}:{c}", value, kind))
        return out
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        (f"{name} {sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.fixture
def hostile_store(store):
    """A fresh database with one desa whose roster carries formula-like free text everywhere."""
    rows = [
        person(i + 1, **{"Tempat Lahir": h, "Alamat": h, "Keterangan": h, "Status BPJS": "Tidak"})
        for i, h in enumerate(HOSTILE)
    ]
    rows.append(person(50, Nama="=1+1"))  # refused: a name is never stored formula-like
    checked = roster.check_roster_file(store, DESA, csv_bytes(rows), "rumus.csv")
    roster.store_checked_roster(store, ADMIN, checked)
    store.record_event(ADMIN, "auth.login_failed", HOSTILE[0], note=HOSTILE[1])
    return store, checked


def test_importer_stores_formula_like_free_text_inert_and_warns(hostile_store):
    store, checked = hostile_store
    stored = store.read(
        "SELECT tempat_lahir, alamat, keterangan FROM officers WHERE submission_id = "
        "(SELECT max(id) FROM submissions WHERE desa_code = ?)",
        [DESA],
    )
    assert stored.height == len(HOSTILE)
    for column in stored.columns:
        values = stored[column].to_list()
        assert not any(v.startswith(spreadsheet.FORMULA_STARTS) for v in values), column
        assert "'=1+1" in values  # "\t=1+1": the tab is trimmed, the formula still made inert
    codes = set(checked.verdict.findings["code"].to_list())
    assert {"tempat_lahir_formula", "alamat_formula", "keterangan_formula"} <= codes
    assert "nama_formula" in codes


def every_download(store, checked) -> dict[str, bytes]:
    """Every file the pages and the CLI offer, for the whole kabupaten, unmasked where allowed."""
    scope = Scope("17.02")
    recap = exports.build_recap(store, scope, now=NOW, unmasked=True)
    files = {
        "rekap.xlsx": exports.render(recap, "xlsx"),
        "rekap.csv": exports.render(recap, "csv"),
        "rekap_titik_koma.csv": exports.render(recap, "csv", separator=";"),
        "bpjs_belum_terdaftar.csv": imports.enrolment_csv(
            store, ADMIN, reports.readiness_people(store, scope).officers, unmasked=True
        )(),
        "templat.csv": templates.template_csv(),
        "templat.xlsx": templates.template_xlsx(min_age=17),
    }
    for sheet, frame in recap.sheets.items():
        files[f"rekap_{tables.slug(sheet)}.csv"] = exports.csv_bytes(frame)
    ready = reports.readiness(store, scope, NOW.date())
    people = reports.readiness_people(store, scope)
    lists = action_lists.action_lists(
        ready.desa, people.officers, people.tps, deadline="x", sender="y"
    )
    for title, frame in lists.items():
        files[f"tindakan_{tables.slug(title)}.csv"] = tables.csv_bytes(frame)
    audit = auth.audit_table(store.audit_entries(ADMIN))
    files["log_audit.csv"] = spreadsheet.csv_bytes(audit)
    files["log_audit.xlsx"] = auth.table_xlsx(audit, title="Log audit")
    for download in roster.findings_downloads(checked):
        files[download["file_name"]] = download["data"]
    accounts = pl.DataFrame(
        {
            "username": ["desa.17.02.06.2001"],
            "full_name": ["x"],
            "role": ["operator_desa"],
            "region_code": ["17.02.06.2001"],
            "region_name": [HOSTILE[0]],
            "password": ["-abc-def"],
        }
    )
    files["akun_operator.xlsx"] = auth.credentials_xlsx(accounts, title="Akun")
    return files


def test_no_download_holds_a_live_formula(hostile_store):
    store, checked = hostile_store
    files = every_download(store, checked)
    seen_hostile = set()
    for name, data in files.items():
        for where, value, kind in cells_of(name, data):
            assert kind != "f", where
            if isinstance(value, str) and kind != "n":
                assert not value.startswith(spreadsheet.FORMULA_STARTS), (where, value)
                seen_hostile.update(h for h in HOSTILE if value == "'" + h.strip())
    # the hostile text really reached the files (so the check above is not vacuous)
    assert seen_hostile >= {HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]}
    bpjs = files["bpjs_belum_terdaftar.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK(" in bpjs
    assert "'+cmd" in bpjs


def test_numbers_stay_numbers_in_csv_and_xlsx():
    frame = pl.DataFrame(
        {"Nama": ["-1+1", "Budi"], "Jumlah": [-3, 4], "Siap %": [-1.5, 50.0], "Teks": ["-5", "5"]}
    )
    text = spreadsheet.csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["'-1+1,-3,-1.5,'-5", "Budi,4,50.0,5"]
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.xlsx_bytes({"x": frame})))
    row = [c.value for c in book["x"][2]]
    assert row == ["'-1+1", -3, -0.015, "'-5"]
