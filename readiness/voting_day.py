"""Voting-day attendance: who stands at each TPS, substitutes, and the head's live counts.

From ``attendance_from_hour`` (WIB) on voting day the village operator marks each assigned
linmas hadir, tidak_hadir or diganti (replaced by a substitute whose name and NIK are checked
like a roster row). Marks are appended, never updated: the newest per person wins, and a
second mark for a person is a correction that needs a reason. A TPS is *terjaga* when at
least its need (the readiness rule's ``officers_required``: officers_per_tps plus the rawan
extra) stands there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from readiness import assignment, permissions
from readiness.db import WIB, Store, now_wib
from readiness.duty import _check_writer, _refuse, assignments, tps_need
from readiness.scope import Actor, Scope

STATUSES = ("hadir", "tidak_hadir", "diganti")
STATUS_WORDS = {"hadir": "hadir", "tidak_hadir": "tidak hadir", "diganti": "diganti"}


def is_voting_day(settings, now: dt.datetime) -> bool:
    """Whether ``now`` (any zone) falls on the voting date in WIB."""
    return now.astimezone(WIB).date() == settings.voting_date


def attendance_open(settings, now: dt.datetime) -> bool:
    """Marking is open on voting day from ``attendance_from_hour`` WIB."""
    local = now.astimezone(WIB)
    return is_voting_day(settings, now) and local.hour >= settings.attendance_from_hour


def _check_open(store: Store, now: dt.datetime) -> None:
    if not attendance_open(store.settings, now):
        from readiness import formatting as fmt

        raise _refuse(
            code="attendance_not_open",
            date=fmt.date(store.settings.voting_date),
            hour=f"{store.settings.attendance_from_hour:02d}.00",
        )


@dataclass(frozen=True)
class Substitute:
    """A substitute checked on the spot: the NIK as stored and what to flag (never refused)."""

    nik: str
    name: str
    flags: tuple[str, ...]


def check_substitute(store: Store, desa_code: str, nik: str | None, name: str | None) -> Substitute:
    """Check name and NIK like a roster row (validation's NIK rules); flag no BPJS / training.

    A NIK or name that a roster upload would reject is refused with the same message.
    """
    from readiness import ingest, validation
    from readiness.roster import roster_context

    name = (name or "").strip()
    raw_nik = (nik or "").strip()
    if not name or not raw_nik:
        raise _refuse(code="attendance_substitute_missing")
    raw = ingest.RawTable(
        frame=pl.DataFrame(
            {
                "Nama": [name],
                "NIK": [raw_nik],
                "Jenis Kelamin": [None],
                "Tanggal Lahir": [None],
                ingest.ROW_COLUMN: [1],
            },
            schema={
                "Nama": pl.String,
                "NIK": pl.String,
                "Jenis Kelamin": pl.String,
                "Tanggal Lahir": pl.String,
                ingest.ROW_COLUMN: pl.Int64,
            },
        )
    )
    mapping = {
        "Nama": "nama",
        "NIK": "nik",
        "Jenis Kelamin": "jenis_kelamin",
        "Tanggal Lahir": "tanggal_lahir",
    }
    verdict = validation.validate_roster(raw, roster_context(store, desa_code), mapping)
    person_rules = pl.col("column").is_in(["nik", "nama"])
    errors = verdict.findings.filter(person_rules & (pl.col("severity") == "error"))
    if errors.height:
        raise _refuse(code="attendance_substitute_invalid", problem=errors["message"][0])
    stored_nik = verdict.officers["nik"][0] if verdict.officers.height else raw_nik
    officers = store.officers(Scope(desa_code[:8]))
    known = officers.filter(pl.col("nik") == stored_nik)
    flags: list[str] = []
    modules = store.settings.training_modules
    if known.height == 0 or not known["bpjs_enrolled"][0]:
        flags.append("substitute_no_bpjs")
    attended = set(known["modules_attended"][0]) if known.height else set()
    if not set(modules) <= attended:
        flags.append("substitute_not_trained")
    return Substitute(stored_nik, name, tuple(flags))


@dataclass(frozen=True)
class MarkResult:
    """How many marks were stored, and the flags raised about substitutes."""

    stored: int
    flags: tuple[str, ...] = ()


def _assigned_at(store: Store, desa_code: str, tps_number: int) -> pl.DataFrame:
    current = assignments(store, Scope(desa_code))
    return current.filter(
        (pl.col("tps_number") == tps_number)
        & ~pl.col("cadangan")
        & (pl.col("desa_code") == desa_code)
    )


def _check_marks(
    store: Store, desa_code: str, marks: list[dict], *, previous: pl.DataFrame
) -> tuple[list[dict], tuple[str, ...]]:
    """Each mark checked (person assigned there, status, substitute, reason for a correction)."""
    current = assignments(store, Scope(desa_code))
    guards = current.filter(~pl.col("cadangan"))
    marked = set(previous["nik"].to_list())
    checked: list[dict] = []
    flags: list[str] = []
    for mark in marks:
        status = (mark.get("status") or "").strip().lower().replace(" ", "_")
        if status not in STATUSES:
            raise _refuse(code="attendance_status_unknown", status=mark.get("status") or "")
        nik = (mark.get("nik") or "").strip()
        tps = mark["tps_number"]
        at_tps = guards.filter((pl.col("nik") == nik) & (pl.col("tps_number") == tps))
        if at_tps.height == 0:
            from readiness.privacy import mask_nik

            raise _refuse(code="attendance_not_assigned", nik=mask_nik(nik) or "-", tps=tps)
        reason = (mark.get("correction_reason") or "").strip() or None
        if nik in marked and reason is None:
            raise _refuse(code="attendance_reason_needed", nama=at_tps["nama"][0], tps=tps)
        row = {"tps_number": tps, "nik": nik, "status": status, "correction_reason": reason}
        if status == "diganti":
            sub = check_substitute(
                store, desa_code, mark.get("substitute_nik"), mark.get("substitute_name")
            )
            row |= {"substitute_nik": sub.nik, "substitute_name": sub.name}
            flags += sub.flags
        checked.append(row)
    return checked, tuple(dict.fromkeys(flags))


def mark(
    store: Store,
    actor: Actor,
    desa_code: str,
    marks: list[dict],
    *,
    now: dt.datetime | None = None,
) -> MarkResult:
    """Store attendance marks of one desa: all checked first, then one transaction, audited.

    Each mark: tps_number, nik, status, optional substitute_nik, substitute_name,
    correction_reason (required when the person was marked before).
    """
    now = now or now_wib()
    _check_writer(store, actor, desa_code)
    _check_open(store, now)
    previous = store.attendance_day(Scope(desa_code))
    checked, flags = _check_marks(store, desa_code, marks, previous=previous)
    stored = store.add_attendance_day(actor, desa_code, checked, at=now)
    return MarkResult(stored, flags)


def mark_all_present(
    store: Store,
    actor: Actor,
    desa_code: str,
    tps_number: int,
    *,
    now: dt.datetime | None = None,
) -> MarkResult:
    """ "Semua hadir di TPS ini": every assigned linmas of the TPS not yet marked is hadir."""
    now = now or now_wib()
    _check_writer(store, actor, desa_code)
    _check_open(store, now)
    previous = store.attendance_day(Scope(desa_code))
    guards = _assigned_at(store, desa_code, tps_number)
    todo = guards.join(previous.select("nik"), on="nik", how="anti")
    if todo.height == 0:
        raise _refuse(code="attendance_nothing_to_mark", tps=tps_number)
    marks = [{"tps_number": tps_number, "nik": n, "status": "hadir"} for n in todo["nik"]]
    checked, _ = _check_marks(store, desa_code, marks, previous=previous)
    return MarkResult(store.add_attendance_day(actor, desa_code, checked, at=now))


IMPORT_COLUMNS = {
    "tps": "tps_number",
    "nomor_tps": "tps_number",
    "nik": "nik",
    "status": "status",
    "nik_pengganti": "substitute_nik",
    "nama_pengganti": "substitute_name",
    "alasan": "correction_reason",
    "alasan_koreksi": "correction_reason",
}


def import_marks(
    store: Store,
    actor: Actor,
    desa_code: str,
    data: bytes,
    file_name: str,
    *,
    now: dt.datetime | None = None,
) -> MarkResult:
    """Marks from a CSV/XLSX (tps, nik, status, nik_pengganti, nama_pengganti, alasan).

    Every row is checked before anything is stored; one bad row stores nothing.
    """
    from readiness import ingest

    table = ingest.read_table(data, file_name).frame
    renamed = {}
    for column in table.columns:
        key = "_".join(column.strip().lower().replace(".", " ").split())
        if key in IMPORT_COLUMNS and IMPORT_COLUMNS[key] not in renamed.values():
            renamed[column] = IMPORT_COLUMNS[key]
    missing = {"tps_number", "nik", "status"} - set(renamed.values())
    if missing:
        raise _refuse(code="attendance_import_columns", file=file_name)
    marks = []
    for row in table.rename(renamed).iter_rows(named=True):
        tps = (row.get("tps_number") or "").strip()
        if not tps.isdigit():
            raise _refuse(code="attendance_import_tps", row=row[ingest.ROW_COLUMN], value=tps)
        marks.append({**row, "tps_number": int(tps)})
    return mark(store, actor, desa_code, marks, now=now)


# -- the head's view ---------------------------------------------------------------------------


def attendance_frame(store: Store, scope: Scope) -> pl.DataFrame:
    """Per assigned guard of the scope: desa_code, tps_number, nik, nama and the latest mark."""
    current = assignments(store, scope).filter(
        ~pl.col("cadangan") & pl.col("tps_number").is_not_null()
    )
    marks = store.attendance_day(scope)
    return current.join(
        marks.select(
            "desa_code",
            "nik",
            "status",
            "substitute_nik",
            "substitute_name",
            "reported_at",
            pl.col("tps_number").alias("marked_tps"),
        ),
        on=["desa_code", "nik"],
        how="left",
    ).filter(pl.col("marked_tps").is_null() | (pl.col("marked_tps") == pl.col("tps_number")))


def tps_attendance(store: Store, scope: Scope) -> pl.DataFrame:
    """Per TPS of the list: need, present (hadir + diganti), substitutes, guarded."""
    people = attendance_frame(store, scope)
    need = tps_need(store, scope)
    counted = people.group_by("desa_code", "tps_number").agg(
        pl.col("status").is_in(["hadir", "diganti"]).sum().cast(pl.Int64).alias("present"),
        (pl.col("status") == "diganti").sum().cast(pl.Int64).alias("substitutes"),
        pl.col("status").is_not_null().sum().cast(pl.Int64).alias("marked"),
        pl.col("reported_at").max().alias("last_report"),
    )
    return (
        need.join(counted, on=["desa_code", "tps_number"], how="left")
        .with_columns(pl.col("present", "substitutes", "marked").fill_null(0))
        .with_columns((pl.col("present") >= pl.col("need")).alias("guarded"))
        .sort("desa_code", "tps_number")
    )


def kecamatan_voting_day(
    store: Store,
    scope: Scope,
    *,
    now: dt.datetime,
    per_tps: pl.DataFrame | None = None,
    villages: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per kecamatan: tps_total, tps_guarded, rawan_total, rawan_guarded, present,
    substitutes, desa_total, desa_reported; rawan gaps first, then fewest guarded.

    per_tps (:func:`tps_attendance`) and villages, when the caller has them, are not read again.
    """
    with store.reading():
        per_tps = tps_attendance(store, scope) if per_tps is None else per_tps
        villages = store.villages(scope) if villages is None else villages
        desas = desa_reports(store, scope, now=now, per_tps=per_tps, villages=villages)
    joined = per_tps.join(villages.select("desa_code", "kecamatan_code"), on="desa_code")
    counts = joined.group_by("kecamatan_code").agg(
        pl.len().cast(pl.Int64).alias("tps_total"),
        pl.col("guarded").sum().cast(pl.Int64).alias("tps_guarded"),
        pl.col("rawan").sum().cast(pl.Int64).alias("rawan_total"),
        (pl.col("rawan") & pl.col("guarded")).sum().cast(pl.Int64).alias("rawan_guarded"),
        pl.col("present").sum().cast(pl.Int64).alias("present"),
        pl.col("substitutes").sum().cast(pl.Int64).alias("substitutes"),
    )
    reported = desas.group_by("kecamatan_code").agg(
        pl.len().cast(pl.Int64).alias("desa_total"),
        pl.col("last_report").is_not_null().sum().cast(pl.Int64).alias("desa_reported"),
    )
    names = villages.select("kecamatan_code", "kecamatan_name").unique()
    zero = ["tps_total", "tps_guarded", "rawan_total", "rawan_guarded", "present", "substitutes"]
    return (
        names.join(counts, on="kecamatan_code", how="left")
        .join(reported, on="kecamatan_code", how="left")
        .with_columns(pl.col(*zero, "desa_total", "desa_reported").fill_null(0))
        .with_columns((pl.col("rawan_total") - pl.col("rawan_guarded")).alias("rawan_open"))
        .sort(
            ["rawan_open", "tps_guarded", "kecamatan_code"],
            descending=[True, False, False],
        )
    )


def desa_reports(
    store: Store,
    scope: Scope,
    *,
    now: dt.datetime,
    per_tps: pl.DataFrame | None = None,
    villages: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per desa with a TPS: kecamatan_code, desa_code, desa_name, tps_total, tps_guarded,
    last_report, late (no report by ``attendance_report_by_hour`` WIB on voting day).
    """
    per_tps = tps_attendance(store, scope) if per_tps is None else per_tps
    villages = store.villages(scope) if villages is None else villages
    by_desa = per_tps.group_by("desa_code").agg(
        pl.len().cast(pl.Int64).alias("tps_total"),
        pl.col("guarded").sum().cast(pl.Int64).alias("tps_guarded"),
        pl.col("last_report").max().alias("last_report"),
    )
    deadline_passed = is_voting_day(store.settings, now) and (
        now.astimezone(WIB).hour >= store.settings.attendance_report_by_hour
    )
    return (
        villages.select("kecamatan_code", "kecamatan_name", "desa_code", "desa_name")
        .join(by_desa, on="desa_code", how="inner")
        .with_columns((pl.col("last_report").is_null() & pl.lit(deadline_passed)).alias("late"))
        .sort("kecamatan_code", "desa_code")
    )


def voting_day_summary(store: Store, scope: Scope, *, now: dt.datetime) -> dict:
    """``tps_guarded``, ``present``, ``substitutes``, ``desa_reported``: headline and per kecamatan."""
    counts = kecamatan_voting_day(store, scope, now=now)
    keys = ("tps_guarded", "present", "substitutes", "desa_reported")
    per = {row["kecamatan_code"]: {k: row[k] for k in keys} for row in counts.iter_rows(named=True)}
    overall = {k: int(counts[k].sum()) for k in keys}
    return {"overall": overall, "kecamatan": per}


def check_reader(actor: Actor, scope: Scope) -> None:
    """The head, an operator or the admin reading counts inside their own region."""
    permissions.check_permission(actor, "view")
    permissions.check_scope(actor, scope.code)


@dataclass(frozen=True)
class HeadView:
    """The head's voting-day screen: headline counts and three tables with Indonesian headers."""

    tps_total: int
    tps_guarded: int
    present: int
    substitutes: int
    desa_total: int
    desa_reported: int
    kecamatan: pl.DataFrame
    desa: pl.DataFrame
    late: pl.DataFrame


def head_view(store: Store, actor: Actor, scope: Scope, *, now: dt.datetime) -> HeadView:
    """TPS terjaga per kecamatan (rawan gaps first), last report per desa, late desa with wa.me."""
    from readiness import formatting as fmt
    from readiness.action_lists import wa_url
    from readiness.messages import text

    check_reader(actor, scope)
    with store.reading():
        per_tps = tps_attendance(store, scope)
        villages = store.villages(scope)
        known = {"per_tps": per_tps, "villages": villages}
        per_kecamatan = kecamatan_voting_day(store, scope, now=now, **known)
        desas = desa_reports(store, scope, now=now, **known)
        contacts = store.operator_contacts(scope)
    kecamatan = per_kecamatan.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.format("{} dari {}", "tps_guarded", "tps_total").alias("TPS terjaga"),
        pl.format("{} dari {}", "rawan_guarded", "rawan_total").alias("TPS rawan terjaga"),
        pl.col("present").alias("Linmas hadir"),
        pl.col("substitutes").alias("Pengganti"),
        pl.format("{} dari {}", "desa_reported", "desa_total").alias("Desa melapor"),
    )
    shown = desas.with_columns(
        pl.col("last_report")
        .map_elements(lambda t: fmt.timestamp(t), return_dtype=pl.String)
        .fill_null("belum melapor")
        .alias("last_text")
    )
    desa = shown.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/kelurahan"),
        pl.format("{} dari {}", "tps_guarded", "tps_total").alias("TPS terjaga"),
        pl.col("last_text").alias("Laporan terakhir"),
    )
    late_rows = desas.filter(pl.col("late")).join(contacts, on="desa_code", how="left")
    links = [
        wa_url(row["contact_phone"], text("voting_day_late_message", desa=row["desa_name"]))
        for row in late_rows.iter_rows(named=True)
    ]
    late = late_rows.select(
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/kelurahan"),
        pl.col("contact_name").fill_null("belum ada kontak").alias("Operator"),
    ).with_columns(pl.Series("WhatsApp", links, dtype=pl.String))
    return HeadView(
        tps_total=int(per_kecamatan["tps_total"].sum()),
        tps_guarded=int(per_kecamatan["tps_guarded"].sum()),
        present=int(per_kecamatan["present"].sum()),
        substitutes=int(per_kecamatan["substitutes"].sum()),
        desa_total=int(per_kecamatan["desa_total"].sum()),
        desa_reported=int(per_kecamatan["desa_reported"].sum()),
        kecamatan=kecamatan,
        desa=desa,
        late=late,
    )


