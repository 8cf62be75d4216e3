"""Command line on top of the library: ``python -m readiness <command> [--db PATH]``.

Every command works on a fresh ``--db`` path: the file is created, migrated and loaded with the
bundled reference data. Errors print one Indonesian line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

from readiness import formatting as fmt
from readiness import plan_progress, rawan_admin, reports, store_open
from readiness.cli_accounts import add_account_commands
from readiness.cli_common import (
    EXIT_ERROR,
    EXIT_FILE_REJECTED,
    EXIT_OK,
    KABUPATEN_HELP,
    check_kecamatan,
    cli_actor,
    cli_scope,
    kabupaten_label,
    log,
    open_store,
    own_kabupaten,
    print_json,
    read_input_file,
    tps_kabupaten,
    use_account,
)
from readiness.cli_duty import add_duty_commands, export_duty_document, summary_extra
from readiness.cli_intake import add_intake_commands, cmd_import_kecamatan
from readiness.cli_plan import add_plan_commands
from readiness.cli_province import (
    add_not_submitted_command,
    add_recap_commands,
    add_regions_command,
)
from readiness.cli_rawan import add_rawan_commands
from readiness.cli_readiness import add_audit_command, add_readiness_import_commands
from readiness.config import PROJECT_DIR, database_path, load_settings
from readiness.db import WIB, DatabaseFileError
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.private_files import make_private, use_private_umask
from readiness.scope import Scope

# -- commands ------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo database (DATA CONTOH) for today if needed, then start the dashboard on it.

    A demo built for an earlier day is built again, so its countdown and late flags stay live.
    """
    from readiness.demo import demo_built_on

    today = _demo_day(args.today)
    path = database_path(args.db or os.environ.get("READINESS_DB") or PROJECT_DIR / "demo.duckdb")
    store = store_open.open_store(path, load_settings())
    make_private(store.path)
    if store.meta("mode") == "demo" and demo_built_on(store) == today:
        print(text("demo_exists", path=path))
    elif store.meta("mode") == "demo":
        built_on = demo_built_on(store)
        other_day = fmt.date(built_on) if built_on else text("demo_other_day")
        print(text("demo_rebuilt", path=path, built_on=other_day, today=fmt.date(today)))
        store.release()  # this process must not keep writing into the file it deletes
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
        _build_demo(path, today)
    elif store.count("submissions") or store.count("tps"):
        msg = text("not_a_demo_database", path=path)
        raise ReadinessError(msg, code="not_a_demo_database")
    else:
        _build_demo(path, today)
    if args.build_only:
        return EXIT_OK
    return serve(path, args.port)


def _demo_day(value: str | None) -> dt.date:
    """``--today`` as a date (default: today in WIB), or a message saying how to write it."""
    if not value:
        return dt.datetime.now(WIB).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = text("bad_demo_day", value=value)
        raise ReadinessError(msg, code="bad_demo_day") from None


def _build_demo(path: Path, today: dt.date) -> None:
    from readiness.demo import build_demo, demo_election

    store = store_open.open_store(path, load_settings())
    make_private(store.path)
    built = build_demo(store, today)
    voting = fmt.date(demo_election(today)[0])
    print(text("demo_built", path=path, voting=voting, **built))


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the dashboard on a real database (created empty when new)."""
    store = open_store(args)
    return serve(store.path, args.port)


def serve(path: Path, port: int) -> int:
    """Become ``streamlit run dashboard.py`` on the given database (never returns).

    The process is replaced (exec), not forked: a SIGTERM from systemd or ``kill`` reaches
    Streamlit itself, so one signal stops the server and frees the port.
    """
    env = {**os.environ, "READINESS_DB": str(Path(path).resolve())}
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "dashboard.py"),
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    print(text("dashboard_running", port=port), flush=True)
    sys.stderr.flush()
    os.chdir(PROJECT_DIR)
    os.execve(sys.executable, command, env)
    return EXIT_OK  # pragma: no cover - execve does not return


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the overview numbers (the same the Ringkasan page shows)."""
    from readiness import intake

    store = open_store(args)
    if args.kecamatan:
        check_kecamatan(store, args.kecamatan)  # malformed or unknown: refuse, never zeros
    # --user limits the region; --kabupaten picks one kabupaten of a province instance
    scope = cli_scope(store, args.kecamatan or getattr(args, "kabupaten", None))
    if getattr(args, "kabupaten", None):
        from readiness.kabupaten_regions import check_kabupaten

        check_kabupaten(store, args.kabupaten)  # not loaded yet: say `regions import`
    view = reports.overview(store, scope)
    data = reports.summary_json(view)
    # BPJS, training, readiness and TPS coverage, the numbers the Kesiapan page shows.
    today = dt.datetime.now(WIB).date()
    readiness_view = reports.readiness(store, scope, today)
    data = reports.with_readiness(data, readiness_view)
    data = plan_progress.with_plan(data, plan_progress.plan_status(store, readiness_view))
    data = summary_extra(store, scope, data, dt.datetime.now(WIB))  # assignment, voting day
    data = intake.intake_summary(store, scope, data)  # desa_nihil, desa_attempted_failed
    data |= rawan_admin.summary_fields(store, cli_actor(), scope)
    if args.json:
        from readiness.recaps import recap_header  # the province imports this file

        codes = view.kecamatan["kecamatan_code"].to_list()
        now = dt.datetime.now(WIB)
        header = recap_header(store.settings, scope, codes, store.data_version(), now)
        header |= own_kabupaten(store, scope)  # a loaded kabupaten names itself
        print_json({**header, **data})
        return EXIT_OK
    from readiness import formatting as fmt
    from readiness.kabupaten_regions import area_name

    total = data["kecamatan_total"]
    print(
        text("summary_title", area=area_name(store, scope), election=store.settings.election_name)
    )
    print(text("summary_kecamatan_complete", done=data["kecamatan_complete"], total=total))
    print(text("summary_kecamatan_verified", done=data["kecamatan_verified"], total=total))
    submitted, desa_total = fmt.number(data["desa_submitted"]), fmt.number(data["desa_total"])
    print(text("summary_desa_submitted", done=submitted, total=desa_total))
    registered = fmt.number(data["officers_registered"])
    required = intake.need_text(data["officers_required"], data.get("tps_total"))
    print(text("summary_officers_need", registered=registered, required=required))
    print(text("summary_desa_nihil", count=fmt.number(data["desa_nihil"])))
    print(text("summary_desa_attempted", count=fmt.number(data["desa_attempted_failed"])))
    return EXIT_OK


