"""DuckDB store: connections, migrations and every SQL statement of the product.

The dashboard and the CLI may run at once on one file, and DuckDB lets one process hold a file
for writing: so every call opens a short-lived connection, retries while another process holds
the lock, and closes it again. Every write is one transaction that also appends to the audit
log; the newest audit id is the data version that page caches are keyed on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from readiness.config import Settings
from readiness.errors import AccessDenied, DatabaseBusyError, ReadinessError
from readiness.ingest import CANONICAL_COLUMNS
from readiness.metrics import ReadinessRules
from readiness.province import kabupaten_list
from readiness.regions import load_regions
from readiness.scope import Scope

T = TypeVar("T")
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
BUSY_TIMEOUT_SECONDS = 20.0
# "as of" for the present: every upload and every batch not undone counts.
END_OF_TIME = dt.datetime(9999, 12, 31, tzinfo=WIB)
# Roster warnings that keep an officer from counting as ready (metrics.ReadinessRules).
BLOCKING_CODES = list(ReadinessRules().blocking_codes)

# Numbered migrations: append only, never edit one that has shipped.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "core: regions, tps, submissions, officers, findings, audit log",
        (
            """CREATE TABLE regions (
                code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, name VARCHAR NOT NULL,
                parent_code VARCHAR, kind VARCHAR)""",
            """CREATE TABLE tps (
                desa_code VARCHAR NOT NULL, tps_number INTEGER NOT NULL,
                rawan BOOLEAN NOT NULL DEFAULT FALSE, rawan_reason VARCHAR, address VARCHAR,
                updated_at TIMESTAMPTZ, PRIMARY KEY (desa_code, tps_number))""",
            "CREATE SEQUENCE submission_id_seq",
            """CREATE TABLE submissions (
                id BIGINT PRIMARY KEY DEFAULT nextval('submission_id_seq'),
                desa_code VARCHAR NOT NULL, version INTEGER NOT NULL,
                uploaded_at TIMESTAMPTZ NOT NULL, uploader VARCHAR NOT NULL, uploader_role VARCHAR,
                file_name VARCHAR, sha256 VARCHAR, rows_total INTEGER, rows_accepted INTEGER,
                rows_warned INTEGER, rows_rejected INTEGER, rows_skipped INTEGER, detected VARCHAR,
                status VARCHAR NOT NULL DEFAULT 'menunggu_verifikasi', reviewed_by VARCHAR,
                reviewed_at TIMESTAMPTZ, review_note VARCHAR, UNIQUE (desa_code, version))""",
            """CREATE TABLE officers (
                submission_id BIGINT NOT NULL, desa_code VARCHAR NOT NULL, row_number INTEGER,
                nama VARCHAR NOT NULL, nik VARCHAR NOT NULL, jenis_kelamin VARCHAR,
                tempat_lahir VARCHAR, tanggal_lahir DATE, alamat VARCHAR, no_hp VARCHAR,
                nomor_tps INTEGER, status_bpjs BOOLEAN, no_kpj VARCHAR, status_pelatihan BOOLEAN,
                tanggal_pelatihan DATE, keterangan VARCHAR, warning_codes VARCHAR[])""",
            """CREATE TABLE findings (
                submission_id BIGINT NOT NULL, row_number INTEGER, column_name VARCHAR,
                severity VARCHAR NOT NULL, code VARCHAR NOT NULL, message VARCHAR NOT NULL)""",
            "CREATE SEQUENCE audit_id_seq",
            """CREATE TABLE audit_log (
                id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'), logged_at TIMESTAMPTZ NOT NULL,
                username VARCHAR NOT NULL, role VARCHAR, action VARCHAR NOT NULL,
                target VARCHAR, detail VARCHAR)""",
            """CREATE VIEW active_submissions AS
                SELECT * FROM submissions
                QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) = 1""",
        ),
    ),
    (
        2,
        "readiness: BPJS and training batches that can be undone",
        (
            "CREATE SEQUENCE batch_id_seq",
            """CREATE TABLE batches (
                id BIGINT PRIMARY KEY DEFAULT nextval('batch_id_seq'), kind VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL, username VARCHAR NOT NULL, file_name VARCHAR,
                sha256 VARCHAR, session_id BIGINT, rows_applied INTEGER, rows_rejected INTEGER,
                undone_at TIMESTAMPTZ, undone_by VARCHAR)""",
            """CREATE TABLE bpjs_records (
                batch_id BIGINT NOT NULL, nik VARCHAR NOT NULL, kpj VARCHAR,
                enrolled BOOLEAN NOT NULL, enrolled_on DATE)""",
            "CREATE SEQUENCE training_session_id_seq",
            """CREATE TABLE training_sessions (
                id BIGINT PRIMARY KEY DEFAULT nextval('training_session_id_seq'),
                held_on DATE NOT NULL, place VARCHAR NOT NULL, modules VARCHAR[] NOT NULL,
                kecamatan_code VARCHAR, created_at TIMESTAMPTZ NOT NULL, created_by VARCHAR)""",
            """CREATE TABLE attendance (
                batch_id BIGINT NOT NULL, session_id BIGINT NOT NULL, nik VARCHAR NOT NULL)""",
        ),
    ),
    (
        3,
        "accounts: users with roles scoped to a region",
        (
            """CREATE TABLE users (
                username VARCHAR PRIMARY KEY, full_name VARCHAR, role VARCHAR NOT NULL,
                region_code VARCHAR NOT NULL, password_hash VARCHAR, phone VARCHAR,
                must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
                disabled BOOLEAN NOT NULL DEFAULT FALSE,
                failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL, last_login_at TIMESTAMPTZ)""",
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        ),
    ),
    (
        4,
        "readiness counts per desa, kept up to date by every write (issue 9)",
        (
            # Rows as Store.readiness_counts returns them; as_of NULL = now, a date = the end
            # of that day (WIB), kept for "since yesterday".
            """CREATE TABLE readiness_cache (
                kabupaten_code VARCHAR NOT NULL, as_of DATE, kind VARCHAR NOT NULL,
                desa_code VARCHAR NOT NULL, day DATE, n BIGINT, tps_count BIGINT,
                rawan_count BIGINT, officers_registered BIGINT, registered BIGINT,
                bpjs_enrolled BIGINT, trained BIGINT, trained_self_reported BIGINT,
                blocked BIGINT, ready BIGINT, n_belum_bpjs BIGINT, n_belum_pelatihan BIGINT,
                tps_covered BIGINT, rawan_uncovered BIGINT, shared BIGINT)""",
            """CREATE TABLE readiness_cache_state (
                kabupaten_code VARCHAR PRIMARY KEY, refreshed_on DATE NOT NULL,
                snapshot_of DATE NOT NULL, rules VARCHAR NOT NULL)""",
        ),
    ),
    # -- kabupaten recaps (issue 9: berjenjang roll-up, readiness/recaps.py) --------------------
    (
        5,
        "kabupaten recaps imported by a province instance (every import kept)",
        (
            "CREATE SEQUENCE kabupaten_recap_id_seq",
            """CREATE TABLE kabupaten_recaps (
                id BIGINT PRIMARY KEY DEFAULT nextval('kabupaten_recap_id_seq'),
                kabupaten_code VARCHAR NOT NULL, kabupaten_name VARCHAR,
                generated_at TIMESTAMPTZ NOT NULL, imported_at TIMESTAMPTZ NOT NULL,
                imported_by VARCHAR NOT NULL, file_name VARCHAR, sha256 VARCHAR,
                data_version BIGINT, kecamatan_total BIGINT, kecamatan_complete BIGINT,
                desa_total BIGINT, desa_submitted BIGINT, tps_total BIGINT,
                officers_required BIGINT, officers_registered BIGINT, officers_counted BIGINT,
                ready BIGINT, payload JSON NOT NULL)""",
        ),
    ),
    # -- end of kabupaten recaps ---------------------------------------------------------------
)

# The roster's canonical columns (one name from CSV header to DuckDB column), as stored.
OFFICER_COLUMNS = ("row_number", *CANONICAL_COLUMNS, "warning_codes")

_SCOPE_SQL = "($scope = '' OR {col} = $scope OR starts_with({col}, $scope || '.'))"


def scoped(column: str) -> str:
    """SQL condition keeping rows whose region code lies in ``$scope`` (a bound parameter)."""
    return _SCOPE_SQL.format(col=column)


def _frame(con, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    """Run a parameterised query on an open connection and hand back a Polars frame."""
    return con.sql(sql, params=params or {}).pl()


def _regions_fingerprint(settings: Settings) -> str:
    """What the regions table was loaded from: the region file's bytes and the kabupaten."""
    try:
        content = settings.region_file.read_bytes()
    except OSError:
        content = b""  # load_regions names the missing file
    # Issue 9 (province instance): the province's kabupaten list is reference data too.
    if settings.kabupaten_list_file is not None:
        with contextlib.suppress(OSError):  # province.load_kabupaten_list names a missing file
            content += b"|" + settings.kabupaten_list_file.read_bytes()
    head = "|".join(
        (
            settings.province_code,
            settings.province_name,
            settings.kabupaten_code,
            settings.kabupaten_name,
        )
    )
    return hashlib.sha256(head.encode() + content).hexdigest()


def _rollback_quietly(con) -> None:
    """Roll back if a transaction is still open; a failed COMMIT has already ended it."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def one_connection(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator for page-data builders ``fn(store, ...)``: all reads on one connection (issue 9)."""

    @functools.wraps(fn)
    def wrapper(store: Store, *args, **kwargs) -> T:
        with store.reading():
            return fn(store, *args, **kwargs)

    return wrapper


def now_wib() -> dt.datetime:
    """The wall clock in Bengkulu's time zone, for timestamps people read."""
    return dt.datetime.now(WIB)


@dataclass(frozen=True)
class Actor:
    """Who performs a write: recorded in the audit log and checked against the scope."""

    username: str
    role: str
    scope: Scope


SYSTEM = Actor("sistem", "admin", Scope(""))
# ``Store.write(refresh=ALL_DESA)``: the write may change any desa's readiness counts.
ALL_DESA = "*"
# ``Store.write(since=NO_HISTORY)``: the TPS list keeps no history, so yesterday's figures
# are recounted with today's list (as the live count does).
NO_HISTORY = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class StoredRoster:
    """What a roster upload changed: the new version and the difference to the previous one."""

    submission_id: int
    version: int
    added: int
    removed: int
    changed: int
    previous_version: int | None


def _is_lock_error(error: Exception) -> bool:
    text = str(error).lower()
    # "unique file handle conflict" (issue 10): two threads of this process opening/closing the
    # file at the same moment race in DuckDB's instance cache; retrying resolves it.
    return (
        "lock" in text
        or "conflicting" in text
        or "being used by another process" in text
        or "unique file handle conflict" in text
    )


def _quote_identifier(name: str) -> str:
    """A SQL identifier in double quotes (issue 10: catalog names read from a file)."""
    return '"' + name.replace('"', '""') + '"'


def _is_retryable_conflict(error: Exception) -> bool:
    return isinstance(error, duckdb.TransactionException) or "conflict" in str(error).lower()


# -- issue 10: a database file that cannot be opened or read -------------------------------------


def kabupaten_region_rows(
    code: str, name: str, province_code: str, regions: pl.DataFrame
) -> pl.DataFrame:
    """``regions`` table rows (kabupaten, its kecamatan, its desa) from ``load_regions`` rows."""
    kabupaten = pl.DataFrame(
        {"code": [code], "level": ["kabupaten"], "name": [name], "parent_code": [province_code],
         "kind": [None]},
        schema_overrides={"kind": pl.String},
    )  # fmt: skip
    kecamatan = regions.select(
        pl.col("kecamatan_code").alias("code"),
        pl.lit("kecamatan").alias("level"),
        pl.col("kecamatan_name").alias("name"),
        pl.lit(code).alias("parent_code"),
        pl.lit(None, dtype=pl.String).alias("kind"),
    ).unique("code", keep="first", maintain_order=True)
    desa = regions.select(
        pl.col("desa_code").alias("code"),
        pl.lit("desa").alias("level"),
        pl.col("desa_name").alias("name"),
        pl.col("kecamatan_code").alias("parent_code"),
        pl.col("desa_kind").alias("kind"),
    )
    return pl.concat([kabupaten, kecamatan, desa])


