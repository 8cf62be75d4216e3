"""The verification page checks before deciding (AppTest on a real DuckDB file)."""

from __future__ import annotations

from roster_builder import csv_bytes, person

from readiness import intake
from readiness.db import Actor
from readiness.roster import check_roster_file
from readiness.scope import Scope

DERATI, TABA_ANYAR = "17.02.06.2001", "17.02.06.2002"
ADMIN = Actor("admin", "admin", Scope(""))


def save(store, desa: str, rows: list[dict], name: str) -> None:
    saved = intake.save_village(store, ADMIN, check_roster_file(store, desa, csv_bytes(rows), name))
    assert saved.outcome == "stored"


def test_verification_page_opens_on_the_first_waiting_village_and_checks_it(env_db, store, app_as):
    save(store, DERATI, [person(1), person(2)], "derati.csv")
    intake.save_village(
        store,
        ADMIN,
        check_roster_file(store, DERATI, csv_bytes([person(1)]), "derati.csv"),
    )
    from readiness import verification

    first = store.submissions(Scope(DERATI))["id"][0]
    verification.review_submission(store, ADMIN, int(first), "terverifikasi", None)
    # Taba Anyar: version 1 with 3 people, version 2 changes one, drops one, adds one.
    save(store, TABA_ANYAR, [person(11), person(12), person(13)], "v1.csv")
    save(
        store,
        TABA_ANYAR,
        [person(11), person(12, Alamat="Dusun 9"), person(14, **{"Tanggal Lahir": "17-08-1990"})],
        "v2.csv",
    )
    at = app_as("operator_kecamatan", "17.02.06").run()
    at.switch_page("pages/verification.py").run()
    assert not at.exception
    assert at.selectbox(key="verification_desa").value.startswith("Taba Anyar")
    assert any("1 desa/kelurahan menunggu verifikasi" in i.value for i in at.info)
    assert at.radio(key="verification_decision").value is None
    assert any("Dibanding versi 1: 1 ditambah, 1 dihapus, 1 diubah" in m.value for m in at.markdown)
    changes = next(df.value for df in at.dataframe if "Perubahan" in df.value.columns)
    assert sorted(zip(changes["Perubahan"], changes["Kolom berubah"], strict=True)) == [
        ("dihapus", ""),
        ("ditambah", ""),
        ("diubah", "alamat"),
    ]
    roster = next(df.value for df in at.dataframe if "Tanggal lahir" in df.value.columns)
    assert "17-08-1990" in roster["Tanggal lahir"].tolist()
    # A decision must be chosen: clicking without one stores nothing.
    at.button(key="verification_submit").click().run()
    assert at.error
    assert store.submissions(Scope(TABA_ANYAR))["status"][0] == "menunggu_verifikasi"
    at.radio(key="verification_decision").set_value("Terverifikasi")
    at.button(key="verification_submit").click().run()
    assert store.submissions(Scope(TABA_ANYAR))["status"][0] == "terverifikasi"
    audit = store.read(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'verification.full_nik'", {}
    )
    assert audit["n"][0] >= 1


def test_verification_flags_more_people_than_needed_and_unknown_tps(store):
    import polars as pl

    from readiness import verification_checks as checks

    tps = pl.DataFrame({"tps_number": [1, 2], "rawan": [False, False]})
    roster = pl.DataFrame(
        {"nomor_tps": [1, 1, 1, 1, 7], "warning_codes": [[], [], ["x"], [], []]},
        schema={"nomor_tps": pl.Int32, "warning_codes": pl.List(pl.String)},
    )
    flags = checks.roster_flags(roster, tps, per_tps=2, rawan_extra=0)
    assert flags == [
        "Jumlah linmas (5) melebihi kebutuhan (4).",
        "TPS dengan linmas kurang dari 2: 2.",
        "Nomor TPS tidak ada di daftar TPS: 7.",
        "1 baris diterima dengan catatan dari pemeriksaan berkas.",
    ]


