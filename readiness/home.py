"""The home page of each operator: *Desa saya* (one village) and *Kecamatan saya* (its villages).

Pure functions over the frames ``reports.overview`` and ``reports.readiness`` return; no I/O.
A home page never shows a chart or an "x dari 1" made for a wider scope.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from readiness import action_lists, tables
from readiness import formatting as fmt
from readiness.messages_intake import text

# What fixes each kind of gap: a page of the product (st.page_link target) and its label.
UPLOAD = ("pages/upload.py", "Unggah daftar linmas yang diperbaiki")
READINESS = ("pages/readiness.py", "Lihat siapa saja di halaman Kesiapan")
TPS_PAGE = ("pages/tps.py", "Lihat daftar TPS")


BALANCE_MESSAGES = {
    "kurang": "home_balance_short",
    "lebih": "home_balance_excess",
    "pas": "home_balance_ok",
}


@dataclass(frozen=True)
class Todo:
    """One concrete thing the village must complete, and the page that fixes it."""

    text: str
    page: str
    label: str


@dataclass(frozen=True)
class DesaHome:
    """Everything *Desa saya* shows about the operator's own village."""

    card: dict
    need: str  # "6 orang (2 per TPS × 3 TPS)"
    registered: str
    balance: str  # "kurang 1 orang" / "lebih 2 orang" / "pas"
    balance_kind: str  # "kurang" / "lebih" / "pas"
    todo: list[Todo]


def _tps_list(numbers: list[int]) -> str:
    names = [str(n) for n in sorted(numbers)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]


def desa_home(
    overview_desa: pl.DataFrame, readiness_desa: pl.DataFrame, tps: pl.DataFrame
) -> DesaHome:
    """The village's card, need vs registered and its to-do list.

    ``overview_desa``/``readiness_desa``: the one row of the village from ``reports.overview``
    and ``reports.readiness``; ``tps``: its TPS (tps_number, shortfall) from ``readiness_people``.
    """
    card = tables.own_desa_card(overview_desa)
    row = readiness_desa.row(0, named=True)
    required = int(row["officers_required"] or 0)
    registered = int(row["officers_registered"] or 0)
    diff = registered - required
    kind = "kurang" if diff < 0 else "lebih" if diff > 0 else "pas"
    balance = {
        "kurang": f"kurang {fmt.number(-diff)} orang",
        "lebih": f"lebih {fmt.number(diff)} orang",
        "pas": "pas",
    }[kind]
    todo: list[Todo] = []
    if row.get("intake_label") == text("state_attempted_failed"):
        sent = row.get("attempt_file") or "berkas"
        when = fmt.timestamp(row["attempt_at"]) if row.get("attempt_at") else ""
        todo.append(Todo(text("home_attempt_refused", file=sent, when=when,
                              reasons=(row.get("intake_note") or "—").rstrip(".")), *UPLOAD))  # fmt: skip
    elif not row["submitted"]:
        todo.append(Todo("Daftar linmas belum dikirim.", *UPLOAD))
    if card["note"]:
        todo.append(Todo(f"Kecamatan mengembalikan daftar: {card['note']}", *UPLOAD))
    if diff < 0:
        todo.append(Todo(f"{fmt.number(-diff)} linmas kurang dari kebutuhan.", *UPLOAD))
    short = tps.filter(pl.col("shortfall") > 0)["tps_number"].to_list() if tps.height else []
    if short:
        todo.append(Todo(f"TPS {_tps_list(short)} belum tercukupi.", *UPLOAD))
    no_bpjs = int(row["registered"] or 0) - int(row["bpjs_enrolled"] or 0)
    if row["submitted"] and no_bpjs > 0:
        todo.append(
            Todo(f"{fmt.number(no_bpjs)} orang belum terdaftar BPJS Ketenagakerjaan.", *READINESS)
        )
    untrained = int(row["registered"] or 0) - int(row["trained"] or 0)
    if row["submitted"] and untrained > 0:
        todo.append(Todo(f"{fmt.number(untrained)} orang belum ikut pelatihan.", *READINESS))
    return DesaHome(
        card=card,
        need=(
            f"{fmt.number(required)} orang untuk {fmt.number(row['tps_count'])} TPS"
            if row["tps_count"] is not None
            else "belum diketahui (daftar TPS belum diisi)"
        ),
        registered=f"{fmt.number(registered)} orang",
        balance=balance,
        balance_kind=kind,
        todo=todo,
    )


