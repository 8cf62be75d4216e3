"""Accounts: argon2 passwords, login throttling, sessions, account administration.

Accounts are bound to a role and a region (``readiness.roles`` holds the five roles and the
permission table; its names are importable from here too). The domain layer
(``readiness.permissions``) checks permission before every write, never only a page; the store
trusts its caller.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from readiness.audit_labels import ACTION_LABELS  # noqa: F401  (auth.ACTION_LABELS)
from readiness.bidi import strip_bidi
from readiness.db import Actor, Store, now_wib
from readiness.errors import AccessDenied, ReadinessError
from readiness.kabupaten_regions import (
    check_kabupaten,
    default_kabupaten,
    kabupaten_code_of,
    kabupaten_name,
    not_loaded_message,
)
from readiness.messages import text
from readiness.passwords import weakness
from readiness.privacy import mask_nik

# Roles and what each may do live in readiness.roles; imported here under their old names.
from readiness.roles import (  # noqa: F401  (auth.ROLES, auth.require, ...)
    PERMISSION_LABELS,
    PERMISSIONS,
    ROLE_LABELS,
    ROLE_LEVEL,
    ROLES,
    can,
    require,
)
from readiness.scope import Scope

# OWASP's minimum argon2id profile (19 MiB, 2 passes, 1 lane): bulk creation of ~170 accounts
# stays a few seconds on a small server. Stored hashes carry their parameters, so raising these
# later rehashes each account at its next login.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_PASSWORD_LENGTH = 10
USERNAME_MAX_LENGTH = 64
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
# What the login form accepts before any lookup: account-name characters, bounded lengths.
LOGIN_NAME_PATTERN = re.compile(r"^[a-z0-9._@-]{1,64}$")
MAX_LOGIN_INPUT = 100  # typed characters, surrounding spaces included
MAX_PASSWORD_LENGTH = 256
# How long one login attempt may hold its account's claim (a verification takes ~50 ms; a
# process killed mid-login frees the account after this).
LOGIN_CLAIM_SECONDS = 10
# Letters and digits that cannot be mistaken for one another when read off paper.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _update_user(
    store: Store, actor: Actor, username: str, action: str, *, audit: dict | None = None, **fields
) -> None:
    """``Store.update_user`` after the check: one's own account is free, others need
    ``manage_users``."""
    if actor.username != username:
        require(actor, "manage_users")
    store.update_user(actor, username, action, audit=audit, **fields)


def _end_sessions_of(store: Store, actor: Actor, username: str, action: str, **fields) -> None:
    """``_update_user`` that also raises the credential version: open sessions end."""
    if actor.username != username:
        require(actor, "manage_users")
    store.update_user(actor, username, action, new_credentials=True, **fields)


def accounts_target(count: int) -> str:
    """How the audit log names a batch of new accounts: "12 akun"."""
    return f"{count} akun"


def list_users(store: Store, actor: Actor) -> pl.DataFrame:
    """Every account without password hashes, with its region's name (admin only)."""
    require(actor, "manage_users")
    return store.users(actor)


def audit_entries(store: Store, actor: Actor, **filters) -> pl.DataFrame:
    """Audit rows matching ``filters`` (see ``Store.audit_entries``), newest first (admin only)."""
    require(actor, "audit")
    return store.audit_entries(actor, **filters)


def forget_nik(store: Store, actor: Actor, nik: str) -> dict[str, int]:
    """Delete one person's NIK everywhere on request (UU 27/2022); the log keeps it masked."""
    require(actor, "forget_personal_data")
    return store.forget_nik(actor, nik, masked=mask_nik(nik))


def actor_from_record(record: dict) -> Actor:
    """The Actor of one ``users`` row: its role, scoped to its region, its credential version."""
    return Actor(
        record["username"],
        record["role"],
        Scope(record["region_code"]),
        record.get("credential_version"),
    )


