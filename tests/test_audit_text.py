"""The audit log reads as sentences: no action codes, no JSON, region names instead of codes."""

from __future__ import annotations

import polars as pl

from readiness import audit_text, auth
from readiness.db import Actor
from readiness.scope import Scope

PASSWORD = "kata-sandi-panjang-1"


def test_every_action_has_a_sentence():
    assert set(auth.ACTION_LABELS) <= set(audit_text.SENTENCES)
    assert audit_text.sentence("auth.login", "admin", None) == "admin masuk"
    assert audit_text.sentence("x.new", "admin", "t") == "admin: x.new (t)"


def test_details_read_as_text():
    detail = '{"file_name": "daftar.xlsx", "accepted": 1200, "rejected": 0, "note": null}'
    assert audit_text.readable_detail(detail) == (
        "berkas: daftar.xlsx; diterima: 1.200; ditolak: 0; catatan: —"
    )
    assert audit_text.readable_detail("{}") == "—"
    assert audit_text.readable_detail(None) == "—"
    accounts = '{"accounts": [{"username": "a"}, {"username": "b"}], "modules": ["P", "K"]}'
    assert audit_text.readable_detail(accounts) == "akun: 2; materi: P, K"


def test_real_log_rows_become_sentences_with_region_names(store):
    admin = auth.create_first_admin(store, "admin", PASSWORD)
    auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    auth.set_disabled(store, admin, "kec.17.02.06", disabled=True)
    auth.login(store, "admin", PASSWORD)
    entries = store.audit_entries(Actor("t", "admin", Scope("")))
    table = audit_text.audit_view(store, entries, admin.scope)
    assert table.columns == ["No.", "Waktu", "Tindakan", "Peran", "Rincian"]
    sentences = table["Tindakan"].to_list()
    assert "admin menonaktifkan akun kec.17.02.06" in sentences
    assert "admin masuk" in sentences
    assert not any("auth." in s or "user." in s for s in sentences)
    assert not any(d.startswith("{") for d in table["Rincian"].to_list())
    assert "cara: kata sandi" in table["Rincian"].to_list()
    returned = entries.head(1).with_columns(
        action=pl.lit("submission.return"), target=pl.lit("17.02.06.1004")
    )
    names = audit_text.region_lookup(store, admin.scope)
    region = audit_text.readable_audit_table(returned, names)
    assert region["Tindakan"][0] == f"admin mengembalikan daftar {names['17.02.06.1004']} ke desa"
    assert "17.02.06.1004" not in region["Tindakan"][0]


def test_audit_page_shows_sentences(env_db, store, app_as):
    auth.create_first_admin(store, "admin", PASSWORD)
    auth.login(store, "admin", PASSWORD)
    at = app_as("admin").run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert "admin masuk" in shown["Tindakan"].tolist()
    assert "Kode" not in shown.columns


def test_akun_page_picks_the_region_by_name(env_db, store, app_as):
    at = app_as("admin").run()
    at.switch_page("pages/users.py").run()
    assert not at.exception
    picker = at.selectbox(key="new_user_region")
    assert picker.value == "17.02"  # the admin's own kabupaten first
    labels = picker.options
    assert labels[0].startswith("Kabupaten ")
    assert any(label.startswith("Kecamatan ") for label in labels)
    assert any(label.startswith("Desa/Kel. ") and "(Kecamatan " in label for label in labels)
    assert not any(label[:2].isdigit() for label in labels)  # names, never bare codes