def cmd_tps_import(args: argparse.Namespace) -> int:
    """Import the KPU TPS list: every row matched, or nothing stored."""
    from readiness.tps_list import check_tps_file, save_tps

    store = open_store(args)
    path = Path(args.file)
    data = read_input_file(path)
    parsed = check_tps_file(store, data, path.name, tps_kabupaten(store, args))
    if not parsed.ok:
        print(text("tps_rejected", count=parsed.problems.height), file=sys.stderr)
        for row in parsed.problems.head(50).iter_rows(named=True):
            print(
                "  " + text("row_problem", row=row["row"], message=row["message"]), file=sys.stderr
            )
        return EXIT_FILE_REJECTED
    stored = save_tps(store, cli_actor(), parsed.tps, file_name=path.name)
    villages = parsed.tps["desa_code"].n_unique()
    print(text("tps_stored", tps=stored, villages=villages))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Validate a roster file for one desa and store the accepted rows as a new version."""
    from readiness import intake
    from readiness.roster import CLI_MAX_BYTES, check_roster_file

    if args.kecamatan:
        return cmd_import_kecamatan(args)
    store = open_store(args)
    path = Path(args.file)
    data = read_input_file(path)
    checked = check_roster_file(
        store, args.desa, data, path.name, max_bytes=CLI_MAX_BYTES, viewer=cli_actor()
    )
    result = checked.to_json()
    saved = None
    if not args.dry_run:
        saved = intake.save_village(store, cli_actor(), checked)
        if saved.version is not None:
            result["version"] = saved.version
        if saved.outcome == "unchanged":
            result["unchanged"] = True
    if args.json:
        print_json(result)
    else:
        print(checked.describe())
        if saved is not None and saved.outcome in ("stored", "unchanged", "attempt"):
            print(intake.describe_saved(saved, store.region_name(args.desa)))
    return EXIT_FILE_REJECTED if checked.verdict is None else EXIT_OK


# -- backups -------------------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a verified snapshot (safe while the dashboard runs); ``--daily`` for a timer."""
    from readiness import backup
    from readiness.auth import require
    from readiness.db import now_wib

    actor = cli_actor()
    require(actor, "backup")  # before the file is even opened: a village account copies nothing
    store = open_store(args)
    if args.daily:
        made = backup.daily_snapshot(store, now_wib().date(), force=True, actor=actor)
        if made is None:
            print(text("backup_daily_exists"))
        else:
            print(text("backup_daily_made", backup=backup.inspect(made, store.settings).describe()))
        return EXIT_OK
    out = args.out or backup.backup_dir(store.settings, store.path) / (
        f"cadangan-{now_wib():%Y-%m-%d-%H%M%S}.duckdb"
    )
    info = backup.backup(store, Path(out), actor)
    if info.partials_removed:
        names = ", ".join(p.name for p in info.partials_removed)
        print(text("backup_partials_removed", count=len(info.partials_removed), files=names))
    print(text("backup_made", backup=info.describe()))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database by a verified backup; the replaced file is kept as a snapshot."""
    from readiness import backup

    path = database_path(getattr(args, "db", None))
    result = backup.restore(path, Path(args.file), load_settings(), cli_actor(), confirmed=args.yes)
    print(text("backup_restored", file=args.file, backup=result.restored.describe()))
    if result.previous_kept is not None:
        print(text("backup_previous_kept", path=result.previous_kept))
    return EXIT_OK


def _add_backup_commands(commands, db: argparse.ArgumentParser) -> None:
    snapshot = commands.add_parser(
        "backup", parents=[db], help="buat cadangan basis data (aman selagi dasbor berjalan)"
    )
    snapshot.add_argument("--out", help="berkas cadangan baru (bawaan: folder cadangan)")
    snapshot.add_argument(
        "--daily", action="store_true", help="cadangan harian bila belum ada (untuk timer/cron)"
    )
    snapshot.set_defaults(handler=cmd_backup)
    restore = commands.add_parser(
        "restore", parents=[db], help="pulihkan basis data dari berkas cadangan"
    )
    restore.add_argument("file", help="berkas cadangan .duckdb")
    restore.add_argument(
        "--yes", action="store_true", help="pulihkan juga bila cadangan berisi tabel tak dikenal"
    )
    restore.set_defaults(handler=cmd_restore)


# -- end of backups ------------------------------------------------------------------------------


# -- exports -------------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    """Write the apel recap (PDF, XLSX or per-desa CSV) for the kabupaten or one kecamatan."""
    from readiness import exports
    from readiness import formatting as fmt

    if args.format in ("sk", "kartu", "honor"):
        return export_duty_document(args)
    store = open_store(args)
    # --user limits the region; --kabupaten picks one kabupaten of a province instance
    scope = cli_scope(store, args.kecamatan or getattr(args, "kabupaten", None))
    if getattr(args, "kabupaten", None) and not args.kecamatan:
        from readiness.kabupaten_regions import check_kabupaten

        check_kabupaten(store, args.kabupaten)  # not loaded yet: say `regions import`
    if not scope.code:
        scope = Scope(store.settings.kabupaten_code)
    if args.kecamatan and (scope.level != "kecamatan" or store.region_name(scope.code) is None):
        msg = text("kecamatan_unknown", code=args.kecamatan, area=kabupaten_label(store, scope))
        raise ReadinessError(msg, code="kecamatan_unknown")
    if args.format == "rawan-xlsx":  # TPS, level, source, linmas assigned vs needed; no names
        data = rawan_admin.rawan_xlsx(store, cli_actor(), scope)
        made = exports.ExportFile(data, rawan_admin.xlsx_file_name(scope), exports.MIME["xlsx"])
    else:
        made = exports.export(
            store,
            cli_actor(),
            args.format,
            scope,
            unmasked=args.unmasked,
            separator=args.separator,
        )
    out = Path(args.out)
    partial = out.with_name(out.name + ".sebagian")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(made.data)
        partial.replace(out)  # a scheduled reader never sees half a file
    except OSError as error:
        msg = text("output_file_unwritable", path=out, reason=error.strerror)
        raise ReadinessError(msg, code="export_unwritable") from None
    print(
        text(
            "export_written", format=args.format.upper(), path=out, size=fmt.number(len(made.data))
        )
    )
    return EXIT_OK


def _add_export_command(commands, db: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[db], help="tulis rekap apel: PDF, Excel, atau CSV per desa"
    )
    export.add_argument(
        "--format",
        required=True,
        choices=("pdf", "xlsx", "csv", "sk", "kartu", "honor", "rawan-xlsx"),
    )
    export.add_argument("--desa", help="kode desa untuk sk/kartu/honor, mis. 17.02.06.2001")
    export.add_argument("--out", required=True, help="berkas tujuan, mis. rekap.pdf")
    export.add_argument("--kecamatan", help="kode kecamatan, mis. 17.02.06 (bawaan: kabupaten)")
    export.add_argument("--kabupaten", help=KABUPATEN_HELP)  # province instance
    export.add_argument(
        "--separator", choices=(",", ";"), default=",", help="pemisah CSV (; untuk Excel Indonesia)"
    )
    export.add_argument(
        "--unmasked", action="store_true", help="NIK dan nomor HP lengkap (tercatat di log audit)"
    )
    export.set_defaults(handler=cmd_export)


# -- end of exports ------------------------------------------------------------------------------


# -- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """One parser; ``--db`` is accepted before or after the command."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", default=argparse.SUPPRESS, help="berkas DuckDB (bawaan: READINESS_DB)")
    db.add_argument("--user", default=argparse.SUPPRESS, help="bertindak sebagai akun ini")
    parser = argparse.ArgumentParser(
        prog="python -m readiness", description="Kesiapan Linmas: dasbor kesiapan Satlinmas."
    )
    parser.add_argument("--db", default=None, help="berkas DuckDB (bawaan: READINESS_DB)")
    parser.add_argument("--user", default=None, help="bertindak sebagai akun ini (peran, wilayah)")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo", parents=[db], help="bangun basis data contoh lalu jalankan dasbor"
    )
    demo.add_argument("--build-only", action="store_true", help="hanya bangun, jangan jalankan")
    demo.add_argument("--port", type=int, default=8501)
    demo.add_argument(
        "--today", default=None, help="bangun untuk tanggal ini (YYYY-MM-DD; bawaan: hari ini)"
    )
    demo.set_defaults(handler=cmd_demo)

    run = commands.add_parser("serve", parents=[db], help="jalankan dasbor pada basis data ini")
    run.add_argument("--port", type=int, default=8501)
    run.set_defaults(handler=cmd_serve)

    summary = commands.add_parser("summary", parents=[db], help="angka ringkasan")
    summary.add_argument("--json", action="store_true")
    summary.add_argument("--kecamatan", help="kode kecamatan, mis. 17.02.06")
    summary.add_argument("--kabupaten", help=KABUPATEN_HELP)  # province instance
    summary.set_defaults(handler=cmd_summary)

    tps = commands.add_parser("tps", help="daftar TPS dari KPU")
    tps_commands = tps.add_subparsers(dest="tps_command", required=True)
    tps_import = tps_commands.add_parser("import", parents=[db], help="impor daftar TPS (CSV/XLSX)")
    tps_import.add_argument("file")
    tps_import.add_argument("--kabupaten", help=KABUPATEN_HELP)  # province instance
    tps_import.set_defaults(handler=cmd_tps_import)

    roster = commands.add_parser("import", parents=[db], help="impor daftar linmas satu desa")
    roster.add_argument("file")
    target = roster.add_mutually_exclusive_group(required=True)
    target.add_argument("--desa", help="kode desa, mis. 17.02.06.2001")
    target.add_argument("--kecamatan", help="kode kecamatan: satu berkas untuk beberapa desa")
    roster.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")
    roster.add_argument("--json", action="store_true")
    roster.set_defaults(handler=cmd_import)
    _add_backup_commands(commands, db)
    _add_export_command(commands, db)
    add_account_commands(commands, db)
    add_regions_command(commands, db)  # province instance
    add_not_submitted_command(commands, db)
    add_recap_commands(commands, db)  # berjenjang roll-up
    add_readiness_import_commands(commands, db)  # BPJS, attendance, training sessions
    add_audit_command(commands, db)
    add_plan_commands(commands, db)  # the H-n plan
    add_duty_commands(commands, db)
    add_intake_commands(commands, db)  # nihil, roster versions/restore, verify
    add_rawan_commands(commands, db)  # graded rawan TPS: import and list
    return parser


