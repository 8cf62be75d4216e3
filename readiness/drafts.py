"""Upload drafts: a checked file and its in-place fixes, kept on the server until saved.

A village clerk on a weak phone signal loses nothing to a reload, a dropped connection or a
login on another device: the file as read, its column mapping, each fix ("Periksa ulang" or
the grid) and each row passed over are kept per account and desa (``Store.keep_draft``), and
:func:`restore` rebuilds the very table the verdict was computed from, so checking it again
gives the same verdict. An account reads and writes only its own drafts, within its region.
Drafts older than ``[upload] draft_days`` are dropped whenever drafts are read or written.
Saving deletes the draft in the save's own transaction (:func:`save`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, replace

import polars as pl

from readiness import auth, intake, roster
from readiness.db import Actor, Store, now_wib
from readiness.ingest import RawTable
from readiness.permissions import check_permission, check_scope
from readiness.roster import CheckedRoster, UploadWork

log = logging.getLogger(__name__)
_DTYPES = {"int": pl.Int64, "str": pl.String}


@dataclass(frozen=True)
class Draft:
    """One kept draft: the file's table with every fix applied, and the rows passed over."""

    desa_code: str
    file_name: str
    work: UploadWork
    skipped: frozenset[int]
    created_at: dt.datetime
    updated_at: dt.datetime


def _frame_json(frame: pl.DataFrame) -> dict:
    schema = {
        name: ("int" if dtype.is_integer() else "str") for name, dtype in frame.schema.items()
    }
    rows = frame.cast({n: pl.String for n, kind in schema.items() if kind == "str"}).rows()
    return {"schema": schema, "rows": rows}


def _frame_from(data: dict) -> pl.DataFrame:
    schema = {name: _DTYPES[kind] for name, kind in data["schema"].items()}
    return pl.DataFrame(data["rows"], schema=schema, orient="row")


def table_json(raw: RawTable) -> str:
    """The table as read, as JSON text: rows (all text, ``_row`` a number) and what was found."""
    return json.dumps(
        {
            "frame": _frame_json(raw.frame),
            "detected": raw.detected,
            "skipped": _frame_json(raw.skipped),
            "notes": _frame_json(raw.notes),
            "altered_digits": _frame_json(raw.altered_digits),
        },
        ensure_ascii=False,
        default=str,
    )


def table_from_json(text: str) -> RawTable:
    """The inverse of :func:`table_json`."""
    data = json.loads(text)
    return RawTable(
        frame=_frame_from(data["frame"]),
        detected=data["detected"],
        skipped=_frame_from(data["skipped"]),
        notes=_frame_from(data["notes"]),
        altered_digits=_frame_from(data["altered_digits"]),
    )


def _patch(raw: RawTable, edited) -> pl.DataFrame:
    """The rows of an editor's (or the stacked form's) frame that ``apply_edits`` uses."""
    if not isinstance(edited, pl.DataFrame):
        edited = pl.from_pandas(edited)
    columns = [c for c in raw.frame.columns if c in edited.columns and c != "_row"]
    return edited.select(
        pl.col("_row").cast(pl.Int64), *(pl.col(c).cast(pl.String) for c in columns)
    )


def _expired(store: Store, now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=store.settings.draft_days)


def _allowed(actor: Actor, desa_code: str) -> None:
    check_permission(actor, "upload")
    check_scope(actor, desa_code)


