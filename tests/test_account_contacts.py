"""Operators' phones from a contacts file at bulk account creation: CLI, the Akun page, refusals."""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter

from readiness import account_contacts
from readiness.cli import EXIT_ERROR, EXIT_OK, main
from readiness.scope import Scope
from tests.conftest import actor_for

GOOD_CSV = (
    b"Wilayah;Nama;No. HP\n"
    b"17.02.06.2001;Sari Wulandari;0812-3456-7890\n"
    b"17.02.06;Budi Santoso;+62 812 9876 5432\n"
    b"17.02.06.2002;Ani;\n"
)
BAD_CSV = b"Wilayah;Nama;No. HP\n17.02.06.2001;Sari;12345\nAntah Berantah;Budi;081298765432\n"


def contacts_xlsx() -> bytes:
    """A real XLSX with the headers an operator would type."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Kontak")
    rows = [("Kode Wilayah", "Nama Operator", "No. WA"), ("17.02.06.2003", "Dedi", "085712345678")]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def phones(store) -> dict[str, str | None]:
    users = store.users(actor_for("admin"))
    return dict(users.select("region_code", "phone").iter_rows())


def test_cli_bulk_create_takes_phones_from_the_file(store, tmp_path, capsys):
    path = tmp_path / "kontak.csv"
    path.write_bytes(GOOD_CSV)
    out_file = tmp_path / "akun.xlsx"
    before = account_contacts.unreachable_count(store, Scope("17.02"))
    code = main(["user", "bulk-create", "--contacts", str(path), "--out", str(out_file),
                 "--db", str(store.path)])  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    assert out_file.exists()
    assert "Baris 4, kolom No. HP: kosong" in out  # a warning, the contact is still taken
    assert "2 akun baru mendapat nomor HP dari berkas kontak" in out
    stored = phones(store)
    assert stored["17.02.06.2001"] == "081234567890"
    assert stored["17.02.06"] == "081298765432"
    assert stored["17.02.06.2002"] is None
    names = dict(store.users(actor_for("admin")).select("region_code", "full_name").iter_rows())
    assert names["17.02.06.2001"] == "Sari Wulandari"
    assert account_contacts.unreachable_count(store, Scope("17.02")) == before - 1


def test_cli_refuses_a_bad_contacts_file_and_creates_nothing(store, tmp_path, capsys):
    path = tmp_path / "kontak.csv"
    path.write_bytes(BAD_CSV)
    out_file = tmp_path / "akun.xlsx"
    code = main(["user", "bulk-create", "--contacts", str(path), "--out", str(out_file),
                 "--db", str(store.path)])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == EXIT_ERROR
    assert 'Baris 2, kolom No. HP: "12345" bukan nomor HP' in err
    assert 'Baris 3, kolom Wilayah: "Antah Berantah" tidak ada' in err
    assert "tidak ada akun yang dibuat" in err
    assert not out_file.exists()
    assert store.users(actor_for("admin")).height == 0


def test_xlsx_contacts_with_other_headers(store):
    created, parsed = account_contacts.bulk_create_with_contacts(
        store, actor_for("admin"), contacts_xlsx(), "kontak.xlsx"
    )
    assert parsed.findings.height == 0
    assert created.height > 100
    assert phones(store)["17.02.06.2003"] == "085712345678"


def test_akun_page_bulk_creation_with_contacts(store, env_db, app_as):
    at = app_as("admin").run()
    at.switch_page("pages/users.py").run()
    at.file_uploader(key="bulk_contacts").upload("kontak.csv", GOOD_CSV, "text/csv").run()
    at.button(key="bulk_create").click().run()
    assert not at.exception
    assert not at.error
    assert any("kolom No. HP: kosong" in w.value for w in at.warning)
    assert any("2 akun baru mendapat nomor HP" in i.value for i in at.info)
    assert phones(store)["17.02.06.2001"] == "081234567890"


def test_akun_page_refuses_a_bad_file(store, env_db, app_as):
    at = app_as("admin").run()
    at.switch_page("pages/users.py").run()
    at.file_uploader(key="bulk_contacts").upload("kontak.csv", BAD_CSV, "text/csv").run()
    at.button(key="bulk_create").click().run()
    assert not at.exception
    assert "tidak ada akun yang dibuat" in at.error[0].value
    assert store.users(actor_for("admin")).height == 0
    assert not pl.DataFrame(store.audit_log()).filter(pl.col("action") == "user.bulk_add").height
