"""The H-n plan on stored data: admin changes (CLI and page), summary --json, reminders, PDF."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import unquote

import polars as pl
import pytest
from pypdf import PdfReader

from readiness import action_lists, auth, export_pdf, exports, plan, plan_progress, reports
from readiness.cli import EXIT_ERROR, EXIT_OK, main
from readiness.config import load_settings
from readiness.db import WIB
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope
from tests.conftest import DEMO_TODAY, actor_for

KABUPATEN = "17.02"
MONTHS = {
    m: i
    for i, m in enumerate(
        ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"),
        start=1,
    )
}  # fmt: skip


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def frame_with(at, column: str):
    """The first table on the page with ``column`` (pandas, as AppTest hands it over)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def indonesian_dates(text: str, before: str) -> list[dt.date]:
    """Every "27 November 2024" written right after ``before`` in ``text``."""
    pattern = before + r" (\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})"
    return [dt.date(int(y), MONTHS[m], int(d)) for d, m, y in re.findall(pattern, text)]


# -- the admin's changes: stored, audited, applied over the settings ------------------------------


def test_set_milestone_is_stored_audited_and_applied(store):
    admin = actor_for("admin")
    changed = plan_progress.set_milestone(store, admin, "daftar", day="H-30", target="90")
    assert (changed.day, changed.target) == (30, 90.0)
    chosen = {m.code: m for m in plan_progress.milestones(store)}
    assert (chosen["daftar"].day, chosen["daftar"].target) == (30, 90.0)
    assert chosen["bpjs"] == next(m for m in store.settings.milestones if m.code == "bpjs")
    audit = store.audit_log().filter(pl.col("action") == "plan.set")
    assert audit.height == 1
    detail = json.loads(audit["detail"][0])
    assert detail["before"] == {"day": 21, "target": 100.0}
    assert (detail["day"], detail["target_percent"]) == (30, 90.0)
    table = plan_progress.plan_table(store, DEMO_TODAY)
    assert table.filter(pl.col("changed"))["code"].to_list() == ["daftar"]


@pytest.mark.parametrize(
    ("role", "code", "day", "target", "error"),
    [
        ("pimpinan", "daftar", "H-30", None, AccessDenied),
        ("operator_kecamatan", "daftar", "H-30", None, AccessDenied),
        ("admin", "nope", "H-30", None, ReadinessError),
        ("admin", "daftar", "30 hari", None, ReadinessError),
        ("admin", "daftar", None, "120", ReadinessError),
    ],
)
def test_refused_changes_store_nothing(store, role, code, day, target, error):
    actor = actor_for(role, "17.02.06" if role == "operator_kecamatan" else None)
    with pytest.raises(error):
        plan_progress.set_milestone(store, actor, code, day=day, target=target)
    assert store.milestone_overrides().height == 0
    assert plan_progress.milestones(store) == store.settings.milestones


def test_plan_commands_on_a_fresh_database(tmp_path, capsys):
    db = str(tmp_path / "fresh.duckdb")
    code, out, _ = run(capsys, "plan", "show", "--db", db)
    assert code == EXIT_OK
    assert "H-21" in out
    assert "Daftar linmas" in out
    code, out, _ = run(capsys, "plan", "set", "bimtek", "--day", "H-12", "--target", "95",
                       "--db", db)  # fmt: skip
    assert code == EXIT_OK
    assert out.strip() == "Milestone Bimtek disimpan: H-12 (15 November 2024), target 95%."
    code, out, _ = run(capsys, "plan", "show", "--json", "--db", db)
    data = json.loads(out)
    bimtek = next(m for m in data["milestones"] if m["code"] == "bimtek")
    assert bimtek | {"done_kecamatan": 0, "late_kecamatan": 0} == {
        "code": "bimtek", "label": "Bimtek", "day": "H-12", "due_date": "2024-11-15",
        "target": 95.0, "measure": "trained", "changed": True, "done_kecamatan": 0,
        "late_kecamatan": 0,
    }  # fmt: skip
    assert data["voting_date"] == "2024-11-27"
    code, _, err = run(capsys, "plan", "set", "bimtek", "--day", "H-400", "--db", db)
    assert code == EXIT_ERROR
    assert 'tertulis "H-400"' in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "plan", "set", "bimtek", "--db", db)
    assert code == EXIT_ERROR
    assert "--day H-N" in err


# -- summary --json and the page show the same milestones ----------------------------------------


