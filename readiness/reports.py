"""Page data: storage reads joined by the pure metrics, one function per view.

Pages, exports and the CLI all call these, so every surface shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness import metrics
from readiness.config import Settings
from readiness.scope import Scope
from readiness.storage import Store


@dataclass(frozen=True)
class Overview:
    """What the Ringkasan page, ``summary --json`` and the exports share."""

    desa: pl.DataFrame
    kecamatan: pl.DataFrame
    summary: dict
    as_of: dt.datetime | None
    scope: Scope


def rules(settings: Settings) -> metrics.Rules:
    """The slice of settings the metrics need."""
    return metrics.Rules(
        officers_per_tps=settings.officers_per_tps,
        rawan_extra_officers=settings.rawan_extra_officers,
        submission_deadline=settings.submission_deadline,
    )


def overview(store: Store, scope: Scope) -> Overview:
    """Submission and registration figures for everything inside ``scope``."""
    submissions = store.submissions(scope, active_only=False)
    desa = metrics.desa_overview(
        store.villages(scope),
        store.tps(scope),
        submissions,
        store.officers(scope).select("desa_code", "nik"),
        rules(store.settings),
    )
    kecamatan = metrics.kecamatan_overview(desa)
    as_of = submissions["uploaded_at"].max() if submissions.height else None
    return Overview(desa, kecamatan, metrics.kabupaten_summary(kecamatan), as_of, scope)


def summary_json(view: Overview) -> dict:
    """The ``summary --json`` object: headline numbers plus the same per kecamatan."""
    per_kecamatan = [
        {
            "kode": row["kecamatan_code"],
            "nama": row["kecamatan_name"],
            "status": row["submission_state"],
            "complete": row["submission_state"] == "lengkap",
            "desa_total": row["desa_total"],
            "desa_submitted": row["desa_submitted"],
            "officers_registered": row["officers_registered"],
            "officers_required": row["officers_required"],
            "tps_total": row["tps_count"],
        }
        for row in view.kecamatan.iter_rows(named=True)
    ]
    return {**view.summary, "kecamatan": per_kecamatan}
