"""BPJS Ketenagakerjaan and training commands: imports, undo, sessions."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from readiness.cli_common import (
    EXIT_FILE_REJECTED,
    EXIT_OK,
    check_kecamatan,
    cli_actor,
    cli_scope,
    open_store,
    print_json,
    read_input_file,
    write_output,
)
from readiness.db import DatabaseFileError
from readiness.errors import AccessDenied, ReadinessError
from readiness.messages import text
from readiness.scope import Scope

# -- BPJS and attendance imports, training sessions ---------------------------------------------


def _run_import(args: argparse.Namespace, kind: str) -> int:
    """Plan a BPJS / attendance file like the page does, then apply it unless ``--dry-run``."""
    from readiness import auth
    from readiness import readiness_imports as imports
    from readiness.errors import DatabaseBusyError

    store = open_store(args)
    actor = cli_actor()
    auth.require(actor, "manage_readiness")  # admin only, as on the page
    session = getattr(args, "session", None)
    if kind == "attendance":
        imports.check_session(store, session)
    path = Path(args.file)
    data = read_input_file(path)
    plan, batch_id = None, None
    try:
        if kind == "bpjs":
            plan = imports.bpjs_plan_from_file(store, actor.scope, data, path.name)
        else:
            plan = imports.attendance_plan_from_file(store, actor.scope, session, data, path.name)
        if not plan.records.height:
            raise imports.nothing_to_apply()
        if not args.dry_run and kind == "bpjs":
            batch_id = imports.apply_bpjs(store, actor, plan)
        elif not args.dry_run:
            batch_id = imports.apply_attendance(store, actor, session, plan)
    except (DatabaseBusyError, DatabaseFileError, AccessDenied):
        raise
    except ReadinessError as error:  # the file is refused whole: nothing was applied
        report = imports.import_report(plan, kind, path.name, session, error=error)
        if args.json:
            print_json(report)
        else:
            for line in imports.describe_import(report):
                print(line)
        print(text("cli_error", message=error.message), file=sys.stderr)
        return EXIT_FILE_REJECTED
    report = imports.import_report(plan, kind, path.name, session, batch_id=batch_id)
    if args.json:
        print_json(report)
    else:
        for line in imports.describe_import(report):
            print(line)
    return EXIT_OK


def cmd_bpjs_import(args: argparse.Namespace) -> int:
    """Import the participant list BPJS Ketenagakerjaan sends back (one batch, can be undone)."""
    return _run_import(args, "bpjs")


def cmd_attendance_import(args: argparse.Namespace) -> int:
    """Import the attendance list of one training session (one batch, can be undone)."""
    return _run_import(args, "attendance")


def cmd_import_undo(args: argparse.Namespace) -> int:
    """Undo one BPJS / attendance import ("Batalkan impor"), as on the page."""
    from readiness import readiness_imports as imports

    kind = "bpjs" if args.command == "bpjs" else "attendance"
    imports.undo_of_kind(open_store(args), cli_actor(), kind, args.batch)
    print(text("import_undone", batch=args.batch))
    return EXIT_OK


def cmd_training_sessions(args: argparse.Namespace) -> int:
    """Every training session, newest first, so an operator finds the session number."""
    from readiness import readiness_imports as imports

    store = open_store(args)
    sessions = imports.sessions_listing(store)
    if args.json:
        print_json(sessions)
        return EXIT_OK
    if not sessions:
        print(text("sessions_none"))
    for line in imports.describe_sessions(sessions):
        print(line)
    return EXIT_OK


def cmd_training_session_add(args: argparse.Namespace) -> int:
    """Create one training session; modules default to the settings' list."""
    from readiness import readiness_imports as imports

    try:
        held_on = dt.date.fromisoformat(args.date)
    except ValueError:
        msg = text("date_not_iso", value=args.date)
        raise ReadinessError(msg, code="date_invalid") from None
    store = open_store(args)
    kecamatan = args.kecamatan
    if kecamatan and (
        Scope(kecamatan).level != "kecamatan" or store.region_name(kecamatan) is None
    ):
        msg = text("kecamatan_unknown", code=kecamatan, area=store.settings.kabupaten_name)
        raise ReadinessError(msg, code="kecamatan_unknown")
    new = imports.add_session(
        store,
        cli_actor(),
        held_on=held_on,
        place=args.place,
        modules=args.module or list(store.settings.training_modules),
        kecamatan_code=kecamatan,
    )
    print(text("session_saved", session=new), text("session_next_step", session=new))
    return EXIT_OK


