"""Use what a row itself says before refusing it: the NIK's birth date, the value Excel stored.

Called once by ``validation`` after dates are parsed, so every rule sees the settled values:

- A birth date that reads two ways (03/04/1990: 3 April or 4 March) is settled by the birth
  date inside the NIK (digits 7-12, DDMMYY, day + 40 for women; Dukcapil layout, DOMAIN.md)
  when exactly one reading agrees with it, day, month and year. This resolves, row by row, a
  column that mixes day-month and month-day orders, and a day-first reading the NIK
  contradicts. When neither reading agrees the row keeps its finding.
- A NIK that Excel stored as a 16-digit number is kept (the reader judged the stored value);
  the rows whose last digit Excel may have altered are flagged here for a warning.
"""

from __future__ import annotations

import polars as pl

from readiness.ingest import ROW_COLUMN, RawTable

_TWO_WAY = r"^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{2}|\d{4})$"


def settle_birth_dates(frame: pl.DataFrame, voting_year: int) -> pl.DataFrame:
    """Settle two-way birth dates by the NIK; adds ``_lahir_settled`` and ``_lahir_read_as``.

    Reads tanggal_lahir_text, _nik_state, _nik_day (women's +40 removed), _nik_month,
    _nik_year2, _lahir_date and _lahir_state; rewrites the last two where the NIK settles the
    date. ``_lahir_settled`` is True where the settled reading replaced a rejection or a
    reading the NIK contradicts; ``_lahir_read_as`` shows it as DD-MM-YYYY.

    >>> frame = pl.DataFrame({
    ...     "tanggal_lahir_text": ["03/04/1990"], "_nik_state": ["ok"], "_nik_day": [4],
    ...     "_nik_month": [3], "_nik_year2": [90], "_lahir_date": [None],
    ...     "_lahir_state": ["ambiguous"]}, schema_overrides={"_lahir_date": pl.Date})
    >>> settle_birth_dates(frame, 2024).select("_lahir_date", "_lahir_state").row(0)
    (datetime.date(1990, 3, 4), 'ok')
    """
    parts = pl.col("tanggal_lahir_text").str.strip_chars().str.extract_groups(_TWO_WAY)
    frame = frame.with_columns(parts.alias("_two_way"))
    a = pl.col("_two_way").struct.field("1").cast(pl.Int32)
    b = pl.col("_two_way").struct.field("2").cast(pl.Int32)
    y_text = pl.col("_two_way").struct.field("3")
    y = y_text.cast(pl.Int32)
    # Two-digit years as the date parser reads them: the latest century not after the vote.
    year = (
        pl.when(y_text.str.len_chars() == 2)
        .then(pl.when(2000 + y <= voting_year).then(2000 + y).otherwise(1900 + y))
        .otherwise(y)
    )
    two_way = (a <= 12) & (b <= 12) & (a != b) & (pl.col("_nik_state") == "ok")
    same_year = year % 100 == pl.col("_nik_year2")
    day_first = two_way & same_year & (a == pl.col("_nik_day")) & (b == pl.col("_nik_month"))
    month_first = two_way & same_year & (b == pl.col("_nik_day")) & (a == pl.col("_nik_month"))
    settled = (
        pl.when(day_first).then(pl.date(year, b, a)).when(month_first).then(pl.date(year, a, b))
    )
    frame = frame.with_columns(settled.alias("_settled_date"))
    changed = (
        pl.col("_settled_date").is_not_null()
        & pl.col("_lahir_state").is_in(["ok", "ambiguous"])
        & (
            (pl.col("_lahir_state") != "ok")
            | (pl.col("_lahir_date") != pl.col("_settled_date")).fill_null(True)
        )
    ).fill_null(False)
    return frame.with_columns(
        pl.when(changed)
        .then(pl.col("_settled_date"))
        .otherwise("_lahir_date")
        .alias("_lahir_date"),
        pl.when(changed).then(pl.lit("ok")).otherwise("_lahir_state").alias("_lahir_state"),
        changed.alias("_lahir_settled"),
        pl.when(changed)
        .then(pl.col("_settled_date").dt.strftime("%d-%m-%Y"))
        .alias("_lahir_read_as"),
    ).drop("_two_way", "_settled_date")


def flag_altered_digits(frame: pl.DataFrame, raw: RawTable, nik_column: str | None) -> pl.DataFrame:
    """Add ``_nik_altered``: the NIK cell was a number whose last digit Excel may have changed."""
    flagged = raw.altered_digits.filter(pl.col("column") == nik_column)["row"]
    return frame.with_columns(pl.col(ROW_COLUMN).is_in(flagged.implode()).alias("_nik_altered"))


def apply(
    frame: pl.DataFrame, raw: RawTable, chosen: dict[str, str], voting_year: int
) -> pl.DataFrame:
    """Every cross-check, in the one place validation calls them."""
    frame = settle_birth_dates(frame, voting_year)
    return flag_altered_digits(frame, raw, chosen.get("nik"))
