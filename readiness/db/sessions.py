"""Login sessions: a random token's hash per browser, so a login survives a reload.

The browser holds only the token (a cookie); the table holds its SHA-256 hash, the account,
when the session began and was last used, and the account's credential version at login (a
password change ends every older session). A session is never audited per use: only its
start and end are (``auth.login`` / ``auth.logout``, written by the domain layer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from readiness.db.core import now_wib, rollback_quietly


class SessionStore:
    """The sessions table: start, look up, touch and end a session by its token's hash."""

    def _session_write(self, sql: str, params: dict[str, Any]) -> None:
        # One statement in one transaction, without an audit row: a session's use is not an
        # action on data (its start and end are audited by the caller).
        self._writable()
        with self._write_lock, self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(sql, params)
                con.execute("COMMIT")
            except BaseException:
                rollback_quietly(con)
                raise

    def start_session(self, token_hash: str, username: str, credential: str) -> None:
        """Record a new session of ``username`` under its token's hash."""
        at = now_wib()
        self._session_write(
            """INSERT INTO sessions (token_hash, username, credential, created_at, last_seen_at)
               VALUES ($hash, $username, $credential, $at, $at)""",
            {"hash": token_hash, "username": username, "credential": credential, "at": at},
        )

    def session_record(self, token_hash: str) -> dict[str, Any] | None:
        """The session with its account's current state (role, region, disabled, password
        hash), or None when no open session has this hash."""
        frame = self.read(
            """SELECT s.token_hash, s.username, s.credential, s.created_at, s.last_seen_at,
                      u.full_name, u.role, u.region_code, u.disabled, u.password_hash,
                      u.must_change_password, u.username IS NOT NULL AS account_exists
               FROM sessions s LEFT JOIN users u ON u.username = s.username
               WHERE s.token_hash = $hash AND s.ended_at IS NULL""",
            {"hash": token_hash},
        )
        return frame.row(0, named=True) if frame.height else None

    def touch_session(self, token_hash: str, at: dt.datetime) -> None:
        """Mark the session used at ``at`` (the idle timeout counts from here)."""
        self._session_write(
            "UPDATE sessions SET last_seen_at = $at WHERE token_hash = $hash",
            {"hash": token_hash, "at": at},
        )

    def end_session(self, token_hash: str, reason: str) -> None:
        """Close one session (logout, timeout, revoked); its row stays as a record."""
        self._session_write(
            """UPDATE sessions SET ended_at = $at, end_reason = $reason
               WHERE token_hash = $hash AND ended_at IS NULL""",
            {"hash": token_hash, "at": now_wib(), "reason": reason},
        )

    def open_sessions(self, username: str) -> int:
        """How many sessions of ``username`` are open (not ended)."""
        frame = self.read(
            "SELECT count(*) AS n FROM sessions WHERE username = $u AND ended_at IS NULL",
            {"u": username},
        )
        return int(frame["n"][0])
