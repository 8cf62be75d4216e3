"""Roster rules as a table: each rule has a code, a severity, a Polars check and a message.

``validate_roster`` normalises the columns an operator uploaded (NIK, dates, phone, TPS,
statuses), evaluates every rule over the whole frame at once and gives each data row exactly one
verdict: accepted (possibly with warnings) or rejected (with the fix in Bahasa Indonesia).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from readiness import crosschecks, messages
from readiness.bidi import BIDI_CONTROLS
from readiness.config import Settings
from readiness.ingest import (
    CANONICAL_COLUMNS,
    COLUMNS_MISSING,
    EXPECTED_HEADERS,
    PSEUDO_COLUMNS,
    REQUIRED_COLUMNS,
    ROW_COLUMN,
    RawTable,
    RosterFileError,
    family_card_columns,
    guess_mapping,
)
from readiness.spreadsheet import FORMULA_STARTS, neutralise
from readiness.vocabulary import NO_PATTERN, parse_dates, yes_no

# Province codes in force (Kepmendagri 300.2.2-2138/2025 on region codes): the first two NIK
# digits. A NIK is for life (UU 24/2013 Pasal 13), so old codes stay valid for people who moved.
PROVINCE_CODES: frozenset[str] = frozenset(
    (
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    )
)  # fmt: skip

_MALE = {"l", "lk", "laki", "lakilaki", "laki2", "pria", "male", "m", "cowok"}
_FEMALE = {"p", "pr", "prp", "perempuan", "wanita", "female", "f", "w", "cewek"}
# Free-text columns stored as written; formula-like text in them is flagged and made inert.
FREE_TEXT_COLUMNS = ("tempat_lahir", "alamat", "keterangan", "no_kpj")
_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


@dataclass(frozen=True)
class RosterContext:
    """What validation needs to know about the village and the election; limits are settings."""

    desa_code: str
    kabupaten_code: str
    voting_date: dt.date
    # The settings' defaults; callers pass the settings in force (roster.validate_upload).
    min_age: int = Settings.min_age  # PKPU 8/2022 Pasal 35(1)(b)
    max_age_warning: int = Settings.max_age_warning  # no written upper age: warn only
    tps_count: int | None = None
    registered_elsewhere: pl.DataFrame | None = None
    province_codes: frozenset[str] = PROVINCE_CODES
    max_name_length: int = 100
    max_plausible_age: int = 100  # older than this on voting day is a typo, not a volunteer


@dataclass(frozen=True)
class Rule:
    """One check: ``check`` marks failing rows, ``fields`` fill the message template."""

    code: str
    severity: str  # "error" rejects the row, "warning" keeps it flagged
    column: str | None
    check: Callable[[RosterContext], pl.Expr]
    fields: Callable[[RosterContext], dict[str, pl.Expr]]

    @property
    def message(self) -> str:
        """The Bahasa Indonesia template from the catalogue."""
        return messages.MESSAGES[self.code]


def _shown(column: str, limit: int = 60) -> pl.Expr:
    """Show the text as the operator wrote it, shortened for a message."""
    text = pl.col(column).fill_null("")
    return (
        pl.when(text.str.len_chars() > limit).then(text.str.slice(0, limit) + "…").otherwise(text)
    )


def _row_value(column: str) -> Callable[[RosterContext], dict[str, pl.Expr]]:
    return lambda ctx: {"value": _shown(column)}


def _state(column: str, value: str) -> Callable[[RosterContext], pl.Expr]:
    return lambda ctx: pl.col(column) == value


def _age_checks(ctx: RosterContext) -> dict[str, pl.Expr]:
    return {
        "value": _shown("tanggal_lahir_text"),
        "age": pl.col("_age").cast(pl.String),
        "limit": pl.lit(str(ctx.min_age)),
        "voting_date": pl.lit(ctx.voting_date.strftime("%d-%m-%Y")),
    }


RULES: tuple[Rule, ...] = (
    # Rejections.
    Rule("nama_empty", "error", "nama", _state("_nama_state", "empty"), lambda ctx: {}),
    Rule(
        "nama_formula",
        "error",
        "nama",
        _state("_nama_state", "formula"),
        lambda ctx: {"value": _shown("nama"), "first": pl.col("nama").str.slice(0, 1)},
    ),
    Rule("nama_html", "error", "nama", _state("_nama_state", "html"), _row_value("nama")),
    Rule(
        "nama_too_long",
        "error",
        "nama",
        _state("_nama_state", "long"),
        lambda ctx: {
            "length": pl.col("nama").str.len_chars().cast(pl.String),
            "limit": pl.lit(str(ctx.max_name_length)),
        },
    ),
    Rule("nik_empty", "error", "nik", _state("_nik_state", "empty"), lambda ctx: {}),
    Rule(
        "nik_scientific", "error", "nik", _state("_nik_state", "scientific"), _row_value("_nik_raw")
    ),
    Rule(
        "nik_not_digits", "error", "nik", _state("_nik_state", "not_digits"), _row_value("_nik_raw")
    ),
    Rule(
        "nik_length",
        "error",
        "nik",
        _state("_nik_state", "length"),
        lambda ctx: {
            "value": _shown("_nik_raw"),
            "digits": pl.col("nik").str.len_chars().cast(pl.String),
        },
    ),
    Rule(
        "nik_region",
        "error",
        "nik",
        _state("_nik_state", "region"),
        lambda ctx: {"value": pl.col("nik"), "code": pl.col("nik").str.slice(0, 6)},
    ),
    Rule(
        "nik_birthdate",
        "error",
        "nik",
        _state("_nik_state", "birthdate"),
        lambda ctx: {"value": pl.col("nik"), "part": pl.col("nik").str.slice(6, 6)},
    ),
    Rule(
        "nik_serial",
        "error",
        "nik",
        _state("_nik_state", "serial"),
        lambda ctx: {"value": pl.col("nik")},
    ),
    Rule("nik_is_kk", "error", "nik", _state("_nik_state", "kk"), _row_value("nik")),
    Rule(
        "nik_registered_elsewhere",
        "error",
        "nik",
        lambda ctx: (
            pl.col("_elsewhere_code").is_not_null() & (pl.col("_elsewhere_code") != HIDDEN_VILLAGE)
        ),
        lambda ctx: {
            "value": pl.col("nik"),
            "desa_name": pl.col("_elsewhere_name"),
            "desa_code": pl.col("_elsewhere_code"),
        },
    ),
    Rule(
        "nik_registered_other_village",
        "error",
        "nik",
        lambda ctx: pl.col("_elsewhere_code") == HIDDEN_VILLAGE,
        lambda ctx: {"value": pl.col("nik")},
    ),
    Rule(
        "tanggal_lahir_empty",
        "error",
        "tanggal_lahir",
        _state("_lahir_state", "empty"),
        lambda ctx: {},
    ),
    Rule(
        "tanggal_lahir_invalid",
        "error",
        "tanggal_lahir",
        lambda ctx: (
            (pl.col("_lahir_state") == "invalid")
            | (
                (pl.col("_lahir_state") == "ok")
                & (
                    (pl.col("tanggal_lahir").dt.year() < 1900)
                    | (pl.col("_age") > ctx.max_plausible_age)
                )
            )
        ),
        lambda ctx: {"value": _shown("tanggal_lahir_text")},
    ),
    Rule(
        "tanggal_lahir_ambiguous",
        "error",
        "tanggal_lahir",
        _state("_lahir_state", "ambiguous"),
        lambda ctx: {"value": _shown("tanggal_lahir_text"), "reason": pl.col("_lahir_reason")},
    ),
    Rule(
        "tanggal_lahir_future",
        "error",
        "tanggal_lahir",
        lambda ctx: (pl.col("_lahir_state") == "ok") & (pl.col("tanggal_lahir") > ctx.voting_date),
        lambda ctx: {
            "value": _shown("tanggal_lahir_text"),
            "voting_date": pl.lit(ctx.voting_date.strftime("%d-%m-%Y")),
        },
    ),
    Rule(
        "age_under_min",
        "error",
        "tanggal_lahir",
        # PKPU 8/2022 Pasal 35(1)(b): at least 17 on voting day; the limit is a setting.
        lambda ctx: (
            (pl.col("_lahir_state") == "ok")
            & (pl.col("tanggal_lahir") <= ctx.voting_date)
            & (pl.col("_age") < ctx.min_age)
        ),
        _age_checks,
    ),
    # Accepted with a warning.
    *(
        Rule(
            f"{column}_formula",
            "warning",
            column,
            _state(f"_{column}_formula", True),
            _row_value(column),
        )
        for column in FREE_TEXT_COLUMNS
    ),
    Rule(
        "nik_outside_kabupaten",
        "warning",
        "nik",
        # The first 4 NIK digits are where it was first issued (UU 24/2013): moving is normal.
        lambda ctx: (
            (pl.col("_nik_state") == "ok")
            & (pl.col("nik").str.slice(0, 4) != ctx.kabupaten_code.replace(".", "")[:4])
        ),
        lambda ctx: {
            "value": pl.col("nik"),
            "code": pl.col("nik").str.slice(0, 2) + "." + pl.col("nik").str.slice(2, 2),
        },
    ),
    Rule(
        "nik_excel_number",
        "warning",
        "nik",
        # The reader kept the stored 16 digits; Excel keeps only 15 significant digits.
        lambda ctx: (pl.col("_nik_state") == "ok") & pl.col("_nik_altered"),
        lambda ctx: {"value": pl.col("nik")},
    ),
    Rule(
        "tanggal_lahir_read_by_nik",
        "warning",
        "tanggal_lahir",
        lambda ctx: pl.col("_lahir_settled"),
        lambda ctx: {
            "value": _shown("tanggal_lahir_text"),
            "read_as": pl.col("_lahir_read_as"),
        },
    ),
    Rule(
        "nik_birthdate_mismatch",
        "warning",
        "tanggal_lahir",
        # NIK digits 7-12: birth date DDMMYY, day + 40 for women (Dukcapil layout, DOMAIN.md).
        lambda ctx: (
            (pl.col("_nik_state") == "ok")
            & (pl.col("_lahir_state") == "ok")
            & (
                (pl.col("_nik_day") != pl.col("tanggal_lahir").dt.day())
                | (pl.col("_nik_month") != pl.col("tanggal_lahir").dt.month())
                | (pl.col("_nik_year2") != pl.col("tanggal_lahir").dt.year() % 100)
            )
        ),
        lambda ctx: {
            "value": _shown("tanggal_lahir_text"),
            "nik_date": pl.format(
                "{}-{}-{}",
                pl.col("nik").str.slice(6, 2).cast(pl.Int32).mod(40).cast(pl.String).str.zfill(2),
                pl.col("nik").str.slice(8, 2),
                pl.col("nik").str.slice(10, 2),
            ),
        },
    ),
    Rule(
        "nik_sex_mismatch",
        "warning",
        "jenis_kelamin",
        lambda ctx: (
            (pl.col("_nik_state") == "ok")
            & pl.col("_jk_given").is_not_null()
            & (pl.col("_jk_given") != pl.col("_nik_sex"))
        ),
        lambda ctx: {"value": _shown("_jk_raw"), "nik_sex": _sex_word("_nik_sex")},
    ),
    Rule(
        "jenis_kelamin_from_nik",
        "warning",
        "jenis_kelamin",
        lambda ctx: (pl.col("_nik_state") == "ok") & pl.col("_jk_given").is_null(),
        lambda ctx: {
            "value": pl.when(pl.col("_jk_raw").is_null() | (pl.col("_jk_raw") == ""))
            .then(pl.lit("kosong"))
            .otherwise(pl.format('"{}" tidak dikenali', _shown("_jk_raw"))),
            "nik_sex": _sex_word("_nik_sex"),
        },
    ),
    Rule(
        "age_over_warning",
        "warning",
        "tanggal_lahir",
        lambda ctx: (
            (pl.col("_lahir_state") == "ok")
            & (pl.col("_age") > ctx.max_age_warning)
            & (pl.col("_age") <= ctx.max_plausible_age)
        ),
        lambda ctx: {
            "age": pl.col("_age").cast(pl.String),
            "limit": pl.lit(str(ctx.max_age_warning)),
        },
    ),
    Rule(
        "no_hp_invalid",
        "warning",
        "no_hp",
        lambda ctx: pl.col("_hp_raw").is_not_null() & pl.col("no_hp").is_null(),
        _row_value("_hp_raw"),
    ),
    Rule("tps_missing", "warning", "nomor_tps", _state("_tps_state", "missing"), lambda ctx: {}),
    Rule(
        "tps_invalid",
        "warning",
        "nomor_tps",
        _state("_tps_state", "invalid"),
        _row_value("_tps_raw"),
    ),
    Rule(
        "tps_beyond_count",
        "warning",
        "nomor_tps",
        lambda ctx: (
            pl.lit(ctx.tps_count is not None)
            & (pl.col("nomor_tps") > (ctx.tps_count if ctx.tps_count is not None else 0))
        ),
        lambda ctx: {
            "value": pl.col("nomor_tps").cast(pl.String),
            "tps_count": pl.lit(str(ctx.tps_count)),
        },
    ),
    Rule(
        "status_bpjs_unknown",
        "warning",
        "status_bpjs",
        _state("_bpjs_state", "unknown"),
        _row_value("_bpjs_raw"),
    ),
    Rule(
        "no_kpj_invalid",
        "warning",
        "no_kpj",
        # KPJ has 11 digits per non-official sources (DOMAIN.md [unv]): warn, never reject.
        lambda ctx: pl.col("no_kpj").is_not_null() & ~pl.col("no_kpj").str.contains(r"^\d{11}$"),
        _row_value("_kpj_raw"),
    ),
    Rule(
        "status_pelatihan_unknown",
        "warning",
        "status_pelatihan",
        _state("_latih_state", "unknown"),
        _row_value("_latih_raw"),
    ),
    Rule(
        "tanggal_pelatihan_invalid",
        "warning",
        "tanggal_pelatihan",
        lambda ctx: pl.col("_latih_date_state").is_in(["invalid", "ambiguous"]),
        _row_value("_latih_date_raw"),
    ),
)
# Applied after the others: which of two rows with one NIK is kept depends on their other errors.
DUPLICATE_RULE = Rule(
    "nik_duplicate",
    "error",
    "nik",
    lambda ctx: (
        pl.col("_nik_first_row").is_not_null() & (pl.col(ROW_COLUMN) != pl.col("_nik_first_row"))
    ),
    lambda ctx: {"value": pl.col("nik"), "first_row": pl.col("_nik_first_row").cast(pl.String)},
)
RULES = (*RULES, DUPLICATE_RULE)


def _sex_word(column: str) -> pl.Expr:
    return pl.when(pl.col(column) == "P").then(pl.lit("perempuan")).otherwise(pl.lit("laki-laki"))


def _render(rule: Rule, ctx: RosterContext) -> pl.Expr:
    """Turn the message template into one vectorised string expression."""
    values = {"row": pl.col(ROW_COLUMN).cast(pl.String), **rule.fields(ctx)}
    parts: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(rule.message):
        if literal:
            parts.append(pl.lit(literal))
        if name:
            parts.append(values[name].cast(pl.String).fill_null(""))
    return pl.concat_str(parts)


# ---------------------------------------------------------------------------------------------
# Normalisers: String expressions in, clean values out.
# ---------------------------------------------------------------------------------------------


def _text(expr: pl.Expr) -> pl.Expr:
    """Trimmed text without direction controls (an RTL override disguises a name), empty ->
    null; nothing else changes (José and Ma’ruf stay as written)."""
    return (
        expr.cast(pl.String)
        .str.replace_all(BIDI_CONTROLS, "")
        .str.strip_chars()
        .str.strip_chars("\u200b\ufeff")
        .replace("", None)
    )


def _yes_no(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Ya/Sudah/Terdaftar/✓ -> True, Tidak/Belum/- -> False, else null; plus a state."""
    value = yes_no(raw)
    state = (
        pl.when(raw.is_null())
        .then(pl.lit("empty"))
        .when(value.is_not_null())
        .then(pl.lit("ok"))
        .otherwise(pl.lit("unknown"))
    )
    return value, state


