"""Kesiapan's "whom to call today" lists: each row a village or a linmas, with the operator's
contact and a WhatsApp link that carries a ready-made reminder.

Pure functions over the frames ``reports.readiness`` and ``reports.readiness_people`` return.
"""

from __future__ import annotations

from urllib.parse import quote

import polars as pl

from readiness.privacy import mask_nik_expr
from readiness.rawan import with_level_label
from readiness.tables import duty_place, intake_note, submission_word, with_intake

NO_CONTACT = "kontak belum ada"


def wa_url(phone: str | None, text: str | None) -> str | None:
    """``https://wa.me/62…?text=…`` for an Indonesian mobile number, None without a number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if len(digits) < 10 or not digits.startswith("62"):
        return None
    return f"https://wa.me/{digits}?text={quote(text or '')}"


def _contact(frame: pl.DataFrame, reminder: pl.Expr) -> pl.DataFrame:
    """Add the operator's contact and a WhatsApp link carrying ``reminder`` to each row."""
    with_text = frame.with_columns(reminder.alias("_pesan"))
    links = [
        wa_url(phone, text)
        for phone, text in zip(
            with_text["contact_phone"].to_list(), with_text["_pesan"].to_list(), strict=True
        )
    ]
    return with_text.with_columns(
        pl.when(pl.col("contact_name").is_null())
        .then(pl.lit(NO_CONTACT))
        .otherwise(pl.format("{} ({})", "contact_name", "contact_phone"))
        .alias("Kontak operator"),
        pl.Series("WhatsApp", links, dtype=pl.String),
    ).drop("_pesan")


def ensure_contacts(desa: pl.DataFrame) -> pl.DataFrame:
    for column in ("contact_name", "contact_phone"):
        if column not in desa.columns:
            desa = desa.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return desa


def action_lists(
    desa: pl.DataFrame, officers: pl.DataFrame, tps: pl.DataFrame, *, deadline: str, sender: str
) -> dict[str, pl.DataFrame]:
    """Kesiapan's four "whom to call today" lists, by tab title."""
    return {
        "Desa belum mengirim": action_not_submitted(desa, deadline=deadline, sender=sender),
        "TPS kurang linmas": action_tps_short(tps, desa, sender=sender),
        "Belum BPJS": action_missing_bpjs(officers, desa, sender=sender),
        "Belum pelatihan": action_missing_training(officers, desa, sender=sender),
    }


def action_not_submitted(desa: pl.DataFrame, *, deadline: str, sender: str) -> pl.DataFrame:
    """Villages that sent no roster yet, with contact and a WhatsApp reminder."""
    rows = (
        with_intake(ensure_contacts(desa))
        .filter(~pl.col("submitted"))
        .sort("kecamatan_name", "desa_name")
    )
    reminder = pl.format(
        "Yth. operator {} {}: daftar linmas {} (kebutuhan {} linmas untuk {} TPS). "
        "Mohon diunggah di dasbor Kesiapan Linmas paling lambat {}. Terima kasih. {}",
        pl.col("desa_kind").fill_null("desa"),
        "desa_name",
        pl.when(pl.col("intake_label").is_not_null())
        .then(pl.lit("yang dikirim ditolak seluruhnya; mohon perbaiki sesuai alasan di dasbor"))
        .otherwise(pl.lit("belum kami terima")),
        pl.col("officers_required").fill_null(0),
        pl.col("tps_count").fill_null(0),
        pl.lit(deadline),
        pl.lit(sender),
    )
    return _contact(rows, reminder).select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("tps_count").alias("TPS"),
        pl.col("officers_required").alias("Kebutuhan linmas"),
        submission_word().alias("Keadaan"),
        intake_note().alias("Alasan ditolak"),
        "Kontak operator",
        "WhatsApp",
    )


