"""Attacks an adversarial review tried: login floods, weak passwords, telling failures apart,
formulas in downloads, Markdown in user text, hostile CLI input and restore files."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import polars as pl
import pytest
from argon2 import PasswordHasher

from readiness import auth
from readiness.db import Actor, now_wib
from readiness.errors import ReadinessError
from readiness.scope import Scope

PASSWORD = "kuda-lari-pagi-7"


@pytest.fixture
def admin(store) -> Actor:
    return auth.create_first_admin(store, "admin", PASSWORD, "Admin Kabupaten")


def audit_rows(store) -> int:
    return store.read("SELECT count(*) AS n FROM audit_log")["n"][0]


# -- login flood ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["x" * 4_000_000, "a" * 101, "admin' OR 1=1 --", '=HYPERLINK("http://x")', "nama pengguna"],
)
def test_overlong_or_illegal_login_name_is_refused_without_any_write(store, admin, typed):
    before, size = audit_rows(store), store.path.stat().st_size
    with pytest.raises(ReadinessError) as error:
        auth.login(store, typed, "apa-saja-123")
    assert error.value.code == "login_input_invalid"
    assert "Nama pengguna tidak sah" in error.value.message
    assert audit_rows(store) == before
    assert store.path.stat().st_size == size


def test_overlong_password_is_refused_without_any_write(store, admin):
    before = audit_rows(store)
    with pytest.raises(ReadinessError) as error:
        auth.login(store, "admin", "p" * 100_000)
    assert error.value.code == "login_input_invalid"
    assert audit_rows(store) == before


def test_unknown_name_flood_writes_one_row_a_minute_without_the_typed_name(store, admin):
    start = now_wib().replace(second=0, microsecond=0)
    for i in range(30):
        with pytest.raises(ReadinessError):
            auth.login(store, f"penyerang.{i:03d}", "salah-sandi-123", now=start)
    with pytest.raises(ReadinessError):
        auth.login(store, "penyerang.x", "salah-sandi-123", now=start + dt.timedelta(minutes=1))
    rows = store.audit_entries(admin, action="auth.login_failed")
    assert rows.height == 2
    assert not rows["detail"].str.contains("penyerang").any()
    assert not rows["target"].str.contains("penyerang").any()
    assert sorted(rows["detail"].str.json_path_match("$.count").cast(int)) == [1, 30]


def test_audit_page_shows_pages_and_cuts_long_fields(store, admin):
    store.record_event(admin, "auth.login_failed", "t" * 5000, note="d" * 5000)
    for i in range(auth.AUDIT_PAGE_SIZE + 5):
        store.record_event(admin, "meta.set", f"kunci.{i}")
    entries = store.audit_entries(admin, limit=2 * auth.AUDIT_PAGE_SIZE + 1)
    first = auth.audit_table(auth.audit_page(entries, 1))
    second = auth.audit_table(auth.audit_page(entries, 2))
    assert first.height == auth.AUDIT_PAGE_SIZE
    assert first["Sasaran"][0] == f"kunci.{auth.AUDIT_PAGE_SIZE + 4}"
    long = second.filter(pl.col("Kode") == "auth.login_failed")
    assert long["Sasaran"][0] == "t" * auth.AUDIT_FIELD_MAX + "…"
    assert long["Rincian"].str.len_chars()[0] == auth.AUDIT_FIELD_MAX + 1


def test_audit_page_renders_the_first_page_only(env_db, store, admin, app_as):
    for i in range(auth.AUDIT_PAGE_SIZE + 10):
        store.record_event(admin, "meta.set", "x" * 3000 + str(i))
    at = app_as().run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == auth.AUDIT_PAGE_SIZE
    cut = "x" * auth.AUDIT_FIELD_MAX + "…"
    # the daily backup made when the page opened is logged too; the flooded rows are the rest
    flooded = [sentence for sentence in shown["Tindakan"] if "pengaturan sistem" in sentence]
    assert len(flooded) >= auth.AUDIT_PAGE_SIZE - 2
    assert all(cut in sentence and "x" * 300 not in sentence for sentence in flooded)
    assert any("ada halaman berikutnya" in c.value for c in at.caption)


# -- one answer for every failure, in similar time ------------------------------------------------


def _failure(store, name, password):
    start = time.perf_counter()
    with pytest.raises(ReadinessError) as error:
        auth.login(store, name, password)
    return error.value, time.perf_counter() - start


def test_every_login_failure_gets_the_same_answer(store, admin, settings):
    disabled = auth.add_user(store, admin, "desa.17.02.06.1004", "operator_desa", "17.02.06.1004")
    auth.set_disabled(store, admin, "desa.17.02.06.1004", disabled=True)
    locked = auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    for _ in range(settings.login_max_attempts):
        _failure(store, "kec.17.02.06", "salah-sandi-123")
    answers = {
        "unknown": _failure(store, "tidak.ada", "salah-sandi-123")[0],
        "wrong": _failure(store, "admin", "salah-sandi-123")[0],
        "disabled, right password": _failure(store, "desa.17.02.06.1004", disabled)[0],
        "locked, right password": _failure(store, "kec.17.02.06", locked)[0],
    }
    assert {(e.code, e.message) for e in answers.values()} == {
        (answers["wrong"].code, answers["wrong"].message)
    }
    assert answers["wrong"].code == "login_failed"


def test_every_login_failure_runs_one_password_verification(store, admin, settings, monkeypatch):
    auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    for _ in range(settings.login_max_attempts):
        _failure(store, "kec.17.02.06", "salah-sandi-123")
    auth.add_user(store, admin, "desa.17.02.06.1004", "operator_desa", "17.02.06.1004")
    auth.set_disabled(store, admin, "desa.17.02.06.1004", disabled=True)
    calls = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
            calls.append(1)
            return super().verify(hash, password)

    monkeypatch.setattr(
        auth, "HASHER", CountingHasher(time_cost=2, memory_cost=19456, parallelism=1)
    )
    for name in ("tidak.ada", "admin", "kec.17.02.06", "desa.17.02.06.1004"):
        calls.clear()
        _failure(store, name, "salah-sandi-123")
        assert len(calls) == 1, name


# -- passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["1234567890", "0987654321", "abcdef123456", "qwertyuiop", "linmas2024!", "Bismillah123",
     "abcabcabcabc", "admin-kuat-sekali", "password123"],
)  # fmt: skip
def test_common_sequential_and_username_passwords_are_refused(store, password):
    with pytest.raises(ReadinessError) as error:
        auth.create_first_admin(store, "admin", password)
    assert error.value.code == "password_weak"
    assert "Pilih tiga kata" in error.value.message
    assert store.count("users") == 0


@pytest.mark.parametrize("password", ["kopi-hujan-sepeda", "k7mq-x2ad-9fpe", PASSWORD])
def test_good_passwords_are_accepted(store, password):
    auth.create_first_admin(store, "admin", password)
    assert store.count("users") == 1


def test_one_time_passwords_always_pass_the_check():
    for _ in range(500):
        assert auth.weakness("desa.17.02.06.2001", auth.one_time_password()) is None


# -- Markdown in user text -------------------------------------------------------------------------

HOSTILE_NOTE = "![x](http://evil.invalid/x.png) [a](http://b.invalid)"


def test_returned_note_is_shown_as_plain_text_to_the_desa(env_db, store, admin, app_as):
    from conftest import make_nik, make_officers, no_findings

    desa = "17.02.06.2001"
    officers = make_officers([make_nik(1), make_nik(2)])
    stored = store.store_roster(
        admin, desa, officers, no_findings(), file_name="x.csv", sha256="0" * 64,
        counts={"accepted": 2},
    )  # fmt: skip
    store.review_submission(admin, stored.submission_id, "dikembalikan", HOSTILE_NOTE)
    at = app_as("operator_desa", desa).run()
    at.switch_page("pages/verification.py").run()
    assert not at.exception
    assert HOSTILE_NOTE in [t.value for t in at.text]
    markdown = " ".join(
        e.value for e in [*at.markdown, *at.warning, *at.caption, *at.info, *at.success]
    )
    assert "](http" not in markdown
    assert "![" not in markdown


def test_rejected_rows_quote_the_file_literally():
    from readiness import roster, ui

    rejected = pl.DataFrame(
        {roster.PROBLEM_COLUMN: [f"Baris 2, kolom Nama: tertulis {HOSTILE_NOTE}"]}
    )
    text = roster.rejected_messages(rejected, escape=ui.literal)
    assert "](" not in text
    assert "![" not in text
    assert "http://" not in text
    assert text.startswith("- Baris 2, kolom Nama")


# -- CLI input -------------------------------------------------------------------------------------


def test_cli_refuses_an_oversized_input_file_before_reading_it(db_path, tmp_path, capsys):
    from readiness.cli import main
    from readiness.cli_common import INPUT_MAX_BYTES

    big = tmp_path / "besar.csv"
    with big.open("wb") as handle:  # sparse: the size is real, the disk use is not
        handle.truncate(INPUT_MAX_BYTES + 1)
    code = main(["import", "--db", str(db_path), str(big), "--desa", "17.02.06.2001"])
    err = capsys.readouterr().err
    assert code == 1
    assert "terlalu besar" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
def test_cli_refuses_devices_pipes_and_folders_as_input(db_path, tmp_path, capsys, special):
    from readiness.cli import main

    path = {"/dev/zero": "/dev/zero", "fifo": str(tmp_path / "pipa"), "folder": str(tmp_path)}[
        special
    ]
    if special == "fifo":
        os.mkfifo(path)
    code = main(["import", "--db", str(db_path), path, "--desa", "17.02.06.2001"])
    assert code == 1
    assert "bukan berkas biasa" in capsys.readouterr().err


# -- restore -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_restore_reads_regular_files_only(store, tmp_path, special):
    from readiness import backup

    path = Path("/dev/zero") if special == "/dev/zero" else tmp_path / "pipa.duckdb"
    if special == "fifo":
        os.mkfifo(path)
    size = store.path.stat().st_size
    with pytest.raises(backup.BackupError) as error:
        backup.restore(store.path, path, store.settings, auth_actor())
    assert error.value.code == "backup_not_a_file"
    assert error.value.message.startswith(
        "Berkas cadangan tidak cocok; basis data sekarang tidak diubah."
    )
    assert store.path.stat().st_size == size


def auth_actor() -> Actor:
    return Actor("cli:test", "admin", Scope(""))


def test_restore_lists_unknown_tables_and_needs_yes(store, tmp_path, capsys):
    from readiness import backup
    from readiness.cli import main

    snap = backup.backup(store, tmp_path / "cadangan.duckdb").path
    other = Store_open(snap, store.settings)
    other.write(
        auth_actor(),
        "meta.set",
        "x",
        lambda con: con.execute("CREATE TABLE pintu_belakang (x INT)"),
    )
    del other
    assert main(["restore", "--db", str(store.path), str(snap)]) == 1
    err = capsys.readouterr().err
    assert "pintu_belakang" in err
    assert "--yes" in err
    assert main(["restore", "--db", str(store.path), str(snap), "--yes"]) == 0


def Store_open(path, settings):  # noqa: N802 - reads like the constructor it wraps
    from readiness.db import Store

    return Store.open(path, settings)


# -- files created owner-only --------------------------------------------------------------------------


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_database_backup_and_passwords_file_are_owner_only(tmp_path, capsys):
    from readiness.cli import main

    old = os.umask(0o022)  # a usual server umask: files would be 0644
    try:
        db = tmp_path / "data" / "linmas.duckdb"
        assert main(["summary", "--db", str(db)]) == 0
        assert mode(db) == 0o600
        assert main(["backup", "--db", str(db), "--out", str(tmp_path / "c.duckdb")]) == 0
        assert mode(tmp_path / "c.duckdb") == 0o600
        out = tmp_path / "akun.xlsx"
        assert main(["user", "bulk-create", "--db", str(db), "--out", str(out)]) == 0
        assert mode(out) == 0o600
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_owner_only(store):
    from readiness.cli import main

    store.path.chmod(0o644)
    assert main(["summary", "--db", str(store.path)]) == 0
    assert mode(store.path) == 0o600


# -- summary --kecamatan -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["17.02.99", "17.02.06.2001.9", "abc", "17.02", "99.99.99"])
def test_summary_refuses_an_unknown_or_malformed_kecamatan(store, capsys, code):
    from readiness.cli import main

    assert main(["summary", "--db", str(store.path), "--kecamatan", code]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"Kode kecamatan {code!r} tidak dikenal" in captured.err
    assert "Galat tak terduga" not in captured.err


def test_scope_level_of_a_too_deep_code_is_not_an_error():
    assert Scope("17.02.06.2001.9").level == "tidak_sah"


# -- one signal stops the dashboard ------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_to_serve_stops_streamlit_and_frees_the_port(db_path):
    import signal
    import socket
    import subprocess
    import sys

    from browser import ROOT, _healthy, free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "readiness", "serve", "--db", str(db_path), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            assert process.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.2)  # polling the health endpoint
        process.send_signal(signal.SIGTERM)  # the pid `kill` or systemd would signal
        assert process.wait(timeout=30) is not None
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody holds the port
        left = subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True, check=False
        )
        assert left.stdout.strip() == ""
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


# -- CLI contract: bpjs pending, audit export ---------------------------------------------------------


def test_bpjs_pending_writes_the_pages_bytes_and_guards_full_niks(demo_store, tmp_path, capsys):
    from readiness import readiness_imports, reports
    from readiness.cli import main

    out = tmp_path / "belum.csv"
    db = str(demo_store.path)
    assert main(["bpjs", "pending", "--db", db, "--out", str(out), "--kecamatan", "17.02.09"]) == 0
    admin = Actor("x", "admin", Scope("17.02.09"))
    officers = reports.readiness_people(demo_store, Scope("17.02.09")).officers
    assert (
        out.read_bytes()
        == readiness_imports.enrolment_csv(demo_store, admin, officers, unmasked=False)()
    )
    assert "••" in out.read_text(encoding="utf-8-sig")  # masked by default
    full = tmp_path / "lengkap.csv"
    args = ["bpjs", "pending", "--db", db, "--out", str(full), "--unmasked"]
    assert main(["--user", "pimpinan", *args]) == 1
    assert "tidak boleh mengunduh NIK" in capsys.readouterr().err
    assert not full.exists()
    assert main(args) == 0
    assert "••" not in full.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_audit_export_is_admin_only_and_neutralised(store, admin, tmp_path, capsys, kind):
    from readiness import spreadsheet
    from readiness.cli import main

    store.record_event(admin, "auth.login_failed", '=HYPERLINK("http://x")')
    out = tmp_path / f"audit.{kind}"
    db = str(store.path)
    auth.add_user(store, admin, "pimpinan", "pimpinan", "17.02")
    args = ["audit", "export", "--db", db, "--out", str(out), "--format", kind]
    assert main(["--user", "pimpinan", *args]) == 1
    assert "tidak berwenang membaca log audit" in capsys.readouterr().err
    assert not out.exists()
    assert main(args) == 0
    if kind == "csv":
        text = out.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text
        assert ",=HYPERLINK" not in text
    else:
        import openpyxl

        values = [c.value for row in openpyxl.load_workbook(out).active.iter_rows() for c in row]
        assert '\'=HYPERLINK("http://x")' in values
        assert not any(
            isinstance(v, str) and v.startswith(spreadsheet.FORMULA_STARTS) for v in values
        )


# -- a read-only database location ---------------------------------------------------------------------


def test_a_read_only_location_is_called_read_only_not_damaged(capsys):
    from readiness.cli import main

    assert main(["summary", "--db", "/sys/linmas.duckdb"]) == 1  # sysfs refuses every new file
    err = capsys.readouterr().err
    assert "tidak dapat dibuka untuk ditulis" in err
    assert "hanya-baca" in err
    assert "rusak atau bukan basis data" not in err
    assert "restore" not in err