def _missing_message(found: list[str], missing: list[str], header_row: object) -> str:
    return messages.render(
        "columns_missing",
        missing=", ".join(EXPECTED_HEADERS[c] for c in missing),
        found=", ".join(f'"{c}"' for c in found) or "(tidak ada)",
        expected=", ".join(EXPECTED_HEADERS[c] for c in REQUIRED_COLUMNS),
        header_row=header_row if header_row is not None else "?",
    )


def _resolve_mapping(raw: RawTable, mapping: dict[str, str | None] | None) -> dict[str, str]:
    """Canonical -> header column; first column wins; raises when a required column is absent."""
    columns = [c for c in raw.frame.columns if c != ROW_COLUMN]
    if mapping is None:
        mapping = guess_mapping(columns)
    allowed = set(CANONICAL_COLUMNS) | set(PSEUDO_COLUMNS)
    chosen: dict[str, str] = {}
    for column in columns:
        canonical = mapping.get(column)
        if canonical in allowed and canonical not in chosen:
            chosen[canonical] = column
    has = set(chosen)
    missing = [
        c
        for c in REQUIRED_COLUMNS
        if c not in has
        and not (c == "tanggal_lahir" and "ttl" in has)
        and not (c == "jenis_kelamin" and {"jk_l", "jk_p"} <= has)
    ]
    if missing:
        message = _missing_message(columns, missing, raw.detected.get("header_row"))
        raise RosterFileError(COLUMNS_MISSING, message)
    return chosen


