"""The upload glue (readiness.roster): check, correct in place, re-check, store as a version."""

from __future__ import annotations

import io

import polars as pl
import pytest
from conftest import actor_for
from roster_builder import csv_bytes, people, person

from readiness import roster
from readiness.errors import ReadinessError
from readiness.ingest import RawTable
from readiness.scope import Scope

DESA = "17.02.06.2001"
ADMIN = actor_for("admin")


def bad_nik_file() -> bytes:
    """Three people; the second has a NIK with five digits."""
    rows = [person(1), person(2, NIK="12345"), person(3)]
    return csv_bytes(rows, delimiter=";")


def counts(store) -> tuple[int, int, int]:
    return store.count("submissions"), store.count("officers"), store.count("findings")


def test_check_roster_file_gives_the_verdict_and_stores_nothing(store):
    checked = roster.check_roster_file(store, DESA, bad_nik_file(), "derati.csv")
    v = checked.verdict
    assert (v.accepted, v.rejected, v.skipped_count) == (2, 1, 0)
    assert v.findings["code"].to_list() == ["nik_length"]
    assert checked.previous_version == 0
    assert counts(store) == (0, 0, 0)


def test_unknown_desa_is_the_callers_error(store):
    with pytest.raises(ReadinessError) as refused:
        roster.check_roster_file(store, "17.02.99.9999", bad_nik_file(), "x.csv")
    assert refused.value.code == "desa_unknown"


def test_web_limit_applies_unless_the_cli_limit_is_passed(store):
    data = csv_bytes(people(5))
    small = store.settings.max_upload_bytes
    refused = roster.check_roster_file(store, DESA, data + b" " * small, "besar.csv")
    assert refused.file_error.code == "file_too_large"
    allowed = roster.check_roster_file(
        store, DESA, data + b"\r\n" * small, "besar.csv", max_bytes=roster.CLI_MAX_BYTES
    )
    assert allowed.verdict.accepted == 5


def test_rejected_rows_carry_their_problem_beside_the_cells(store):
    checked = roster.check_roster_file(store, DESA, bad_nik_file(), "derati.csv")
    rows = roster.rejected_rows(checked)
    assert rows.columns[:3] == ["_row", roster.PROBLEM_COLUMN, "No"]
    assert rows["_row"].to_list() == [3]
    assert rows["NIK"].to_list() == ["12345"]
    assert "16 angka" in rows[roster.PROBLEM_COLUMN][0]


def test_edit_then_recheck_accepts_the_corrected_row(store):
    """What the page does on "Periksa ulang": the editor's rows back into the table."""
    checked = roster.check_roster_file(store, DESA, bad_nik_file(), "derati.csv")
    edited = roster.rejected_rows(checked).with_columns(
        pl.lit(person(2)["NIK"]).alias("NIK"), pl.col("_row").cast(pl.Float64)
    )
    fixed = roster.apply_edits(checked.raw, edited.to_pandas())  # the editor may hand back pandas
    again = roster.check_raw(store, DESA, fixed, "derati.csv", checked.sha256)
    assert (again.verdict.accepted, again.verdict.rejected) == (3, 0)
    assert fixed.frame["_row"].to_list() == checked.raw.frame["_row"].to_list()
    stored = roster.store_checked_roster(store, ADMIN, again)
    assert (stored.version, stored.added) == (1, 3)


def test_apply_edits_replaces_only_the_corrected_row_and_keeps_emptied_cells_empty():
    raw = RawTable(
        frame=pl.DataFrame({"Nama": ["A", "B"], "NIK": ["1", "2"], "_row": [3, 4]}),
        detected={},
    )
    edited = pl.DataFrame(
        {"_row": [4], "Masalah": ["..."], "Nama": [None], "NIK": ["1702061705900002"]}
    )
    fixed = roster.apply_edits(raw, edited)
    assert fixed.frame.to_dicts() == [
        {"Nama": "A", "NIK": "1", "_row": 3},
        {"Nama": None, "NIK": "1702061705900002", "_row": 4},
    ]


def test_a_refused_file_or_no_accepted_row_stores_nothing(store):
    empty = roster.check_roster_file(store, DESA, b"", "kosong.csv")
    with pytest.raises(ReadinessError) as refused:
        roster.store_checked_roster(store, ADMIN, empty)
    assert refused.value.code == "file_rejected"
    all_bad = csv_bytes([person(1, NIK="1"), person(2, NIK="2")])
    nothing = roster.check_roster_file(store, DESA, all_bad, "buruk.csv")
    with pytest.raises(ReadinessError) as refused:
        roster.store_checked_roster(store, ADMIN, nothing)
    assert refused.value.code == "nothing_accepted"
    assert counts(store) == (0, 0, 0)


