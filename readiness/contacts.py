"""Operators' contacts from a file (region, nama, no_hp), so reminders reach someone from day one.

The region is a Kemendagri code (desa, kecamatan or the kabupaten) or a name matched like the
TPS list (``tps_list.match_villages`` with the alias table); phones follow the roster rule
(``roster_normalise.phone_number``). Pure: bytes or frames in, frames out; creating accounts and
storing phones is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from readiness.errors import ReadinessError
from readiness.file_formats import RosterFileError, read_grid
from readiness.messages_plan import expr, text
from readiness.regions import name_keys
from readiness.roster_normalise import phone_number
from readiness.tps_list import TPS_ALIASES, locate_tps_table, map_by_aliases, match_villages

# Header text (as name_key) -> our column name.
CONTACT_ALIASES = {
    **{k: v for k, v in TPS_ALIASES.items() if v in ("kecamatan", "desa")},
    **dict.fromkeys(
        ("wilayah", "kodewilayah", "namawilayah", "kode", "unit", "unitkerja", "wilayahkerja",
         "region", "kodewilayahnamawilayah"),
        "region",
    ),
    **dict.fromkeys(
        ("nama", "namaoperator", "namalengkap", "operator", "namapetugas", "narahubung",
         "penanggungjawab", "kontak", "namakontak"),
        "nama",
    ),
    **dict.fromkeys(
        ("nohp", "hp", "nomorhp", "nohandphone", "handphone", "telepon", "telp", "notelp",
         "notelepon", "nomortelepon", "nowa", "wa", "whatsapp", "nomorwa", "nowhatsapp",
         "nohpwa", "nomorhpwa"),
        "no_hp",
    ),
}  # fmt: skip
CONTACT_SCHEMA = {
    "row": pl.Int64,
    "region_code": pl.String,
    "region_level": pl.String,
    "region_name": pl.String,
    "nama": pl.String,
    "no_hp": pl.String,
}
FINDING_SCHEMA = {
    "row": pl.Int64,
    "column": pl.String,
    "code": pl.String,
    "severity": pl.String,
    "message": pl.String,
}
_LEVEL_WORDS = {"desa": "desa", "kelurahan": "kelurahan", "kecamatan": "Kecamatan"}


@dataclass(frozen=True)
class ContactsParse:
    """Contacts ready to store and every finding (row as Excel shows it, column, code)."""

    contacts: pl.DataFrame
    findings: pl.DataFrame

    @property
    def ok(self) -> bool:
        """True when no row has an error; warnings (no phone, a repeated row) do not block."""
        return self.findings.filter(pl.col("severity") == "error").height == 0


def map_contact_columns(columns: list[str]) -> dict[str, str]:
    """Header text -> our name, for the headers we recognise (first one of each wins)."""
    return map_by_aliases(columns, CONTACT_ALIASES)


def parse_contacts(
    frame: pl.DataFrame,
    villages: pl.DataFrame,
    *,
    kabupaten_code: str | None = None,
    kabupaten_name: str | None = None,
    aliases: pl.DataFrame | None = None,
) -> ContactsParse:
    """Match each contact's region and check its phone.

    frame: all-string, header located, with ``_row``; a Wilayah column (code or name of a desa
    or kecamatan) and/or separate Kecamatan and Desa columns, Nama, No. HP. villages:
    kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind. A name that fits both a
    kecamatan and a desa (Kota Padang) or two villages is refused: use the code.
    Returns contacts (row, region_code, region_level: desa / kecamatan / kabupaten,
    region_name, nama, no_hp as 08...; null when none) and findings.
    """
    mapping = map_contact_columns([c for c in frame.columns if c != "_row"])
    named = set(mapping.values())
    missing = [
        label for name, label in (("nama", "Nama"), ("no_hp", "No. HP")) if name not in named
    ]
    if not named & {"region", "desa", "kecamatan"}:
        missing.insert(0, "Wilayah")
    if missing:
        found = ", ".join(c for c in frame.columns if c != "_row") or "(tidak ada)"
        msg = text("contacts_columns_missing", missing=", ".join(missing), found=found)
        raise ReadinessError(msg, code="contacts_columns_missing")
    rows = frame.rename(mapping).with_columns(
        (pl.col(c) if c in named else pl.lit(None, dtype=pl.String)).str.strip_chars().alias(c)
        for c in ("region", "desa", "kecamatan", "nama", "no_hp")
    )
    rows = rows.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in ("region", "desa", "kecamatan", "nama", "no_hp")
    ).with_columns(
        pl.coalesce("desa", "region").alias("place"),
        # Only a generic Wilayah column may name a kecamatan by itself.
        (pl.col("desa").is_null() & pl.col("region").is_not_null()).alias("generic"),
    )
    kecamatan = (
        villages.select("kecamatan_code", "kecamatan_name")
        .unique()
        .with_columns(
            pl.col("kecamatan_name").map_batches(name_keys, return_dtype=pl.String).alias("key")
        )
    )

    def kecamatan_of(column: str, alias: str) -> pl.DataFrame:
        """Rows whose ``column`` is one kecamatan's code or name -> that kecamatan."""
        keyed = rows.select(
            "_row",
            pl.col(column).alias("text"),
            pl.col(column).map_batches(name_keys, return_dtype=pl.String).alias("key"),
        )
        by_code = keyed.join(kecamatan, left_on="text", right_on="kecamatan_code", how="inner")
        by_name = keyed.join(kecamatan, on="key", how="inner")
        return (
            pl.concat(
                [
                    by_code.select("_row", pl.col("text").alias(alias)),
                    by_name.select("_row", pl.col("kecamatan_code").alias(alias)),
                ]
            )
            .unique()
            .group_by("_row")
            .agg(pl.col(alias).first())
        )

    matched = match_villages(
        rows.select("_row", pl.col("place").alias("desa"), "kecamatan"), villages, aliases
    )
    checked = (
        rows.join(matched.select("_row", "desa_code", "name_matches"), on="_row", how="left")
        .join(kecamatan_of("place", "kec_by_place"), on="_row", how="left")
        .join(kecamatan_of("kecamatan", "kec_by_column"), on="_row", how="left")
    )
    place = pl.col("place")
    desa_found = pl.col("desa_code").is_not_null()
    kec_found = pl.col("generic") & pl.col("kec_by_place").is_not_null()
    kabupaten = place == kabupaten_code if kabupaten_code else pl.lit(False)
    is_code = place.str.contains(r"^\d{2}(\.\d{2}){1,3}$").fill_null(False)
    level = (
        pl.when(place.is_null())
        .then(pl.when(pl.col("kec_by_column").is_not_null()).then(pl.lit("kecamatan")))
        .when(kabupaten)
        .then(pl.lit("kabupaten"))
        .when(desa_found & kec_found & ~is_code)
        .then(None)  # ambiguous
        .when(desa_found)
        .then(pl.lit("desa"))
        .when(kec_found & (pl.col("name_matches").list.len().fill_null(0) == 0))
        .then(pl.lit("kecamatan"))
    )
    checked = checked.with_columns(level.alias("region_level")).with_columns(
        pl.when(pl.col("region_level") == "desa")
        .then(pl.col("desa_code"))
        .when(pl.col("region_level") == "kecamatan")
        .then(pl.coalesce(pl.when(place.is_not_null()).then("kec_by_place"), "kec_by_column"))
        .when(pl.col("region_level") == "kabupaten")
        .then(place)
        .alias("region_code"),
        phone_number(pl.col("no_hp")).alias("phone"),
    )
    names = pl.concat(
        [
            villages.select(
                pl.col("desa_code").alias("region_code"),
                pl.concat_str(
                    pl.col("desa_kind").replace_strict(_LEVEL_WORDS, default="desa"),
                    pl.lit(" "),
                    pl.col("desa_name"),
                ).alias("region_name"),
            ),
            kecamatan.select(
                pl.col("kecamatan_code").alias("region_code"),
                pl.concat_str(pl.lit("Kecamatan "), pl.col("kecamatan_name")).alias("region_name"),
            ),
        ]
    )
    checked = (
        checked.join(names, on="region_code", how="left")
        .with_columns(
            pl.when(pl.col("region_level") == "kabupaten")
            .then(
                pl.lit(kabupaten_name)
                if kabupaten_name
                else pl.concat_str(pl.lit("kabupaten "), place)
            )
            .otherwise(pl.col("region_name"))
            .alias("region_name")
        )
        .with_columns(
            pl.when(pl.col("phone").is_not_null() & pl.col("region_code").is_not_null())
            .then(pl.col("_row").min().over("region_code", "phone"))
            .alias("first_row")
        )
        .sort("_row")
    )
    row = pl.col("_row").cast(pl.String)
    ambiguous = (desa_found & kec_found & ~is_code) | (
        pl.col("name_matches").list.len().fill_null(0) > 1
    )
    nothing = place.is_null() & pl.col("kecamatan").is_null()
    unknown_value = pl.coalesce(place, pl.col("kecamatan"))
    checks = [
        ("wilayah", "contact_region_empty", "error", nothing, {"row": row}),
        ("wilayah", "contact_region_ambiguous", "error",
         ~nothing & pl.col("region_code").is_null() & ambiguous,
         {"row": row, "value": unknown_value,
          "matches": pl.when(pl.col("name_matches").list.len().fill_null(0) > 1)
          .then(pl.lit("beberapa desa/kelurahan di kecamatan berbeda; isi juga kolom Kecamatan"))
          .otherwise(pl.lit("sebuah kecamatan dan sebuah desa/kelurahan"))}),
        ("wilayah", "contact_region_unknown", "error",
         ~nothing & pl.col("region_code").is_null() & ~ambiguous,
         {"row": row, "value": unknown_value}),
        ("nama", "contact_nama_empty", "error", pl.col("nama").is_null(), {"row": row}),
        ("no_hp", "contact_phone_invalid", "error",
         pl.col("no_hp").is_not_null() & pl.col("phone").is_null(),
         {"row": row, "value": pl.col("no_hp")}),
        ("no_hp", "contact_phone_empty", "warning",
         pl.col("no_hp").is_null() & pl.col("region_code").is_not_null(),
         {"row": row, "region": pl.col("region_name")}),
        ("no_hp", "contact_duplicate", "warning",
         pl.col("first_row").is_not_null() & (pl.col("first_row") != pl.col("_row")),
         {"row": row, "phone": pl.col("phone"), "region": pl.col("region_name"),
          "first": pl.col("first_row").cast(pl.String)}),
    ]  # fmt: skip
    findings = pl.concat(
        [
            checked.filter(condition).select(
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.lit(column).alias("column"),
                pl.lit(code).alias("code"),
                pl.lit(severity).alias("severity"),
                expr(code, **fields).alias("message"),
            )
            for column, code, severity, condition, fields in checks
        ]
    ).sort("row", maintain_order=True)
    dropped = findings.filter(
        (pl.col("severity") == "error") | (pl.col("code") == "contact_duplicate")
    )["row"]
    contacts = checked.filter(~pl.col("_row").is_in(dropped.implode())).select(
        pl.col("_row").cast(pl.Int64).alias("row"),
        "region_code",
        "region_level",
        "region_name",
        "nama",
        pl.col("phone").alias("no_hp"),
    )
    return ContactsParse(
        contacts=contacts.cast(CONTACT_SCHEMA), findings=findings.cast(FINDING_SCHEMA)
    )


