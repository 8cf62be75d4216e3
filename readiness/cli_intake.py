"""Commands for intake as it arrives: ``import --kecamatan``, ``nihil``, ``roster versions``,
``roster restore`` and ``verify``. Each calls one domain function (readiness.intake /
readiness.verification), which checks the acting account."""

from __future__ import annotations

import argparse
from pathlib import Path

from readiness import formatting as fmt
from readiness.cli_common import (
    EXIT_FILE_REJECTED,
    EXIT_OK,
    cli_actor,
    open_store,
    print_json,
    read_input_file,
)
from readiness.messages import text


def cmd_import_kecamatan(args: argparse.Namespace) -> int:
    """Split a kecamatan file per village, check each, store all that pass in one transaction."""
    from readiness import intake
    from readiness.cli_common import check_kecamatan
    from readiness.kecamatan_upload import check_kecamatan_file
    from readiness.roster import CLI_MAX_BYTES

    store = open_store(args)
    check_kecamatan(store, args.kecamatan)
    path = Path(args.file)
    data = read_input_file(path)
    checked = check_kecamatan_file(
        store, args.kecamatan, data, path.name, max_bytes=CLI_MAX_BYTES, viewer=cli_actor()
    )
    saved = None
    if checked.file_error is None and not args.dry_run:
        saved = intake.save_kecamatan(store, cli_actor(), checked)
    if args.json:
        print_json(intake.kecamatan_json(checked, saved))
    else:
        print(checked.describe())
        for one in saved or []:
            outcome = text(f"kecamatan_outcome_{one.outcome}", version=one.version)
            print(
                text("kecamatan_saved_line", desa=checked.names.get(one.desa_code), outcome=outcome)
            )
    return EXIT_FILE_REJECTED if checked.file_error is not None else EXIT_OK


def cmd_nihil(args: argparse.Namespace) -> int:
    from readiness import intake

    store = open_store(args)
    version = intake.report_nihil(store, cli_actor(), args.desa, args.reason)
    desa = store.region_name(args.desa)
    print(text("nihil_saved", desa=desa, version=version, reason=args.reason.strip()))
    return EXIT_OK


def cmd_versions(args: argparse.Namespace) -> int:
    from readiness import intake
    from readiness.messages_intake import VIA_LABELS
    from readiness.verification import STATUS_LABELS

    store = open_store(args)
    frame = intake.versions(store, cli_actor(), args.desa)
    if args.json:
        print_json({"desa": args.desa, "versions": intake.versions_json(frame)})
        return EXIT_OK
    if frame.height == 0:
        print(text("versions_none", desa=store.region_name(args.desa)))
    for r in frame.iter_rows(named=True):
        print(
            text(
                "versions_line",
                version=r["version"],
                in_force=" (berlaku)" if r["in_force"] else "",
                when=fmt.timestamp(r["uploaded_at"]),
                who=r["uploader_name"] or r["uploader"],
                via=VIA_LABELS.get(r["via"], r["via"]),
                accepted=fmt.number(r["rows_accepted"]),
                rejected=fmt.number(r["rows_rejected"]),
                status=STATUS_LABELS.get(r["status"], r["status"]).lower(),
            )
        )
    return EXIT_OK


def cmd_restore_version(args: argparse.Namespace) -> int:
    from readiness import intake

    store = open_store(args)
    version = intake.restore(store, cli_actor(), args.desa, args.version)
    desa = store.region_name(args.desa)
    print(text("restore_done", desa=desa, source=args.version, version=version))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from readiness import verification

    store = open_store(args)
    result = verification.verify_desa(store, cli_actor(), args.desa, args.decision, args.note)
    print(verification.describe(result, store.region_name(args.desa)))
    return EXIT_OK


def add_intake_commands(commands, db: argparse.ArgumentParser) -> None:
    """``nihil``, ``roster versions|restore`` and ``verify`` (``import --kecamatan`` is in cli)."""
    nihil = commands.add_parser("nihil", parents=[db], help="laporkan desa tanpa linmas (nihil)")
    nihil.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    nihil.add_argument("--reason", required=True, help="alasan, mis. belum ada yang bersedia")
    nihil.set_defaults(handler=cmd_nihil)

    roster = commands.add_parser("roster", help="versi daftar linmas satu desa")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    listing = roster_commands.add_parser("versions", parents=[db], help="daftar versi")
    listing.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_versions)
    restore = roster_commands.add_parser(
        "restore", parents=[db], help="pulihkan satu versi sebagai versi berlaku"
    )
    restore.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    restore.add_argument("--version", required=True, type=int, help="nomor versi, mis. 2")
    restore.set_defaults(handler=cmd_restore_version)

    verify = commands.add_parser("verify", parents=[db], help="verifikasi kiriman satu desa")
    verify.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    verify.add_argument("--decision", required=True, choices=("terverifikasi", "dikembalikan"))
    verify.add_argument("--note", help="catatan (wajib bila dikembalikan)")
    verify.set_defaults(handler=cmd_verify)
