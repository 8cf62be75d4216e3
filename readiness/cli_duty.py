"""Command line for duty: ``assign``, ``assign list``, ``attendance-day`` and the duty documents."""

from __future__ import annotations

import argparse
from pathlib import Path

from readiness import duty, voting_day
from readiness import formatting as fmt
from readiness.cli_common import (
    EXIT_OK,
    check_kecamatan,
    cli_actor,
    open_store,
    print_json,
    read_input_file,
    write_output,
)
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.scope import Scope


def _tps_number(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        msg = text("duty_tps_number_bad", value=value)
        raise ReadinessError(msg, code="duty_tps_number_bad")
    return int(value)


def cmd_assign(args: argparse.Namespace) -> int:
    """Move one linmas to a TPS, or mark them cadangan."""
    store = open_store(args)
    tps = None if args.cadangan and args.tps is None else _tps_number(args.tps or "")
    made = duty.assign(store, cli_actor(), args.desa, args.nik, tps, cadangan=args.cadangan)
    where = "cadangan" if made["cadangan"] else f"TPS {made['tps_number']}"
    print(text("duty_assigned", nama=made["nama"], duty=where))
    return EXIT_OK


def cmd_assign_list(args: argparse.Namespace) -> int:
    """The assignments in force of one desa, per TPS, with their findings."""
    store = open_store(args)
    actor = cli_actor()
    view = duty.assignment_view(store, actor, args.desa)
    if args.json:
        print_json(duty.assignment_list_json(view, actor))
        return EXIT_OK
    if view.assignments.height == 0:
        print(text("duty_list_empty", desa=view.desa_name))
        return EXIT_OK
    guards = view.assignments.filter(~view.assignments["cadangan"])
    for (tps,), group in guards.group_by("tps_number", maintain_order=True):
        label = "-" if tps is None else tps
        print(text("duty_list_line", tps=label, names=", ".join(group["nama"].to_list())))
    reserve = view.assignments.filter(view.assignments["cadangan"])
    if reserve.height:
        print(text("duty_list_reserve", names=", ".join(reserve["nama"].to_list())))
    if view.findings.height:
        print(text("duty_findings_count", count=fmt.number(view.findings.height)))
        for message in view.findings["message"].to_list():
            print("  " + message)
    else:
        print(text("duty_findings_none"))
    return EXIT_OK


def cmd_attendance_mark(args: argparse.Namespace) -> int:
    """Mark one assigned linmas of a TPS on voting day."""
    store = open_store(args)
    mark = {
        "tps_number": _tps_number(args.tps),
        "nik": args.nik,
        "status": args.status,
        "substitute_nik": args.substitute_nik,
        "substitute_name": args.substitute_name,
        "correction_reason": args.reason,
    }
    result = voting_day.mark(store, cli_actor(), args.desa, [mark])
    print(text("attendance_stored", count=fmt.number(result.stored)))
    for flag in result.flags:
        print(text(flag))
    return EXIT_OK


def cmd_attendance_import(args: argparse.Namespace) -> int:
    """Marks from a CSV/XLSX: every row checked, or nothing stored."""
    store = open_store(args)
    path = Path(args.file)
    data = read_input_file(path)
    result = voting_day.import_marks(store, cli_actor(), args.desa, data, path.name)
    print(text("attendance_stored", count=fmt.number(result.stored)))
    for flag in result.flags:
        print(text(flag))
    return EXIT_OK


def export_duty_document(args: argparse.Namespace) -> int:
    """``export --format sk|kartu|honor --desa KODE|--kecamatan KODE --out PATH``."""
    store = open_store(args)
    if args.desa:
        duty.check_desa(store, args.desa)
        scope = Scope(args.desa)
    elif args.kecamatan:
        scope = check_kecamatan(store, args.kecamatan)
    else:
        msg = text("duty_export_scope_missing", format=args.format)
        raise ReadinessError(msg, code="duty_export_scope_missing")
    made = duty.duty_document(store, cli_actor(), args.format, scope, unmasked=args.unmasked)
    out = Path(args.out)
    write_output(out, made.data)
    size = fmt.number(len(made.data))
    print(text("export_written", format=args.format.upper(), path=out, size=size))
    return EXIT_OK


def summary_extra(store, scope: Scope, data: dict, now) -> dict:
    """``summary --json`` plus assignment coverage, and on voting day the attendance counts."""
    data = duty.with_extra(data, duty.assignment_summary(store, scope))
    if voting_day.is_voting_day(store.settings, now):
        data = duty.with_extra(data, voting_day.voting_day_summary(store, scope, now=now))
    return data


def add_duty_commands(commands, db: argparse.ArgumentParser) -> None:
    """``assign`` (with ``assign list``) and ``attendance-day mark|import``."""
    assign = commands.add_parser(
        "assign", parents=[db], help="tugaskan linmas ke TPS; 'assign list' untuk melihat"
    )
    assign.add_argument("action", nargs="?", choices=("list",), help="list: tampilkan penugasan")
    assign.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    assign.add_argument("--nik", help="NIK linmas yang ditugaskan")
    assign.add_argument("--tps", help="nomor TPS tujuan")
    assign.add_argument("--cadangan", action="store_true", help="tandai sebagai cadangan")
    assign.add_argument("--json", action="store_true")
    assign.set_defaults(handler=_assign_dispatch)

    day = commands.add_parser("attendance-day", help="kehadiran linmas di TPS pada hari H")
    day_commands = day.add_subparsers(dest="attendance_day_command", required=True)
    mark = day_commands.add_parser("mark", parents=[db], help="tandai satu linmas")
    mark.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    mark.add_argument("--tps", required=True, help="nomor TPS")
    mark.add_argument("--nik", required=True, help="NIK linmas yang ditugaskan")
    mark.add_argument("--status", required=True, choices=voting_day.STATUSES)
    mark.add_argument("--substitute-nik", help="NIK pengganti (status diganti)")
    mark.add_argument("--substitute-name", help="nama pengganti (status diganti)")
    mark.add_argument("--reason", help="alasan koreksi (wajib bila sudah ditandai)")
    mark.set_defaults(handler=cmd_attendance_mark)
    imp = day_commands.add_parser("import", parents=[db], help="impor tanda kehadiran (CSV/XLSX)")
    imp.add_argument("file")
    imp.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    imp.set_defaults(handler=cmd_attendance_import)


def _assign_dispatch(args: argparse.Namespace) -> int:
    if args.action == "list":
        return cmd_assign_list(args)
    if not args.nik or (args.tps is None and not args.cadangan):
        msg = text("duty_assign_usage")
        raise ReadinessError(msg, code="duty_assign_usage")
    return cmd_assign(args)