def read_contacts_file(
    data: bytes,
    file_name: str,
    *,
    villages: pl.DataFrame,
    kabupaten_code: str | None = None,
    kabupaten_name: str | None = None,
    aliases: pl.DataFrame | None = None,
    max_bytes: int = 5_000_000,
) -> ContactsParse:
    """A contacts file (CSV/XLSX bytes) checked against the region list; nothing stored."""
    try:
        grid = read_grid(data, file_name, max_bytes=max_bytes)
    except RosterFileError as error:
        raise ReadinessError(error.message, code=error.code) from None
    body = locate_tps_table(
        grid,
        map_contact_columns,
        "Wilayah (kode atau nama desa/kecamatan), Nama, No. HP",
        required=("nama", "no_hp"),
    )
    if body.height == 0:
        raise ReadinessError(text("contacts_no_rows", file=file_name), code="contacts_no_rows")
    return parse_contacts(
        body, villages, kabupaten_code=kabupaten_code, kabupaten_name=kabupaten_name,
        aliases=aliases,
    )  # fmt: skip


def unreachable_villages(villages: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
    """Villages no one can reach: no contact of their own with a phone number.

    villages: kecamatan_code, kecamatan_name, desa_code, desa_name. contacts: region_code,
    no_hp (null = no phone), e.g. accounts with their phones. Returns the villages' columns
    plus kecamatan_reachable (the kecamatan operator has a phone and can pass the message on),
    ordered by desa_code: an action item of its own.
    """
    reachable = contacts.filter(pl.col("no_hp").is_not_null() & (pl.col("no_hp") != ""))
    codes = reachable["region_code"].unique().implode()
    return (
        villages.filter(~pl.col("desa_code").is_in(codes))
        .with_columns(pl.col("kecamatan_code").is_in(codes).alias("kecamatan_reachable"))
        .sort("desa_code")
    )
