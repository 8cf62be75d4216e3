"""What the kecamatan checks before deciding on a desa's list: the change against the previous
version, flags (more people than needed, TPS short of linmas, TPS numbers not in the TPS list,
importer warnings), names instead of account codes, dates as 17-08-1990.

Pure functions over frames plus one ``review_view`` that reads what one decision needs. A
kecamatan operator may see full NIK of their own kecamatan here (setting
``[verification] full_nik``, default on); each such view is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from readiness import formatting as fmt
from readiness import privacy
from readiness.db import ROSTER_COLUMNS, Actor, Store
from readiness.messages_intake import text
from readiness.permissions import check_permission, check_scope
from readiness.scope import Scope

_COMPARED = [c for c in ROSTER_COLUMNS if c != "nik"]
_LABELS = {
    "nama": "nama",
    "jenis_kelamin": "jenis kelamin",
    "tempat_lahir": "tempat lahir",
    "tanggal_lahir": "tanggal lahir",
    "alamat": "alamat",
    "no_hp": "nomor HP",
    "nomor_tps": "TPS",
    "status_bpjs": "BPJS",
    "no_kpj": "KPJ",
    "status_pelatihan": "pelatihan",
    "tanggal_pelatihan": "tanggal pelatihan",
    "keterangan": "keterangan",
}


@dataclass(frozen=True)
class ReviewView:
    """Everything the verification page shows for one upload."""

    roster: pl.DataFrame
    changes: pl.DataFrame
    change_line: str
    flags: list[str]
    uploader: str
    reviewer: str | None
    full_nik: bool
    nihil_reason: str | None


def waiting_count(queue: pl.DataFrame) -> int:
    """How many desa of the queue wait for a decision."""
    return int((queue["status"] == "menunggu_verifikasi").sum())


def first_waiting(candidates: pl.DataFrame) -> int:
    """The index of the first desa waiting for a decision (0 when none waits)."""
    waiting = candidates.with_row_index().filter(pl.col("status") == "menunggu_verifikasi")
    return int(waiting["index"][0]) if waiting.height else 0


def roster_changes(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Added / removed / changed people between two versions (by NIK), and which fields changed.

    Returns Perubahan ("ditambah" / "dihapus" / "diubah"), Nama, nik, Kolom berubah.
    """
    text_of = [pl.col(c).cast(pl.String) for c in ROSTER_COLUMNS]
    old_s, new_s = old.select(text_of), new.select(text_of)
    added = new_s.join(old_s, on="nik", how="anti").select(
        pl.lit("ditambah").alias("Perubahan"), pl.col("nama").alias("Nama"), "nik",
        pl.lit("").alias("Kolom berubah"),
    )  # fmt: skip
    removed = old_s.join(new_s, on="nik", how="anti").select(
        pl.lit("dihapus").alias("Perubahan"), pl.col("nama").alias("Nama"), "nik",
        pl.lit("").alias("Kolom berubah"),
    )  # fmt: skip
    both = old_s.join(new_s, on="nik", how="inner", suffix="_baru")
    differs = [
        pl.when(pl.col(c).ne_missing(pl.col(f"{c}_baru"))).then(pl.lit(_LABELS[c]))
        for c in _COMPARED
    ]
    changed = (
        both.with_columns(pl.concat_list(differs).list.drop_nulls().alias("_fields"))
        .filter(pl.col("_fields").list.len() > 0)
        .select(
            pl.lit("diubah").alias("Perubahan"),
            pl.col("nama_baru").alias("Nama"),
            "nik",
            pl.col("_fields").list.join(", ").alias("Kolom berubah"),
        )
    )
    return pl.concat([added, removed, changed])


def roster_flags(
    roster: pl.DataFrame, tps: pl.DataFrame, *, per_tps: int, rawan_extra: int
) -> list[str]:
    """Indonesian flags for one roster (officers columns) against its desa's TPS list."""
    flags = []
    if tps.height:
        need = tps.height * per_tps + int(tps["rawan"].sum()) * rawan_extra
        if roster.height > need:
            flags.append(
                text(
                    "verification_flag_over",
                    registered=fmt.number(roster.height),
                    required=fmt.number(need),
                )
            )
        counts = roster.group_by("nomor_tps").len()
        per = tps.join(counts, left_on="tps_number", right_on="nomor_tps", how="left").with_columns(
            pl.col("len").fill_null(0),
            (per_tps + pl.col("rawan").cast(pl.Int64) * rawan_extra).alias("_need"),
        )
        short = per.filter(pl.col("len") < pl.col("_need"))["tps_number"].to_list()
        if short:
            listed = ", ".join(str(n) for n in short[:20])
            flags.append(text("verification_flag_short_tps", per_tps=per_tps, tps=listed))
        listed_tps = set(tps["tps_number"].to_list())
        unknown = sorted(
            {n for n in roster["nomor_tps"].drop_nulls().to_list() if n not in listed_tps}
        )
        if unknown:
            flags.append(
                text("verification_flag_unknown_tps", tps=", ".join(str(n) for n in unknown))
            )
    warned = int((roster["warning_codes"].list.len() > 0).sum()) if roster.height else 0
    if warned:
        flags.append(text("verification_flag_warnings", count=fmt.number(warned)))
    return flags


