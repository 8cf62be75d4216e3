"""BPJS Ketenagakerjaan participant lists and training attendance: file -> plan -> one batch.

A plan matches every row by NIK against the rosters in force and lists each row it refuses with
the reason (unknown NIK, NIK twice in the file, a name that does not fit the NIK, a KPJ that
belongs to someone else). Nothing is stored until the user applies the plan; applying stores
the accepted rows as one batch in one transaction, and undoing the batch restores the state
before exactly (the batch simply stops counting).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from dataclasses import dataclass

import polars as pl

from readiness import messages
from readiness.db import Actor, Store
from readiness.errors import ReadinessError
from readiness.ingest import ROW_COLUMN, RosterFileError, read_table
from readiness.permissions import check_permission, check_scope
from readiness.privacy import mask_nik_expr
from readiness.scope import Scope
from readiness.vocabulary import parse_dates, yes_no

# What BPJS and training staff write above each column -> our name (compared as name keys).
ALIASES: dict[str, str] = {
    "nik": "nik",
    "noktp": "nik",
    "nomorktp": "nik",
    "noidentitas": "nik",
    "nomoridentitas": "nik",
    "nomorindukkependudukan": "nik",
    "nama": "nama",
    "namalengkap": "nama",
    "namapeserta": "nama",
    "namatenagakerja": "nama",
    "namalinmas": "nama",
    "kpj": "kpj",
    "nokpj": "kpj",
    "nomorkpj": "kpj",
    "nopeserta": "kpj",
    "nomorpeserta": "kpj",
    "nokartu": "kpj",
    "nomorkartu": "kpj",
    "status": "status",
    "statuskepesertaan": "status",
    "statuspeserta": "status",
    "statusbpjs": "status",
    "tanggal": "enrolled_on",
    "tgl": "enrolled_on",
    "tanggaldaftar": "enrolled_on",
    "tgldaftar": "enrolled_on",
    "tanggalkepesertaan": "enrolled_on",
    "tglkepesertaan": "enrolled_on",
    "tanggalterdaftar": "enrolled_on",
    "tglterdaftar": "enrolled_on",
    "tmt": "enrolled_on",
    "tmtkepesertaan": "enrolled_on",
    "tanggalmulai": "enrolled_on",
    "tglmulai": "enrolled_on",
}
PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "nik": pl.String,
    "nama": pl.String,
    "severity": pl.String,
    "code": pl.String,
    "message": pl.String,
}


@dataclass(frozen=True)
class ImportPlan:
    """What applying a file would store, and every row it refuses or warns about."""

    kind: str  # "bpjs" or "attendance"
    file_name: str
    sha256: str
    records: pl.DataFrame  # bpjs: nik, kpj, enrolled, enrolled_on; attendance: nik
    problems: pl.DataFrame  # PROBLEM_SCHEMA; severity "ditolak" / "peringatan" / "dilewati"
    rows_total: int

    @property
    def rows_rejected(self) -> int:
        """Rows not applied because of a problem."""
        refused = self.problems.filter(pl.col("severity") == "ditolak")
        return refused["row"].n_unique()


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def map_columns(columns: list[str]) -> dict[str, str]:
    """Header text -> our column name; the first column wins a name.

    >>> map_columns(["No", "NIK", "Nama Peserta", "No. KPJ", "Status Kepesertaan", "Tgl. Daftar"])
    {'NIK': 'nik', 'Nama Peserta': 'nama', 'No. KPJ': 'kpj', 'Status Kepesertaan': 'status', 'Tgl. Daftar': 'enrolled_on'}
    """  # noqa: E501
    mapping: dict[str, str] = {}
    for column in columns:
        if column == ROW_COLUMN:
            continue
        key = _key(column)
        target = ALIASES.get(key)
        if target is None and "kk" not in key:
            if "nik" in key:
                target = "nik"
            elif "kpj" in key:
                target = "kpj"
            elif key.startswith(("tanggal", "tgl")) and "lahir" not in key:
                target = "enrolled_on"
            elif key.startswith("status"):
                target = "status"
            elif key.startswith("nama"):
                target = "nama"
        if target and target not in mapping.values():
            mapping[column] = target
    return mapping


def read_file(data: bytes, file_name: str, max_bytes: int) -> pl.DataFrame:
    """Uploaded bytes -> an all-string frame with ``_row``; an unusable file raises."""
    try:
        return read_table(data, file_name, max_bytes=max_bytes).frame
    except RosterFileError as error:
        raise ReadinessError(error.message, code=error.code) from None


def _require(frame: pl.DataFrame, file_name: str, wanted: dict[str, str]) -> pl.DataFrame:
    mapping = map_columns(frame.columns)
    missing = [label for name, label in wanted.items() if name not in mapping.values()]
    if missing:
        found = ", ".join(c for c in frame.columns if c != ROW_COLUMN) or "(tidak ada)"
        msg = messages.render(
            "import_columns_missing",
            file=file_name,
            missing=", ".join(missing),
            found=found,
            expected=", ".join(wanted.values()),
        )
        raise ReadinessError(msg, code="import_columns_missing")
    columns = [ROW_COLUMN, *mapping]
    return frame.select(columns).rename(mapping)


def _text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.strip_chars().replace("", None)


def _problems(frame: pl.DataFrame, condition: pl.Expr, severity: str, code: str, **fields):
    """Rows meeting ``condition`` as problems with the rendered message of ``code``."""
    rows = frame.filter(condition)
    if rows.height == 0:
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    names = messages.fields(code)
    columns = {"row": ROW_COLUMN}
    values = {name: fields.get(name, pl.col(columns.get(name, name))) for name in names}
    parts: list[pl.Expr] = []
    template = messages.MESSAGES[code]
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name:
            parts.append(values[name].cast(pl.String).fill_null("–"))
    return rows.select(
        pl.col(ROW_COLUMN).cast(pl.Int64).alias("row"),
        pl.col("nik_masked").alias("nik"),
        pl.col("nama").cast(pl.String),
        pl.lit(severity).alias("severity"),
        pl.lit(code).alias("code"),
        pl.concat_str(parts).alias("message"),
    )


def _prepare(frame: pl.DataFrame, officers: pl.DataFrame) -> pl.DataFrame:
    """Normalise NIK and name, find each NIK in the roster and in the file itself."""
    if "nama" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("nama"))
    roster = officers.group_by("nik").agg(pl.col("nama").first().alias("roster_name"))
    prepared = frame.with_columns(
        _text("nik").str.replace_all(r"^'|[\s.\-]", "").alias("nik"),
        _text("nama").alias("nama"),
        _text("nik").alias("value_nik"),
    ).with_columns(
        mask_nik_expr(pl.col("nik")).alias("nik_masked"),
        pl.col("nik").str.contains(r"^\d{16}$").fill_null(False).alias("nik_ok"),
        pl.col(ROW_COLUMN).cast(pl.String).implode().over("nik").alias("_rows"),
        pl.len().over("nik").alias("_copies"),
    )
    prepared = prepared.join(roster, on="nik", how="left")
    # A name fits when the file and the roster share at least one word (case-insensitive).
    words = lambda c: pl.col(c).str.to_lowercase().str.extract_all(r"[a-z]+")  # noqa: E731
    return prepared.with_columns(
        pl.col("_rows").list.join(", ").alias("rows_text"),
        (
            pl.col("nama").is_not_null()
            & pl.col("roster_name").is_not_null()
            & (words("nama").list.set_intersection(words("roster_name")).list.len() == 0)
        ).alias("name_mismatch"),
    )


def _identity_problems(prepared: pl.DataFrame) -> list[pl.DataFrame]:
    return [
        _problems(prepared, ~pl.col("nik_ok"), "ditolak", "import_nik_invalid",
                  value=pl.col("value_nik")),
        _problems(prepared, pl.col("nik_ok") & (pl.col("_copies") > 1), "ditolak",
                  "import_nik_duplicate", nik=pl.col("nik_masked"), rows=pl.col("rows_text")),
        _problems(prepared, pl.col("nik_ok") & (pl.col("_copies") == 1)
                  & pl.col("roster_name").is_null(), "ditolak", "import_nik_unknown",
                  nik=pl.col("nik_masked")),
        _problems(prepared, pl.col("nik_ok") & (pl.col("_copies") == 1)
                  & pl.col("name_mismatch"), "ditolak", "import_name_mismatch",
                  nik=pl.col("nik_masked"), value=pl.col("nama")),
    ]  # fmt: skip


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_bpjs(
    frame: pl.DataFrame,
    officers: pl.DataFrame,
    kpj_owners: pl.DataFrame,
    *,
    file_name: str,
    sha256: str = "",
) -> ImportPlan:
    """Match a BPJS participant list (all-string frame with ``_row``) to the officers by NIK.

    officers: nik, nama (rosters in force, inside the user's scope). kpj_owners: kpj, nik
    already known anywhere. Needs a NIK column and a KPJ or Status column.
    """
    table = _require(frame, file_name, {"nik": "NIK"})
    if "kpj" not in table.columns and "status" not in table.columns:
        _require(frame, file_name, {"nik": "NIK", "kpj": "No. KPJ", "status": "Status"})
    for name in ("kpj", "status", "enrolled_on"):
        if name not in table.columns:
            table = table.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    prepared = _prepare(table, officers).with_columns(
        _text("kpj").str.replace_all(r"^'|[\s.\-]", "").alias("kpj"),
        _text("status").alias("status"),
        _text("enrolled_on").alias("date_text"),
    )
    prepared = prepared.with_columns(
        pl.when(pl.col("status").is_null())
        .then(pl.col("kpj").is_not_null())
        .otherwise(yes_no(pl.col("status")))
        .alias("enrolled"),
        pl.col("nik").n_unique().over("kpj").alias("_kpj_niks"),
    )
    # Two-digit years read as this century at the latest: an enrolment is never after 2099.
    prepared = parse_dates(prepared.drop("enrolled_on"), "date_text", 2099, "_enrolled").rename(
        {"_enrolled_date": "enrolled_on"}
    )
    owners = kpj_owners.select(pl.col("kpj"), pl.col("nik").alias("owner_nik"))
    others = (
        prepared.select(ROW_COLUMN, "nik", "kpj")
        .filter(pl.col("kpj").is_not_null())
        .join(owners, on="kpj", how="inner")
        .filter(pl.col("owner_nik") != pl.col("nik"))
        .group_by(ROW_COLUMN)
        .agg(pl.col("owner_nik").first())
    )
    in_file = (
        prepared.filter(pl.col("kpj").is_not_null() & (pl.col("_kpj_niks") > 1))
        .group_by("kpj")
        .agg(pl.col("nik").first().alias("file_owner"))
    )
    prepared = (
        prepared.join(others, on=ROW_COLUMN, how="left")
        .join(in_file, on="kpj", how="left")
        .with_columns(
            pl.coalesce(
                pl.col("owner_nik"),
                pl.when(pl.col("file_owner") != pl.col("nik")).then(pl.col("file_owner")),
                pl.when(pl.col("_kpj_niks") > 1).then(pl.lit("baris lain berkas ini")),
            ).alias("kpj_owner")
        )
    )
    problems = [
        *_identity_problems(prepared),
        _problems(prepared, pl.col("kpj_owner").is_not_null(), "ditolak", "import_kpj_other_nik",
                  kpj=pl.col("kpj"),
                  other=pl.when(pl.col("kpj_owner").str.contains(r"^\d{16}$"))
                  .then(mask_nik_expr(pl.col("kpj_owner"))).otherwise(pl.col("kpj_owner"))),
        _problems(prepared, pl.col("enrolled").is_null(), "ditolak", "import_status_unknown",
                  value=pl.col("status")),
        _problems(prepared, pl.col("date_text").is_not_null() & pl.col("enrolled_on").is_null(),
                  "ditolak", "import_date_invalid", value=pl.col("date_text")),
        _problems(prepared, pl.col("kpj").is_not_null()
                  & ~pl.col("kpj").str.contains(r"^\d{11}$"), "peringatan", "import_kpj_format",
                  value=pl.col("kpj")),
    ]  # fmt: skip
    problems_frame = pl.concat(problems).sort("row", "code")
    refused = problems_frame.filter(pl.col("severity") == "ditolak")["row"]
    records = prepared.filter(~pl.col(ROW_COLUMN).cast(pl.Int64).is_in(refused.implode())).select(
        "nik", "kpj", pl.col("enrolled").cast(pl.Boolean), pl.col("enrolled_on").cast(pl.Date)
    )
    return ImportPlan("bpjs", file_name, sha256, records, problems_frame, prepared.height)


def plan_attendance(
    frame: pl.DataFrame,
    officers: pl.DataFrame,
    already: list[str],
    *,
    file_name: str,
    sha256: str = "",
) -> ImportPlan:
    """Match an attendance list (NIK, optional Nama) for one session to the officers by NIK.

    already: NIKs recorded for this session before; their rows are skipped, not refused.
    """
    table = _require(frame, file_name, {"nik": "NIK"})
    prepared = _prepare(table, officers).with_columns(
        pl.col("nik").is_in(pl.lit(already, dtype=pl.List(pl.String)).first()).alias("_had")
    )
    problems = [
        *_identity_problems(prepared),
        _problems(prepared, pl.col("_had") & (pl.col("_copies") == 1), "dilewati",
                  "import_already_attended", nik=pl.col("nik_masked")),
    ]  # fmt: skip
    problems_frame = pl.concat(problems).sort("row", "code")
    records = prepared.filter(
        ~pl.col(ROW_COLUMN).cast(pl.Int64).is_in(problems_frame["row"].implode())
    ).select("nik")
    return ImportPlan("attendance", file_name, sha256, records, problems_frame, prepared.height)


# -- with the store ------------------------------------------------------------------------------


def bpjs_plan_from_file(store: Store, scope: Scope, data: bytes, file_name: str) -> ImportPlan:
    """Read and match an uploaded BPJS list; nothing is stored.

    A file whose bytes equal a BPJS import still in force is refused whole (undo that first).
    """
    sha256 = _sha(data)
    store.refuse_same_file("bpjs", sha256, None, file_name)
    frame = read_file(data, file_name, store.settings.max_upload_bytes)
    return plan_bpjs(
        frame, store.officers(scope), store.kpj_owners(), file_name=file_name, sha256=sha256
    )


def attendance_plan_from_file(
    store: Store, scope: Scope, session_id: int, data: bytes, file_name: str
) -> ImportPlan:
    """Read and match an uploaded attendance list for one session; nothing is stored.

    A file whose bytes equal an import for this session still in force is refused whole.
    """
    check_session(store, session_id)
    sha256 = _sha(data)
    store.refuse_same_file("attendance", sha256, session_id, file_name)
    frame = read_file(data, file_name, store.settings.max_upload_bytes)
    return plan_attendance(
        frame,
        store.officers(scope),
        store.session_attendees(session_id),
        file_name=file_name,
        sha256=sha256,
    )


def check_session(store: Store, session_id: int) -> None:
    """Refuse a training session number that does not exist (the CLI takes it as typed)."""
    if session_id not in store.training_sessions()["id"].to_list():
        msg = messages.render("import_session_unknown", session=session_id)
        raise ReadinessError(msg, code="import_session_unknown")


def nothing_to_apply() -> ReadinessError:
    """The error for a plan without one row to store (every row refused or skipped)."""
    return ReadinessError(messages.render("import_nothing_to_apply"), code="import_nothing")


def apply_bpjs(store: Store, actor: Actor, plan: ImportPlan) -> int:
    """Store the plan's accepted rows as one BPJS batch; returns the batch id."""
    if plan.records.height == 0:
        raise nothing_to_apply()
    check_permission(actor, "manage_readiness")
    return store.record_bpjs_batch(
        actor,
        plan.records,
        file_name=plan.file_name,
        sha256=plan.sha256,
        rows_rejected=plan.rows_rejected,
    )


def apply_attendance(store: Store, actor: Actor, session_id: int, plan: ImportPlan) -> int:
    """Store the plan's accepted rows as one attendance batch for the session."""
    if plan.records.height == 0:
        raise nothing_to_apply()
    check_permission(actor, "manage_readiness")
    return store.record_attendance(
        actor,
        session_id,
        plan.records["nik"].to_list(),
        file_name=plan.file_name,
        sha256=plan.sha256,
        rows_rejected=plan.rows_rejected,
    )


def tick_attendance(
    store: Store, actor: Actor, scope: Scope, session_id: int, niks: list[str]
) -> int:
    """Record officers ticked on the page as present; returns how many were new."""
    known = set(store.officers(scope)["nik"].to_list())
    new = sorted(set(niks) & known - set(store.session_attendees(session_id)))
    if not new:
        msg = messages.text("import_nothing")
        raise ReadinessError(msg, code="import_nothing")
    check_permission(actor, "manage_readiness")
    store.record_attendance(actor, session_id, new, file_name=None)
    return len(new)


def undo(store: Store, actor: Actor, batch_id: int) -> None:
    """Undo one import ("Batalkan impor"): the state before it comes back exactly."""
    check_permission(actor, "manage_readiness")
    store.undo_batch(actor, batch_id)


def add_session(
    store: Store,
    actor: Actor,
    *,
    held_on: dt.date,
    place: str,
    modules: list[str],
    kecamatan_code: str | None,
) -> int:
    """Create a training session after checking place and modules against the settings."""
    place = place.strip()
    if not place:
        msg = messages.text("session_place_missing")
        raise ReadinessError(msg, code="session_place_missing")
    allowed = list(store.settings.training_modules)
    unknown = [m for m in modules if m not in allowed]
    if not modules or unknown:
        listed = ", ".join(unknown)
        unknown_note = messages.text("session_modules_unknown", unknown=listed) if unknown else ""
        msg = messages.text(
            "session_modules_invalid", allowed=", ".join(allowed), unknown=unknown_note
        )
        raise ReadinessError(msg, code="session_modules_invalid")
    check_permission(actor, "manage_readiness")
    if kecamatan_code:
        check_scope(actor, kecamatan_code)
    return store.add_training_session(
        actor, held_on=held_on, place=place, modules=modules, kecamatan_code=kecamatan_code
    )


def flag_tps_rawan(
    store: Store, actor: Actor, desa_code: str, tps_number: int, *, rawan: bool, reason: str | None
) -> None:
    """Flag or unflag one TPS as rawan (TPS data is the admin's); a flag needs a reason."""
    check_permission(actor, "manage_reference")
    check_scope(actor, desa_code)
    store.set_tps_rawan(actor, desa_code, tps_number, rawan=rawan, reason=reason)


# -- reports for the command line ----------------------------------------------------------------


def import_report(
    plan: ImportPlan | None,
    kind: str,
    file_name: str,
    session_id: int | None,
    *,
    batch_id: int | None = None,
    error: ReadinessError | None = None,
) -> dict:
    """What one import did (``status`` applied / dry_run / refused) as JSON-ready values."""
    problems = plan.problems if plan is not None else pl.DataFrame(schema=PROBLEM_SCHEMA)
    severities = problems["severity"]
    status = "refused" if error is not None else "dry_run" if batch_id is None else "applied"
    accepted = plan.records.height if plan is not None else 0
    return {
        "kind": kind,
        "file": file_name,
        "session_id": session_id,
        "status": status,
        "batch_id": batch_id,
        "rows_total": plan.rows_total if plan is not None else 0,
        "accepted": accepted,
        "applied": accepted if status == "applied" else 0,
        "rejected": plan.rows_rejected if plan is not None else 0,
        "warned": int((severities == "peringatan").sum()),
        "skipped": int((severities == "dilewati").sum()),
        "sha256": plan.sha256 if plan is not None else None,
        "error": None if error is None else {"code": error.code, "message": error.message},
        "problems": problems.to_dicts(),
    }


def describe_import(report: dict) -> list[str]:
    """The import report as lines for the terminal: counts, one line per problem, the outcome."""
    from readiness import formatting as fmt

    n = fmt.number
    lines = []
    if report["rows_total"]:
        lines.append(
            f"{report['file']}: {n(report['rows_total'])} baris dibaca; "
            f"{n(report['accepted'])} cocok, {n(report['rejected'])} ditolak, "
            f"{n(report['warned'])} peringatan, {n(report['skipped'])} dilewati."
        )
    lines += [f"[{p['severity']}] {p['message']}" for p in report["problems"]]
    if report["status"] == "applied":
        lines.append(
            f"Impor nomor {report['batch_id']} disimpan: {n(report['applied'])} baris "
            "diterapkan. Bisa dibatalkan di halaman dasbor atau dengan perintah undo."
        )
    elif report["status"] == "dry_run":
        lines.append(
            f"Uji coba (--dry-run): {n(report['accepted'])} baris akan diterapkan; "
            "tidak ada yang disimpan."
        )
    return lines  # refused: the caller prints the reason as its error line


def undo_of_kind(store: Store, actor: Actor, kind: str, batch_id: int) -> None:
    """Undo one import after checking it is of ``kind`` (a BPJS number never undoes attendance)."""
    if batch_id not in store.batches(kind)["id"].to_list():
        label = "BPJS" if kind == "bpjs" else "absensi"
        msg = messages.text("import_batch_unknown", label=label, batch_id=batch_id)
        raise ReadinessError(msg, code="batch_unknown")
    undo(store, actor, batch_id)


def sessions_listing(store: Store) -> list[dict]:
    """Every training session, newest first: id, date, place, modules, kecamatan (code, name)."""
    sessions = store.training_sessions()
    names = store.region_names("kecamatan", Scope("")).rename(
        {"code": "kecamatan_code", "name": "kecamatan_name"}
    )
    return sessions.join(names, on="kecamatan_code", how="left", maintain_order="left").to_dicts()


def describe_sessions(sessions: list[dict]) -> list[str]:
    """One line per session: "3 · 15 November 2024 · Aula … · modul: … · kecamatan: …"."""
    from readiness import formatting as fmt

    return [
        f"{s['id']} · {fmt.date(s['held_on'])} · {s['place']} · modul: {', '.join(s['modules'])}"
        f" · kecamatan: {s['kecamatan_name'] or 'semua'}"
        + (f" ({s['kecamatan_code']})" if s["kecamatan_code"] else "")
        for s in sessions
    ]


def record_export(store: Store, actor: Actor, what: str, rows: int, *, unmasked: bool) -> None:
    """Note in the audit log who downloaded which list, and whether NIKs were in full."""
    store.record_event(actor, "export.download", what, rows=rows, unmasked=unmasked)


def enrolment_csv(store: Store, actor: Actor, officers: pl.DataFrame, *, unmasked: bool):
    """The not-yet-enrolled list as deferred CSV bytes; a full-NIK download is audited."""
    from readiness import tables

    def produce() -> bytes:
        frame = tables.bpjs_enrolment_export(officers, unmasked=unmasked)
        if unmasked:
            record_export(store, actor, "bpjs.belum_terdaftar", frame.height, unmasked=True)
        return tables.csv_bytes(frame)

    return produce


def pending_enrolment_csv(store: Store, actor: Actor, scope, *, unmasked: bool) -> bytes:
    """The "belum terdaftar" CSV of ``scope`` exactly as the BPJS page's download makes it.

    Full NIKs and phones only for roles that may see them (UU 27/2022); such a file is audited.
    """
    from readiness import reports
    from readiness.errors import AccessDenied
    from readiness.privacy import shows_personal_data

    check_permission(actor, "view")  # names linmas: not for security partners
    if unmasked and not shows_personal_data(actor.role, "export"):
        msg = messages.text("unmasked_download_denied", role=actor.role)
        raise AccessDenied(msg)
    officers = reports.readiness_people(store, scope).officers
    return enrolment_csv(store, actor, officers, unmasked=unmasked)()
