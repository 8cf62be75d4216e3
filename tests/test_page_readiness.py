"""The Kesiapan, BPJS and Pelatihan pages through AppTest on the demo database."""

from __future__ import annotations

import json

from conftest import DASHBOARD
from streamlit.testing.v1 import AppTest

from readiness import formatting as fmt
from readiness.cli import main
from readiness.db import Actor
from readiness.scope import Scope

ADMIN = Actor("admin", "admin", Scope("17.02"))


def table(at: AppTest, column: str, index: int = 0):
    """The index-th table on the page that has ``column`` (AppTest finds tables by position)."""
    return [d.value for d in at.dataframe if column in d.value.columns][index]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.session_state["actor"] = ADMIN
    at.run()
    at.switch_page(page).run()
    return at


def test_kesiapan_page_shows_the_cli_numbers_and_every_list(demo_store, monkeypatch, capsys):
    assert main(["summary", "--json", "--db", str(demo_store.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = open_page("pages/readiness.py")
    assert not at.exception
    assert not at.error
    shown = {m.label: m.value for m in at.metric}
    assert shown["Linmas siap"] == fmt.percent(data["ready_rate"])
    assert shown["TPS tercukupi"] == f"{data['tps_covered']} dari {data['tps_total']}"
    headline = next(m.value for m in at.markdown if "linmas siap" in m.value)
    assert f"**{fmt.number(data['ready'])} dari 890 linmas siap" in headline
    assert "Paling tertinggal" in headline
    # the demo exercises every state: a ready kecamatan, critical ones, rawan TPS uncovered
    statuses = {k["readiness_status"] for k in data["kecamatan"]}
    assert statuses == {"siap", "perlu perhatian", "kritis"}
    assert data["rawan_uncovered"] > 0
    assert 0 < data["bpjs_enrolled"] < data["registered"]
    assert 0 < data["trained"] < data["registered"]

    kecamatan = table(at, "Kekurangan terbesar")
    assert len(kecamatan) == 15
    not_submitted = table(at, "Kebutuhan linmas")
    assert len(not_submitted) == data["desa_total"] - data["desa_submitted"]
    assert set(not_submitted["Kontak operator"]) == {"kontak belum ada"}
    officers = table(at, "Modul belum diikuti")
    assert officers["NIK"].str.contains("••••••••").all()


def test_kesiapan_filters_officers_by_state(demo_store, monkeypatch):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = open_page("pages/readiness.py")
    at.selectbox(key="drill_kecamatan").set_value("17.02.07").run()
    at.multiselect(key="drill_states").set_value(["belum BPJS"]).run()
    assert not at.exception
    officers = table(at, "Modul belum diikuti")
    assert set(officers["Keadaan"]) <= {"belum BPJS"}


def test_bpjs_page_imports_lists_and_undoes(demo_store, monkeypatch):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    missing = demo_store.officers(Scope("17.02")).filter(
        ~demo_store.officers(Scope("17.02"))["bpjs_enrolled"]
    )
    nik = missing["nik"][0]
    at = open_page("pages/bpjs.py")
    assert not at.exception
    before = demo_store.count("bpjs_records")
    content = f"NIK,No. KPJ,Status\n{nik},12345678901,Aktif\n1702060101900000,1,Aktif\n".encode()
    at.file_uploader(key="bpjs_file").upload("peserta.csv", content, "text/csv").run()
    assert not at.exception
    problems = table(at, "Alasan")
    assert list(problems["Baris"]) == [3, 3]
    assert demo_store.count("bpjs_records") == before
    at.button(key="bpjs_apply").click().run()
    assert not at.exception
    assert any("disimpan" in s.value for s in at.success)
    assert demo_store.count("bpjs_records") == before + 1
    enrolled = demo_store.officers(Scope("17.02")).filter(
        demo_store.officers(Scope("17.02"))["nik"] == nik
    )
    assert enrolled["bpjs_enrolled"].to_list() == [True]

    newest = int(demo_store.batches("bpjs")["id"][0])
    at.selectbox(key="bpjs_undo_batch").set_value(newest).run()
    at.button(key="bpjs_undo").click().run()
    assert not at.exception
    again = demo_store.officers(Scope("17.02")).filter(
        demo_store.officers(Scope("17.02"))["nik"] == nik
    )
    assert again["bpjs_enrolled"].to_list() == [False]


def test_training_page_opens_with_sessions(demo_store, monkeypatch):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = open_page("pages/training.py")
    assert not at.exception
    assert not at.error
    assert at.selectbox(key="session_pick").value is not None


def test_training_and_bpjs_writes_are_offered_to_admin_only(demo_store, monkeypatch):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    for page, write_keys in [
        ("pages/training.py", {"session_save", "attendance_undo", "attendance_save"}),
        ("pages/bpjs.py", {"bpjs_undo"}),
    ]:
        admin = open_page(page)
        assert write_keys <= {b.key for b in admin.button}, page
        head = AppTest.from_file(DASHBOARD, default_timeout=120)
        head.session_state["actor"] = Actor("pimpinan", "pimpinan", Scope("17.02"))
        head.run()
        head.switch_page(page).run()
        assert not head.exception
        assert not write_keys & {b.key for b in head.button}, page
        assert any("admin kabupaten" in c.value for c in head.caption), page


# -- the same file imported twice ----------------------------------------------------------------


def test_bpjs_page_refuses_a_file_already_imported_but_keeps_undo(demo_store, monkeypatch):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    officers = demo_store.officers(Scope("17.02"))
    nik = officers.filter(~officers["bpjs_enrolled"])["nik"][0]
    content = f"NIK,No. KPJ,Status\n{nik},12345678901,Aktif\n".encode()
    at = open_page("pages/bpjs.py")
    at.file_uploader(key="bpjs_file").upload("peserta.csv", content, "text/csv").run()
    at.button(key="bpjs_apply").click().run()
    batch = int(demo_store.batches("bpjs")["id"][0])
    at.run()  # the next rerun of this session says it was stored, and offers no second apply
    assert not at.exception
    assert not at.error
    assert any(f"Impor nomor {batch} disimpan" in m.value for m in at.success)
    assert "bpjs_apply" not in {b.key for b in at.button}
    again = open_page("pages/bpjs.py")  # another session (or a reload) with the same file
    again.file_uploader(key="bpjs_file").upload("peserta.csv", content, "text/csv").run()
    assert any(f"Batalkan impor nomor {batch} dulu" in e.value for e in again.error)
    assert "bpjs_apply" not in {b.key for b in again.button}
    at.selectbox(key="bpjs_undo_batch").set_value(batch).run()
    at.button(key="bpjs_undo").click().run()
    at.run()  # undone: the same file may be imported again
    assert not at.error
    at.button(key="bpjs_apply").click().run()
    assert not at.exception
    assert demo_store.batches("bpjs")["undone_at"].is_null().sum() == 2  # demo's + the new one
