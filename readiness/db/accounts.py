"""Accounts: users with roles scoped to a region, login state, operator contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from readiness.db.core import Actor, ArrowStream, now_wib, scoped
from readiness.errors import CodedError
from readiness.scope import Scope


class AccountStore:
    """The users table: accounts, password hashes, login counters."""

    def user_record(self, username: str) -> dict[str, Any] | None:
        """One account with its password hash (for login only; never shown), or None."""
        frame = self.read(
            "SELECT * FROM users WHERE username = $u",
            {"u": username},
        )
        return frame.row(0, named=True) if frame.height else None

    def users(self, actor: Actor) -> pl.DataFrame:
        """Every account without password hashes, with its region's name.

        ``actor``: who asks (the caller has checked the ``manage_users`` permission).
        """
        return self.read(
            """SELECT u.username, u.full_name, u.role, u.region_code, r.name AS region_name,
                      u.phone, u.must_change_password, u.disabled, u.failed_attempts,
                      u.locked_until, u.created_at, u.last_login_at
               FROM users u LEFT JOIN regions r ON r.code = u.region_code
               ORDER BY u.region_code, u.username"""
        )

    def add_users(
        self,
        actor: Actor,
        accounts: pl.DataFrame,
        *,
        action: str = "user.add",
        target: str | None = None,
    ) -> int:
        """Insert accounts (username, full_name, role, region_code, password_hash, phone,
        must_change_password); an existing username aborts the whole batch.

        ``target``: the audit row's target (default: the one username, or how many accounts).
        """
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
            con.register("staged_users", ArrowStream(staged))
            taken = con.execute(
                "SELECT min(username) FROM users WHERE username IN "
                "(SELECT username FROM staged_users)"
            ).fetchall()[0][0]
            if taken is not None:
                con.unregister("staged_users")
                raise CodedError("user_exists", username=taken)
            con.execute(
                """INSERT INTO users (username, full_name, role, region_code, password_hash, phone,
                       must_change_password, created_at)
                   SELECT username, full_name, role, region_code, password_hash, phone,
                       must_change_password, $at FROM staged_users""",
                {"at": now_wib()},
            )
            con.unregister("staged_users")
            return staged.height

        if target is None:
            target = staged["username"][0] if staged.height == 1 else str(staged.height)
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
            "login_claimed_until",
        }
    )

    def update_user(
        self,
        actor: Actor,
        username: str,
        action: str,
        *,
        audit: dict | None = None,
        new_credentials: bool = False,
        **fields,
    ) -> None:
        """Set some columns of one account (names from a fixed allow-list) with an audit row.

        Any actor may change its own account (password, login state); other accounts need
        ``manage_users``. ``audit`` adds detail to the audit row (never a password or hash).
        ``new_credentials`` raises the credential version: sessions begun before are over.
        """
        unknown = set(fields) - self._USER_FIELDS
        if unknown or not fields:
            msg = f"unknown user fields {sorted(unknown)}"
            raise ValueError(msg)
        assignments = ", ".join(f"{name} = ${name}" for name in sorted(fields))
        if new_credentials:
            assignments += ", credential_version = coalesce(credential_version, 0) + 1"

        def update(con) -> None:
            found = con.execute(
                f"UPDATE users SET {assignments} WHERE username = $username RETURNING username",
                {**fields, "username": username},
            ).fetchall()
            if not found:
                raise CodedError("user_unknown", username=username)

        self.write(actor, action, username, update, **(audit or {}))

    def claim_login_attempt(
        self,
        username: str,
        *,
        now: dt.datetime,
        max_attempts: int,
        lock_until: dt.datetime,
        claim_until: dt.datetime,
        role: str | None,
    ) -> str | None:
        """Count one login attempt before its password is verified, in one transaction.

        The attempt is counted as failed until the login succeeds (which clears the count), so
        parallel guesses cannot outrun the lock: the ``max_attempts``-th attempt sets the lock
        and no later one is verified. While one attempt holds the claim (until ``claim_until``
        at most) another is counted but not verified. Returns None when this attempt may verify
        the password, else why not: "locked" or "busy".
        """
        actor = Actor(username, role or "-", Scope("-"))

        def claim(con) -> str | None:
            state = con.execute(
                """SELECT coalesce(locked_until > $now, FALSE),
                          coalesce(login_claimed_until > $now, FALSE)
                   FROM users WHERE username = $u""",
                {"u": username, "now": now},
            ).fetchall()
            if not state or state[0][0]:
                return "locked"
            busy = bool(state[0][1])
            con.execute(
                """UPDATE users SET
                       locked_until = CASE WHEN failed_attempts + 1 >= $max THEN $until
                                      ELSE locked_until END,
                       failed_attempts = CASE WHEN failed_attempts + 1 >= $max THEN 0
                                         ELSE failed_attempts + 1 END,
                       login_claimed_until = CASE WHEN $busy THEN login_claimed_until
                                             ELSE $claim_until END
                   WHERE username = $u""",
                {
                    "u": username,
                    "max": max_attempts,
                    "until": lock_until,
                    "busy": busy,
                    "claim_until": claim_until,
                },
            )
            return "busy" if busy else None

        return self.write(actor, "auth.login_attempt", username, claim)

    def release_login_claim(self, username: str, *, role: str | None, action: str, **detail):
        """End a granted attempt that failed (wrong password, disabled) with its audit row."""
        actor = Actor(username, role or "-", Scope("-"))

        def release(con) -> None:
            con.execute(
                "UPDATE users SET login_claimed_until = NULL WHERE username = $u",
                {"u": username},
            )

        self.write(actor, action, username, release, **detail)

    def record_event(self, actor: Actor, action: str, target: str, **detail) -> None:
        """An audit row without a data change (login, logout, unmasked export, ...)."""
        self.write(actor, action, target, lambda con: None, **detail)

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
