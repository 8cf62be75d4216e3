"""Intake as it arrives: saving honestly, kecamatan files, nihil reports, failed attempts, versions.

Every write checks the actor first (``readiness.permissions``); pages and the CLI call these,
never a Store write method.

- ``save_village`` / ``save_kecamatan``: store what passed; a file identical to the version in
  force is reported unchanged and not stored again; a file with no accepted row is kept as an
  attempt (who, when, file, top reasons).
- ``dropped_people``: who the new version drops compared with the version in force.
- ``report_nihil``: a desa has 0 linmas (with a reason): counted as submitted, shown as nihil.
- ``versions`` / ``restore``: a desa's versions and a new version in force copying an old one.
- ``intake_summary``: ``desa_nihil`` and ``desa_attempted_failed`` for ``summary --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from readiness import formatting as fmt
from readiness import privacy
from readiness.db import ROSTER_COLUMNS, Actor, KecamatanPart, Store, StoredRoster
from readiness.errors import ReadinessError
from readiness.kecamatan_upload import CheckedKecamatan
from readiness.messages_intake import VIA_LABELS, text
from readiness.permissions import check_permission, check_scope
from readiness.roster import CheckedRoster, store_checked_roster
from readiness.scope import Scope

TOP_REASONS = 5


@dataclass(frozen=True)
class Saved:
    """What saving one village's file did: stored, unchanged, or kept as a failed attempt."""

    desa_code: str
    outcome: str  # "stored" | "unchanged" | "attempt"
    stored: StoredRoster | None = None
    dropped: pl.DataFrame = field(default_factory=pl.DataFrame)
    version_in_force: int = 0

    @property
    def version(self) -> int | None:
        return self.stored.version if self.stored is not None else None


# -- what a new version changes ----------------------------------------------------------------


def _in_force(store: Store, desa_code: str) -> dict | None:
    active = store.submissions(Scope(desa_code))
    return active.row(0, named=True) if active.height else None


def _comparable(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col(c).cast(pl.String) for c in ROSTER_COLUMNS).sort("nik")


def is_unchanged(store: Store, checked: CheckedRoster) -> bool:
    """Whether a checked file equals the version in force (same sha256, or same people/fields)."""
    if checked.verdict is None:
        return False
    current = _in_force(store, checked.desa_code)
    if current is None:
        return False
    if current["sha256"] and current["sha256"] == checked.sha256:
        return True
    stored = store.roster(current["id"], Scope(checked.desa_code))
    return _comparable(stored).equals(_comparable(checked.verdict.officers))


def dropped_people(store: Store, checked: CheckedRoster) -> pl.DataFrame:
    """People of the version in force the new version would not hold, and why.

    Returns nama, nik (masked), nomor_tps, alasan ("barisnya ditolak" when their NIK or name is
    still in the file, so their row was rejected; else "tidak ada di berkas"); empty when
    nothing is in force.
    """
    empty = pl.DataFrame(
        schema={"nama": pl.String, "nik": pl.String, "nomor_tps": pl.Int32, "alasan": pl.String}
    )
    current = _in_force(store, checked.desa_code)
    if current is None:
        return empty
    kept = checked.verdict.officers["nik"] if checked.verdict is not None else pl.Series([])
    cells: set[str] = set()  # every cell of the file, as digits and as lower-case text
    if checked.raw is not None:
        for column in checked.raw.frame.columns:
            if column != "_row":
                values = checked.raw.frame[column].cast(pl.String).drop_nulls()
                cells |= set(values.str.replace_all(r"\D", "").to_list())
                cells |= set(values.str.to_lowercase().str.strip_chars().to_list())
    cells.discard("")
    stored = store.roster(current["id"], Scope(checked.desa_code))
    gone = stored.filter(~pl.col("nik").is_in(kept.cast(pl.String).implode()))
    return gone.select(
        "nama",
        privacy.mask_nik_expr("nik").alias("nik"),
        pl.col("nomor_tps").cast(pl.Int32),
        pl.when(
            pl.col("nik").is_in(list(cells))
            | pl.col("nama").str.to_lowercase().str.strip_chars().is_in(list(cells))
        )
        .then(pl.lit(text("dropped_rejected_row")))
        .otherwise(pl.lit(text("dropped_absent")))
        .alias("alasan"),
    )


