"""One kecamatan upload end to end, before storing: read, split per village, check each village.

The page and ``import FILE --kecamatan KODE`` share ``check_kecamatan_file``; each village's
part gets the same per-village verdict as that village's own upload (``roster.check_raw``), so
saving means storing each passing part as that village's next version, in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from readiness import formatting as fmt
from readiness.db import Actor, Store
from readiness.errors import ReadinessError
from readiness.ingest import RosterFileError
from readiness.kabupaten_regions import kabupaten_code_of
from readiness.kecamatan_split import KecamatanSplit, read_kecamatan_file
from readiness.messages import text
from readiness.permissions import check_permission, check_scope
from readiness.regions import KECAMATAN_CODE, load_aliases
from readiness.roster import CheckedRoster, check_raw
from readiness.scope import Scope


@dataclass(frozen=True)
class CheckedKecamatan:
    """A kecamatan file's verdict per village (or its whole-file refusal); nothing stored."""

    kecamatan_code: str
    file_name: str
    sha256: str
    split: KecamatanSplit | None
    villages: list[CheckedRoster]
    names: dict[str, str]  # desa_code -> official name, for the villages in ``villages``
    file_error: RosterFileError | None = None

    @property
    def status(self) -> str:
        """ "rejected" when the whole file is refused (CLI exit 2), else "ok"."""
        return "rejected" if self.file_error is not None else "ok"

    @property
    def storable(self) -> list[CheckedRoster]:
        """The villages with at least one accepted row: what saving stores."""
        return [c for c in self.villages if c.verdict is not None and c.verdict.accepted > 0]

    def to_json(self, versions: dict[str, int] | None = None) -> dict:
        """The ``import --kecamatan --json`` object; ``versions`` are filled in once stored."""
        versions = versions or {}
        desa, findings = [], []
        for checked in self.villages:
            v = checked.verdict
            desa.append(
                {
                    "desa": checked.desa_code,
                    "nama": self.names.get(checked.desa_code, checked.desa_code),
                    "accepted": v.accepted if v else 0,
                    "rejected": v.rejected if v else 0,
                    "warned": v.warned if v else 0,
                    "status": "ok" if v is not None and v.accepted > 0 else "rejected",
                    "version": versions.get(checked.desa_code),
                }
            )
            if v is not None:
                findings += [{"desa": checked.desa_code, **f} for f in v.findings.to_dicts()]
            else:
                findings.append(
                    {"desa": checked.desa_code, "row": None, "column": None, "severity": "error",
                     "code": checked.file_error.code, "message": checked.file_error.message}
                )  # fmt: skip
        unmatched = self.split.unmatched if self.split is not None else pl.DataFrame()
        findings += [{"desa": None, **f} for f in unmatched.to_dicts()]
        return {
            "file": self.file_name,
            "kecamatan": self.kecamatan_code,
            "status": self.status,
            "desa": desa,
            "unmatched_rows": unmatched.height,
            "findings": findings,
            "file_error": (
                {"code": self.file_error.code, "message": self.file_error.message}
                if self.file_error is not None
                else None
            ),
        }

    def describe(self) -> str:
        """A short Indonesian verdict for people, one line per village."""
        if self.file_error is not None:
            return f"Berkas ditolak: {self.file_error.message}"
        lines = [f"{self.file_name}: {fmt.number(len(self.villages))} desa/kelurahan terbaca."]
        for checked in self.villages:
            name = self.names.get(checked.desa_code, checked.desa_code)
            if checked.verdict is None:
                lines.append(f"  {name}: ditolak, {checked.file_error.message}")
                continue
            v = checked.verdict
            lines.append(
                f"  {name}: {fmt.number(v.accepted)} diterima ({fmt.number(v.warned)} dengan "
                f"catatan), {fmt.number(v.rejected)} ditolak."
            )
        unmatched = self.split.unmatched if self.split is not None else pl.DataFrame()
        if unmatched.height:
            lines.append(
                f"{fmt.number(unmatched.height)} baris tidak dapat diberikan ke desa mana pun:"
            )
            lines += [f"  {m}" for m in unmatched["message"].head(100).to_list()]
        return "\n".join(lines)


def _unknown_kecamatan(store: Store, code: str) -> ReadinessError:
    msg = text("upload_kecamatan_unknown", code=repr(code))
    return ReadinessError(msg, code="kecamatan_unknown")


def check_kecamatan_file(
    store: Store,
    kecamatan_code: str,
    data: bytes,
    file_name: str,
    *,
    max_bytes: int | None = None,
    viewer: Actor | None = None,
) -> CheckedKecamatan:
    """Read a kecamatan file, split it per village and check every village's part; no writes.

    An unknown kecamatan code raises ``ReadinessError``; an unusable file (or one naming no
    village) comes back as ``file_error``; rows given to no village of the kecamatan are in
    ``split.unmatched`` with their row and column. ``viewer``: who checks; a dry run is
    checked like an upload (role and region), and each village's part like that village's own
    upload (``roster.check_raw``: other villages named only inside the viewer's region).
    """
    if viewer is not None:
        check_permission(viewer, "upload")
        check_scope(viewer, kecamatan_code)
    if not KECAMATAN_CODE.match(kecamatan_code) or store.region_name(kecamatan_code) is None:
        raise _unknown_kecamatan(store, kecamatan_code)
    limit = max_bytes if max_bytes is not None else store.settings.max_upload_bytes
    sha256 = hashlib.sha256(data).hexdigest()
    villages = store.villages(Scope(kabupaten_code_of(kecamatan_code)))
    aliases = load_aliases(store.settings.alias_file)
    try:
        split = read_kecamatan_file(
            data, file_name, kecamatan_code, villages, aliases, max_bytes=limit
        )
    except RosterFileError as error:
        return CheckedKecamatan(kecamatan_code, file_name, sha256, None, [], {}, error)
    checked = [
        check_raw(
            store, part.desa_code, part.raw, file_name, sha256, split_part=True, viewer=viewer
        )
        for part in split.parts
    ]
    names = {part.desa_code: part.desa_name for part in split.parts}
    return CheckedKecamatan(kecamatan_code, file_name, sha256, split, checked, names)
