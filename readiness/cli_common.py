"""What every CLI command shares: the acting account, the store, JSON output, exit codes."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import re
import stat
from pathlib import Path

from readiness import store_open
from readiness.config import database_path, load_settings
from readiness.db import Actor, Store
from readiness.errors import AccessDenied, ReadinessError
from readiness.messages import text
from readiness.scope import Scope

log = logging.getLogger("readiness")

EXIT_OK, EXIT_ERROR, EXIT_FILE_REJECTED = 0, 1, 2


def cli_actor() -> Actor:
    """The CLI runs on the server itself, as the operating-system user, with full scope.

    With ``--user NAME`` it acts as that account instead (role and region apply).
    """
    if _account_actor is not None:
        return _account_actor
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "server"
    return Actor(f"cli:{user}", "admin", Scope(""))


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--db`` / ``READINESS_DB``, created and migrated when new (0600).

    A demo database brings its own election dates (see :func:`readiness.demo.with_demo_election`).
    A read command (``read_only``, set by ``cli.mark_read_commands``) opens an existing file
    read-only.
    """
    from readiness.demo import with_demo_election
    from readiness.private_files import make_private

    store = store_open.open_store(
        database_path(getattr(args, "db", None)),
        load_settings(),
        read_only=getattr(args, "read_only", False),
    )
    make_private(store.path)
    return with_demo_election(store)


# Files named on the command line: checked by size before a single byte is read.
INPUT_MAX_BYTES = 64 * 1024 * 1024


def read_input_file(path: Path, *, max_bytes: int = INPUT_MAX_BYTES) -> bytes:
    """The bytes of a regular file named on the command line, or a clear message why not.

    The size is checked first (``stat``), so a huge file or a device is never read whole.
    """
    from readiness import formatting as fmt

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            msg = text("file_not_regular", path=path)
            raise ReadinessError(msg, code="file_not_regular")
        if info.st_size > max_bytes:
            msg = text(
                "cli_file_too_large",
                path=path,
                size=fmt.number(info.st_size // (1024 * 1024)),
                limit=fmt.number(max_bytes // (1024 * 1024)),
            )
            raise ReadinessError(msg, code="file_too_large")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)  # a file grown since stat: the reader refuses it
    except OSError as error:
        msg = text("input_file_unopenable", path=path, reason=error.strerror)
        raise ReadinessError(msg, code="file_unreadable") from None


def write_output(out: Path, data: bytes) -> None:
    """Write a file a command produces: whole or not at all (temp name, then rename)."""
    partial = out.with_name(out.name + ".sebagian")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(out)  # a scheduled reader never sees half a file
    except OSError as error:
        msg = text("export_unwritable", path=out, reason=error.strerror)
        raise ReadinessError(msg, code="export_unwritable") from None


def print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# Set by ``--user NAME``: the CLI then acts as that account (its role and region), not as admin.
_account_actor: Actor | None = None


def use_account(args: argparse.Namespace) -> None:
    """Scope this command to the account named by ``--user`` (refused when unknown/disabled)."""
    global _account_actor
    _account_actor = None
    name = getattr(args, "user", None)
    if not name:
        return
    from readiness import auth

    record = open_store(args).user_record(auth.normalize_username(name))
    if record is None or record["disabled"]:
        msg = text("cli_user_unknown", name=name)
        raise ReadinessError(msg, code="user_unknown")
    _account_actor = auth.actor_from_record(record)


KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")


def check_kecamatan(store: Store, code: str) -> Scope:
    """The scope of a known kecamatan code, or a refusal naming the code and the form wanted."""
    if not KECAMATAN_CODE.match(code or "") or store.region_name(code) is None:
        from readiness.kabupaten_regions import kabupaten_name

        where = kabupaten_name(store, code[:5]) if KECAMATAN_CODE.match(code or "") else None
        msg = text("kecamatan_code_unknown", code=code, area=where or store.settings.kabupaten_name)
        raise ReadinessError(msg, code="kecamatan_unknown")
    return Scope(code)


def cli_scope(store: Store, requested: str | None) -> Scope:
    """The region a command reads: ``requested`` if the acting account covers it."""
    actor = cli_actor()
    if not requested:
        return actor.scope
    if not actor.scope.covers(requested):
        msg = text("region_not_permitted", username=actor.username, region=requested)
        raise AccessDenied(msg)
    return Scope(requested)


# -- every loaded kabupaten of a province instance ----------------------------------------------

KABUPATEN_HELP = "kode kabupaten yang wilayahnya dimuat, mis. 17.05 (bawaan: kabupaten akun)"


def tps_kabupaten(store: Store, args: argparse.Namespace) -> str:
    """The kabupaten a TPS file is matched to: ``--kabupaten``, else the account's or home one."""
    from readiness.kabupaten_regions import default_kabupaten

    return args.kabupaten or default_kabupaten(store.settings, cli_actor().scope)


def own_kabupaten(store: Store, scope: Scope) -> dict:
    """A recap of a kabupaten (or part of one) names that kabupaten, not the home one."""
    from readiness.kabupaten_regions import kabupaten_code_of, kabupaten_name

    name = kabupaten_name(store, scope.code) if scope.code.count(".") else None
    if name is None:
        return {}
    return {"kabupaten_code": kabupaten_code_of(scope.code), "kabupaten_name": name}


def kabupaten_label(store: Store, scope: Scope) -> str:
    from readiness.kabupaten_regions import kabupaten_name

    return kabupaten_name(store, scope.code) or store.settings.kabupaten_name


# -- end of every loaded kabupaten --------------------------------------------------------------
