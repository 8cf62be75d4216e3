"""The roster upload through the page: upload, verdict per row, store as a version; rejections store nothing.

Pages need a login: ``app_as`` (tests/conftest.py) puts an Actor in session state.
AppTest 1.67 finds ``st.data_editor`` but cannot edit it (its interactions are unsupported), so
edit + recheck is tested on the handler the page calls (``roster.apply_edits`` + ``check_raw``)
in tests/test_roster.py, and here only the editor's content is checked.
"""

from __future__ import annotations

import pytest
from conftest import make_nik

from readiness import roster
from readiness.scope import Scope

DESA = "17.02.06.2001"  # Derati, kecamatan Kota Padang (17.02.06)


def roster_csv(*people: tuple[str, str], extra: str = "") -> bytes:
    """A semicolon CSV as Indonesian Excel saves it, with a title and a total row."""
    good = people or ((f"Budi Santoso{extra}", make_nik(1)),)
    lines = ["DAFTAR LINMAS DESA DERATI;;;;", "Nama;NIK;L/P;Tanggal Lahir;No. HP"]
    lines += [f"{name};{nik};L;17-05-1990;0812-3456-7890" for name, nik in good]
    lines += ["Tanpa Nik;12345;L;01-01-1980;081234567891", ";;;;", "JUMLAH;2;;;"]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def open_upload_page(app_as):
    at = app_as("operator_kecamatan", "17.02.06").run()
    at.switch_page("pages/upload.py").run()
    at.selectbox(key="upload_desa").set_value(DESA).run()
    return at


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader(key="roster_file").upload(name, data, mime).run()
    assert not at.exception
    return at


def table_with(at, column: str):
    """The shown table that has ``column`` (AppTest finds st.dataframe by position only)."""
    return next(t.value for t in at.dataframe if column in t.value.columns)


def counts(store) -> tuple[int, int, int]:
    return store.count("submissions"), store.count("officers"), store.count("findings")


