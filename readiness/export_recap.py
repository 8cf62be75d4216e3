"""The recap one export renders (a value type), shared by the CSV, XLSX and PDF writers.

``exports`` builds a ``Recap``; ``export_xlsx`` and ``export_pdf`` render one. Keeping the type
here lets the writers depend on it without importing the module that calls them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness.scope import Scope


@dataclass(frozen=True)
class Recap:
    """Everything one export shows; frames carry Indonesian headers and typed values."""

    title: str
    region_name: str
    kabupaten_name: str
    election_name: str
    voting_date: dt.date
    generated_at: dt.datetime
    as_of: dt.datetime | None
    scope: Scope
    unmasked: bool
    demo: bool
    headline: dict
    kecamatan_raw: pl.DataFrame
    sheets: dict[str, pl.DataFrame]
    signature: tuple[str, str, str]
    # The H-n plan on the export day: its headline and plan.milestone_table (PDF only).
    plan_headline: str | None = None
    milestones: pl.DataFrame | None = None