def describe_drops(dropped: pl.DataFrame) -> str:
    """One sentence naming who the new version drops (the page shows it before and after)."""
    if dropped.height == 0:
        return text("drops_none")
    names = ", ".join(
        f"{r['nama']} ({r['alasan']})" for r in dropped.head(20).iter_rows(named=True)
    )
    more = text("drops_more", count=fmt.number(dropped.height - 20)) if dropped.height > 20 else ""
    return text("drops_some", count=fmt.number(dropped.height), names=names, more=more)


def describe_saved(saved: Saved, desa_name: str) -> str:
    """The success (or unchanged / attempt) message, repeating the drops and what comes next."""
    if saved.outcome == "unchanged":
        return text("upload_unchanged", desa=desa_name, version=saved.version_in_force)
    if saved.outcome == "attempt":
        return text("upload_attempt_recorded", desa=desa_name)
    from readiness.roster import describe_stored

    return text(
        "upload_saved_honest",
        stored=describe_stored(saved.stored, desa_name),
        drops=describe_drops(saved.dropped) if saved.version_in_force else "",
    )


# -- saving --------------------------------------------------------------------------------------


def _top_reasons(checked: CheckedRoster) -> list[str]:
    if checked.verdict is None:
        return [checked.file_error.message] if checked.file_error is not None else []
    errors = checked.verdict.findings.filter(pl.col("severity") == "error")
    counted = (
        errors.group_by("code")
        .agg(pl.len(), pl.col("message").first())
        .sort("len", descending=True)
    )
    return counted["message"].head(TOP_REASONS).to_list()


def _attempt(store: Store, actor: Actor, checked: CheckedRoster, via: str) -> None:
    rejected = checked.verdict.rejected if checked.verdict is not None else 0
    store.record_attempt(
        actor,
        checked.desa_code,
        via=via,
        file_name=checked.file_name,
        sha256=checked.sha256,
        rows_rejected=rejected,
        reasons=_top_reasons(checked),
    )


def save_village(store: Store, actor: Actor, checked: CheckedRoster) -> Saved:
    """Store a village's checked file, or say it is unchanged, or keep it as a failed attempt."""
    check_permission(actor, "upload")
    check_scope(actor, checked.desa_code)
    current = _in_force(store, checked.desa_code)
    in_force = int(current["version"]) if current else 0
    if checked.verdict is None or checked.verdict.accepted == 0:
        if checked.file_error is not None and checked.file_error.code == "multiple_desa":
            return Saved(checked.desa_code, "refused", version_in_force=in_force)
        _attempt(store, actor, checked, "desa")
        return Saved(checked.desa_code, "attempt", version_in_force=in_force)
    if is_unchanged(store, checked):
        return Saved(checked.desa_code, "unchanged", version_in_force=in_force)
    dropped = dropped_people(store, checked)
    stored = store_checked_roster(store, actor, checked)
    return Saved(checked.desa_code, "stored", stored, dropped, in_force)


