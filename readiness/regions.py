"""The official region list (Kepmendagri 300.2.2-2138/2025): load, check, and match names to codes."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import polars as pl

from readiness.errors import ReferenceDataError
from readiness.messages import text

REGION_COLUMNS = ("kode_kecamatan", "nama_kecamatan", "kode_desa", "nama_desa", "jenis")
KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
DESA_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8",
         "ix": "9", "x": "10"}  # fmt: skip


def name_key(name: str) -> str:
    """Case-, space-, punctuation- and numeral-insensitive key for matching village names.

    >>> name_key("  Suka karya ") == name_key("SUKAKARYA")
    True
    >>> name_key("Pal VII") == name_key("pal 7"), name_key("LB. Belimbing I")
    (True, 'lbbelimbing1')
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[0-9a-z]+", folded)
    return "".join(ROMAN.get(w, w) if i else w for i, w in enumerate(words))


def name_keys(names: pl.Series) -> pl.Series:
    """:func:`name_key` over a column (region and TPS lists are small: thousands of rows)."""
    return pl.Series([name_key(n) if n else None for n in names.to_list()], dtype=pl.String)


def load_aliases(path: Path) -> pl.DataFrame:
    """Other spellings of village names (alias_key, desa_code); a missing file means none."""
    if not path.exists():
        return pl.DataFrame(schema={"alias_key": pl.String, "desa_code": pl.String})
    raw = pl.read_csv(path, infer_schema=False)
    if not {"alias", "kode_desa"} <= set(raw.columns):
        msg = text("alias_columns_missing", file=path.name)
        raise ReferenceDataError(msg)
    return raw.select(
        pl.col("alias").map_batches(name_keys, return_dtype=pl.String).alias("alias_key"),
        pl.col("kode_desa").str.strip_chars().alias("desa_code"),
    )


def read_reference_csv(
    path: Path, *, what: str, setting: str, columns: tuple[str, ...] | list[str]
) -> pl.DataFrame:
    """A bundled reference CSV as text columns, or why not: missing file, not CSV, a column gone.

    ``what`` names the file for people ("wilayah"), ``setting`` the key that points to it.
    """
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except FileNotFoundError:
        msg = text("reference_file_missing", what=what, path=path, setting=setting)
        raise ReferenceDataError(msg) from None
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        msg = text("reference_file_not_csv", what=what, file=path.name, error=error)
        raise ReferenceDataError(msg) from None
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        msg = text(
            "reference_columns_missing",
            what=what,
            file=path.name,
            missing=", ".join(missing),
            expected=", ".join(columns),
        )
        raise ReferenceDataError(msg)
    return raw


def _problem(path: Path, row: int, problem: str) -> ReferenceDataError:
    return ReferenceDataError(text("region_row_problem", file=path.name, row=row, problem=problem))


def load_regions(path: Path, kabupaten_code: str) -> pl.DataFrame:
    """Read the region CSV and check every row; the first problem stops start-up with its row.

    Returns kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind (desa|kelurahan).
    """
    raw = read_reference_csv(path, what="wilayah", setting="region_file", columns=REGION_COLUMNS)
    if raw.height == 0:
        msg = text("region_file_empty", file=path.name)
        raise ReferenceDataError(msg)
    seen: set[str] = set()
    # Reference files are small (one kabupaten): a per-row check gives the exact row number.
    for index, row in enumerate(raw.select(REGION_COLUMNS).iter_rows(named=True)):
        line = index + 2
        kec, desa = (row["kode_kecamatan"] or "").strip(), (row["kode_desa"] or "").strip()
        if not KECAMATAN_CODE.match(kec):
            raise _problem(path, line, f"kode kecamatan harus PP.KK.CC, tertulis {kec!r}.")
        if not kec.startswith(kabupaten_code + "."):
            raise _problem(path, line, f"kecamatan {kec} bukan bagian kabupaten {kabupaten_code}.")
        if not DESA_CODE.match(desa):
            raise _problem(path, line, f"kode desa harus PP.KK.CC.DDDD, tertulis {desa!r}.")
        if not desa.startswith(kec + "."):
            raise _problem(path, line, f"desa {desa} tidak berada di kecamatan {kec}.")
        if desa in seen:
            raise _problem(path, line, f"kode desa {desa} muncul dua kali.")
        seen.add(desa)
        if not (row["nama_desa"] or "").strip() or not (row["nama_kecamatan"] or "").strip():
            raise _problem(path, line, "nama kecamatan atau nama desa kosong.")
        kind = (row["jenis"] or "").strip().lower()
        if kind not in ("desa", "kelurahan"):
            raise _problem(path, line, f"jenis harus 'desa' atau 'kelurahan', tertulis {kind!r}.")
        # Kemendagri numbering: kelurahan codes start with 1, desa codes with 2.
        if desa[-4] != ("1" if kind == "kelurahan" else "2"):
            raise _problem(path, line, f"kode {desa} tidak cocok dengan jenis {kind}.")
    return raw.select(
        pl.col("kode_kecamatan").str.strip_chars().alias("kecamatan_code"),
        pl.col("nama_kecamatan").str.strip_chars().alias("kecamatan_name"),
        pl.col("kode_desa").str.strip_chars().alias("desa_code"),
        pl.col("nama_desa").str.strip_chars().alias("desa_name"),
        pl.col("jenis").str.strip_chars().str.to_lowercase().alias("desa_kind"),
    ).sort("desa_code")
