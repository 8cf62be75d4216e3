"""More attacks from the adversarial review: backups by any role, killed backups, parallel
logins, sessions outliving a password reset, lost one-time passwords, bidi names, NIK bytes
left on disk, cross-village look-ups, unscoped histories."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from roster_builder import csv_bytes, people

from readiness import auth, backup
from readiness.db import Actor
from readiness.errors import AccessDenied, ReadinessError

PASSWORD = "kuda-lari-pagi-7"


@pytest.fixture
def admin(store) -> Actor:
    return auth.create_first_admin(store, "admin", PASSWORD, "Admin Kabupaten")


def audit(store, action: str) -> list[dict]:
    return store.read(
        "SELECT username, target, detail FROM audit_log WHERE action = $a ORDER BY id",
        {"a": action},
    ).to_dicts()


# -- backup and restore: admin only, audited -------------------------------------------------------


def test_a_village_account_can_neither_back_up_nor_restore(store, admin, tmp_path, capsys):
    from readiness.cli import main

    auth.add_user(store, admin, "desa.op", "operator_desa", "17.02.06.1004")
    db = str(store.path)
    copy = tmp_path / "salinan.duckdb"
    assert main(["--user", "desa.op", "backup", "--db", db, "--out", str(copy)]) == 1
    assert "tidak berwenang membuat atau memulihkan cadangan" in capsys.readouterr().err
    assert not copy.exists()
    snap = backup.backup(store, tmp_path / "sah.duckdb", admin).path
    before = store.path.read_bytes()
    assert main(["--user", "desa.op", "restore", "--db", db, str(snap), "--yes"]) == 1
    assert "tidak berwenang" in capsys.readouterr().err
    assert store.path.read_bytes() == before
    village = auth.actor_from_record(store.user_record("desa.op"))
    with pytest.raises(AccessDenied):
        backup.backup(store, tmp_path / "lagi.duckdb", village)


def test_every_backup_is_audited_with_who_where_and_size(store, admin, tmp_path, capsys):
    from readiness.cli import main

    out = tmp_path / "cli.duckdb"
    assert main(["backup", "--db", str(store.path), "--out", str(out)]) == 0
    made = backup.backup(store, tmp_path / "page.duckdb", admin)
    rows = audit(store, "backup.create")
    assert [r["target"] for r in rows] == [str(out), str(made.path)]
    assert rows[0]["username"].startswith("cli:")
    assert rows[1]["username"] == "admin"
    detail = json.loads(rows[1]["detail"])
    assert detail["size_bytes"] == made.size_bytes == made.path.stat().st_size
    assert detail["folder"] == str(tmp_path)


# -- killed backups leave no NIK copies ------------------------------------------------------------


def test_a_killed_backups_partial_copy_is_removed_at_the_next_backup(store, admin, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)  # a process that has ended: its copy is an orphan
    orphan = tmp_path / f".cadangan.sedang-dibuat-{pid}-1{backup.SUFFIX}"
    orphan.write_bytes(b"NIK 1702060101900001")
    orphan_wal = orphan.with_name(orphan.name + ".wal")
    orphan_wal.write_bytes(b"x")
    live = tmp_path / f".lain.sedang-dibuat-{os.getpid()}-1{backup.SUFFIX}"  # still writing
    live.write_bytes(b"x")
    result = subprocess.run(
        [sys.executable, "-m", "readiness", "backup", "--db", str(store.path),
         "--out", str(tmp_path / "baru.duckdb")],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Sisa cadangan yang terputus dihapus (2 berkas" in result.stdout
    assert not orphan.exists()
    assert not orphan_wal.exists()
    assert live.exists()
    assert audit(store, "backup.partial_removed")


# -- parallel logins: the attempt is claimed before the password is verified -----------------------


def test_twenty_parallel_wrong_logins_verify_at_most_the_limit_then_lock(
    store, admin, settings, monkeypatch
):
    import threading

    from argon2 import PasswordHasher

    secret = auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    real_hash = store.user_record("kec.17.02.06")["password_hash"]
    checked = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
            if hash == real_hash:
                checked.append(password)
            return super().verify(hash, password)

    monkeypatch.setattr(
        auth, "HASHER", CountingHasher(time_cost=2, memory_cost=19456, parallelism=1)
    )
    start = threading.Barrier(20)
    answers = []

    def guess(i: int) -> None:
        start.wait()
        try:
            auth.login(store, "kec.17.02.06", f"tebakan-salah-{i:02d}")
        except ReadinessError as error:
            answers.append(error.code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["login_failed"] * 20
    assert 1 <= len(checked) <= settings.login_max_attempts
    with pytest.raises(ReadinessError):
        auth.login(store, "kec.17.02.06", secret)  # the right password, too late: locked
    assert secret not in checked
    assert store.user_record("kec.17.02.06")["locked_until"] is not None


# -- a password reset or a disable ends open sessions ----------------------------------------------


def test_a_password_reset_ends_the_accounts_open_sessions(store, admin):
    secret = auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    session = auth.login(store, "kec.17.02.06", secret).actor
    assert auth.session_still_valid(store, session)
    auth.change_password(store, session, secret, "kopi-hujan-sepeda-9")  # the owner: stays
    assert auth.session_still_valid(store, session)
    new = auth.reset_password(store, admin, "kec.17.02.06")
    assert not auth.session_still_valid(store, session)
    again = auth.login(store, "kec.17.02.06", new).actor
    assert auth.session_still_valid(store, again)
    auth.set_disabled(store, admin, "kec.17.02.06", disabled=True)
    auth.set_disabled(store, admin, "kec.17.02.06", disabled=False)
    assert not auth.session_still_valid(store, again)  # disabled once: that session is over


def test_a_reset_ends_the_dashboard_session_at_its_next_action(env_db, store, admin, app_as):
    secret = auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    session = auth.login(store, "kec.17.02.06", secret).actor  # as the login page keeps it
    auth.reset_password(store, admin, "kec.17.02.06")
    at = app_as("operator_kecamatan", "17.02.06")
    at.session_state["actor"] = session
    at.run()
    assert not at.exception
    assert "actor" not in at.session_state
    assert at.text_input(key="login_username") is not None  # the login form, nothing else


# -- the audit log: paged and cut in SQL ------------------------------------------------------------


def test_audit_entries_page_and_cut_long_fields_in_sql(store, admin):
    for i in range(5):
        store.record_event(
            admin, "auth.login_failed", f"t{i}" + "x" * 1_000_000, note="d" * 500_000
        )
    newest = auth.audit_entries(store, admin, action="auth.login_failed", limit=2, field_max=200)
    older = auth.audit_entries(
        store, admin, action="auth.login_failed", limit=2, offset=2, field_max=200
    )
    assert newest["target"].str.slice(0, 2).to_list() == ["t4", "t3"]
    assert older["target"].str.slice(0, 2).to_list() == ["t2", "t1"]
    for frame in (newest, older):
        for column in ("target", "detail"):
            assert frame[column].str.len_chars().max() == 201
            assert frame[column].str.ends_with("…").all()
    whole = auth.audit_entries(store, admin, action="auth.login_failed", limit=1)
    assert whole["target"].str.len_chars()[0] == 1_000_002  # the export keeps every character


# -- bulk accounts: the passwords file first ---------------------------------------------------------


def test_bulk_create_to_an_unwritable_place_creates_no_account(store, admin, tmp_path, capsys):
    from readiness.cli import main

    blocker = tmp_path / "bukan-folder.txt"
    blocker.write_text("a regular file where a folder is expected")
    out = blocker / "akun.xlsx"  # no folder can be made inside a file, not even by root
    users_before = store.count("users")
    assert main(["user", "bulk-create", "--db", str(store.path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "tidak dapat ditulis" in err
    assert "Tidak ada akun yang dibuat" in err
    assert store.count("users") == users_before
    good = tmp_path / "akun.xlsx"
    assert main(["user", "bulk-create", "--db", str(store.path), "--out", str(good)]) == 0
    assert good.is_file()
    assert store.count("users") > users_before
    assert not list(tmp_path.glob(".akun.xlsx*"))


def test_a_failed_account_write_removes_the_delivered_passwords(store, admin, tmp_path):
    delivered = tmp_path / "akun.xlsx"

    def deliver(table):
        delivered.write_bytes(b"passwords")
        store.add_users(
            admin,
            table.head(1).with_columns(  # taken meanwhile: the batch fails
                password_hash=table["password"].head(1), phone=None, must_change_password=True
            ),
        )
        return lambda: delivered.unlink()

    with pytest.raises(ReadinessError):
        auth.bulk_create_operators(store, admin, deliver=deliver)
    assert not delivered.exists()
    assert store.count("users") == 2


# -- direction controls (RTL override) in names and addresses ---------------------------------------

RLO, PDI = "\u202e", "\u2069"


def test_direction_controls_are_dropped_from_roster_names_and_addresses():
    from readiness.ingest import read_table
    from readiness.validation import RosterContext, validate_roster

    rows = people(2)
    rows[0]["Nama"] = f"Budi{RLO}itnayruS"
    rows[0]["Alamat"] = f"Dusun {PDI}2{RLO}"
    rows[1]["Tempat Lahir"] = f"{RLO}puruC"
    context = RosterContext(
        desa_code="17.02.06.1004", kabupaten_code="17.02",
        voting_date=dt.date(2024, 11, 27), tps_count=5,
    )  # fmt: skip
    verdict = validate_roster(read_table(csv_bytes(rows), "roster.csv"), context)
    officers = verdict.officers
    assert officers["nama"].to_list()[0] == "BudiitnayruS"
    assert officers["alamat"].to_list()[0] == "Dusun 2"
    assert officers["tempat_lahir"].to_list()[1] == "puruC"
    for column, dtype in officers.schema.items():
        if dtype == pl.String:
            assert not officers[column].str.contains(RLO).any(), column


def test_direction_controls_are_dropped_from_account_names_and_downloads(store, admin):
    from readiness import spreadsheet

    auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06",
                  full_name=f"Operator {RLO}nagaT")  # fmt: skip
    assert store.user_record("kec.17.02.06")["full_name"] == "Operator nagaT"
    old = pl.DataFrame({"Nama": [f"{RLO}=1+1", f"Ani{PDI}"]})  # stored before this check
    text = spreadsheet.csv_bytes(old).decode("utf-8-sig")
    assert RLO not in text
    assert PDI not in text
    assert "'=1+1" in text


# -- forget-nik leaves no bytes on disk --------------------------------------------------------------


def _file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forget_nik_leaves_neither_nik_nor_phone_in_the_database_file(store, capsys):
    import hashlib

    from conftest import make_nik, make_officers, no_findings

    from readiness import drafts, roster
    from readiness.cli import main
    from readiness.db import SYSTEM, Actor
    from readiness.scope import Scope

    nik, phone = make_nik(7), "081377712345"

    def save(serials: list[int], phones: list[str], tag: str) -> None:
        officers = make_officers([make_nik(s) for s in serials], no_hp=phones)
        roster.save_roster(
            store, SYSTEM, "17.02.06.1004", officers, no_findings(), file_name="daftar.xlsx",
            sha256=hashlib.sha256(tag.encode()).hexdigest(),
            counts={"accepted": len(serials), "rejected": 0, "warned": 0, "skipped": 0},
        )  # fmt: skip

    others = list(range(100, 400))
    other_phones = [f"0812{s:08d}" for s in others]
    save([7, *others], [phone, *other_phones], "a")
    draft = f"Nama;NIK;No. HP\r\nOrang Tujuh;{nik};{phone}\r\n".encode()  # checked, not saved
    clerk = Actor("desa.draf", "operator_desa", Scope("17.02.06.1004"))
    work = roster.read_upload(store, draft, "daftar.csv")
    drafts.start(store, clerk, "17.02.06.1004", "daftar.csv", work)
    desa, someone = "17.02.06.1004", make_nik(100)
    store.add_assignment_changes(  # on duty: moved, marked present, and standing in for another
        SYSTEM, desa, [{"desa_code": desa, "nik": nik, "tps_number": 2, "cadangan": False}],
        action="assignment.move",
    )  # fmt: skip
    store.add_attendance_day(SYSTEM, desa, [{"tps_number": 2, "nik": nik, "status": "hadir"}])
    store.add_attendance_day(
        SYSTEM, desa, [{"tps_number": 1, "nik": someone, "status": "diganti",
                        "substitute_nik": nik, "substitute_name": "Orang Tujuh"}],
    )  # fmt: skip
    store.record_attempt(
        SYSTEM, desa, via="desa", file_name="salah.csv", sha256="0" * 64, rows_rejected=1,
        reasons=[f'Baris 2, kolom NIK: tertulis "{nik}".'],
    )  # fmt: skip
    assert _file_bytes(store.path).count(nik.encode()) > 0  # the scan finds what is there
    assert main(["forget-nik", nik, "--yes", "--db", str(store.path)]) == 0
    right_after = _file_bytes(store.path)
    assert right_after.count(nik.encode()) == 0
    assert right_after.count(phone.encode()) == 0
    for tag in ("b", "c", "d"):  # three more uploads after the deletion
        save(others, other_phones, tag)
    on_disk = _file_bytes(store.path)
    assert on_disk.count(nik.encode()) == 0
    assert on_disk.count(phone.encode()) == 0
    assert on_disk.count(make_nik(100).encode()) > 0
    assert nik not in store.officers(Scope("17.02"))["nik"].to_list()
    assert drafts.restore(store, clerk, "17.02.06.1004") is None
    assert store.assignment_changes(Scope(desa)).filter(pl.col("nik") == nik).height == 0
    marks = store.attendance_day(Scope(desa), log=True)
    assert nik not in marks["nik"].to_list()
    assert marks.filter(pl.col("nik") == someone)["status"].to_list() == ["diganti"]


# -- cross-village look-ups ----------------------------------------------------------------------------


def _roster_with(nik_value: str) -> bytes:
    rows = people(2)
    rows[1]["NIK"] = nik_value
    return csv_bytes(rows)


def test_a_village_learns_only_that_a_nik_is_registered_elsewhere(store, admin):
    from conftest import make_nik, make_officers, no_findings

    from readiness import roster

    taken = make_nik(3, kecamatan_code="17.02.06")
    roster.save_roster(
        store, admin, "17.02.09.1012", make_officers([taken]), no_findings(),
        file_name="lain.xlsx", sha256="0" * 64,
        counts={"accepted": 1, "rejected": 0, "warned": 0, "skipped": 0},
    )  # fmt: skip
    data = _roster_with(taken)
    auth.add_user(store, admin, "desa.op", "operator_desa", "17.02.06.1004")
    village = auth.actor_from_record(store.user_record("desa.op"))
    seen_by_village = roster.check_roster_file(
        store, "17.02.06.1004", data, "daftar.csv", viewer=village
    )
    messages = seen_by_village.verdict.findings["message"].to_list()
    assert any("sudah terdaftar di desa lain" in m for m in messages)
    assert not any("17.02.09.1012" in m for m in messages)
    name = store.region_name("17.02.09.1012")
    assert not any(name in m for m in messages)
    seen_by_admin = roster.check_roster_file(
        store, "17.02.06.1004", data, "daftar.csv", viewer=admin
    )
    assert any("17.02.09.1012" in m for m in seen_by_admin.verdict.findings["message"].to_list())
    lookups = audit(store, "roster.nik_lookup")
    assert [r["username"] for r in lookups] == ["desa.op", "admin"]
    assert json.loads(lookups[0]["detail"])["found"] == 1


def test_a_dry_run_is_checked_against_the_accounts_region(store, admin, tmp_path, capsys):
    from readiness.cli import main

    auth.add_user(store, admin, "desa.op", "operator_desa", "17.02.06.1004")
    file = tmp_path / "daftar.csv"
    file.write_bytes(csv_bytes(people(2)))
    args = ["--user", "desa.op", "import", "--db", str(store.path), "--desa"]
    assert main([*args, "17.02.09.1012", str(file), "--dry-run"]) == 1
    assert "17.02.09.1012" in capsys.readouterr().err
    assert main([*args, "17.02.06.1004", str(file), "--dry-run"]) == 0


# -- training sessions and import histories by region ---------------------------------------------


def test_training_sessions_and_import_histories_are_scoped_by_region(store, admin):
    from readiness.scope import Scope

    auth.add_user(store, admin, "kec.a", "operator_kecamatan", "17.02.06")
    auth.add_user(store, admin, "kec.b", "operator_kecamatan", "17.02.09")
    kec_a = auth.actor_from_record(store.user_record("kec.a"))
    kec_b = auth.actor_from_record(store.user_record("kec.b"))
    for where in (None, "17.02.06", "17.02.09"):
        store.add_training_session(
            admin, held_on=dt.date(2024, 10, 1), place=f"Aula {where}", modules=["tugas"],
            kecamatan_code=where,
        )  # fmt: skip
    seen = store.training_sessions(kec_a.scope)["place"].to_list()
    assert sorted(seen) == ["Aula 17.02.06", "Aula None"]
    assert store.training_sessions(Scope("17.02")).height == 3
    record = pl.DataFrame(
        {"nik": [people(1)[0]["NIK"]], "kpj": ["1"], "enrolled": [True], "enrolled_on": [None]}
    )
    for who, name in ((admin, "kab.xlsx"), (kec_a, "a.xlsx"), (kec_b, "b.xlsx")):
        store.record_bpjs_batch(who, record, file_name=name)
    assert store.batches("bpjs", kec_a.scope)["file_name"].to_list() == ["a.xlsx"]
    assert store.batches("bpjs", Scope("17.02"))["file_name"].to_list() == [
        "b.xlsx", "a.xlsx", "kab.xlsx"
    ]  # fmt: skip


# -- restore: unknown views and macros, other accounts ------------------------------------------------


def test_restore_lists_unknown_views_macros_and_other_accounts_and_needs_yes(
    store, admin, tmp_path, capsys
):
    from readiness.cli import main
    from readiness.db import Store

    snap = backup.backup(store, tmp_path / "cadangan.duckdb", admin).path
    other = Store.open(snap, store.settings)
    other.write(admin, "meta.set", "x", lambda con: con.execute(
        "CREATE VIEW semua_nik AS SELECT nik FROM officers"))  # fmt: skip
    other.write(admin, "meta.set", "x", lambda con: con.execute(
        "CREATE MACRO bocor(x) AS x"))  # fmt: skip
    auth.add_user(other, admin, "penyusup", "admin", "17.02")
    del other
    db = str(store.path)
    assert main(["restore", "--db", db, str(snap)]) == 1
    err = capsys.readouterr().err
    assert "semua_nik" in err
    assert "bocor" in err
    assert "penyusup" in err
    assert "--yes" in err
    assert store.user_record("penyusup") is None
    assert main(["restore", "--db", db, str(snap), "--yes"]) == 0
    assert store.user_record("penyusup") is not None


def test_restore_of_a_backup_with_the_same_accounts_needs_no_yes(store, admin, tmp_path):
    from readiness.cli import main

    snap = backup.backup(store, tmp_path / "cadangan.duckdb", admin).path
    assert main(["restore", "--db", str(store.path), str(snap)]) == 0


# -- another process holding the database ----------------------------------------------------------


def test_a_held_database_shows_the_busy_message_and_keeps_the_session(
    env_db, store, app_as, monkeypatch
):
    from readiness.db import core

    at = app_as("admin")
    at.run()  # the store is opened (and cached) while the file is free
    assert not at.exception
    core.release(env_db)  # this process lets the file go; the plain holder below never yields
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "sys.stdin.read()", str(env_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(core, "BUSY_TIMEOUT_SECONDS", 0.5)
        at = app_as("admin")  # a page load: the entry script runs the session check first
        at.run()
        assert not at.exception
        shown = " ".join(e.value for e in at.error)
        assert "sedang dipakai proses lain" in shown
        assert at.session_state["actor"] is not None  # the session is kept
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    at = app_as("admin")
    at.run()
    assert not at.exception
    assert not at.error
