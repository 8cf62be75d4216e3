"""Security partners (mitra_keamanan): TPS, rawan levels and coverage, never a linmas's personal data."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from conftest import make_nik
from test_rawan_store import FILES, OFFICER_NAMES, fill

from readiness import cli
from readiness.scope import Scope

# What must never reach a security partner: names, NIKs, phone numbers of linmas.
PERSONAL = [*OFFICER_NAMES, *(make_nik(i) for i in range(1, 5)), "081234567890", "0812"]
USER = ["--user", "polres.rl"]


@pytest.fixture
def partner_db(filled_store, capsys):
    store = filled_store("rawan_tps", fill)
    db = ["--db", str(store.path)]
    assert cli.main(["rawan", "import", str(FILES / "good.csv"), *db]) == 0
    code = cli.main(["user", "add", "polres.rl", "--role", "mitra_keamanan", "--region", "17.02",
                     "--name", "Kasat Intelkam Polres", *db])  # fmt: skip
    assert code == 0
    capsys.readouterr()
    return store, db


def assert_no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text


def test_account_is_created_like_others_and_audited(partner_db):
    store, _ = partner_db
    record = store.user_record("polres.rl")
    assert (record["role"], record["region_code"]) == ("mitra_keamanan", "17.02")
    audit = store.read("SELECT action, target FROM audit_log WHERE target = 'polres.rl'")
    assert audit.height >= 1


def test_cli_as_partner_reads_counts_and_is_refused_personal_data(partner_db, capsys, tmp_path):
    _, db = partner_db
    assert cli.main(["rawan", "list", *USER, *db]) == 0
    out = capsys.readouterr().out
    assert "Kota Padang · Kota Padang · TPS 1: Sangat rawan (Bawaslu) — linmas 3 dari 3" in out
    assert_no_personal_data(out)
    assert cli.main(["summary", "--json", *USER, *db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sangat_rawan_tps"] == 2
    assert_no_personal_data(json.dumps(data))
    out_file = tmp_path / "rawan.xlsx"
    assert cli.main(["export", "--format", "rawan-xlsx", "--out", str(out_file), *USER, *db]) == 0
    capsys.readouterr()
    book = openpyxl.load_workbook(io.BytesIO(out_file.read_bytes()))
    cells = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r)
    assert "Sangat rawan" in cells
    assert_no_personal_data(cells)
    for fmt in ("xlsx", "csv", "pdf"):
        target = tmp_path / f"rekap.{fmt}"
        assert cli.main(["export", "--format", fmt, "--out", str(target), *USER, *db]) == 1
        assert "tidak berwenang mengunduh rekap berisi nama linmas" in capsys.readouterr().err
        assert not target.exists()
    pending = tmp_path / "pending.csv"
    assert cli.main(["bpjs", "pending", "--out", str(pending), *USER, *db]) == 1
    assert not pending.exists()
    assert cli.main(["rawan", "import", str(FILES / "good.csv"), *USER, *db]) == 1


def _all_text(at) -> str:
    """Every value the page shows: markdown, captions, alerts, metrics and table cells."""
    parts = [str(e.value) for kind in ("markdown", "caption", "info", "success", "error",
             "warning", "title", "header", "subheader") for e in getattr(at, kind)]  # fmt: skip
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def test_partner_sees_only_the_peta_kerawanan_without_personal_data(partner_db, app_as,
                                                                     monkeypatch):  # fmt: skip
    store, _ = partner_db
    monkeypatch.setenv("READINESS_DB", str(store.path))
    at = app_as("mitra_keamanan", "17.02").run()
    assert not at.exception
    shown = _all_text(at)
    assert "TPS sangat rawan" in shown
    assert "Kota Padang" in shown
    assert_no_personal_data(shown)
    for page in ("pages/readiness.py", "pages/overview.py", "pages/export.py", "pages/tps.py",
                 "pages/verification.py", "pages/users.py", "pages/duty.py"):  # fmt: skip
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    assert not at.file_uploader  # importing is the admin's
    at.button(key="rawan_export_prepare").click().run()
    assert not at.exception
    data = at.session_state["rawan_xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r)
    assert "Bawaslu" in cells
    assert_no_personal_data(cells)
    exports = store.read("SELECT username FROM audit_log WHERE action = 'export.rawan-xlsx'")
    assert exports["username"].to_list() == ["test.mitra_keamanan.17.02"]


def test_admin_imports_and_edits_levels_on_the_page(partner_db, app_as, monkeypatch):
    store, _ = partner_db
    monkeypatch.setenv("READINESS_DB", str(store.path))
    at = app_as("admin").run()
    at.switch_page("pages/rawan.py").run()
    assert not at.exception
    at.file_uploader(key="rawan_file").upload(
        "salah.csv", (FILES / "bad_level.csv").read_bytes(), "text/csv"
    ).run()
    assert "Berkas salah.csv ditolak" in at.error[0].value
    assert not [b for b in at.button if b.key == "rawan_import_save"]
    at.selectbox(key="rawan_edit_kecamatan").set_value("17.02.06").run()
    at.selectbox(key="rawan_edit_desa").set_value("17.02.06.1016").run()
    at.selectbox(key="rawan_tps").set_value(2)
    at.selectbox(key="rawan_level").set_value("sangat_rawan")
    at.selectbox(key="rawan_source").set_value("Polres")
    at.text_input(key="rawan_reason").input("jalan putus saat hujan")
    at.button(key="rawan_save").click().run()
    assert not at.exception
    assert "TPS 2 Dusun Baru: Sangat rawan (sumber Polres) disimpan." in at.success[0].value
    levels = store.rawan_tps(Scope("17.02.06.1016")).select("tps_number", "level").rows()
    assert levels == [(1, None), (2, "sangat_rawan")]


def test_readiness_page_form_is_level_aware(partner_db, app_as, monkeypatch):
    store, _ = partner_db
    monkeypatch.setenv("READINESS_DB", str(store.path))
    at = app_as("admin").run()
    at.switch_page("pages/readiness.py").run()
    assert not at.exception
    assert at.selectbox(key="rawan_level").options == ["Tidak rawan", "Rawan", "Sangat rawan"]


def test_admin_creates_a_partner_account_on_the_akun_page(partner_db, app_as, monkeypatch):
    store, _ = partner_db
    monkeypatch.setenv("READINESS_DB", str(store.path))
    at = app_as("admin").run()
    at.switch_page("pages/users.py").run()
    at.text_input(key="new_user_username").input("kodim.0409")
    at.selectbox(key="new_user_role").set_value("mitra_keamanan")
    at.selectbox(key="new_user_region").set_value("17.02")
    at.button(key="new_user_submit").click().run()
    assert not at.exception
    record = store.user_record("kodim.0409")
    assert (record["role"], record["region_code"]) == ("mitra_keamanan", "17.02")
    logged = store.read("SELECT username FROM audit_log WHERE target = 'kodim.0409'")
    assert logged["username"].to_list() == ["test.admin.17.02"]


def test_partner_sees_the_milestone_status_without_personal_data(partner_db, app_as,
                                                                  monkeypatch):  # fmt: skip
    store, _ = partner_db
    monkeypatch.setenv("READINESS_DB", str(store.path))
    at = app_as("mitra_keamanan", "17.02").run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    shown = _all_text(at)
    assert "kecamatan tepat waktu" in shown  # the plan headline
    assert "Daftar linmas" in shown  # the milestone table
    assert "plan_save" not in [b.key for b in at.button]  # changing the plan is the admin's
    assert_no_personal_data(shown)