def _date_text(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%d-%m-%Y")


def review_view(store: Store, actor: Actor, desa_code: str, submission_id: int) -> ReviewView:
    """Read and judge one upload for the reviewer (who may verify inside their scope)."""
    check_permission(actor, "verify")
    check_scope(actor, desa_code)
    versions = store.roster_versions(desa_code)
    this = versions.filter(pl.col("submission_id") == submission_id).row(0, named=True)
    roster = store.roster(submission_id, Scope(desa_code))
    older = versions.filter(pl.col("version") < this["version"])
    if older.height:
        previous = older.row(0, named=True)
        old = store.roster(previous["submission_id"], Scope(desa_code))
        changes = roster_changes(old, roster)
        counted = {
            k: int((changes["Perubahan"] == k).sum()) for k in ("ditambah", "dihapus", "diubah")
        }
        change_line = text(
            "verification_change",
            previous=previous["version"],
            added=fmt.number(counted["ditambah"]),
            removed=fmt.number(counted["dihapus"]),
            changed=fmt.number(counted["diubah"]),
        )
    else:
        changes = roster_changes(roster.clear(), roster)
        change_line = text("verification_first")
    settings = store.settings
    flags = roster_flags(
        roster,
        store.tps(Scope(desa_code)),
        per_tps=settings.officers_per_tps,
        rawan_extra=settings.rawan_extra_officers,
    )
    full_nik = (
        actor.role == "operator_kecamatan"
        and settings.verify_full_nik
        and actor.scope.covers(desa_code)
    )
    shown = roster.select(
        pl.col("row_number").alias("Baris"),
        pl.col("nama").alias("Nama"),
        "nik",
        pl.col("jenis_kelamin").alias("L/P"),
        pl.col("tempat_lahir").alias("Tempat lahir"),
        _date_text("tanggal_lahir").alias("Tanggal lahir"),
        pl.col("nomor_tps").alias("TPS"),
        "no_hp",
        pl.col("warning_codes").list.join(", ").alias("Catatan"),
    )
    if full_nik:
        store.record_event(actor, "verification.full_nik", desa_code, submission_id=submission_id)
        shown = shown.with_columns(privacy.mask_phone_expr("no_hp"))
    else:  # the role's ordinary masking (an admin sees full numbers, others masked)
        shown = privacy.mask_frame(shown, actor.role)
        if not privacy.shows_personal_data(actor.role):
            changes = changes.with_columns(privacy.mask_nik_expr("nik"))
    return ReviewView(
        roster=shown.rename({"nik": "NIK", "no_hp": "No. HP"}),
        changes=changes.rename({"nik": "NIK"}),
        change_line=change_line,
        flags=flags,
        uploader=this["uploader_name"] or this["uploader"],
        reviewer=this["reviewer_name"] or this["reviewed_by"],
        full_nik=full_nik,
        nihil_reason=this["nihil_reason"],
    )


def village_states(store: Store, scope: Scope) -> pl.DataFrame:
    """desa_code, intake_label ("nihil" / "mencoba mengirim, semua ditolak"), intake_note
    (the nihil reason, or the top reasons the file was refused), attempt_at, attempt_file.

    Only villages in either state have a row; every page and table that lists villages joins
    this, so the two states read the same everywhere.
    """
    states = store.intake_states(scope)
    return states.select(
        "desa_code",
        pl.when(pl.col("attempted_failed")).then(pl.col("attempt_at")).alias("attempt_at"),
        pl.when(pl.col("attempted_failed")).then(pl.col("attempt_file")).alias("attempt_file"),
        pl.when(pl.col("attempted_failed"))
        .then(pl.lit(text("state_attempted_failed")))
        .otherwise(pl.lit(text("state_nihil")))
        .alias("intake_label"),
        pl.when(pl.col("attempted_failed"))
        .then(pl.col("attempt_reasons").list.join("; "))
        .otherwise(pl.col("nihil_reason"))
        .alias("intake_note"),
    )