# -- passwords -----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash (salt and parameters included) to store."""
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing or malformed hash never matches."""
    if not password_hash:
        _burn(password)
        return False
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """The hash an unknown account's password is verified against; made at first use, not at
    import, where every CLI process paid one argon2id hash (40 ms idle, 0.6 s on a busy box)."""
    return HASHER.hash("kesiapan-linmas-no-such-user")


def _burn(password: str) -> None:
    """Spend the time of one verification so unknown accounts answer as slowly as known ones."""
    with contextlib.suppress(VerificationError):
        HASHER.verify(_dummy_hash(), password)


def one_time_password() -> str:
    """A random password to hand out on paper: three groups of four, e.g. ``k7mq-x2ad-9fpe``."""
    return "-".join("".join(secrets.choice(_OTP_ALPHABET) for _ in range(4)) for _ in range(3))


def check_new_password(username: str, password: str) -> None:
    """Refuse a password that is short, common, sequential, repetitive or built on the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        msg = text("password_too_short", length=len(password), minimum=MIN_PASSWORD_LENGTH)
        raise ReadinessError(msg, code="password_too_short")
    reason = weakness(username, password)
    if reason:
        msg = text("password_weak", reason=reason)
        raise ReadinessError(msg, code="password_weak")


def normalize_username(username: str) -> str:
    """Usernames are lower case without surrounding spaces."""
    return username.strip().lower()


# -- accounts ------------------------------------------------------------------------------------


def check_account(store: Store, username: str, role: str, region_code: str) -> None:
    """Refuse a bad username, an unknown role, or a region at the wrong level for the role."""
    if not USERNAME_PATTERN.match(username):
        msg = text("username_invalid", username=repr(username))
        raise ReadinessError(msg, code="username_invalid")
    if role not in ROLES:
        msg = text("role_unknown", role=repr(role), roles=", ".join(ROLES))
        raise ReadinessError(msg, code="role_unknown")
    # A province head reads the berjenjang recap of every kabupaten in the file.
    province = store.settings.province_code
    if role == "pimpinan" and region_code == province and store.region_name(province):
        return
    level = ROLE_LEVEL[role]
    parts = region_code.count(".")
    wanted_parts = {"kabupaten": 1, "kecamatan": 2, "desa": 3}[level]
    # Province instance: any region of a kabupaten whose kecamatan/desa are loaded.
    missing = not_loaded_message(store, region_code) if parts == wanted_parts else None
    if missing:
        raise ReadinessError(missing, code="region_invalid")
    if parts != wanted_parts or store.region_name(region_code) is None:
        name = kabupaten_name(store, region_code) if parts else None
        kabupaten = kabupaten_code_of(region_code) if name else store.settings.kabupaten_code
        msg = text(
            "region_invalid",
            region=repr(region_code),
            role=ROLE_LABELS[role],
            level=level,
            area=name or store.settings.kabupaten_name,
            example=_example_code(level, kabupaten),
        )
        raise ReadinessError(msg, code="region_invalid")


def _check_actor_covers(actor: Actor, role: str, region_code: str, province: str) -> None:
    """An admin gives accounts only inside their own region (a province head: any admin)."""
    if actor.scope.covers(region_code) or (role == "pimpinan" and region_code == province):
        return
    own_area = actor.scope.code or "wilayah Anda"
    msg = text(
        "account_region_denied", username=actor.username, region=region_code, own_area=own_area
    )
    raise AccessDenied(msg)


def _example_code(level: str, kabupaten: str) -> str:
    return {"kabupaten": kabupaten, "kecamatan": f"{kabupaten}.06"}.get(
        level, f"{kabupaten}.06.2001"
    )