# Commands that only read: they open an existing, current database read-only (DuckDB's
# read-only mode), so they work in a read-only location; see docs/operations.md. ``export`` is
# not one of them: every export writes its audit row before the file.
READ_COMMANDS = (
    ("summary",),
    ("not-submitted",),
    ("audit", "export"),
    ("bpjs", "pending"),
    ("user", "list"),
    ("recap", "list"),
    ("rawan", "list"),
    ("roster", "versions"),
    ("training", "sessions"),
    ("plan", "show"),
)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public walk of its subparsers
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def mark_read_commands(parser: argparse.ArgumentParser) -> None:
    """Give each read command ``read_only=True`` (``cli_common.open_store`` reads it)."""
    for path in READ_COMMANDS:
        command = parser
        for name in path:
            command = _subcommands(command)[name]
        command.set_defaults(read_only=True)


def main(argv: list[str] | None = None) -> int:
    """Parse, run, and turn every error into one Indonesian line and an exit code."""
    logging.basicConfig(level=os.environ.get("READINESS_LOG_LEVEL", "WARNING"), force=True)
    use_private_umask()  # database, backups, exports: owner-only (UU 27/2022)
    parser = build_parser()
    mark_read_commands(parser)
    args = parser.parse_args(argv)
    try:
        use_account(args)  # --user NAME
        return args.handler(args)
    except DatabaseFileError as error:  # name the newest backup
        from readiness.backup import unreadable_database_message

        message = unreadable_database_message(error.path, load_settings(), error.detail)
        print(text("cli_error", message=message), file=sys.stderr)
        return EXIT_ERROR
    except ReadinessError as error:
        print(text("cli_error", message=error.message), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:  # `... | head` stopped reading: nothing went wrong, say nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:
        # The traceback is for the operator who asks for it, never for the user's screen.
        if log.isEnabledFor(logging.DEBUG):
            log.exception("unexpected error in %s", args.command)
        print(text("cli_unexpected"), file=sys.stderr)
        return EXIT_ERROR