def action_tps_short(tps: pl.DataFrame, desa: pl.DataFrame, *, sender: str) -> pl.DataFrame:
    """TPS without enough linmas assigned, rawan first, with the desa contact and a reminder."""
    short = with_level_label(tps.filter(~pl.col("covered")))
    per_desa = short.group_by("desa_code").agg(
        pl.format(
            "TPS {}{} kurang {}",
            "tps_number",
            pl.when(pl.col("rawan"))
            .then(pl.format(" ({})", pl.col("level_label").str.to_lowercase()))
            .otherwise(pl.lit("")),
            "shortfall",
        )
        .sort_by("tps_number")
        .str.join("; ")
        .alias("_kurang")
    )
    rows = (
        short.join(per_desa, on="desa_code", how="left")
        .join(ensure_contacts(desa).select("desa_code", "desa_kind", "contact_name",
                                            "contact_phone"), on="desa_code", how="left")
        .sort("level_rank", "kecamatan_name", "desa_name", "tps_number")
    )  # fmt: skip
    reminder = pl.format(
        "Yth. operator {} {}: linmas per TPS belum cukup ({} orang). Mohon lengkapi dan "
        "unggah ulang daftar linmas. Terima kasih. {}",
        pl.col("desa_kind").fill_null("desa"),
        "desa_name",
        "_kurang",
        pl.lit(sender),
    )
    return _contact(rows, reminder).select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("tps_number").alias("TPS"),
        pl.col("level_label").alias("Rawan"),
        pl.col("rawan_reason").fill_null("–").alias("Alasan rawan"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("officers_assigned").alias("Ditugaskan"),
        pl.col("shortfall").alias("Kurang"),
        "Kontak operator",
        "WhatsApp",
    )


def _officers_action(
    officers: pl.DataFrame, desa: pl.DataFrame, missing: pl.Expr, what: str, sender: str
) -> pl.DataFrame:
    rows = officers.filter(pl.col("counted") & missing)
    counts = rows.group_by("desa_code").agg(pl.len().alias("_n"))
    rows = (
        rows.join(counts, on="desa_code", how="left")
        .join(ensure_contacts(desa).select("desa_code", "desa_kind", "contact_name",
                                            "contact_phone"), on="desa_code", how="left")
        .sort("kecamatan_name", "desa_name", "nama")
    )  # fmt: skip
    reminder = pl.format(
        "Yth. operator {} {}: {} linmas {}. Mohon dibantu sebelum hari pemungutan suara. "
        "Terima kasih. {}",
        pl.col("desa_kind").fill_null("desa"),
        "desa_name",
        "_n",
        pl.lit(what),
        pl.lit(sender),
    )
    return _contact(rows, reminder)


def _who() -> tuple[pl.Expr, ...]:
    """Where and who, NIK masked: the first columns of every officer action list."""
    return (
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("nama").alias("Nama"),
        mask_nik_expr(pl.col("nik")).alias("NIK"),
    )


def action_missing_bpjs(officers: pl.DataFrame, desa: pl.DataFrame, *, sender: str):
    """Officers (counted once) not yet enrolled in BPJS Ketenagakerjaan, NIK/phone masked."""
    rows = _officers_action(
        officers, desa, ~pl.col("bpjs_enrolled"), "belum terdaftar BPJS Ketenagakerjaan", sender
    )
    return rows.select(*_who(), duty_place(rows), "Kontak operator", "WhatsApp")


def action_missing_training(officers: pl.DataFrame, desa: pl.DataFrame, *, sender: str):
    """Officers (counted once) who have not attended every required module."""
    rows = _officers_action(
        officers, desa, ~pl.col("trained"), "belum lengkap mengikuti pelatihan (bimtek)", sender
    )
    return rows.select(
        *_who(),
        pl.col("modules_missing").list.join(", ").alias("Modul belum diikuti"),
        pl.when(pl.col("trained_self_reported"))
        .then(pl.lit("Ya"))
        .otherwise(pl.lit("–"))
        .alias("Dilaporkan sendiri sudah"),
        "Kontak operator",
        "WhatsApp",
    )