def phone_number(raw: pl.Expr) -> pl.Expr:
    """The roster phone rule: the first number in the cell, +62/62/8 -> 08..., 10 to 13 digits.

    Null when the cell holds no reachable mobile number (also for an empty cell).

    >>> pl.select(phone_number(pl.lit("+62 812-3456-7890 / 0813"))).item()
    '081234567890'
    """
    first_phone = raw.str.split_exact("/", 1).struct.field("field_0")
    digits = first_phone.str.replace_all(r"[;,]|\batau\b.*$", "").str.replace_all(r"\D", "")
    phone = (
        pl.when(digits.str.starts_with("62"))
        .then("0" + digits.str.slice(2))
        .when(digits.str.starts_with("8"))
        .then("0" + digits)
        .otherwise(digits)
    )
    return pl.when(phone.str.contains(r"^08\d{8,11}$")).then(phone)


def _normalise(raw: RawTable, chosen: dict[str, str], ctx: RosterContext) -> pl.DataFrame:
    """Every canonical column cleaned, plus the ``_``-prefixed helper columns the rules read."""

    def src(name: str) -> pl.Expr:
        if name in chosen:
            return _text(pl.col(chosen[name])).alias(name)
        return pl.lit(None, dtype=pl.String).alias(name)

    # A "No. KK" column is never read as the NIK, but a NIK cell equal to it is a copied KK.
    kk_columns = [c for c in family_card_columns(raw.frame.columns) if c not in chosen.values()]
    kk_in = _text(pl.col(kk_columns[0])) if kk_columns else pl.lit(None, dtype=pl.String)
    frame = raw.frame.select(
        pl.col(ROW_COLUMN).cast(pl.Int64),
        *(src(c).alias(f"_{c}_in") for c in (*CANONICAL_COLUMNS, *PSEUDO_COLUMNS)),
        kk_in.alias("_kk_in"),
    )

    # Tempat/Tgl Lahir in one cell: the trailing date is the birth date, the rest the place.
    date_tail = (
        r"(\d{1,2}\s*[-/.\s]\s*[A-Za-z]+\.?\s*[-/.\s]\s*\d{2,4}|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]"
        r"\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}(?: 00:00:00)?|\d{5})\s*$"
    )
    ttl = pl.col("_ttl_in")
    ttl_date = ttl.str.extract(date_tail, 1)
    ttl_place = _text(ttl.str.replace(date_tail, "").str.strip_chars(" ,/;:-"))
    lahir_text = pl.coalesce(
        pl.col("_tanggal_lahir_in"), pl.when(ttl_date.is_not_null()).then(ttl_date).otherwise(ttl)
    )
    frame = frame.with_columns(
        lahir_text.alias("tanggal_lahir_text"),
        pl.coalesce(
            pl.col("_tempat_lahir_in"), pl.when(ttl_date.is_not_null()).then(ttl_place)
        ).alias("tempat_lahir"),
    )

    # NIK: 16 digits, for life (UU 23/2006 jo UU 24/2013 Pasal 13); Dukcapil layout (DOMAIN.md):
    # province 2, kabupaten 2, kecamatan 2, birth date DDMMYY (day + 40 for women), serial 4.
    nik_raw = pl.col("_nik_in").str.strip_chars("'’`\"")

    def digits(raw: pl.Expr) -> pl.Expr:
        return raw.str.replace(r"^(\d{16})\.0+$", "$1").str.replace_all(
            r"[\s\u00a0\u2007\u202f.\-_'’`,]", ""
        )

    nik = digits(nik_raw)
    kk = digits(pl.col("_kk_in").str.strip_chars("'’`\""))
    # Materialised once: every NIK rule reads these (nesting them made one huge expression).
    frame = frame.with_columns(nik_raw.alias("_nik_raw"), nik.alias("nik"), kk.alias("_kk"))
    nik_raw, nik = pl.col("_nik_raw"), pl.col("nik")
    nik_day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    nik_month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    real_day = pl.when(nik_day > 40).then(nik_day - 40).otherwise(nik_day)
    max_day = nik_month.replace_strict(
        dict(enumerate(_DAYS_IN_MONTH, start=1)), default=0, return_dtype=pl.Int32
    )
    nik_state = (
        pl.when(nik_raw.is_null() | (nik == ""))
        .then(pl.lit("empty"))
        .when(nik_raw.str.contains(r"^\d+([.,]\d+)?\s*[eE]\s*[+-]?\d+$"))
        .then(pl.lit("scientific"))
        .when(~nik.str.contains(r"^\d+$"))
        .then(pl.lit("not_digits"))
        .when(nik.str.len_chars() != 16)
        .then(pl.lit("length"))
        .when(nik == pl.col("_kk"))
        .then(pl.lit("kk"))
        .when(
            ~nik.str.slice(0, 2).is_in(sorted(ctx.province_codes))
            | (nik.str.slice(2, 2) == "00")
            | (nik.str.slice(4, 2) == "00")
        )
        .then(pl.lit("region"))
        .when(
            (real_day < 1)
            | (real_day > max_day)
            | ((nik_day > 31) & (nik_day < 41))
            | (nik_day > 71)
        )
        .then(pl.lit("birthdate"))
        .when(nik.str.slice(12, 4) == "0000")
        .then(pl.lit("serial"))
        .otherwise(pl.lit("ok"))
    )
    frame = frame.with_columns(
        nik_state.alias("_nik_state"),
        real_day.alias("_nik_day"),
        nik_month.alias("_nik_month"),
        nik.str.slice(10, 2).cast(pl.Int32, strict=False).alias("_nik_year2"),
        pl.when(nik_day > 40).then(pl.lit("P")).otherwise(pl.lit("L")).alias("_nik_sex"),
    )
    frame = parse_dates(frame, "tanggal_lahir_text", ctx.voting_date.year, "_lahir")
    frame = crosschecks.apply(frame, raw, chosen, ctx.voting_date.year)
    frame = frame.with_columns(
        pl.col("_lahir_date").alias("tanggal_lahir"),
        (
            pl.lit(ctx.voting_date.year)
            - pl.col("_lahir_date").dt.year()
            - (
                (pl.col("_lahir_date").dt.month() > ctx.voting_date.month)
                | (
                    (pl.col("_lahir_date").dt.month() == ctx.voting_date.month)
                    & (pl.col("_lahir_date").dt.day() > ctx.voting_date.day)
                )
            ).cast(pl.Int32)
        ).alias("_age"),
    )

    # Name: trimmed only. Formula-like starts are refused (CSV injection when exported again).
    nama = pl.col("_nama_in")
    nama_state = (
        pl.when(nama.is_null() | nama.str.contains(r"^[-\u2013\u2014._\s]+$"))  # "-" = none
        .then(pl.lit("empty"))
        .when(nama.str.contains(r"^[=+\-@]"))
        .then(pl.lit("formula"))
        .when(nama.str.contains(r"<\s*[A-Za-z/!?]|&[A-Za-z]+;|&#\d+;"))
        .then(pl.lit("html"))
        .when(nama.str.len_chars() > ctx.max_name_length)
        .then(pl.lit("long"))
        .otherwise(pl.lit("ok"))
    )

    # Sex: L/P words, or ticks in two columns "L" and "P"; else taken from the NIK.
    jk_key = pl.col("_jenis_kelamin_in").str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    mapping = {**dict.fromkeys(_MALE, "L"), **dict.fromkeys(_FEMALE, "P")}
    ticked_l, _ = _yes_no(pl.col("_jk_l_in"))
    ticked_p, _ = _yes_no(pl.col("_jk_p_in"))
    tick_l = pl.col("_jk_l_in").is_not_null() & ticked_l.fill_null(True)
    tick_p = pl.col("_jk_p_in").is_not_null() & ticked_p.fill_null(True)
    jk_given = pl.coalesce(
        jk_key.replace_strict(mapping, default=None, return_dtype=pl.String),
        pl.when(tick_l & ~tick_p).then(pl.lit("L")).when(tick_p & ~tick_l).then(pl.lit("P")),
    )
    jk_raw = pl.coalesce(
        pl.col("_jenis_kelamin_in"),
        pl.when(tick_l & tick_p).then(pl.lit("L dan P")),
    )

    phone = phone_number(pl.col("_no_hp_in"))

    # TPS: "TPS 01", "Tps.4", "002", "4.0" -> 4.
    tps_digits = pl.col("_nomor_tps_in").str.extract(r"(\d{1,4})(?:[.,]0+)?(?:\D|$)", 1)
    tps = tps_digits.cast(pl.Int64, strict=False)
    # A roster without any TPS column gets no per-row warning: nothing was left blank.
    tps_state = (
        pl.when(pl.col("_nomor_tps_in").is_null())
        .then(pl.lit("missing" if "nomor_tps" in chosen else "absent"))
        .when(tps.is_null() | (tps < 1) | (tps_digits.str.len_chars() > 3))
        .then(pl.lit("invalid"))
        .otherwise(pl.lit("ok"))
    )

    # BPJS: a status word, or a KPJ number written in the status column.
    bpjs_in = pl.col("_status_bpjs_in")
    bpjs_number = bpjs_in.str.replace_all(r"[\s.\-']", "")
    bpjs_is_number = bpjs_number.str.contains(r"^\d{8,}$")
    bpjs_word, bpjs_word_state = _yes_no(bpjs_in)
    kpj_in = pl.coalesce(pl.col("_no_kpj_in"), pl.when(bpjs_is_number).then(bpjs_in))
    kpj_clean = kpj_in.str.replace_all(r"[\s.\-'’`]", "")
    kpj_given = kpj_in.is_not_null() & ~kpj_in.str.contains(NO_PATTERN)
    kpj = pl.when(kpj_given).then(
        pl.when(kpj_clean.str.contains(r"^\d+$")).then(kpj_clean).otherwise(kpj_in)
    )
    bpjs = (
        pl.when(bpjs_is_number)
        .then(True)
        .when(bpjs_in.is_not_null())
        .then(bpjs_word)
        .when(kpj_given)
        .then(True)
    )
    bpjs_state = pl.when(bpjs_is_number).then(pl.lit("ok")).otherwise(bpjs_word_state)

    # Training: a status word, or a date written in the status column.
    latih_in = pl.col("_status_pelatihan_in")
    latih_word, latih_word_state = _yes_no(latih_in)
    frame = parse_dates(frame, "_status_pelatihan_in", ctx.voting_date.year, "_latih_as_date")
    latih_date_raw = pl.coalesce(
        pl.col("_tanggal_pelatihan_in"),
        pl.when(pl.col("_latih_as_date_state") == "ok").then(latih_in),
    )
    frame = frame.with_columns(
        latih_date_raw.alias("_latih_date_raw"),
        nama.alias("nama"),
        nama_state.alias("_nama_state"),
        jk_given.alias("_jk_given"),
        jk_raw.alias("_jk_raw"),
        pl.col("_no_hp_in").alias("_hp_raw"),
        phone.alias("no_hp"),
        pl.col("_nomor_tps_in").alias("_tps_raw"),
        pl.when(tps_state == "ok").then(tps).alias("nomor_tps"),
        tps_state.alias("_tps_state"),
        bpjs_in.alias("_bpjs_raw"),
        bpjs.alias("status_bpjs"),
        bpjs_state.alias("_bpjs_state"),
        kpj_in.alias("_kpj_raw"),
        kpj.alias("no_kpj"),
        latih_in.alias("_latih_raw"),
        latih_word.alias("_latih_word"),
        pl.when(pl.col("_latih_as_date_state") == "ok")
        .then(pl.lit("ok"))
        .otherwise(latih_word_state)
        .alias("_latih_state"),
        pl.col("_alamat_in").alias("alamat"),
        pl.col("_keterangan_in").alias("keterangan"),
    )
    frame = parse_dates(frame, "_latih_date_raw", ctx.voting_date.year, "_latih_date")
    # Free text that a spreadsheet would run as a formula is kept, flagged and made inert (an
    # apostrophe in front), so it is never stored live; a leading tab/CR was already trimmed,
    # and the check runs on the trimmed text.
    frame = frame.with_columns(
        pl.any_horizontal(pl.col(c).str.starts_with(s) for s in FORMULA_STARTS)
        .fill_null(False)
        .alias(f"_{c}_formula")
        for c in FREE_TEXT_COLUMNS
    ).with_columns(neutralise(c) for c in FREE_TEXT_COLUMNS)
    frame = frame.with_columns(
        pl.coalesce(
            pl.col("_jk_given"), pl.when(pl.col("_nik_state") == "ok").then("_nik_sex")
        ).alias("jenis_kelamin"),
        pl.col("_latih_date_date").alias("tanggal_pelatihan"),
        pl.when(pl.col("_latih_raw").is_not_null())
        .then(
            pl.when(pl.col("_latih_as_date_state") == "ok")
            .then(True)
            .otherwise(pl.col("_latih_word"))
        )
        .when(pl.col("_latih_date_date").is_not_null())
        .then(True)
        .alias("status_pelatihan"),
    )
    return _join_elsewhere(frame, ctx)


