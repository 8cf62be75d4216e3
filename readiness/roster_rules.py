"""The roster rule table: each rule has a code, a severity, a Polars check and a message.

A rule reads the clean and helper columns readiness.roster_normalise builds and marks the rows
that fail; its message template (readiness.messages) is filled per row in one vectorised
expression. ``RosterContext`` holds what the rules need to know about the village, the
election and the settings in force.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from readiness import messages
from readiness.config import Settings
from readiness.ingest import (
    ROW_COLUMN,
)

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

# Free-text columns stored as written; formula-like text in them is flagged and made inert.
FREE_TEXT_COLUMNS = ("tempat_lahir", "alamat", "keterangan", "no_kpj")


# The code ``registered_elsewhere`` carries for a village the uploader may not see: the row is
# refused all the same, with "sudah terdaftar di desa lain" and no village named.
HIDDEN_VILLAGE = "*"


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


def render_rule(rule: Rule, ctx: RosterContext) -> pl.Expr:
    """Turn the message template into one vectorised string expression."""
    values = {"row": pl.col(ROW_COLUMN).cast(pl.String), **rule.fields(ctx)}
    parts: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(rule.message):
        if literal:
            parts.append(pl.lit(literal))
        if name:
            parts.append(values[name].cast(pl.String).fill_null(""))
    return pl.concat_str(parts)