def start(
    store: Store,
    actor: Actor,
    desa_code: str,
    file_name: str,
    work: UploadWork,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Keep a newly checked file as the actor's draft of ``desa_code`` (replacing any other)."""
    _allowed(actor, desa_code)
    at = now or now_wib()
    store.keep_draft(
        actor.username,
        desa_code,
        file_name=file_name,
        sha256=work.sha256,
        table_json=table_json(work.raw),
        mapping_json=json.dumps(work.mapping, ensure_ascii=False),
        at=at,
        expired=_expired(store, at),
    )


def _change(
    store: Store, actor: Actor, desa_code: str, sha256: str, now: dt.datetime | None, **change
) -> bool:
    _allowed(actor, desa_code)
    at = now or now_wib()
    return store.change_draft(
        actor.username, desa_code, sha256, at=at, expired=_expired(store, at), **change
    )


def fix(
    store: Store,
    actor: Actor,
    desa_code: str,
    work: UploadWork,
    edited,
    *,
    now: dt.datetime | None = None,
) -> UploadWork:
    """Apply the corrected rows to ``work`` and add them to the draft; the work to check next."""
    patch = _patch(work.raw, edited)
    fixed = replace(work, raw=roster.apply_edits(work.raw, patch))
    _change(store, actor, desa_code, work.sha256, now, fix=json.dumps(_frame_json(patch)))
    return fixed


def skip(
    store: Store,
    actor: Actor,
    desa_code: str,
    sha256: str,
    row: int | None,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Record one row passed over in the stacked form (``None``: start again, none passed)."""
    if row is None:
        _change(store, actor, desa_code, sha256, now, clear_skipped=True)
    else:
        _change(store, actor, desa_code, sha256, now, skip_row=int(row))


def set_mapping(
    store: Store,
    actor: Actor,
    desa_code: str,
    sha256: str,
    mapping: dict[str, str | None],
    *,
    now: dt.datetime | None = None,
) -> None:
    """Keep the column mapping the verdict was computed with."""
    _change(store, actor, desa_code, sha256, now, mapping_json=json.dumps(mapping))


def restore(
    store: Store, actor: Actor, desa_code: str, *, now: dt.datetime | None = None
) -> Draft | None:
    """The actor's draft of ``desa_code`` with every fix applied in order, or None."""
    _allowed(actor, desa_code)
    at = now or now_wib()
    record = store.draft_record(actor.username, desa_code, expired=_expired(store, at))
    if record is None:
        return None
    try:
        raw = table_from_json(record["table_json"])
        for patch in record["fixes"]:
            raw = roster.apply_edits(raw, _frame_from(json.loads(patch)))
        mapping = json.loads(record["mapping_json"])
    except (KeyError, TypeError, ValueError, pl.exceptions.PolarsError):
        # Kept by an older version of the product in another shape: the clerk uploads again.
        log.warning("upload draft of %s for %s unreadable; dropped", actor.username, desa_code)
        store.drop_draft(actor.username, desa_code)
        return None
    return Draft(
        desa_code=record["desa_code"],
        file_name=record["file_name"],
        work=UploadWork(raw, mapping, record["sha256"]),
        skipped=frozenset(int(r) for r in record["skipped_rows"]),
        created_at=record["created_at"],
        updated_at=record["updated_at"],
    )


@dataclass(frozen=True)
class DraftNote:
    """Which draft is waiting: its desa, file name and when it was last changed."""

    desa_code: str
    file_name: str
    updated_at: dt.datetime


def latest(store: Store, actor: Actor, *, now: dt.datetime | None = None) -> DraftNote | None:
    """The actor's newest draft within its region (the upload page opens on its desa), or
    None; an account without the right to upload has none."""
    if not auth.can(actor, "upload"):
        return None
    at = now or now_wib()
    record = store.draft_record(actor.username, None, expired=_expired(store, at))
    if record is None or not actor.scope.covers(record["desa_code"]):
        return None
    return DraftNote(record["desa_code"], record["file_name"], record["updated_at"])


def latest_desa(store: Store, actor: Actor, *, now: dt.datetime | None = None) -> str | None:
    """The desa of :func:`latest`, or None."""
    note = latest(store, actor, now=now)
    return note.desa_code if note else None


def discard(store: Store, actor: Actor, desa_code: str) -> bool:
    """Throw the actor's draft of ``desa_code`` away ("Buang draf"); False if there was none."""
    _allowed(actor, desa_code)
    return store.drop_draft(actor.username, desa_code)


def save(store: Store, actor: Actor, checked: CheckedRoster) -> intake.Saved:
    """Save the checked file (``intake.save_village``) and delete its draft, in one transaction."""
    _allowed(actor, checked.desa_code)
    with store.batch():
        saved = intake.save_village(store, actor, checked)
        store.drop_draft(actor.username, checked.desa_code)
    return saved
