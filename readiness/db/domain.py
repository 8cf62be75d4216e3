"""What the database package needs from the domain, given at start-up and never imported.

The store knows tables and SQL only. The reference region rows, the province's other kabupaten
and the blocking warning codes come from the domain through ``StoreDomain``, which
``readiness.store_open`` registers once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl


class StoreSettings(Protocol):
    """The slice of the product settings the store reads (``readiness.config.Settings``)."""

    province_code: str
    province_name: str
    kabupaten_code: str
    kabupaten_name: str
    officers_per_tps: int
    rawan_extra_officers: int
    training_modules: tuple[str, ...]


@dataclass(frozen=True)
class ReferenceRegions:
    """The reference region rows the ``regions`` table must equal at start-up.

    ``desa``: kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind of the instance's
    own kabupaten; ``other_kabupaten``: code, name of the province's other kabupaten.
    """

    desa: pl.DataFrame
    other_kabupaten: pl.DataFrame


class StoreDomain(Protocol):
    """The domain values the store is given, never imports (see ``readiness.store_open``)."""

    def reference_fingerprint(self, settings: Any) -> str:
        """What the reference regions are loaded from; unchanged = nothing to sync."""

    def reference_regions(self, settings: Any) -> ReferenceRegions:
        """The reference region rows (read and checked by the domain)."""

    def other_kabupaten(self, settings: Any) -> pl.DataFrame:
        """code, name of the province's other kabupaten."""

    def blocking_codes(self, settings: Any) -> tuple[str, ...]:
        """Roster warning codes that keep an officer from counting as ready."""


_domain: list[StoreDomain] = []


def use_domain(domain: StoreDomain) -> None:
    """Register the domain side once per process (``readiness.store_open`` does it on import)."""
    _domain[:] = [domain]


def domain() -> StoreDomain:
    """The registered domain; a programming error (not a user one) when none was registered."""
    if not _domain:
        msg = "no StoreDomain registered: open the store with readiness.store_open.open_store"
        raise RuntimeError(msg)
    return _domain[0]