def add_user(
    store: Store,
    actor: Actor,
    username: str,
    role: str,
    region_code: str,
    *,
    full_name: str | None = None,
    phone: str | None = None,
    password: str | None = None,
) -> str:
    """Create one account; returns the one-time password (changed at first login).

    With ``password`` given (e.g. the first admin choosing their own) no change is forced.
    """
    username = normalize_username(username)
    full_name = strip_bidi(full_name)
    check_account(store, username, role, region_code)
    _check_actor_covers(actor, role, region_code, store.settings.province_code)
    chosen = password is not None
    if chosen:
        check_new_password(username, password)
    secret = password if chosen else one_time_password()
    frame = pl.DataFrame(
        {
            "username": [username],
            "full_name": [full_name or None],
            "role": [role],
            "region_code": [region_code],
            "password_hash": [hash_password(secret)],
            "phone": [phone or None],
            "must_change_password": [not chosen],
        }
    )
    require(actor, "manage_users")
    store.add_users(actor, frame)
    return secret


def create_first_admin(
    store: Store, username: str, password: str, full_name: str | None = None
) -> Actor:
    """The admin account of a new, empty database; refused once any account exists."""
    if store.count("users"):
        msg = text("first_admin_exists")
        raise ReadinessError(msg, code="first_admin_exists")
    setup = Actor("setup", "admin", Scope(store.settings.kabupaten_code))
    add_user(
        store,
        setup,
        username,
        "admin",
        store.settings.kabupaten_code,
        full_name=full_name,
        password=password,
    )
    return actor_from_record(store.user_record(normalize_username(username)))


def operator_usernames(villages: pl.DataFrame) -> pl.DataFrame:
    """One kecamatan and one desa account per region: ``kec.<code>`` and ``desa.<code>``.

    villages: kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind.
    Returns username, full_name, role, region_code, region_name.
    """
    kecamatan = villages.unique("kecamatan_code", maintain_order=True).select(
        pl.concat_str(pl.lit("kec."), "kecamatan_code").alias("username"),
        pl.concat_str(pl.lit("Operator Kecamatan "), "kecamatan_name").alias("full_name"),
        pl.lit("operator_kecamatan").alias("role"),
        pl.col("kecamatan_code").alias("region_code"),
        pl.col("kecamatan_name").alias("region_name"),
    )
    desa = villages.select(
        pl.concat_str(pl.lit("desa."), "desa_code").alias("username"),
        pl.concat_str(
            pl.lit("Operator "), pl.col("desa_kind").str.to_titlecase(), pl.lit(" "), "desa_name"
        ).alias("full_name"),
        pl.lit("operator_desa").alias("role"),
        pl.col("desa_code").alias("region_code"),
        pl.concat_str("desa_name", pl.lit(", Kec. "), "kecamatan_name").alias("region_name"),
    )
    return pl.concat([kecamatan, desa])


def bulk_create_operators(
    store: Store,
    actor: Actor,
    kabupaten_code: str | None = None,
    *,
    contacts: pl.DataFrame | None = None,
    deliver: Callable[[pl.DataFrame], Callable[[], None]] | None = None,
) -> pl.DataFrame:
    """Create every missing kecamatan and desa account with a one-time password, in one write.

    ``kabupaten_code`` (default: the actor's kabupaten, else the home one) may name any
    kabupaten whose kecamatan/desa are loaded. Returns username, full_name, role,
    region_code, region_name, password for the accounts created now (existing ones are left
    alone), to print and hand out. ``contacts`` (region_code, nama, no_hp: a checked contacts
    file) gives each new account of that region its operator's name and phone.

    ``deliver(table)`` (e.g. write the passwords file) runs before the accounts are stored and
    returns how to undo itself: when it fails nothing is created, and when storing fails the
    delivery is undone, so no account exists whose one-time password was lost.
    """
    require(actor, "manage_users")
    code = kabupaten_code or default_kabupaten(store.settings, actor.scope)
    code, _ = check_kabupaten(store, code)
    _check_actor_covers(actor, "admin", code, store.settings.province_code)
    wanted = operator_usernames(store.villages(Scope(code)))
    existing = store.users(actor)["username"]
    new = wanted.filter(~pl.col("username").is_in(existing.implode()))
    if not new.height:
        return new.with_columns(pl.lit(None, dtype=pl.String).alias("password"))
    passwords = [one_time_password() for _ in range(new.height)]
    accounts = new.with_columns(
        pl.Series("password", passwords, dtype=pl.String),
        pl.Series("password_hash", [hash_password(p) for p in passwords], dtype=pl.String),
        pl.lit(None, dtype=pl.String).alias("phone"),
        pl.lit(True).alias("must_change_password"),
    )
    if contacts is not None:  # the first contact of each region, phone first
        first = contacts.sort(pl.col("no_hp").is_null(), "row").unique("region_code", keep="first")
        accounts = (
            accounts.join(
                first.select("region_code", "nama", "no_hp"),
                on="region_code",
                how="left",
                maintain_order="left",
            )  # fmt: skip
            .with_columns(
                pl.coalesce("nama", "full_name").alias("full_name"), pl.col("no_hp").alias("phone")
            )
            .drop("nama", "no_hp")
        )
    created = accounts.select(
        "username", "full_name", "role", "region_code", "region_name", "password"
    )
    undo = deliver(created) if deliver is not None else None
    try:
        store.add_users(
            actor, accounts, action="user.bulk_add", target=accounts_target(accounts.height)
        )
    except BaseException:
        if undo is not None:
            undo()
        raise
    return created


