"""One roster upload end to end: read, validate against the database, store as a new version.

The page and the CLI both call these two functions, so a file gets the same verdict in both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from readiness import formatting as fmt
from readiness import kecamatan_split, lookup_limits
from readiness.db import Actor, Store, StoredRoster
from readiness.errors import ReadinessError
from readiness.ingest import RawTable, RosterFileError, guess_mapping, read_table
from readiness.kabupaten_regions import kabupaten_code_of, kabupaten_name, not_loaded_message
from readiness.messages import text
from readiness.permissions import check_permission, check_scope
from readiness.regions import DESA_CODE, load_aliases
from readiness.scope import Scope
from readiness.validation import (
    HIDDEN_VILLAGE,
    RosterContext,
    RosterVerdict,
    rejected_file_json,
    validate_roster,
)

# `python -m readiness import` reads a file an admin chose on the server, not a browser upload:
# it may be larger than the web limit (a whole kabupaten's list of 50,000 rows is about 6 MB).
CLI_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CheckedRoster:
    """A file's verdict (or its whole-file rejection) for one desa, before anything is stored."""

    desa_code: str
    file_name: str
    sha256: str
    raw: RawTable | None
    verdict: RosterVerdict | None
    file_error: RosterFileError | None
    previous_version: int = 0  # the desa's stored version it was checked against (0 = none)
    # The data version the NIK-elsewhere look-up saw: storing skips repeating it when no roster
    # landed since (that scan is a third of a store in a national file).
    checked_version: int | None = None

    def to_json(self) -> dict:
        """The CLI's ``--json`` object (the contract scripts rely on)."""
        if self.verdict is None:
            return rejected_file_json(self.file_name, self.desa_code, self.file_error)
        return self.verdict.to_json(self.file_name, self.desa_code)

    def describe(self) -> str:
        """A short Indonesian verdict for people."""
        if self.verdict is None:
            return f"Berkas ditolak: {self.file_error.message}"
        v = self.verdict
        lines = [
            f"{self.file_name}: {fmt.number(v.accepted)} diterima "
            f"({fmt.number(v.warned)} dengan catatan), {fmt.number(v.rejected)} ditolak, "
            f"{fmt.number(v.skipped_count)} baris dilewati."
        ]
        lines += [
            f"  Baris {f['row']}: {f['message']}"
            for f in v.findings.head(100).iter_rows(named=True)
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class UploadWork:
    """An uploaded file read once: its table (edited in place later) and the guessed mapping."""

    raw: RawTable
    mapping: dict[str, str | None]
    sha256: str


def read_upload(store: Store, data: bytes, file_name: str) -> UploadWork:
    """Read uploaded bytes once per file; a whole-file problem raises its Indonesian message."""
    raw = read_table(data, file_name, max_bytes=store.settings.max_upload_bytes)
    columns = [c for c in raw.frame.columns if c != "_row"]
    return UploadWork(raw, guess_mapping(columns), hashlib.sha256(data).hexdigest())


def roster_context(store: Store, desa_code: str) -> RosterContext:
    """What validation needs to know from the database about one desa."""
    settings = store.settings
    # Province instance: any desa of the regions table, of whichever kabupaten.
    if not DESA_CODE.match(desa_code) or store.region_name(desa_code) is None:
        raise _unknown_desa(store, desa_code)
    tps = store.tps_count(desa_code)
    return RosterContext(
        desa_code=desa_code,
        kabupaten_code=kabupaten_code_of(desa_code),  # nik_outside_kabupaten: the desa's own
        voting_date=settings.voting_date,
        min_age=settings.min_age,
        max_age_warning=settings.max_age_warning,
        tps_count=tps or None,
    )


def _unknown_desa(store: Store, desa_code: str) -> ReadinessError:
    """A desa code outside the regions table: not loaded yet (`regions import`) or mistyped."""
    missing = not_loaded_message(store, desa_code) if DESA_CODE.match(desa_code) else None
    if missing:
        return ReadinessError(missing, code="regions_not_loaded")
    name = kabupaten_name(store, desa_code)
    where = name or "instans ini"
    msg = text("roster_desa_unknown", desa_code=repr(desa_code), where=where)
    return ReadinessError(msg, code="desa_unknown")


def check_raw(
    store: Store,
    desa_code: str,
    raw: RawTable,
    file_name: str,
    sha256: str,
    mapping: dict[str, str | None] | None = None,
    *,
    split_part: bool = False,
    viewer: Actor | None = None,
) -> CheckedRoster:
    """Validate an already-read (or edited) table for one desa.

    ``split_part``: the table is one village's part of a kecamatan file, already split per
    village, so the other-villages refusal (which reads the whole workbook's sheets) is skipped.

    A second pass runs only when an accepted NIK is active in another village, so the common
    upload never loads other villages' NIKs. The reads of the village share one connection
    (opening the file costs more than validating 200 rows); the look-up of other villages
    follows, next to its audit row.

    ``viewer``: who checks (a dry run is checked like an upload: role and region). A village
    outside the viewer's region is not named ("sudah terdaftar di desa lain"); every check is
    audited with how many NIKs it checked and found, within the account's hourly limit
    (``lookup_limits``): over it, the check comes back refused and nothing is looked up.
    """
    if viewer is not None:
        check_permission(viewer, "upload")
        check_scope(viewer, desa_code)
    with store.reading():
        context = roster_context(store, desa_code)
        previous = current_version(store, desa_code)
        seen = store.data_version()
        refusal = (
            None if split_part else _names_other_villages(store, desa_code, raw, file_name, mapping)
        )
        if refusal is not None:
            return CheckedRoster(desa_code, file_name, sha256, raw, None, refusal, previous)
        try:
            verdict = validate_roster(raw, context, mapping)
        except RosterFileError as error:
            return CheckedRoster(desa_code, file_name, sha256, raw, None, error, previous)
    try:  # outside the read: the look-up is audited, and may be refused (hourly limit)
        niks = verdict.officers["nik"].to_list()
        clash = _registered_elsewhere(store, viewer, desa_code, niks, file_name)
        if clash.height:
            verdict = validate_roster(raw, replace(context, registered_elsewhere=clash), mapping)
    except RosterFileError as error:
        return CheckedRoster(desa_code, file_name, sha256, raw, None, error, previous)
    return CheckedRoster(desa_code, file_name, sha256, raw, verdict, None, previous, seen)


def _registered_elsewhere(
    store: Store, viewer: Actor | None, desa_code: str, niks: list[str], file_name: str
) -> pl.DataFrame:
    """The other villages holding ``niks``; for a viewer within the hourly limit, audited, and
    naming only villages inside the viewer's region."""
    if viewer is None or not niks:
        return store.niks_registered_elsewhere(niks, desa_code)
    clash = lookup_limits.checked_lookup(
        store, viewer, desa_code, niks,
        lambda wanted: store.niks_registered_elsewhere(wanted, desa_code),
        file_name=file_name,
    )  # fmt: skip
    return _hide_villages_outside(clash, viewer) if clash.height else clash


def _hide_villages_outside(clash: pl.DataFrame, viewer: Actor) -> pl.DataFrame:
    """Other villages' codes and names kept only where the viewer's region covers them."""
    seen = pl.col("desa_code").map_elements(
        viewer.scope.covers, return_dtype=pl.Boolean, skip_nulls=False
    )
    return clash.with_columns(
        pl.when(seen).then(pl.col("desa_code")).otherwise(pl.lit(HIDDEN_VILLAGE)),
        pl.when(seen).then(pl.col("desa_name")).otherwise(pl.lit(None, dtype=pl.String)),
    )


def _names_other_villages(
    store: Store,
    desa_code: str,
    raw: RawTable,
    file_name: str,
    mapping: dict[str, str | None] | None,
) -> RosterFileError | None:
    """A village's file whose rows name other villages is refused whole (``multiple_desa``)."""
    if not kecamatan_split.names_villages(raw, mapping):
        return None  # no Desa column and no heading-like row: skip loading the region list
    villages = store.villages(Scope(kabupaten_code_of(desa_code)))
    aliases = load_aliases(store.settings.alias_file)
    return kecamatan_split.other_villages_error(
        raw, desa_code, villages, aliases, mapping, file_name=file_name
    )


def current_version(store: Store, desa_code: str) -> int:
    """The desa's active roster version, 0 while nothing is stored."""
    versions = store.submissions(Scope(desa_code))["version"]
    return int(versions.max()) if versions.len() else 0


def check_roster_file(
    store: Store,
    desa_code: str,
    data: bytes,
    file_name: str,
    mapping: dict[str, str | None] | None = None,
    *,
    max_bytes: int | None = None,
    viewer: Actor | None = None,
) -> CheckedRoster:
    """Read and validate uploaded bytes; nothing is stored (``viewer``: see ``check_raw``).

    ``max_bytes`` defaults to the web upload limit ([upload] max_megabytes); the CLI passes
    ``CLI_MAX_BYTES`` because an admin on the server chose that file.
    """
    if viewer is not None:  # before a byte of the file is parsed
        check_permission(viewer, "upload")
        check_scope(viewer, desa_code)
    limit = max_bytes if max_bytes is not None else store.settings.max_upload_bytes
    sha256 = hashlib.sha256(data).hexdigest()
    with store.reading():
        roster_context(store, desa_code)  # an unknown desa is the caller's error, not the file's
        try:
            raw = read_table(data, file_name, max_bytes=limit)
        except RosterFileError as error:
            previous = current_version(store, desa_code)
            return CheckedRoster(desa_code, file_name, sha256, None, None, error, previous)
        return check_raw(store, desa_code, raw, file_name, sha256, mapping, viewer=viewer)


# What the operator sees in the column-mapping step, per canonical column.
COLUMN_LABELS = {
    "nama": "Nama",
    "nik": "NIK",
    "jenis_kelamin": "Jenis kelamin (L/P)",
    "tempat_lahir": "Tempat lahir",
    "tanggal_lahir": "Tanggal lahir",
    "ttl": "Tempat, tanggal lahir (satu sel)",
    "alamat": "Alamat",
    "no_hp": "Nomor HP/WA",
    "nomor_tps": "Nomor TPS",
    "status_bpjs": "Status BPJS Ketenagakerjaan",
    "no_kpj": "Nomor KPJ BPJS",
    "status_pelatihan": "Status pelatihan/bimtek",
    "tanggal_pelatihan": "Tanggal pelatihan",
    "keterangan": "Keterangan",
    "desa": "Desa/Kelurahan (berkas kecamatan)",
}
IGNORED_LABEL = "(abaikan kolom ini)"


def mapping_choices() -> list[str | None]:
    """The targets a column can be mapped to, ``None`` meaning "ignore"."""
    return [None, *COLUMN_LABELS]


FORMAT_LABELS = {
    "csv": "CSV",
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel lama (.xls)",
    "html": "tabel HTML (berkas .xls dari aplikasi web)",
    "spreadsheetml": "Excel XML 2003",
}
DELIMITER_LABELS = {",": "koma", ";": "titik koma", "\t": "tab", "|": "garis tegak"}


def describe_detected(detected: dict) -> str:
    """What the reader found, in one Indonesian sentence: format, encoding, sheet, header row."""
    parts = [f"Format {FORMAT_LABELS.get(detected.get('format'), detected.get('format', '?'))}"]
    if detected.get("encoding"):
        parts.append(f"pengodean {detected['encoding']}")
    if detected.get("delimiter"):
        parts.append(
            f"pemisah {DELIMITER_LABELS.get(detected['delimiter'], detected['delimiter'])}"
        )
    if detected.get("sheet"):
        parts.append(f'lembar "{detected["sheet"]}"')
    if detected.get("header_row"):
        parts.append(f"judul kolom di baris {detected['header_row']}")
    return ", ".join(parts) + "."


def apply_edits(raw: RawTable, edited: pl.DataFrame) -> RawTable:
    """Put rows the operator corrected (same ``_row``) back into the table, as text.

    ``edited`` is what the page's editor returned (Polars or pandas); extra columns such as
    ``Masalah`` are ignored and an emptied cell becomes empty, never the old value.
    """
    if not isinstance(edited, pl.DataFrame):
        edited = pl.from_pandas(edited)
    columns = [c for c in raw.frame.columns if c in edited.columns]
    patch = edited.select(
        pl.col("_row").cast(pl.Int64),
        *(pl.col(c).cast(pl.String) for c in columns if c != "_row"),
    )
    frame = raw.frame.update(patch, on="_row", how="left", include_nulls=True)
    return replace(raw, frame=frame)


PROBLEM_COLUMN = "Masalah"


def rejected_rows(checked: CheckedRoster) -> pl.DataFrame:
    """The rejected rows as typed, each with its reasons in ``Masalah``, for correcting in place.

    Columns: ``_row`` (the Excel row), ``Masalah`` (read-only), then the file's own columns.
    """
    if checked.verdict is None or checked.raw is None:
        return pl.DataFrame()
    problems = (
        checked.verdict.findings.filter(pl.col("severity") == "error")
        .group_by("row", maintain_order=True)
        .agg(pl.col("message").str.join(" "))
        .select(pl.col("row").cast(pl.Int64).alias("_row"), pl.col("message").alias(PROBLEM_COLUMN))
    )
    return problems.join(checked.raw.frame, on="_row", how="inner", maintain_order="left").sort(
        "_row"
    )


def findings_table(checked: CheckedRoster) -> pl.DataFrame:
    """Findings with Indonesian headers, one row per problem, for screen and download."""
    if checked.verdict is None:
        return pl.DataFrame({"Masalah": [checked.file_error.message]})
    return checked.verdict.findings.select(
        pl.col("row").alias("Baris"),
        pl.col("column").replace_strict(COLUMN_LABELS, default=pl.col("column")).alias("Kolom"),
        pl.col("severity")
        .replace_strict({"error": "Ditolak", "warning": "Catatan"}, default="")
        .alias("Jenis"),
        pl.col("code").alias("Kode"),
        pl.col("message").alias("Pesan"),
    ).sort("Baris")


def skipped_table(checked: CheckedRoster) -> pl.DataFrame:
    """Rows passed over (titles, totals, signatures), with why."""
    return checked.verdict.skipped.select(
        pl.col("row").alias("Baris"), pl.col("reason").alias("Alasan")
    )


def describe_previous(checked: CheckedRoster) -> str:
    """What submitting will do to the stored versions, said before the operator clicks."""
    if checked.previous_version == 0:
        return text("roster_first_version")
    current = checked.previous_version
    return text("roster_next_version", current=current, next=current + 1)


def describe_stored(stored: StoredRoster, desa_name: str) -> str:
    """What a submission changed, for the success message."""
    added = fmt.number(stored.added)
    if stored.previous_version is None:
        return text("roster_stored_first", desa_name=desa_name, version=stored.version, added=added)
    return text(
        "roster_stored_changed",
        desa_name=desa_name,
        version=stored.version,
        previous=stored.previous_version,
        added=added,
        removed=fmt.number(stored.removed),
        changed=fmt.number(stored.changed),
    )


def findings_csv(checked: CheckedRoster) -> bytes:
    """Findings as CSV with a BOM (Excel opens UTF-8 right) and ``;`` (Indonesian Excel)."""
    from readiness import spreadsheet

    return spreadsheet.csv_bytes(findings_table(checked), separator=";")


def verdict_cards(verdict) -> list[dict]:
    """The four counts above the findings (``st.metric`` label and value)."""
    v = verdict
    return [
        {"label": "Diterima", "value": fmt.number(v.accepted - v.warned)},
        {"label": "Diterima dengan catatan", "value": fmt.number(v.warned)},
        {"label": "Ditolak", "value": fmt.number(v.rejected)},
        {"label": "Dilewati", "value": fmt.number(v.skipped_count)},
    ]


def findings_downloads(checked: CheckedRoster) -> list[dict]:
    """The findings as Excel and CSV (``st.download_button`` arguments)."""
    return [
        {"label": "Unduh temuan (Excel)", "data": findings_xlsx(checked),
         "file_name": "temuan_daftar_linmas.xlsx", "key": "findings_xlsx"},
        {"label": "Unduh temuan (CSV)", "data": findings_csv(checked),
         "file_name": "temuan_daftar_linmas.csv", "key": "findings_csv"},
    ]  # fmt: skip


def findings_xlsx(checked: CheckedRoster) -> bytes:
    """Findings as an Excel sheet, header frozen, filters on."""
    from readiness import spreadsheet

    return spreadsheet.xlsx_bytes({"Temuan": findings_table(checked)})


def save_roster(
    store: Store,
    actor: Actor,
    desa_code: str,
    officers: pl.DataFrame,
    findings: pl.DataFrame,
    **details,
) -> StoredRoster:
    """``Store.store_roster`` for an actor who may upload for ``desa_code`` (pimpinan reads only)."""
    check_permission(actor, "upload")
    check_scope(actor, desa_code)
    return store.store_roster(actor, desa_code, officers, findings, **details)


def store_checked_roster(store: Store, actor: Actor, checked: CheckedRoster) -> StoredRoster:
    """Store the accepted rows of a checked file as the desa's next roster version."""
    if checked.verdict is None:
        msg = text("file_rejected")
        raise ReadinessError(msg, code="file_rejected")
    v = checked.verdict
    if v.accepted == 0:
        msg = text("nothing_accepted")
        raise ReadinessError(msg, code="nothing_accepted")
    return save_roster(
        store,
        actor,
        checked.desa_code,
        v.officers,
        v.findings,
        file_name=checked.file_name,
        sha256=checked.sha256,
        counts=v.counts,
        detected=v.detected,
        # Another upload of this desa stored after the check is refused, not overwritten.
        expected_previous_version=checked.previous_version,
        checked_version=checked.checked_version,
    )


# -- UX pass: problems readable on a phone (a grid cell cuts a long message off) --------------------


def rejected_messages(
    rejected: pl.DataFrame, limit: int = 10, escape: Callable[[str], str] = str
) -> str:
    """The problems of ``rejected_rows`` as a Markdown list, which wraps on a narrow screen.

    The messages quote what the file holds: ``escape`` (``ui.literal``) keeps that text literal.

    >>> rejected_messages(pl.DataFrame({"Masalah": ["a", "b", "c"]}), limit=2)
    '- a\\n- b\\n- … dan 1 baris lainnya: lihat tabel di bawah.'
    """
    lines = [f"- {escape(m)}" for m in rejected[PROBLEM_COLUMN].head(limit).to_list()]
    if rejected.height > limit:
        rest = fmt.number(rejected.height - limit)
        lines.append(f"- … dan {rest} baris lainnya: lihat tabel di bawah.")
    return "\n".join(lines)
