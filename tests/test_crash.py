"""Crash safety: SIGKILL a writing process at random points; every write is all or nothing.

tests/crash_worker.py writes rosters, BPJS and attendance batches in a loop. The test kills it
(seeded, ``CRASH_KILLS`` times, 20 by default) a random moment after it announced a write, then
opens the database as the dashboard would and checks that nothing is half-stored and that
every write the worker reported as committed survived.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readiness.db import Store

WORKER = Path(__file__).resolve().parent / "crash_worker.py"
KILLS = int(os.environ.get("CRASH_KILLS", "20"))
SEED = 20241127


def check_all_or_nothing(store: Store) -> dict[str, int]:
    """Invariants of a database after a crash; returns the committed counts."""
    half_rosters = store.read(
        """SELECT s.id, s.rows_accepted, count(o.nik) AS stored FROM submissions s
           LEFT JOIN officers o ON o.submission_id = s.id
           GROUP BY s.id, s.rows_accepted HAVING count(o.nik) <> s.rows_accepted"""
    )
    assert half_rosters.height == 0, half_rosters
    half_batches = store.read(
        """SELECT b.id, b.kind, b.rows_applied,
                  (SELECT count(*) FROM bpjs_records r WHERE r.batch_id = b.id)
                + (SELECT count(*) FROM attendance a WHERE a.batch_id = b.id) AS stored
           FROM batches b WHERE stored <> b.rows_applied"""
    )
    assert half_batches.height == 0, half_batches
    orphans = store.read(
        """SELECT (SELECT count(*) FROM officers WHERE submission_id NOT IN
                      (SELECT id FROM submissions)) AS officers,
                  (SELECT count(*) FROM bpjs_records WHERE batch_id NOT IN
                      (SELECT id FROM batches)) AS bpjs,
                  (SELECT count(*) FROM attendance WHERE batch_id NOT IN
                      (SELECT id FROM batches)) AS attendance"""
    ).row(0)
    assert orphans == (0, 0, 0)
    counts = store.read(
        """SELECT (SELECT count(*) FROM submissions) AS roster,
                  (SELECT count(*) FROM batches WHERE kind = 'bpjs') AS bpjs,
                  (SELECT count(*) FROM batches WHERE kind = 'attendance') AS attendance,
                  (SELECT count(*) FROM training_sessions) AS session"""
    ).row(0, named=True)
    audited = dict(
        store.read("SELECT action, count(*) AS n FROM audit_log GROUP BY action").iter_rows()
    )
    # exactly one audit row per committed write
    assert audited.get("roster.upload", 0) == counts["roster"]
    assert audited.get("bpjs.import", 0) == counts["bpjs"]
    assert audited.get("training.attendance", 0) == counts["attendance"]
    assert audited.get("training.session", 0) == counts["session"]
    return counts


def committed_ids(store: Store) -> dict[str, set[int]]:
    return {
        "roster": set(store.read("SELECT id FROM submissions")["id"].to_list()),
        "bpjs": set(store.read("SELECT id FROM batches WHERE kind = 'bpjs'")["id"].to_list()),
        "attendance": set(
            store.read("SELECT id FROM batches WHERE kind = 'attendance'")["id"].to_list()
        ),
        "session": set(store.read("SELECT id FROM training_sessions")["id"].to_list()),
    }


@pytest.mark.slow
def test_sigkill_mid_write_leaves_all_or_nothing(db_path, settings):
    Store.open(db_path, settings)
    rng = random.Random(SEED)
    reported: dict[str, set[int]] = {}
    mid_write = wal_left = 0
    for attempt in range(KILLS):
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), str(db_path), str(SEED + attempt)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen: list[str] = []
        try:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
            # let it run some writes, then kill a random moment after one was announced
            for _ in range(rng.randint(1, 6)):
                seen.append(worker.stdout.readline())
                while seen[-1] and not seen[-1].startswith("begin"):
                    seen.append(worker.stdout.readline())
                assert seen[-1], worker.stderr.read()
            time.sleep(rng.uniform(0, 0.08))  # the kill point, not a timed assertion
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        seen += worker.stdout.read().splitlines()  # lines flushed before the kill
        worker.stdout.close()
        worker.stderr.close()
        seen = [line.strip() for line in seen if line.strip()]
        for line in seen:
            if line.startswith("commit"):
                _, kind, written = line.split()
                reported.setdefault(kind, set()).add(int(written))
        if seen[-1].startswith("begin"):
            mid_write += 1
        if db_path.with_name(db_path.name + ".wal").exists():
            wal_left += 1  # the kill left a write-ahead log for the next open to replay

        store = Store.open(db_path, settings)  # opens cleanly: replays or drops the WAL
        counts = check_all_or_nothing(store)
        present = committed_ids(store)
        for kind, ids in reported.items():
            assert ids <= present[kind], f"{kind}: committed but lost {ids - present[kind]}"

    writes = sum(counts.values())
    print(
        f"\ncrash drill: {KILLS} SIGKILLs ({mid_write} while a write was announced and not "
        f"committed; {wal_left} left a WAL to replay), {writes} committed writes survived "
        f"({counts['roster']} rosters, {counts['bpjs']} BPJS batches, "
        f"{counts['attendance']} attendance batches, {counts['session']} sessions), "
        "0 half-stored"
    )
    assert mid_write > 0


@pytest.mark.slow
def test_sigkill_during_backup_leaves_no_half_backup(db_path, settings, tmp_path):
    from readiness import backup

    store = Store.open(db_path, settings)
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(db_path), str(SEED)], stdout=subprocess.PIPE, text=True
    )
    try:  # some data worth copying
        commits = 0
        while commits < 10:
            line = worker.stdout.readline()
            assert line
            commits += line.startswith("commit")
    finally:
        worker.kill()
        worker.wait()
        worker.stdout.close()
    rng = random.Random(SEED)
    complete = absent = 0
    for attempt in range(5):
        out = tmp_path / "out" / f"b{attempt}.duckdb"
        job = subprocess.Popen(
            [sys.executable, "-m", "readiness", "backup", "--db", str(db_path), "--out", str(out)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.2, 1.2))  # the kill point: start-up, copying or verifying
        job.send_signal(signal.SIGKILL)
        job.communicate()
        if out.exists():
            backup.inspect(out, settings)  # a file under the final name is always whole
            complete += 1
        else:
            absent += 1
        check_all_or_nothing(Store.open(db_path, settings))
    print(f"\nbackup kills: 5, {complete} finished before the kill, {absent} left no file")
    assert store.count("submissions") > 0
