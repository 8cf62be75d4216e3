"""Upload drafts: a checked file and its in-place fixes, kept per account and village.

A draft is what a village clerk was working on between "file checked" and "saved": the file
as read, its column mapping, every fix in order and the rows passed over in the stacked form.
It lives in ``upload_drafts`` only: no view, count or export reads that table, so nothing of a
draft counts anywhere until the roster is saved (which deletes the draft in its own
transaction). Drafts older than the caller's cut-off are deleted whenever drafts are read or
written. A draft's use is not audited (a fix is not an action on data; the save is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from readiness.db.core import rollback_quietly

T = TypeVar("T")

_DROP_EXPIRED = "DELETE FROM upload_drafts WHERE updated_at < $expired"


class DraftStore:
    """The ``upload_drafts`` table: keep, patch, read and drop one account's draft of a desa."""

    def _draft_write(self, fn: Callable[[Any], T]) -> T:
        """``fn(con)`` in one transaction without an audit row; inside ``batch()`` it joins the
        batch's transaction (a save and the deletion of its draft commit together)."""
        pending = self._batch()
        if pending is not None:
            return fn(pending.con)
        with self._write_lock, self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                result = fn(con)
                con.execute("COMMIT")
            except BaseException:
                rollback_quietly(con)
                raise
            return result

    def keep_draft(
        self,
        username: str,
        desa_code: str,
        *,
        file_name: str,
        sha256: str,
        table_json: str,
        mapping_json: str,
        at: dt.datetime,
        expired: dt.datetime,
    ) -> None:
        """Start (or replace) the account's draft of ``desa_code`` with a newly checked file:
        no fixes, no rows passed over yet."""
        params = {
            "u": username, "d": desa_code, "name": file_name, "sha": sha256,
            "table": table_json, "mapping": mapping_json, "at": at,
        }  # fmt: skip

        def keep(con) -> None:
            con.execute(_DROP_EXPIRED, {"expired": expired})
            con.execute(
                "DELETE FROM upload_drafts WHERE username = $u AND desa_code = $d",
                {"u": username, "d": desa_code},
            )
            con.execute(
                """INSERT INTO upload_drafts (username, desa_code, file_name, sha256, table_json,
                       mapping_json, fixes, skipped_rows, created_at, updated_at)
                   VALUES ($u, $d, $name, $sha, $table, $mapping, [], [], $at, $at)""",
                params,
            )

        self._draft_write(keep)

    def change_draft(
        self,
        username: str,
        desa_code: str,
        sha256: str,
        *,
        at: dt.datetime,
        expired: dt.datetime,
        fix: str | None = None,
        skip_row: int | None = None,
        clear_skipped: bool = False,
        mapping_json: str | None = None,
    ) -> bool:
        """Add one fix (a JSON patch) or one row passed over, clear the rows passed over, or
        change the mapping of the draft of this file; False when no such draft is kept."""
        params = {
            "u": username, "d": desa_code, "sha": sha256, "at": at, "fix": fix,
            "row": skip_row, "clear": clear_skipped, "mapping": mapping_json,
        }  # fmt: skip

        def change(con) -> bool:
            con.execute(_DROP_EXPIRED, {"expired": expired})
            changed = con.execute(
                """UPDATE upload_drafts SET
                       fixes = CASE WHEN $fix IS NULL THEN fixes
                                    ELSE list_append(fixes, $fix::VARCHAR) END,
                       skipped_rows = CASE WHEN $clear THEN []::BIGINT[]
                                           WHEN $row IS NULL THEN skipped_rows
                                           ELSE list_append(skipped_rows, $row::BIGINT) END,
                       mapping_json = coalesce($mapping::VARCHAR, mapping_json),
                       updated_at = $at
                   WHERE username = $u AND desa_code = $d AND sha256 = $sha
                   RETURNING 1""",
                params,
            ).fetchall()
            return bool(changed)

        return self._draft_write(change)

    def draft_record(
        self, username: str, desa_code: str | None, *, expired: dt.datetime
    ) -> dict[str, Any] | None:
        """The account's draft of ``desa_code`` (None: its newest draft of any desa), after
        dropping every expired draft; None when there is none."""

        def read(con) -> dict[str, Any] | None:
            con.execute(_DROP_EXPIRED, {"expired": expired})
            cursor = con.execute(
                """SELECT desa_code, file_name, sha256, table_json, mapping_json, fixes,
                          skipped_rows, created_at, updated_at
                   FROM upload_drafts
                   WHERE username = $u AND ($d IS NULL OR desa_code = $d)
                   ORDER BY updated_at DESC LIMIT 1""",
                {"u": username, "d": desa_code},
            )
            row = cursor.fetchone()
            if row is None:
                return None
            return dict(zip([c[0] for c in cursor.description], row, strict=True))

        return self._draft_write(read)

    def drop_draft(self, username: str, desa_code: str) -> bool:
        """Delete the account's draft of ``desa_code`` (saved or discarded); False if none."""

        def drop(con) -> bool:
            deleted = con.execute(
                "DELETE FROM upload_drafts WHERE username = $u AND desa_code = $d RETURNING 1",
                {"u": username, "d": desa_code},
            ).fetchall()
            return bool(deleted)

        return self._draft_write(drop)

    def draft_count(self) -> int:
        """How many drafts are kept (every account; for checks and tests)."""
        return int(self.read("SELECT count(*) AS n FROM upload_drafts")["n"][0])

    @staticmethod
    def _forget_nik_in_drafts(con, nik: str) -> int:
        """Delete every draft that holds ``nik`` anywhere (rows, fixes or file name), inside the
        caller's transaction; the clerk uploads the file again."""
        return len(
            con.execute(
                """DELETE FROM upload_drafts
                   WHERE contains(table_json, $nik) OR contains(file_name, $nik)
                      OR contains(array_to_string(fixes, ' '), $nik)
                   RETURNING 1""",
                {"nik": nik},
            ).fetchall()
        )
