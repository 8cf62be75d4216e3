"""One rejected row at a time, for fixing on a phone: its problems beside the fields they concern.

Pure functions over the rejected rows (``roster.rejected_rows``) and the verdict's findings.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from readiness.roster import PROBLEM_COLUMN


@dataclass(frozen=True)
class RowFix:
    """One rejected row: the Excel row, its fields (those with a problem first) and problems.

    ``problems`` maps a field (the file's own column name) to its sentence; problems that
    concern no single field (a duplicate row, say) are under ``None``.
    """

    row: int
    fields: list[str]
    values: dict[str, str | None]
    problems: dict[str | None, str]


def row_fixes(
    rejected: pl.DataFrame, findings: pl.DataFrame, mapping: dict[str, str]
) -> list[RowFix]:
    """Each rejected row as a ``RowFix``, in file order.

    ``rejected``: ``_row``, ``Masalah`` and the file's columns; ``findings``: the verdict's
    (row, column, severity, message); ``mapping``: file column -> canonical column.
    """
    by_target = {target: column for column, target in mapping.items() if target}
    errors = findings.filter(pl.col("severity") == "error")
    fields = [c for c in rejected.columns if c not in ("_row", PROBLEM_COLUMN)]
    fixes = []
    for values in rejected.iter_rows(named=True):
        row = int(values["_row"])
        problems: dict[str | None, str] = {}
        for column, message in (
            errors.filter(pl.col("row") == row).select("column", "message").iter_rows()
        ):
            field = by_target.get(column) if column else None
            field = field if field in fields else None
            problems[field] = f"{problems[field]} {message}" if field in problems else message
        first = [f for f in fields if f in problems]
        fixes.append(
            RowFix(
                row=row,
                fields=first + [f for f in fields if f not in problems],
                values={f: values[f] for f in fields},
                problems=problems,
            )
        )
    return fixes


def edited_row(fix: RowFix, values: dict[str, str]) -> pl.DataFrame:
    """The one-row frame ``roster.apply_edits`` takes for a row fixed in the stacked form."""
    return pl.DataFrame(
        {"_row": [fix.row], **{f: [values.get(f)] for f in fix.fields}},
        schema={"_row": pl.Int64, **dict.fromkeys(fix.fields, pl.String)},
    )
