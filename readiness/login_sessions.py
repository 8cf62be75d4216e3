"""Sessions that survive a reload: a random token in a cookie, its hash in the database.

The browser keeps only ``COOKIE_NAME`` = a 256-bit random token. The server keeps the token's
SHA-256 (``db.sessions``), so a copy of the database opens no session. Every page run checks
the session on the server and ends it at that run when one of these holds:

- ``timeout``: unused for longer than ``[auth] session_timeout_minutes``;
- ``revoked``: the account was disabled, deleted, or its role or region changed;
- ``password_changed``: the account's password changed after the login (a reset by the
  admin or a change on another device), seen as a different credential version.

Use is recorded at most once a minute (``TOUCH_EVERY``), so the idle timeout is exact to a
minute and an ordinary click costs no write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from readiness.db import Actor, Store
from readiness.scope import Scope

COOKIE_NAME = "kesiapan_sesi"
# The cookie outlives a closed tab; the server's idle timeout decides when the session ends.
COOKIE_MAX_AGE_SECONDS = 7 * 24 * 3600
TOUCH_EVERY = dt.timedelta(minutes=1)
TOKEN_PATTERN_LENGTH = 43  # secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 of a session token, as stored (the token itself never is)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def credential_version(password_hash: str | None) -> str:
    """A short fingerprint of the account's password hash: it changes with the password.

    >>> credential_version("a") == credential_version("a"), credential_version("a") == credential_version("b")
    (True, False)
    """
    return hashlib.sha256((password_hash or "").encode("utf-8")).hexdigest()[:32]


def well_formed(token: object) -> bool:
    """Whether a cookie value can be a token this server issued (anything else is ignored)."""
    return (
        isinstance(token, str)
        and len(token) == TOKEN_PATTERN_LENGTH
        and all(c.isalnum() or c in "-_" for c in token)
    )


@dataclass(frozen=True)
class Resumed:
    """The outcome of checking a session token: the login, or why there is none.

    ``reason`` is None for an unknown or already-ended token (nothing to tell the user).
    """

    actor: Actor | None
    full_name: str | None = None
    must_change_password: bool = False
    reason: str | None = None


def start(store: Store, actor: Actor) -> str:
    """Open a session for ``actor`` (after a checked login) and return its new token."""
    record = store.user_record(actor.username)
    token = secrets.token_urlsafe(32)
    credential = credential_version(record["password_hash"] if record else None)
    store.start_session(token_hash(token), actor.username, credential)
    return token


def _end_reason(record: dict, now: dt.datetime, timeout_minutes: int) -> str | None:
    if not record["account_exists"] or record["disabled"]:
        return "revoked"
    if record["credential"] != credential_version(record["password_hash"]):
        return "password_changed"
    if now - record["last_seen_at"] > dt.timedelta(minutes=timeout_minutes):
        return "timeout"
    return None


def resume(store: Store, token: object, now: dt.datetime, timeout_minutes: int) -> Resumed:
    """Check a token against the server: the session's login, or the reason it just ended.

    A session that must end is ended here (and its end audited), so it never comes back.
    """
    if not well_formed(token):
        return Resumed(None)
    hashed = token_hash(token)
    record = store.session_record(hashed)
    if record is None:
        return Resumed(None)
    actor = Actor(record["username"], record["role"] or "-", Scope(record["region_code"] or "-"))
    reason = _end_reason(record, now, timeout_minutes)
    if reason is not None:
        end(store, token, actor, reason)
        return Resumed(None, reason=reason)
    if now - record["last_seen_at"] >= TOUCH_EVERY:
        store.touch_session(hashed, now)
    return Resumed(actor, record["full_name"], bool(record["must_change_password"]))


def end(store: Store, token: str, actor: Actor, reason: str) -> None:
    """Close the session of ``token`` and audit its end (logout, timeout, revoked, ...)."""
    store.end_session(token_hash(token), reason)
    action = {"logout": "auth.logout", "timeout": "auth.timeout"}.get(reason, "auth.revoked")
    store.record_event(actor, action, actor.username, reason=reason)
