"""Graded rawan TPS in the product: import a list, edit one TPS, read levels with coverage.

Every entry point checks its actor first (``readiness.permissions``): importing and editing
are the admin's (``manage_reference``); reading levels and coverage needs ``view`` or
``view_rawan`` (security partners); the rawan export needs ``export`` or ``export_rawan``.
Nothing here returns a linmas name, NIK or phone number: only counts per TPS.
"""

from __future__ import annotations

import polars as pl

from readiness import rawan, spreadsheet
from readiness.auth import can
from readiness.db import Store
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.permissions import check_permission, check_scope, check_scopes
from readiness.rawan import RawanParse
from readiness.regions import load_aliases
from readiness.scope import Actor, Scope

PAGE_ORIGIN = "halaman Kesiapan"


def _check_any(actor: Actor, permissions: tuple[str, ...]) -> None:
    """Refuse unless the role holds one of ``permissions`` (the message names the first)."""
    if not any(can(actor, p) for p in permissions):
        check_permission(actor, permissions[0])


def _extras(store: Store) -> dict[str, int]:
    return {level.code: level.extra_officers for level in store.settings.rawan_levels}


def level_labels(store: Store) -> dict[str, str]:
    """Level code -> its label in settings ("sangat_rawan" -> "Sangat rawan")."""
    return {level.code: level.label for level in store.settings.rawan_levels}


def check_rawan_file(store: Store, actor: Actor, data: bytes, file_name: str) -> RawanParse:
    """Check a rawan list (CSV/XLSX) against the villages and TPS of the actor's region."""
    check_permission(actor, "manage_reference")
    s = store.settings
    return rawan.read_rawan_file(
        data,
        file_name,
        villages=store.villages(actor.scope),
        tps=store.tps(actor.scope),
        levels=s.rawan_levels,
        sources=s.rawan_sources,
        aliases=load_aliases(s.alias_file),
    )


def import_rawan(store: Store, actor: Actor, parsed: RawanParse, *, file_name: str) -> int:
    """Store every row of a checked list (all rows or none); TPS not in the file keep theirs."""
    check_permission(actor, "manage_reference")
    if not parsed.ok:
        errors = parsed.findings.filter(pl.col("severity") == "error")
        msg = text("rawan_import_refused", file=file_name, count=errors["row"].n_unique())
        raise ReadinessError(msg, code="rawan_import_refused")
    check_scopes(actor, parsed.rows["desa_code"].unique().to_list())
    changes = parsed.rows.with_columns(
        pl.col("level").replace_strict(_extras(store), default=0).alias("extra_officers")
    )
    return store.apply_rawan(actor, changes, origin=file_name)


def set_rawan_level(
    store: Store,
    actor: Actor,
    desa_code: str,
    tps_number: int,
    *,
    level: str | None,
    source: str | None,
    reason: str | None,
    origin: str = PAGE_ORIGIN,
) -> None:
    """Set (or with ``level=None`` clear) one TPS's level; a level needs a source and a reason."""
    check_permission(actor, "manage_reference")
    check_scope(actor, desa_code)
    s = store.settings
    labels = level_labels(store)
    reason = (reason or "").strip() or None
    if level is not None and level not in labels:
        msg = text("rawan_level_invalid", value=level, allowed=", ".join(labels))
        raise ReadinessError(msg, code="rawan_level_invalid")
    if level is not None and source not in s.rawan_sources:
        msg = text("rawan_source_invalid", value=source or "", allowed=", ".join(s.rawan_sources))
        raise ReadinessError(msg, code="rawan_source_invalid")
    if level is not None and reason is None:
        msg = text("rawan_reason_required", tps=tps_number, level=labels[level], source=source)
        raise ReadinessError(msg, code="rawan_reason_required")
    change = pl.DataFrame(
        {
            "desa_code": [desa_code],
            "tps_number": [tps_number],
            "level": [level],
            "source": [source if level else None],
            "reason": [reason if level else None],
            "extra_officers": [_extras(store).get(level, 0) if level else None],
        },
        schema={"desa_code": pl.String, "tps_number": pl.Int64, "level": pl.String,
                "source": pl.String, "reason": pl.String, "extra_officers": pl.Int64},
    )  # fmt: skip
    store.apply_rawan(actor, change, origin=origin)