def test_intake_page_reports_nihil_and_restores_a_version(env_db, store, app_as):
    save(store, DERATI, [person(1), person(2)], "v1.csv")
    save(store, DERATI, [person(1)], "v2.csv")
    at = app_as("operator_kecamatan", "17.02.06").run()
    at.switch_page("pages/intake.py").run()
    assert not at.exception
    at.selectbox(key="nihil_desa").set_value(TABA_ANYAR)
    at.button(key="nihil_submit").click().run()
    assert any("Alasan laporan nihil wajib diisi" in e.value for e in at.error)
    assert store.submissions(Scope(TABA_ANYAR)).height == 0
    at.text_input(key="nihil_reason").input("belum ada warga yang bersedia")
    at.button(key="nihil_submit").click().run()
    assert store.roster_versions(TABA_ANYAR)["via"].to_list() == ["nihil"]
    at.selectbox(key="versions_desa").set_value(DERATI).run()
    table = next(df.value for df in at.dataframe if "Berlaku" in df.value.columns)
    assert table["Versi"].tolist() == [2, 1]
    at.selectbox(key="restore_version").set_value(1)
    at.button(key="restore_submit").click().run()
    assert any("versi 3" in s.value for s in at.success)
    assert store.roster_versions(DERATI).select("version", "via", "rows_accepted").row(0) == (
        3,
        "restore",
        2,
    )


def test_a_village_operator_sees_no_kecamatan_upload(env_db, store, app_as):
    at = app_as("operator_desa", DERATI).run()
    at.switch_page("pages/intake.py").run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "kec_code"]
    assert at.selectbox(key="versions_desa").value == DERATI


def _village_states(store) -> None:
    """Taba Anyar reports nihil; Derati's only file is refused whole (a NIK with a bad
    region code on every row, quoted in the reasons)."""
    intake.report_nihil(store, ADMIN, TABA_ANYAR, "belum ada warga yang bersedia")
    bad = [person(i, NIK="9999990101900001") for i in (1, 2)]
    refused = intake.save_village(
        store, ADMIN, check_roster_file(store, DERATI, csv_bytes(bad), "derati_salah.csv")
    )
    assert refused.outcome == "attempt"


def _row(frame, column: str, value: str) -> dict:
    return next(r for r in frame.to_dict("records") if r[column] == value)


def _table(at, *columns: str):
    """The one dataframe on the page holding every one of ``columns``."""
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def test_head_sees_nihil_and_refused_villages_with_their_reasons(env_db, store, app_as):
    _village_states(store)
    at = app_as("pimpinan", "").run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    silent = _table(at, "Keadaan", "Alasan ditolak", "Jenis")
    derati = _row(silent, "Desa/Kelurahan", "Derati")
    assert derati["Keadaan"] == "Mencoba mengirim, semua ditolak"
    assert "kode wilayah" in derati["Alasan ditolak"]
    assert "9999990101900001" not in derati["Alasan ditolak"]  # long digit runs hidden
    assert "Taba Anyar" not in silent["Desa/Kelurahan"].tolist()  # nihil counts as sent
    assert _row(silent, "Desa/Kelurahan", "Air Bang")["Keadaan"] == "Belum pernah mengirim"
    nihil = _table(at, "Alasan nihil")
    assert nihil["Desa/Kelurahan"].tolist() == ["Taba Anyar"]
    assert nihil["Alasan nihil"].tolist() == ["belum ada warga yang bersedia"]

    at.switch_page("pages/readiness.py").run()
    assert not at.exception
    at.selectbox(key="drill_kecamatan").set_value("17.02.06").run()
    desa = _table(at, "Mengirim", "Keterangan")
    assert _row(desa, "Desa/Kelurahan", "Taba Anyar")["Mengirim"] == "Nihil"
    assert _row(desa, "Desa/Kelurahan", "Derati")["Mengirim"] == ("Mencoba mengirim, semua ditolak")
    calls = _table(at, "Keadaan", "WhatsApp")
    assert _row(calls, "Desa/Kelurahan", "Derati")["Keadaan"] == "Mencoba mengirim, semua ditolak"


def test_kecamatan_and_village_homes_name_nihil_and_refused_files(env_db, store, app_as):
    _village_states(store)
    at = app_as("operator_kecamatan", "17.02.06").run()
    assert not at.exception
    villages = _table(at, "Verifikasi", "Keterangan")
    assert _row(villages, "Desa", "Taba Anyar")["Verifikasi"] == "Nihil"
    assert _row(villages, "Desa", "Taba Anyar")["Keterangan"] == "belum ada warga yang bersedia"
    assert _row(villages, "Desa", "Derati")["Verifikasi"] == "Mencoba mengirim, semua ditolak"

    home = app_as("operator_desa", DERATI).run()
    assert not home.exception
    said = " ".join(m.value for m in home.markdown).replace("\\", "")  # markdown escapes
    assert "derati_salah.csv" in said
    assert "ditolak seluruhnya" in said
