"""The KPU list of TPS: match each row's village to its Kemendagri code, all rows or none.

Required linmas per desa = TPS × officers_per_tps (UU 7/2017 Pasal 351(4); PKPU 8/2018
Pasal 25(6)-(7): two order officers per TPS), computed in ``metrics``; this module only
turns the KPU file into (desa_code, tps_number, rawan, address) rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from readiness.db import Actor, Store
from readiness.errors import ReadinessError
from readiness.file_formats import RosterFileError, read_grid
from readiness.kabupaten_regions import check_kabupaten
from readiness.messages import text
from readiness.permissions import check_permission, check_scopes
from readiness.regions import load_aliases, name_key, name_keys
from readiness.scope import Scope
from readiness.vocabulary import yes_no

# What KPU and kabupaten staff write in the header -> our column name.
TPS_ALIASES = {
    "kecamatan": "kecamatan",
    "namakecamatan": "kecamatan",
    "kec": "kecamatan",
    "kodekecamatan": "kecamatan",
    "desa": "desa",
    "kelurahan": "desa",
    "desakelurahan": "desa",
    "kelurahandesa": "desa",
    "namadesa": "desa",
    "namadesakelurahan": "desa",
    "kodedesa": "desa",
    "kodewilayah": "desa",
    "tps": "tps_number",
    "notps": "tps_number",
    "nomortps": "tps_number",
    "nomortpsu": "tps_number",
    "rawan": "rawan",
    "tpsrawan": "rawan",
    "kerawanan": "rawan",
    "alamat": "address",
    "alamattps": "address",
    "lokasi": "address",
    "lokasitps": "address",
}
# Words meaning "this TPS is rawan" beyond the shared yes words (readiness.vocabulary).
RAWAN_WORDS = ("rawan", "x")
DESA_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
TPS_NUMBER = r"(?i)^\s*(?:tps)?\s*[.:-]?\s*0*(\d{1,4})\s*$"


@dataclass(frozen=True)
class TpsParse:
    """Rows ready to store, and the rows that could not be matched (with the reason)."""

    tps: pl.DataFrame
    problems: pl.DataFrame

    @property
    def ok(self) -> bool:
        """True when every row matched: only then is anything stored."""
        return self.problems.height == 0


def map_by_aliases(columns: list[str], aliases: dict[str, str]) -> dict[str, str]:
    """Header text -> our name, through ``aliases`` (name keys), for the headers we recognise
    (the first header of each name wins)."""
    mapping: dict[str, str] = {}
    for column in columns:
        target = aliases.get(name_key(column))
        if target and target not in mapping.values():
            mapping[column] = target
    return mapping


def map_tps_columns(columns: list[str]) -> dict[str, str]:
    """Header text -> our name, for the headers of a KPU TPS list."""
    return map_by_aliases(columns, TPS_ALIASES)


def parse_tps(
    frame: pl.DataFrame, villages: pl.DataFrame, aliases: pl.DataFrame | None = None
) -> TpsParse:
    """Match a KPU TPS table (all-string, with ``_row``) to the region list.

    villages: kecamatan_code, kecamatan_name, desa_code, desa_name. A desa is found by code or
    by name (case-, space- and punctuation-insensitive), inside the row's kecamatan when given;
    a name that fits two villages is a problem, never a guess.
    """
    mapping = map_tps_columns([c for c in frame.columns if c != "_row"])
    missing = [name for name in ("desa", "tps_number") if name not in mapping.values()]
    if missing:
        labels = {"desa": "Desa/Kelurahan", "tps_number": "Nomor TPS"}
        found = ", ".join(c for c in frame.columns if c != "_row") or "(tidak ada)"
        listed = ", ".join(labels[m] for m in missing)
        msg = text("tps_columns_missing", missing=listed, found=found)
        raise ReadinessError(msg, code="tps_columns_missing")
    rows = frame.rename(mapping).with_columns(
        (pl.col(c) if c in mapping.values() else pl.lit(None, dtype=pl.String)).alias(c)
        for c in ("kecamatan", "rawan", "address")
    )
    rows = rows.with_columns(
        pl.col("tps_number")
        .str.extract(TPS_NUMBER, 1)
        .cast(pl.Int64, strict=False)
        .alias("tps_parsed"),
        yes_no(pl.col("rawan"), extra_yes=RAWAN_WORDS).fill_null(False).alias("rawan_flag"),
    )
    matched = match_villages(rows, villages, aliases)
    problem = (
        pl.when(village_problem().is_not_null())
        .then(village_problem())
        .when(pl.col("tps_parsed").is_null() | (pl.col("tps_parsed") < 1))
        .then(
            pl.format(
                'nomor TPS "{}" bukan angka; tulis misalnya 1 atau TPS 01', pl.col("tps_number")
            )
        )
        .when(pl.struct("desa_code", "tps_parsed").is_duplicated())
        .then(pl.format("TPS {} di desa ini tertulis lebih dari sekali", pl.col("tps_parsed")))
    )
    checked = matched.with_columns(problem.alias("problem"))
    problems = checked.filter(pl.col("problem").is_not_null()).select(
        pl.col("_row").alias("row"), pl.col("problem").alias("message")
    )
    tps = checked.filter(pl.col("problem").is_null()).select(
        "desa_code",
        pl.col("tps_parsed").alias("tps_number"),
        pl.col("rawan_flag").alias("rawan"),
        pl.when(pl.col("rawan_flag"))
        .then(pl.lit("Ditandai rawan di daftar TPS"))
        .alias("rawan_reason"),
        pl.col("address").str.strip_chars().alias("address"),
    )
    return TpsParse(tps=tps, problems=problems.sort("row"))


def match_villages(
    rows: pl.DataFrame, villages: pl.DataFrame, aliases: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Find each row's desa by code or name; the one matcher of files that name villages.

    rows: ``_row``, desa (code or name), kecamatan (code, name or null). villages:
    kecamatan_code, kecamatan_name, desa_code, desa_name. aliases: :func:`regions.load_aliases`.
    Adds desa_text, desa_key, kecamatan_key, kecamatan_text, name_matches (codes whose name
    fits) and desa_code (null unless exactly one desa fits); :func:`village_problem` says why.
    Names match case-, space- and punctuation-insensitively inside the row's kecamatan when
    given; a name that fits two villages is a problem, never a guess.
    """
    rows = rows.with_columns(
        pl.col("desa").str.strip_chars().alias("desa_text"),
        pl.col("desa").map_batches(name_keys, return_dtype=pl.String).alias("desa_key"),
        pl.col("kecamatan").map_batches(name_keys, return_dtype=pl.String).alias("kecamatan_key"),
        pl.col("kecamatan").str.strip_chars().alias("kecamatan_text"),
    )
    named = villages.select(
        "desa_code",
        "kecamatan_code",
        pl.col("desa_name").map_batches(name_keys, return_dtype=pl.String).alias("desa_key"),
        pl.col("kecamatan_name")
        .map_batches(name_keys, return_dtype=pl.String)
        .alias("kecamatan_key"),
    )
    # Other spellings (Sidorejo for Siderejo, Pal 100 for Pal Seratus) lead to the same code.
    also_known = (
        aliases
        if aliases is not None
        else pl.DataFrame(schema={"alias_key": pl.String, "desa_code": pl.String})
    )
    lookup = pl.concat(
        [
            named,
            also_known.join(named.drop("desa_key"), on="desa_code", how="inner")
            .rename({"alias_key": "desa_key"})
            .select(named.columns),
        ]
    ).unique()
    by_code = rows.join(
        villages.select("desa_code", pl.col("desa_code").alias("code_match")),
        left_on="desa_text",
        right_on="desa_code",
        how="left",
    )
    by_name = (
        rows.select("_row", "desa_key", "kecamatan_key", "kecamatan_text")
        .join(
            lookup.select("desa_code", "desa_key", "kecamatan_code", "kecamatan_key"),
            on="desa_key",
            how="inner",
            suffix="_ref",
        )
        .filter(
            pl.col("kecamatan_key").is_null()
            | (pl.col("kecamatan_key") == "")
            | (pl.col("kecamatan_key") == pl.col("kecamatan_key_ref"))
            | (pl.col("kecamatan_text") == pl.col("kecamatan_code"))
        )
        .group_by("_row")
        .agg(pl.col("desa_code").unique().alias("name_matches"))
    )
    return by_code.join(by_name, on="_row", how="left").with_columns(
        pl.coalesce(
            pl.col("code_match"),
            pl.when(pl.col("name_matches").list.len() == 1).then(
                pl.col("name_matches").list.first()
            ),
        ).alias("desa_code")
    )


