"""TPS assignments and duty documents for an actor: permission checks, then the store.

The pure work lives in :mod:`readiness.assignment` (assignments, coverage, findings) and
:mod:`readiness.duty_documents` (PDF/XLSX bytes); this module reads the store, checks who
asks (``readiness.permissions``), appends changes and writes the audit rows.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass

import polars as pl

from readiness import assignment, permissions
from readiness.db import Store
from readiness.db.assignments import CARD_SECRET_KEY
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.privacy import shows_personal_data
from readiness.scope import SYSTEM, Actor, Scope

DOCUMENT_FORMATS = ("sk", "kartu", "honor")


def _refuse(code: str, **fields: object) -> ReadinessError:
    return ReadinessError(text(code, **fields), code=code)


def check_desa(store: Store, desa_code: str) -> str:
    """The desa's name, or a refusal naming the code and the form wanted."""
    name = store.region_name(desa_code) if desa_code.count(".") == 3 else None
    if name is None:
        raise _refuse(code="duty_desa_unknown", desa=desa_code)
    return name


def assignments(store: Store, scope: Scope) -> pl.DataFrame:
    """The assignments in force inside ``scope`` (``Store.assignments_in_force``), ASSIGNMENT_SCHEMA."""
    frame = store.assignments_in_force(scope)
    source = pl.when(pl.col("reassigned")).then(pl.lit(assignment.SOURCE_EDITED))
    return (
        frame.select(
            *assignment.ASSIGNMENT_SCHEMA.keys() - {"source"},
            source.otherwise(pl.lit(assignment.SOURCE_ROSTER)).alias("source"),
        )
        .select(list(assignment.ASSIGNMENT_SCHEMA))
        .cast(assignment.ASSIGNMENT_SCHEMA)
    )


def tps_need(store: Store, scope: Scope) -> pl.DataFrame:
    """desa_code, tps_number, rawan, need per TPS inside ``scope``: the need is the readiness
    rule's ``officers_required`` (``Store.tps_coverage``), the one place the rule is written."""
    return store.tps_coverage(scope).select(
        "desa_code", "tps_number", "rawan", pl.col("officers_required").alias("need")
    )


@dataclass(frozen=True)
class AssignmentView:
    """What the Penugasan page and ``assign list`` show for one desa."""

    desa_code: str
    desa_name: str
    assignments: pl.DataFrame
    coverage: pl.DataFrame
    findings: pl.DataFrame


def assignment_view(store: Store, actor: Actor, desa_code: str) -> AssignmentView:
    """Assignments, coverage per TPS and findings of one desa the actor may see."""
    permissions.check_permission(actor, "view")
    name = check_desa(store, desa_code)
    permissions.check_scope(actor, desa_code)
    scope = Scope(desa_code)
    with store.reading():
        current = assignments(store, scope)
        need = tps_need(store, scope)
        villages = store.villages(scope)
    return AssignmentView(
        desa_code,
        name,
        current,
        assignment.coverage(current, need),
        assignment.duty_findings(current, need, villages=villages),
    )


def _check_writer(store: Store, actor: Actor, desa_code: str) -> None:
    """Village operator of the desa, kecamatan operator of its kecamatan, or the admin."""
    permissions.check_permission(actor, "upload")
    check_desa(store, desa_code)
    permissions.check_scope(actor, desa_code)


def _person(current: pl.DataFrame, desa_code: str, nik: str) -> dict:
    found = current.filter((pl.col("desa_code") == desa_code) & (pl.col("nik") == nik))
    if found.height == 0:
        raise _refuse(code="duty_nik_not_assigned", nik=_short(nik), desa=desa_code)
    return found.row(0, named=True)


def _short(nik: str) -> str:
    from readiness.privacy import mask_nik

    return mask_nik(nik) or "-"


def _check_tps(store: Store, desa_code: str, tps_number: int) -> None:
    """A TPS number of the desa's list (any positive number while the desa has no list)."""
    listed = store.tps(Scope(desa_code))["tps_number"].to_list()
    if tps_number < 1 or (listed and tps_number not in listed):
        known = ", ".join(str(n) for n in listed) or "-"
        raise _refuse(code="duty_tps_not_listed", tps=tps_number, known=known)


