"""The audit log: reads with filters, and deleting one NIK everywhere (it rewrites the log)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness.db.core import ALL_DESA, Actor


class AuditStore:
    """Audit log reads and the deletion of personal data on request."""

    def audit_log(self, *, limit: int = 1000) -> pl.DataFrame:
        """The newest audit entries first."""
        return self.read(
            "SELECT id, logged_at, username, role, action, target, detail FROM audit_log "
            "ORDER BY id DESC LIMIT $limit",
            {"limit": limit},
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
        offset: int = 0,
        field_max: int | None = None,
    ) -> pl.DataFrame:
        """Audit rows matching the filters, newest first (admin only).

        ``offset``/``limit`` page in SQL; ``field_max`` cuts username, role, target and detail
        to that many characters plus "…" in SQL, so a flood of huge rows never reaches memory.
        """
        cut = {
            column: f"""CASE WHEN $cut IS NOT NULL AND length({column}) > $cut
                             THEN left({column}, $cut) || '…' ELSE {column} END AS {column}"""
            for column in ("username", "role", "target", "detail")
        }
        return self.read(
            f"""SELECT id, logged_at, {cut["username"]}, {cut["role"]}, action, {cut["target"]},
                       {cut["detail"]} FROM audit_log
               WHERE ($username IS NULL OR contains(lower(username), lower($username)))
                 AND ($action IS NULL OR action = $action)
                 AND ($role IS NULL OR role = $role)
                 AND ($since IS NULL OR logged_at >= $since::DATE::TIMESTAMPTZ)
                 AND ($until IS NULL OR logged_at < ($until::DATE + 1)::TIMESTAMPTZ)
               ORDER BY id DESC LIMIT $limit OFFSET $offset""",
            {
                "cut": field_max,
                "offset": max(offset, 0),
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

        Officer rows of every roster version, BPJS records, attendance, TPS assignments,
        voting-day marks and findings that quote the NIK go; audit details, a substitute's
        number and a refused file's reasons that quote it are rewritten with ``masked``. The audit row of
        this deletion names only the masked NIK.
        """

        def forget(con) -> dict[str, int]:
            counts: dict[str, int] = {}
            for table, sql in (
                ("officers", "DELETE FROM officers WHERE nik = $nik"),
                ("bpjs_records", "DELETE FROM bpjs_records WHERE nik = $nik"),
                ("attendance", "DELETE FROM attendance WHERE nik = $nik"),
                ("findings", "DELETE FROM findings WHERE contains(message, $nik)"),
                ("assignment_changes", "DELETE FROM assignment_changes WHERE nik = $nik"),
                ("attendance_day", "DELETE FROM attendance_day WHERE nik = $nik"),
            ):
                counts[table] = len(con.execute(sql + " RETURNING 1", {"nik": nik}).fetchall())
            # A substitute's mark stays (it says the TPS was guarded); only the number goes.
            con.execute(
                "UPDATE attendance_day SET substitute_nik = $masked WHERE substitute_nik = $nik",
                {"nik": nik, "masked": masked},
            )
            con.execute(  # a refused file's reasons may quote the NIK as typed
                """UPDATE roster_attempts
                   SET reasons = list_transform(reasons, lambda r: replace(r, $nik, $masked))
                   WHERE list_bool_or(list_transform(reasons, lambda r: contains(r, $nik)))""",
                {"nik": nik, "masked": masked},
            )
            counts["upload_drafts"] = self._forget_nik_in_drafts(con, nik)
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
