"""The Penugasan TPS page, the card check page and the head's voting-day view (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DASHBOARD
from streamlit.testing.v1 import AppTest
from test_duty import DERATI, NIKS, duty_store  # noqa: F401  (fixture)

from readiness.config import DEFAULT_SETTINGS_FILE
from readiness.db import WIB
from readiness.scope import Scope


def voting_day_settings(tmp_path, day: dt.date) -> str:
    """The bundled settings with the vote on ``day``, marking open from 00.00 and due by 00.00."""
    data = DEFAULT_SETTINGS_FILE.parent
    raw = DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8")
    for name in ("wilayah_rejang_lebong.csv", "alias_desa.csv", "kabupaten_bengkulu.csv"):
        raw = raw.replace(f'"{name}"', f'"{data / name}"')
    raw = raw.replace("voting_date = 2024-11-27", f"voting_date = {day.isoformat()}")
    raw = raw.replace("submission_deadline = 2024-11-20", f"submission_deadline = {day}")
    raw += "\n[voting_day]\nattendance_from_hour = 0\nreport_by_hour = 0\n"
    path = tmp_path / "settings.toml"
    path.write_text(raw, encoding="utf-8")
    return str(path)


@pytest.fixture
def voting_today(monkeypatch, tmp_path, duty_store):  # noqa: F811
    """The duty store, with the clock pinned to voting day by making today the voting date."""
    today = dt.datetime.now(WIB).date()
    monkeypatch.setenv("READINESS_SETTINGS", voting_day_settings(tmp_path, today))
    monkeypatch.setenv("READINESS_DB", str(duty_store.path))
    return duty_store


def frame_with(at: AppTest, column: str):
    """The first table on the page with ``column`` (AppTest finds tables by position only)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def login(role: str, region: str | None = None) -> AppTest:
    from conftest import actor_for

    at = AppTest.from_file(DASHBOARD, default_timeout=90)
    at.session_state["actor"] = actor_for(role, region)
    return at


def test_village_operator_marks_a_tps_present_and_the_head_count_moves(voting_today):
    head = login("pimpinan").run()
    assert not head.exception
    guarded = {m.label: m.value for m in head.metric}
    assert guarded["TPS terjaga"] == "0 dari 3"
    assert "belum melapor" in head.warning[0].value
    assert frame_with(head, "WhatsApp")["Desa/kelurahan"].to_list() == ["Derati"]

    village = login("operator_desa", DERATI).run()
    village.switch_page("pages/duty.py").run()
    assert not village.exception
    village.button(key="attendance_all_1").click().run()
    assert not village.exception
    assert voting_today.attendance_day_count() == 2

    head.run()
    assert {m.label: m.value for m in head.metric}["TPS terjaga"] == "1 dari 3"
    assert not any("WhatsApp" in d.value.columns for d in head.dataframe)  # Derati reported


def test_substitute_mark_on_the_page_is_flagged(voting_today):
    at = login("operator_desa", DERATI).run()
    at.switch_page("pages/duty.py").run()
    at.selectbox(key="attendance_nik").set_value(NIKS[2])
    at.radio(key="attendance_status").set_value("diganti")
    at.text_input(key="attendance_sub_name").input("Budi Santoso")
    at.text_input(key="attendance_sub_nik").input(NIKS[0][:12] + "0077")
    at.button(key="FormSubmitter:attendance_form-Simpan kehadiran").click().run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "belum tercatat sebagai peserta BPJS" in warnings
    marks = voting_today.attendance_day(Scope(DERATI))
    assert marks["substitute_name"].to_list() == ["Budi Santoso"]


@pytest.mark.parametrize(
    ("role", "region"),
    [("admin", None), ("operator_kecamatan", "17.02.06"), ("operator_desa", DERATI)],
)
def test_assignment_page_for_each_role_that_edits(duty_store, env_db, role, region):  # noqa: F811
    at = login(role, region).run()
    at.switch_page("pages/duty.py").run()
    assert not at.exception
    if role != "operator_desa":
        at.selectbox(key="duty_desa").set_value(DERATI).run()
    table = frame_with(at, "Cadangan")
    assert table["Nama"].to_list()[:2] == ["Rahmat Hidayat", "Siti Aminah"]
    assert any("cadangan" in m.value for m in at.markdown)
    at.selectbox(key="duty_move_nik").set_value(NIKS[3])
    at.selectbox(key="duty_move_tps").set_value(3)
    at.button(key="FormSubmitter:duty_move-Simpan penugasan").click().run()
    assert not at.exception
    assert "Dewi Lestari sekarang bertugas di TPS 3" in at.success[0].value
    assert "Kehadiran hari ini" not in [s.value for s in at.subheader]  # not voting day


def test_head_without_voting_day_sees_no_attendance_view(duty_store, env_db):  # noqa: F811
    at = login("pimpinan").run()
    assert not at.exception
    assert "TPS terjaga" not in [m.label for m in at.metric]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/duty.py")  # the head reads; the menu has no Penugasan page


def test_card_check_page_says_only_tps_and_desa(duty_store, env_db, monkeypatch):  # noqa: F811
    from readiness import duty
    from readiness.duty_documents import card_code

    monkeypatch.setenv("READINESS_CARD_SECRET", "s" * 32)
    code = card_code(duty.card_secret(duty_store), DERATI, NIKS[2], 2)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)  # not logged in
    at.query_params["k"] = code
    at.switch_page("pages/verify_card.py").run()
    assert not at.exception
    assert at.success[0].value == "Kartu sah: TPS 2, desa/kelurahan Derati."
    at.query_params["k"] = "B" * 20
    at.run()
    assert at.error[0].value.startswith("Kartu tidak dikenal")


@pytest.mark.parametrize("role", ["pimpinan"])
def test_assignment_page_refuses_a_crafted_visit(duty_store, env_db, role):  # noqa: F811
    from conftest import actor_for

    page = str(DASHBOARD).replace("dashboard.py", "pages/duty.py")
    at = AppTest.from_file(page, default_timeout=60)
    at.session_state["actor"] = actor_for(role)
    at.run()
    assert "Halaman ini hanya untuk" in at.error[0].value
    assert len(at.dataframe) == 0
