"""The database core: held connections, reads as Polars frames, audited writes, migrations.

Opening the DuckDB file costs 20-55 ms, so a process holds one connection per file (``HeldFile``)
and runs each read or write on its own cursor of it (0.3 ms). DuckDB lets one process hold a
file for writing, and the dashboard and the CLI may run at once on one file, so a process gives
the file up: when it has been idle for ``IDLE_SECONDS``, and as soon as another process is
waiting for it. A process that finds the file locked leaves a marker (``<file>.waiting.<pid>``)
while it retries; the holder sees it within ``WATCH_SECONDS``, closes between two operations
and re-opens once the other process is done. Every write is one transaction that also appends
to the audit log; the newest audit id is the data version that page caches are keyed on.

The package knows tables and SQL, never the domain: what it needs from the domain at start-up
(the reference region rows, the blocking warning codes) comes through ``StoreDomain``.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from readiness.db.domain import (  # re-exported: the store's modules import them from core
    ReferenceRegions,
    StoreDomain,
    StoreSettings,
    domain,
    use_domain,
)
from readiness.db.migrations import MIGRATIONS
from readiness.errors import DatabaseBusyError, DatabaseFileError
from readiness.scope import SYSTEM, Actor

__all__ = [  # re-exported: callers import them with the store
    "SYSTEM",
    "Actor",
    "ReferenceRegions",
    "StoreDomain",
    "StoreSettings",
    "domain",
    "use_domain",
]

T = TypeVar("T")
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
BUSY_TIMEOUT_SECONDS = 20.0
# A held file is closed after this long without an operation, so a CLI run finds it free.
IDLE_SECONDS = 1.5
# How often a holder looks for another process waiting for the file.
WATCH_SECONDS = 0.05
# A process that had to wait for the file keeps it while it works (a CLI import of several
# operations), yielding to the next waiter once idle this long, or at the latest after
# GUEST_HOLD_SECONDS; a process that did not wait (the dashboard) yields at once.
GUEST_IDLE_SECONDS = 0.1
GUEST_HOLD_SECONDS = 1.0
# "as of" for the present: every upload and every batch not undone counts.
END_OF_TIME = dt.datetime(9999, 12, 31, tzinfo=WIB)
# ``StoreCore.write(refresh=ALL_DESA)``: the write may change any desa's readiness counts.
ALL_DESA = "*"
# ``StoreCore.write(since=NO_HISTORY)``: the TPS list keeps no history, so yesterday's figures
# are recounted with today's list (as the live count does).
NO_HISTORY = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# -- scope -------------------------------------------------------------------------------------

SCOPE_SQL = "($scope = '' OR {col} = $scope OR starts_with({col}, $scope || '.'))"


def scoped(column: str) -> str:
    """SQL condition keeping rows whose region code lies in ``$scope`` (a bound parameter)."""
    return SCOPE_SQL.format(col=column)


def now_wib() -> dt.datetime:
    """The wall clock in Bengkulu's time zone, for timestamps people read."""
    return dt.datetime.now(WIB)


# -- connections ---------------------------------------------------------------------------------