def save_kecamatan(
    store: Store, actor: Actor, checked: CheckedKecamatan, chosen: list[str] | None = None
) -> list[Saved]:
    """Store every chosen village that passed in ONE transaction (each its next version, via
    kecamatan); villages with no accepted row are kept as attempts; identical ones unchanged.

    ``chosen``: desa codes to save (default: every village that passed).
    """
    check_permission(actor, "upload")
    check_scope(actor, checked.kecamatan_code)
    if checked.file_error is not None:
        raise ReadinessError(checked.file_error.message, code="file_rejected")
    wanted = set(chosen) if chosen is not None else {c.desa_code for c in checked.villages}
    results: dict[str, Saved] = {}
    parts, dropped = [], {}
    for one in checked.villages:
        if one.desa_code not in wanted:
            continue
        current = _in_force(store, one.desa_code)
        in_force = int(current["version"]) if current else 0
        if one.verdict is None or one.verdict.accepted == 0:
            results[one.desa_code] = Saved(one.desa_code, "attempt", version_in_force=in_force)
            continue
        if is_unchanged(store, one):
            results[one.desa_code] = Saved(one.desa_code, "unchanged", version_in_force=in_force)
            continue
        v = one.verdict
        dropped[one.desa_code] = (dropped_people(store, one), in_force)
        parts.append(
            KecamatanPart(
                desa_code=one.desa_code,
                officers=v.officers,
                findings=v.findings,
                counts=v.counts,
                detected=v.detected,
                expected_previous_version=one.previous_version,
                checked_version=one.checked_version,
            )
        )
    if parts:
        stored = store.store_kecamatan_rosters(
            actor,
            checked.kecamatan_code,
            parts,
            file_name=checked.file_name,
            sha256=checked.sha256,
        )
        for part, one in zip(parts, stored, strict=True):
            gone, in_force = dropped[part.desa_code]
            results[part.desa_code] = Saved(part.desa_code, "stored", one, gone, in_force)
    for one in checked.villages:  # attempts after the files that passed: each its own row
        if results.get(one.desa_code) is not None and results[one.desa_code].outcome == "attempt":
            _attempt(store, actor, one, "kecamatan")
    return [results[c.desa_code] for c in checked.villages if c.desa_code in results]


def kecamatan_json(checked: CheckedKecamatan, saved: list[Saved] | None) -> dict:
    """The ``import --kecamatan --json`` object, with each stored village's version."""
    saved = saved or []
    result = checked.to_json({s.desa_code: s.version for s in saved if s.version is not None})
    outcome = {s.desa_code: s.outcome for s in saved}
    for row in result["desa"]:
        if outcome.get(row["desa"]) == "unchanged":
            row["unchanged"] = True
    return result


# -- nihil ---------------------------------------------------------------------------------------


def report_nihil(store: Store, actor: Actor, desa_code: str, reason: str) -> int:
    """Record that a desa has 0 linmas; the reason is required. Returns the new version."""
    from readiness.roster import roster_context

    check_permission(actor, "upload")
    check_scope(actor, desa_code)
    roster_context(store, desa_code)  # an unknown desa: a clear message
    reason = (reason or "").strip()
    if not reason:
        raise ReadinessError(text("nihil_reason_missing"), code="nihil_reason_missing")
    return store.store_nihil(actor, desa_code, reason)


# -- versions ------------------------------------------------------------------------------------


def versions(store: Store, actor: Actor, desa_code: str) -> pl.DataFrame:
    """A desa's versions (newest first) inside the actor's scope; see ``Store.roster_versions``."""
    from readiness.roster import roster_context

    check_permission(actor, "view")
    check_scope(actor, desa_code)
    roster_context(store, desa_code)
    return store.roster_versions(desa_code)


def versions_json(frame: pl.DataFrame) -> list[dict]:
    """``roster versions --json``: one object per version."""
    return [
        {
            "version": r["version"],
            "uploaded_at": r["uploaded_at"].isoformat() if r["uploaded_at"] else None,
            "uploader": r["uploader"],
            "uploader_name": r["uploader_name"] or r["uploader"],
            "via": r["via"],
            "accepted": r["rows_accepted"],
            "warned": r["rows_warned"],
            "rejected": r["rows_rejected"],
            "status": r["status"],
            "nihil_reason": r["nihil_reason"],
            "restored_from": r["restored_from"],
            "in_force": r["in_force"],
        }
        for r in frame.iter_rows(named=True)
    ]