VERIFICATION = {
    "menunggu_verifikasi": "Menunggu verifikasi",
    "dikembalikan": "Dikembalikan",
    "terverifikasi": "Terverifikasi",
}


def kecamatan_villages(
    overview_desa: pl.DataFrame, readiness_desa: pl.DataFrame, *, deadline_passed: bool
) -> pl.DataFrame:
    """One row per village of the kecamatan, worst first, as *Kecamatan saya* shows it.

    Input: ``reports.overview(...).desa`` and ``reports.readiness(...).desa`` of the kecamatan.
    Output columns: Desa, Status, Verifikasi (nihil / a refused file when so), Keterangan,
    Terlambat, Kebutuhan, Terdaftar, Selisih, BPJS,
    Pelatihan, Kontak, WhatsApp (a wa.me link or empty).
    """
    review = overview_desa.select("desa_code", "review_status")
    rank = {"kritis": 0, "perlu perhatian": 1, "siap": 2}
    joined = tables.with_intake(readiness_desa).join(review, on="desa_code", how="left")
    joined = joined.with_columns(
        pl.col("status").replace_strict(rank, default=3, return_dtype=pl.Int8).alias("_rank"),
        (
            pl.col("officers_registered").fill_null(0) - pl.col("officers_required").fill_null(0)
        ).alias("_diff"),
    )
    late = (~pl.col("submitted").fill_null(False)) & pl.lit(deadline_passed) | (
        pl.col("submitted").fill_null(False) & ~pl.col("on_time").fill_null(True)
    )
    links = [
        action_lists.wa_url(
            phone, f"Salam, dari kecamatan: mohon lengkapi daftar linmas Desa {name}."
        )
        for phone, name in zip(joined["contact_phone"], joined["desa_name"], strict=True)
    ]
    out = joined.with_columns(pl.Series("WhatsApp", links, dtype=pl.String)).sort(
        ["_rank", "_diff", "desa_name"]
    )
    return out.select(
        pl.col("desa_name").alias("Desa"),
        pl.col("status")
        .replace_strict(tables.READINESS_STATUS_LABELS, default="—")
        .alias("Status"),
        pl.when(pl.col("intake_label").is_not_null())
        .then(tables.submission_word())  # nihil, or a refused file until a good one arrives
        .when(pl.col("submitted").fill_null(False))
        .then(pl.col("review_status").replace_strict(VERIFICATION, default="—"))
        .otherwise(pl.lit("Belum mengirim"))
        .alias("Verifikasi"),
        tables.intake_note().alias("Keterangan"),
        pl.when(late).then(pl.lit("ya")).otherwise(pl.lit("tidak")).alias("Terlambat"),
        pl.col("officers_required").fill_null(0).alias("Kebutuhan"),
        pl.col("officers_registered").fill_null(0).alias("Terdaftar"),
        pl.when(pl.col("_diff") < 0)
        .then(pl.format("kurang {}", -pl.col("_diff")))
        .when(pl.col("_diff") > 0)
        .then(pl.format("lebih {}", pl.col("_diff")))
        .otherwise(pl.lit("pas"))
        .alias("Selisih"),
        pl.format(
            "{} dari {}", pl.col("bpjs_enrolled").fill_null(0), pl.col("registered").fill_null(0)
        ).alias("BPJS"),
        pl.format(
            "{} dari {}", pl.col("trained").fill_null(0), pl.col("registered").fill_null(0)
        ).alias("Pelatihan"),
        pl.col("contact_name").fill_null(action_lists.NO_CONTACT).alias("Kontak"),
        "WhatsApp",
    )


def waiting_count(overview_desa: pl.DataFrame) -> int:
    """How many villages' latest list waits for the kecamatan's verification."""
    return overview_desa.filter(
        pl.col("submitted").fill_null(False) & (pl.col("review_status") == "menunggu_verifikasi")
    ).height
