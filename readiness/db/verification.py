"""Verification: the kecamatan's word on a desa's newest roster upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from readiness.db.core import Actor, now_wib
from readiness.errors import CodedError


class VerificationStore:
    """Review state of roster uploads."""

    def submission_desa(self, submission_id: int) -> str | None:
        """The desa code of one upload, or None when there is no such upload."""
        found = self.read("SELECT desa_code FROM submissions WHERE id = $id", {"id": submission_id})
        return found["desa_code"][0] if found.height else None

    def review_submission(
        self,
        actor: Actor,
        submission_id: int,
        status: str,
        note: str | None,
        *,
        reviewed_at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """The kecamatan's word on a desa's newest upload: terverifikasi or dikembalikan + note.

        The caller has checked that ``actor`` may verify and that the upload's desa
        (``submission_desa``) lies in the actor's scope.
        """
        if status not in ("terverifikasi", "dikembalikan"):
            msg = f"status {status!r} must be terverifikasi or dikembalikan"
            raise ValueError(msg)
        note = (note or "").strip() or None
        if status == "dikembalikan" and note is None:
            raise CodedError("review_note_missing")
        found = self.read(
            "SELECT id, desa_code, version FROM submissions WHERE id = $id", {"id": submission_id}
        )
        if not found.height:
            raise CodedError("submission_not_in_scope", submission=submission_id)
        desa_code, version = found["desa_code"][0], int(found["version"][0])

        def review(con) -> dict[str, Any]:
            newest = con.execute(
                "SELECT max(version) FROM submissions WHERE desa_code = $d", {"d": desa_code}
            ).fetchall()[0][0]
            if newest != version:
                raise CodedError("review_outdated", newest=newest, version=version)
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
