"""A province instance: the province's kabupaten list and one kabupaten's region file.

The kabupaten list (``data/kabupaten_bengkulu.csv``: kode_kabupaten, nama_kabupaten) names
every kabupaten/kota of the province, so a province head sees all of them even before their
kecamatan/desa lists arrive. A region file in the Kepmendagri format of
``data/wilayah_rejang_lebong.csv`` adds one kabupaten's kecamatan and desa
(``python -m readiness regions import FILE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from readiness.config import Settings
from readiness.errors import ReadinessError, ReferenceDataError
from readiness.messages import text
from readiness.permissions import check_permission, check_scope, check_whole_country
from readiness.regions import KECAMATAN_CODE, load_regions, read_reference_csv
from readiness.scope import Actor

if TYPE_CHECKING:
    from readiness.db import Store

KABUPATEN_COLUMNS = ("kode_kabupaten", "nama_kabupaten")
KABUPATEN_CODE = re.compile(r"^\d{2}\.\d{2}$")
_EMPTY = pl.DataFrame(schema={"code": pl.String, "name": pl.String})


def load_kabupaten_list(path: Path | None, province_code: str) -> pl.DataFrame:
    """code, name of every kabupaten/kota of the province, sorted; no file set = empty.

    A malformed list stops start-up with its file, row and problem, like the region file.
    """
    if path is None:
        return _EMPTY
    raw = read_reference_csv(
        path, what="daftar kabupaten", setting="kabupaten_list_file", columns=KABUPATEN_COLUMNS
    )
    seen: set[str] = set()
    # Ten-odd rows per province: a per-row check names the exact row.
    for index, (code, name) in enumerate(raw.select(KABUPATEN_COLUMNS).iter_rows()):
        code, where = (
            (code or "").strip(),
            f"Berkas daftar kabupaten {path.name}, baris {index + 2}",
        )
        problem = None
        if not KABUPATEN_CODE.match(code) or not code.startswith(province_code + "."):
            problem = f"kode kabupaten harus {province_code}.KK, tertulis {code!r}."
        elif code in seen:
            problem = f"kode kabupaten {code} muncul dua kali."
        elif not (name or "").strip():
            problem = "nama kabupaten kosong."
        if problem:
            msg = f"{where}: {problem}"
            raise ReferenceDataError(msg)
        seen.add(code)
    return raw.select(
        pl.col("kode_kabupaten").str.strip_chars().alias("code"),
        pl.col("nama_kabupaten").str.strip_chars().alias("name"),
    ).sort("code")


def kabupaten_list(settings: Settings) -> pl.DataFrame:
    """The instance's kabupaten list (code, name) from ``[kabupaten] kabupaten_list_file``."""
    return load_kabupaten_list(settings.kabupaten_list_file, settings.province_code)


@dataclass(frozen=True)
class RegionFile:
    """One kabupaten's checked region file: its code, official name and rows (load_regions)."""

    kabupaten_code: str
    kabupaten_name: str
    regions: pl.DataFrame

    @property
    def kecamatan(self) -> int:
        """How many kecamatan the file lists."""
        return self.regions["kecamatan_code"].n_unique()

    @property
    def desa(self) -> int:
        """How many desa/kelurahan the file lists."""
        return self.regions.height


def _kabupaten_codes(path: Path) -> list[tuple[str, int]]:
    """(kabupaten code, first row) for each well-formed kecamatan code; [] when none is readable."""
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8", columns=["kode_kecamatan"])
    except (pl.exceptions.PolarsError, OSError):
        return []  # load_regions names the problem (missing file or column, not a CSV)
    firsts: dict[str, int] = {}
    for index, code in enumerate(raw["kode_kecamatan"].to_list()):
        code = (code or "").strip()
        if KECAMATAN_CODE.match(code):
            firsts.setdefault(code[:5], index + 2)
    return sorted(firsts.items(), key=lambda item: item[1])


def check_region_file(path: Path, settings: Settings) -> RegionFile:
    """Check a kabupaten's region file against the instance's province; every row or nothing.

    The kabupaten is read from the file's codes; it must be a kabupaten of the province listed
    in the kabupaten list and not the instance's own kabupaten (that one comes from settings).
    The rows then pass the same checks as the bundled file (``regions.load_regions``).
    """
    found = _kabupaten_codes(path)
    if not found:
        # Unreadable, no kode_kecamatan column, empty, or no code of the form PP.KK.CC:
        # load_regions names the row and the problem.
        load_regions(path, settings.kabupaten_code)
        msg = text("region_file_invalid", file=path.name)
        raise ReadinessError(msg, code="region_file_invalid")
    if len(found) > 1:
        (first, _), (second, row) = found[0], found[1]
        codes = ", ".join(code for code, _ in found)
        msg = text(
            "region_file_two_kabupaten",
            file=path.name,
            codes=codes,
            row=row,
            second=second,
            first=first,
        )
        raise ReadinessError(msg, code="region_file_two_kabupaten")
    code = found[0][0]
    known = kabupaten_list(settings)
    if code == settings.kabupaten_code:
        msg = text(
            "region_file_is_own_kabupaten",
            file=path.name,
            kabupaten_name=settings.kabupaten_name,
            code=code,
            settings_file=settings.source_file.name,
        )
        raise ReadinessError(msg, code="region_file_own_kabupaten")
    names = dict(known.iter_rows())
    if code not in names:
        listed = ", ".join(known["code"].to_list()) or "tidak ada"
        msg = text(
            "region_file_kabupaten_unknown",
            file=path.name,
            code=code,
            province_name=settings.province_name,
            listed=listed,
        )
        raise ReadinessError(msg, code="region_file_kabupaten_unknown")
    return RegionFile(code, names[code], load_regions(path, code))


def import_kabupaten_regions(
    store: Store, actor: Actor, checked: RegionFile, *, file_name: str
) -> dict[str, int]:
    """Add or replace another kabupaten's kecamatan and desa (admin of that kabupaten or above).

    Returns kecamatan, desa (now) and kecamatan_before, desa_before (``Store``'s answer).
    """
    check_permission(actor, "manage_reference")
    check_scope(actor, checked.kabupaten_code)
    return store.import_kabupaten_regions(
        actor, checked.kabupaten_code, checked.kabupaten_name, checked.regions, file_name=file_name
    )


def bulk_load(
    store: Store, actor: Actor, files: dict[str, Path], *, recount: bool = True
) -> dict[str, int]:
    """Append CSV files to regions, tps, submissions, officers (``Store.bulk_load``).

    Only a whole-country account may load in bulk: a load spans many kabupaten.
    """
    check_whole_country(actor)
    return store.bulk_load(actor, files, recount=recount)
