"""Backups and bulk loads: snapshot to a file, inspect a file, mark a restore, load CSVs."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import duckdb

from readiness.db.core import Actor, now_wib, quote_identifier, release
from readiness.errors import CodedError, DatabaseFileError

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


def bulk_source(table: str) -> str:
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


class BackupStore:
    """Whole-file operations: snapshots, integrity reads, restores, bulk loads."""

    def snapshot_to(self, target: Path) -> None:
        """Copy every table, view and sequence into the new DuckDB file ``target`` at one moment.

        One statement is one transaction: a write landing meanwhile is wholly in or wholly out.
        A failure raises ``CodedError`` with code ``snapshot_failed`` and DuckDB's text.
        """
        alias = f"snapshot_{uuid.uuid4().hex}"  # generated identifier, never user input
        with self.connect() as con:
            try:
                (source,) = con.execute("SELECT current_database()").fetchall()[0]
                con.execute(f"ATTACH $target AS {alias}", {"target": str(target)})
                try:
                    con.execute(f"COPY FROM DATABASE {quote_identifier(source)} TO {alias}")
                finally:
                    con.execute(f"DETACH {alias}")
            except duckdb.Error as error:
                raise CodedError("snapshot_failed", detail=str(error)) from error

    @staticmethod
    def inspect_file(path: Path) -> dict[str, Any]:
        """Tables, migrations, kabupaten codes, data version of a file, reading every row.

        Raises ``DatabaseFileError`` when the file is not a DuckDB database or a block is damaged.
        """
        try:
            return BackupStore._inspect(path)
        except duckdb.Error as error:
            raise DatabaseFileError(Path(path), str(error)) from error

    @staticmethod
    def _inspect(path: Path) -> dict[str, Any]:
        release(path)  # DuckDB refuses a read-only open while this process holds the file
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
                    f"SELECT count(*), sum(hash(t)) FROM {quote_identifier(table)} t"
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
                        # a province file lists every kabupaten; count those
                        # whose kecamatan are loaded
                        "SELECT code FROM regions k WHERE level = 'kabupaten' AND EXISTS "
                        "(SELECT 1 FROM regions c WHERE c.parent_code = k.code) ORDER BY code"
                    ).fetchall()
                ]
            # What a restore would bring besides tables: views and macros, and the accounts.
            info["views"] = [
                row[0]
                for row in con.execute(
                    "SELECT view_name FROM duckdb_views() WHERE NOT internal "
                    "AND schema_name = 'main' ORDER BY view_name"
                ).fetchall()
            ]
            info["macros"] = [
                row[0]
                for row in con.execute(
                    "SELECT DISTINCT function_name FROM duckdb_functions() WHERE NOT internal "
                    "AND function_type IN ('macro', 'table_macro') ORDER BY function_name"
                ).fetchall()
            ]
            info["accounts"] = {}
            if "users" in counts:
                info["accounts"] = {
                    row[0]: tuple(row[1:])
                    for row in con.execute(
                        "SELECT username, role, region_code, password_hash, disabled FROM users"
                    ).fetchall()
                }
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

        def load(con) -> dict[str, int]:
            added: dict[str, int] = {}
            # The counts kept per desa no longer hold: pages count live until
            # refresh_readiness_cache() (or the next start) recounts them.
            con.execute("DELETE FROM readiness_cache_state")
            for table in BULK_COLUMNS:  # dependency order: officers need their submissions
                if table in files:
                    sql = _BULK_SQL[table].format(source=bulk_source(table))
                    params = {"path": str(files[table])}
                    if table == "tps":
                        params["at"] = now_wib()
                    try:
                        added[table] = int(con.execute(sql, params).fetchall()[0][0])
                    except duckdb.ConstraintException as error:
                        raise CodedError(
                            "bulk_load_rejected",
                            file=Path(files[table]).name,
                            table=table,
                            detail=str(error),
                        ) from None
            return added

        added = self.write(
            actor, "bulk.load", ",".join(files), load, files={k: str(v) for k, v in files.items()}
        )
        if recount:
            self.refresh_readiness_cache(actor)
        return added