def village_problem() -> pl.Expr:
    """Why :func:`match_villages` found no desa for a row (Indonesian), null when it did."""
    return (
        pl.when(pl.col("desa_text").is_null() | (pl.col("desa_text") == ""))
        .then(pl.lit("kolom Desa/Kelurahan kosong"))
        .when(pl.col("name_matches").list.len() > 1)
        .then(
            pl.format(
                'nama desa "{}" cocok dengan lebih dari satu desa; isi kolom Kecamatan '
                "atau pakai kode desa",
                pl.col("desa_text"),
            )
        )
        .when(pl.col("desa_code").is_null())
        .then(
            pl.format(
                'desa "{}" tidak ada dalam daftar wilayah; periksa ejaan atau pakai '
                "kode desa (mis. 17.02.06.2001)",
                pl.col("desa_text"),
            )
        )
    )


TPS_HEADERS = "Kecamatan, Desa/Kelurahan, Nomor TPS, Rawan, Alamat"


def locate_tps_table(
    grid: pl.DataFrame,
    map_columns=map_tps_columns,
    headers: str = TPS_HEADERS,
    required: tuple[str, ...] = ("desa", "tps_number"),
) -> pl.DataFrame:
    """Find the header row (the first of the top rows naming desa and TPS) and name the columns.

    grid: String columns plus ``_row`` (Excel row numbers). Title rows above the header and
    blank rows are dropped; what remains keeps its ``_row``. Other lists (rawan TPS, contacts)
    pass their own ``map_columns``, the columns a header row must name and the ``headers`` the
    message suggests.
    """
    cells = [c for c in grid.columns if c != "_row"]
    top = [
        [(text or "").strip() for text in row] for row in grid.head(30).select(cells).iter_rows()
    ]
    found = (
        i for i, labels in enumerate(top) if set(required) <= set(map_columns(labels).values())
    )
    index = next(found, None)
    if index is None:
        first = next((labels for labels in top if any(labels)), [])
        first_row = ", ".join(t for t in first if t) or "(kosong)"
        msg = text("tps_header_missing", first=first_row, headers=headers)
        raise ReadinessError(msg, code="tps_columns_missing")
    labels = top[index]
    names, seen = [], set()
    for position, label in enumerate(labels):
        name = label or f"kolom {position + 1}"
        while name in seen:
            name += " "
        seen.add(name)
        names.append(name)
    body = grid.slice(index + 1).rename(dict(zip(cells, names, strict=True)))
    return body.filter(pl.any_horizontal(pl.col(n).str.strip_chars() != "" for n in names))


def check_tps_file(
    store: Store, data: bytes, file_name: str, kabupaten_code: str | None = None
) -> TpsParse:
    """Read a KPU TPS file and match it to one kabupaten's villages; nothing is stored.

    ``kabupaten_code`` defaults to the home kabupaten; a province instance names another one
    whose kecamatan/desa were loaded with ``regions import``.
    """
    code, _ = check_kabupaten(store, kabupaten_code or store.settings.kabupaten_code)
    try:
        grid = read_grid(data, file_name, max_bytes=store.settings.max_upload_bytes)
    except RosterFileError as error:
        raise ReadinessError(error.message, code=error.code) from None
    villages = store.villages(Scope(code))
    return parse_tps(locate_tps_table(grid), villages, load_aliases(store.settings.alias_file))


def save_tps(store: Store, actor: Actor, tps: pl.DataFrame, *, file_name: str) -> int:
    """Replace the TPS list of every desa in ``tps`` (TPS data is the admin's); returns rows."""
    check_permission(actor, "manage_reference")
    check_scopes(actor, tps["desa_code"].unique().to_list())
    return store.replace_tps(actor, tps, file_name=file_name)