def test_good_upload_is_stored_as_version_1(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", roster_csv())
    shown = {m.label: m.value for m in at.metric}
    assert shown == {
        "Diterima": "1",
        "Diterima dengan catatan": "0",
        "Ditolak": "1",
        "Dilewati": "2",
    }
    findings = table_with(at, "Pesan")
    assert list(findings["Baris"]) == [4]
    assert list(findings["Kolom"]) == ["NIK"]
    assert "Baris 4" in findings["Pesan"][0]
    assert any("versi 1" in c.value for c in at.caption)
    assert counts(store) == (0, 0, 0)  # nothing stored before the operator submits

    at.button(key="submit_roster").click().run()
    assert not at.exception
    assert at.success[0].value == (
        "Daftar linmas Derati disimpan sebagai versi 1. 1 linmas tercatat. "
        "Status: menunggu verifikasi kecamatan."
    )
    assert store.count("officers") == 1
    submission = store.submissions(Scope(DESA))
    assert submission["rows_rejected"].to_list() == [1]
    assert submission["version"].to_list() == [1]


def test_reupload_is_version_2_with_the_difference_and_keeps_version_1(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", roster_csv())
    at.button(key="submit_roster").click().run()
    second = roster_csv(("Budi Santoso Baru", make_nik(1)), ("Siti Aminah", make_nik(2)))
    at = upload(open_upload_page(app_as), "derati_v2.csv", second)
    assert any("Tersimpan sekarang: versi 1" in c.value for c in at.caption)
    at.button(key="submit_roster").click().run()
    assert not at.exception
    assert at.success[0].value == (
        "Daftar linmas Derati disimpan sebagai versi 2. Dibanding versi 1: 1 ditambah, "
        "0 dihapus, 1 diubah. Versi sebelumnya tetap tersimpan. Tidak ada linmas dari versi "
        "yang berlaku yang hilang. Status: menunggu verifikasi kecamatan."
    )
    every = store.submissions(Scope(DESA), active_only=False)
    assert every["version"].to_list() == [1, 2]
    assert store.submissions(Scope(DESA))["version"].to_list() == [2]
    assert store.count("officers") == 1 + 2


@pytest.mark.parametrize(
    ("name", "data", "code_words"),
    [
        ("kosong.csv", b"", ["kosong"]),
        ("foto.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ["gambar"]),
        ("biner.csv", bytes(range(1, 32)) * 40, ["biner"]),
        ("judul_saja.csv", b"Nama;NIK;L/P;Tanggal Lahir\r\n", ["baris 1"]),
        ("tanpa_nik.csv", b"Nama;Alamat\r\nBudi;Curup\r\n", ['"Nama"', '"Alamat"', "NIK"]),
    ],
    ids=["empty", "image", "binary", "header_only", "missing_columns"],
)
def test_whole_file_rejection_shows_the_message_and_stores_nothing(
    env_db, store, app_as, name, data, code_words
):
    before = counts(store)
    at = upload(open_upload_page(app_as), name, data)
    assert len(at.error) == 1, "the whole file is refused with one message"
    text = at.error[0].value
    for word in code_words:
        assert word.lower() in text.lower(), text
    assert not at.metric, "no verdict for a refused file"
    assert "submit_roster" not in {b.key for b in at.button}
    assert counts(store) == before


def test_missing_columns_names_found_and_expected_headers(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "tanpa_nik.csv", b"Nama;Alamat\r\nBudi;Curup\r\n")
    text = at.error[0].value
    assert '"Nama", "Alamat"' in text  # what was found
    assert "Nama, NIK, Jenis Kelamin (L/P), Tanggal Lahir" in text  # what is expected
    assert store.count("submissions") == 0


def test_mapping_correction_changes_the_verdict(env_db, store, app_as):
    data = (
        "Nama;Nomor Identitas;L/P;Tanggal Lahir\r\n"
        f"Budi Santoso;{make_nik(1)};L;17-05-1990\r\n"
        f"Siti Aminah;{make_nik(2, female=True)};P;17-05-1990\r\n"
    ).encode()
    at = upload(open_upload_page(app_as), "identitas.csv", data)
    assert "NIK" in at.error[0].value  # "Nomor Identitas" is not recognised as the NIK
    nik_column = next(s for s in at.selectbox if s.label == "Nomor Identitas")
    assert nik_column.value is None
    nik_column.set_value("nik").run()
    assert not at.exception
    assert not at.error
    assert {m.label: m.value for m in at.metric}["Diterima"] == "2"
    at.button(key="submit_roster").click().run()
    assert store.count("officers") == 2


def test_skipped_rows_are_listed_with_why(env_db, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", roster_csv())
    skipped = table_with(at, "Alasan")
    assert list(skipped["Baris"]) == [5, 6]
    assert list(skipped["Alasan"]) == ["Baris kosong", "Baris jumlah/total"]


def test_rejected_rows_are_offered_for_correction_with_their_problem(env_db, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", roster_csv())
    editor = at.data_editor[0].value
    assert list(editor["_row"]) == [4]
    assert list(editor["NIK"]) == ["12345"]
    assert "16 angka" in editor[roster.PROBLEM_COLUMN][0]


def test_second_click_after_saving_stores_nothing_more(env_db, store, app_as):
    at = upload(open_upload_page(app_as), "derati.csv", roster_csv())
    at.button(key="submit_roster").click().run()
    assert store.count("submissions") == 1
    at.run()  # the operator clicks around again: the button is gone, the message stays
    assert not [b for b in at.button if b.key == "submit_roster"]
    assert any("versi 1" in s.value for s in at.success)
    assert store.count("submissions") == 1


def test_kecamatan_recap_uploaded_for_one_village_is_refused_whole(env_db, store, app_as):
    lines = ["REKAP LINMAS KECAMATAN KOTA PADANG;;;;;", "Desa;Nama;NIK;L/P;Tanggal Lahir;TPS"]
    for i, village in enumerate(["Derati", "Derati", "Taba Anyar", "Taba Anyar", "Suka Rami"]):
        lines.append(f"{village};Linmas {i};{make_nik(i + 1)};L;17-05-1990;{i % 2 + 1}")
    before = counts(store)
    at = upload(open_upload_page(app_as), "rekap.csv", ("\r\n".join(lines) + "\r\n").encode())
    assert len(at.error) == 1
    text = at.error[0].value
    assert "Taba Anyar (2 baris, mulai baris 5)" in text
    assert "lewat kecamatan" in text
    assert not at.metric
    assert "submit_roster" not in {b.key for b in at.button}
    assert counts(store) == before
