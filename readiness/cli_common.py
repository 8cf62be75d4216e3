"""What every CLI command shares: the acting account, the store, JSON output, exit codes."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
from pathlib import Path

from readiness.config import database_path, load_settings
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope
from readiness.storage import Actor, Store

log = logging.getLogger("readiness")

EXIT_OK, EXIT_ERROR, EXIT_FILE_REJECTED = 0, 1, 2


def cli_actor() -> Actor:
    """The CLI runs on the server itself, as the operating-system user, with full scope.

    With ``--user NAME`` it acts as that account instead (issue 8: role and region apply).
    """
    if _account_actor is not None:
        return _account_actor
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "server"
    return Actor(f"cli:{user}", "admin", Scope(""))


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--db`` / ``READINESS_DB``, created and migrated when new.

    A demo database brings its own election dates (see :func:`readiness.demo.with_demo_election`).
    """
    from readiness.demo import with_demo_election

    return with_demo_election(Store.open(database_path(getattr(args, "db", None)), load_settings()))


def read_input_file(path: Path) -> bytes:
    """The bytes of a file named on the command line, or a clear message why not."""
    try:
        return path.read_bytes()
    except OSError as error:
        msg = f"Berkas {path} tidak dapat dibuka: {error.strerror}."
        raise ReadinessError(msg, code="file_unreadable") from None


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
        msg = f"Akun {name} tidak ada atau dinonaktifkan. Lihat `user list`."
        raise ReadinessError(msg, code="user_unknown")
    _account_actor = auth.actor_from_record(record)


def cli_scope(store: Store, requested: str | None) -> Scope:
    """The region a command reads: ``requested`` if the acting account covers it."""
    actor = cli_actor()
    if not requested:
        return actor.scope
    if not actor.scope.covers(requested):
        msg = (
            f"Akun {actor.username} tidak berwenang atas wilayah {requested}. "
            "Pilih wilayah Anda sendiri."
        )
        raise AccessDenied(msg)
    return Scope(requested)


# -- every loaded kabupaten of a province instance (issue 9) ------------------------------------

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
