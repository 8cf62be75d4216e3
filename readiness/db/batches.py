"""BPJS and training imports: batches that can be undone, training sessions, attendance."""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness.db.core import Actor, ArrowStream, frame, now_wib, scoped
from readiness.errors import CodedError
from readiness.scope import Scope


class BatchStore:
    """BPJS batches, training sessions and attendance batches."""

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
            con.register("staged_bpjs", ArrowStream(staged))
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

    def training_sessions(self, scope: Scope | None = None) -> pl.DataFrame:
        """Training sessions, newest first: kabupaten-wide ones and those of a kecamatan inside
        ``scope`` (default: every session)."""
        return self.read(
            f"""SELECT id, held_on, place, modules, kecamatan_code FROM training_sessions
                WHERE kecamatan_code IS NULL OR {scoped("kecamatan_code")}
                ORDER BY held_on DESC, id DESC""",
            {"scope": "" if scope is None else scope.code},
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
            con.register("staged_attendance", ArrowStream(staged))
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

    def session_attendees(self, session_id: int) -> list[str]:
        """NIKs recorded as present at one session (batches not undone)."""
        frame = self.read(
            "SELECT DISTINCT a.nik FROM attendance a JOIN batches b ON b.id = a.batch_id "
            "WHERE a.session_id = $session AND b.undone_at IS NULL ORDER BY a.nik",
            {"session": session_id},
        )
        return frame["nik"].to_list()

    def batches(self, kind: str, scope: Scope | None = None) -> pl.DataFrame:
        """Imports of one kind (bpjs / attendance), newest first, with whether they were undone.

        With ``scope``: only imports made by accounts whose region lies inside it (a kecamatan
        sees its own imports, not the kabupaten's or another kecamatan's).
        """
        return self.read(
            f"""SELECT b.id, b.kind, b.created_at, b.username, b.file_name, b.session_id,
                       b.rows_applied, b.rows_rejected, b.undone_at, b.undone_by
                FROM batches b LEFT JOIN users u ON u.username = b.username
                WHERE b.kind = $kind
                  AND ($scope = '' OR (u.region_code IS NOT NULL AND {scoped("u.region_code")}))
                ORDER BY b.id DESC""",
            {"kind": kind, "scope": "" if scope is None else scope.code},
        )

    def undo_batch(self, actor: Actor, batch_id: int) -> None:
        """Mark an import undone: its records stop counting, exactly restoring the state before."""

        def undo(con) -> None:
            # A boolean, not the TIMESTAMPTZ itself: fetching that needs pytz.
            row = con.execute(
                "SELECT undone_at IS NOT NULL FROM batches WHERE id = $id", {"id": batch_id}
            ).fetchone()
            if row is None:
                raise CodedError("batch_unknown", batch=batch_id)
            if row[0]:
                raise CodedError("batch_already_undone", batch=batch_id)
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
        found = frame(con, cls._SAME_FILE_SQL, params)
        if found.height == 0:
            return
        row = found.row(0, named=True)
        raise CodedError(
            "import_already_imported",
            kind=kind,
            file=file_name or "",
            batch=row["id"],
            earlier=row["file_name"] or "",
            session=session_id,
            when=row["created_at"],
            who=row["username"],
        )

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
