"""Opening the store for the product: the domain values the database package is given.

``readiness.db`` knows tables and SQL but no domain module, so the reference data it keeps in
sync (the region file of the kabupaten, the province's kabupaten list) and the readiness rule
values it counts with (the blocking warning codes) come from here. Importing this module
registers them (``db.use_domain``); ``open_store`` is the one way the product opens a file.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import polars as pl

from readiness import db
from readiness.config import Settings
from readiness.province import kabupaten_list
from readiness.regions import load_regions


class ProductDomain:
    """The product's answers to ``db.StoreDomain``."""

    def reference_fingerprint(self, settings: Settings) -> str:
        """What the regions table was loaded from: the region file's bytes and the kabupaten."""
        try:
            content = settings.region_file.read_bytes()
        except OSError:
            content = b""  # load_regions names the missing file
        # A province instance's kabupaten list is reference data too.
        if settings.kabupaten_list_file is not None:
            with contextlib.suppress(OSError):  # province.load_kabupaten_list names it
                content += b"|" + settings.kabupaten_list_file.read_bytes()
        head = "|".join(
            (
                settings.province_code,
                settings.province_name,
                settings.kabupaten_code,
                settings.kabupaten_name,
            )
        )
        return hashlib.sha256(head.encode() + content).hexdigest()

    def reference_regions(self, settings: Settings) -> db.ReferenceRegions:
        """The kabupaten's region file and the province's kabupaten list, checked."""
        return db.ReferenceRegions(
            desa=load_regions(settings.region_file, settings.kabupaten_code),
            other_kabupaten=self.other_kabupaten(settings),
        )

    def other_kabupaten(self, settings: Settings) -> pl.DataFrame:
        """code, name of the province's kabupaten list (the own one is dropped by the store)."""
        return kabupaten_list(settings)

    def blocking_codes(self, settings: Settings) -> tuple[str, ...]:
        """Roster warnings that keep an officer from counting as ready (the rules setting)."""
        return tuple(settings.blocking_codes)


db.use_domain(ProductDomain())


def open_store(path: Path | str, settings: Settings, *, read_only: bool = False) -> db.Store:
    """Create the file if needed, run pending migrations and load the reference regions
    (``read_only``: see ``db.Store.open``)."""
    return db.Store.open(path, settings, read_only=read_only)
