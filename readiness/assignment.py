"""Which linmas guards which TPS: edits, checks, coverage and the duty roster.

Pure Polars, no I/O. The assignment in force (the roster's TPS column with the change log of
moves, swaps and cadangan marks laid over it) comes from the readiness rule in SQL
(``Store.assignments_in_force``); so does the need per TPS (``Store.tps_coverage``:
``officers_per_tps`` plus the rawan extra, UU 7/2017 Pasal 351(4)). The functions here take
both as frames: a need frame is desa_code, tps_number, rawan, need, one row per TPS.
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
# Where an assignment in force comes from: the roster's TPS column, or a change laid over it.
SOURCE_ROSTER = "daftar"
SOURCE_EDITED = "diubah"


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


def _need_rows(need: pl.DataFrame) -> pl.DataFrame:
    """The need frame's own columns with their types: desa_code, tps_number, rawan, need."""
    return need.select(
        pl.col("desa_code").cast(pl.String),
        pl.col("tps_number").cast(pl.Int64),
        pl.col("rawan").cast(pl.Boolean).fill_null(False),
        pl.col("need").cast(pl.Int64),
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


def coverage(assignments: pl.DataFrame, need: pl.DataFrame) -> pl.DataFrame:
    """One row per TPS of the need frame: assigned linmas against need.

    need: desa_code, tps_number, rawan, need (the readiness rule's ``officers_required``).
    Returns desa_code, tps_number, rawan, need, assigned, reserve (cadangan naming this
    TPS), shortfall, surplus, full (assigned >= need); ordered by desa_code, tps_number.

    >>> a = pl.DataFrame({"desa_code": ["a"] * 3, "nik": ["1", "2", "3"], "nama": ["x"] * 3,
    ...     "tps_number": [1, 1, 2], "cadangan": [False] * 3, "source": ["daftar"] * 3})
    >>> n = pl.DataFrame({"desa_code": ["a", "a"], "tps_number": [1, 2], "rawan": [False, True],
    ...     "need": [2, 3]})
    >>> coverage(a, n)["full"].to_list()
    [True, False]
    """
    need = _need_rows(need)
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
    assignments: pl.DataFrame, need: pl.DataFrame, *, villages: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Every problem of the assignments as data: one row per finding (FINDING_SCHEMA).

    Codes (messages_duty): duty_tps_list_missing (one per desa with assignments but no TPS
    list), duty_tps_unknown (a TPS not in the desa's list), duty_no_tps (not cadangan, no TPS),
    duty_tps_over (above need while another TPS of the same desa is short), duty_two_tps (one
    NIK at two or more TPS, one finding per assignment), duty_reserve (cadangan, severity
    "info"). need: desa_code, tps_number, rawan, need per TPS of the list (:func:`coverage`).
    villages (desa_code, desa_name), when given, names the desa in duty_two_tps.
    """
    need = _need_rows(need)
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

    cover = coverage(assignments, need)
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
