"""Upload drafts kept on the server: same verdict back, own drafts only, expiry, nothing counts.

Store-level tests on a real DuckDB file; the page's restore and discard through AppTest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from conftest import actor_for, make_nik
from polars.testing import assert_frame_equal
from test_page_upload import open_upload_page, upload

from readiness import drafts, exports, fix_rows, reports, roster
from readiness.db import WIB
from readiness.errors import AccessDenied
from readiness.scope import Scope

DESA = "17.02.06.2001"  # Derati, kecamatan Kota Padang (17.02.06)
CLERK = actor_for("operator_desa", DESA)
AT = dt.datetime.now(WIB).replace(microsecond=0)  # drafts expire against the real clock


def two_bad_rows(good_serial: int = 1) -> bytes:
    lines = ["Nama;NIK;L/P;Tanggal Lahir;No. HP"]
    lines.append(f"Budi Santoso;{make_nik(good_serial)};L;17-05-1990;0812-3456-7890")
    lines.append("Siti Aminah;12345;P;01-01-1980;081234567891")
    lines.append("Joko Susilo;32010;L;02-02-1982;081234567892")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def checked_draft(store, actor=CLERK, data: bytes | None = None, now=AT):
    """A file with two rejected rows read, kept as a draft, its first rejected row fixed."""
    work = roster.read_upload(store, data or two_bad_rows(), "derati.csv")
    drafts.start(store, actor, DESA, "derati.csv", work, now=now)
    checked = roster.check_raw(store, DESA, work.raw, "derati.csv", work.sha256, work.mapping)
    fix = fix_rows.row_fixes(roster.rejected_rows(checked), checked.verdict.findings, work.mapping)
    fixed = drafts.fix(
        store,
        actor,
        DESA,
        work,
        fix_rows.edited_row(fix[0], {**fix[0].values, "NIK": make_nik(2)}),
        now=now,
    )
    drafts.skip(store, actor, DESA, work.sha256, fix[1].row, now=now)
    return fixed, fix[1].row


def verdict_of(store, work, file_name="derati.csv"):
    return roster.check_raw(store, DESA, work.raw, file_name, work.sha256, work.mapping).verdict


def test_a_restored_draft_gives_the_same_verdict_and_fixes(store):
    fixed, skipped_row = checked_draft(store)
    draft = drafts.restore(store, CLERK, DESA)
    assert draft is not None
    assert (draft.file_name, draft.desa_code, draft.skipped) == (
        "derati.csv",
        DESA,
        frozenset({skipped_row}),
    )
    assert draft.work.mapping == fixed.mapping
    assert_frame_equal(draft.work.raw.frame, fixed.raw.frame)
    again, before = verdict_of(store, draft.work), verdict_of(store, fixed)
    assert (again.accepted, again.rejected, again.skipped_count) == (2, 1, 0)
    assert (again.accepted, again.rejected) == (before.accepted, before.rejected)
    assert_frame_equal(again.findings, before.findings)
    assert_frame_equal(again.officers, before.officers)
    assert make_nik(2) in again.officers["nik"].to_list()


def test_a_changed_mapping_is_kept(store):
    fixed, _ = checked_draft(store)
    mapping = {**fixed.mapping, "No. HP": None}
    drafts.set_mapping(store, CLERK, DESA, fixed.sha256, mapping)
    assert drafts.restore(store, CLERK, DESA).work.mapping == mapping


def test_a_new_file_replaces_the_draft_and_its_fixes(store):
    checked_draft(store)
    other = roster.read_upload(store, two_bad_rows(good_serial=5), "lagi.csv")
    drafts.start(store, CLERK, DESA, "lagi.csv", other)
    draft = drafts.restore(store, CLERK, DESA)
    assert (draft.file_name, draft.skipped, draft.work.sha256) == (
        "lagi.csv",
        frozenset(),
        other.sha256,
    )
    assert verdict_of(store, draft.work).rejected == 2  # the old file's fix is gone with it
    assert store.draft_count() == 1


def test_a_draft_expires_after_draft_days(store):
    checked_draft(store, now=AT)
    six_days = AT + dt.timedelta(days=6)
    assert drafts.restore(store, CLERK, DESA, now=six_days) is not None
    assert drafts.restore(store, CLERK, DESA, now=AT + dt.timedelta(days=7, hours=1)) is None
    assert store.draft_count() == 0  # dropped when read, not only hidden
    checked_draft(store, now=AT)
    store.settings = dataclasses.replace(store.settings, draft_days=1)
    assert drafts.latest_desa(store, CLERK, now=AT + dt.timedelta(days=2)) is None
    assert store.draft_count() == 0


def test_another_account_cannot_see_or_change_a_draft(store):
    fixed, _ = checked_draft(store)
    colleague = dataclasses.replace(CLERK, username="desa.derati.kedua")
    assert drafts.restore(store, colleague, DESA) is None
    assert drafts.latest_desa(store, colleague) is None
    assert drafts.discard(store, colleague, DESA) is False
    kecamatan = actor_for("operator_kecamatan", "17.02.06")
    assert drafts.restore(store, kecamatan, DESA) is None  # its region covers the desa: still not
    elsewhere = actor_for("operator_desa", "17.02.09.1012")
    with pytest.raises(AccessDenied):
        drafts.restore(store, elsewhere, DESA)
    with pytest.raises(AccessDenied):
        drafts.start(store, elsewhere, DESA, "x.csv", fixed)
    with pytest.raises(AccessDenied):
        drafts.restore(store, actor_for("pimpinan"), DESA)  # reads only: no upload, no drafts
    assert drafts.restore(store, CLERK, DESA) is not None
    assert drafts.latest_desa(store, CLERK) == DESA


def _everything_counted(store) -> dict:
    scope = Scope("17.02")
    readiness = reports.readiness_json(reports.readiness(store, scope, AT.date()))
    return {
        "version": store.data_version(),
        "summary": reports.summary_json(reports.overview(store, scope)),
        "readiness": readiness,
        "not_submitted": reports.villages_not_submitted(store, scope).to_dicts(),
        "officers": store.officers(scope).height,
        "export_csv": exports.render(exports.build_recap(store, scope, now=AT), "csv"),
        "tables": [store.count(t) for t in ("submissions", "officers", "findings", "audit_log")],
    }


def test_nothing_of_a_draft_counts_until_saved(store):
    before = _everything_counted(store)
    fixed, _ = checked_draft(store)
    drafts.restore(store, CLERK, DESA)
    assert store.draft_count() == 1
    assert _everything_counted(store) == before
    checked = roster.check_raw(
        store, DESA, fixed.raw, "derati.csv", fixed.sha256, fixed.mapping, viewer=CLERK
    )
    saved = drafts.save(store, CLERK, checked)
    assert saved.stored is not None
    assert store.draft_count() == 0  # saved: the draft went in the same transaction
    assert store.officers(Scope(DESA))["nik"].sort().to_list() == [make_nik(1), make_nik(2)]
    assert _everything_counted(store) != before


def test_a_save_that_fails_keeps_the_draft(store):
    fixed, _ = checked_draft(store)
    checked = roster.check_raw(
        store, DESA, fixed.raw, "derati.csv", fixed.sha256, fixed.mapping, viewer=CLERK
    )
    meanwhile = roster.read_upload(store, two_bad_rows(good_serial=9), "lain.csv")
    other = roster.check_raw(
        store, DESA, meanwhile.raw, "lain.csv", meanwhile.sha256, meanwhile.mapping
    )
    roster.store_checked_roster(store, actor_for("admin"), other)  # another upload landed first
    with pytest.raises(Exception):  # noqa: B017, PT011  (the version conflict, any domain error)
        drafts.save(store, CLERK, checked)
    assert store.draft_count() == 1  # one transaction: nothing saved, the draft kept
    assert store.officers(Scope(DESA))["nik"].to_list() == [make_nik(9)]


def _file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forget_nik_erases_it_from_drafts_on_disk(store):
    from readiness.cli import main

    nik, kept = make_nik(77), make_nik(78)
    lines = ["Nama;NIK;L/P;Tanggal Lahir;No. HP"]
    lines += [f"Orang {n};{n};L;17-05-1990;0812-3456-7890" for n in (nik, kept)]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    work = roster.read_upload(store, data, "derati.csv")
    drafts.start(store, CLERK, DESA, "derati.csv", work)
    store.release()
    assert _file_bytes(store.path).count(nik.encode()) > 0  # the scan finds what is there
    assert main(["forget-nik", nik, "--yes", "--db", str(store.path)]) == 0
    assert _file_bytes(store.path).count(nik.encode()) == 0
    assert drafts.restore(store, CLERK, DESA) is None


def test_forget_nik_finds_a_nik_typed_as_a_fix(store):
    from readiness import auth

    fixed, _ = checked_draft(store)  # make_nik(2) only in the fix, not in the file
    counts = auth.forget_nik(store, actor_for("admin"), make_nik(2))
    assert counts["upload_drafts"] == 1
    assert store.draft_count() == 0


# -- the upload page ---------------------------------------------------------------------------


def _fix_first_rejected_row(at, nik: str):
    at.toggle(key="phone_view").set_value(True).run()
    field = next(
        t for t in at.text_input if t.key and t.key.startswith("fix_") and t.label == "NIK"
    )
    field.input(nik)
    at.button(key="fix_recheck").click().run()
    assert not at.exception
    return at


def test_the_page_restores_the_draft_after_a_reload(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", two_bad_rows())
    at = _fix_first_rejected_row(at, make_nik(2))
    assert {m.label: m.value for m in at.metric}["Ditolak"] == "1"
    assert store.draft_count() == 1

    again = open_upload_page(app_as)  # a new session: a reload, or another device
    assert not again.exception
    assert any("Draf dari" in i.value and "dipulihkan" in i.value for i in again.info)
    shown = {m.label: m.value for m in again.metric}
    accepted = int(shown["Diterima"]) + int(shown["Diterima dengan catatan"])
    assert (accepted, shown["Ditolak"]) == (2, "1")
    again.toggle(key="phone_view").set_value(True).run()
    page = " ".join(m.value for m in again.markdown)
    assert "Baris 1 dari 1 yang ditolak" in page
    again.button(key="submit_roster").click().run()
    assert not again.exception
    assert store.draft_count() == 0
    assert make_nik(2) in store.officers(Scope(DESA))["nik"].to_list()


def test_a_skipped_row_stays_skipped_after_a_reload(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", two_bad_rows())
    at.toggle(key="phone_view").set_value(True).run()
    at.button(key="fix_skip").click().run()
    again = open_upload_page(app_as)
    again.toggle(key="phone_view").set_value(True).run()
    page = " ".join(m.value for m in again.markdown)
    assert "Baris 2 dari 2 yang ditolak" in page


def test_buang_draf_discards_it(env_db, store, app_as):
    upload(open_upload_page(app_as), "derati.csv", two_bad_rows())
    again = open_upload_page(app_as)
    assert again.metric  # the verdict is back
    again.button(key="draft_discard").click().run()
    assert not again.exception
    assert store.draft_count() == 0
    assert any("Draf dibuang" in i.value for i in again.info)
    assert not again.metric  # back to step 2: nothing to check
    assert store.count("submissions") == 0


def test_desa_saya_points_to_a_draft_not_yet_saved(env_db, store, app_as):
    at = app_as("operator_desa", DESA).run()
    assert not any("draf" in i.value for i in at.info)
    work = roster.read_upload(store, two_bad_rows(), "derati.csv")
    drafts.start(store, actor_for("operator_desa", DESA), DESA, "derati.csv", work)
    at = app_as("operator_desa", DESA).run()
    assert not at.exception
    notice = next(i.value for i in at.info if "draf unggahan" in i.value)
    assert "derati" in notice
    assert "Derati" in notice
    assert "None" not in notice


def test_an_unreadable_draft_is_dropped_not_shown(store):
    store.keep_draft(
        CLERK.username, DESA, file_name="lama.csv", sha256="0" * 64, table_json='{"rows": 1}',
        mapping_json="{}", at=AT, expired=AT - dt.timedelta(days=7),
    )  # fmt: skip
    assert drafts.restore(store, CLERK, DESA, now=AT) is None
    assert store.draft_count() == 0


def test_a_grid_edit_is_kept_like_a_form_fix(store):
    work = roster.read_upload(store, two_bad_rows(), "derati.csv")
    drafts.start(store, CLERK, DESA, "derati.csv", work)
    checked = roster.check_raw(store, DESA, work.raw, "derati.csv", work.sha256, work.mapping)
    grid = roster.rejected_rows(checked)  # what the desktop grid shows, Masalah column and all
    edited = grid.with_columns(NIK=pl.Series([make_nik(2), make_nik(3)])).to_pandas()
    drafts.fix(store, CLERK, DESA, work, edited)
    verdict = verdict_of(store, drafts.restore(store, CLERK, DESA).work)
    assert (verdict.accepted, verdict.rejected) == (3, 0)


def test_an_expired_draft_of_anyone_goes_when_a_draft_is_written(store):
    checked_draft(store, now=AT - dt.timedelta(days=8))
    other = actor_for("operator_desa", "17.02.09.1012")
    work = roster.read_upload(store, two_bad_rows(), "lain.csv")
    drafts.start(store, other, "17.02.09.1012", "lain.csv", work, now=AT)
    assert store.draft_count() == 1
