"""Assignment per TPS, duty documents and voting-day attendance through a real store."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import polars as pl
import pytest
from conftest import actor_for, make_nik, make_officers
from pypdf import PdfReader

from readiness import cli, duty, voting_day
from readiness.db import WIB
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope

DERATI = "17.02.06.2001"
TABA_ANYAR = "17.02.06.2002"
ADMIN = actor_for("admin")
VILLAGE = actor_for("operator_desa", DERATI)
NAMES = ["Rahmat Hidayat", "Siti Aminah", "Joko Susilo", "Dewi Lestari", "Agus Salim"]
NIKS = [make_nik(i + 1) for i in range(5)]
VOTING_MORNING = dt.datetime(2024, 11, 27, 8, 30, tzinfo=WIB)


@pytest.fixture
def duty_store(store):
    """Derati: five linmas (TPS 1, 1, 2, 2, cadangan), TPS list 1-3 (TPS 3 rawan, nobody)."""
    officers = make_officers(
        NIKS,
        nama=NAMES,
        nomor_tps=[1, 1, 2, 2, None],
        keterangan=[None, None, None, None, "cadangan"],
    )
    store.store_roster(
        ADMIN,
        DERATI,
        officers,
        pl.DataFrame(
            schema={
                "row": pl.Int32,
                "column": pl.String,
                "severity": pl.String,
                "code": pl.String,
                "message": pl.String,
            }
        ),  # fmt: skip
        file_name="derati.csv",
        sha256="1" * 64,
        counts={"accepted": 5},
    )
    tps = pl.DataFrame(
        {
            "desa_code": [DERATI] * 3,
            "tps_number": [1, 2, 3],
            "rawan": [False, False, True],
            "address": ["Balai desa", "SD 1", "Dusun III"],
        }
    )
    store.replace_tps(ADMIN, tps, file_name="tps.csv")
    return store


def people(store) -> dict[str, tuple]:
    frame = duty.assignments(store, Scope(DERATI))
    return {r["nama"]: (r["tps_number"], r["cadangan"]) for r in frame.iter_rows(named=True)}


# -- assignment ----------------------------------------------------------------------------------


def test_move_appends_a_change_and_the_latest_wins(duty_store):
    duty.assign(duty_store, VILLAGE, DERATI, NIKS[3], 3)
    duty.assign(duty_store, VILLAGE, DERATI, NIKS[4], 3)
    assert people(duty_store)["Dewi Lestari"] == (3, False)
    assert people(duty_store)["Agus Salim"] == (3, False)
    duty.assign(duty_store, VILLAGE, DERATI, NIKS[4], None, cadangan=True)
    assert people(duty_store)["Agus Salim"] == (None, True)
    assert duty_store.assignment_change_count() == 3  # nothing updated in place
    audit = duty_store.read("SELECT action, target FROM audit_log WHERE action LIKE 'assign%'")
    assert audit.rows() == [("assignment.move", DERATI)] * 3


def test_move_to_a_tps_not_in_the_list_is_refused_and_nothing_stored(duty_store):
    with pytest.raises(ReadinessError) as info:
        duty.assign(duty_store, VILLAGE, DERATI, NIKS[0], 9)
    assert info.value.code == "duty_tps_not_listed"
    assert "yang ada: 1, 2, 3" in info.value.message
    assert duty_store.assignment_change_count() == 0


def test_unknown_person_and_foreign_village_are_refused(duty_store):
    with pytest.raises(ReadinessError) as info:
        duty.assign(duty_store, VILLAGE, DERATI, make_nik(99), 1)
    assert info.value.code == "duty_nik_not_assigned"
    with pytest.raises(AccessDenied):
        duty.assign(duty_store, actor_for("operator_desa", TABA_ANYAR), DERATI, NIKS[0], 2)
    with pytest.raises(AccessDenied):
        duty.assign(duty_store, actor_for("pimpinan"), DERATI, NIKS[0], 2)
    with pytest.raises(AccessDenied):
        duty.assign(duty_store, actor_for("operator_kecamatan", "17.02.09"), DERATI, NIKS[0], 2)
    assert duty_store.assignment_change_count() == 0
    duty.assign(duty_store, actor_for("operator_kecamatan", "17.02.06"), DERATI, NIKS[0], 3)
    assert people(duty_store)["Rahmat Hidayat"] == (3, False)


def test_swap_exchanges_tps_and_reserve_mark(duty_store):
    duty.swap(duty_store, VILLAGE, DERATI, NIKS[0], NIKS[4])
    got = people(duty_store)
    assert got["Rahmat Hidayat"] == (None, True)
    assert got["Agus Salim"] == (1, False)
    with pytest.raises(ReadinessError) as info:
        duty.swap(duty_store, VILLAGE, DERATI, NIKS[1], NIKS[1])
    assert info.value.code == "duty_swap_same"


def test_findings_and_coverage_follow_the_assignments(duty_store):
    view = duty.assignment_view(duty_store, VILLAGE, DERATI)
    assert view.coverage["full"].to_list() == [True, True, False]
    assert set(view.findings["code"]) == {"duty_reserve"}
    duty.assign(duty_store, VILLAGE, DERATI, NIKS[3], 1)  # TPS 1 over, TPS 2 and 3 short
    view = duty.assignment_view(duty_store, VILLAGE, DERATI)
    over = view.findings.filter(pl.col("code") == "duty_tps_over")
    assert over["tps_number"].to_list() == [1]
    summary = duty.assignment_summary(duty_store, Scope("17.02"))
    assert summary["overall"] == {"assigned": 3, "tps_assigned_full": 1}
    assert summary["kecamatan"]["17.02.06"] == {"assigned": 3, "tps_assigned_full": 1}


# -- voting-day attendance -----------------------------------------------------------------------


def test_marking_is_closed_before_the_set_hour_of_voting_day(duty_store):
    early = dt.datetime(2024, 11, 27, 5, 0, tzinfo=WIB)
    mark = {"tps_number": 1, "nik": NIKS[0], "status": "hadir"}
    with pytest.raises(ReadinessError) as info:
        voting_day.mark(duty_store, VILLAGE, DERATI, [mark], now=early)
    assert info.value.code == "attendance_not_open"
    assert duty_store.attendance_day_count() == 0


def test_all_present_then_a_correction_needs_a_reason(duty_store):
    voting_day.mark_all_present(duty_store, VILLAGE, DERATI, 1, now=VOTING_MORNING)
    per_tps = voting_day.tps_attendance(duty_store, Scope(DERATI))
    assert per_tps["present"].to_list() == [2, 0, 0]
    assert per_tps["guarded"].to_list() == [True, False, False]
    fix = {"tps_number": 1, "nik": NIKS[1], "status": "tidak_hadir"}
    with pytest.raises(ReadinessError) as info:
        voting_day.mark(duty_store, VILLAGE, DERATI, [fix], now=VOTING_MORNING)
    assert info.value.code == "attendance_reason_needed"
    assert duty_store.attendance_day_count() == 2
    later = VOTING_MORNING + dt.timedelta(minutes=5)
    fix["correction_reason"] = "salah tekan"
    voting_day.mark(duty_store, VILLAGE, DERATI, [fix], now=later)
    per_tps = voting_day.tps_attendance(duty_store, Scope(DERATI))
    assert per_tps["present"].to_list() == [1, 0, 0]
    assert duty_store.attendance_day(Scope(DERATI), log=True).height == 3  # append-only


def test_substitute_is_checked_like_a_roster_row_and_flagged_not_refused(duty_store):
    bad = {"tps_number": 2, "nik": NIKS[2], "status": "diganti",
           "substitute_nik": "1702", "substitute_name": "Budi"}  # fmt: skip
    with pytest.raises(ReadinessError) as info:
        voting_day.mark(duty_store, VILLAGE, DERATI, [bad], now=VOTING_MORNING)
    assert info.value.code == "attendance_substitute_invalid"
    assert "16" in info.value.message
    assert duty_store.attendance_day_count() == 0
    good = {**bad, "substitute_nik": make_nik(77), "substitute_name": "Budi Santoso"}
    result = voting_day.mark(duty_store, VILLAGE, DERATI, [good], now=VOTING_MORNING)
    assert result.flags == ("substitute_no_bpjs", "substitute_not_trained")
    other = {"tps_number": 2, "nik": NIKS[3], "status": "hadir"}
    voting_day.mark(duty_store, VILLAGE, DERATI, [other], now=VOTING_MORNING)
    summary = voting_day.voting_day_summary(duty_store, Scope("17.02"), now=VOTING_MORNING)
    assert summary["overall"] == {
        "tps_guarded": 1,
        "present": 2,
        "substitutes": 1,
        "desa_reported": 1,
    }
    stored = duty_store.attendance_day(Scope(DERATI)).filter(pl.col("status") == "diganti")
    assert stored["substitute_name"].to_list() == ["Budi Santoso"]


def test_import_is_all_or_nothing(duty_store):
    rows = f"tps,nik,status\n1,{NIKS[0]},hadir\n2,{NIKS[0]},hadir\n"
    with pytest.raises(ReadinessError) as info:
        voting_day.import_marks(
            duty_store, VILLAGE, DERATI, rows.encode(), "absen.csv", now=VOTING_MORNING
        )
    assert info.value.code == "attendance_not_assigned"
    assert duty_store.attendance_day_count() == 0
    rows = f"TPS,NIK,Status\n1,{NIKS[0]},hadir\n1,{NIKS[1]},tidak hadir\n"
    result = voting_day.import_marks(
        duty_store, VILLAGE, DERATI, rows.encode(), "absen.csv", now=VOTING_MORNING
    )
    assert result.stored == 2


def test_late_villages_after_the_report_hour(duty_store):
    late = dt.datetime(2024, 11, 27, 10, 0, tzinfo=WIB)
    reports = voting_day.desa_reports(duty_store, Scope("17.02.06"), now=late)
    assert reports.filter(pl.col("desa_code") == DERATI)["late"].to_list() == [True]
    voting_day.mark_all_present(duty_store, VILLAGE, DERATI, 2, now=late)
    reports = voting_day.desa_reports(duty_store, Scope("17.02.06"), now=late)
    assert reports.filter(pl.col("desa_code") == DERATI)["late"].to_list() == [False]


# -- documents and the CLI -----------------------------------------------------------------------


def run(db, *argv) -> int:
    return cli.main(["--db", str(db), *map(str, argv)])


def test_cli_assign_list_and_documents(duty_store, tmp_path, capsys):
    db = duty_store.path
    assert run(db, "assign", "--desa", DERATI, "--nik", NIKS[3], "--tps", "3") == 0
    assert "Dewi Lestari sekarang bertugas di TPS 3" in capsys.readouterr().out
    assert run(db, "assign", "list", "--desa", DERATI, "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert {a["nama"]: a["tps_number"] for a in listed["assignments"]}["Dewi Lestari"] == 3
    assert run(db, "assign", "--desa", DERATI, "--nik", NIKS[0], "--tps", "x") == 1
    assert "harus angka" in capsys.readouterr().err

    assert run(db, "export", "--format", "sk", "--desa", DERATI, "--out", tmp_path / "sk.pdf") == 0
    pages = PdfReader(tmp_path / "sk.pdf").pages
    body = "\n".join(p.extract_text() for p in pages)
    for name in NAMES:
        assert body.count(name) == 1
    assert "(" + "." * 10 in pages[-1].extract_text()  # signature on the last rows' page
    assert NIKS[0] not in body  # masked for the default export

    assert run(db, "export", "--format", "kartu", "--kecamatan", "17.02.06",
               "--out", tmp_path / "kartu.pdf") == 0  # fmt: skip
    cards = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "kartu.pdf").pages)
    assert "TPS 3" in cards
    assert "Dewi Lestari" in cards

    assert run(db, "export", "--format", "honor", "--desa", DERATI,
               "--out", tmp_path / "honor.xlsx") == 0  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO((tmp_path / "honor.xlsx").read_bytes())).active
    names = [row[3] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert set(NAMES[:4]) <= set(names)
    assert "Agus Salim" not in names  # cadangan unpaid
    assert run(db, "export", "--format", "sk", "--out", tmp_path / "x.pdf") == 1
    assert "--desa KODE" in capsys.readouterr().err

    audit = duty_store.read("SELECT action FROM audit_log WHERE action LIKE 'export.%'")
    assert audit["action"].to_list() == ["export.sk", "export.kartu", "export.honor"]


def test_summary_json_gains_assignment_fields(duty_store, capsys):
    assert run(duty_store.path, "summary", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assigned"] == 4
    assert data["tps_assigned_full"] == 2
    padang = next(k for k in data["kecamatan"] if k["kode"] == "17.02.06")
    assert padang["assigned"] == 4
    assert padang["tps_assigned_full"] == 2
    assert "tps_guarded" not in data  # only on voting day


def test_cli_attendance_refused_outside_voting_day(duty_store, capsys):
    argv = ["attendance-day", "mark", "--desa", DERATI, "--tps", "1", "--nik", NIKS[0]]
    assert run(duty_store.path, *argv, "--status", "hadir") == 1
    assert "baru dibuka pada 27 November 2024" in capsys.readouterr().err
    assert duty_store.attendance_day_count() == 0


def test_card_secret_is_generated_once_and_verification_shows_no_personal_data(
    duty_store, monkeypatch
):
    monkeypatch.delenv("READINESS_CARD_SECRET", raising=False)
    secret = duty.card_secret(duty_store)
    assert duty.card_secret(duty_store) == secret
    audit = duty_store.read("SELECT detail FROM audit_log WHERE action = 'meta.card_secret'")
    assert audit.height == 1
    assert secret.decode() not in audit["detail"][0]  # the audit log never holds the key
    from readiness.duty_documents import card_code

    code = card_code(secret, DERATI, NIKS[2], 2)
    said = duty.verify_card(duty_store, code)
    assert said == "Kartu sah: TPS 2, desa/kelurahan Derati."
    assert "Joko" not in said
    assert NIKS[2] not in said
    assert duty.verify_card(duty_store, "A" * 20).startswith("Kartu tidak dikenal")
    duty.assign(duty_store, VILLAGE, DERATI, NIKS[2], 3)  # moved: the old card no longer verifies
    assert duty.verify_card(duty_store, code).startswith("Kartu tidak dikenal")


def test_apel_exports_gain_assignment_and_attendance_sheets(duty_store):
    from readiness import exports

    scope = Scope("17.02")
    book = openpyxl.load_workbook(io.BytesIO(exports.export(duty_store, ADMIN, "xlsx", scope).data))
    assert "Penugasan TPS" in book.sheetnames
    assert "Kehadiran Hari H" not in book.sheetnames  # nothing marked yet
    rows = list(book["Penugasan TPS"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[5], r[7]) for r in rows] == [(1, 2, "Ya"), (2, 2, "Ya"), (3, 0, "Tidak")]

    voting_day.mark_all_present(duty_store, VILLAGE, DERATI, 1, now=VOTING_MORNING)
    book = openpyxl.load_workbook(io.BytesIO(exports.export(duty_store, ADMIN, "xlsx", scope).data))
    rows = list(book["Kehadiran Hari H"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[5], r[7]) for r in rows] == [(1, 2, "Ya"), (2, 0, "Tidak"), (3, 0, "Tidak")]
    pdf = PdfReader(io.BytesIO(exports.export(duty_store, ADMIN, "pdf", scope).data))
    body = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Penugasan linmas per TPS" in body
    assert "Kehadiran linmas di TPS" in body


def test_summary_json_on_voting_day_gains_attendance_fields(duty_store):
    from readiness.cli_duty import summary_extra

    voting_day.mark_all_present(duty_store, VILLAGE, DERATI, 1, now=VOTING_MORNING)
    data = {"kecamatan": [{"kode": "17.02.06"}, {"kode": "17.02.09"}]}
    got = summary_extra(duty_store, Scope("17.02"), data, VOTING_MORNING)
    assert (got["tps_guarded"], got["present"], got["substitutes"], got["desa_reported"]) == (
        1,
        2,
        0,
        1,
    )
    padang, curup = got["kecamatan"]
    assert padang["tps_guarded"] == 1
    assert padang["assigned"] == 4
    assert curup["present"] == 0
    day_before = VOTING_MORNING - dt.timedelta(days=1)
    assert "present" not in summary_extra(duty_store, Scope("17.02"), data, day_before)


def test_need_on_the_penugasan_view_is_the_readiness_rule_for_every_demo_tps(demo_store):
    """A TPS graded sangat rawan needs its level's extra on the Penugasan view, and every TPS
    of the demo needs there exactly what the readiness rule requires (``tps_coverage``)."""
    from readiness import rawan_admin

    rule = demo_store.tps_coverage(Scope(""))
    graded = rule.filter(~pl.col("rawan")).row(0, named=True)
    extra = {level.code: level.extra_officers for level in demo_store.settings.rawan_levels}
    assert extra["sangat_rawan"] > demo_store.settings.rawan_extra_officers
    rawan_admin.set_rawan_level(demo_store, ADMIN, graded["desa_code"], graded["tps_number"],
                                level="sangat_rawan", source="Bawaslu", reason="konflik")  # fmt: skip

    with demo_store.reading():  # one connection for the page's reads of every desa
        views = [duty.assignment_view(demo_store, ADMIN, d) for d in rule["desa_code"].unique()]
    shown = pl.concat([v.coverage.select("desa_code", "tps_number", "need") for v in views])
    required = demo_store.tps_coverage(Scope("")).select(
        "desa_code", "tps_number", pl.col("officers_required").alias("need")
    )
    assert shown.sort("desa_code", "tps_number").rows() == required.rows()
    assert shown.height == rule.height == 445
    here = (pl.col("desa_code") == graded["desa_code"]) & (
        pl.col("tps_number") == graded["tps_number"]
    )
    expected_need = demo_store.settings.officers_per_tps + extra["sangat_rawan"]
    assert shown.filter(here)["need"].to_list() == [expected_need]
    assert shown.filter(pl.col("need") > demo_store.settings.officers_per_tps).height >= 1
