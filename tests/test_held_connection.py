"""One held connection per file: yielded to another process, closed when idle; batched writes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest
from test_readiness_cache import assert_cache_is_live
from test_storage import ADMIN, DESA_A, niks, upload

from readiness.db import SYSTEM, Store
from readiness.db.core import BUSY_TIMEOUT_SECONDS, IDLE_SECONDS
from readiness.scope import Scope

CLI_WRITE = textwrap.dedent(
    """
    import sys
    from readiness.config import load_settings
    from readiness.db import SYSTEM
    from readiness.store_open import open_store
    store = open_store(sys.argv[1], load_settings())
    store.set_meta(SYSTEM, "written_by", "cli")
    """
)


def test_a_cli_write_gets_in_while_this_process_keeps_reading(store):
    stop = threading.Event()
    reads = []

    def read_in_a_loop() -> None:
        while not stop.is_set():
            reads.append(store.count("regions"))

    reader = threading.Thread(target=read_in_a_loop)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLI_WRITE, str(store.path)],
            capture_output=True,
            text=True,
            timeout=BUSY_TIMEOUT_SECONDS + 60,
        )
    finally:
        stop.set()
        reader.join()
    assert done.returncode == 0, done.stderr
    assert store.meta("written_by") == "cli"  # re-opened: sees the other process's write
    assert reads  # the reader kept answering while the CLI wrote
    assert set(reads) == {reads[0]}  # and no read failed or saw another count


PLAIN_OPEN = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"


def test_the_file_is_let_go_after_being_idle(store):
    def plain_duckdb_process() -> subprocess.CompletedProcess:  # never waits, leaves no marker
        return subprocess.run(
            [sys.executable, "-c", PLAIN_OPEN, str(store.path)], capture_output=True, text=True
        )

    with store.reading():  # in use: held whatever the idle timer says
        store.count("regions")
        assert plain_duckdb_process().returncode != 0
    time.sleep(IDLE_SECONDS + 1.0)
    other = plain_duckdb_process()
    assert other.returncode == 0, other.stderr


def test_threads_share_the_held_connection(store):
    results, errors = [], []

    def work(serial: int) -> None:
        try:
            upload(store, DESA_A if serial % 2 else "17.02.06.2002", niks(serial))
            results.append(store.count("officers"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 8
    assert store.submissions(Scope(""), active_only=False).height == 8


def test_a_batch_keeps_every_audit_row_and_recounts_once_at_the_end(store):
    before = store.count("audit_log")
    with store.batch():
        upload(store, DESA_A, niks(1, 2))
        upload(store, "17.02.06.2002", niks(3))
        store.set_meta(SYSTEM, "mode", "demo")
        # reads inside the batch see its writes
        assert store.count("officers") == 3
    assert store.count("audit_log") == before + 3
    assert_cache_is_live(store)


def test_a_failing_batch_stores_nothing(store):
    before = (store.count("officers"), store.count("audit_log"))

    class Stop(Exception):
        pass

    def fail_half_way() -> None:
        with store.batch():
            upload(store, DESA_A, niks(1, 2))
            raise Stop

    with pytest.raises(Stop):
        fail_half_way()
    assert (store.count("officers"), store.count("audit_log")) == before
    assert_cache_is_live(store)


def test_another_store_object_of_the_same_file_joins_the_batch(store):
    twin = Store(store.path, store.settings)
    with store.batch():
        upload(twin, DESA_A, niks(1))
        assert store.count("officers") == 1
    assert twin.count("officers") == 1
    assert ADMIN.username in store.audit_log()["username"].to_list()
