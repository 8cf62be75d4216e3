"""The database package: the only code that speaks DuckDB.

``core`` opens connections, reads into Polars frames, runs each write as one audited
transaction and applies the numbered migrations. One module per concern holds its SQL beside
the methods that run it, as a mixin of ``Store``:

- ``rosters``: villages, TPS lists, roster uploads and their versions
- ``intake``: kecamatan uploads, nihil reports, failed attempts, versions restored
- ``officers``: the officers of the roster in force with their BPJS and training state
- ``batches``: BPJS imports, training sessions, attendance (batches that can be undone)
- ``readiness_counts``: readiness counted in DuckDB and the counts kept per desa
- ``accounts``, ``verification``, ``audit``: users, reviews of uploads, the audit log
- ``backups``: snapshots, file inspection, restores, bulk loads
- ``regions``: the reference regions and other kabupaten imported
- ``recaps``: kabupaten recaps imported by a province instance
- ``plan``: the admin's changes to the H-n milestones
- ``assignments``: TPS assignment changes and voting-day attendance (append-only)
- ``rawan``: graded rawan TPS (level, source, reason) and their history
- ``sessions``: login sessions kept across reloads (token hashes only)
- ``drafts``: checked uploads and their fixes kept until saved or discarded (count nowhere)

The package imports no domain module and holds no user text: it raises ``CodedError`` whose
text lives in ``readiness.messages``, and it is given the domain values it needs through
``core.StoreDomain`` (``readiness.store_open`` registers the product's). Permission checks
are the caller's: the domain layer checks an actor (``readiness.permissions``) before it writes.
"""

from __future__ import annotations

import duckdb

from readiness.db.accounts import AccountStore
from readiness.db.assignments import DutyStore
from readiness.db.audit import AuditStore
from readiness.db.backups import BULK_COLUMNS, BackupStore, bulk_source
from readiness.db.batches import BatchStore
from readiness.db.core import (
    ALL_DESA,
    END_OF_TIME,
    NO_HISTORY,
    WIB,
    ReferenceRegions,
    StoreCore,
    StoreDomain,
    domain,
    now_wib,
    one_connection,
    scoped,
    use_domain,
)
from readiness.db.drafts import DraftStore
from readiness.db.intake import IntakeStore, KecamatanPart
from readiness.db.lookups import LookupStore
from readiness.db.migrations import MIGRATIONS
from readiness.db.officers import OfficerStore
from readiness.db.plan import PlanStore
from readiness.db.rawan import RawanStore
from readiness.db.readiness_counts import ReadinessCountsStore
from readiness.db.recaps import RECAP_COLUMNS, RecapStore
from readiness.db.regions import RegionStore, kabupaten_region_rows
from readiness.db.rosters import OFFICER_COLUMNS, ROSTER_COLUMNS, RosterStore, StoredRoster
from readiness.db.sessions import SessionStore
from readiness.db.verification import VerificationStore
from readiness.errors import DatabaseFileError
from readiness.scope import SYSTEM, Actor

__all__ = [
    "ALL_DESA",
    "BULK_COLUMNS",
    "END_OF_TIME",
    "MIGRATIONS",
    "NO_HISTORY",
    "OFFICER_COLUMNS",
    "RECAP_COLUMNS",
    "ROSTER_COLUMNS",
    "SYSTEM",
    "WIB",
    "Actor",
    "DatabaseFileError",
    "KecamatanPart",
    "ReferenceRegions",
    "Store",
    "StoreDomain",
    "StoredRoster",
    "bulk_source",
    "kabupaten_region_rows",
    "now_wib",
    "one_connection",
    "scoped",
    "use_domain",
]


class Store(
    RosterStore,
    DutyStore,
    IntakeStore,
    OfficerStore,
    BatchStore,
    ReadinessCountsStore,
    AccountStore,
    VerificationStore,
    AuditStore,
    LookupStore,
    BackupStore,
    RegionStore,
    RecapStore,
    PlanStore,
    RawanStore,
    SessionStore,
    DraftStore,
    StoreCore,
):
    """One DuckDB file: a held connection, migrations, scoped reads, audited writes."""

    @classmethod
    def open(cls, path, settings, *, read_only: bool = False) -> Store:
        """Create the file if needed, run pending migrations and sync the reference regions.

        The reference regions come from the registered ``StoreDomain``; they are read only
        when their fingerprint changed (checking 156+ rows costs ~0.3 s).

        ``read_only`` (read commands): an existing file that needs none of that is opened in
        DuckDB's read-only mode, so reading works in a read-only location; any later write of
        the process reopens it for writing (see ``HeldFile``). Otherwise it opens as usual.
        """
        store = cls(path, settings)
        fingerprint = domain().reference_fingerprint(settings)
        if read_only and store.path.is_file() and store._current_read_only(fingerprint):
            return store
        store.path.parent.mkdir(parents=True, exist_ok=True)
        with cls._init_lock:
            try:
                store.migrate()
                if store.meta("regions_fingerprint") != fingerprint:
                    reference = domain().reference_regions(settings)
                    store.sync_regions(
                        reference.desa,
                        fingerprint=fingerprint,
                        other_kabupaten=reference.other_kabupaten,
                    )
                store.ensure_readiness_cache()
            except (duckdb.ConstraintException, duckdb.TransactionException):
                raise
            except duckdb.Error as error:  # a damaged block or catalog
                raise DatabaseFileError(store.path, str(error)) from error
        return store

    def _current_read_only(self, fingerprint: str) -> bool:
        """Open the file read-only; True when it is migrated and its regions are in sync, else
        back to opening for writing (False). Kept readiness counts that are stale need no
        write: readers then count live."""
        self.use_read_only(True)
        try:
            current = (
                set(self.migration_versions()) >= {version for version, _, _ in MIGRATIONS}
                and self.meta("regions_fingerprint") == fingerprint
            )
        except duckdb.Error:  # no migrations table yet, or a damaged file: the usual path says
            current = False
        if not current:
            self.use_read_only(False)
        return current
