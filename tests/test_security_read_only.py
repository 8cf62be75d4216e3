"""A database in a read-only location: read commands open it read-only and work, a write says
the location is read-only ("hanya-baca"), never "rusak" with restore advice; a read-only open
does not stand in the way of a later write of the same process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from conftest import copy_database

from readiness.cli import main
from readiness.db import core

DESA = "17.02.09.1012"
READ_COMMANDS = (
    ["summary"],
    ["not-submitted"],
    ["user", "list"],
    ["roster", "versions", "--desa", DESA],
    ["plan", "show"],
    ["training", "sessions"],
    ["rawan", "list"],
)


@contextmanager
def read_only_location(folder: Path, file: Path) -> Iterator[None]:
    """Make ``folder`` and ``file`` unwritable for this process, whoever runs the tests.

    Permission bits stop an ordinary account; root ignores them, so for root the file and the
    folder are made immutable (``chattr +i``), which stops root too. The caller checks that a
    write really fails, so the test cannot pass on a location that is still writable.
    """
    file.chmod(0o444)
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(file), str(folder)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(file), str(folder)], check=True)
        folder.chmod(0o755)
        file.chmod(0o644)


def test_read_commands_work_in_a_read_only_location_and_a_write_says_so(
    demo_store, tmp_path, capsys
):
    folder = tmp_path / "hanya-baca"
    db = copy_database(demo_store.path, folder / "linmas.duckdb")
    assert not db.with_name(db.name + ".wal").exists()  # a checkpointed file, as in production
    out_file = tmp_path / "rekap.csv"
    with read_only_location(folder, db):
        with pytest.raises(duckdb.IOException):  # the location really refuses a write
            duckdb.connect(str(db)).close()
        for command in READ_COMMANDS:
            assert main([*command, "--db", str(db)]) == 0, (command, capsys.readouterr().err)
            core.release(db)
        assert "Kabupaten Rejang Lebong" in capsys.readouterr().out

        assert main(["nihil", "--desa", DESA, "--reason", "uji", "--db", str(db)]) == 1
        err = capsys.readouterr().err
        assert "hanya-baca" in err
        assert "tidak dapat dibuka untuk ditulis" in err
        assert "rusak atau bukan" not in err
        assert "Tidak ada cadangan" not in err

        # An export is audited before its file is written: no audit row, no file.
        args = ["export", "--format", "csv", "--out", str(out_file), "--db", str(db)]
        assert main(args) == 1
        assert "hanya-baca" in capsys.readouterr().err
        assert not out_file.exists()
    core.release(db)


HOLD_READ_ONLY = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
    "print('held', flush=True); sys.stdin.read()"
)


def test_read_commands_open_read_only_beside_another_reader(
    demo_store, tmp_path, capsys, monkeypatch
):
    """DuckDB lets readers share a file but refuses a writer: with another process reading,
    only a read-only opening gets in."""
    db = demo_store.path
    nihil_before = nihil_rows(demo_store)
    core.release(db)
    monkeypatch.setattr(core, "BUSY_TIMEOUT_SECONDS", 1.0)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        for command in (*READ_COMMANDS, ["audit", "export", "--out", str(tmp_path / "log.csv")]):
            assert main([*command, "--db", str(db)]) == 0, (command, capsys.readouterr().err)
            core.release(db)
        assert (tmp_path / "log.csv").stat().st_size > 0
        # A write waits for the reader, then says the database is busy; nothing is changed.
        assert main(["nihil", "--desa", DESA, "--reason", "uji", "--db", str(db)]) == 1
        assert "sedang dipakai" in capsys.readouterr().err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert nihil_rows(demo_store) == nihil_before


def nihil_rows(store) -> int:
    return store.read("SELECT count(*) AS n FROM audit_log WHERE action = 'roster.nihil'")[
        "n"
    ].item()


def test_a_write_after_a_read_only_open_in_the_same_process_is_stored(demo_store, capsys):
    db = str(demo_store.path)
    before = nihil_rows(demo_store)
    assert main(["summary", "--db", db]) == 0
    assert core.held_file(Path(db)).read_only  # the summary's connection is read-only
    assert main(["nihil", "--desa", DESA, "--reason", "tidak ada warga", "--db", db]) == 0
    assert not core.held_file(Path(db)).read_only
    assert main(["summary", "--db", db]) == 0  # and reading again afterwards
    assert nihil_rows(demo_store) == before + 1
    capsys.readouterr()
