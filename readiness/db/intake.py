"""Intake as it arrives: kecamatan files for many villages, nihil reports, failed attempts,
roster versions listed and restored.

Each roster version that did not come as a village's own file has a ``submission_origin`` row
(via ``kecamatan``, ``nihil`` or ``restore``); a file of which no row was accepted leaves only a
``roster_attempts`` row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness.db.core import Actor, now_wib, scoped
from readiness.db.rosters import OFFICER_COLUMNS, StoredRoster
from readiness.errors import CodedError
from readiness.scope import Scope


@dataclass(frozen=True)
class KecamatanPart:
    """One village's accepted rows of a kecamatan file, as ``store_roster`` takes them."""

    desa_code: str
    officers: pl.DataFrame
    findings: pl.DataFrame
    counts: dict[str, int]
    detected: dict | None
    expected_previous_version: int | None
    checked_version: int | None


def _origin(con, submission_id: int, via: str, *, reason=None, restored_from=None) -> None:
    con.execute(
        "INSERT INTO submission_origin VALUES ($id, $via, $reason, $from)",
        {"id": submission_id, "via": via, "reason": reason, "from": restored_from},
    )


class IntakeStore:
    """Writes and reads of kecamatan uploads, nihil reports, attempts and versions."""

    def store_kecamatan_rosters(
        self,
        actor: Actor,
        kecamatan_code: str,
        parts: list[KecamatanPart],
        *,
        file_name: str,
        sha256: str,
    ) -> list[StoredRoster]:
        """Store every part as its village's next version (via kecamatan), in ONE transaction.

        A NIK registered meanwhile elsewhere or a village upload that landed meanwhile aborts
        the whole file: every village or none.
        """
        at = now_wib()

        def insert(con) -> list[StoredRoster]:
            stored = []
            for part in parts:
                one = self._insert_roster(
                    con,
                    actor,
                    part.desa_code,
                    part.officers.select(OFFICER_COLUMNS),
                    part.findings,
                    file_name=file_name,
                    sha256=sha256,
                    counts=part.counts,
                    detected=part.detected,
                    at=at,
                    expected_previous_version=part.expected_previous_version,
                    checked_version=part.checked_version,
                )
                _origin(con, one.submission_id, "kecamatan")
                stored.append(one)
            return stored

        return self.write(
            actor,
            "roster.upload_kecamatan",
            kecamatan_code,
            insert,
            refresh=lambda con, _: [p.desa_code for p in parts],
            since=at,
            file_name=file_name,
            sha256=sha256,
            desa=[p.desa_code for p in parts],
        )

    def store_nihil(self, actor: Actor, desa_code: str, reason: str) -> int:
        """Record that a desa has 0 linmas (with a reason) as its next, empty, roster version."""
        at = now_wib()

        def insert(con) -> int:
            known = con.execute(
                "SELECT count(*) FROM regions WHERE code = $d AND level = 'desa'", {"d": desa_code}
            ).fetchall()[0][0]
            if not known:
                raise CodedError("desa_unknown", desa_code=desa_code)
            version = self._next_version(con, desa_code)
            submission_id = self._insert_submission(
                con, actor, desa_code, version, at, file_name=None, sha256=None
            )
            _origin(con, submission_id, "nihil", reason=reason)
            return version

        return self.write(
            actor,
            "roster.nihil",
            desa_code,
            insert,
            refresh=lambda con, _: [desa_code],
            since=at,
            reason=reason,
        )

    def restore_roster_version(self, actor: Actor, desa_code: str, version: int) -> int:
        """A new version in force that copies ``version`` (its people, findings and review)."""
        at = now_wib()

        def insert(con) -> int:
            source = con.execute(
                """SELECT s.id, s.file_name, s.sha256, s.rows_total, s.rows_accepted,
                          s.rows_warned, s.rows_rejected, s.rows_skipped, s.detected, s.status,
                          s.reviewed_by, s.reviewed_at, s.review_note, o.via, o.nihil_reason
                   FROM submissions s LEFT JOIN submission_origin o ON o.submission_id = s.id
                   WHERE s.desa_code = $d AND s.version = $v""",
                {"d": desa_code, "v": version},
            ).fetchone()
            if source is None:
                raise CodedError("roster_version_unknown", desa_code=desa_code, version=version)
            new_version = self._next_version(con, desa_code)
            if new_version - 1 == version:
                raise CodedError("roster_version_in_force", version=version)
            niks = [
                r[0]
                for r in con.execute(
                    "SELECT nik FROM officers WHERE submission_id = $id", {"id": source[0]}
                ).fetchall()
            ]
            self._refuse_niks_registered_meanwhile(con, niks, desa_code)
            (submission_id,) = con.execute(
                """INSERT INTO submissions (desa_code, version, uploaded_at, uploader,
                       uploader_role, file_name, sha256, rows_total, rows_accepted, rows_warned,
                       rows_rejected, rows_skipped, detected, status, reviewed_by, reviewed_at,
                       review_note)
                   SELECT desa_code, $version, $at, $uploader, $role, file_name, sha256,
                       rows_total, rows_accepted, rows_warned, rows_rejected, rows_skipped,
                       detected, status, reviewed_by, reviewed_at, review_note
                   FROM submissions WHERE id = $id
                   RETURNING id""",
                {
                    "version": new_version,
                    "at": at,
                    "uploader": actor.username,
                    "role": actor.role,
                    "id": source[0],
                },
            ).fetchone()
            columns = ", ".join(OFFICER_COLUMNS)
            con.execute(
                f"""INSERT INTO officers (submission_id, desa_code, {columns})
                    SELECT $new, desa_code, {columns} FROM officers WHERE submission_id = $old""",
                {"new": submission_id, "old": source[0]},
            )
            con.execute(
                """INSERT INTO findings SELECT $new, row_number, column_name, severity, code,
                       message FROM findings WHERE submission_id = $old""",
                {"new": submission_id, "old": source[0]},
            )
            reason = source[14] if source[13] == "nihil" else None
            _origin(con, submission_id, "restore", reason=reason, restored_from=version)
            return new_version

        return self.write(
            actor,
            "roster.restore",
            desa_code,
            insert,
            refresh=lambda con, _: [desa_code],
            since=at,
            version=version,
        )

    def record_attempt(
        self,
        actor: Actor,
        desa_code: str,
        *,
        via: str,
        file_name: str,
        sha256: str,
        rows_rejected: int,
        reasons: list[str],
    ) -> None:
        """Keep a file of which no row was accepted as an attempt (nothing else is stored)."""

        def insert(con) -> None:
            con.execute(
                """INSERT INTO roster_attempts (desa_code, attempted_at, username, role, via,
                       file_name, sha256, rows_rejected, reasons)
                   VALUES ($d, $at, $user, $role, $via, $file, $sha, $rejected, $reasons)""",
                {
                    "d": desa_code,
                    "at": now_wib(),
                    "user": actor.username,
                    "role": actor.role,
                    "via": via,
                    "file": file_name,
                    "sha": sha256,
                    "rejected": rows_rejected,
                    "reasons": reasons,
                },
            )

        self.write(
            actor, "roster.attempt", desa_code, insert, file_name=file_name, rejected=rows_rejected
        )

    def roster_versions(self, desa_code: str) -> pl.DataFrame:
        """Every version of one desa, newest first, with how it arrived.

        version, submission_id, uploaded_at, uploader, uploader_name, uploader_role, file_name,
        sha256, rows_accepted, rows_warned, rows_rejected, status, reviewed_by, reviewer_name,
        via (desa / kecamatan / nihil / restore), nihil_reason, restored_from, in_force.
        """
        return self.read(
            """SELECT s.version, s.id AS submission_id, s.uploaded_at, s.uploader,
                      u.full_name AS uploader_name, s.uploader_role, s.file_name, s.sha256,
                      s.rows_accepted, s.rows_warned, s.rows_rejected, s.status, s.reviewed_by,
                      r.full_name AS reviewer_name, coalesce(o.via, 'desa') AS via,
                      o.nihil_reason, o.restored_from,
                      s.version = max(s.version) OVER () AS in_force
               FROM submissions s
               LEFT JOIN submission_origin o ON o.submission_id = s.id
               LEFT JOIN users u ON u.username = s.uploader
               LEFT JOIN users r ON r.username = s.reviewed_by
               WHERE s.desa_code = $d ORDER BY s.version DESC""",
            {"d": desa_code},
        )

    def intake_states(self, scope: Scope) -> pl.DataFrame:
        """Per desa inside the scope: nihil (version in force is a nihil report) and failed
        attempts not followed by a stored version.

        desa_code, nihil, nihil_reason, attempted_failed, attempt_at, attempt_by, attempt_file,
        attempt_reasons; only desa with either state.
        """
        return self.read(
            f"""WITH active AS (
                    SELECT s.desa_code, s.uploaded_at, o.via, o.nihil_reason
                    FROM active_submissions s
                    LEFT JOIN submission_origin o ON o.submission_id = s.id
                    WHERE {scoped("s.desa_code")}),
                last_attempt AS (
                    SELECT * FROM roster_attempts WHERE {scoped("desa_code")}
                    QUALIFY row_number() OVER (
                        PARTITION BY desa_code ORDER BY attempted_at DESC, id DESC) = 1)
                SELECT coalesce(a.desa_code, t.desa_code) AS desa_code,
                       coalesce(a.nihil_reason IS NOT NULL, false) AS nihil,
                       a.nihil_reason,
                       t.desa_code IS NOT NULL
                           AND (a.uploaded_at IS NULL OR t.attempted_at > a.uploaded_at)
                           AS attempted_failed,
                       t.attempted_at AS attempt_at, t.username AS attempt_by,
                       t.file_name AS attempt_file, t.reasons AS attempt_reasons
                FROM active a FULL JOIN last_attempt t ON t.desa_code = a.desa_code
                WHERE a.nihil_reason IS NOT NULL
                   OR (t.desa_code IS NOT NULL
                       AND (a.uploaded_at IS NULL OR t.attempted_at > a.uploaded_at))
                ORDER BY 1""",
            {"scope": scope.code},
        )

    def display_names(self, usernames: list[str]) -> dict[str, str]:
        """Account name -> full name, for showing people instead of account codes."""
        found = self.read(
            "SELECT username, full_name FROM users WHERE list_contains($u, username)",
            {"u": [u for u in usernames if u]},
        )
        return {
            r["username"]: r["full_name"] for r in found.iter_rows(named=True) if r["full_name"]
        }

    @staticmethod
    def _next_version(con, desa_code: str) -> int:
        (newest,) = con.execute(
            "SELECT coalesce(max(version), 0) FROM submissions WHERE desa_code = $d",
            {"d": desa_code},
        ).fetchone()
        return int(newest) + 1

    @staticmethod
    def _insert_submission(
        con,
        actor: Actor,
        desa_code: str,
        version: int,
        at: dt.datetime,
        *,
        file_name: str | None,
        sha256: str | None,
    ) -> int:
        (submission_id,) = con.execute(
            """INSERT INTO submissions (desa_code, version, uploaded_at, uploader, uploader_role,
                   file_name, sha256, rows_total, rows_accepted, rows_warned, rows_rejected,
                   rows_skipped)
               VALUES ($d, $v, $at, $user, $role, $file, $sha, 0, 0, 0, 0, 0) RETURNING id""",
            {
                "d": desa_code,
                "v": version,
                "at": at,
                "user": actor.username,
                "role": actor.role,
                "file": file_name,
                "sha": sha256,
            },
        ).fetchone()
        return submission_id
