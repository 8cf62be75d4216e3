"""Recap exports for the apel: one dataset (:class:`Recap`) rendered as PDF, XLSX or CSV bytes.

``build_recap`` gathers every figure once from the same reports the dashboard shows; the
renderers (``export_pdf``, ``export_xlsx``, :func:`csv_bytes`) only lay it out. ``export``
checks the caller's region, renders and writes one audit row (who, what, when).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness import formatting as fmt
from readiness import privacy, reports, spreadsheet
from readiness.db import Actor, Store, now_wib
from readiness.errors import AccessDenied, ReadinessError
from readiness.export_recap import Recap
from readiness.kabupaten_regions import area_name
from readiness.messages import text
from readiness.permissions import check_permission
from readiness.rawan import with_level_label
from readiness.scope import Scope
from readiness.spreadsheet import FORMULA_STARTS, neutralise  # noqa: F401 - re-exported

FORMATS = ("pdf", "xlsx", "csv")
MIME = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
YES_NO = {True: "Ya", False: "Tidak"}


# -- pure figures and sheets (Indonesian headers, typed values) -------------------------------


def headline(overview_summary: dict, readiness_summary: dict) -> dict:
    """The figures of ``summary --json`` (overview, then readiness keys) in one dict.

    Overview keys win where both exist, so "Linmas terdaftar" is the Ringkasan page's figure.
    """
    return {**readiness_summary, **overview_summary}


def duplicates(officers: pl.DataFrame) -> pl.DataFrame:
    """Officers whose NIK is listed twice, or whose name and birth date match another NIK's.

    officers: nik, nama, tanggal_lahir (real, unmasked NIKs: masked ones look alike).
    Adds duplicate_kind.
    """
    name = pl.col("nama").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    same_nik = pl.col("nik").is_duplicated()
    same_person = (
        pl.struct(name, "tanggal_lahir").is_duplicated() & pl.col("tanggal_lahir").is_not_null()
    )
    return (
        officers.filter(same_nik | same_person)
        .with_columns(
            pl.when(same_nik)
            .then(pl.lit("NIK sama"))
            .otherwise(pl.lit("Nama dan tanggal lahir sama"))
            .alias("duplicate_kind")
        )
        .sort("duplicate_kind", "nik", "nama")
    )


def _mask(officers: pl.DataFrame, unmasked: bool) -> pl.DataFrame:
    if unmasked:
        return officers
    return officers.with_columns(
        privacy.mask_nik_expr("nik").alias("nik"), privacy.mask_phone_expr("no_hp").alias("no_hp")
    )


def _yes_no(column: str) -> pl.Expr:
    return pl.col(column).replace_strict(YES_NO, default=None, return_dtype=pl.String)


def _wib(column: str) -> pl.Expr:
    """A timestamp as naive WIB wall-clock time (what people read and what Excel stores)."""
    return pl.col(column).dt.convert_time_zone("Asia/Jakarta").dt.replace_time_zone(None)


def _round(column: str) -> pl.Expr:
    return pl.col(column).round(1)


def kecamatan_sheet(kecamatan: pl.DataFrame) -> pl.DataFrame:
    """Per Kecamatan; columns ending in % hold 0–100 (capped at each desa's requirement).

    kecamatan: ``metrics.kecamatan_readiness`` plus submission_state, desa_late and
    officers_registered of ``metrics.kecamatan_overview`` (the Ringkasan page's figures).
    """
    return kecamatan.select(
        pl.col("kecamatan_code").alias("Kode"),
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("submission_state").str.to_titlecase().alias("Pengiriman"),
        pl.col("desa_total").alias("Desa/kel."),
        pl.col("desa_submitted").alias("Mengirim"),
        pl.col("desa_late").alias("Terlambat"),
        pl.col("tps_count").alias("TPS"),
        pl.col("tps_covered").alias("TPS tercakup"),
        pl.col("rawan_uncovered").alias("Rawan tak tercakup"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("officers_registered").alias("Terdaftar"),
        pl.col("bpjs_enrolled").alias("BPJS"),
        pl.col("trained").alias("Pelatihan lengkap"),
        pl.col("ready").alias("Siap"),
        _round("registered_rate").alias("Keterisian %"),
        _round("bpjs_rate").alias("BPJS %"),
        _round("trained_rate").alias("Pelatihan %"),
        _round("ready_rate").alias("Siap %"),
        pl.col("status").alias("Kesiapan"),
        pl.col("main_gap").alias("Kekurangan utama"),
    )


def desa_sheet(desa: pl.DataFrame) -> pl.DataFrame:
    """Per Desa: the CSV export and the Excel sheet. desa: ``Readiness.desa``."""
    return desa.select(
        pl.col("kecamatan_code").alias("Kode kecamatan"),
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_code").alias("Kode desa"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("desa_kind").str.to_titlecase().alias("Jenis"),
        pl.col("tps_count").alias("TPS"),
        pl.col("rawan_count").alias("TPS rawan"),
        pl.col("tps_covered").alias("TPS tercakup"),
        pl.col("officers_required").alias("Kebutuhan"),
        pl.col("registered").alias("Terdaftar"),
        pl.col("bpjs_enrolled").alias("BPJS"),
        pl.col("trained").alias("Pelatihan lengkap"),
        pl.col("ready").alias("Siap"),
        _round("ready_rate").alias("Siap %"),
        pl.col("status").alias("Kesiapan"),
        _yes_no("submitted").alias("Mengirim"),
        _wib("first_uploaded_at").alias("Pertama mengirim"),
        _wib("last_uploaded_at").alias("Terakhir mengirim"),
        pl.when(pl.col("on_time").is_null())
        .then(pl.lit("Belum mengirim"))
        .when(pl.col("on_time"))
        .then(pl.lit("Tepat waktu"))
        .otherwise(pl.lit("Terlambat"))
        .alias("Ketepatan"),
    ).sort("Kode desa")


def _person_columns() -> list[pl.Expr]:
    return [
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
        pl.col("nama").alias("Nama"),
        pl.col("nik").alias("NIK"),
        pl.col("no_hp").alias("No. HP"),
        pl.col("nomor_tps").cast(pl.Int64).alias("TPS"),
    ]


def officer_sheets(officers: pl.DataFrame, *, unmasked: bool = False) -> dict[str, pl.DataFrame]:
    """Belum BPJS, Belum Pelatihan and Duplikat; NIK and phone masked unless ``unmasked``.

    officers: ``People.officers`` (officer states with kecamatan_name, desa_name).
    """
    named = officers.sort("desa_code", "row_number")
    doubles = _mask(duplicates(named), unmasked)
    named = _mask(named, unmasked)
    return {
        "Belum BPJS": named.filter(~pl.col("bpjs_enrolled")).select(_person_columns()),
        "Belum Pelatihan": named.filter(~pl.col("trained")).select(
            *_person_columns(),
            pl.col("modules_missing").list.join(", ").alias("Modul belum diikuti"),
        ),
        "Duplikat": doubles.select(
            pl.col("duplicate_kind").alias("Jenis"),
            *_person_columns(),
            pl.col("tanggal_lahir").alias("Tanggal lahir"),
        ),
    }


def tps_short_sheet(tps: pl.DataFrame) -> pl.DataFrame:
    """TPS Kurang: every TPS with fewer assigned linmas than needed, rawan first.

    tps: ``People.tps`` (``Store.tps_coverage`` with names).
    """
    return (
        with_level_label(tps.filter(~pl.col("covered")))
        .sort("level_rank", "desa_code", "tps_number")
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("tps_number").alias("TPS"),
            pl.col("level_label").alias("Rawan"),
            pl.col("rawan_reason").alias("Alasan rawan"),
            pl.col("officers_required").alias("Kebutuhan"),
            pl.col("officers_assigned").alias("Linmas ditugaskan"),
            pl.col("shortfall").alias("Kurang"),
        )
    )


def not_submitted_sheet(desa: pl.DataFrame) -> pl.DataFrame:
    """Belum Mengirim: the villages still silent."""
    return (
        desa.filter(~pl.col("submitted"))
        .sort("desa_code")
        .select(
            pl.col("kecamatan_name").alias("Kecamatan"),
            pl.col("desa_code").alias("Kode desa"),
            pl.col("desa_name").alias("Desa/Kelurahan"),
            pl.col("desa_kind").str.to_titlecase().alias("Jenis"),
            pl.col("tps_count").alias("TPS"),
            pl.col("officers_required").alias("Kebutuhan"),
        )
    )


# -- assembling -------------------------------------------------------------------------------


def region_title(store: Store, scope: Scope) -> str:
    """The region in words: the kabupaten, or "Kecamatan Curup, Kabupaten Rejang Lebong"."""
    # Province instance: the region's own kabupaten, not always the home one.
    kabupaten = area_name(store, scope)
    if scope.level in ("nasional", "provinsi", "kabupaten"):
        return kabupaten
    name = store.region_name(scope.code) or scope.code
    level = "Kecamatan" if scope.level == "kecamatan" else "Desa/Kelurahan"
    return f"{level} {name}, {kabupaten}"


def _signature(settings, scope: Scope) -> tuple[str, str, str]:
    """The signatory of the settings signs the home kabupaten; another one gets blank lines."""
    if scope.level in ("nasional", "provinsi") or Scope(settings.kabupaten_code).covers(scope.code):
        return (settings.signature_title, settings.signature_name, settings.signature_nip)
    return (settings.signature_title, "(nama pejabat)", "(NIP)")  # not ours to sign


def build_recap(store: Store, scope: Scope, *, now: dt.datetime, unmasked: bool = False) -> Recap:
    """Every figure of one export, from the same reports the dashboard pages show."""
    settings = store.settings
    view = reports.overview(store, scope)
    ready = reports.readiness(store, scope, now.astimezone(fmt.WIB).date())
    kecamatan = ready.kecamatan.join(
        view.kecamatan.select(
            "kecamatan_code", "submission_state", "desa_late", "officers_registered"
        ),
        on="kecamatan_code",
        how="left",
    )
    rows = reports.readiness_people(store, scope)
    people = officer_sheets(rows.officers, unmasked=unmasked)
    sheets = {
        "Per Kecamatan": kecamatan_sheet(kecamatan),
        "Per Desa": desa_sheet(ready.desa),
        "Belum Mengirim": not_submitted_sheet(ready.desa),
        "Belum BPJS": people["Belum BPJS"],
        "Belum Pelatihan": people["Belum Pelatihan"],
        "TPS Kurang": tps_short_sheet(rows.tps),
        "Duplikat": people["Duplikat"],
    }
    from readiness.voting_day import recap_sheets

    sheets.update(recap_sheets(store, scope))  # assignment and voting-day sheets, when data exists
    return Recap(
        title="Rekap Kesiapan Linmas",
        region_name=region_title(store, scope),
        kabupaten_name=area_name(store, scope),  # the scope's own kabupaten
        election_name=settings.election_name,
        voting_date=settings.voting_date,
        generated_at=now,
        as_of=view.as_of,
        scope=scope,
        unmasked=unmasked,
        demo=store.meta("mode") == "demo",
        headline=headline(view.summary, ready.summary),
        kecamatan_raw=kecamatan,
        sheets=sheets,
        signature=_signature(settings, scope),
        **_plan_fields(store, ready),
    )


def _plan_fields(store: Store, ready: reports.Readiness) -> dict:
    """The H-n plan's headline and milestone table for the apel PDF."""
    from readiness import plan, plan_progress

    status = plan_progress.plan_status(store, ready)
    return {"plan_headline": status.headline, "milestones": plan.milestone_table(status.counts)}


# -- CSV ----------------------------------------------------------------------------------------


def csv_bytes(frame: pl.DataFrame, *, separator: str = ",") -> bytes:
    """The recap CSV through the one safe writer (BOM; ``;`` also writes decimal commas)."""
    return spreadsheet.csv_bytes(frame, separator=separator)


# -- one export, audited ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """What a download button or the CLI writes: bytes, a file name and a MIME type."""

    data: bytes
    file_name: str
    mime: str


def file_name(recap: Recap, kind: str, *, now: dt.datetime | None = None) -> str:
    """``rekap_linmas_17.02_20241120-1405.pdf``: region code and WIB time, sortable."""
    stamp = (now or recap.generated_at).astimezone(fmt.WIB).strftime("%Y%m%d-%H%M")
    region = recap.scope.code or "semua"
    suffix = "_per_desa" if kind == "csv" else ""
    return f"rekap_linmas_{region}{suffix}_{stamp}.{kind}"


def render(recap: Recap, kind: str, *, separator: str = ",") -> bytes:
    """The bytes of one format."""
    if kind == "pdf":
        from readiness.export_pdf import pdf_bytes

        return pdf_bytes(recap)
    if kind == "xlsx":
        from readiness.export_xlsx import xlsx_bytes

        return xlsx_bytes(recap)
    if kind == "csv":
        return csv_bytes(recap.sheets["Per Desa"], separator=separator)
    msg = text("export_format_unknown", kind=repr(kind), formats=", ".join(FORMATS))
    raise ReadinessError(msg, code="export_format_unknown")


def export(
    store: Store,
    actor: Actor,
    kind: str,
    scope: Scope,
    *,
    now: dt.datetime | None = None,
    unmasked: bool = False,
    separator: str = ",",
    recap: Recap | None = None,
) -> ExportFile:
    """Check the region, render one format and record it in the audit log (who, what, when)."""
    check_permission(actor, "export")  # the recap names linmas: not for security partners
    if not actor.scope.covers(scope.code):
        region = scope.code or "semua"
        msg = text("export_scope_denied", username=actor.username, region=region)
        raise AccessDenied(msg)
    if unmasked and not privacy.shows_personal_data(actor.role, "export"):
        msg = text("unmasked_export_denied", role=actor.role)
        raise AccessDenied(msg)
    recap = recap or build_recap(store, scope, now=now or now_wib(), unmasked=unmasked)
    data = render(recap, kind, separator=separator)
    name = file_name(recap, kind)
    store.record_event(
        actor,
        f"export.{kind}",
        scope.code,
        file_name=name,
        unmasked=recap.unmasked,
        bytes=len(data),
    )
    return ExportFile(data, name, MIME[kind])
