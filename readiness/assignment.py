"""Which linmas guards which TPS: assignments from the roster, edits on top, checks, coverage.

Pure Polars, no I/O. The roster's TPS column gives each officer in force an initial TPS;
edits by the village or kecamatan (move, swap, mark cadangan) are rows of a change log that
:func:`apply_changes` lays over it, latest first. Need per TPS is ``officers_per_tps`` plus
``rawan_extra`` for a TPS rawan (UU 7/2017 Pasal 351(4); both are settings).
"""

from __future__ import annotations

import json

import polars as pl

from readiness.messages_duty import text

ASSIGNMENT_SCHEMA: dict[str, pl.DataType] = {
    "desa_code": pl.String(),
    "nik": pl.String(),
    "nama": pl.String(),
    "tps_number": pl.Int64(),
    "cadangan": pl.Boolean(),
    "source": pl.String(),
}
CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "desa_code": pl.String(),
    "nik": pl.String(),
    "tps_number": pl.Int64(),
    "cadangan": pl.Boolean(),
    "changed_at": pl.Datetime("us", "UTC"),
}
FINDING_SCHEMA: dict[str, pl.DataType] = {
    "desa_code": pl.String(),
    "tps_number": pl.Int64(),
    "nik": pl.String(),
    "severity": pl.String(),
    "code": pl.String(),
    "fields": pl.String(),
    "message": pl.String(),
}
# A roster row whose keterangan says "cadangan" is a reserve, not a guard of its TPS.
RESERVE_PATTERN = r"(?i)\bcadangan\b"
SOURCE_ROSTER = "daftar"
SOURCE_EDITED = "diubah"


def initial_assignments(officers: pl.DataFrame) -> pl.DataFrame:
    """One assignment per officer row in force, taken from the roster's TPS column.

    officers: desa_code, nik, nama, nomor_tps, keterangan (``Store.officers``).
    Returns ASSIGNMENT_SCHEMA: tps_number = nomor_tps, cadangan when keterangan says so,
    source "daftar"; ordered by desa_code, tps_number, nama.

    >>> o = pl.DataFrame({"desa_code": ["a", "a"], "nik": ["1", "2"], "nama": ["Ani", "Budi"],
    ...     "nomor_tps": [1, 1], "keterangan": [None, "Cadangan TPS 1"]})
    >>> initial_assignments(o)["cadangan"].to_list()
    [False, True]
    """
    return (
        officers.select(
            "desa_code",
            "nik",
            "nama",
            pl.col("nomor_tps").cast(pl.Int64).alias("tps_number"),
            pl.col("keterangan")
            .cast(pl.String)
            .str.contains(RESERVE_PATTERN)
            .fill_null(False)
            .alias("cadangan"),
            pl.lit(SOURCE_ROSTER).alias("source"),
        )
        .cast(ASSIGNMENT_SCHEMA)
        .sort("desa_code", "tps_number", "nama", nulls_last=True)
    )