def frame(con, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """Run a parameterised query on an open connection and hand back a Polars frame.

    The rows travel through the Arrow C stream interface straight into Polars, so no process
    imports pyarrow (0.15 s of every CLI start) to read. Polars takes no INTERVAL column either
    way, but that way it panics (a BaseException no guard catches): such a result goes through
    ``.pl()``, which raises Polars' ordinary ComputeError.
    """
    relation = con.sql(sql, params=params or {})
    if any(str(kind).startswith("INTERVAL") for kind in relation.types):
        return relation.pl()
    return pl.DataFrame(relation)


class ArrowStream:
    """A Polars frame as DuckDB scans it (``con.register(name, ArrowStream(frame))``).

    A fresh Arrow C stream per scan, so registering does not import pyarrow as
    ``frame.to_arrow()`` would.
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


def rollback_quietly(con) -> None:
    """Roll back if a transaction is still open; a failed COMMIT has already ended it."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def is_lock_error(error: Exception) -> bool:
    """Whether DuckDB refused the file because another process or thread holds it."""
    text = str(error).lower()
    # "unique file handle conflict": two threads of this process opening/closing the file at
    # the same moment race in DuckDB's instance cache; retrying resolves it.
    return (
        "lock" in text
        or "conflicting" in text
        or "being used by another process" in text
        or "unique file handle conflict" in text
    )


def _waiting_markers(path: Path) -> list[Path]:
    """Fresh markers of other processes waiting for ``path`` (stale ones: a crashed waiter)."""
    prefix = path.name + ".waiting."
    own = prefix + str(os.getpid())
    found = []
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.name != own:
                    with contextlib.suppress(OSError):
                        if time.time() - entry.stat().st_mtime < BUSY_TIMEOUT_SECONDS + 5:
                            found.append(Path(entry.path))
    except OSError:
        return []
    return found


def open_file(path: Path, *, read_only: bool = False) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Open ``path`` (``read_only``: DuckDB's read-only mode), waiting (with jitter) while
    another process holds its lock.

    While it waits it leaves ``<file>.waiting.<pid>`` so a holding process yields the file.
    Returns the connection and whether it had to wait.
    """
    waited = False
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    delay = 0.02
    marker = path.with_name(f"{path.name}.waiting.{os.getpid()}")
    try:
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except (duckdb.IOException, duckdb.ResourceInUseException) as error:
                if not is_lock_error(error) or time.monotonic() > deadline:
                    if is_lock_error(error):
                        raise DatabaseBusyError(path.name) from error
                    raise DatabaseFileError(path, str(error)) from error
                waited = True
                with contextlib.suppress(OSError):
                    marker.touch()  # refreshed on every try: fresh while this process waits
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 0.1)
    finally:
        with contextlib.suppress(OSError):
            marker.unlink(missing_ok=True)
    try:
        con.execute("SET TimeZone = 'Asia/Jakarta'")
    except BaseException:
        con.close()
        raise
    return con, waited


class HeldFile:
    """One connection to one database file, shared by every thread of this process.

    Each operation gets its own cursor (DuckDB's connection objects are not thread-safe; a
    cursor is a separate connection to the same database). The connection is closed when no
    operation has run for ``IDLE_SECONDS`` or another process is waiting for the file, and
    opened again by the next operation.

    ``read_only`` says how the next opening opens the file. A read command sets it
    (``use_read_only``) so it works in a read-only location and changes nothing by mistake; the
    first write of the process sets it back, and the file is reopened for writing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_only = False
        self._opened_read_only = False
        self._cond = threading.Condition(threading.Lock())
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._guest = False  # had to wait for the file: keeps it while it works
        self._waiter_seen = 0.0  # when a waiting process was first seen (0: none)
        self._last_used = 0.0
        self._yielding = False
        self._watcher: threading.Thread | None = None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the held connection for one operation (opens the file when needed)."""
        cur = self._acquire()
        try:
            yield cur
        finally:
            try:
                cur.close()
            finally:
                self._release()

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._cond:
            while self._yielding:  # another process is waiting: let it in first
                if self._users == 0:
                    self._close_locked()
                    break
                self._cond.wait(WATCH_SECONDS)
            if self._con is None:
                self._wait_for_others()  # releases the lock while it waits
            if self._con is None:
                self._con, self._guest = open_file(self.path, read_only=self.read_only)
                self._opened_read_only = self.read_only
                self._waiter_seen = 0.0
                self._start_watcher()
            self._users += 1
            try:
                cur = self._con.cursor()
                cur.execute("SET TimeZone = 'Asia/Jakarta'")
            except BaseException:
                self._users -= 1
                raise
            return cur

    def _wait_for_others(self) -> None:
        """After yielding, stay away until the waiting process has had its turn."""
        if not self._yielding:
            return
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while _waiting_markers(self.path) and time.monotonic() < deadline:
            self._cond.wait(WATCH_SECONDS / 2)
        self._yielding = False

    def _release(self) -> None:
        with self._cond:
            self._users -= 1
            self._last_used = time.monotonic()
            if self._users == 0 and self._yielding:
                self._close_locked()
            self._cond.notify_all()

    def _close_locked(self) -> None:
        con, self._con = self._con, None
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                con.close()

    def close(self) -> None:
        """Close the connection now (waiting for running operations): before the file is
        copied, replaced or opened read-only, and at exit."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        with self._cond:
            while self._users:
                if time.monotonic() > deadline:  # e.g. called inside this thread's own read
                    raise DatabaseBusyError(self.path.name)
                self._cond.wait(WATCH_SECONDS)
            self._close_locked()
            self._cond.notify_all()

    def use_read_only(self, read_only: bool) -> None:
        """Open the file read-only (or for writing) from the next operation on; a connection
        open the other way is closed first (after the operations running on it)."""
        with self._cond:
            self.read_only = read_only
            reopen = self._con is not None and self._opened_read_only != read_only
        if reopen:
            self.close()

    def _start_watcher(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(
                target=self._watch, name=f"duckdb-hold-{self.path.name}", daemon=True
            )
            self._watcher.start()

    def _watch(self) -> None:
        """Close an idle connection, and yield the file to a waiting process."""
        while True:
            time.sleep(WATCH_SECONDS)
            with self._cond:
                if self._con is None:
                    self._watcher = None
                    return
                now = time.monotonic()
                if self._users == 0 and now - self._last_used >= IDLE_SECONDS:
                    self._close_locked()
                    self._watcher = None
                    return
                if self._yielding:
                    continue
            if not _waiting_markers(self.path):  # outside the lock: a directory read
                self._waiter_seen = 0.0
                continue
            with self._cond:
                now = time.monotonic()
                self._waiter_seen = self._waiter_seen or now
                if self._guest and not (
                    (self._users == 0 and now - self._last_used >= GUEST_IDLE_SECONDS)
                    or now - self._waiter_seen >= GUEST_HOLD_SECONDS
                ):
                    continue
                self._yielding = True
                if self._users == 0:
                    self._close_locked()
                self._cond.notify_all()


_held: dict[str, HeldFile] = {}
_held_lock = threading.Lock()


def held_file(path: Path) -> HeldFile:
    """The process's ``HeldFile`` of ``path`` (one per file, whatever the Store object)."""
    key = os.path.abspath(path)  # noqa: PTH100 - per operation: no file system access
    with _held_lock:
        held = _held.get(key)
        if held is None:
            held = _held[key] = HeldFile(Path(key))
        return held


def release(path: Path | str) -> None:
    """Close this process's connection to ``path`` (no-op when none is open)."""
    with _held_lock:
        held = _held.get(os.path.abspath(path))  # noqa: PTH100 - as held_file
    if held is not None:
        held.close()


@atexit.register
def _close_all() -> None:
    """Close every held file at exit, so DuckDB checkpoints its WAL into the file."""
    with _held_lock:
        files = list(_held.values())
    for held in files:
        with contextlib.suppress(Exception):
            held.close()


def quote_identifier(name: str) -> str:
    """A SQL identifier in double quotes (catalog names read from a file, never user input)."""
    return '"' + name.replace('"', '""') + '"'


def is_retryable_conflict(error: Exception) -> bool:
    return isinstance(error, duckdb.TransactionException) or "conflict" in str(error).lower()


def one_connection(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator for page-data builders ``fn(store, ...)``: all reads on one connection."""

    @functools.wraps(fn)
    def wrapper(store: StoreCore, *args, **kwargs) -> T:
        with store.reading():
            return fn(store, *args, **kwargs)

    return wrapper


@dataclass
class _Batch:
    """The open transaction of ``StoreCore.batch()`` and what it must recount at the end."""

    con: duckdb.DuckDBPyConnection
    desas: set[str] = field(default_factory=set)
    recount_all: bool = False
    since: dt.datetime | None = None


class StoreCore:
    """One DuckDB file: a held connection, migrations, reads, audited writes."""

    _init_lock = threading.Lock()
    # DuckDB already lets only one process hold the file; this makes writes from the threads
    # of that process (Streamlit sessions) serial too, so two uploads for one desa cannot both
    # read version n and collide on (desa_code, version) with a non-retryable ConstraintException.
    _write_lock = threading.RLock()
    _readers = threading.local()

    def __init__(self, path: Path | str, settings: StoreSettings) -> None:
        self.path = Path(path)
        self.settings = settings

    def _refresh_readiness(self, con, desas: list[str] | None, since: dt.datetime | None) -> None:
        raise NotImplementedError  # ReadinessCountsStore keeps the counts

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on this process's held connection to the file, for one operation.

        Inside ``batch()`` it is the batch's own cursor, so checks see the batch's writes.
        """
        pending = self._batch()
        if pending is not None:
            yield pending.con
            return
        with held_file(self.path).cursor() as con:
            yield con

    def _batch(self) -> _Batch | None:
        return getattr(self._readers, "batches", {}).get(str(self.path))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run every ``write`` of this thread inside the block as one transaction.

        Each write keeps its audit row; the kept readiness counts are recounted once at the
        end, for every desa the writes named. Building the demo (hundreds of writes) takes
        one transaction and one recount instead of one of each per write. Reads inside the
        block see the batch's writes. Nested blocks join the outer one.
        """
        if self._batch() is not None:
            yield
            return
        key = str(self.path)
        self._writable()
        with self._write_lock, held_file(self.path).cursor() as con:
            con.execute("BEGIN TRANSACTION")
            pending = _Batch(con)
            self._readers.__dict__.setdefault("batches", {})[key] = pending
            cons = self._readers.__dict__.setdefault("cons", {})
            cons[key] = con
            try:
                yield
                if pending.recount_all or pending.desas:
                    desas = None if pending.recount_all else sorted(pending.desas)
                    self._refresh_readiness(con, desas, pending.since)
                con.execute("COMMIT")
            except BaseException:
                rollback_quietly(con)
                raise
            finally:
                del self._readers.batches[key]
                del cons[key]

    def release(self) -> None:
        """Close the held connection now (the next operation opens the file again)."""
        release(self.path)

    def use_read_only(self, read_only: bool = True) -> None:
        """Open this process's connection to the file read-only from now on (or not)."""
        held_file(self.path).use_read_only(read_only)

    def _writable(self) -> None:
        """Before a write: a file this process opened read-only is reopened for writing (in a
        read-only location that opening fails, and says so)."""
        held = held_file(self.path)
        if held.read_only:
            if self.shared_connection() is not None:  # would wait on this thread's own read
                msg = "a write inside a reading() block of a file opened read-only"
                raise RuntimeError(msg)
            held.use_read_only(False)

    def shared_connection(self) -> duckdb.DuckDBPyConnection | None:
        """The connection of an enclosing ``reading()`` block of this thread, if any."""
        return getattr(self._readers, "cons", {}).get(str(self.path))

    def read(self, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        """Run one parameterised query and return a Polars frame."""
        shared = self.shared_connection()
        if shared is not None:  # inside reading(): reuse its connection
            return frame(shared, sql, params)
        with self.connect() as con:
            return frame(con, sql, params)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Serve every ``read`` of this thread inside the block from one connection.

        Opening the file costs 15-30 ms and a page's data takes five or more reads, so at one
        kabupaten the opening was most of the time (docs/benchmarks.md). The reads also share
        one snapshot, so the figures of one page always agree. Nested blocks reuse the outer.
        """
        cons = self._readers.__dict__.setdefault("cons", {})
        key = str(self.path)
        if key in cons:
            yield
            return
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            cons[key] = con
            try:
                yield
            finally:
                del cons[key]
                rollback_quietly(con)

    def write(
        self,
        actor: Actor,
        action: str,
        target: str,
        fn: Callable[[Any], T],
        *,
        refresh: Callable[[Any, T], list[str]] | str | None = None,
        since: dt.datetime | None = None,
        **detail,
    ) -> T:
        """Run ``fn(con)`` in one transaction with an audit row; retried whole on a conflict.

        ``refresh(con, result)`` names the desa whose readiness counts the write changed
        (``ALL_DESA``: every desa); they are recounted in the same transaction.
        ``since``: the write's own timestamp when it is not now (see ``_refresh_readiness``).
        """
        pending = self._batch()
        if pending is not None:  # inside batch(): no transaction of its own, recount at the end
            result = fn(pending.con)
            if refresh == ALL_DESA:
                pending.recount_all = True
            elif refresh is not None:
                pending.desas.update(refresh(pending.con, result))
            if refresh is not None and since is not None:
                pending.since = since if pending.since is None else min(pending.since, since)
            self._audit(pending.con, actor, action, target, detail)
            return result
        self._writable()
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                with self._write_lock, self.connect() as con:
                    con.execute("BEGIN TRANSACTION")
                    try:
                        result = fn(con)
                        if refresh is not None:
                            desas = None if refresh == ALL_DESA else refresh(con, result)
                            self._refresh_readiness(con, desas, since)
                        self._audit(con, actor, action, target, detail)
                        con.execute("COMMIT")
                    except BaseException:
                        rollback_quietly(con)
                        raise
                    return result
            except duckdb.Error as error:
                if not is_retryable_conflict(error) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.01, 0.1))

    @staticmethod
    def _audit(con, actor: Actor, action: str, target: str, detail: dict) -> None:
        con.execute(
            "INSERT INTO audit_log (logged_at, username, role, action, target, detail) "
            "VALUES ($at, $username, $role, $action, $target, $detail)",
            {
                "at": now_wib(),
                "username": actor.username,
                "role": actor.role,
                "action": action,
                "target": target,
                "detail": json.dumps(detail, default=str, ensure_ascii=False),
            },
        )

    def record_event(self, actor: Actor, action: str, target: str, **detail) -> None:
        """An audit row without a data change (login, logout, unmasked export, ...)."""
        self.write(actor, action, target, lambda con: None, **detail)

    # -- migrations ------------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, each in its own transaction."""
        applied: list[int] = []
        self._writable()
        with self.connect() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ)"
            )
            done = {
                row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()
            }
            for version, name, statements in MIGRATIONS:
                if version in done:
                    continue
                con.execute("BEGIN TRANSACTION")
                try:
                    for statement in statements:
                        con.execute(statement)
                    con.execute(
                        "INSERT INTO schema_migrations VALUES ($v, $n, $at)",
                        {"v": version, "n": name, "at": now_wib()},
                    )
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                applied.append(version)
        return applied

    def migration_versions(self) -> list[int]:
        """Versions recorded in ``schema_migrations``, oldest first."""
        frame = self.read("SELECT version FROM schema_migrations ORDER BY version")
        return frame["version"].to_list()

    # -- the data version, table sizes, meta -------------------------------------------------------

    def data_version(self) -> int:
        """The newest audit id of a write that changes page data (page caches key on it).

        Events that only record who did something (logins, downloads, NIK look-ups of an
        upload check) are left out, so a download does not make every page recompute.
        """
        frame = self.read(
            "SELECT coalesce(max(id), 0) AS v FROM audit_log "
            "WHERE NOT (starts_with(action, 'auth.') OR starts_with(action, 'export.') "
            "OR starts_with(action, 'roster.nik_lookup'))"
        )
        return int(frame["v"][0])

    def count(self, table: str) -> int:
        """Row count of one of our own tables (a fixed allow-list; for tests and checks)."""
        allowed = {"officers", "submissions", "tps", "findings", "audit_log", "regions"}
        allowed |= {"batches", "bpjs_records", "attendance", "training_sessions", "users"}
        if table not in allowed:
            msg = f"unknown table {table!r}"
            raise ValueError(msg)
        return int(self.read(f"SELECT count(*) AS n FROM {table}")["n"][0])

    def meta(self, key: str) -> str | None:
        """One value of the key/value ``meta`` table (e.g. ``mode`` = ``demo``)."""
        frame = self.read("SELECT value FROM meta WHERE key = $key", {"key": key})
        return frame["value"][0] if frame.height else None

    def set_meta(self, actor: Actor, key: str, value: str) -> None:
        """Set one ``meta`` value (the caller has checked the actor may change settings)."""

        def upsert(con) -> None:
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ($key, $value)", {"key": key, "value": value}
            )

        self.write(actor, "meta.set", key, upsert, value=value)