def assign(
    store: Store,
    actor: Actor,
    desa_code: str,
    nik: str,
    tps_number: int | None,
    *,
    cadangan: bool = False,
) -> dict:
    """Move one linmas to a TPS (or mark cadangan); returns the assignment now in force."""
    _check_writer(store, actor, desa_code)
    current = assignments(store, Scope(desa_code))
    person = _person(current, desa_code, nik)
    if tps_number is not None:
        _check_tps(store, desa_code, tps_number)
    change = {"desa_code": desa_code, "nik": nik, "tps_number": tps_number, "cadangan": cadangan}
    store.add_assignment_changes(actor, desa_code, [change], action="assignment.move")
    return {**person, "tps_number": tps_number, "cadangan": cadangan}


def swap(store: Store, actor: Actor, desa_code: str, nik_a: str, nik_b: str) -> int:
    """Swap the TPS (and cadangan mark) of two linmas of one desa: two change rows."""
    _check_writer(store, actor, desa_code)
    current = assignments(store, Scope(desa_code))
    _person(current, desa_code, nik_a)
    _person(current, desa_code, nik_b)
    changes = assignment.swap_changes(current, desa_code, nik_a, nik_b, dt.datetime.now(dt.UTC))
    if changes.height != 2:
        raise _refuse(code="duty_swap_same")
    rows = changes.drop("changed_at").to_dicts()
    return store.add_assignment_changes(actor, desa_code, rows, action="assignment.swap")


def assignment_list_json(view: AssignmentView, actor: Actor) -> dict:
    """The ``assign list --json`` object (NIK masked unless the role sees it on screen)."""
    show = shows_personal_data(actor.role, "screen")
    people = view.assignments.select(
        "nik" if show else pl.col("nik").map_elements(_short, return_dtype=pl.String),
        "nama",
        "tps_number",
        "cadangan",
        "source",
    )
    return {
        "desa": view.desa_code,
        "nama_desa": view.desa_name,
        "assignments": people.to_dicts(),
        "tps": view.coverage.select(
            "tps_number", "rawan", "need", "assigned", "reserve", "full"
        ).to_dicts(),
        "findings": view.findings.select("tps_number", "severity", "code", "message").to_dicts(),
    }


# -- coverage for summary --json ---------------------------------------------------------------


def assignment_summary(store: Store, scope: Scope) -> dict:
    """``assigned`` and ``tps_assigned_full``: headline and per kecamatan code.

    From the readiness rule's coverage per TPS (``Store.tps_coverage``), so ``tps_assigned_full``
    and ``tps_covered`` count the same TPS.
    """
    with store.reading():
        cover = store.tps_coverage(scope).select(
            "desa_code",
            pl.col("officers_assigned").alias("assigned"),
            pl.col("officers_required").alias("need"),
            pl.col("covered").alias("full"),
        )
        villages = store.villages(scope)
    counts = assignment.summary_counts(cover, villages)
    per = {
        row["kecamatan_code"]: {
            "assigned": row["assigned"],
            "tps_assigned_full": row["tps_assigned_full"],
        }
        for row in counts.iter_rows(named=True)
    }
    overall = {
        "assigned": int(counts["assigned"].sum()),
        "tps_assigned_full": int(counts["tps_assigned_full"].sum()),
    }
    return {"overall": overall, "kecamatan": per}


def with_extra(data: dict, extra: dict) -> dict:
    """``summary --json`` with ``extra`` (overall + per kecamatan code) added, nothing changed."""
    kecamatan = [{**row, **extra["kecamatan"].get(row["kode"], {})} for row in data["kecamatan"]]
    return {**data, **extra["overall"], "kecamatan": kecamatan}


# -- duty documents ----------------------------------------------------------------------------


def _documents():
    """:mod:`readiness.duty_documents`, imported on first use: it loads fpdf, Altair and
    vl-convert (half a second), which every other CLI command would otherwise pay at start."""
    from readiness import duty_documents

    return duty_documents


