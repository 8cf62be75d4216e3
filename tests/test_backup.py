"""Backups: consistent snapshots while writes run, verified restores, refusals, daily snapshots."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from conftest import make_nik, make_officers, no_findings
from streamlit.testing.v1 import AppTest

from readiness import backup
from readiness.cli import main
from readiness.db import Actor, Store
from readiness.scope import Scope

ROOT = Path(__file__).resolve().parent.parent
ADMIN = Actor("admin", "admin", Scope("17.02"))


def add_rosters(store: Store, count: int, *, start: int = 0, size: int = 4) -> None:
    """``count`` uploads, one per desa, ``size`` officers each (NIKs unique per upload)."""
    villages = store.villages(Scope(""))["desa_code"].to_list()
    for k in range(start, start + count):
        niks = [make_nik(k * size + i + 1) for i in range(size)]
        store.store_roster(
            ADMIN,
            villages[k % len(villages)],
            make_officers(niks),
            no_findings(),
            file_name=f"desa{k}.csv",
            sha256=f"{k:064d}",
            counts={"accepted": size},
        )


def consistency(path: Path) -> dict[str, int]:
    """Counts that must agree in any snapshot: every upload has its officers and one audit row."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        (broken,) = con.execute(
            """SELECT count(*) FROM submissions s
               WHERE rows_accepted <> (SELECT count(*) FROM officers o WHERE o.submission_id = s.id)"""
        ).fetchall()[0]
        (uploads,) = con.execute("SELECT count(*) FROM submissions").fetchall()[0]
        (audited,) = con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'roster.upload'"
        ).fetchall()[0]
        (officers,) = con.execute("SELECT count(*) FROM officers").fetchall()[0]
    finally:
        con.close()
    return {"broken": broken, "uploads": uploads, "audited": audited, "officers": officers}


def test_backup_while_writes_run_is_a_consistent_snapshot(store, tmp_path):
    done = threading.Event()

    def writer() -> None:
        add_rosters(store, 40, size=30)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    taken = []
    try:
        while not done.is_set() and len(taken) < 6:
            taken.append(backup.backup(store, tmp_path / f"snap{len(taken)}.duckdb").path)
    finally:
        thread.join()
    taken.append(backup.backup(store, tmp_path / "final.duckdb").path)
    for path in taken:
        counts = consistency(path)
        assert counts["broken"] == 0
        assert counts["uploads"] == counts["audited"]
        assert counts["officers"] == 30 * counts["uploads"]
    assert consistency(taken[-1])["uploads"] == 40
    print(f"\nbackups taken during 40 uploads: {len(taken)}, all consistent")


def test_cli_backup_from_a_second_process_while_the_first_writes(store, tmp_path):
    out = tmp_path / "cli.duckdb"
    thread = threading.Thread(target=add_rosters, args=(store, 25), kwargs={"size": 20})
    thread.start()
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "readiness",
                "backup",
                "--db",
                str(store.path),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        thread.join()
    assert result.returncode == 0, result.stderr
    assert "Cadangan dibuat dan diperiksa" in result.stdout
    counts = consistency(out)
    assert counts["broken"] == 0
    assert counts["uploads"] == counts["audited"]


def test_restore_brings_back_the_snapshot_and_keeps_the_replaced_file(store, tmp_path):
    add_rosters(store, 3)
    snap = backup.backup(store, tmp_path / "snap.duckdb")
    add_rosters(store, 2, start=3)
    version_before = store.data_version()
    assert store.count("submissions") == 5

    result = backup.restore(store.path, snap.path, store.settings, ADMIN)

    reopened = Store.open(store.path, store.settings)
    assert reopened.count("submissions") == 3
    assert reopened.count("officers") == 12
    # the data version only moves forward, so no page cache of the replaced file matches
    assert reopened.data_version() > version_before
    assert reopened.audit_log(limit=1)["action"][0] == "backup.restore"
    assert result.previous_kept is not None
    assert result.previous_kept.name.startswith(backup.BEFORE_RESTORE_PREFIX)
    assert consistency(result.previous_kept)["uploads"] == 5
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_restored_database_accepts_new_writes(store, tmp_path):
    add_rosters(store, 2)
    snap = backup.backup(store, tmp_path / "snap.duckdb")
    backup.restore(store.path, snap.path, store.settings, ADMIN)
    reopened = Store.open(store.path, store.settings)
    add_rosters(reopened, 2, start=2)  # sequences came back with the data: no id clash
    assert reopened.count("submissions") == 4