def test_summary_json_milestones_equal_the_page(demo_store, capsys, monkeypatch, app_as):
    code, out, _ = run(capsys, "summary", "--json", "--db", str(demo_store.path))
    assert code == EXIT_OK
    data = json.loads(out)
    assert "days_to_vote" in data
    assert "kecamatan_total" in data
    assert [m["code"] for m in data["milestones"]] == ["daftar", "verifikasi", "bpjs", "bimtek",
                                                       "apel"]  # fmt: skip
    for item in data["milestones"]:
        assert set(item) == {"code", "due_date", "target", "done_kecamatan", "late_kecamatan"}
    assert all(isinstance(k["milestones_late"], int) for k in data["kecamatan"])
    assert len(data["kecamatan"]) == 15
    assert {"bpjs_enrolled", "readiness_status"} <= set(data["kecamatan"][0])

    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = app_as("admin").run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    page = frame_with(at, "Tercapai")
    total = len(data["kecamatan"])
    assert page["Tercapai"].to_list() == [
        f"{m['done_kecamatan']} dari {total} kecamatan" for m in data["milestones"]
    ]
    assert page["Terlambat"].to_list() == [
        f"{m['late_kecamatan']} dari {total} kecamatan" for m in data["milestones"]
    ]
    late = {k["kode"]: k["milestones_late"] for k in data["kecamatan"]}
    status = plan_progress.plan_status(
        demo_store, reports.readiness(demo_store, Scope(KABUPATEN), dt.datetime.now(WIB).date())
    )
    assert dict(status.kecamatan_late.select("kecamatan_code", "milestones_late").iter_rows()) == (
        late
    )


# -- the Rencana H-n page: the admin edits, others read ---------------------------------------------


def test_admin_moves_a_milestone_on_the_page(store, env_db, app_as):
    del store
    at = app_as("admin").run()
    at.switch_page("pages/plan.py").run()
    at.selectbox(key="plan_code").set_value("bpjs").run()
    at.text_input(key="plan_day").set_value("H-15")
    at.number_input(key="plan_target").set_value(80.0)
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert not at.error
    assert (
        at.success[0].value
        == "Milestone BPJS Ketenagakerjaan disimpan: H-15 (12 November 2024), target 80%."
    )
    schedule = frame_with(at, "Sumber")
    row = schedule[schedule["Kode"] == "bpjs"]
    assert list(row["Hari"]) == ["H-15"]
    assert list(row["Sumber"]) == ["Diubah admin"]
    at.text_input(key="plan_day").set_value("minggu depan")
    at.button(key="plan_save").click().run()
    assert 'tertulis "minggu depan"' in at.error[0].value


@pytest.mark.parametrize(
    ("role", "region"),
    [("pimpinan", None), ("operator_kecamatan", "17.02.06"), ("operator_desa", "17.02.06.2001")],
)
def test_others_read_the_plan_without_editing(store, env_db, app_as, role, region):
    del store
    at = app_as(role, region).run()
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "plan_save"]
    assert any("hanya untuk dibaca" in c.value for c in at.caption)
    assert list(frame_with(at, "Sumber")["Kode"]) == [m.code for m in load_settings().milestones]
    assert len(frame_with(at, "Tercapai")) == 5


def test_overview_and_readiness_lead_with_the_plan_headline(demo_store, monkeypatch, app_as):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = app_as("admin").run()
    assert not at.exception
    assert any("milestone" in i.value and "kecamatan" in i.value for i in at.info)
    at.switch_page("pages/readiness.py").run()
    assert not at.exception
    assert "milestone" in at.info[0].value
    assert "Desa tanpa kontak" in [t.label for t in at.tabs]


# -- reminders that fit the day (the demo, built for DEMO_TODAY) ----------------------------------


def demo_plan(store):
    view = reports.readiness(store, Scope(KABUPATEN), DEMO_TODAY)
    return view, plan_progress.plan_status(store, view)


def test_demo_reminders_name_overdue_milestones_never_a_passed_deadline(demo_store):
    _, status = demo_plan(demo_store)
    assert status.headline.startswith("Hari ini H-20: milestone Daftar linmas (H-21, ")
    reminders = plan_progress.desa_reminders(status, status.progress)
    late = status.desa_late.filter(pl.col("milestones_late") > 0)
    assert late.height > 0
    by_desa = dict(reminders.iter_rows())
    for row in late.iter_rows(named=True):
        assert re.search(r"terlambat \d+ hari dari target H-\d+", by_desa[row["desa_code"]])
    for message in by_desa.values():
        assert all(d >= DEMO_TODAY for d in indonesian_dates(message, "paling lambat"))
        assert all(d >= DEMO_TODAY for d in indonesian_dates(message, "batas"))