def cmd_bpjs_pending(args: argparse.Namespace) -> int:
    """Write the "belum terdaftar" list, the same bytes as the BPJS page's download."""
    from readiness import formatting as fmt
    from readiness import readiness_imports as imports

    store = open_store(args)
    scope = check_kecamatan(store, args.kecamatan) if args.kecamatan else None
    scope = cli_scope(store, scope.code if scope else None)
    if not scope.code:  # the server's own CLI identity: the home kabupaten, as the page shows it
        scope = Scope(store.settings.kabupaten_code)
    data = imports.pending_enrolment_csv(store, cli_actor(), scope, unmasked=args.unmasked)
    write_output(Path(args.out), data)
    print(text("bpjs_pending_written", path=args.out, size=fmt.number(len(data))))
    return EXIT_OK


def cmd_audit_export(args: argparse.Namespace) -> int:
    """Write the audit log (admin only) as CSV or XLSX through the one safe writer."""
    from readiness import auth, spreadsheet
    from readiness import formatting as fmt

    store = open_store(args)
    table = auth.audit_table(auth.audit_entries(store, cli_actor()))
    if args.format == "xlsx":
        data = auth.table_xlsx(table, title="Log audit")
    else:
        data = spreadsheet.csv_bytes(table)
    write_output(Path(args.out), data)
    print(text("audit_written", path=args.out, count=fmt.number(table.height)))
    return EXIT_OK


def add_audit_command(commands, db: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="log audit (admin)")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    export = audit_commands.add_parser("export", parents=[db], help="tulis log audit ke berkas")
    export.add_argument("--out", required=True, help="berkas tujuan, mis. log_audit.csv")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.set_defaults(handler=cmd_audit_export)


def add_readiness_import_commands(commands, db: argparse.ArgumentParser) -> None:
    bpjs = commands.add_parser("bpjs", help="BPJS Ketenagakerjaan linmas")
    bpjs_commands = bpjs.add_subparsers(dest="bpjs_command", required=True)
    pending = bpjs_commands.add_parser(
        "pending", parents=[db], help="tulis daftar linmas belum terdaftar BPJS (CSV)"
    )
    pending.add_argument("--out", required=True, help="berkas tujuan, mis. belum_bpjs.csv")
    pending.add_argument(
        "--unmasked", action="store_true", help="NIK dan nomor HP lengkap (hanya admin; diaudit)"
    )
    pending.add_argument("--kecamatan", help="kode kecamatan, mis. 17.02.06 (bawaan: semua)")
    pending.set_defaults(handler=cmd_bpjs_pending)
    bpjs_import = bpjs_commands.add_parser(
        "import", parents=[db], help="impor daftar peserta dari BPJS (CSV/XLSX)"
    )
    attendance = commands.add_parser("attendance", help="absensi pelatihan (bimtek)")
    attendance_commands = attendance.add_subparsers(dest="attendance_command", required=True)
    attendance_import = attendance_commands.add_parser(
        "import", parents=[db], help="impor daftar hadir satu sesi (CSV/XLSX)"
    )
    attendance_import.add_argument(
        "--session", required=True, type=int, help="nomor sesi (lihat training sessions)"
    )
    for sub, handler in [
        (bpjs_import, cmd_bpjs_import),
        (attendance_import, cmd_attendance_import),
    ]:
        sub.add_argument("file")
        sub.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(handler=handler)
    for group in (bpjs_commands, attendance_commands):
        undo = group.add_parser("undo", parents=[db], help="batalkan satu impor (nomor impor)")
        undo.add_argument("batch", type=int, help="nomor impor, mis. 12")
        undo.set_defaults(handler=cmd_import_undo)
    training = commands.add_parser("training", help="sesi pelatihan (bimtek)")
    training_commands = training.add_subparsers(dest="training_command", required=True)
    sessions = training_commands.add_parser("sessions", parents=[db], help="daftar sesi")
    sessions.add_argument("--json", action="store_true")
    sessions.set_defaults(handler=cmd_training_sessions)
    session = training_commands.add_parser("session", help="satu sesi")
    session_commands = session.add_subparsers(dest="session_command", required=True)
    add = session_commands.add_parser("add", parents=[db], help="tambah sesi pelatihan")
    add.add_argument("--date", required=True, help="tanggal, mis. 2024-11-15")
    add.add_argument("--place", required=True, help="tempat, mis. Aula Kecamatan Curup")
    add.add_argument("--kecamatan", help="kode kecamatan peserta, mis. 17.02.09 (bawaan: semua)")
    add.add_argument(
        "--module", action="append", help="modul yang diajarkan (boleh diulang; bawaan: semua)"
    )
    add.set_defaults(handler=cmd_training_session_add)


# -- end of BPJS and attendance imports, training sessions --------------------------------------
