"""The roster verdict: every data row accepted (possibly with warnings) or rejected, never both.

``validate_roster`` normalises the columns an operator uploaded (NIK, dates, phone, TPS,
statuses; readiness.roster_normalise), evaluates every rule of the table in
readiness.roster_rules over the whole frame at once and gives each data row exactly one verdict,
with the fix in Bahasa Indonesia. The findings and accepted officers have fixed schemas here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from readiness.ingest import ROW_COLUMN, RawTable, RosterFileError
from readiness.roster_normalise import normalise_roster, resolve_mapping
from readiness.roster_rules import (  # noqa: F401  (HIDDEN_VILLAGE: callers read it here)
    DUPLICATE_RULE,
    HIDDEN_VILLAGE,
    RULES,
    RosterContext,
    render_rule,
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

    @property
    def counts(self) -> dict[str, int]:
        """The row counts a stored version keeps with it."""
        return {
            "accepted": self.accepted,
            "warned": self.warned,
            "rejected": self.rejected,
            "skipped": self.skipped_count,
        }

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
    chosen = resolve_mapping(raw, mapping)
    frame = normalise_roster(raw, chosen, context)
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
                    render_rule(r, context).alias("message"),
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