# The code ``registered_elsewhere`` carries for a village the uploader may not see: the row is
# refused all the same, with "sudah terdaftar di desa lain" and no village named.
HIDDEN_VILLAGE = "*"


def _join_elsewhere(frame: pl.DataFrame, ctx: RosterContext) -> pl.DataFrame:
    """Attach the other village already holding a NIK; that village's record is left alone."""
    other = ctx.registered_elsewhere
    if other is None or other.height == 0:
        return frame.with_columns(
            pl.lit(None, dtype=pl.String).alias("_elsewhere_code"),
            pl.lit(None, dtype=pl.String).alias("_elsewhere_name"),
        )
    other = (
        other.select(
            pl.col("nik").cast(pl.String).str.replace_all(r"\D", ""),
            pl.col("desa_code").cast(pl.String).alias("_elsewhere_code"),
            pl.col("desa_name").cast(pl.String).alias("_elsewhere_name"),
        )
        .filter(pl.col("_elsewhere_code") != ctx.desa_code)
        .unique("nik", keep="first", maintain_order=True)
    )
    joined = frame.join(other, on="nik", how="left", maintain_order="left")
    return joined.with_columns(
        pl.when(pl.col("_nik_state") == "ok").then(pl.col(c)).alias(c)
        for c in ("_elsewhere_code", "_elsewhere_name")
    )


