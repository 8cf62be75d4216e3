"""The Ekspor page: scoped to the user's region, previews, three one-click downloads, masking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from conftest import copy_database
from streamlit.testing.v1 import AppTest

from readiness import formatting as fmt
from readiness import reports
from readiness.config import load_settings
from readiness.db import WIB, Actor, Store
from readiness.scope import Scope

SHEETS = ("Per Kecamatan", "Per Desa", "Belum Mengirim", "Belum BPJS", "Belum Pelatihan")
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch):
    path = tmp_path / "demo.duckdb"
    copy_database(demo_template.path, path)
    monkeypatch.setenv("READINESS_DB", str(path))
    return path


def open_export_page(actor: Actor) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["actor"] = actor
    at.run()
    at.switch_page("pages/export.py").run()
    assert not at.exception
    return at


def ui_today() -> dt.date:
    return dt.datetime.now(WIB).date()


def belum_bpjs(at: AppTest):
    """The preview of the Belum BPJS list (AppTest does not expose dataframe keys)."""
    return pl.from_pandas(at.dataframe[SHEETS.index("Belum BPJS")].value)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_admin_sees_kabupaten_figures_downloads_and_previews(demo_db):
    at = open_export_page(Actor("admin.kab", "admin", Scope("17.02")))
    store = Store.open(demo_db, load_settings())
    summary = reports.overview(store, Scope("17.02")).summary
    ready = reports.readiness(store, Scope("17.02"), ui_today()).summary
    assert metrics(at) == {
        "Kecamatan lengkap": f"{summary['kecamatan_complete']} dari 15",
        "Desa mengirim": f"{summary['desa_submitted']} dari 156",
        "Linmas terdaftar": f"{fmt.number(summary['officers_registered'])} dari 890",
        "Siap bertugas": fmt.percent(ready["ready_rate"]),
    }
    keys = [b.key for b in at.get("download_button")]
    assert keys == ["export_pdf", "export_xlsx", "export_csv"]
    assert len(at.dataframe) == 8  # seven recap lists and the TPS assignments
    assert at.checkbox(key="export_unmasked").value is False
    assert not at.error


def test_admin_can_pick_one_kecamatan(demo_db):
    at = open_export_page(Actor("admin.kab", "admin", Scope("17.02")))
    at.selectbox(key="export_region").set_value("17.02.09").run()
    assert not at.exception
    assert metrics(at)["Desa mengirim"] == "9 dari 9"
    assert metrics(at)["Kecamatan lengkap"] == "1 dari 1"


def test_kecamatan_operator_is_held_to_its_kecamatan_and_masked(demo_db):
    at = open_export_page(Actor("op.curup", "operator_kecamatan", Scope("17.02.09")))
    assert "export_region" not in [s.key for s in at.selectbox]
    assert "export_unmasked" not in [c.key for c in at.checkbox]
    assert metrics(at)["Linmas terdaftar"] == "53 dari 56"
    preview = belum_bpjs(at)
    assert preview.height > 0
    assert preview["NIK"].str.contains("••••").all()
    assert preview["Desa/Kelurahan"].n_unique() <= 9


def test_head_sees_no_unmasked_option(demo_db):
    at = open_export_page(Actor("kasatpol", "pimpinan", Scope("17.02")))
    assert "export_unmasked" not in [c.key for c in at.checkbox]
    assert len(at.get("download_button")) == 3


def test_admin_preview_unmasks_only_when_asked(demo_db):
    at = open_export_page(Actor("admin.kab", "admin", Scope("17.02")))
    assert belum_bpjs(at)["NIK"].str.contains("•").all()
    at.checkbox(key="export_unmasked").check().run()
    assert not at.exception
    niks = belum_bpjs(at)["NIK"]
    assert not niks.str.contains("•").any()


def test_duty_documents_are_offered_per_kecamatan_not_for_the_whole_kabupaten(demo_db):
    head = open_export_page(Actor("kasatpol", "pimpinan", Scope("17.02")))
    assert [b.key for b in head.get("download_button")] == [
        "export_pdf",
        "export_xlsx",
        "export_csv",
    ]
    assert any("pilih satu kecamatan" in c.value for c in head.caption)
    head.selectbox(key="export_region").set_value("17.02.09").run()
    assert not head.exception
    duty = [b for b in head.get("download_button") if b.key.startswith("export_duty_")]
    assert [b.key for b in duty] == ["export_duty_sk", "export_duty_kartu", "export_duty_honor"]
    assert not any(b.proto.disabled for b in duty)  # Curup has a roster in force

    operator = open_export_page(Actor("op.curup", "operator_kecamatan", Scope("17.02.09")))
    keys = [b.key for b in operator.get("download_button")]
    assert keys[3:] == ["export_duty_sk", "export_duty_kartu", "export_duty_honor"]
