"""One roster upload end to end: read, validate against the database, store as a new version.

The page and the CLI both call these two functions, so a file gets the same verdict in both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from readiness import formatting as fmt
from readiness.errors import ReadinessError
from readiness.ingest import RawTable, RosterFileError, read_table
from readiness.storage import Actor, Store, StoredRoster
from readiness.validation import RosterContext, RosterVerdict, rejected_file_json, validate_roster


@dataclass(frozen=True)
class CheckedRoster:
    """A file's verdict (or its whole-file rejection) for one desa, before anything is stored."""

    desa_code: str
    file_name: str
    sha256: str
    raw: RawTable | None
    verdict: RosterVerdict | None
    file_error: RosterFileError | None

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


def roster_context(store: Store, desa_code: str) -> RosterContext:
    """What validation needs to know from the database about one desa."""
    settings = store.settings
    if store.region_name(desa_code) is None or not desa_code.startswith(
        settings.kabupaten_code + "."
    ):
        msg = (
            f"Kode desa {desa_code!r} tidak ada dalam daftar wilayah {settings.kabupaten_name}. "
            "Tulis kode lengkap, mis. 17.02.06.2001."
        )
        raise ReadinessError(msg, code="desa_unknown")
    tps = store.tps_count(desa_code)
    return RosterContext(
        desa_code=desa_code,
        kabupaten_code=settings.kabupaten_code,
        voting_date=settings.voting_date,
        min_age=settings.min_age,
        max_age_warning=settings.max_age_warning,
        tps_count=tps or None,
    )


def check_raw(
    store: Store,
    desa_code: str,
    raw: RawTable,
    file_name: str,
    sha256: str,
    mapping: dict[str, str | None] | None = None,
) -> CheckedRoster:
    """Validate an already-read (or edited) table for one desa.

    A second pass runs only when an accepted NIK is active in another village, so the common
    upload never loads other villages' NIKs.
    """
    context = roster_context(store, desa_code)
    try:
        verdict = validate_roster(raw, context, mapping)
        clash = store.niks_registered_elsewhere(verdict.officers["nik"].to_list(), desa_code)
        if clash.height:
            verdict = validate_roster(raw, replace(context, registered_elsewhere=clash), mapping)
    except RosterFileError as error:
        return CheckedRoster(desa_code, file_name, sha256, raw, None, error)
    return CheckedRoster(desa_code, file_name, sha256, raw, verdict, None)


def check_roster_file(
    store: Store,
    desa_code: str,
    data: bytes,
    file_name: str,
    mapping: dict[str, str | None] | None = None,
) -> CheckedRoster:
    """Read and validate uploaded bytes; nothing is stored."""
    sha256 = hashlib.sha256(data).hexdigest()
    roster_context(store, desa_code)  # an unknown desa is the caller's error, not the file's
    try:
        raw = read_table(data, file_name, max_bytes=store.settings.max_upload_bytes)
    except RosterFileError as error:
        return CheckedRoster(desa_code, file_name, sha256, None, None, error)
    return check_raw(store, desa_code, raw, file_name, sha256, mapping)


def store_checked_roster(store: Store, actor: Actor, checked: CheckedRoster) -> StoredRoster:
    """Store the accepted rows of a checked file as the desa's next roster version."""
    if checked.verdict is None:
        msg = "Berkas ini ditolak seluruhnya; tidak ada yang dapat disimpan."
        raise ReadinessError(msg, code="file_rejected")
    v = checked.verdict
    if v.accepted == 0:
        msg = "Tidak ada baris yang diterima; perbaiki baris yang ditolak lalu periksa lagi."
        raise ReadinessError(msg, code="nothing_accepted")
    return store.store_roster(
        actor,
        checked.desa_code,
        v.officers,
        v.findings,
        file_name=checked.file_name,
        sha256=checked.sha256,
        counts={
            "accepted": v.accepted,
            "warned": v.warned,
            "rejected": v.rejected,
            "skipped": v.skipped_count,
        },
        detected=v.detected,
    )