def _foreign_duckdb(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE penjualan (id INTEGER, jumlah INTEGER)")
    con.execute("INSERT INTO penjualan VALUES (1, 10)")
    con.close()
    return path


def _other_kabupaten(store: Store, path: Path) -> Path:
    backup.backup(store, path)
    con = duckdb.connect(str(path))
    # every file lists all kabupaten of the province; the one with kecamatan is its own
    con.execute("UPDATE regions SET parent_code = '17.03' WHERE level = 'kecamatan'")
    con.close()
    return path


def _damaged_block(store: Store, path: Path) -> Path:
    add_rosters(store, 40, start=100, size=30)
    backup.backup(store, path)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(random.Random(7).randbytes(size // 4))
    return path


def _truncated(store: Store, path: Path) -> Path:
    backup.backup(store, path)
    data = path.read_bytes()
    path.write_bytes(data[:5000])
    return path


BAD_FILES = {
    "random_bytes": (lambda store, path: (path.write_bytes(os.urandom(50_000)), path)[1], "utuh"),
    "empty": (lambda store, path: (path.write_bytes(b""), path)[1], "utuh"),
    "csv_text": (lambda store, path: (path.write_text("nama,nik\nA,1\n"), path)[1], "utuh"),
    "foreign_duckdb": (lambda store, path: _foreign_duckdb(path), "bukan milik Kesiapan Linmas"),
    "other_kabupaten": (_other_kabupaten, "wilayah lain"),
    "damaged_block": (_damaged_block, "blok data yang rusak"),
    "truncated": (_truncated, "utuh"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_restore_refuses_a_bad_file_and_changes_nothing(store, tmp_path, kind):
    add_rosters(store, 2)
    make, expected = BAD_FILES[kind]
    bad = make(store, tmp_path / f"bad-{kind}.duckdb")
    before = (store.count("submissions"), store.data_version())
    size_before = store.path.stat().st_size

    with pytest.raises(backup.BackupError) as caught:
        backup.restore(store.path, bad, store.settings, ADMIN)

    assert expected in caught.value.message
    assert "tidak diubah" in caught.value.message
    assert (store.count("submissions"), store.data_version()) == before
    assert store.path.stat().st_size == size_before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert not backup.backup_dir(store.settings, store.path).exists()


def test_cli_restore_refuses_a_text_file_with_one_line(store, tmp_path, capsys):
    bad = tmp_path / "daftar.csv"
    bad.write_text("nama,nik\n")
    assert main(["restore", "--db", str(store.path), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "Galat: Berkas cadangan tidak cocok; basis data sekarang tidak diubah. "
        "Berkas daftar.csv bukan basis data Kesiapan Linmas yang utuh"
    )
    assert "Traceback" not in err


def test_cli_backup_and_restore_round_trip(store, tmp_path, capsys):
    add_rosters(store, 2)
    out = tmp_path / "b.duckdb"
    assert main(["backup", "--db", str(store.path), "--out", str(out)]) == 0
    assert main(["backup", "--db", str(store.path), "--out", str(out)]) == 1  # never overwrites
    add_rosters(store, 1, start=2)
    assert main(["restore", "--db", str(store.path), str(out)]) == 0
    text = capsys.readouterr().out
    assert "Basis data dipulihkan" in text
    assert "Basis data sebelumnya disimpan sebagai" in text
    assert Store.open(store.path, store.settings).count("submissions") == 2


def test_restore_over_a_damaged_database_moves_it_aside(store, tmp_path):
    add_rosters(store, 2)
    snap = backup.backup(store, tmp_path / "snap.duckdb")
    store.release()  # the file is damaged between two runs, not under a held connection
    store.path.write_bytes(os.urandom(20_000))

    result = backup.restore(store.path, snap.path, store.settings, ADMIN)

    assert result.previous_kept.name.endswith("-rusak.duckdb")
    assert Store.open(store.path, store.settings).count("submissions") == 2
    # the damaged file is kept, but never offered as "the latest backup"
    assert backup.latest_backup(store.settings, store.path) != result.previous_kept


def test_damaged_database_at_startup_names_the_latest_backup_in_the_cli(store, tmp_path, capsys):
    add_rosters(store, 1)
    latest = backup.daily_snapshot(store, dt.date(2024, 11, 20), force=True)
    store.release()  # the file is damaged between two runs, not under a held connection
    store.path.write_bytes(os.urandom(20_000))

    assert main(["summary", "--db", str(store.path)]) == 1

    err = capsys.readouterr().err
    assert "rusak atau bukan basis data Kesiapan Linmas" in err
    assert f"python -m readiness restore --db {store.path} {latest}" in err
    assert "Traceback" not in err


def test_damaged_database_at_startup_names_the_latest_backup_on_the_dashboard(
    store, env_db, tmp_path
):
    add_rosters(store, 1)
    latest = backup.backup(store, backup.backup_dir(store.settings, store.path) / "x.duckdb")
    shutil.copyfile(latest.path, tmp_path / "elsewhere.duckdb")
    store.release()  # the file is damaged between two runs, not under a held connection
    env_db.write_bytes(os.urandom(20_000))

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()

    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Aplikasi tidak dapat dimulai" in errors
    assert f"python -m readiness restore --db {env_db} {latest.path}" in errors


def test_damaged_database_without_backups_says_so(settings, tmp_path):
    path = tmp_path / "rusak.duckdb"
    path.write_bytes(b"bukan basis data")
    text = backup.unreadable_database_message(path, settings)
    assert "Tidak ada cadangan" in text


def test_daily_snapshot_once_a_day_and_old_ones_pruned(store):
    settings = dataclasses.replace(store.settings, backup_keep=2)
    daily = Store(store.path, settings)
    days = [dt.date(2024, 11, d) for d in (20, 21, 22, 23)]
    made = [backup.daily_snapshot(daily, day) for day in days]
    assert all(path is not None for path in made)
    assert backup.daily_snapshot(daily, days[-1]) is None  # already taken today
    folder = backup.backup_dir(settings, store.path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "harian-2024-11-22.duckdb",
        "harian-2024-11-23.duckdb",
    ]


def test_daily_snapshot_off_by_setting(store):
    off = Store(store.path, dataclasses.replace(store.settings, backup_daily=False))
    assert backup.daily_snapshot(off, dt.date(2024, 11, 20)) is None
    assert not backup.backup_dir(off.settings, off.path).exists()


def test_dashboard_takes_the_daily_snapshot(store, env_db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    folder = backup.backup_dir(store.settings, env_db)
    assert [p.name.startswith(backup.DAILY_PREFIX) for p in folder.iterdir()] == [True]


_READER = """
import sys
from readiness.config import load_settings
from readiness.db import Store
store = Store(sys.argv[1], load_settings())
print("ready", flush=True)
for line in sys.stdin:  # one read per line the test sends, as page runs would do
    print(store.count("submissions"), flush=True)
"""


def test_restore_while_another_process_reads(store, tmp_path):
    add_rosters(store, 3)
    snap = backup.backup(store, tmp_path / "snap.duckdb")
    add_rosters(store, 2, start=3)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(store.path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "5"
        backup.restore(store.path, snap.path, store.settings, ADMIN)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert (
            reader.stdout.readline().strip() == "3"
        )  # the same process now reads the restored file
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    assert reader.returncode == 0, reader.stderr.read()


def test_restore_onto_a_new_server_without_a_database(store, tmp_path):
    add_rosters(store, 2)
    snap = backup.backup(store, tmp_path / "snap.duckdb")
    target = tmp_path / "baru" / "linmas.duckdb"
    target.parent.mkdir()
    result = backup.restore(target, snap.path, store.settings, ADMIN)
    assert result.previous_kept is None
    assert Store.open(target, store.settings).count("submissions") == 2
