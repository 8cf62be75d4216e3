"""The words and date spellings people write in spreadsheets, shared by every importer.

A roster, a BPJS participant list, an attendance list and a TPS list all understand the same
yes/no words ("ya", "iya", "sdh", "ok", "√" / "tidak", "blm", "-"), the same status words
("terdaftar", "aktif" / "belum", "nonaktif") and the same dates ("17-08-1990", "17/8/90",
"17 Agustus 1990", "17 Agst 1990", Excel serial numbers). The names of readiness states and unit
statuses live here too, so metrics, charts and pages spell them one way.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

# How a required post is filled, best first; one colour each in ``charts.STATE_COLOURS``.
READINESS_STATES = ("siap", "belum BPJS", "belum pelatihan", "perlu diperiksa", "belum terdaftar")
# A unit (desa, kecamatan, kabupaten) against the ready target and the critical floor.
UNIT_STATUSES = ("siap", "perlu perhatian", "kritis")

# Yes, done, enrolled, present: checked after NO_PATTERN, so "belum terdaftar" is a no.
YES_PATTERN = (
    r"^(ya|y|yes|iya|sudah|sdh|sdah|udah|terdaftar|aktif|ada|punya|memiliki|ikut|mengikuti|"
    r"hadir|lulus|selesai|ok|oke|v|1|true|benar|peserta|✓|✔|√|☑|✅)([\s.,:;!/-]|$)"
)
NO_PATTERN = (
    r"^(tidak|tdk|tak|gak|nggak|belum|blm|blum|no|n|non|nonaktif|tidakaktif|tidakterdaftar|bukan|t|0|false|✗|✘|☐|❌)"
    r"([\s.,:;!/-]|$)|^[-–—]+$"
)
MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "peb": 2, "februari": 2, "pebruari": 2, "febuari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4, "aprl": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agst": 8, "agts": 8, "agust": 8, "agus": 8, "agustus": 8,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "sepember": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "des": 12, "dec": 12, "desember": 12, "december": 12, "desem": 12,
}  # fmt: skip
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system


def parse_dates(frame: pl.DataFrame, source: str, latest_year: int, prefix: str) -> pl.DataFrame:
    """Add {prefix}_date (Date), {prefix}_state (empty/ok/invalid/ambiguous) and _reason.

    Accepted: DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, ISO, two-digit years, Excel serial numbers,
    DDMMYYYY, and month names in Indonesian (old spellings Pebruari, Nopember, Agt) or English.
    Day-first is the Indonesian convention; a column whose values only fit month-first is read
    month-first, and a column showing both orders makes its unclear rows ambiguous.

    Two-digit years take the latest century that does not pass ``latest_year``. Each distinct
    text is parsed once and joined back, in small steps: one nested expression for the whole
    parse grew to thousands of nodes and cost more than the data.
    """
    values = frame.select(pl.col(source).unique())
    values = values.with_columns(
        pl.col(source)
        .str.to_lowercase()
        .str.replace(r"^[a-z]+,\s*(\d)", "$1")  # "Senin, 17 Agustus 1990"
        .str.replace(r"[ t]\d{1,2}[:.]\d{2}([:.]\d{2}(\.\d+)?)?$", "")
        .str.strip_chars(" .,")
        .alias("_s")
    )
    s = pl.col("_s")
    values = values.with_columns(
        s.str.extract_groups(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$").alias("_iso"),
        s.str.extract_groups(r"^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{2}|\d{4})$").alias(
            "_num"
        ),
        s.str.extract_groups(
            r"^(\d{1,2})\s*[-/.\s,]\s*([a-z]+)\.?\s*[-/.\s,]\s*'?(\d{2}|\d{4})$"
        ).alias("_named"),
        s.str.extract_groups(r"^(\d{2})(\d{2})(\d{4})$").alias("_compact"),
        s.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False).alias("_serial"),
        s.str.contains(r"^(\d{4}|(\d{1,2}|[a-z]+)\s*[-/.\s]\s*\d{4})$").alias("_partial"),
    )
    iso, num = pl.col("_iso").struct, pl.col("_num").struct
    named, compact = pl.col("_named").struct, pl.col("_compact").struct
    values = values.with_columns(
        num.field("1").cast(pl.Int32).alias("_a"),
        num.field("2").cast(pl.Int32).alias("_b"),
        num.field("1").is_not_null().alias("_is_num"),
    )
    a, b = pl.col("_a"), pl.col("_b")
    us_only = (b > 12) & (a <= 12)
    eu_only = (a > 12) & (b <= 12)
    month_first = us_only.any() & ~eu_only.any()
    mixed = us_only.any() & eu_only.any() & (a <= 12) & (b <= 12) & (a != b)

    def year(text: pl.Expr) -> pl.Expr:
        y = text.cast(pl.Int32)
        two = text.str.len_chars() == 2
        # Two-digit years: the latest century that does not put the birth after the vote.
        century = pl.when(2000 + y <= latest_year).then(2000).otherwise(1900)
        return pl.when(two).then(century + y).otherwise(y)

    month_name = named.field("2").replace_strict(MONTHS, default=None, return_dtype=pl.Int32)
    values = values.with_columns(
        pl.coalesce(
            iso.field("1").cast(pl.Int32),
            year(num.field("3")),
            year(named.field("3")),
            compact.field("3").cast(pl.Int32),
        ).alias("_y"),
        pl.coalesce(
            iso.field("2").cast(pl.Int32),
            pl.when(pl.col("_is_num")).then(pl.when(month_first).then(a).otherwise(b)),
            pl.when(named.field("1").is_not_null()).then(month_name),
            compact.field("2").cast(pl.Int32),
        ).alias("_m"),
        pl.coalesce(
            iso.field("3").cast(pl.Int32),
            pl.when(pl.col("_is_num")).then(pl.when(month_first).then(b).otherwise(a)),
            named.field("1").cast(pl.Int32),
            compact.field("1").cast(pl.Int32),
        ).alias("_d"),
        (mixed & pl.col("_is_num")).alias("_mixed"),
    )
    built = pl.format(
        "{}-{}-{}",
        pl.col("_y").cast(pl.String).str.zfill(4),
        pl.col("_m").cast(pl.String).str.zfill(2),
        pl.col("_d").cast(pl.String).str.zfill(2),
    ).str.to_date("%Y-%m-%d", strict=False)
    serial = pl.col("_serial")
    from_serial = pl.when(serial.is_between(1, 80000)).then(
        pl.lit(EXCEL_EPOCH) + pl.duration(days=serial)
    )
    values = values.with_columns(pl.coalesce(built, from_serial.cast(pl.Date)).alias("_date"))
    state = (
        pl.when(pl.col(source).is_null())
        .then(pl.lit("empty"))
        .when(pl.col("_partial") | pl.col("_mixed"))
        .then(pl.lit("ambiguous"))
        .when(pl.col("_date").is_null())
        .then(pl.lit("invalid"))
        .otherwise(pl.lit("ok"))
    )
    reason = (
        pl.when(pl.col("_partial"))
        .then(pl.lit("hari atau bulannya tidak ada"))
        .otherwise(pl.lit("hari dan bulan bisa tertukar, kolom ini memakai dua urutan"))
    )
    values = values.select(
        pl.col(source),
        pl.when(state == "ok").then(pl.col("_date")).alias(f"{prefix}_date"),
        state.alias(f"{prefix}_state"),
        reason.alias(f"{prefix}_reason"),
    )
    return frame.join(values, on=source, how="left", nulls_equal=True, maintain_order="left")


def yes_no(raw: pl.Expr, *, extra_yes: tuple[str, ...] = ()) -> pl.Expr:
    """Ya/Sudah/Terdaftar/✓ -> True, Tidak/Belum/Nonaktif/- -> False, anything else null.

    ``extra_yes`` adds words that mean yes in one column only (a TPS list's "rawan", "x").

    >>> frame = pl.DataFrame({"s": ["Iya", "sdh", "OK", "√", "blm", "Tidak aktif", "-", "?"]})
    >>> frame.select(yes_no(pl.col("s"))).to_series().to_list()
    [True, True, True, True, False, False, False, None]
    """
    s = raw.cast(pl.String).str.to_lowercase().str.strip_chars()
    value = pl.when(s.str.contains(NO_PATTERN)).then(False).when(s.str.contains(YES_PATTERN))
    value = value.then(True)
    if extra_yes:
        value = value.when(s.is_in(list(extra_yes))).then(True)
    return value