def versions_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Versions as people read them: Indonesian headers, names, dates, how each arrived."""
    from readiness.verification import STATUS_LABELS

    return frame.select(
        pl.col("version").alias("Versi"),
        pl.col("uploaded_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Diunggah"),
        pl.coalesce("uploader_name", "uploader").alias("Oleh"),
        pl.col("via").replace_strict(VIA_LABELS, default="").alias("Melalui"),
        pl.col("rows_accepted").alias("Linmas"),
        pl.col("rows_rejected").alias("Ditolak"),
        pl.col("status").replace_strict(STATUS_LABELS, default="").alias("Status"),
        pl.when(pl.col("in_force")).then(pl.lit("berlaku")).otherwise(pl.lit("")).alias("Berlaku"),
    )


def restore(store: Store, actor: Actor, desa_code: str, version: int) -> int:
    """Make a copy of ``version`` the version in force (audited); returns the new version."""
    check_permission(actor, "upload")
    check_scope(actor, desa_code)
    return store.restore_roster_version(actor, desa_code, version)


# -- nihil and attempts in the summary -----------------------------------------------------------


def intake_summary(store: Store, scope: Scope, data: dict) -> dict:
    """``summary --json`` plus desa_nihil and desa_attempted_failed, headline and per kecamatan."""
    states = store.intake_states(scope).with_columns(
        pl.col("desa_code").str.slice(0, 8).alias("kecamatan_code")
    )
    per = states.group_by("kecamatan_code").agg(
        pl.col("nihil").sum().alias("desa_nihil"),
        pl.col("attempted_failed").sum().alias("desa_attempted_failed"),
    )
    counts = {r["kecamatan_code"]: r for r in per.iter_rows(named=True)}
    kecamatan = [
        {
            **row,
            "desa_nihil": int(counts.get(row["kode"], {}).get("desa_nihil", 0)),
            "desa_attempted_failed": int(
                counts.get(row["kode"], {}).get("desa_attempted_failed", 0)
            ),
        }
        for row in data.get("kecamatan", [])
    ]
    return {
        **data,
        "desa_nihil": int(states["nihil"].sum()),
        "desa_attempted_failed": int(states["attempted_failed"].sum()),
        "kecamatan": kecamatan,
    }


def need_text(required: int | None, tps_total: int | None) -> str:
    """The need as people read it: a number, or "belum diketahui" while no TPS list is in."""
    if not tps_total or required is None:
        return text("need_unknown")
    return fmt.number(required)


# -- the kecamatan upload page --------------------------------------------------------------------


def kecamatan_table(store: Store, checked: CheckedKecamatan) -> pl.DataFrame:
    """Per village of a kecamatan file: accepted / rejected / warned against its need."""
    rows = []
    for one in checked.villages:
        v = one.verdict
        tps = store.tps(Scope(one.desa_code))
        need = (
            tps.height * store.settings.officers_per_tps
            + int(tps["rawan"].sum()) * store.settings.rawan_extra_officers
            if tps.height
            else None
        )
        rows.append(
            {
                "Desa/Kelurahan": checked.names.get(one.desa_code, one.desa_code),
                "Diterima": v.accepted if v else 0,
                "Dengan catatan": v.warned if v else 0,
                "Ditolak": v.rejected if v else 0,
                "Kebutuhan": need_text(need, tps.height),
                "Hasil": text("kecamatan_row_ok")
                if v is not None and v.accepted
                else text("kecamatan_row_rejected"),
                "Alasan utama": "; ".join(_top_reasons(one)[:2]),
            }
        )
    return pl.DataFrame(rows, schema={k: None for k in rows[0]} if rows else None)


def unmatched_table(checked: CheckedKecamatan) -> pl.DataFrame:
    """Rows of a kecamatan file given to no village of it: Baris, Kolom, Pesan."""
    unmatched = checked.split.unmatched if checked.split is not None else pl.DataFrame()
    if not unmatched.height:
        return pl.DataFrame()
    return unmatched.select(
        pl.col("row").alias("Baris"),
        pl.col("column").alias("Kolom"),
        pl.col("message").alias("Pesan"),
    )