OFFICER_SCHEMA: dict[str, pl.DataType] = {
    "row_number": pl.Int64(),
    "nama": pl.String(),
    "nik": pl.String(),
    "jenis_kelamin": pl.String(),
    "tempat_lahir": pl.String(),
    "tanggal_lahir": pl.Date(),
    "alamat": pl.String(),
    "no_hp": pl.String(),
    "nomor_tps": pl.Int64(),
    "status_bpjs": pl.Boolean(),
    "no_kpj": pl.String(),
    "status_pelatihan": pl.Boolean(),
    "tanggal_pelatihan": pl.Date(),
    "keterangan": pl.String(),
    "warning_codes": pl.List(pl.String()),
}
FINDING_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "column": pl.String(),
    "severity": pl.String(),
    "code": pl.String(),
    "message": pl.String(),
}


@dataclass(frozen=True)
class RosterVerdict:
    """Accepted officers, every finding, the skipped rows and the counts the CLI prints."""

    officers: pl.DataFrame
    findings: pl.DataFrame
    skipped: pl.DataFrame
    detected: dict
    accepted: int
    warned: int
    rejected: int
    skipped_count: int
    mapping: dict[str, str] = field(default_factory=dict)  # canonical -> header column used

    def to_json(self, file: str, desa: str) -> dict:
        """Build the ``import --json`` object for a file that was read (status "ok")."""
        return {
            "file": file,
            "desa": desa,
            "detected": self.detected,
            "status": "ok",
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warned": self.warned,
            "skipped": self.skipped_count,
            "file_error": None,
            "findings": self.findings.to_dicts(),
        }