def table_xlsx(table: pl.DataFrame, *, title: str) -> bytes:
    """One sheet of ``table`` as XLSX bytes (the one safe writer: formula-like text inert)."""
    from readiness import spreadsheet

    return spreadsheet.xlsx_bytes({title: table})


AUDIT_FIELD_MAX = 200  # characters of a name, target or detail shown before "…"
AUDIT_PAGE_SIZE = 200


def _cut(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String)
    return (
        pl.when(text.str.len_chars() > AUDIT_FIELD_MAX)
        .then(text.str.slice(0, AUDIT_FIELD_MAX) + pl.lit("…"))
        .otherwise(text)
        .alias(column)
    )


def audit_page(entries: pl.DataFrame, page: int, size: int = AUDIT_PAGE_SIZE) -> pl.DataFrame:
    """Rows of page ``page`` (1-based) of ``entries`` (newest first)."""
    return entries.slice((max(page, 1) - 1) * size, size)


def audit_table(entries: pl.DataFrame) -> pl.DataFrame:
    """Audit rows as people read them: WIB time, Indonesian headers, role labels.

    Long names, targets and details are cut to ``AUDIT_FIELD_MAX`` characters.
    """
    from readiness import formatting as fmt

    entries = entries.with_columns(_cut(c) for c in ("username", "target", "detail", "role"))
    return entries.select(
        pl.col("id").alias("No."),
        pl.col("logged_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Waktu"),
        pl.col("username").alias("Pengguna"),
        pl.col("role").replace_strict(ROLE_LABELS, default=pl.col("role")).alias("Peran"),
        pl.col("action").replace_strict(ACTION_LABELS, default=pl.col("action")).alias("Tindakan"),
        pl.col("action").alias("Kode"),
        pl.col("target").alias("Sasaran"),
        pl.col("detail").alias("Rincian"),
    )


def users_table(users: pl.DataFrame, *, now: dt.datetime | None = None) -> pl.DataFrame:
    """Accounts as the Akun page lists them (no hashes ever leave storage)."""
    from readiness import formatting as fmt

    now = now or now_wib()
    return users.select(
        pl.col("username").alias("Nama pengguna"),
        pl.col("full_name").alias("Nama"),
        pl.col("role").replace_strict(ROLE_LABELS, default=pl.col("role")).alias("Peran"),
        pl.concat_str("region_code", pl.lit(" "), pl.col("region_name").fill_null("")).alias(
            "Wilayah"
        ),
        pl.when(pl.col("disabled"))
        .then(pl.lit("Nonaktif"))
        .when(pl.col("locked_until").dt.epoch("us") > int(now.timestamp() * 1_000_000))
        .then(pl.lit("Terkunci"))
        .when(pl.col("must_change_password"))
        .then(pl.lit("Belum mengganti sandi"))
        .otherwise(pl.lit("Aktif"))
        .alias("Status"),
        pl.col("last_login_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Masuk terakhir"),
    )