# Writes that can put a NIK into a roster in force (a restore may bring any roster back).
_ROSTER_ACTIONS = ["roster.upload", "bulk.load", "backup.restore"]


def _rosters_landed_since(con, version: int) -> bool:
    """Whether a write that can add rosters was logged after data version ``version``."""
    (count,) = con.execute(
        "SELECT count(*) FROM audit_log WHERE id > $v AND list_contains($actions, action)",
        {"v": version, "actions": _ROSTER_ACTIONS},
    ).fetchall()[0]
    return count > 0


class DatabaseFileError(ReadinessError):
    """The database file is damaged or not a DuckDB file; ``path`` is the file concerned."""

    def __init__(self, path: Path, detail: str) -> None:
        message = (
            f"Berkas basis data {path} rusak atau bukan basis data Kesiapan Linmas ({detail}). "
            "Pulihkan dari cadangan terakhir: python -m readiness restore BERKAS_CADANGAN."
        )
        super().__init__(message, code="database_damaged")
        self.path = path
        self.detail = detail


class Store:
    """One DuckDB file: short-lived connections, migrations, scoped reads, audited writes."""

    _init_lock = threading.Lock()
    # DuckDB already lets only one process hold the file; this makes writes from the threads
    # of that process (Streamlit sessions) serial too, so two uploads for one desa cannot both
    # read version n and collide on (desa_code, version) with a non-retryable ConstraintException.
    _write_lock = threading.RLock()

    def __init__(self, path: Path | str, settings: Settings) -> None:
        self.path = Path(path)
        self.settings = settings

    # -- connections -------------------------------------------------------------------------

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the file, waiting (with jitter) while another process holds its lock."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except (duckdb.IOException, duckdb.ResourceInUseException) as error:
                if not _is_lock_error(error) or time.monotonic() > deadline:
                    if _is_lock_error(error):
                        msg = (
                            "Basis data sedang dipakai proses lain terlalu lama "
                            f"({self.path.name}). Tunggu sebentar lalu coba lagi; "
                            "tidak ada data yang disimpan."
                        )
                        raise DatabaseBusyError(msg) from error
                    raise DatabaseFileError(self.path, str(error)) from error
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 0.5)
        try:
            con.execute("SET TimeZone = 'Asia/Jakarta'")
            yield con
        finally:
            con.close()

    def read(self, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
        """Run one parameterised query and return a Polars frame."""
        shared = getattr(self._readers, "cons", {}).get(str(self.path))
        if shared is not None:  # inside reading(): reuse its connection (issue 9)
            return _frame(shared, sql, params)
        with self.connect() as con:
            return _frame(con, sql, params)

    # -- one connection per page build (issue 9) ---------------------------------------------

    _readers = threading.local()

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
                _rollback_quietly(con)

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
        (``ALL_DESA``: every desa); they are recounted in the same transaction (issue 9).
        ``since``: the write's own timestamp when it is not now (see ``_refresh_readiness``).
        """
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
                        _rollback_quietly(con)
                        raise
                    return result
            except duckdb.Error as error:
                if not _is_retryable_conflict(error) or time.monotonic() > deadline:
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

    # -- set-up --------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, settings: Settings) -> Store:
        """Create the file if needed, run pending migrations and load the bundled regions."""
        store = cls(path, settings)
        store.path.parent.mkdir(parents=True, exist_ok=True)
        fingerprint = _regions_fingerprint(settings)
        with cls._init_lock:
            try:
                store.migrate()
                # Checking and comparing 156+ rows costs ~0.3 s: skip it when nothing changed.
                if store.meta("regions_fingerprint") != fingerprint:
                    regions = load_regions(settings.region_file, settings.kabupaten_code)
                    store.sync_regions(regions, fingerprint=fingerprint)
                store.ensure_readiness_cache()  # issue 9: counts kept per desa
            except (duckdb.ConstraintException, duckdb.TransactionException):
                raise
            except duckdb.Error as error:  # issue 10: a damaged block or catalog
                raise DatabaseFileError(store.path, str(error)) from error
        return store

    def migrate(self) -> list[int]:
        """Apply the migrations not yet recorded, each in its own transaction."""
        applied: list[int] = []
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

    def sync_regions(self, regions: pl.DataFrame, *, fingerprint: str | None = None) -> None:
        """Make the regions table equal the reference file (province -> kabupaten -> kecamatan -> desa)."""
        settings = self.settings
        province = pl.DataFrame(
            {
                "code": [settings.province_code],
                "level": ["provinsi"],
                "name": [settings.province_name],
                "parent_code": [None],
                "kind": [None],
            },
            schema_overrides={"parent_code": pl.String, "kind": pl.String},
        )
        kabupaten = kabupaten_region_rows(
            settings.kabupaten_code, settings.kabupaten_name, settings.province_code, regions
        )
        # Issue 9 (province instance): a row for every other kabupaten of the province list;
        # their kecamatan/desa (`regions import`) are never touched here.
        others = kabupaten_list(settings).filter(pl.col("code") != settings.kabupaten_code)
        others = others.select(
            "code",
            pl.lit("kabupaten").alias("level"),
            "name",
            pl.lit(settings.province_code).alias("parent_code"),
            pl.lit(None, dtype=pl.String).alias("kind"),
        )
        wanted = pl.concat([province, others, kabupaten])
        # Issue 9: compare only this kabupaten and its province row; a province or national
        # database also holds other kabupaten, which must not force a rewrite at every start.
        mine = {
            "kab": settings.kabupaten_code,
            "prov": settings.province_code,
            "others": others["code"].to_list(),
        }
        current = self.read(
            "SELECT code, level, name, parent_code, kind FROM regions "
            "WHERE $kab = code OR starts_with(code, $kab || '.') OR code = $prov "
            "OR list_contains($others, code) ORDER BY code",
            mine,
        )
        remember = {"key": "regions_fingerprint", "value": fingerprint}
        if current.sort("code").equals(wanted.sort("code")):
            if fingerprint:
                self.set_meta(SYSTEM, "regions_fingerprint", fingerprint)
            return

        def replace(con) -> int:
            con.execute(
                "DELETE FROM regions WHERE $kab = code OR starts_with(code, $kab || '.') "
                "OR code = $prov OR list_contains($others, code)",
                mine,
            )
            con.register("wanted_regions", wanted.to_arrow())
            con.execute("INSERT INTO regions SELECT * FROM wanted_regions")
            con.unregister("wanted_regions")
            if fingerprint:
                con.execute("INSERT OR REPLACE INTO meta VALUES ($key, $value)", remember)
            return wanted.height

        self.write(
            SYSTEM,
            "regions.sync",
            settings.kabupaten_code,
            replace,
            refresh=ALL_DESA,  # new kabupaten rows need their readiness_cache_state
            rows=wanted.height,
        )

    # -- reads (every one takes a scope) ---------------------------------------------------------

    def data_version(self) -> int:
        """The newest audit id of a write that changes page data (page caches key on it).

        Events that only record who did something (logins, downloads) are left out, so a
        download does not make every page recompute.
        """
        frame = self.read(
            "SELECT coalesce(max(id), 0) AS v FROM audit_log "
            "WHERE NOT (starts_with(action, 'auth.') OR starts_with(action, 'export.'))"
        )
        return int(frame["v"][0])

    def villages(self, scope: Scope) -> pl.DataFrame:
        """kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind inside the scope."""
        return self.read(
            f"""SELECT k.code AS kecamatan_code, k.name AS kecamatan_name,
                       d.code AS desa_code, d.name AS desa_name, d.kind AS desa_kind
                FROM regions d JOIN regions k ON d.parent_code = k.code
                WHERE d.level = 'desa' AND {scoped("d.code")}
                ORDER BY d.code""",
            {"scope": scope.code},
        )

    def region_name(self, code: str) -> str | None:
        """The official name of one region code, or None when unknown."""
        frame = self.read("SELECT name FROM regions WHERE code = $code", {"code": code})
        return frame["name"][0] if frame.height else None

    def tps(self, scope: Scope) -> pl.DataFrame:
        """desa_code, tps_number, rawan, rawan_reason, address inside the scope."""
        return self.read(
            f"""SELECT desa_code, tps_number, rawan, rawan_reason, address FROM tps
                WHERE {scoped("desa_code")} ORDER BY desa_code, tps_number""",
            {"scope": scope.code},
        )

    def tps_count(self, desa_code: str) -> int:
        """How many TPS one desa has (0 while its TPS list is not yet imported)."""
        frame = self.read("SELECT count(*) AS n FROM tps WHERE desa_code = $d", {"d": desa_code})
        return int(frame["n"][0])

    def submissions(self, scope: Scope, *, active_only: bool = True) -> pl.DataFrame:
        """One row per upload (or per desa's newest upload) inside the scope."""
        table = "active_submissions" if active_only else "submissions"
        return self.read(
            f"""SELECT id, desa_code, version, uploaded_at, uploader, uploader_role, file_name,
                       sha256, rows_total, rows_accepted, rows_warned, rows_rejected,
                       rows_skipped, status, reviewed_by, reviewed_at, review_note
                FROM {table} WHERE {scoped("desa_code")}
                ORDER BY desa_code, version""",
            {"scope": scope.code},
        )

    def officers(self, scope: Scope) -> pl.DataFrame:
        """Officers of each desa's active roster version, with BPJS and training state.

        bpjs_enrolled / kpj come from imported BPJS batches (not undone; the newest wins);
        modules_attended from training attendance; status_bpjs / status_pelatihan are what
        the roster itself claimed (self-reported).
        """
        return self.read(
            f"""WITH active AS (
                    SELECT o.* FROM officers o
                    JOIN active_submissions s ON s.id = o.submission_id
                    WHERE {scoped("o.desa_code")}),
                {_BPJS_AND_MODULES}
                SELECT a.submission_id, a.desa_code, a.row_number, a.nama, a.nik,
                       a.jenis_kelamin, a.tempat_lahir, a.tanggal_lahir, a.alamat, a.no_hp,
                       a.nomor_tps, a.status_bpjs, a.no_kpj, a.status_pelatihan,
                       a.tanggal_pelatihan, a.keterangan, a.warning_codes,
                       coalesce(bpjs.enrolled, false) AS bpjs_enrolled,
                       coalesce(bpjs.kpj, a.no_kpj) AS kpj, bpjs.enrolled_on,
                       coalesce(modules.attended, []::VARCHAR[]) AS modules_attended
                FROM active a
                LEFT JOIN bpjs ON bpjs.nik = a.nik
                LEFT JOIN modules ON modules.nik = a.nik
                ORDER BY a.desa_code, a.row_number""",
            {"scope": scope.code, "as_of": END_OF_TIME},  # every batch not undone counts
        )

    def roster(self, submission_id: int, scope: Scope) -> pl.DataFrame:
        """The officers stored with one upload, if that upload lies inside the scope."""
        return self.read(
            f"""SELECT o.* FROM officers o WHERE o.submission_id = $id AND {scoped("o.desa_code")}
                ORDER BY o.row_number""",
            {"id": submission_id, "scope": scope.code},
        )

    def findings(self, submission_id: int, scope: Scope) -> pl.DataFrame:
        """The findings stored with one upload (warnings of accepted rows, reasons of rejected)."""
        return self.read(
            f"""SELECT f.row_number, f.column_name, f.severity, f.code, f.message
                FROM findings f JOIN submissions s ON s.id = f.submission_id
                WHERE f.submission_id = $id AND {scoped("s.desa_code")}
                ORDER BY f.row_number, f.column_name""",
            {"id": submission_id, "scope": scope.code},
        )

    def niks_registered_elsewhere(self, niks: list[str], desa_code: str) -> pl.DataFrame:
        """nik, desa_code, desa_name for NIKs in another village's active roster (any scope).

        Validation needs this across the whole database even for a desa operator; it reveals
        only the other village's name, never that person's data.
        """
        if not niks:
            return pl.DataFrame(
                schema={"nik": pl.String, "desa_code": pl.String, "desa_name": pl.String}
            )
        shared = getattr(self._readers, "cons", {}).get(str(self.path))
        if shared is not None:  # importer (issue 5): inside reading(), reuse its connection
            return self._niks_elsewhere(shared, niks, desa_code)
        with self.connect() as con:
            return self._niks_elsewhere(con, niks, desa_code)

    @classmethod
    def _refuse_niks_registered_meanwhile(cls, con, niks: list[str], desa_code: str) -> None:
        clash = cls._niks_elsewhere(con, niks, desa_code)
        if clash.height:
            first = clash.row(0, named=True)
            msg = (
                f"{clash.height} NIK baru saja terdaftar di desa lain (mis. di "
                f"{first['desa_name']}). Periksa ulang daftar lalu unggah lagi; "
                "tidak ada data yang disimpan."
            )
            raise ReadinessError(msg, code="nik_registered_meanwhile")

    @staticmethod
    def _niks_elsewhere(con, niks: list[str], desa_code: str) -> pl.DataFrame:
        return _frame(
            con,
            """SELECT o.nik, o.desa_code, r.name AS desa_name
               FROM officers o JOIN active_submissions s ON s.id = o.submission_id
               JOIN regions r ON r.code = o.desa_code
               WHERE o.desa_code <> $desa AND list_contains($niks, o.nik)
               ORDER BY o.nik""",
            {"desa": desa_code, "niks": niks},
        )

    def audit_log(self, *, limit: int = 1000) -> pl.DataFrame:
        """The newest audit entries first."""
        return self.read(
            "SELECT id, logged_at, username, role, action, target, detail FROM audit_log "
            "ORDER BY id DESC LIMIT $limit",
            {"limit": limit},
        )

    def count(self, table: str) -> int:
        """Row count of one of our own tables (a fixed allow-list; for tests and checks)."""
        allowed = {"officers", "submissions", "tps", "findings", "audit_log", "regions"}
        allowed |= {"batches", "bpjs_records", "attendance", "training_sessions", "users"}
        if table not in allowed:
            msg = f"unknown table {table!r}"
            raise ValueError(msg)
        return int(self.read(f"SELECT count(*) AS n FROM {table}")["n"][0])

    # -- writes ----------------------------------------------------------------------------------

    @staticmethod
    def _check_scope(actor: Actor, region_code: str) -> None:
        if not actor.scope.covers(region_code):
            msg = (
                f"Akun {actor.username} tidak berwenang atas wilayah {region_code}. "
                "Pilih desa di wilayah Anda sendiri."
            )
            raise AccessDenied(msg)

    def store_roster(
        self,
        actor: Actor,
        desa_code: str,
        officers: pl.DataFrame,
        findings: pl.DataFrame,
        *,
        file_name: str,
        sha256: str,
        counts: dict[str, int],
        detected: dict | None = None,
        uploaded_at: dt.datetime | None = None,
        expected_previous_version: int | None = None,
        checked_version: int | None = None,
    ) -> StoredRoster:
        """Store accepted officers as the desa's next roster version, in one transaction.

        The previous versions stay. A NIK that another village registered meanwhile aborts the
        whole upload (the operator validates again and sees that village named).
        ``expected_previous_version`` (0 = no roster yet) is the version the file was checked
        against: when another upload of that desa landed meanwhile, this one is refused.
        ``checked_version``: the data version at which the NIKs were looked up in other
        villages; the look-up is repeated here only when a roster may have landed since.
        """
        self._check_permission(actor, "upload")  # issue 8: pimpinan reads only
        self._check_scope(actor, desa_code)
        rows = officers.select(OFFICER_COLUMNS)
        niks = rows["nik"].to_list()
        at = uploaded_at or now_wib()

        def insert(con) -> StoredRoster:
            if checked_version is None or _rosters_landed_since(con, checked_version):
                self._refuse_niks_registered_meanwhile(con, niks, desa_code)
            # Checked inside the write: a second connection would cost more than the query.
            known = con.execute(
                "SELECT count(*) FROM regions WHERE code = $d AND level = 'desa'", {"d": desa_code}
            ).fetchall()[0][0]
            if not known:
                msg = f"Kode desa {desa_code} tidak ada dalam daftar wilayah. Periksa kodenya."
                raise ReadinessError(msg, code="desa_unknown")
            previous = con.execute(
                "SELECT id, version FROM active_submissions WHERE desa_code = $d", {"d": desa_code}
            ).fetchone()
            # Issue 10: two uploads of one desa at once -> one new version, the other refused.
            found = previous[1] if previous else 0
            if expected_previous_version is not None and found != expected_previous_version:
                msg = (
                    f"Daftar linmas desa ini berubah selagi berkas Anda diperiksa: kini versi "
                    f"{found}, berkas Anda diperiksa terhadap versi {expected_previous_version}. "
                    "Periksa ulang berkas terhadap daftar terbaru lalu simpan lagi; tidak ada "
                    "data yang disimpan."
                )
                raise ReadinessError(msg, code="roster_changed_meanwhile")
            version = previous[1] + 1 if previous else 1
            (submission_id,) = con.execute(
                """INSERT INTO submissions (desa_code, version, uploaded_at, uploader,
                       uploader_role, file_name, sha256, rows_total, rows_accepted, rows_warned,
                       rows_rejected, rows_skipped, detected)
                   VALUES ($desa, $version, $at, $uploader, $role, $file, $sha, $total,
                       $accepted, $warned, $rejected, $skipped, $detected)
                   RETURNING id""",
                {
                    "desa": desa_code,
                    "version": version,
                    "at": at,
                    "uploader": actor.username,
                    "role": actor.role,
                    "file": file_name,
                    "sha": sha256,
                    "total": counts.get("accepted", 0) + counts.get("rejected", 0),
                    "accepted": counts.get("accepted", 0),
                    "warned": counts.get("warned", 0),
                    "rejected": counts.get("rejected", 0),
                    "skipped": counts.get("skipped", 0),
                    "detected": json.dumps(detected or {}, default=str, ensure_ascii=False),
                },
            ).fetchone()
            staged = rows.with_columns(
                pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
                pl.lit(desa_code).alias("desa_code"),
            )
            con.register("staged_officers", staged.to_arrow())
            con.execute(
                f"INSERT INTO officers (submission_id, desa_code, {', '.join(OFFICER_COLUMNS)}) "
                f"SELECT submission_id, desa_code, {', '.join(OFFICER_COLUMNS)} FROM staged_officers"
            )
            con.unregister("staged_officers")
            if findings.height:
                staged_findings = findings.select(
                    pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
                    pl.col("row").cast(pl.Int32).alias("row_number"),
                    pl.col("column").cast(pl.String).alias("column_name"),
                    "severity",
                    "code",
                    "message",
                )
                con.register("staged_findings", staged_findings.to_arrow())
                con.execute("INSERT INTO findings SELECT * FROM staged_findings")
                con.unregister("staged_findings")
            added = removed = changed = 0
            if previous:
                diff = con.execute(
                    f"""WITH old AS (SELECT * FROM officers WHERE submission_id = $old),
                             new AS (SELECT * FROM officers WHERE submission_id = $new)
                        SELECT
                          (SELECT count(*) FROM new WHERE nik NOT IN (SELECT nik FROM old)),
                          (SELECT count(*) FROM old WHERE nik NOT IN (SELECT nik FROM new)),
                          (SELECT count(*) FROM old JOIN new USING (nik)
                           WHERE {" OR ".join(f"old.{c} IS DISTINCT FROM new.{c}" for c in _COMPARED)})""",
                    {"old": previous[0], "new": submission_id},
                ).fetchone()
                added, removed, changed = diff
            else:
                added = rows.height
            return StoredRoster(
                submission_id=submission_id,
                version=version,
                added=added,
                removed=removed,
                changed=changed,
                previous_version=previous[1] if previous else None,
            )

        return self.write(
            actor,
            "roster.upload",
            desa_code,
            insert,
            refresh=lambda con, _: [desa_code],
            since=uploaded_at,
            file_name=file_name,
            sha256=sha256,
            accepted=counts.get("accepted", 0),
            rejected=counts.get("rejected", 0),
        )

    def replace_tps(self, actor: Actor, tps: pl.DataFrame, *, file_name: str) -> int:
        """Replace the TPS list of every desa named in ``tps`` (desa_code, tps_number, rawan, address)."""
        self._check_permission(actor, "manage_reference")  # issue 8: admin only
        for code in tps["desa_code"].unique().to_list():
            self._check_scope(actor, code)
        staged = tps.select(
            pl.col("desa_code").cast(pl.String),
            pl.col("tps_number").cast(pl.Int32),
            pl.col("rawan").cast(pl.Boolean).fill_null(False),
            pl.col("rawan_reason").cast(pl.String)
            if "rawan_reason" in tps.columns
            else pl.lit(None, dtype=pl.String).alias("rawan_reason"),
            pl.col("address").cast(pl.String)
            if "address" in tps.columns
            else pl.lit(None, dtype=pl.String).alias("address"),
            pl.lit(now_wib()).alias("updated_at"),
        )

        def replace(con) -> int:
            con.register("staged_tps", staged.to_arrow())
            con.execute("DELETE FROM tps WHERE desa_code IN (SELECT desa_code FROM staged_tps)")
            con.execute("INSERT INTO tps SELECT * FROM staged_tps")
            con.unregister("staged_tps")
            return staged.height

        return self.write(
            actor,
            "tps.import",
            file_name,
            replace,
            refresh=lambda con, _: staged["desa_code"].unique().to_list(),
            since=NO_HISTORY,
            rows=staged.height,
            villages=staged["desa_code"].n_unique(),
        )

    # -- meta, BPJS and training batches -----------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """One value of the key/value ``meta`` table (e.g. ``mode`` = ``demo``)."""
        frame = self.read("SELECT value FROM meta WHERE key = $key", {"key": key})
        return frame["value"][0] if frame.height else None

    def set_meta(self, actor: Actor, key: str, value: str) -> None:
        """Set one ``meta`` value."""
        self._check_permission(actor, "manage_settings")  # issue 8: admin only

        def upsert(con) -> None:
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ($key, $value)", {"key": key, "value": value}
            )

        self.write(actor, "meta.set", key, upsert, value=value)

    def record_bpjs_batch(
        self,
        actor: Actor,
        records: pl.DataFrame,
        *,
        file_name: str | None,
        sha256: str | None = None,
        rows_rejected: int = 0,
        created_at: dt.datetime | None = None,
    ) -> int:
        """Store one BPJS import (nik, kpj, enrolled, enrolled_on) as a batch that can be undone."""
        self._check_permission(actor, "manage_readiness")  # issue 8: admin only
        staged = records.select(
            pl.col("nik").cast(pl.String),
            pl.col("kpj").cast(pl.String),
            pl.col("enrolled").cast(pl.Boolean),
            pl.col("enrolled_on").cast(pl.Date),
        )

        def insert(con) -> int:
            self._refuse_same_file(con, "bpjs", sha256, None, file_name)  # a file once only
            (batch_id,) = con.execute(
                """INSERT INTO batches (kind, created_at, username, file_name, sha256,
                       rows_applied, rows_rejected)
                   VALUES ('bpjs', $at, $user, $file, $sha, $applied, $rejected) RETURNING id""",
                {
                    "at": created_at or now_wib(),
                    "user": actor.username,
                    "file": file_name,
                    "sha": sha256,
                    "applied": staged.height,
                    "rejected": rows_rejected,
                },
            ).fetchone()
            con.register("staged_bpjs", staged.to_arrow())
            con.execute(
                "INSERT INTO bpjs_records SELECT $batch, nik, kpj, enrolled, enrolled_on "
                "FROM staged_bpjs",
                {"batch": batch_id},
            )
            con.unregister("staged_bpjs")
            return batch_id

        return self.write(
            actor,
            "bpjs.import",
            file_name or "",
            insert,
            refresh=self._desa_of_batch,
            since=created_at,
            rows=staged.height,
        )

    def add_training_session(
        self,
        actor: Actor,
        *,
        held_on: dt.date,
        place: str,
        modules: list[str],
        kecamatan_code: str | None = None,
    ) -> int:
        """Create one training session (bimtek) and return its id."""
        self._check_permission(actor, "manage_readiness")  # issue 8: admin only
        if kecamatan_code:
            self._check_scope(actor, kecamatan_code)

        def insert(con) -> int:
            (session_id,) = con.execute(
                """INSERT INTO training_sessions (held_on, place, modules, kecamatan_code,
                       created_at, created_by)
                   VALUES ($on, $place, $modules, $kec, $at, $user) RETURNING id""",
                {
                    "on": held_on,
                    "place": place,
                    "modules": modules,
                    "kec": kecamatan_code,
                    "at": now_wib(),
                    "user": actor.username,
                },
            ).fetchone()
            return session_id

        return self.write(
            actor, "training.session", place, insert, held_on=held_on, modules=modules
        )

    def training_sessions(self) -> pl.DataFrame:
        """Every training session, newest first."""
        return self.read(
            "SELECT id, held_on, place, modules, kecamatan_code FROM training_sessions "
            "ORDER BY held_on DESC, id DESC"
        )

    def record_attendance(
        self,
        actor: Actor,
        session_id: int,
        niks: list[str],
        *,
        file_name: str | None,
        sha256: str | None = None,
        rows_rejected: int = 0,
        created_at: dt.datetime | None = None,
    ) -> int:
        """Store who attended one session as a batch that can be undone."""
        self._check_permission(actor, "manage_readiness")  # issue 8: admin only
        staged = pl.DataFrame({"nik": niks}, schema={"nik": pl.String})

        def insert(con) -> int:
            # a file once per session
            self._refuse_same_file(con, "attendance", sha256, session_id, file_name)
            (batch_id,) = con.execute(
                """INSERT INTO batches (kind, created_at, username, file_name, sha256, session_id,
                       rows_applied, rows_rejected)
                   VALUES ('attendance', $at, $user, $file, $sha, $session, $applied, $rejected)
                   RETURNING id""",
                {
                    "at": created_at or now_wib(),
                    "user": actor.username,
                    "file": file_name,
                    "sha": sha256,
                    "session": session_id,
                    "applied": staged.height,
                    "rejected": rows_rejected,
                },
            ).fetchone()
            con.register("staged_attendance", staged.to_arrow())
            con.execute(
                "INSERT INTO attendance SELECT $batch, $session, nik FROM staged_attendance",
                {"batch": batch_id, "session": session_id},
            )
            con.unregister("staged_attendance")
            return batch_id

        return self.write(
            actor,
            "training.attendance",
            str(session_id),
            insert,
            refresh=self._desa_of_batch,
            since=created_at,
            rows=staged.height,
        )

    def batches(self, kind: str) -> pl.DataFrame:
        """Imports of one kind (bpjs / attendance), newest first, with whether they were undone."""
        return self.read(
            "SELECT id, kind, created_at, username, file_name, session_id, rows_applied, "
            "rows_rejected, undone_at, undone_by FROM batches WHERE kind = $kind ORDER BY id DESC",
            {"kind": kind},
        )

    def undo_batch(self, actor: Actor, batch_id: int) -> None:
        """Mark an import undone: its records stop counting, exactly restoring the state before."""
        self._check_permission(actor, "manage_readiness")  # issue 8: admin only

        def undo(con) -> None:
            # A boolean, not the TIMESTAMPTZ itself: fetching that needs pytz (issue 6).
            row = con.execute(
                "SELECT undone_at IS NOT NULL FROM batches WHERE id = $id", {"id": batch_id}
            ).fetchone()
            if row is None:
                msg = f"Impor nomor {batch_id} tidak ditemukan."
                raise ReadinessError(msg, code="batch_unknown")
            if row[0]:
                msg = f"Impor nomor {batch_id} sudah dibatalkan sebelumnya."
                raise ReadinessError(msg, code="batch_already_undone")
            con.execute(
                "UPDATE batches SET undone_at = $at, undone_by = $user WHERE id = $id",
                {"at": now_wib(), "user": actor.username, "id": batch_id},
            )

        self.write(
            actor,
            "batch.undo",
            str(batch_id),
            undo,
            refresh=lambda con, _: self._desa_of_batch(con, batch_id),
        )

    # -- the same BPJS / attendance file imported twice ---------------------------------------

    _SAME_FILE_SQL = (
        "SELECT id, created_at, username, file_name FROM batches "
        "WHERE kind = $kind AND sha256 = $sha AND undone_at IS NULL "
        "AND session_id IS NOT DISTINCT FROM $session ORDER BY id DESC LIMIT 1"
    )

    def refuse_same_file(
        self, kind: str, sha256: str | None, session_id: int | None, file_name: str | None
    ) -> None:
        """Raise when a batch of ``kind`` (and session) with these bytes is in force."""
        with self.connect() as con:
            self._refuse_same_file(con, kind, sha256, session_id, file_name)

    @classmethod
    def _refuse_same_file(
        cls, con, kind: str, sha256: str | None, session_id: int | None, file_name: str | None
    ) -> None:
        """Same check on an open connection; inside a write it sees every committed batch."""
        if not sha256:  # ticks on the page carry no file
            return
        params = {"kind": kind, "sha": sha256, "session": session_id}
        found = _frame(con, cls._SAME_FILE_SQL, params)
        if found.height == 0:
            return
        from readiness import formatting, messages  # leaf modules; kept out of the import block

        row = found.row(0, named=True)
        what = "daftar peserta BPJS" if kind == "bpjs" else f"absensi sesi nomor {session_id}"
        text = messages.render(
            "import_already_imported",
            file=file_name or "",
            batch=row["id"],
            earlier=row["file_name"] or "",
            what=what,
            when=formatting.timestamp(row["created_at"]),
            who=row["username"],
        )
        raise ReadinessError(text, code="import_already_imported")

    # -- end of the same file imported twice --------------------------------------------------

    # -- readiness (issue 6): officers as of a moment, TPS rawan, operator contacts, KPJ owners ---

    def officer_readiness(self, scope: Scope, as_of: dt.datetime | None = None) -> pl.DataFrame:
        """Officers of each desa's roster version in force at ``as_of`` (None = now).

        Same columns as :meth:`officers` plus listed_at (first upload of that NIK in that desa),
        bpjs_at and trained_at (when the BPJS / newest attendance batch was recorded). Batches
        count when created by ``as_of`` and not undone by then, so yesterday's figures are
        computed from the same timestamps as today's.
        """
        moment = as_of or END_OF_TIME
        return self.read(
            f"""WITH subs AS (
                    SELECT * FROM submissions
                    WHERE {scoped("desa_code")} AND uploaded_at <= $as_of),
                current AS (
                    SELECT * FROM subs
                    QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) = 1),
                active AS (
                    SELECT o.* FROM officers o JOIN current s ON s.id = o.submission_id),
                listed AS (
                    SELECT o.desa_code, o.nik, min(s.uploaded_at) AS listed_at
                    FROM officers o JOIN subs s ON s.id = o.submission_id
                    GROUP BY o.desa_code, o.nik),
                {_BPJS_AND_MODULES}
                SELECT a.submission_id, a.desa_code, a.row_number, a.nama, a.nik,
                       a.jenis_kelamin, a.tempat_lahir, a.tanggal_lahir, a.alamat, a.no_hp,
                       a.nomor_tps, a.status_bpjs, a.no_kpj, a.status_pelatihan,
                       a.tanggal_pelatihan, a.keterangan, a.warning_codes,
                       coalesce(bpjs.enrolled, false) AS bpjs_enrolled,
                       coalesce(bpjs.kpj, a.no_kpj) AS kpj, bpjs.enrolled_on,
                       coalesce(modules.attended, []::VARCHAR[]) AS modules_attended,
                       listed.listed_at, bpjs.bpjs_at, modules.trained_at
                FROM active a
                LEFT JOIN listed ON listed.desa_code = a.desa_code AND listed.nik = a.nik
                LEFT JOIN bpjs ON bpjs.nik = a.nik
                LEFT JOIN modules ON modules.nik = a.nik
                ORDER BY a.desa_code, a.row_number""",
            {"scope": scope.code, "as_of": moment},
        )

    def kpj_owners(self) -> pl.DataFrame:
        """kpj, nik pairs already known (imported BPJS batches not undone, rosters in force).

        Across the whole database, so a KPJ cannot be given to a second person anywhere.
        """
        return self.read(
            """SELECT DISTINCT kpj, nik FROM (
                   SELECT r.kpj, r.nik FROM bpjs_records r JOIN batches b ON b.id = r.batch_id
                   WHERE b.undone_at IS NULL AND r.kpj IS NOT NULL
                   UNION ALL
                   SELECT o.no_kpj AS kpj, o.nik FROM officers o
                   JOIN active_submissions s ON s.id = o.submission_id
                   WHERE o.no_kpj IS NOT NULL)
               ORDER BY kpj, nik"""
        )

    def operator_contacts(self, scope: Scope) -> pl.DataFrame:
        """desa_code, contact_name, contact_phone: one enabled account per desa with a phone."""
        return self.read(
            f"""SELECT region_code AS desa_code,
                       arg_min(coalesce(full_name, username), username) AS contact_name,
                       arg_min(phone, username) AS contact_phone
                FROM users
                WHERE NOT disabled AND phone IS NOT NULL AND trim(phone) <> ''
                  AND {scoped("region_code")}
                GROUP BY region_code ORDER BY region_code""",
            {"scope": scope.code},
        )

    def set_tps_rawan(
        self, actor: Actor, desa_code: str, tps_number: int, *, rawan: bool, reason: str | None
    ) -> None:
        """Flag or unflag one TPS as rawan; a flag needs a reason (e.g. Bawaslu's mapping)."""
        self._check_permission(actor, "manage_reference")  # TPS data is the admin's (issue 8)
        self._check_scope(actor, desa_code)
        reason = (reason or "").strip() or None
        if rawan and reason is None:
            msg = (
                f"TPS {tps_number} belum diberi alasan rawan. Tulis alasannya, misalnya "
                '"lokasi sulit dijangkau (pemetaan Bawaslu)", lalu simpan lagi.'
            )
            raise ReadinessError(msg, code="rawan_reason_missing")

        def update(con) -> None:
            found = con.execute(
                "SELECT count(*) FROM tps WHERE desa_code = $d AND tps_number = $n",
                {"d": desa_code, "n": tps_number},
            ).fetchone()[0]
            if not found:
                msg = (
                    f"TPS {tps_number} di desa {desa_code} tidak ada dalam daftar TPS. "
                    "Impor daftar TPS dari KPU lebih dulu atau pilih TPS lain."
                )
                raise ReadinessError(msg, code="tps_unknown")
            con.execute(
                "UPDATE tps SET rawan = $rawan, rawan_reason = $reason, updated_at = $at "
                "WHERE desa_code = $d AND tps_number = $n",
                {
                    "rawan": rawan,
                    "reason": reason if rawan else None,
                    "at": now_wib(),
                    "d": desa_code,
                    "n": tps_number,
                },
            )

        self.write(
            actor,
            "tps.rawan",
            f"{desa_code}/{tps_number}",
            update,
            refresh=lambda con, _: [desa_code],
            since=NO_HISTORY,
            rawan=rawan,
            reason=reason,
        )

    def session_attendees(self, session_id: int) -> list[str]:
        """NIKs recorded as present at one session (batches not undone)."""
        frame = self.read(
            "SELECT DISTINCT a.nik FROM attendance a JOIN batches b ON b.id = a.batch_id "
            "WHERE a.session_id = $session AND b.undone_at IS NULL ORDER BY a.nik",
            {"session": session_id},
        )
        return frame["nik"].to_list()

    # -- end of readiness (issue 6) ------------------------------------------------------------

    # -- accounts, verification and personal data (issue 8) ------------------------------------

    @staticmethod
    def _check_permission(actor: Actor, permission: str) -> None:
        """Refuse an actor whose role lacks ``permission`` (the table lives in readiness.auth)."""
        from readiness.auth import require  # auth imports storage: import at call time

        require(actor, permission)

    def user_record(self, username: str) -> dict[str, Any] | None:
        """One account with its password hash (for login only; never shown), or None."""
        frame = self.read(
            "SELECT * FROM users WHERE username = $u",
            {"u": username},
        )
        return frame.row(0, named=True) if frame.height else None

    def users(self, actor: Actor) -> pl.DataFrame:
        """Every account without password hashes, with its region's name (admin only)."""
        self._check_permission(actor, "manage_users")
        return self.read(
            """SELECT u.username, u.full_name, u.role, u.region_code, r.name AS region_name,
                      u.phone, u.must_change_password, u.disabled, u.failed_attempts,
                      u.locked_until, u.created_at, u.last_login_at
               FROM users u LEFT JOIN regions r ON r.code = u.region_code
               ORDER BY u.region_code, u.username"""
        )

    def add_users(self, actor: Actor, accounts: pl.DataFrame, *, action: str = "user.add") -> int:
        """Insert accounts (username, full_name, role, region_code, password_hash, phone,
        must_change_password); an existing username aborts the whole batch."""
        self._check_permission(actor, "manage_users")
        staged = accounts.select(
            pl.col("username").cast(pl.String),
            pl.col("full_name").cast(pl.String),
            pl.col("role").cast(pl.String),
            pl.col("region_code").cast(pl.String),
            pl.col("password_hash").cast(pl.String),
            pl.col("phone").cast(pl.String),
            pl.col("must_change_password").cast(pl.Boolean),
        )

        def insert(con) -> int:
            con.register("staged_users", staged.to_arrow())
            taken = con.execute(
                "SELECT min(username) FROM users WHERE username IN "
                "(SELECT username FROM staged_users)"
            ).fetchall()[0][0]
            if taken is not None:
                con.unregister("staged_users")
                msg = (
                    f"Nama pengguna {taken} sudah dipakai. Pilih nama lain; tidak ada akun dibuat."
                )
                raise ReadinessError(msg, code="user_exists")
            con.execute(
                """INSERT INTO users (username, full_name, role, region_code, password_hash, phone,
                       must_change_password, created_at)
                   SELECT username, full_name, role, region_code, password_hash, phone,
                       must_change_password, $at FROM staged_users""",
                {"at": now_wib()},
            )
            con.unregister("staged_users")
            return staged.height

        target = staged["username"][0] if staged.height == 1 else f"{staged.height} akun"
        return self.write(
            actor,
            action,
            target,
            insert,
            accounts=staged.select("username", "role", "region_code").to_dicts()[:200],
        )

    _USER_FIELDS = frozenset(
        {
            "password_hash",
            "must_change_password",
            "disabled",
            "failed_attempts",
            "locked_until",
            "last_login_at",
            "full_name",
            "phone",
        }
    )

    def update_user(
        self, actor: Actor, username: str, action: str, *, audit: dict | None = None, **fields
    ) -> None:
        """Set some columns of one account (names from a fixed allow-list) with an audit row.

        Any actor may change its own account (password, login state); other accounts need
        ``manage_users``. ``audit`` adds detail to the audit row (never a password or hash).
        """
        if actor.username != username:
            self._check_permission(actor, "manage_users")
        unknown = set(fields) - self._USER_FIELDS
        if unknown or not fields:
            msg = f"unknown user fields {sorted(unknown)}"
            raise ValueError(msg)
        assignments = ", ".join(f"{name} = ${name}" for name in sorted(fields))

        def update(con) -> None:
            found = con.execute(
                f"UPDATE users SET {assignments} WHERE username = $username RETURNING username",
                {**fields, "username": username},
            ).fetchall()
            if not found:
                msg = f"Akun {username} tidak ditemukan. Periksa nama penggunanya (user list)."
                raise ReadinessError(msg, code="user_unknown")

        self.write(actor, action, username, update, **(audit or {}))

    def register_failed_login(
        self, username: str, *, max_attempts: int, lock_until: dt.datetime, role: str | None
    ) -> tuple[int, bool]:
        """Count one wrong password; at ``max_attempts`` lock the account until ``lock_until``.

        Returns (failed attempts now, whether this failure set the lock). The counter restarts
        once a lock is set.
        """
        actor = Actor(username, role or "-", Scope("-"))

        def count(con) -> tuple[int, bool]:
            row = con.execute(
                """UPDATE users SET
                       locked_until = CASE WHEN failed_attempts + 1 >= $max THEN $until
                                      ELSE locked_until END,
                       failed_attempts = CASE WHEN failed_attempts + 1 >= $max THEN 0
                                         ELSE failed_attempts + 1 END
                   WHERE username = $u
                   RETURNING failed_attempts, failed_attempts = 0""",
                {"u": username, "max": max_attempts, "until": lock_until},
            ).fetchall()
            return (row[0][0], bool(row[0][1])) if row else (0, False)

        return self.write(actor, "auth.login_failed", username, count)

    def record_event(self, actor: Actor, action: str, target: str, **detail) -> None:
        """An audit row without a data change (login, logout, unmasked export, ...)."""
        self.write(actor, action, target, lambda con: None, **detail)

    def review_submission(
        self,
        actor: Actor,
        submission_id: int,
        status: str,
        note: str | None,
        *,
        reviewed_at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """The kecamatan's word on a desa's newest upload: terverifikasi or dikembalikan + note."""
        self._check_permission(actor, "verify")
        if status not in ("terverifikasi", "dikembalikan"):
            msg = f"status {status!r} must be terverifikasi or dikembalikan"
            raise ValueError(msg)
        note = (note or "").strip() or None
        if status == "dikembalikan" and note is None:
            msg = (
                "Tulis catatan untuk desa: apa yang harus diperbaiki sebelum mengunggah ulang. "
                "Daftar belum dikembalikan."
            )
            raise ReadinessError(msg, code="review_note_missing")
        found = self.read(
            "SELECT id, desa_code, version FROM submissions WHERE id = $id", {"id": submission_id}
        )
        if not found.height or not actor.scope.covers(found["desa_code"][0]):
            # The same answer whether the upload is missing or outside the scope.
            msg = f"Kiriman nomor {submission_id} tidak ditemukan di wilayah Anda."
            raise AccessDenied(msg)
        desa_code, version = found["desa_code"][0], int(found["version"][0])

        def review(con) -> dict[str, Any]:
            newest = con.execute(
                "SELECT max(version) FROM submissions WHERE desa_code = $d", {"d": desa_code}
            ).fetchall()[0][0]
            if newest != version:
                msg = (
                    f"Desa ini sudah mengunggah versi {newest} setelah versi {version}. "
                    "Muat ulang halaman dan periksa versi terbaru."
                )
                raise ReadinessError(msg, code="review_outdated")
            con.execute(
                """UPDATE submissions SET status = $status, reviewed_by = $by,
                       reviewed_at = $at, review_note = $note WHERE id = $id""",
                {
                    "status": status,
                    "by": actor.username,
                    "at": reviewed_at or now_wib(),
                    "note": note,
                    "id": submission_id,
                },
            )
            return {"desa_code": desa_code, "version": version, "status": status}

        action = "submission.verify" if status == "terverifikasi" else "submission.return"
        return self.write(
            actor,
            action,
            desa_code,
            review,
            submission_id=submission_id,
            version=version,
            note=note,
        )

    def audit_entries(
        self,
        actor: Actor,
        *,
        username: str | None = None,
        action: str | None = None,
        role: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = 5000,
    ) -> pl.DataFrame:
        """Audit rows matching the filters, newest first (admin only)."""
        self._check_permission(actor, "audit")
        return self.read(
            """SELECT id, logged_at, username, role, action, target, detail FROM audit_log
               WHERE ($username IS NULL OR contains(lower(username), lower($username)))
                 AND ($action IS NULL OR action = $action)
                 AND ($role IS NULL OR role = $role)
                 AND ($since IS NULL OR logged_at >= $since::DATE::TIMESTAMPTZ)
                 AND ($until IS NULL OR logged_at < ($until::DATE + 1)::TIMESTAMPTZ)
               ORDER BY id DESC LIMIT $limit""",
            {
                "username": username or None,
                "action": action or None,
                "role": role or None,
                "since": since,
                "until": until,
                "limit": limit,
            },
        )

    def audit_actions(self) -> list[str]:
        """The distinct action names in the audit log, for a filter list."""
        return self.read("SELECT DISTINCT action FROM audit_log ORDER BY action")[
            "action"
        ].to_list()

    def forget_nik(self, actor: Actor, nik: str, *, masked: str) -> dict[str, int]:
        """Remove one person's NIK everywhere (UU 27/2022 deletion on request), in one write.

        Officer rows of every roster version, BPJS records, attendance and findings that quote
        the NIK go; audit details that quote it are rewritten with ``masked``. The audit row of
        this deletion names only the masked NIK.
        """
        self._check_permission(actor, "forget_personal_data")

        def forget(con) -> dict[str, int]:
            counts: dict[str, int] = {}
            for table, sql in (
                ("officers", "DELETE FROM officers WHERE nik = $nik"),
                ("bpjs_records", "DELETE FROM bpjs_records WHERE nik = $nik"),
                ("attendance", "DELETE FROM attendance WHERE nik = $nik"),
                ("findings", "DELETE FROM findings WHERE contains(message, $nik)"),
            ):
                counts[table] = len(con.execute(sql + " RETURNING 1", {"nik": nik}).fetchall())
            for table in ("batches", "submissions"):  # file names may quote a NIK
                con.execute(
                    f"UPDATE {table} SET file_name = replace(file_name, $nik, $masked) "
                    "WHERE contains(file_name, $nik)",
                    {"nik": nik, "masked": masked},
                )
            counts["audit_log"] = len(
                con.execute(
                    "UPDATE audit_log SET detail = replace(detail, $nik, $masked), "
                    "target = replace(target, $nik, $masked) "
                    "WHERE contains(detail, $nik) OR contains(target, $nik) RETURNING 1",
                    {"nik": nik, "masked": masked},
                ).fetchall()
            )
            return counts

        return self.write(actor, "privacy.forget_nik", masked, forget, refresh=ALL_DESA)

    # -- end of accounts, verification and personal data (issue 8) -----------------------------

    # -- backups and integrity (issue 10) --------------------------------------------------------

    def snapshot_to(self, target: Path) -> None:
        """Copy every table, view and sequence into the new DuckDB file ``target`` at one moment.

        One statement is one transaction: a write landing meanwhile is wholly in or wholly out.
        A failure raises ``ReadinessError`` with code ``snapshot_failed`` and DuckDB's text.
        """
        alias = f"snapshot_{uuid.uuid4().hex}"  # generated identifier, never user input
        with self.connect() as con:
            try:
                (source,) = con.execute("SELECT current_database()").fetchall()[0]
                con.execute(f"ATTACH $target AS {alias}", {"target": str(target)})
                try:
                    con.execute(f"COPY FROM DATABASE {_quote_identifier(source)} TO {alias}")
                finally:
                    con.execute(f"DETACH {alias}")
            except duckdb.Error as error:
                raise ReadinessError(str(error), code="snapshot_failed") from error

    @staticmethod
    def inspect_file(path: Path) -> dict[str, Any]:
        """Tables, migrations, kabupaten codes, data version of a file, reading every row.

        Raises ``DatabaseFileError`` when the file is not a DuckDB database or a block is damaged.
        """
        try:
            return Store._inspect(path)
        except duckdb.Error as error:
            raise DatabaseFileError(Path(path), str(error)) from error

    @staticmethod
    def _inspect(path: Path) -> dict[str, Any]:
        con = duckdb.connect(str(path), read_only=True)
        try:
            tables = [
                row[0]
                for row in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                    "ORDER BY table_name"
                ).fetchall()
            ]
            counts = {}
            for table in tables:  # names come from the file's catalog; quoted, never executed
                (rows, _) = con.execute(
                    f"SELECT count(*), sum(hash(t)) FROM {_quote_identifier(table)} t"
                ).fetchall()[0]
                counts[table] = int(rows)
            info: dict[str, Any] = {"tables": counts, "migrations": [], "kabupaten": []}
            if "schema_migrations" in counts:
                info["migrations"] = [
                    row[0]
                    for row in con.execute(
                        "SELECT version FROM schema_migrations ORDER BY version"
                    ).fetchall()
                ]
            if "regions" in counts:
                info["kabupaten"] = [
                    row[0]
                    for row in con.execute(
                        # issue 9: a province file lists every kabupaten; count those
                        # whose kecamatan are loaded
                        "SELECT code FROM regions k WHERE level = 'kabupaten' AND EXISTS "
                        "(SELECT 1 FROM regions c WHERE c.parent_code = k.code) ORDER BY code"
                    ).fetchall()
                ]
            if "audit_log" in counts:
                info["data_version"] = int(
                    con.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchall()[0][0]
                )
            return info
        finally:
            con.close()

    def mark_restored(self, actor: Actor, source: str, *, newer_than: int) -> int:
        """Audit a restore, first moving the audit sequence past ``newer_than``.

        Page caches are keyed on the newest audit id; moving past the replaced file's id keeps
        a cache entry of the old file from ever matching the restored one.
        """

        def bump(con) -> int:
            (current,) = con.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchall()[0]
            steps = max(0, newer_than - current)
            if steps:
                con.execute(
                    "SELECT max(nextval('audit_id_seq')) FROM range($n)", {"n": steps}
                ).fetchall()
            return steps

        self.write(actor, "backup.restore", source, bump, newer_than=newer_than)
        return self.data_version()

    # -- end of backups and integrity (issue 10) -------------------------------------------------

    # -- bulk load (issue 9: province and national databases) ----------------------------------

    def bulk_load(
        self, actor: Actor, files: dict[str, Path], *, recount: bool = True
    ) -> dict[str, int]:
        """Append CSV files to regions, tps, submissions, officers in one audited transaction.

        ``files`` maps a table name to a CSV whose header is ``BULK_COLUMNS[table]``. Regions
        already present are kept; submissions get fresh ids and officers find theirs by
        (desa_code, version). DuckDB reads the files itself: no row passes through Python.
        Returns the rows added per table. Only a whole-country account may bulk-load.
        ``recount``: then recount every desa's readiness in a second transaction (the
        benchmark times the two apart); until then pages count live.
        """
        unknown = sorted(set(files) - set(BULK_COLUMNS))
        if unknown:
            msg = f"bulk_load: unknown tables {unknown}; allowed: {list(BULK_COLUMNS)}"
            raise ValueError(msg)
        if actor.scope.code:
            msg = f"Akun {actor.username} tidak berwenang memuat data massal; perlu admin pusat."
            raise AccessDenied(msg)

        def load(con) -> dict[str, int]:
            added: dict[str, int] = {}
            # The counts kept per desa no longer hold: pages count live until
            # refresh_readiness_cache() (or the next start) recounts them.
            con.execute("DELETE FROM readiness_cache_state")
            for table in BULK_COLUMNS:  # dependency order: officers need their submissions
                if table in files:
                    sql = _BULK_SQL[table].format(source=_bulk_source(table))
                    params = {"path": str(files[table])}
                    if table == "tps":
                        params["at"] = now_wib()
                    try:
                        added[table] = int(con.execute(sql, params).fetchall()[0][0])
                    except duckdb.ConstraintException as error:
                        msg = (
                            f"Berkas {Path(files[table]).name} tidak dapat dimuat ke {table}: "
                            f"{error}. Tidak ada data yang disimpan."
                        )
                        raise ReadinessError(msg, code="bulk_load_rejected") from None
            return added

        added = self.write(
            actor, "bulk.load", ",".join(files), load, files={k: str(v) for k, v in files.items()}
        )
        if recount:
            self.refresh_readiness_cache(actor)
        return added

    # -- per-desa counts for page data at national scale (issue 9) -----------------------------

    def region_names(self, level: str, scope: Scope) -> pl.DataFrame:
        """code, name of every region of one level (provinsi / kabupaten / ...) inside the scope."""
        return self.read(
            f"""SELECT code, name FROM regions WHERE level = $level AND {scoped("code")}
                ORDER BY code""",
            {"level": level, "scope": scope.code},
        )

    def tps_counts(self, scope: Scope) -> pl.DataFrame:
        """desa_code, tps_count, rawan_count inside the scope, counted in DuckDB."""
        return self.read(
            f"""SELECT desa_code, count(*) AS tps_count,
                       count(*) FILTER (WHERE rawan) AS rawan_count
                FROM tps WHERE {scoped("desa_code")} GROUP BY desa_code ORDER BY desa_code""",
            {"scope": scope.code},
        )

    def registered_counts(self, scope: Scope) -> pl.DataFrame:
        """desa_code, officers_registered: unique NIKs of the active rosters inside the scope.

        A NIK listed by two villages counts once, for the village whose upload came first
        (the rule of ``metrics.desa_overview``), so the figures match the row-level path.
        """
        return self.read(
            f"""WITH active AS (
                    SELECT o.desa_code, o.nik, o.submission_id FROM officers o
                    JOIN active_submissions s ON s.id = o.submission_id
                    WHERE {scoped("o.desa_code")}),
                first AS (
                    SELECT nik, arg_min(desa_code, submission_id) AS desa_code
                    FROM active GROUP BY nik)
                SELECT desa_code, count(*) AS officers_registered FROM first
                GROUP BY desa_code ORDER BY desa_code""",
            {"scope": scope.code},
        )

    # -- end of bulk load (issue 9) ------------------------------------------------------------

    # -- one kabupaten's region list (issue 9: province instance, `regions import`) -----------

    def import_kabupaten_regions(
        self,
        actor: Actor,
        kabupaten_code: str,
        kabupaten_name: str,
        regions: pl.DataFrame,
        *,
        file_name: str,
    ) -> dict[str, int]:
        """Add or replace another kabupaten's kecamatan and desa (rows of ``load_regions``).

        One transaction: the kabupaten row, its kecamatan and its desa replace what was there.
        Refused for the instance's own kabupaten (its settings own it) and when the new list
        drops a desa that already holds a roster or TPS. Returns kecamatan, desa (now) and
        kecamatan_before, desa_before.
        """
        self._check_permission(actor, "manage_reference")  # issue 8: admin only
        self._check_scope(actor, kabupaten_code)
        if kabupaten_code == self.settings.kabupaten_code:
            msg = (
                f"{self.settings.kabupaten_name} ({kabupaten_code}) adalah kabupaten instans ini; "
                "wilayahnya diatur oleh region_file di pengaturan, bukan lewat impor."
            )
            raise ReadinessError(msg, code="region_file_own_kabupaten")
        wanted = kabupaten_region_rows(
            kabupaten_code, kabupaten_name, self.settings.province_code, regions
        )
        kecamatan_count = wanted.filter(pl.col("level") == "kecamatan").height
        desa_count = wanted.filter(pl.col("level") == "desa").height
        params = {"kab": kabupaten_code}

        def replace(con) -> dict[str, int]:
            con.register("imported_regions", wanted.to_arrow())
            try:
                before = _frame(
                    con,
                    """SELECT count(*) FILTER (WHERE level = 'kecamatan') AS kecamatan,
                              count(*) FILTER (WHERE level = 'desa') AS desa
                       FROM regions WHERE starts_with(code, $kab || '.')""",
                    params,
                ).row(0, named=True)
                in_use = _frame(
                    con,
                    """SELECT d.code, d.name,
                              d.code IN (SELECT desa_code FROM submissions) AS has_roster,
                              d.code IN (SELECT desa_code FROM tps) AS has_tps
                       FROM regions d
                       WHERE d.level = 'desa' AND starts_with(d.code, $kab || '.')
                         AND d.code NOT IN (SELECT code FROM imported_regions)
                         AND (d.code IN (SELECT desa_code FROM submissions)
                              OR d.code IN (SELECT desa_code FROM tps))
                       ORDER BY d.code""",
                    params,
                )
                if in_use.height:
                    raise _regions_in_use(in_use, kabupaten_name)
                con.execute(
                    "DELETE FROM regions WHERE code = $kab OR starts_with(code, $kab || '.')",
                    params,
                )
                con.execute("INSERT INTO regions SELECT * FROM imported_regions")
            finally:
                con.unregister("imported_regions")
            return {
                "kecamatan": kecamatan_count,
                "desa": desa_count,
                "kecamatan_before": int(before["kecamatan"]),
                "desa_before": int(before["desa"]),
            }

        return self.write(
            actor,
            "regions.import",
            kabupaten_code,
            replace,
            file_name=file_name,
            kecamatan=kecamatan_count,
            desa=desa_count,
        )

    # -- end of one kabupaten's region list ----------------------------------------------------

    # -- villages that sent nothing (issue 9: the action list without the whole overview) -----

    def villages_not_submitted(
        self, scope: Scope, *, per_tps: int, rawan_extra: int
    ) -> pl.DataFrame:
        """The desa inside ``scope`` with no upload at all, as ``metrics.villages_not_submitted``.

        kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind, tps_count and
        officers_required (both null while the desa has no TPS), ordered by desa_code. TPS are
        counted for the silent villages only, so a national scope reads no more than it lists.
        """
        return self.read(
            f"""WITH silent AS (
                    SELECT d.code, d.name, d.kind, d.parent_code FROM regions d
                    WHERE d.level = 'desa' AND {scoped("d.code")}
                      AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.desa_code = d.code)),
                t AS (
                    SELECT desa_code, count(*) AS tps_count,
                           count(*) FILTER (WHERE rawan) AS rawan_count
                    FROM tps WHERE desa_code IN (SELECT code FROM silent) GROUP BY desa_code)
                SELECT k.code AS kecamatan_code, k.name AS kecamatan_name,
                       d.code AS desa_code, d.name AS desa_name, d.kind AS desa_kind,
                       t.tps_count,
                       t.tps_count * $per_tps + t.rawan_count * $extra AS officers_required
                FROM silent d JOIN regions k ON d.parent_code = k.code
                LEFT JOIN t ON t.desa_code = d.code
                ORDER BY d.code""",
            {"scope": scope.code, "per_tps": per_tps, "extra": rawan_extra},
        )

    # -- end of villages that sent nothing -----------------------------------------------------

    # -- readiness counted in DuckDB (issue 9 follow-up: Kesiapan at province/national scale) --

    def readiness_counts(
        self,
        scope: Scope,
        as_of: dt.datetime | None,
        *,
        per_tps: int,
        rawan_extra: int,
        modules: list[str],
        blocking: list[str],
    ) -> pl.DataFrame:
        """Per-desa readiness counts and per-day events, as of ``as_of`` (None = now).

        The same rules as ``officer_readiness`` + ``metrics.officer_states`` /
        ``tps_coverage`` / ``desa_readiness`` (a test proves both paths agree), counted here
        instead of handing 1.6 million officer rows to Polars. Rows with kind = 'desa': one per
        desa with officers or TPS (tps_count, rawan_count null without TPS; officers_registered,
        registered, bpjs_enrolled, trained, trained_self_reported, blocked, ready,
        n_belum_bpjs, n_belum_pelatihan, tps_covered, rawan_uncovered). Rows with kind =
        'registered' / 'ready': desa_code, day (WIB date), n: counted persons listed / ready by
        that day, for ``metrics.readiness_timeline_counts``.
        """
        moment = as_of or END_OF_TIME
        return self.read(
            _READINESS_COUNTS_SQL,
            {
                "scope": scope.code,
                "desas": [],
                "as_of": moment,
                "per_tps": per_tps,
                "extra": rawan_extra,
                "modules": list(modules),
                "blocking": list(blocking),
            },
        )

    # -- readiness_cache: the counts above kept per desa by every write (issue 9) -------------
    #
    # Kesiapan at national scale cannot count 1.6 million officers per page view within a
    # second, so each write recounts the desa it touched inside its own transaction. Yesterday's
    # figures (the "since yesterday" deltas) are the counts as they stood at the end of the day:
    # copied from the current rows by the first write of a new day, recounted with
    # ``readiness_counts(as_of=...)`` when a write carries an earlier timestamp.

    def _readiness_rules_key(self) -> str:
        """The settings the counts depend on; the cache is rebuilt when they change."""
        s = self.settings
        return json.dumps(
            [s.officers_per_tps, s.rawan_extra_officers, list(s.training_modules), BLOCKING_CODES]
        )

    def _count_into_cache(
        self, con, *, scope: str, desas: list[str], as_of: dt.datetime | None, label: dt.date | None
    ) -> None:
        """Insert ``readiness_counts`` rows of ``scope`` / ``desas`` (as of ``as_of``)."""
        s = self.settings
        con.execute(
            f"""INSERT INTO readiness_cache BY NAME
                SELECT left(desa_code, 5) AS kabupaten_code, $label::DATE AS as_of, *
                FROM ({_READINESS_COUNTS_SQL}) WHERE $label IS NULL OR kind = 'desa'""",
            {
                "scope": scope,
                "desas": desas,
                "as_of": as_of or END_OF_TIME,
                "label": label,
                "per_tps": s.officers_per_tps,
                "extra": s.rawan_extra_officers,
                "modules": list(s.training_modules),
                "blocking": list(BLOCKING_CODES),
            },
        )

    def _refresh_readiness(self, con, desas: list[str] | None, since: dt.datetime | None) -> None:
        """Recount ``desas`` (None = everything) inside the current write transaction.

        ``since``: the earliest timestamp the write stored when it is not "now" (demo data,
        imports of past batches), so yesterday's counts of those desa are recounted too.
        """
        today = now_wib().date()
        yesterday = today - dt.timedelta(days=1)
        end_of_yesterday = dt.datetime.combine(today, dt.time(), tzinfo=WIB)
        rules = self._readiness_rules_key()
        state = {"today": today, "yesterday": yesterday, "rules": rules}
        if desas is None:
            con.execute("DELETE FROM readiness_cache")
            con.execute("DELETE FROM readiness_cache_state")
            self._count_into_cache(con, scope="", desas=[], as_of=None, label=None)
            self._count_into_cache(con, scope="", desas=[], as_of=end_of_yesterday, label=yesterday)
            con.execute(
                """INSERT INTO readiness_cache_state
                   SELECT code, $today, $yesterday, $rules FROM regions WHERE level = 'kabupaten'
                   UNION SELECT DISTINCT kabupaten_code, $today, $yesterday, $rules
                   FROM readiness_cache""",
                state,
            )
            return
        desas = self._with_sharing_neighbours(con, sorted(set(desas)))
        if not desas:
            return
        kabupaten = sorted({code[:5] for code in desas})
        known = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT kabupaten_code, refreshed_on <= $yesterday, snapshot_of = $yesterday, "
                "rules = $rules FROM readiness_cache_state WHERE list_contains($kab, kabupaten_code)",
                {"kab": kabupaten, "yesterday": yesterday, "rules": rules},
            ).fetchall()
        }
        rebuilt = []
        for kab in kabupaten:
            quiet_since, snapshot_fresh, same_rules = known.get(kab, (False, False, False))
            where = {"kab": kab, "yesterday": yesterday}
            if not same_rules:  # never counted, or the rules changed: count the whole kabupaten
                con.execute("DELETE FROM readiness_cache WHERE kabupaten_code = $kab", {"kab": kab})
                self._count_into_cache(con, scope=kab, desas=[], as_of=None, label=None)
                self._count_into_cache(
                    con, scope=kab, desas=[], as_of=end_of_yesterday, label=yesterday
                )
                rebuilt.append(kab)
            elif not snapshot_fresh:  # first write of the day
                con.execute(
                    "DELETE FROM readiness_cache WHERE kabupaten_code = $kab AND as_of IS NOT NULL",
                    {"kab": kab},
                )
                if quiet_since:  # nothing written since yesterday: now = end of yesterday
                    con.execute(
                        """INSERT INTO readiness_cache BY NAME
                           SELECT * REPLACE ($yesterday::DATE AS as_of) FROM readiness_cache
                           WHERE kabupaten_code = $kab AND as_of IS NULL AND kind = 'desa'""",
                        where,
                    )
                else:
                    self._count_into_cache(
                        con, scope=kab, desas=[], as_of=end_of_yesterday, label=yesterday
                    )
            if same_rules and snapshot_fresh and not quiet_since:
                continue  # already counted today: the state row is current
            con.execute(
                "INSERT OR REPLACE INTO readiness_cache_state VALUES ($kab, $today, $yesterday, "
                "$rules)",
                {"kab": kab, **state},
            )
        desas = [code for code in desas if code[:5] not in rebuilt]
        if not desas:
            return
        con.execute(
            "DELETE FROM readiness_cache WHERE as_of IS NULL AND list_contains($desas, desa_code)",
            {"desas": desas},
        )
        self._count_into_cache(con, scope="", desas=desas, as_of=None, label=None)
        if since is not None and since < end_of_yesterday:
            con.execute(
                "DELETE FROM readiness_cache WHERE as_of = $yesterday "
                "AND list_contains($desas, desa_code)",
                {"desas": desas, "yesterday": yesterday},
            )
            self._count_into_cache(
                con, scope="", desas=desas, as_of=end_of_yesterday, label=yesterday
            )

    @staticmethod
    def _with_sharing_neighbours(con, desas: list[str]) -> list[str]:
        """``desas`` plus every desa whose roster in force shares a NIK with one of them.

        A NIK in two villages blocks both, so recounting one means recounting the other. The
        cache's ``shared`` count says which desa have such NIKs (sharing is mutual), so the
        NIK look-up runs only for those; it covers each desa's two newest versions, because a
        new roster can drop a shared NIK.
        """
        flagged = [
            row[0]
            for row in con.execute(
                "SELECT desa_code FROM readiness_cache WHERE as_of IS NULL AND kind = 'desa' "
                "AND shared > 0 AND list_contains($desas, desa_code)",
                {"desas": desas},
            ).fetchall()
        ]
        if not flagged:
            return desas
        rows = con.execute(
            """WITH recent AS (
                   SELECT id FROM submissions WHERE list_contains($flagged, desa_code)
                   QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) <= 2),
               niks AS (
                   SELECT DISTINCT o.nik FROM officers o JOIN recent r ON r.id = o.submission_id)
               SELECT DISTINCT o.desa_code FROM officers o
               JOIN active_submissions s ON s.id = o.submission_id
               WHERE o.nik IN (SELECT nik FROM niks)""",
            {"flagged": flagged},
        ).fetchall()
        return sorted({*desas, *(row[0] for row in rows)})

    @staticmethod
    def _desa_of_batch(con, batch_id: int) -> list[str]:
        """Desa whose roster in force lists a NIK of one BPJS / attendance batch."""
        rows = con.execute(
            """SELECT DISTINCT o.desa_code FROM officers o
               JOIN active_submissions s ON s.id = o.submission_id
               WHERE o.nik IN (SELECT nik FROM bpjs_records WHERE batch_id = $b
                               UNION ALL SELECT nik FROM attendance WHERE batch_id = $b)""",
            {"b": batch_id},
        ).fetchall()
        return [row[0] for row in rows]

    def refresh_readiness_cache(self, actor: Actor = None) -> None:
        """Recount every desa (after a bulk load, a restore, or when the rules changed)."""
        self.write(actor or SYSTEM, "readiness.recount", "*", lambda con: None, refresh=ALL_DESA)

    def ensure_readiness_cache(self) -> None:
        """At start-up: recount everything when a kabupaten is missing or the rules changed."""
        stale = self.read(
            """SELECT count(*) AS n FROM regions r
               LEFT JOIN readiness_cache_state s ON s.kabupaten_code = r.code
               WHERE r.level = 'kabupaten' AND (s.kabupaten_code IS NULL OR s.rules <> $rules)""",
            {"rules": self._readiness_rules_key()},
        )["n"][0]
        if stale:
            self.refresh_readiness_cache()

    def _cache_answers(self, scope: Scope, yesterday: dt.date | None) -> bool:
        """Whether every kabupaten of ``scope`` is counted under today's rules (and, given
        ``yesterday``, holds the counts as of the end of that day)."""
        unusable = self.read(
            f"""SELECT count(*) AS n FROM regions r
                LEFT JOIN readiness_cache_state s ON s.kabupaten_code = r.code
                WHERE r.level = 'kabupaten'
                  AND ({scoped("r.code")} OR starts_with($scope, r.code || '.'))
                  AND (s.kabupaten_code IS NULL OR s.rules <> $rules
                       OR NOT ($yesterday IS NULL OR s.refreshed_on <= $yesterday
                               OR s.snapshot_of = $yesterday))""",
            {"scope": scope.code, "yesterday": yesterday, "rules": self._readiness_rules_key()},
        )["n"][0]
        return not unusable

    def cached_overview_counts(self, scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """``(tps_counts(scope), registered_counts(scope))`` from the kept counts, or None.

        The same frames as the live methods (a NIK listed twice counts for the desa whose
        upload came first), without scanning 1.6 million officers at national scale.
        """
        if not self._cache_answers(scope, None):
            return None
        frame = self.read(
            f"""SELECT desa_code, tps_count, rawan_count, registered AS officers_registered
                FROM readiness_cache
                WHERE as_of IS NULL AND kind = 'desa' AND {scoped("desa_code")}
                ORDER BY desa_code""",
            {"scope": scope.code},
        )
        return (
            frame.filter(pl.col("tps_count").is_not_null()).select(
                "desa_code", "tps_count", "rawan_count"
            ),
            frame.filter(pl.col("officers_registered") > 0).select(
                "desa_code", "officers_registered"
            ),
        )

    def cached_readiness_counts(
        self, scope: Scope, today: dt.date
    ) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """(now, end of yesterday) rows as ``readiness_counts`` gives them, from the cache.

        None when the cache cannot answer for ``today``: a kabupaten of the scope was never
        counted (a bulk load just ran), the rules changed, or ``today`` is not the day the
        snapshot was taken for. Callers then count live.
        """
        params = {"scope": scope.code, "yesterday": today - dt.timedelta(days=1)}
        if not self._cache_answers(scope, params["yesterday"]):
            return None
        frame = self.read(
            f"""SELECT CASE WHEN c.as_of IS NULL THEN 'now' ELSE 'yesterday' END AS moment,
                       c.* EXCLUDE (kabupaten_code, as_of)
                FROM readiness_cache c JOIN readiness_cache_state s USING (kabupaten_code)
                WHERE {scoped("c.desa_code")}
                  AND (c.as_of IS NULL OR (c.as_of = $yesterday AND s.refreshed_on > $yesterday))
                UNION ALL BY NAME
                SELECT 'yesterday' AS moment, c.* EXCLUDE (kabupaten_code, as_of)
                FROM readiness_cache c JOIN readiness_cache_state s USING (kabupaten_code)
                WHERE {scoped("c.desa_code")} AND c.as_of IS NULL AND c.kind = 'desa'
                  AND s.refreshed_on <= $yesterday""",
            {"scope": scope.code, "yesterday": params["yesterday"]},
        )
        moment = pl.col("moment")
        return (
            frame.filter(moment == "now").drop("moment"),
            frame.filter(moment == "yesterday").drop("moment"),
        )

    # -- end of readiness counted in DuckDB ---------------------------------------------------

    # -- kabupaten recaps (issue 9: berjenjang roll-up; checks in readiness/recaps.py) ---------

    def kabupaten_recaps(self, scope: Scope, *, history: bool = False) -> pl.DataFrame:
        """Imported recaps inside ``scope``: the newest per kabupaten, or every import (history).

        Columns: RECAP_COLUMNS plus id, imported_at, imported_by; no payload. Newest = the
        latest ``generated_at`` (then the latest import), by kabupaten_code.
        """
        newest = (
            ""
            if history
            else "QUALIFY row_number() OVER (PARTITION BY kabupaten_code "
            "ORDER BY generated_at DESC, id DESC) = 1"
        )
        return self.read(
            f"""SELECT id, {", ".join(RECAP_COLUMNS[:-1])}, imported_at, imported_by
                FROM kabupaten_recaps WHERE {scoped("kabupaten_code")} {newest}
                ORDER BY kabupaten_code, generated_at DESC, id DESC""",
            {"scope": scope.code},
        )

    def store_recaps(
        self, actor: Actor, recaps: pl.DataFrame, *, expected: dict[str, int | None]
    ) -> int:
        """Append checked recaps (RECAP_COLUMNS) in one transaction; all of them or none.

        ``expected`` maps each kabupaten_code to the id of its newest recap when the files
        were checked (None = none yet): an import that landed meanwhile refuses this one.
        """
        self._check_permission(actor, "manage_reference")  # admin only
        for code in recaps["kabupaten_code"].to_list():
            self._check_scope(actor, code)
        staged = recaps.select(RECAP_COLUMNS)

        def insert(con) -> int:
            newest = con.execute(
                """SELECT kabupaten_code, id FROM kabupaten_recaps
                   WHERE list_contains($codes, kabupaten_code)
                   QUALIFY row_number() OVER (PARTITION BY kabupaten_code
                                              ORDER BY generated_at DESC, id DESC) = 1""",
                {"codes": list(expected)},
            ).fetchall()
            found = {code: None for code in expected} | dict(newest)
            if found != expected:
                msg = (
                    "Rekap kabupaten berubah selagi berkas diperiksa (impor lain baru saja "
                    "disimpan). Jalankan impor lagi; tidak ada rekap yang disimpan."
                )
                raise ReadinessError(msg, code="recap_changed_meanwhile")
            con.register("staged_recaps", staged.to_arrow())
            con.execute(
                f"""INSERT INTO kabupaten_recaps ({", ".join(RECAP_COLUMNS)}, imported_at,
                        imported_by)
                    SELECT {", ".join(RECAP_COLUMNS)}, $at, $user FROM staged_recaps""",
                {"at": now_wib(), "user": actor.username},
            )
            con.unregister("staged_recaps")
            return staged.height

        return self.write(
            actor,
            "recap.import",
            ",".join(staged["kabupaten_code"].to_list()),
            insert,
            files=staged["file_name"].to_list(),
        )

    # -- end of kabupaten recaps ---------------------------------------------------------------


# Each NIK of the CTE ``active``: its BPJS status and the training modules attended, as of
# $as_of (a batch counts when created by then and not undone by then). One text for the
# row-level path (Store.officer_readiness) and the counted one (_READINESS_COUNTS_SQL).
_BPJS_AND_MODULES = """live AS (
        SELECT id, created_at FROM batches
        WHERE created_at <= $as_of AND (undone_at IS NULL OR undone_at > $as_of)),
    bpjs AS (
        SELECT r.nik, arg_max(r.enrolled, b.id) AS enrolled, arg_max(r.kpj, b.id) AS kpj,
               arg_max(r.enrolled_on, b.id) AS enrolled_on,
               arg_max(b.created_at, b.id) AS bpjs_at
        FROM bpjs_records r JOIN live b ON b.id = r.batch_id
        WHERE r.nik IN (SELECT nik FROM active)
        GROUP BY r.nik),
    modules AS (
        SELECT a.nik, list_distinct(flatten(list(t.modules))) AS attended,
               max(b.created_at) AS trained_at
        FROM attendance a JOIN live b ON b.id = a.batch_id
        JOIN training_sessions t ON t.id = a.session_id
        WHERE a.nik IN (SELECT nik FROM active)
        GROUP BY a.nik)"""

# -- readiness counts SQL (issue 9): shared by the live path and the maintained readiness_cache --

# $scope (a region-code prefix) and $desas (a list of desa codes; empty = every desa).
_IN_SCOPE_AND_SET = (
    f"({_SCOPE_SQL} AND (len($desas::VARCHAR[]) = 0 OR list_contains($desas::VARCHAR[], {{col}})))"
)

_READINESS_COUNTS_SQL = f"""WITH subs AS MATERIALIZED (
        SELECT id, desa_code, version, uploaded_at FROM submissions
        WHERE {_IN_SCOPE_AND_SET.format(col="desa_code")} AND uploaded_at <= $as_of),
    current AS (
        SELECT id, uploaded_at FROM subs
        QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) = 1),
    active AS MATERIALIZED (
        SELECT o.submission_id, o.desa_code, o.row_number, o.nik, o.nomor_tps,
               o.status_pelatihan, o.warning_codes, s.uploaded_at AS current_at
        FROM officers o JOIN current s ON s.id = o.submission_id
        WHERE {_IN_SCOPE_AND_SET.format(col="o.desa_code")}),  -- lets DuckDB skip row groups
    -- first upload of a NIK in a desa: only desa with several versions need a look
    listed AS (
        SELECT o.desa_code, o.nik, min(s.uploaded_at) AS listed_at
        FROM officers o JOIN subs s ON s.id = o.submission_id
        WHERE s.desa_code IN (
            SELECT desa_code FROM subs GROUP BY desa_code HAVING count(*) > 1)
        GROUP BY o.desa_code, o.nik),
    {_BPJS_AND_MODULES},
    -- NIKs on more than one active row: the first row counts (metrics.officer_states)
    dup AS (
        SELECT nik, min(row(submission_id, desa_code, row_number)) AS first_row,
               count(DISTINCT desa_code) AS desas
        FROM active GROUP BY nik HAVING count(*) > 1),
    each AS MATERIALIZED (
        SELECT a.desa_code, a.nomor_tps,
               CASE WHEN dup.nik IS NOT NULL THEN a.nik END AS dup_nik,
               coalesce(dup.desas, 1) > 1 AS shared,
               dup.nik IS NULL
                   OR row(a.submission_id, a.desa_code, a.row_number) = dup.first_row
                   AS counted,
               coalesce(dup.desas, 1) > 1
                   OR list_has_any(coalesce(a.warning_codes, []::VARCHAR[]),
                                   $blocking::VARCHAR[]) AS blocked,
               coalesce(bpjs.enrolled, false) AS bpjs,
               list_has_all(coalesce(modules.attended, []::VARCHAR[]),
                            $modules::VARCHAR[]) AS trained,
               coalesce(a.status_pelatihan, false) AS self_reported,
               CAST(coalesce(listed.listed_at, a.current_at) AS DATE) AS listed_day,
               CAST(bpjs.bpjs_at AS DATE) AS bpjs_day,
               CAST(modules.trained_at AS DATE) AS trained_day
        FROM active a
        LEFT JOIN dup ON dup.nik = a.nik
        LEFT JOIN listed ON listed.desa_code = a.desa_code AND listed.nik = a.nik
        LEFT JOIN bpjs ON bpjs.nik = a.nik
        LEFT JOIN modules ON modules.nik = a.nik),
    per_desa AS (
        SELECT desa_code,
               count(*) FILTER (WHERE dup_nik IS NULL) + count(DISTINCT dup_nik)
                   AS officers_registered,
               count(*) FILTER (WHERE counted) AS registered,
               count(*) FILTER (WHERE counted AND bpjs) AS bpjs_enrolled,
               count(*) FILTER (WHERE counted AND trained) AS trained,
               count(*) FILTER (WHERE counted AND self_reported AND NOT trained)
                   AS trained_self_reported,
               count(*) FILTER (WHERE counted AND blocked) AS blocked,
               count(*) FILTER (WHERE counted AND bpjs AND trained AND NOT blocked)
                   AS ready,
               count(*) FILTER (WHERE counted AND NOT blocked AND NOT bpjs)
                   AS n_belum_bpjs,
               count(*) FILTER (WHERE counted AND NOT blocked AND bpjs AND NOT trained)
                   AS n_belum_pelatihan,
               count(*) FILTER (WHERE shared) AS shared
        FROM each GROUP BY desa_code),
    assigned AS (
        SELECT desa_code, CAST(nomor_tps AS BIGINT) AS tps_number,
               count(*) AS officers  -- one counted row per NIK
        FROM each WHERE counted AND nomor_tps IS NOT NULL GROUP BY ALL),
    cover AS (
        SELECT t.desa_code, count(*) AS tps_count,
               count(*) FILTER (WHERE t.rawan) AS rawan_count,
               count(*) FILTER (WHERE coalesce(a.officers, 0) >= $per_tps
                   + CASE WHEN coalesce(t.rawan, false) THEN $extra ELSE 0 END)
                   AS tps_covered,
               count(*) FILTER (WHERE coalesce(t.rawan, false)
                   AND coalesce(a.officers, 0) < $per_tps + $extra) AS rawan_uncovered
        FROM tps t LEFT JOIN assigned a
            ON a.desa_code = t.desa_code AND a.tps_number = t.tps_number
        WHERE {_IN_SCOPE_AND_SET.format(col="t.desa_code")} GROUP BY t.desa_code)
    SELECT 'desa' AS kind, coalesce(p.desa_code, c.desa_code) AS desa_code,
           NULL::DATE AS day, NULL::BIGINT AS n, c.tps_count, c.rawan_count,
           p.* EXCLUDE (desa_code), c.tps_covered, c.rawan_uncovered
    FROM per_desa p FULL JOIN cover c ON c.desa_code = p.desa_code
    UNION ALL BY NAME
    SELECT 'registered' AS kind, desa_code, listed_day AS day, count(*) AS n
    FROM each WHERE counted GROUP BY ALL
    UNION ALL BY NAME
    SELECT 'ready' AS kind, desa_code,
           greatest(listed_day, bpjs_day, trained_day) AS day, count(*) AS n
    FROM each WHERE counted AND bpjs AND trained AND NOT blocked GROUP BY ALL"""

# -- regions import (issue 9: province instance) ------------------------------------------------


def _regions_in_use(in_use: pl.DataFrame, kabupaten_name: str) -> ReadinessError:
    """The refusal when a new region list drops desa that hold rosters or TPS (code, name, ...)."""
    listed = []
    for row in in_use.head(10).iter_rows(named=True):
        pairs = (("daftar linmas", row["has_roster"]), ("TPS", row["has_tps"]))
        held = [what for what, has in pairs if has]
        listed.append(f"{row['code']} {row['name']} ({' dan '.join(held)})")
    more = f" dan {in_use.height - 10} lainnya" if in_use.height > 10 else ""
    msg = (
        f"Daftar wilayah {kabupaten_name} tidak diganti: berkas baru tidak memuat "
        f"{in_use.height} desa/kelurahan yang sudah punya daftar linmas atau TPS: "
        f"{'; '.join(listed)}{more}. Masukkan lagi desa itu ke berkas (kode tetap sama) lalu "
        "impor ulang; tidak ada data yang diubah."
    )
    return ReadinessError(msg, code="regions_in_use")


# -- bulk load statements (issue 9) ---------------------------------------------------------------

BULK_COLUMNS: dict[str, dict[str, str]] = {
    "regions": {
        "code": "VARCHAR", "level": "VARCHAR", "name": "VARCHAR", "parent_code": "VARCHAR",
        "kind": "VARCHAR",
    },
    "tps": {"desa_code": "VARCHAR", "tps_number": "INTEGER", "rawan": "BOOLEAN"},
    "submissions": {
        "desa_code": "VARCHAR", "version": "INTEGER", "uploaded_at": "TIMESTAMPTZ",
        "uploader": "VARCHAR", "uploader_role": "VARCHAR", "file_name": "VARCHAR",
        "rows_total": "INTEGER", "rows_accepted": "INTEGER",
    },
    "officers": {
        "desa_code": "VARCHAR", "version": "INTEGER", "row_number": "INTEGER", "nama": "VARCHAR",
        "nik": "VARCHAR", "jenis_kelamin": "VARCHAR", "tempat_lahir": "VARCHAR",
        "tanggal_lahir": "DATE", "alamat": "VARCHAR", "no_hp": "VARCHAR", "nomor_tps": "INTEGER",
        "status_bpjs": "BOOLEAN", "no_kpj": "VARCHAR", "status_pelatihan": "BOOLEAN",
        "tanggal_pelatihan": "DATE", "keterangan": "VARCHAR",
    },
}  # fmt: skip


def _bulk_source(table: str) -> str:
    """``read_csv($path, ...)`` with the fixed column types of one bulk table (no user values)."""
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in BULK_COLUMNS[table].items())
    return f"read_csv($path, header = true, columns = {{{columns}}})"