def rejected_file_json(file: str, desa: str, error: RosterFileError) -> dict:
    """Build the ``import --json`` object when the whole file is refused (exit code 2)."""
    return {
        "file": file,
        "desa": desa,
        "detected": {},
        "status": "rejected",
        "accepted": 0,
        "rejected": 0,
        "warned": 0,
        "skipped": 0,
        "file_error": {"code": error.code, "message": error.message},
        "findings": [],
    }


def validate_roster(
    raw: RawTable, context: RosterContext, mapping: dict[str, str | None] | None = None
) -> RosterVerdict:
    """Normalise and check every row; each data row is either accepted or rejected, never both.

    ``mapping`` is header text -> canonical name (None ignores a column); without it the
    mapping is guessed from the headers. Raises ``RosterFileError("columns_missing")``.
    """
    chosen = _resolve_mapping(raw, mapping)
    frame = _normalise(raw, chosen, context)
    rules = [r for r in RULES if r.code != DUPLICATE_RULE.code]
    frame = frame.with_columns(
        r.check(context).fill_null(False).alias(f"_r_{r.code}") for r in rules
    )
    other_error = pl.any_horizontal(
        [pl.col(f"_r_{r.code}") for r in rules if r.severity == "error"]
    )
    # Of several rows with one NIK, keep the first that has no other error (else the first).
    ok_nik = pl.col("_nik_state") == "ok"
    first_clean = pl.col(ROW_COLUMN).filter(~pl.col("_other_error")).min().over("nik")
    frame = frame.with_columns(other_error.alias("_other_error")).with_columns(
        pl.when(ok_nik & (pl.len().over("nik") > 1))
        .then(pl.coalesce(first_clean, pl.col(ROW_COLUMN).min().over("nik")))
        .alias("_nik_first_row")
    )
    frame = frame.with_columns(
        DUPLICATE_RULE.check(context).fill_null(False).alias(f"_r_{DUPLICATE_RULE.code}")
    )
    errors = [pl.col(f"_r_{r.code}") for r in RULES if r.severity == "error"]
    warnings = [
        pl.when(pl.col(f"_r_{r.code}")).then(pl.lit(r.code))
        for r in RULES
        if r.severity == "warning"
    ]
    frame = frame.with_columns(
        pl.any_horizontal(errors).alias("_rejected"),
        pl.concat_list(warnings).list.drop_nulls().alias("warning_codes"),
    )
    # Messages are rendered only for rules that fired: most rules fire on no row at all.
    hits = frame.select(pl.col(f"_r_{r.code}").sum() for r in RULES).row(0)
    fired = [(order, r) for order, (r, n) in enumerate(zip(RULES, hits, strict=True)) if n]

    findings = pl.concat(
        [
            pl.DataFrame(schema={**FINDING_SCHEMA, "_order": pl.Int32()}).lazy(),
            *(
                frame.lazy()
                .filter(pl.col(f"_r_{r.code}"))
                .select(
                    pl.col(ROW_COLUMN).alias("row"),
                    pl.lit(r.column, dtype=pl.String).alias("column"),
                    pl.lit(r.severity).alias("severity"),
                    pl.lit(r.code).alias("code"),
                    _render(r, context).alias("message"),
                    pl.lit(order, dtype=pl.Int32).alias("_order"),
                )
                for order, r in fired
            ),
        ]
    )
    findings = (
        findings.sort("row", pl.col("severity") != "error", "_order")
        .drop("_order")
        .cast(FINDING_SCHEMA)
        .collect()
    )
    officers = (
        frame.filter(~pl.col("_rejected"))
        .with_columns(pl.col(ROW_COLUMN).alias("row_number"))
        .select(list(OFFICER_SCHEMA))
        .cast(OFFICER_SCHEMA)
    )
    accepted = officers.height
    warned = officers.filter(pl.col("warning_codes").list.len() > 0).height
    detected = {**raw.detected, "mapping_used": {v: k for k, v in chosen.items()}}
    return RosterVerdict(
        officers=officers,
        findings=findings,
        skipped=raw.skipped,
        detected=detected,
        accepted=accepted,
        warned=warned,
        rejected=frame.height - accepted,
        skipped_count=raw.skipped.height,
        mapping=chosen,
    )
