"""Fixing rejected rows on a phone: one row at a time, the problem above its field."""

from __future__ import annotations

from conftest import make_nik
from test_page_upload import open_upload_page, upload

from readiness import fix_rows


def two_bad_rows() -> bytes:
    lines = ["Nama;NIK;L/P;Tanggal Lahir;No. HP"]
    lines.append(f"Budi Santoso;{make_nik(1)};L;17-05-1990;0812-3456-7890")
    lines.append("Siti Aminah;12345;P;01-01-1980;081234567891")
    lines.append("Joko Susilo;32010;L;02-02-1982;081234567892")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_row_fixes_put_the_field_with_the_problem_first(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", two_bad_rows())
    shown = {m.label: m.value for m in at.metric}
    assert shown["Ditolak"] == "2", (shown, [d.value for d in at.dataframe])
    at.toggle(key="phone_view").set_value(True).run()
    assert not at.exception
    page = " ".join(m.value for m in at.markdown)
    assert "Baris 1 dari 2 yang ditolak" in page
    labels = [t.label for t in at.text_input if t.key and t.key.startswith("fix_")]
    assert labels[0] == "NIK"  # the field the problem concerns comes first
    assert "NIK" in at.error[0].value  # its problem, in one sentence, above it
    nik = next(t for t in at.text_input if t.key and t.key.startswith("fix_") and t.label == "NIK")
    nik.input(make_nik(2))
    at.button(key="fix_recheck").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Ditolak"] == "1"
    page = " ".join(m.value for m in at.markdown)
    assert "Baris 1 dari 1 yang ditolak" in page
    at.button(key="fix_skip").click().run()
    assert "dilewati" in at.info[-1].value
    shown = {m.label: m.value for m in at.metric}
    assert int(shown["Diterima"]) + int(shown["Diterima dengan catatan"]) == 2
    assert shown["Ditolak"] == "1"  # skipped: still rejected, not stored


def test_edited_row_is_one_row_of_text():
    fix = fix_rows.RowFix(row=3, fields=["NIK", "Nama"], values={}, problems={})
    frame = fix_rows.edited_row(fix, {"NIK": "1", "Nama": "A"})
    assert frame.rows() == [(3, "1", "A")]