@dataclass(frozen=True)
class TpsSheet:
    """What the village operator marks at one TPS: its guards and their latest mark."""

    tps_number: int
    need: int
    people: pl.DataFrame  # nik, nama, status (Indonesian word or "belum ditandai")


def village_sheets(store: Store, actor: Actor, desa_code: str) -> list[TpsSheet]:
    """One sheet per TPS of the desa's list with the guards assigned there."""
    check_reader(actor, Scope(desa_code))
    people = attendance_frame(store, Scope(desa_code))
    need = tps_attendance(store, Scope(desa_code))
    sheets = []
    for row in need.iter_rows(named=True):
        here = people.filter(pl.col("tps_number") == row["tps_number"]).select(
            "nik",
            "nama",
            pl.col("status")
            .replace_strict(STATUS_WORDS, default="belum ditandai")
            .fill_null("belum ditandai")
            .alias("status"),
            pl.col("substitute_name"),
        )
        sheets.append(TpsSheet(row["tps_number"], row["need"], here))
    return sheets


# -- apel recap sheets -------------------------------------------------------------------------

ASSIGNMENT_SHEET = "Penugasan TPS"
ATTENDANCE_SHEET = "Kehadiran Hari H"


def recap_sheets(store: Store, scope: Scope) -> dict[str, pl.DataFrame]:
    """Per TPS: assignment against need, and (once marked) attendance; only sheets with data.

    No personal numbers: names of people are not listed, only counts per TPS.
    """
    from readiness import formatting as fmt

    with store.reading():
        current = assignments(store, scope)
        need = tps_need(store, scope)
        villages = store.villages(scope)
        marks = store.attendance_day(scope)
    if current.height == 0 or need.height == 0:
        return {}
    cover = assignment.coverage(current, need)
    names = villages.select(
        "desa_code",
        pl.col("kecamatan_name").alias("Kecamatan"),
        pl.col("desa_name").alias("Desa/Kelurahan"),
    )
    sheets = {
        ASSIGNMENT_SHEET: cover.join(names, on="desa_code").select(
            "Kecamatan",
            "Desa/Kelurahan",
            pl.col("tps_number").alias("TPS"),
            pl.col("rawan").alias("Rawan"),
            pl.col("need").alias("Kebutuhan"),
            pl.col("assigned").alias("Ditugaskan"),
            pl.col("reserve").alias("Cadangan"),
            pl.col("full").alias("Lengkap"),
        )
    }
    if marks.height:
        per_tps = tps_attendance(store, scope).join(names, on="desa_code")
        sheets[ATTENDANCE_SHEET] = per_tps.select(
            "Kecamatan",
            "Desa/Kelurahan",
            pl.col("tps_number").alias("TPS"),
            pl.col("rawan").alias("Rawan"),
            pl.col("need").alias("Kebutuhan"),
            pl.col("present").alias("Hadir"),
            pl.col("substitutes").alias("Pengganti"),
            pl.col("guarded").alias("Terjaga"),
            pl.col("last_report")
            .map_elements(fmt.timestamp, return_dtype=pl.String)
            .fill_null("belum melapor")
            .alias("Laporan terakhir"),
        )
    return sheets