def card_secret(store: Store) -> bytes:
    """READINESS_CARD_SECRET when set, else a random secret generated once and kept in meta."""
    if os.environ.get(_documents().CARD_SECRET_ENV, "").strip():
        return _documents().card_secret()
    kept = store.meta(CARD_SECRET_KEY)
    if kept is None:
        kept = store.keep_card_secret(SYSTEM, secrets.token_urlsafe(32))
    return kept.encode("utf-8")


def duty_roster(store: Store, scope: Scope) -> pl.DataFrame:
    """:func:`assignment.duty_roster` of everyone assigned inside ``scope``."""
    with store.reading():
        officers = store.officers(scope)
        current = assignments(store, scope)
        villages = store.villages(scope)
        tps = store.tps(scope)
    return assignment.duty_roster(officers, current, villages, tps)


DOCUMENT_FILES = {
    "sk": ("lampiran-sk-{code}.pdf", "application/pdf"),
    "kartu": ("kartu-tugas-{code}.pdf", "application/pdf"),
    "honor": (
        "daftar-honor-{code}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def document_file(kind: str, scope: Scope) -> tuple[str, str]:
    """File name and MIME type of a duty document of ``scope``."""
    name, mime = DOCUMENT_FILES[kind]
    return name.format(code=scope.code), mime


@dataclass(frozen=True)
class DutyDocument:
    """Bytes to hand out, with the file name and MIME type a download button needs."""

    data: bytes
    file_name: str
    mime: str


def duty_document(
    store: Store,
    actor: Actor,
    kind: str,
    scope: Scope,
    *,
    unmasked: bool = False,
    today: dt.date | None = None,
) -> DutyDocument:
    """SK lampiran (sk), kartu tugas (kartu) or daftar honor (honor) of a desa or kecamatan.

    NIK, KPJ and bank columns are printed in full only for a role that may export them
    unmasked and asks to (``unmasked``); every document is written to the audit log.
    """
    permissions.check_permission(actor, "export")
    permissions.check_scope(actor, scope.code)
    if unmasked:
        permissions.check_permission(actor, "export_unmasked")
    if kind not in DOCUMENT_FORMATS:
        raise _refuse(code="duty_format_unknown", format=kind, allowed=", ".join(DOCUMENT_FORMATS))
    region = store.region_name(scope.code) or scope.code
    roster = duty_roster(store, scope)
    if roster.height == 0:
        document = {"sk": "lampiran SK", "kartu": "kartu tugas", "honor": "daftar honor"}[kind]
        raise _refuse(code="documents_no_officers", region=region, document=document)
    full = unmasked and shows_personal_data(actor.role, "export")
    settings = store.settings
    stem = f"{kind}-{scope.code}"
    if kind == "sk":
        place = settings.kabupaten_name.title().replace("Kabupaten ", "")
        when = today or dt.date.today()
        data = _documents().sk_lampiran_pdf(roster, settings, show_nik=full, place=place, date=when)
        made = DutyDocument(data, *document_file(kind, scope))
    elif kind == "kartu":
        data = _documents().duty_cards_pdf(
            roster, settings, show_kpj=full, secret=card_secret(store)
        )
        made = DutyDocument(data, *document_file(kind, scope))
    else:
        data = _documents().honor_xlsx(
            roster, settings, show_nik=full, show_bank=full, region_name=region
        )
        made = DutyDocument(data, *document_file(kind, scope))
    store.record_event(
        actor, f"export.{kind}", scope.code, file=stem, unmasked=full, rows=roster.height
    )
    return made


def verify_card(store: Store, code: str) -> str:
    """What the verification page says for a scanned code: the TPS and desa, nothing personal."""
    cleaned = (code or "").strip().upper()
    if not cleaned.isalnum() or len(cleaned) != 20:
        return text("card_unknown")
    roster = duty_roster(store, Scope(""))
    found = _documents().find_card(roster, card_secret(store), cleaned)
    if found is None:
        return text("card_unknown")
    duty = f"TPS {found['tps_number']}" if found["tps_number"] is not None else "cadangan"
    if found["cadangan"]:
        duty = "cadangan"
    return text("card_valid", duty=duty, desa=found.get("desa_name") or found["desa_code"])
