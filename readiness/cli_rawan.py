"""Rawan commands: import a graded rawan list (all rows or none) and list levels with coverage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from readiness import formatting as fmt
from readiness import rawan_admin
from readiness.cli_common import (
    EXIT_FILE_REJECTED,
    EXIT_OK,
    cli_actor,
    cli_scope,
    kabupaten_label,
    open_store,
    print_json,
    read_input_file,
)
from readiness.messages import text


def _level_counts(rows: pl.DataFrame) -> dict[str, int]:
    return {
        "rawan": int((rows["level"] == "rawan").sum()),
        "sangat_rawan": int((rows["level"] == "sangat_rawan").sum()),
    }


def cmd_rawan_import(args: argparse.Namespace) -> int:
    """Check a rawan list and, unless --dry-run, store every row; exit 2 when refused."""
    store = open_store(args)
    path = Path(args.file)
    actor = cli_actor()
    parsed = rawan_admin.check_rawan_file(store, actor, read_input_file(path), path.name)
    counts = _level_counts(parsed.rows)
    stored = 0
    if parsed.ok and not args.dry_run:
        stored = rawan_admin.import_rawan(store, actor, parsed, file_name=path.name)
    errors = parsed.findings.filter(pl.col("severity") == "error")
    if args.json:
        print_json(
            {
                "file": path.name,
                "ok": parsed.ok,
                "dry_run": bool(args.dry_run),
                "rows": parsed.rows.height,
                "stored": stored,
                **counts,
                "findings": parsed.findings.to_dicts(),
            }
        )
    elif not parsed.ok:
        count = errors["row"].n_unique()
        print(text("rawan_import_refused", file=path.name, count=count), file=sys.stderr)
        for row in parsed.findings.head(50).iter_rows(named=True):
            print("  " + row["message"], file=sys.stderr)
    else:
        code = "rawan_import_checked" if args.dry_run else "rawan_import_stored"
        print(text(code, file=path.name, count=fmt.number(parsed.rows.height), **counts))
        warnings = parsed.findings.height - errors.height
        if warnings:
            print(text("rawan_import_warnings", count=fmt.number(warnings)))
    return EXIT_OK if parsed.ok else EXIT_FILE_REJECTED


def cmd_rawan_list(args: argparse.Namespace) -> int:
    """Print every rawan TPS with its level, source and linmas assigned against its need."""
    store = open_store(args)
    actor = cli_actor()
    scope = cli_scope(store, getattr(args, "kecamatan", None))
    coverage = rawan_admin.rawan_coverage(store, actor, scope)
    rows = coverage.filter(pl.col("level").is_not_null())
    if args.json:
        print_json(
            rows.select(
                "kecamatan_code", "kecamatan_name", "desa_code", "desa_name", "tps_number",
                "level", "source", "reason", "officers_assigned", "officers_required", "covered",
            ).to_dicts()
        )  # fmt: skip
        return EXIT_OK
    area = kabupaten_label(store, scope)
    if rows.height == 0:
        print(text("rawan_list_empty", area=area))
        return EXIT_OK
    totals = rawan_admin.rawan.rawan_totals(rawan_admin.peta_kerawanan(store, coverage, scope))
    print(
        text(
            "rawan_list_header",
            count=fmt.number(rows.height),
            area=area,
            rawan=fmt.number(totals["rawan_tps"]),
            sangat_rawan=fmt.number(totals["sangat_rawan_tps"]),
            uncovered=fmt.number(totals["sangat_rawan_uncovered"]),
        )
    )
    labels = rawan_admin.level_labels(store)
    for row in rows.iter_rows(named=True):
        assigned, need = row["officers_assigned"] or 0, row["officers_required"] or 0
        gap = text("rawan_list_gap", missing=fmt.number(need - assigned)) if assigned < need else ""
        print(
            text(
                "rawan_list_row",
                kecamatan=row["kecamatan_name"],
                desa=row["desa_name"],
                tps=row["tps_number"],
                level=labels.get(row["level"], row["level"]),
                source=row["source"] or "-",
                assigned=fmt.number(assigned),
                need=fmt.number(need),
                gap=gap,
            )
        )
    return EXIT_OK


def add_rawan_commands(commands, db: argparse.ArgumentParser) -> None:
    """``rawan import FILE [--dry-run] [--json]`` and ``rawan list [--json]``."""
    group = commands.add_parser("rawan", help="TPS rawan dan sangat rawan (Bawaslu, Polres, FGD)")
    sub = group.add_subparsers(dest="rawan_command", required=True)
    imp = sub.add_parser(
        "import", parents=[db], help="impor daftar TPS rawan (semua baris atau tidak sama sekali)"
    )
    imp.add_argument("file", help="CSV/XLSX: kecamatan, desa, TPS, tingkat, sumber, alasan")
    imp.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=cmd_rawan_import)
    listing = sub.add_parser("list", parents=[db], help="TPS rawan dengan linmas yang ditugaskan")
    listing.add_argument("--kecamatan", help="kode kecamatan, mis. 17.02.06 (bawaan: semua)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_rawan_list)