def credentials_xlsx(accounts: pl.DataFrame, *, title: str) -> bytes:
    """The one-time passwords as an XLSX to print and hand out (keep it like a key)."""
    table = accounts.select(
        pl.col("region_name").alias("Wilayah"),
        pl.col("region_code").alias("Kode wilayah"),
        pl.col("role").replace_strict(ROLE_LABELS, default=pl.col("role")).alias("Peran"),
        pl.col("username").alias("Nama pengguna"),
        pl.col("password").alias("Kata sandi sekali pakai"),
    )
    return table_xlsx(table, title=title)


def reset_password(store: Store, actor: Actor, username: str) -> str:
    """A new one-time password for an account; its lock and failure count are cleared."""
    username = normalize_username(username)
    secret = one_time_password()
    _end_sessions_of(
        store,
        actor,
        username,
        "user.reset_password",
        password_hash=hash_password(secret),
        must_change_password=True,
        failed_attempts=0,
        locked_until=None,
    )
    return secret


def set_disabled(store: Store, actor: Actor, username: str, *, disabled: bool) -> None:
    """Disable (or enable again) an account; a disabled account cannot log in."""
    username = normalize_username(username)
    if disabled and username == actor.username:
        msg = text("disable_self")
        raise ReadinessError(msg, code="disable_self")
    action = "user.disable" if disabled else "user.enable"
    if disabled:
        _end_sessions_of(store, actor, username, action, disabled=True)
    else:
        _update_user(store, actor, username, action, disabled=False)


def change_password(store: Store, actor: Actor, current: str, new: str) -> None:
    """The account owner replaces their password (forced after a one-time password)."""
    record = store.user_record(actor.username)
    if record is None or not verify_password(record["password_hash"], current):
        msg = text("password_wrong")
        raise ReadinessError(msg, code="password_wrong")
    check_new_password(actor.username, new)
    if new == current:
        msg = text("password_unchanged")
        raise ReadinessError(msg, code="password_unchanged")
    _update_user(
        store,
        actor,
        actor.username,
        "auth.password_change",
        password_hash=hash_password(new),
        must_change_password=False,
    )


# -- login ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    """A successful login: who, and whether the password must be changed first."""

    actor: Actor
    full_name: str | None
    must_change_password: bool


def _login_failed(settings) -> ReadinessError:
    """The one answer to every failed login: unknown name, wrong password, locked or disabled."""
    msg = text(
        "login_failed",
        max_attempts=settings.login_max_attempts,
        lockout_minutes=settings.lockout_minutes,
    )
    return ReadinessError(msg, code="login_failed")


def check_login_input(username: str, password: str) -> str:
    """The normalised name, or a refusal (nothing looked up, nothing written) for bad input.

    A name longer than an account name can be, or with characters no account name has, and an
    over-long password are refused before any lookup or audit row.
    """
    name = normalize_username(username)
    if len(username) > MAX_LOGIN_INPUT or not LOGIN_NAME_PATTERN.match(name):
        msg = text("login_name_invalid", max_length=USERNAME_MAX_LENGTH)
        raise ReadinessError(msg, code="login_input_invalid")
    if len(password) > MAX_PASSWORD_LENGTH:
        msg = text("login_password_too_long", max_length=MAX_PASSWORD_LENGTH)
        raise ReadinessError(msg, code="login_input_invalid")
    return name


