"""Roster normalisers: the cells an operator wrote -> clean values plus the helper columns.

Picks the header column for each roster column (refusing a file without the required ones),
then cleans NIK, sex, dates, phone, TPS and the BPJS/training statuses with String expressions,
adding the ``_``-prefixed state columns the rules of readiness.roster_rules read.
"""

from __future__ import annotations

import polars as pl

from readiness import crosschecks, messages
from readiness.bidi import BIDI_CONTROLS
from readiness.column_names import family_card_columns
from readiness.ingest import (
    CANONICAL_COLUMNS,
    COLUMNS_MISSING,
    EXPECTED_HEADERS,
    PSEUDO_COLUMNS,
    REQUIRED_COLUMNS,
    ROW_COLUMN,
    RawTable,
    RosterFileError,
    guess_mapping,
)
from readiness.roster_rules import FREE_TEXT_COLUMNS, RosterContext
from readiness.spreadsheet import FORMULA_STARTS, neutralise
from readiness.vocabulary import NO_PATTERN, parse_dates, yes_no

_MALE = {"l", "lk", "laki", "lakilaki", "laki2", "pria", "male", "m", "cowok"}
_FEMALE = {"p", "pr", "prp", "perempuan", "wanita", "female", "f", "w", "cewek"}
_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _text(expr: pl.Expr) -> pl.Expr:
    """Trimmed text, empty -> null; nothing else changes (José and Ma’ruf stay as written)."""
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


def resolve_mapping(raw: RawTable, mapping: dict[str, str | None] | None) -> dict[str, str]:
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


def normalise_roster(raw: RawTable, chosen: dict[str, str], ctx: RosterContext) -> pl.DataFrame:
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
