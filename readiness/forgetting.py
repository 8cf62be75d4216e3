"""Deleting one person's data on request (UU 27/2022) so that no byte of it stays behind."""

from __future__ import annotations

from readiness import auth, backup
from readiness.db import Actor, Store


def forget_nik(store: Store, actor: Actor, nik: str) -> dict[str, int]:
    """Delete the NIK everywhere (``auth.forget_nik``), then rewrite the database file.

    Deleted rows keep their bytes in a DuckDB file until the space is reused; the rewrite
    (as a restore does: a fresh copy put in place) leaves only live rows on disk. Backups made
    before still hold the NIK until they are pruned (docs/privacy.md).
    """
    counts = auth.forget_nik(store, actor, nik)
    backup.rewrite_file(store)
    return counts
