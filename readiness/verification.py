"""Verification berjenjang: a desa submits, its kecamatan verifies or returns it with a note.

A desa's newest upload is ``menunggu_verifikasi``; the kecamatan operator (or the admin) marks
it ``terverifikasi`` or ``dikembalikan`` with a note the desa reads before uploading again. A
new upload starts a new version, waiting again. Every step is one audited write in the database.
"""

from __future__ import annotations

import polars as pl

from readiness import formatting as fmt
from readiness import messages, privacy
from readiness.db import Actor, Store
from readiness.errors import AccessDenied, ReadinessError
from readiness.permissions import check_permission
from readiness.scope import Scope
from readiness.verification_checks import village_states

STATUS_LABELS = {
    "menunggu_verifikasi": "Menunggu verifikasi",
    "terverifikasi": "Terverifikasi",
    "dikembalikan": "Dikembalikan",
    "belum_mengirim": "Belum mengirim",
}
STATE_LABELS = {
    "belum mengirim": "Belum mengirim",
    "sebagian": "Sebagian",
    "lengkap": "Lengkap, menunggu verifikasi",
    "terverifikasi": "Terverifikasi",
}
DECISIONS = {"Terverifikasi": "terverifikasi", "Dikembalikan ke desa": "dikembalikan"}


def queue(store: Store, scope: Scope) -> pl.DataFrame:
    """Every desa in the scope with its newest upload and the review of it.

    Returns kecamatan_code, kecamatan_name, desa_code, desa_name, submission_id, version,
    uploaded_at, uploader, rows_accepted, rows_warned, rows_rejected, status (with
    ``belum_mengirim`` for a desa without upload), reviewed_by, reviewed_at, review_note.
    """
    villages = store.villages(scope)
    active = store.submissions(scope).select(
        "desa_code",
        pl.col("id").alias("submission_id"),
        "version",
        "uploaded_at",
        "uploader",
        "rows_accepted",
        "rows_warned",
        "rows_rejected",
        "status",
        "reviewed_by",
        "reviewed_at",
        "review_note",
    )
    names = store.display_names(active["uploader"].to_list() + active["reviewed_by"].to_list())
    return (
        villages.drop("desa_kind")
        .join(active, on="desa_code", how="left")
        .with_columns(
            pl.col("status").fill_null("belum_mengirim"),
            pl.col("uploader").replace(names).alias("uploader_name"),
            pl.col("reviewed_by").replace(names),  # people read names, not account codes
        )
        .join(village_states(store, scope), on="desa_code", how="left")
        .sort("desa_code")
    )


def queue_table(frame: pl.DataFrame) -> pl.DataFrame:
    """The queue as people read it: Indonesian headers, dates and labels."""
    return frame.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("status").replace_strict(STATUS_LABELS, default="").alias("Status"),
        pl.col("intake_label").fill_null("").alias("Keterangan"),
        pl.col("version").alias("Versi"),
        pl.col("uploaded_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Diunggah"),
        pl.col("uploader_name").alias("Pengunggah"),
        pl.col("rows_accepted").alias("Linmas"),
        pl.col("rows_warned").alias("Dengan catatan"),
        pl.col("reviewed_by").alias("Diperiksa oleh"),
        pl.col("reviewed_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Diperiksa"),
        pl.col("review_note").alias("Catatan kecamatan"),
    )


def kecamatan_table(kecamatan: pl.DataFrame) -> pl.DataFrame:
    """Per kecamatan: sent / verified counts and the berjenjang state with its dates."""
    return kecamatan.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("verification_state").replace_strict(STATE_LABELS, default="").alias("Status"),
        pl.format("{} dari {}", "desa_submitted", "desa_total").alias("Desa mengirim"),
        pl.format("{} dari {}", "desa_verified", "desa_total").alias("Desa terverifikasi"),
        pl.col("desa_returned").alias("Dikembalikan"),
        pl.col("desa_waiting").alias("Menunggu"),
        pl.col("last_uploaded_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Kiriman terakhir"),
        pl.col("verified_at")
        .map_elements(fmt.timestamp, return_dtype=pl.String, skip_nulls=False)
        .alias("Terverifikasi pada"),
    )


def reviewable(frame: pl.DataFrame) -> pl.DataFrame:
    """The desa of the queue that have an upload to decide on."""
    return frame.filter(pl.col("submission_id").is_not_null())


def roster_for_review(store: Store, actor: Actor, submission_id: int) -> pl.DataFrame:
    """The officers of one upload inside the actor's scope, masked for the actor's role."""
    roster = store.roster(submission_id, actor.scope).select(
        pl.col("row_number").alias("Baris"),
        pl.col("nama").alias("Nama"),
        "nik",
        pl.col("jenis_kelamin").alias("L/P"),
        pl.col("tanggal_lahir").alias("Tanggal lahir"),
        pl.col("nomor_tps").alias("TPS"),
        "no_hp",
        pl.col("warning_codes").list.join(", ").alias("Catatan"),
    )
    return privacy.mask_frame(roster, actor.role).rename({"nik": "NIK", "no_hp": "No. HP"})


def review(store: Store, actor: Actor, submission_id: int, decision: str, note: str | None) -> dict:
    """Record the kecamatan's decision (a label of :data:`DECISIONS` or a status)."""
    status = DECISIONS.get(decision, decision)
    if status not in DECISIONS.values():
        msg = messages.text(
            "review_decision_unknown", decision=repr(decision), decisions=", ".join(DECISIONS)
        )
        raise ReadinessError(msg, code="review_decision_unknown")
    return review_submission(store, actor, submission_id, status, note)


def review_submission(
    store: Store, actor: Actor, submission_id: int, status: str, note: str | None
) -> dict:
    """``Store.review_submission`` for an actor who may verify an upload inside its scope.

    A missing upload and one outside the scope get the same answer.
    """
    check_permission(actor, "verify")
    desa_code = store.submission_desa(submission_id)
    if desa_code is None or not actor.scope.covers(desa_code):
        raise AccessDenied(messages.render("submission_not_in_scope", submission=submission_id))
    return store.review_submission(actor, submission_id, status, note)


def describe(result: dict, desa_name: str) -> str:
    """One Indonesian line confirming a decision."""
    label = STATUS_LABELS[result["status"]].lower()
    return f"Daftar {desa_name} versi {result['version']} {label}; tercatat di log audit."


def verify_desa(
    store: Store, actor: Actor, desa_code: str, decision: str, note: str | None
) -> dict:
    """Decide on a desa's version in force (``verify --desa``): the same checks as the page."""
    from readiness.messages_intake import text as intake_text
    from readiness.roster import roster_context

    check_permission(actor, "verify")
    roster_context(store, desa_code)  # an unknown desa: a clear message
    active = store.submissions(Scope(desa_code))
    if not active.height:
        msg = intake_text("verify_no_roster", desa=store.region_name(desa_code))
        raise ReadinessError(msg, code="verify_no_roster")
    return review(store, actor, int(active["id"][0]), decision, note)