def rawan_coverage(store: Store, actor: Actor, scope: Scope) -> pl.DataFrame:
    """Every TPS of the scope with its level and linmas assigned against its need.

    Returns kecamatan_code, kecamatan_name, desa_code, desa_name, tps_number, level, source,
    reason, officers_assigned, officers_required, covered; counts only, no personal data.
    """
    _check_any(actor, ("view", "view_rawan"))
    if scope.code:
        check_scope(actor, scope.code)
    elif actor.scope.code:
        scope = actor.scope
    cover = store.tps_coverage(scope).select(
        "desa_code", "tps_number", "officers_assigned", "officers_required", "covered"
    )
    return store.rawan_tps(scope).join(
        cover.with_columns(pl.col("tps_number").cast(pl.Int32)),
        on=["desa_code", "tps_number"],
        how="left",
    )


def peta_kerawanan(store: Store, coverage: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """Per kecamatan: rawan and sangat rawan TPS and how many lack linmas (``rawan.rawan_map``)."""
    villages = store.villages(scope).select("kecamatan_code", "kecamatan_name", "desa_code")
    return rawan.rawan_map(villages, coverage.select("desa_code", "tps_number", "level", "covered"))


def rawan_totals(store: Store, actor: Actor, scope: Scope) -> dict[str, int]:
    """``summary --json`` keys rawan_tps, sangat_rawan_tps, sangat_rawan_uncovered (+ rawan_uncovered)."""
    coverage = rawan_coverage(store, actor, scope)
    return rawan.rawan_totals(peta_kerawanan(store, coverage, scope))


def summary_fields(store: Store, actor: Actor, scope: Scope) -> dict[str, int]:
    """The keys ``summary --json`` gains: rawan_tps, sangat_rawan_tps, sangat_rawan_uncovered."""
    totals = rawan_totals(store, actor, scope)
    keys = ("rawan_tps", "sangat_rawan_tps", "sangat_rawan_uncovered")
    return {key: totals[key] for key in keys}


def rawan_table(store: Store, coverage: pl.DataFrame) -> pl.DataFrame:
    """The rawan TPS as people read them, sangat rawan and uncovered first (Indonesian headers)."""
    labels = level_labels(store)
    rank = {code: i for i, code in enumerate(reversed(list(labels)))}
    return (
        coverage.filter(pl.col("level").is_not_null())
        .with_columns(pl.col("level").replace_strict(rank, default=99).alias("_rank"))
        .sort(["_rank", "covered", "desa_code", "tps_number"], nulls_last=True)
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("tps_number").cast(pl.Int64).alias("TPS"),
            pl.col("level").replace_strict(labels, default="").alias("Tingkat"),
            pl.col("source").fill_null("").alias("Sumber"),
            pl.col("reason").fill_null("").alias("Alasan"),
            pl.col("officers_assigned").fill_null(0).cast(pl.Int64).alias("Linmas ditugaskan"),
            pl.col("officers_required").fill_null(0).cast(pl.Int64).alias("Linmas dibutuhkan"),
            pl.when(pl.col("covered").fill_null(False))
            .then(pl.lit("Ya"))
            .otherwise(pl.lit("Tidak"))
            .alias("Tercukupi"),
        )
    )


def peta_table(peta: pl.DataFrame) -> pl.DataFrame:
    """The peta kerawanan with Indonesian headers, one row per kecamatan."""
    return peta.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("tps_total").alias("TPS"),
        pl.col("rawan_tps").alias("TPS rawan"),
        pl.col("rawan_uncovered").alias("Rawan belum tercukupi"),
        pl.col("sangat_rawan_tps").alias("TPS sangat rawan"),
        pl.col("sangat_rawan_uncovered").alias("Sangat rawan belum tercukupi"),
    )


def rawan_xlsx(store: Store, actor: Actor, scope: Scope) -> bytes:
    """The rawan export: TPS, level, source, linmas assigned vs needed; no personal data."""
    _check_any(actor, ("export", "export_rawan"))
    coverage = rawan_coverage(store, actor, scope)
    sheets = {
        "TPS rawan": rawan_table(store, coverage),
        "Peta kerawanan": peta_table(peta_kerawanan(store, coverage, scope)),
    }
    area = store.region_name(scope.code) if scope.code else store.settings.kabupaten_name
    data = spreadsheet.xlsx_bytes(sheets, title=f"TPS rawan — {area}")
    store.record_event(
        actor, "export.rawan-xlsx", scope.code, rows=sheets["TPS rawan"].height, bytes=len(data)
    )
    return data


def xlsx_file_name(scope: Scope) -> str:
    """The rawan export's download name, e.g. ``tps_rawan_17.02.xlsx``."""
    return f"tps_rawan_{scope.code or 'semua'}.xlsx"