class _UnknownNameCounter:
    """Failed logins for names without an account: one audit row per minute at most.

    The typed name is never echoed into the log (anyone can type anything there); the row
    carries how many such failures happened since the previous row of this process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[dt.datetime, int]] = {}  # database -> (minute, pending)

    def count(self, database: str, now: dt.datetime) -> int | None:
        """The count to audit now, or None while this minute already has its row."""
        minute = now.replace(second=0, microsecond=0)
        with self._lock:
            last, pending = self._state.get(database, (None, 0))
            if last == minute:
                self._state[database] = (minute, pending + 1)
                return None
            self._state[database] = (minute, 0)
            return pending + 1


_unknown_names = _UnknownNameCounter()


def login(store: Store, username: str, password: str, *, now: dt.datetime | None = None) -> Login:
    """Check a username and password; count failures and lock the account after too many.

    Every failure (unknown name, wrong password, locked, disabled) gets the same answer after
    one password verification, so the form reveals neither which accounts exist nor their state.
    Failures of known accounts are audited one by one; unknown names at most once a minute.
    """
    settings = store.settings
    now = now or now_wib()
    username = check_login_input(username, password)
    record = store.user_record(username)
    if record is None:
        _burn(password)
        count = _unknown_names.count(str(store.path), now)
        if count is not None:
            store.record_event(
                Actor("-", "-", Scope("-")), "auth.login_failed", "-",
                reason="unknown_name", count=count,
            )  # fmt: skip
        raise _login_failed(settings)
    refused = store.claim_login_attempt(
        username,
        now=now,
        max_attempts=settings.login_max_attempts,
        lock_until=now + dt.timedelta(minutes=settings.lockout_minutes),
        claim_until=now + dt.timedelta(seconds=LOGIN_CLAIM_SECONDS),
        role=record["role"],
    )
    if refused is not None:  # locked, or another attempt is verifying this account right now
        _burn(password)
        store.record_event(
            actor_from_record(record), "auth.login_refused", username, reason=refused
        )
        raise _login_failed(settings)
    if not verify_password(record["password_hash"], password):
        store.release_login_claim(username, role=record["role"], action="auth.login_failed")
        raise _login_failed(settings)
    if record["disabled"]:
        store.release_login_claim(
            username, role=record["role"], action="auth.login_refused", reason="disabled"
        )
        raise _login_failed(settings)
    actor = actor_from_record(record)
    fields: dict = {
        "failed_attempts": 0,
        "locked_until": None,
        "last_login_at": now,
        "login_claimed_until": None,
    }
    if HASHER.check_needs_rehash(record["password_hash"]):
        fields["password_hash"] = hash_password(password)
    _update_user(store, actor, username, "auth.login", audit={"method": "password"}, **fields)
    return Login(actor, record["full_name"], bool(record["must_change_password"]))


def login_identity(store: Store, email: str | None, *, now: dt.datetime | None = None) -> Login:
    """An OIDC login (st.login): the identity's e-mail must be an enabled account's username."""
    username = normalize_username(email or "")
    record = store.user_record(username) if username else None
    if record is None or record["disabled"]:
        store.record_event(
            Actor(username or "-", "-", Scope("-")), "auth.login_refused", username or "-"
        )
        msg = text("identity_unknown", email=email or "(tanpa e-mail)")
        raise ReadinessError(msg, code="identity_unknown")
    actor = actor_from_record(record)
    _update_user(
        store,
        actor,
        username,
        "auth.login",
        audit={"method": "oidc"},
        last_login_at=now or now_wib(),
    )
    return Login(actor, record["full_name"], False)


def session_still_valid(store: Store, actor: Actor) -> bool:
    """False when the session's account was disabled, its password reset, or its role or
    region changed since the session began; checked before every action of a session.

    The credential version the actor carries (from its login) must still be the account's;
    a reset or a disable raises it. Sessions of actors without an account row (tests, the
    server itself) and actors made without a version stay valid.
    """
    record = store.user_record(actor.username)
    if record is None:
        return True
    return (
        not record["disabled"]
        and record["role"] == actor.role
        and record["region_code"] == actor.scope.code
        and (
            actor.credential_version is None
            or record.get("credential_version") == actor.credential_version
        )
    )


def logout(store: Store, actor: Actor, *, reason: str = "logout") -> None:
    """Record the end of a session: ``logout`` (button), ``timeout`` or ``revoked``."""
    action = {"logout": "auth.logout", "timeout": "auth.timeout"}.get(reason, "auth.revoked")
    store.record_event(actor, action, actor.username)
