"""Duty on the day: TPS assignment changes and voting-day attendance, both append-only.

Nothing is updated in place: a move, a swap or a cadangan mark is a new row of
``assignment_changes``; a mark or a correction of attendance is a new row of
``attendance_day``. The newest row per person wins when read, so the log is the audit trail.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness.db.core import now_wib, scoped
from readiness.scope import Actor, Scope

CARD_SECRET_KEY = "card_secret"


class DutyStore:
    """Reads and appends of assignment changes and voting-day attendance."""

    def assignment_changes(self, scope: Scope) -> pl.DataFrame:
        """Every change inside the scope, oldest first: desa_code, nik, tps_number, cadangan,
        changed_at, actor.
        """
        return self.read(
            f"""SELECT desa_code, nik, CAST(tps_number AS BIGINT) AS tps_number, cadangan,
                       changed_at, actor
                FROM assignment_changes WHERE {scoped("desa_code")}
                ORDER BY changed_at, id""",
            {"scope": scope.code},
        )

    def add_assignment_changes(
        self, actor: Actor, desa_code: str, changes: list[dict], *, action: str
    ) -> int:
        """Append change rows (desa_code, nik, tps_number, cadangan) in one audited transaction."""
        at = now_wib()

        def insert(con) -> int:
            for change in changes:
                con.execute(
                    """INSERT INTO assignment_changes
                           (desa_code, nik, tps_number, cadangan, changed_at, actor)
                       VALUES ($desa, $nik, $tps, $cadangan, $at, $actor)""",
                    {
                        "desa": change["desa_code"],
                        "nik": change["nik"],
                        "tps": change["tps_number"],
                        "cadangan": bool(change["cadangan"]),
                        "at": at,
                        "actor": actor.username,
                    },
                )
            return len(changes)

        detail = [
            {"nik": c["nik"][:4] + "…" + c["nik"][-4:], "tps": c["tps_number"]} for c in changes
        ]
        touched = sorted({change["desa_code"] for change in changes})
        # Coverage counts follow the assignments: recount the desa touched in this transaction.
        return self.write(
            actor, action, desa_code, insert, refresh=lambda con, _: touched, changes=detail
        )

    def attendance_day(self, scope: Scope, *, log: bool = False) -> pl.DataFrame:
        """Voting-day marks inside the scope: the newest per (desa, TPS, nik), or every row.

        Columns: desa_code, tps_number, nik, status, substitute_nik, substitute_name,
        reported_at, actor, correction_reason.
        """
        latest = (
            ""
            if log
            else "QUALIFY row_number() OVER (PARTITION BY desa_code, nik "
            + ("ORDER BY reported_at DESC, id DESC) = 1")
        )
        return self.read(
            f"""SELECT desa_code, CAST(tps_number AS BIGINT) AS tps_number, nik, status,
                       substitute_nik, substitute_name, reported_at, actor, correction_reason
                FROM attendance_day WHERE {scoped("desa_code")}
                {latest}
                ORDER BY desa_code, tps_number, reported_at""",
            {"scope": scope.code},
        )

    def add_attendance_day(
        self, actor: Actor, desa_code: str, marks: list[dict], *, at: dt.datetime | None = None
    ) -> int:
        """Append attendance marks (one audited transaction); ``at`` defaults to now (WIB)."""
        moment = at or now_wib()

        def insert(con) -> int:
            for mark in marks:
                con.execute(
                    """INSERT INTO attendance_day
                           (desa_code, tps_number, nik, status, substitute_nik, substitute_name,
                            reported_at, actor, correction_reason)
                       VALUES ($desa, $tps, $nik, $status, $sub_nik, $sub_name, $at, $actor,
                               $reason)""",
                    {
                        "desa": desa_code,
                        "tps": mark["tps_number"],
                        "nik": mark["nik"],
                        "status": mark["status"],
                        "sub_nik": mark.get("substitute_nik"),
                        "sub_name": mark.get("substitute_name"),
                        "at": moment,
                        "actor": actor.username,
                        "reason": mark.get("correction_reason"),
                    },
                )
            return len(marks)

        detail = [
            {"tps": m["tps_number"], "status": m["status"], "koreksi": m.get("correction_reason")}
            for m in marks
        ]
        return self.write(actor, "attendance_day.mark", desa_code, insert, marks=detail)

    def attendance_day_count(self) -> int:
        """Rows of the attendance log (tests re-count after a refused write)."""
        return int(self.read("SELECT count(*) AS n FROM attendance_day")["n"][0])

    def assignment_change_count(self) -> int:
        """Rows of the assignment change log."""
        return int(self.read("SELECT count(*) AS n FROM assignment_changes")["n"][0])

    def keep_card_secret(self, actor: Actor, value: str) -> str:
        """Store the card secret once (the first writer wins); the audit row never holds it."""

        def insert(con) -> str:
            con.execute(
                "INSERT INTO meta VALUES ($key, $value) ON CONFLICT (key) DO NOTHING",
                {"key": CARD_SECRET_KEY, "value": value},
            )
            row = con.execute(
                "SELECT value FROM meta WHERE key = $key", {"key": CARD_SECRET_KEY}
            ).fetchone()
            return row[0]

        return self.write(actor, "meta.card_secret", CARD_SECRET_KEY, insert)