def apply_changes(assignments: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Lay the change log over the initial assignments: the latest change per person wins.

    changes: CHANGE_SCHEMA (desa_code, nik, tps_number, cadangan, changed_at). A change for
    someone no longer in the roster in force is ignored; changed rows get source "diubah".

    >>> import datetime as dt
    >>> a = pl.DataFrame({"desa_code": ["a"], "nik": ["1"], "nama": ["Ani"], "tps_number": [1],
    ...     "cadangan": [False], "source": ["daftar"]})
    >>> c = pl.DataFrame({"desa_code": ["a", "a"], "nik": ["1", "1"], "tps_number": [2, 3],
    ...     "cadangan": [False, False], "changed_at": [dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
    ...     dt.datetime(2024, 11, 2, tzinfo=dt.UTC)]})
    >>> apply_changes(a, c)["tps_number"].to_list()
    [3]
    """
    latest = (
        changes.cast(CHANGE_SCHEMA)
        .sort("changed_at")
        .unique(["desa_code", "nik"], keep="last")
        .select(
            "desa_code",
            "nik",
            pl.col("tps_number").alias("new_tps"),
            pl.col("cadangan").alias("new_cadangan"),
            pl.lit(True).alias("changed"),
        )
    )
    changed = pl.col("changed").fill_null(False)
    return (
        assignments.join(latest, on=["desa_code", "nik"], how="left")
        .with_columns(
            pl.when(changed).then("new_tps").otherwise("tps_number").alias("tps_number"),
            pl.when(changed).then("new_cadangan").otherwise("cadangan").alias("cadangan"),
            pl.when(changed).then(pl.lit(SOURCE_EDITED)).otherwise("source").alias("source"),
        )
        .select(list(ASSIGNMENT_SCHEMA))
        .cast(ASSIGNMENT_SCHEMA)
        .sort("desa_code", "tps_number", "nama", nulls_last=True)
    )


def swap_changes(
    assignments: pl.DataFrame, desa_code: str, nik_a: str, nik_b: str, changed_at
) -> pl.DataFrame:
    """The two change rows that swap the TPS (and cadangan mark) of two people of one desa.

    Returns an empty CHANGE_SCHEMA frame when either person is not assigned in that desa.
    """
    pair = assignments.filter(
        (pl.col("desa_code") == desa_code) & pl.col("nik").is_in([nik_a, nik_b])
    )
    if pair.height != 2 or nik_a == nik_b:
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    swapped = pair.with_columns(
        pl.col("tps_number").reverse(), pl.col("cadangan").reverse()
    ).select(
        "desa_code",
        "nik",
        "tps_number",
        "cadangan",
        pl.lit(changed_at).alias("changed_at"),
    )
    return swapped.cast(CHANGE_SCHEMA)


def tps_need(tps: pl.DataFrame, *, officers_per_tps: int, rawan_extra: int) -> pl.DataFrame:
    """desa_code, tps_number, rawan, need: linmas each TPS of the list needs.

    tps: desa_code, tps_number, rawan, optional extra_officers (``Store.tps``; ``nomor_tps`` is
    accepted too). A rawan TPS graded with its own extra_officers needs that many extra, as in
    the readiness coverage (``Store.tps_coverage``).
    """
    if "tps_number" not in tps.columns and "nomor_tps" in tps.columns:
        tps = tps.rename({"nomor_tps": "tps_number"})
    flagged = pl.col("rawan").cast(pl.Int64) * rawan_extra
    extra = (
        pl.col("extra_officers").cast(pl.Int64).fill_null(flagged)
        if "extra_officers" in tps.columns
        else flagged
    )
    return (
        tps.select(
            pl.col("desa_code").cast(pl.String),
            pl.col("tps_number").cast(pl.Int64),
            pl.col("rawan").cast(pl.Boolean).fill_null(False),
            *([pl.col("extra_officers")] if "extra_officers" in tps.columns else []),
        )
        .with_columns((officers_per_tps + extra).alias("need"))
        .drop("extra_officers", strict=False)
    )


def _guards(assignments: pl.DataFrame) -> pl.DataFrame:
    """Assignments that guard a TPS: not cadangan, with a TPS, each person counted once.

    A person assigned at two TPS counts at the first (lowest desa_code, then TPS number), so
    coverage never counts one body twice; :func:`duty_findings` reports the second.
    """
    return (
        assignments.filter(~pl.col("cadangan") & pl.col("tps_number").is_not_null())
        .sort("desa_code", "tps_number")
        .unique("nik", keep="first", maintain_order=True)
    )


def coverage(
    assignments: pl.DataFrame, tps: pl.DataFrame, *, officers_per_tps: int, rawan_extra: int
) -> pl.DataFrame:
    """One row per TPS of the list: assigned linmas against need.

    Returns desa_code, tps_number, rawan, need, assigned, reserve (cadangan naming this
    TPS), shortfall, surplus, full (assigned >= need); ordered by desa_code, tps_number.

    >>> a = pl.DataFrame({"desa_code": ["a"] * 3, "nik": ["1", "2", "3"], "nama": ["x"] * 3,
    ...     "tps_number": [1, 1, 2], "cadangan": [False] * 3, "source": ["daftar"] * 3})
    >>> t = pl.DataFrame({"desa_code": ["a", "a"], "tps_number": [1, 2], "rawan": [False, True]})
    >>> coverage(a, t, officers_per_tps=2, rawan_extra=1)["full"].to_list()
    [True, False]
    """
    need = tps_need(tps, officers_per_tps=officers_per_tps, rawan_extra=rawan_extra)
    assigned = (
        _guards(assignments)
        .group_by("desa_code", "tps_number")
        .agg(pl.len().cast(pl.Int64).alias("assigned"))
    )
    reserve = (
        assignments.filter(pl.col("cadangan") & pl.col("tps_number").is_not_null())
        .group_by("desa_code", "tps_number")
        .agg(pl.col("nik").n_unique().cast(pl.Int64).alias("reserve"))
    )
    return (
        need.join(assigned, on=["desa_code", "tps_number"], how="left")
        .join(reserve, on=["desa_code", "tps_number"], how="left")
        .with_columns(pl.col("assigned", "reserve").fill_null(0))
        .with_columns(
            (pl.col("need") - pl.col("assigned")).clip(lower_bound=0).alias("shortfall"),
            (pl.col("assigned") - pl.col("need")).clip(lower_bound=0).alias("surplus"),
            (pl.col("assigned") >= pl.col("need")).alias("full"),
        )
        .sort("desa_code", "tps_number")
    )


def _finding_rows(frame: pl.DataFrame, code: str, severity: str, fields: list[str]) -> list[dict]:
    """Finding dicts for each row of ``frame``; ``fields`` name the template's columns."""
    rows = []
    for row in frame.iter_rows(named=True):
        values = {name: row[name] for name in fields}
        rows.append(
            {
                "desa_code": row["desa_code"],
                "tps_number": row.get("tps_number"),
                "nik": row.get("nik"),
                "severity": severity,
                "code": code,
                "fields": json.dumps(values, ensure_ascii=False),
                "message": text(code, **values),
            }
        )
    return rows


def duty_findings(
    assignments: pl.DataFrame,
    tps: pl.DataFrame,
    *,
    officers_per_tps: int,
    rawan_extra: int,
    villages: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every problem of the assignments as data: one row per finding (FINDING_SCHEMA).

    Codes (messages_duty): duty_tps_list_missing (one per desa with assignments but no TPS
    list), duty_tps_unknown (a TPS not in the desa's list), duty_no_tps (not cadangan, no TPS),
    duty_tps_over (above need while another TPS of the same desa is short), duty_two_tps (one
    NIK at two or more TPS, one finding per assignment), duty_reserve (cadangan, severity
    "info"). villages (desa_code, desa_name), when given, names the desa in duty_two_tps.
    """
    need = tps_need(tps, officers_per_tps=officers_per_tps, rawan_extra=rawan_extra)
    active = assignments.filter(~pl.col("cadangan"))
    listed = need.select("desa_code").unique()
    rows: list[dict] = []

    no_list = active.join(listed, on="desa_code", how="anti")
    missing = no_list.group_by("desa_code").agg(pl.len().alias("count")).sort("desa_code")
    rows += _finding_rows(missing, "duty_tps_list_missing", "warning", ["count"])

    known = need.group_by("desa_code").agg(_numbers_list("tps_number").alias("known"))
    unknown = (
        active.filter(pl.col("tps_number").is_not_null())
        .join(listed, on="desa_code", how="semi")
        .join(need, on=["desa_code", "tps_number"], how="anti")
        .join(known, on="desa_code", how="left")
        .with_columns(pl.col("tps_number").alias("tps"))
    )
    rows += _finding_rows(unknown, "duty_tps_unknown", "warning", ["tps", "nama", "known"])

    no_tps = active.filter(pl.col("tps_number").is_null())
    rows += _finding_rows(no_tps, "duty_no_tps", "warning", ["nama"])

    cover = coverage(assignments, tps, officers_per_tps=officers_per_tps, rawan_extra=rawan_extra)
    short = (
        cover.filter(pl.col("shortfall") > 0)
        .group_by("desa_code")
        .agg(_numbers_list("tps_number").alias("short"))
    )
    over = (
        cover.filter(pl.col("surplus") > 0)
        .join(short, on="desa_code", how="inner")
        .with_columns(pl.col("tps_number").alias("tps"))
    )
    rows += _finding_rows(
        over, "duty_tps_over", "warning", ["tps", "assigned", "need", "surplus", "short"]
    )

    rows += _finding_rows(
        _two_tps(active, villages), "duty_two_tps", "warning", ["nama", "count", "places"]
    )

    reserve = assignments.filter(pl.col("cadangan")).with_columns(
        pl.col("tps_number").cast(pl.String).fill_null("mana pun").alias("tps")
    )
    rows += _finding_rows(reserve, "duty_reserve", "info", ["nama", "tps"])
    return pl.DataFrame(rows, schema=FINDING_SCHEMA)


def _numbers_list(column: str) -> pl.Expr:
    """Inside an aggregation: the column's distinct TPS numbers as "1, 2, 5"."""
    return pl.col(column).unique().sort().cast(pl.String).str.join(", ")


def _two_tps(active: pl.DataFrame, villages: pl.DataFrame | None) -> pl.DataFrame:
    """Assignments of a NIK that sits at more than one (desa, TPS), with where it sits."""
    placed = active.filter(pl.col("tps_number").is_not_null())
    if villages is not None:
        placed = placed.join(villages.select("desa_code", "desa_name"), on="desa_code", how="left")
    else:
        placed = placed.with_columns(pl.col("desa_code").alias("desa_name"))
    placed = placed.with_columns(
        pl.format(
            "TPS {} ({})",
            pl.col("tps_number"),
            pl.col("desa_name").fill_null(pl.col("desa_code")),
        ).alias("place")
    )
    places = (
        placed.group_by("nik")
        .agg(
            pl.col("place").unique().sort().str.join(", ").alias("places"),
            pl.col("place").n_unique().alias("count"),
        )
        .filter(pl.col("count") > 1)
    )
    return placed.join(places, on="nik", how="inner").sort("nik", "desa_code", "tps_number")


def duty_roster(
    officers: pl.DataFrame,
    assignments: pl.DataFrame,
    villages: pl.DataFrame,
    tps: pl.DataFrame,
) -> pl.DataFrame:
    """The people on duty with everything the SK lampiran, cards and honor list print.

    officers: ``Store.officers`` (desa_code, nik, nama, jenis_kelamin, tanggal_lahir, alamat,
    keterangan, bpjs_enrolled, kpj; optional bank_name, bank_account, days).
    assignments: ASSIGNMENT_SCHEMA. villages: kecamatan_code, kecamatan_name, desa_code,
    desa_name, desa_kind, optional contact. tps: desa_code, tps_number, optional address.
    Returns one row per assignment with those columns plus tps_address, ordered by
    kecamatan_code, desa_code, cadangan, tps_number, nama.
    """
    person_columns = [
        c
        for c in (
            "jenis_kelamin",
            "tanggal_lahir",
            "alamat",
            "keterangan",
            "bpjs_enrolled",
            "kpj",
            "bank_name",
            "bank_account",
            "days",
        )
        if c in officers.columns
    ]
    people = officers.select("desa_code", "nik", *person_columns).unique(
        ["desa_code", "nik"], keep="first", maintain_order=True
    )
    village_columns = [
        c
        for c in (
            "kecamatan_code",
            "kecamatan_name",
            "desa_code",
            "desa_name",
            "desa_kind",
            "contact",
        )
        if c in villages.columns
    ]
    if "address" in tps.columns:
        places = tps.select(
            "desa_code",
            pl.col("tps_number").cast(pl.Int64),
            pl.col("address").cast(pl.String).alias("tps_address"),
        )
    else:
        places = tps.select(
            "desa_code",
            pl.col("tps_number").cast(pl.Int64),
            pl.lit(None, pl.String).alias("tps_address"),
        )
    return (
        assignments.join(people, on=["desa_code", "nik"], how="left")
        .join(villages.select(village_columns), on="desa_code", how="left")
        .join(places, on=["desa_code", "tps_number"], how="left")
        .sort("kecamatan_code", "desa_code", "cadangan", "tps_number", "nama", nulls_last=True)
    )


def summary_counts(cover: pl.DataFrame, villages: pl.DataFrame) -> pl.DataFrame:
    """Per kecamatan: assigned (linmas guarding a TPS, capped at need), tps_total, tps_assigned_full.

    cover: :func:`coverage`. villages: kecamatan_code, kecamatan_name, desa_code. Every
    kecamatan of ``villages`` has a row (zeros without TPS); the headline is the column sums.
    """
    per_kecamatan = (
        cover.join(villages.select("desa_code", "kecamatan_code"), on="desa_code", how="inner")
        .group_by("kecamatan_code")
        .agg(
            pl.min_horizontal("assigned", "need").sum().cast(pl.Int64).alias("assigned"),
            pl.len().cast(pl.Int64).alias("tps_total"),
            pl.col("full").sum().cast(pl.Int64).alias("tps_assigned_full"),
        )
    )
    return (
        villages.select("kecamatan_code", "kecamatan_name")
        .unique()
        .join(per_kecamatan, on="kecamatan_code", how="left")
        .with_columns(pl.col("assigned", "tps_total", "tps_assigned_full").fill_null(0))
        .sort("kecamatan_code")
    )
