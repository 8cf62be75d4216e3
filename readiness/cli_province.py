"""Province commands: other kabupaten regions, kabupaten recaps, villages not submitted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from readiness import formatting as fmt
from readiness import reports
from readiness.cli_common import (
    EXIT_FILE_REJECTED,
    EXIT_OK,
    cli_actor,
    cli_scope,
    open_store,
    print_json,
    read_input_file,
)
from readiness.errors import ReadinessError
from readiness.messages import text

# -- region lists of other kabupaten (province instance) ---------------------------------------


def cmd_regions_import(args: argparse.Namespace) -> int:
    """Add or replace one kabupaten's kecamatan/desa from a Kepmendagri-format file."""
    from readiness.province import check_region_file, import_kabupaten_regions

    store = open_store(args)
    path = Path(args.file)
    read_input_file(path)  # a missing or unreadable file: one line that names it
    checked = check_region_file(path, store.settings)
    counts = import_kabupaten_regions(store, cli_actor(), checked, file_name=path.name)
    print(
        text(
            "regions_loaded",
            kabupaten=checked.kabupaten_name,
            code=checked.kabupaten_code,
            kecamatan=fmt.number(counts["kecamatan"]),
            desa=fmt.number(counts["desa"]),
            file=path.name,
        )
    )
    if counts["desa_before"]:
        kecamatan_before = fmt.number(counts["kecamatan_before"])
        desa_before = fmt.number(counts["desa_before"])
        print(text("regions_replaced", kecamatan=kecamatan_before, desa=desa_before))
    return EXIT_OK


def add_regions_command(commands, db: argparse.ArgumentParser) -> None:
    regions = commands.add_parser("regions", help="data wilayah kabupaten lain di provinsi")
    regions_commands = regions.add_subparsers(dest="regions_command", required=True)
    regions_import = regions_commands.add_parser(
        "import",
        parents=[db],
        help="tambah/ganti kecamatan dan desa satu kabupaten (format Kepmendagri)",
    )
    regions_import.add_argument(
        "file", help="CSV: kode_kecamatan,nama_kecamatan,kode_desa,nama_desa,jenis"
    )
    regions_import.set_defaults(handler=cmd_regions_import)


# -- end of region lists of other kabupaten ------------------------------------------------------


# -- kabupaten recaps (berjenjang roll-up, readiness/recaps.py) ---------------------------------


def cmd_recap_import(args: argparse.Namespace) -> int:
    """Import kabupaten recaps (``summary --json`` files): every file accepted, or none stored."""
    from readiness import recaps
    from readiness.db import now_wib

    store = open_store(args)
    files = [(Path(name).name, read_input_file(Path(name))) for name in args.files]
    checked = recaps.check_recaps(store, cli_actor(), files, now_wib())
    if not checked.ok:
        print(text("recaps_rejected", count=len(checked.problems)), file=sys.stderr)
        for line in checked.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_FILE_REJECTED
    stored = recaps.import_recaps(store, cli_actor(), checked)
    for line in checked.skipped:
        print(text("recap_skipped", reason=line))
    names = ", ".join(checked.recaps["kabupaten_name"].fill_null("").to_list())
    if stored:
        print(text("recaps_stored_named", count=stored, names=names))
    else:
        print(text("recaps_stored", count=stored))
    return EXIT_OK


def cmd_recap_list(args: argparse.Namespace) -> int:
    """The newest recap per kabupaten (``--history``: every import)."""
    from readiness import recaps

    store = open_store(args)
    stored = store.kabupaten_recaps(cli_actor().scope, history=args.history)
    if args.json:
        print_json(stored.to_dicts())
        return EXIT_OK
    if not stored.height:
        print(text("recaps_none"))
        return EXIT_OK
    for row in recaps.recap_list_table(stored).iter_rows(named=True):
        code, name, *rest = row.items()
        print(" · ".join([code[1], name[1] or "", *(f"{k}: {v}" for k, v in rest)]))
    return EXIT_OK


def add_recap_commands(commands, db: argparse.ArgumentParser) -> None:
    recap = commands.add_parser("recap", help="rekap kabupaten untuk provinsi (berjenjang)")
    recap_commands = recap.add_subparsers(dest="recap_command", required=True)
    recap_import = recap_commands.add_parser(
        "import", parents=[db], help="impor rekap kabupaten (berkas summary --json)"
    )
    recap_import.add_argument("files", nargs="+", help="berkas rekap .json, mis. rekap_*.json")
    recap_import.set_defaults(handler=cmd_recap_import)
    listing = recap_commands.add_parser("list", parents=[db], help="rekap yang tersimpan")
    listing.add_argument("--history", action="store_true", help="semua impor, bukan terbaru saja")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_recap_list)


# -- end of kabupaten recaps ---------------------------------------------------------------------


# -- villages that sent nothing --------------------------------------------------------------------


def cmd_not_submitted(args: argparse.Namespace) -> int:
    """List the desa that have sent no roster yet: one query, not the whole overview."""

    store = open_store(args)
    scope = cli_scope(store, args.wilayah)
    if args.wilayah and store.region_name(scope.code) is None:
        msg = text("region_unknown", code=args.wilayah)
        raise ReadinessError(msg, code="region_unknown")
    frame = reports.villages_not_submitted(store, scope)
    if args.json:
        print_json(frame.to_dicts())
        return EXIT_OK
    print(text("not_submitted_count", count=fmt.number(frame.height)))
    for row in frame.iter_rows(named=True):
        need = text("not_submitted_no_tps")
        if row["tps_count"] is not None:
            tps, required = fmt.number(row["tps_count"]), fmt.number(row["officers_required"])
            need = text("not_submitted_need", tps=tps, required=required)
        names = {"kecamatan": row["kecamatan_name"], "desa": row["desa_name"]}
        print(text("not_submitted_row", desa_code=row["desa_code"], need=need, **names))
    return EXIT_OK


def add_not_submitted_command(commands, db: argparse.ArgumentParser) -> None:
    silent = commands.add_parser(
        "not-submitted", parents=[db], help="desa/kelurahan yang belum mengirim daftar linmas"
    )
    silent.add_argument("--wilayah", help="kode wilayah, mis. 17.02.06 (bawaan: wilayah akun)")
    silent.add_argument("--json", action="store_true")
    silent.set_defaults(handler=cmd_not_submitted)


# -- end of villages that sent nothing -------------------------------------------------------------
