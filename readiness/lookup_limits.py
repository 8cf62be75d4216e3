"""The hourly limit on checking NIKs against other villages, per account, and its audit rows.

Every upload, dry run or kecamatan-file part checked by an account asks whether its NIKs are
registered in another village. That answer tells who is a linmas where, so each check is
audited (how many NIKs, never which) and an account other than the admin may check at most
``nik_checks_per_hour`` NIKs in any hour. Checking the same rows again (a page re-run, a
column mapping changed back) is neither audited nor counted again: the rows are recognised by
a key made with a secret of this process, so the audit log holds nothing a NIK can be guessed
from. A new process counts a repeated check once more, which only errs on the strict side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Iterable

import polars as pl

from readiness import formatting as fmt
from readiness.db import Actor, Store, now_wib
from readiness.file_formats import RosterFileError
from readiness.messages import text

WINDOW = dt.timedelta(hours=1)
_KEY = secrets.token_bytes(32)
# Check, look up and record as one step per process, so parallel checks of one account
# cannot both fit into the same remaining budget.
_claim_lock = threading.Lock()


def lookup_key(desa_code: str, niks: Iterable[str]) -> str:
    """A keyed digest of the checked set: equal for the same rows, meaningless without the
    process's secret."""
    body = desa_code + "|" + ",".join(sorted(niks))
    return hmac.new(_KEY, body.encode(), hashlib.sha256).hexdigest()[:32]


def _exempt(actor: Actor) -> bool:
    """The admin (and the server's own CLI identity) may read every NIK anyway."""
    return actor.role == "admin"


def _refusal(limit: int, used: int, count: int, retry_at: dt.datetime | None) -> RosterFileError:
    if retry_at is None:
        msg = text("nik_checks_too_many", count=fmt.number(count), limit=fmt.number(limit))
    else:
        msg = text(
            "nik_checks_limit_reached",
            count=fmt.number(count),
            limit=fmt.number(limit),
            used=fmt.number(used),
            retry_at=fmt.timestamp(retry_at),
        )
    return RosterFileError("nik_checks_limited", msg)


def _retry_at(counted: pl.DataFrame, used: int, count: int, limit: int) -> dt.datetime | None:
    """When enough of the hour's checks have aged out for ``count`` more (None: never)."""
    if count > limit:
        return None
    freed = used
    for row in counted.iter_rows(named=True):  # oldest first; one row per check, a few dozen
        freed -= row["checked"]
        if freed + count <= limit:
            return row["logged_at"] + WINDOW
    return None  # unreachable while used + count > limit


def checked_lookup(
    store: Store,
    viewer: Actor,
    desa_code: str,
    niks: list[str],
    look_up: Callable[[list[str]], pl.DataFrame],
    *,
    file_name: str,
) -> pl.DataFrame:
    """``look_up(niks)`` (the other villages holding them) within the viewer's hourly limit.

    Raises ``RosterFileError`` (code ``nik_checks_limited``: the file is refused whole) when
    the limit would be passed: nothing is looked up and the refusal is audited once. Otherwise the check is audited with the
    count of NIKs checked and found.
    """
    key = lookup_key(desa_code, niks)
    limit = store.settings.nik_checks_per_hour
    with _claim_lock:
        now = now_wib()
        past = store.nik_lookups_since(viewer.username, now - WINDOW)
        before = past.filter(pl.col("key") == key)
        counted = past.filter(~pl.col("refused")).unique("key", keep="first", maintain_order=True)
        used = int(counted["checked"].sum())
        over = not _exempt(viewer) and used + len(niks) > limit
        if before.height and not before["refused"].to_list()[-1]:
            return look_up(niks)  # the same rows again: already audited and counted
        if over:
            if not before.height:
                store.record_event(
                    viewer, "roster.nik_lookup_refused", desa_code,
                    file_name=file_name, checked=len(niks), key=key, used=used, limit=limit,
                )  # fmt: skip
            raise _refusal(limit, used, len(niks), _retry_at(counted, used, len(niks), limit))
        clash = look_up(niks)
        store.record_event(
            viewer, "roster.nik_lookup", desa_code,
            file_name=file_name, checked=len(niks), found=clash.height, key=key,
        )  # fmt: skip
        return clash