_BULK_SQL = {
    "regions": """INSERT INTO regions (code, level, name, parent_code, kind)
        SELECT code, level, name, parent_code, kind FROM {source}
        WHERE code NOT IN (SELECT code FROM regions)""",
    "tps": """INSERT INTO tps (desa_code, tps_number, rawan, updated_at)
        SELECT desa_code, tps_number, coalesce(rawan, false), $at FROM {source}""",
    "submissions": """INSERT INTO submissions (desa_code, version, uploaded_at, uploader,
            uploader_role, file_name, rows_total, rows_accepted, rows_warned, rows_rejected,
            rows_skipped, detected)
        SELECT desa_code, version, uploaded_at, uploader, uploader_role, file_name, rows_total,
            rows_accepted, 0, 0, 0, '{{"bulk_load": true}}' FROM {source}""",
    "officers": """INSERT INTO officers (submission_id, desa_code, row_number, nama, nik,
            jenis_kelamin, tempat_lahir, tanggal_lahir, alamat, no_hp, nomor_tps, status_bpjs,
            no_kpj, status_pelatihan, tanggal_pelatihan, keterangan, warning_codes)
        SELECT s.id, o.desa_code, o.row_number, o.nama, o.nik, o.jenis_kelamin, o.tempat_lahir,
            o.tanggal_lahir, o.alamat, o.no_hp, o.nomor_tps, o.status_bpjs, o.no_kpj,
            o.status_pelatihan, o.tanggal_pelatihan, o.keterangan, []::VARCHAR[]
        FROM {source} o
        LEFT JOIN submissions s ON s.desa_code = o.desa_code AND s.version = o.version""",
}

# -- end of bulk load statements (issue 9) --------------------------------------------------------


# A person (NIK) counts as "changed" between versions when any other roster column differs.
_COMPARED = tuple(c for c in CANONICAL_COLUMNS if c != "nik")


# -- kabupaten recaps (issue 9): the stored columns, payload (the whole JSON) last ----------------

RECAP_COLUMNS = (
    "kabupaten_code", "kabupaten_name", "generated_at", "file_name", "sha256", "data_version",
    "kecamatan_total", "kecamatan_complete", "desa_total", "desa_submitted", "tps_total",
    "officers_required", "officers_registered", "officers_counted", "ready", "payload",
)  # fmt: skip

# -- end of kabupaten recaps ------------------------------------------------------------------------