def test_demo_action_lists_most_overdue_first_with_plan_reminders(demo_store):
    _, before = demo_plan(demo_store)
    late = before.desa_late.filter(pl.col("days_late") > 0).sort("desa_code")
    desa_code = late["desa_code"][0]
    auth.add_user(demo_store, actor_for("admin"), "op.2001", "operator_desa", desa_code,
                  full_name="Sari", phone="081234567890")  # fmt: skip
    view, status = demo_plan(demo_store)
    people = reports.readiness_people(demo_store, Scope(KABUPATEN))
    sender = "Satpol PP Rejang Lebong"
    lists = action_lists.action_lists(view.desa, people.officers, people.tps,
                                deadline="5 November 2024", sender=sender)  # fmt: skip
    lists = plan_progress.plan_action_lists(lists, status, sender=sender)
    assert list(lists)[-1] == "Desa tanpa kontak"
    assert desa_code not in lists["Desa tanpa kontak"]["Desa/Kelurahan"].to_list()
    days = dict(status.desa_late.select("desa_code", "days_late").iter_rows())
    names = status.progress.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("desa_code"),
    )
    links = []
    for title, frame in lists.items():
        assert "Terlambat" in frame.columns, title
        order = frame.join(names, on=["Kecamatan", "Desa/Kelurahan"], how="left",
                           maintain_order="left")["desa_code"]  # fmt: skip
        overdue = [days.get(c, 0) for c in order.to_list()]
        assert overdue == sorted(overdue, reverse=True), title
        if "WhatsApp" in frame.columns:
            links += [unquote(u) for u in frame["WhatsApp"].to_list() if u]
    assert links, "the desa with a phone gets a WhatsApp link"
    for message in links:
        assert "paling lambat 5 November 2024" not in message
        assert all(d >= DEMO_TODAY for d in indonesian_dates(message, "paling lambat"))
        assert sender in message
    assert all(re.search(r"terlambat \d+ hari dari target H-\d+", m) for m in links)


def test_demo_status_per_kecamatan_and_desa(demo_store):
    _, status = demo_plan(demo_store)
    assert status.kecamatan["kecamatan_code"].n_unique() == 15
    daftar = status.kecamatan.filter(pl.col("code") == "daftar")
    # H-21 was 6 November: one day before DEMO_TODAY, so a kecamatan short of it is 1 day late.
    assert set(daftar.filter(pl.col("state") == "late")["days_late"].to_list()) <= {1}
    upcoming = status.kecamatan.filter(pl.col("code") == "apel")
    assert set(upcoming["state"].to_list()) <= {"upcoming", "done"}
    table = plan_progress.kecamatan_plan_table(status)
    assert table.columns == ["Kecamatan", "Milestone", "Hari", "Tanggal", "Capaian", "Persen",
                             "Keadaan"]  # fmt: skip
    assert table["Keadaan"].null_count() == 0


def test_apel_pdf_has_the_milestone_table(demo_store):
    now = dt.datetime.combine(DEMO_TODAY, dt.time(9), tzinfo=WIB)
    recap = exports.build_recap(demo_store, Scope(KABUPATEN), now=now)
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(export_pdf.pdf_bytes(recap))).pages
    )
    assert "Rencana H-n" in text
    assert "Hari ini H-20: milestone Daftar linmas" in text
    for row in recap.milestones.iter_rows(named=True):
        assert f"{row['Milestone']} {row['Hari']} {row['Tanggal']}" in text


def test_plan_after_the_vote_names_no_deadline(demo_store):
    view = reports.readiness(demo_store, Scope(KABUPATEN), dt.date(2024, 12, 2))
    status = plan_progress.plan_status(demo_store, view)
    assert status.headline.startswith("Pemungutan suara 27 November 2024 sudah lewat 5 hari")
    for message in plan_progress.desa_reminders(status, status.progress)["reminder"]:
        assert "paling lambat" not in message
        assert "terlambat" not in message
    assert plan.milestones_json(status.counts)[0]["due_date"] == "2024-11-06"