def test_an_upload_landing_after_the_check_refuses_the_older_check(store):
    first = roster.check_roster_file(store, DESA, csv_bytes(people(2)), "a.csv")
    second = roster.check_roster_file(store, DESA, csv_bytes(people(3)), "b.csv")
    roster.store_checked_roster(store, ADMIN, first)
    before = counts(store)
    with pytest.raises(ReadinessError) as refused:
        roster.store_checked_roster(store, ADMIN, second)  # checked against "no roster yet"
    assert refused.value.code == "roster_changed_meanwhile"
    assert counts(store) == before
    again = roster.check_roster_file(store, DESA, csv_bytes(people(3)), "b.csv")
    assert "versi 1" in roster.describe_previous(again)
    stored = roster.store_checked_roster(store, ADMIN, again)
    assert (stored.version, stored.added, stored.removed, stored.changed) == (2, 1, 0, 0)
    assert "1 ditambah, 0 dihapus, 0 diubah" in roster.describe_stored(stored, "Derati")
    assert store.submissions(Scope(DESA), active_only=False)["version"].to_list() == [1, 2]


def test_a_nik_active_in_another_desa_is_rejected_naming_that_desa(store):
    other = "17.02.06.2002"
    nik = person(1)["NIK"]
    theirs = csv_bytes([person(1)])
    roster.store_checked_roster(store, ADMIN, roster.check_roster_file(store, other, theirs, "x"))
    ours = roster.check_roster_file(store, DESA, csv_bytes([person(1, NIK=nik)]), "y.csv")
    assert ours.verdict.findings["code"].to_list() == ["nik_registered_elsewhere"]
    assert store.region_name(other) in ours.verdict.findings["message"][0]


def test_findings_exports_open_in_indonesian_excel(store):
    checked = roster.check_roster_file(store, DESA, bad_nik_file(), "derati.csv")
    text = roster.findings_csv(checked)
    assert text.startswith(b"\xef\xbb\xbfBaris;Kolom;Jenis;Kode;Pesan")
    sheet = pl.read_excel(io.BytesIO(roster.findings_xlsx(checked)))
    assert sheet.columns == ["Baris", "Kolom", "Jenis", "Kode", "Pesan"]
    assert sheet["Jenis"].to_list() == ["Ditolak"]


def test_describe_detected_speaks_indonesian():
    detected = {"format": "csv", "encoding": "cp1252", "delimiter": ";", "header_row": 2}
    assert roster.describe_detected(detected) == (
        "Format CSV, pengodean cp1252, pemisah titik koma, judul kolom di baris 2."
    )


def test_cli_json_for_a_refused_file_names_the_code(store):
    checked = roster.check_roster_file(store, DESA, b"\x89PNG\r\n\x1a\n....", "foto.csv")
    result = checked.to_json()
    assert result["status"] == "rejected"
    assert result["file_error"]["code"] == "file_unsupported"
    assert checked.describe().startswith("Berkas ditolak: ")


def test_a_nik_registered_elsewhere_after_the_check_is_caught_at_store(store):
    """Store skips the NIK look-up only while no roster landed since the check."""
    other = "17.02.06.1004"
    mine = roster.check_roster_file(store, DESA, csv_bytes(people(2)), "a.csv")
    assert mine.verdict.rejected == 0
    theirs = roster.check_roster_file(store, other, csv_bytes(people(1)), "b.csv")
    roster.store_checked_roster(store, ADMIN, theirs)  # the same first person, elsewhere
    before = counts(store)
    with pytest.raises(ReadinessError) as refused:
        roster.store_checked_roster(store, ADMIN, mine)
    assert refused.value.code == "nik_registered_meanwhile"
    assert counts(store) == before


def test_a_check_with_no_roster_since_stores_without_looking_again(store):
    checked = roster.check_roster_file(store, DESA, csv_bytes(people(2)), "a.csv")
    store.record_event(ADMIN, "auth.login", "admin")  # unrelated writes since the check
    stored = roster.store_checked_roster(store, ADMIN, checked)
    assert (stored.version, stored.added) == (1, 2)
