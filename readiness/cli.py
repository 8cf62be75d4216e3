"""Command line on top of the library: ``python -m readiness <command> [--db PATH]``.

Every command works on a fresh ``--db`` path: the file is created, migrated and loaded with the
bundled reference data. Errors print one Indonesian line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from readiness import reports
from readiness.config import PROJECT_DIR, database_path, load_settings
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope
from readiness.storage import WIB, Actor, DatabaseFileError, Store

log = logging.getLogger("readiness")

EXIT_OK, EXIT_ERROR, EXIT_FILE_REJECTED = 0, 1, 2


def cli_actor() -> Actor:
    """The CLI runs on the server itself, as the operating-system user, with full scope.

    With ``--user NAME`` it acts as that account instead (issue 8: role and region apply).
    """
    if _account_actor is not None:
        return _account_actor
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "server"
    return Actor(f"cli:{user}", "admin", Scope(""))


def open_store(args: argparse.Namespace) -> Store:
    """The store named by ``--db`` / ``READINESS_DB``, created and migrated when new."""
    return Store.open(database_path(getattr(args, "db", None)), load_settings())


def read_input_file(path: Path) -> bytes:
    """The bytes of a file named on the command line, or a clear message why not."""
    try:
        return path.read_bytes()
    except OSError as error:
        msg = f"Berkas {path} tidak dapat dibuka: {error.strerror}."
        raise ReadinessError(msg, code="file_unreadable") from None


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# -- commands ------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo database (DATA CONTOH) if needed, then start the dashboard on it."""
    from readiness.demo import build_demo

    path = database_path(args.db or os.environ.get("READINESS_DB") or PROJECT_DIR / "demo.duckdb")
    store = Store.open(path, load_settings())
    if store.meta("mode") == "demo":
        print(f"Basis data contoh sudah ada: {path}")
    elif store.count("submissions") or store.count("tps"):
        msg = (
            f"{path} berisi data sungguhan, bukan data contoh. Pilih berkas lain dengan --db; "
            "data ini tidak diubah."
        )
        raise ReadinessError(msg, code="not_a_demo_database")
    else:
        built = build_demo(store)
        print(
            f"Basis data contoh dibuat: {path} ({built['villages']} desa mengirim, "
            f"{built['officers']} linmas, {built['tps']} TPS)."
        )
    if args.build_only:
        return EXIT_OK
    return serve(path, args.port)


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the dashboard on a real database (created empty when new)."""
    store = open_store(args)
    return serve(store.path, args.port)


def serve(path: Path, port: int) -> int:
    """Run ``streamlit run dashboard.py`` on the given database until interrupted."""
    env = {**os.environ, "READINESS_DB": str(Path(path).resolve())}
    command = [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "dashboard.py"),
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    print(f"Dasbor berjalan di http://localhost:{port} (hentikan dengan Ctrl+C).")
    try:
        return subprocess.call(command, cwd=PROJECT_DIR, env=env)
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the overview numbers (the same the Ringkasan page shows)."""
    store = open_store(args)
    # issue 8: --user limits the region; issue 9: --kabupaten picks one of a province instance
    scope = cli_scope(store, args.kecamatan or getattr(args, "kabupaten", None))
    if getattr(args, "kabupaten", None):
        from readiness.kabupaten_regions import check_kabupaten

        check_kabupaten(store, args.kabupaten)  # not loaded yet: say `regions import`
    view = reports.overview(store, scope)
    data = reports.summary_json(view)
    # issue 6: BPJS, training, readiness and TPS coverage, the numbers the Kesiapan page shows.
    today = dt.datetime.now(WIB).date()
    data = reports.with_readiness(data, reports.readiness(store, scope, today))
    if args.json:
        from readiness.recaps import recap_header  # issue 9: the province imports this file

        codes = view.kecamatan["kecamatan_code"].to_list()
        now = dt.datetime.now(WIB)
        header = recap_header(store.settings, scope, codes, store.data_version(), now)
        header |= _own_kabupaten(store, scope)  # issue 9: a loaded kabupaten names itself
        _print_json({**header, **data})
        return EXIT_OK
    from readiness import formatting as fmt
    from readiness.kabupaten_regions import area_name

    print(f"{area_name(store, scope)} — {store.settings.election_name}")
    print(f"Kecamatan lengkap : {data['kecamatan_complete']} dari {data['kecamatan_total']}")
    print(f"Kec. terverifikasi: {data['kecamatan_verified']} dari {data['kecamatan_total']}")
    print(
        f"Desa mengirim     : {fmt.number(data['desa_submitted'])} dari {fmt.number(data['desa_total'])}"
    )
    print(
        f"Linmas terdaftar  : {fmt.number(data['officers_registered'])} "
        f"(kebutuhan {fmt.number(data['officers_required'])})"
    )
    return EXIT_OK


def cmd_tps_import(args: argparse.Namespace) -> int:
    """Import the KPU TPS list: every row matched, or nothing stored."""
    from readiness.tps_list import check_tps_file

    store = open_store(args)
    path = Path(args.file)
    data = read_input_file(path)
    parsed = check_tps_file(store, data, path.name, _tps_kabupaten(store, args))
    if not parsed.ok:
        print(
            f"Daftar TPS tidak disimpan: {parsed.problems.height} baris bermasalah.",
            file=sys.stderr,
        )
        for row in parsed.problems.head(50).iter_rows(named=True):
            print(f"  Baris {row['row']}: {row['message']}", file=sys.stderr)
        return EXIT_FILE_REJECTED
    stored = store.replace_tps(cli_actor(), parsed.tps, file_name=path.name)
    villages = parsed.tps["desa_code"].n_unique()
    print(f"{stored} TPS disimpan untuk {villages} desa/kelurahan.")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Validate a roster file for one desa and store the accepted rows as a new version."""
    from readiness.roster import CLI_MAX_BYTES, check_roster_file, store_checked_roster

    store = open_store(args)
    path = Path(args.file)
    data = read_input_file(path)
    checked = check_roster_file(store, args.desa, data, path.name, max_bytes=CLI_MAX_BYTES)
    result = checked.to_json()
    if checked.verdict is not None and not args.dry_run:
        stored = store_checked_roster(store, cli_actor(), checked)
        result["version"] = stored.version
    if args.json:
        _print_json(result)
    else:
        print(checked.describe())
    return EXIT_FILE_REJECTED if checked.verdict is None else EXIT_OK


# -- backups (issue 10) --------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a verified snapshot (safe while the dashboard runs); ``--daily`` for a timer."""
    from readiness import backup
    from readiness.storage import now_wib

    store = open_store(args)
    if args.daily:
        made = backup.daily_snapshot(store, now_wib().date(), force=True)
        if made is None:
            print("Cadangan harian hari ini sudah ada; tidak ada yang dibuat.")
        else:
            print(f"Cadangan harian dibuat: {backup.inspect(made, store.settings).describe()}")
        return EXIT_OK
    out = args.out or backup.backup_dir(store.settings, store.path) / (
        f"cadangan-{now_wib():%Y-%m-%d-%H%M%S}.duckdb"
    )
    info = backup.backup(store, Path(out))
    print(f"Cadangan dibuat dan diperiksa: {info.describe()}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database by a verified backup; the replaced file is kept as a snapshot."""
    from readiness import backup

    path = database_path(getattr(args, "db", None))
    result = backup.restore(path, Path(args.file), load_settings(), cli_actor())
    print(f"Basis data dipulihkan dari {args.file}: {result.restored.describe()}")
    if result.previous_kept is not None:
        print(f"Basis data sebelumnya disimpan sebagai {result.previous_kept}")
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
    restore.set_defaults(handler=cmd_restore)


# -- end of backups (issue 10) -------------------------------------------------------------------


# -- exports (issue 7) ---------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    """Write the apel recap (PDF, XLSX or per-desa CSV) for the kabupaten or one kecamatan."""
    from readiness import exports
    from readiness import formatting as fmt

    store = open_store(args)
    # issue 8: --user limits the region; issue 9: --kabupaten picks one of a province instance
    scope = cli_scope(store, args.kecamatan or getattr(args, "kabupaten", None))
    if getattr(args, "kabupaten", None) and not args.kecamatan:
        from readiness.kabupaten_regions import check_kabupaten

        check_kabupaten(store, args.kabupaten)  # not loaded yet: say `regions import`
    if not scope.code:
        scope = Scope(store.settings.kabupaten_code)
    if args.kecamatan and (scope.level != "kecamatan" or store.region_name(scope.code) is None):
        msg = (
            f"Kode kecamatan {args.kecamatan!r} tidak dikenal di {_kabupaten_label(store, scope)}. "
            "Tulis kode seperti 17.02.06 (lihat summary --json)."
        )
        raise ReadinessError(msg, code="kecamatan_unknown")
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
        msg = f"Berkas {out} tidak dapat ditulis: {error.strerror}. Periksa folder dan izinnya."
        raise ReadinessError(msg, code="export_unwritable") from None
    print(f"Rekap {args.format.upper()} ditulis: {out} ({fmt.number(len(made.data))} bita).")
    return EXIT_OK


def _add_export_command(commands, db: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[db], help="tulis rekap apel: PDF, Excel, atau CSV per desa"
    )
    export.add_argument("--format", required=True, choices=("pdf", "xlsx", "csv"))
    export.add_argument("--out", required=True, help="berkas tujuan, mis. rekap.pdf")
    export.add_argument("--kecamatan", help="kode kecamatan, mis. 17.02.06 (bawaan: kabupaten)")
    export.add_argument("--kabupaten", help=KABUPATEN_HELP)  # issue 9: province instance
    export.add_argument(
        "--separator", choices=(",", ";"), default=",", help="pemisah CSV (; untuk Excel Indonesia)"
    )
    export.add_argument(
        "--unmasked", action="store_true", help="NIK dan nomor HP lengkap (tercatat di log audit)"
    )
    export.set_defaults(handler=cmd_export)


# -- end of exports (issue 7) --------------------------------------------------------------------


# -- villages that sent nothing (issue 9) ----------------------------------------------------------


def cmd_not_submitted(args: argparse.Namespace) -> int:
    """List the desa that have sent no roster yet: one query, not the whole overview."""
    from readiness import formatting as fmt

    store = open_store(args)
    scope = cli_scope(store, args.wilayah)
    if args.wilayah and store.region_name(scope.code) is None:
        msg = (
            f"Kode wilayah {args.wilayah!r} tidak dikenal. Tulis kode Kemendagri seperti "
            "17.02 (kabupaten) atau 17.02.06 (kecamatan)."
        )
        raise ReadinessError(msg, code="region_unknown")
    frame = reports.villages_not_submitted(store, scope)
    if args.json:
        _print_json(frame.to_dicts())
        return EXIT_OK
    print(f"{fmt.number(frame.height)} desa/kelurahan belum mengirim daftar linmas")
    for row in frame.iter_rows(named=True):
        need = "TPS belum ada"
        if row["tps_count"] is not None:
            tps, required = fmt.number(row["tps_count"]), fmt.number(row["officers_required"])
            need = f"{tps} TPS, kebutuhan {required} linmas"
        print(f"{row['desa_code']}  {row['kecamatan_name']} / {row['desa_name']} ({need})")
    return EXIT_OK


def _add_not_submitted_command(commands, db: argparse.ArgumentParser) -> None:
    silent = commands.add_parser(
        "not-submitted", parents=[db], help="desa/kelurahan yang belum mengirim daftar linmas"
    )
    silent.add_argument("--wilayah", help="kode wilayah, mis. 17.02.06 (bawaan: wilayah akun)")
    silent.add_argument("--json", action="store_true")
    silent.set_defaults(handler=cmd_not_submitted)


# -- end of villages that sent nothing (issue 9) ---------------------------------------------------


# -- accounts and personal data (issue 8) --------------------------------------------------------

# Set by ``--user NAME``: the CLI then acts as that account (its role and region), not as admin.
_account_actor: Actor | None = None


def use_account(args: argparse.Namespace) -> None:
    """Scope this command to the account named by ``--user`` (refused when unknown/disabled)."""
    global _account_actor
    _account_actor = None
    name = getattr(args, "user", None)
    if not name:
        return
    from readiness import auth

    record = open_store(args).user_record(auth.normalize_username(name))
    if record is None or record["disabled"]:
        msg = f"Akun {name} tidak ada atau dinonaktifkan. Lihat `user list`."
        raise ReadinessError(msg, code="user_unknown")
    _account_actor = auth.actor_from_record(record)


def cli_scope(store: Store, requested: str | None) -> Scope:
    """The region a command reads: ``requested`` if the acting account covers it."""
    actor = cli_actor()
    if not requested:
        return actor.scope
    if not actor.scope.covers(requested):
        msg = (
            f"Akun {actor.username} tidak berwenang atas wilayah {requested}. "
            "Pilih wilayah Anda sendiri."
        )
        raise AccessDenied(msg)
    return Scope(requested)


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create one account and print its one-time password."""
    from readiness import auth

    store = open_store(args)
    secret = auth.add_user(
        store,
        cli_actor(),
        args.username,
        args.role,
        args.region,
        full_name=args.name,
        phone=args.phone,
    )
    name = auth.normalize_username(args.username)
    print(f"Akun {name} dibuat. Kata sandi sekali pakai: {secret}")
    print("Berikan langsung kepada pemiliknya; kata sandi wajib diganti saat pertama masuk.")
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    """A new one-time password for an account (also lifts a lockout)."""
    from readiness import auth

    secret = auth.reset_password(open_store(args), cli_actor(), args.username)
    print(f"Kata sandi sekali pakai baru untuk {args.username}: {secret}")
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    """Disable an account (``enable`` turns it on again)."""
    from readiness import auth

    disabled = args.user_command == "disable"
    auth.set_disabled(open_store(args), cli_actor(), args.username, disabled=disabled)
    print(f"Akun {args.username} {'dinonaktifkan' if disabled else 'diaktifkan lagi'}.")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    """Every account (never a password hash)."""
    from readiness import auth

    users = open_store(args).users(cli_actor())
    if args.json:
        _print_json(users.to_dicts())
        return EXIT_OK
    for row in auth.users_table(users).iter_rows():
        print(" · ".join(str(v) for v in row if v is not None))
    return EXIT_OK


def cmd_user_bulk(args: argparse.Namespace) -> int:
    """Create every missing kecamatan and desa account; write their one-time passwords as XLSX."""
    from readiness import auth

    out = Path(args.out)
    if out.exists():
        msg = f"Berkas {out} sudah ada. Pilih nama lain; tidak ada akun dibuat."
        raise ReadinessError(msg, code="output_exists")
    store = open_store(args)
    created = auth.bulk_create_operators(store, cli_actor(), getattr(args, "kabupaten", None))
    if not created.height:
        print("Semua kecamatan dan desa/kelurahan sudah punya akun; tidak ada yang dibuat.")
        return EXIT_OK
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(auth.credentials_xlsx(created, title="Akun operator"))
    print(f"{created.height} akun dibuat; kata sandi sekali pakai ditulis ke {out}.")
    print("Cetak dan bagikan berkas itu, lalu hapus; simpan seperti kunci.")
    return EXIT_OK


def cmd_forget_nik(args: argparse.Namespace) -> int:
    """Delete one person's NIK everywhere on their request (UU 27/2022); logged, masked."""
    from readiness import privacy

    nik = args.nik.strip()
    if not (len(nik) == 16 and nik.isdigit()):
        msg = f"NIK harus 16 angka, tertulis {nik!r}. Salin ulang NIK dari permintaan tertulis."
        raise ReadinessError(msg, code="nik_invalid")
    if not args.yes:
        msg = "Penghapusan tidak bisa dibatalkan. Ulangi perintah dengan --yes untuk menghapus."
        raise ReadinessError(msg, code="confirmation_needed")
    store = open_store(args)
    counts = store.forget_nik(cli_actor(), nik, masked=privacy.mask_nik(nik))
    if args.json:
        _print_json(counts)
    else:
        print(
            f"NIK {privacy.mask_nik(nik)} dihapus: {counts['officers']} baris daftar linmas, "
            f"{counts['bpjs_records']} data BPJS, {counts['attendance']} kehadiran, "
            f"{counts['findings']} temuan; {counts['audit_log']} catatan audit disamarkan."
        )
    return EXIT_OK


def _add_account_commands(commands, db: argparse.ArgumentParser) -> None:
    from readiness.auth import ROLES

    user = commands.add_parser("user", help="akun pengguna")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", parents=[db], help="buat satu akun")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--region", required=True, help="kode wilayah, mis. 17.02.06 atau 17.02")
    add.add_argument("--name", help="nama lengkap")
    add.add_argument("--phone", help="nomor HP")
    add.set_defaults(handler=cmd_user_add)
    reset = user_commands.add_parser(
        "reset-password", parents=[db], help="kata sandi sekali pakai baru"
    )
    reset.add_argument("username")
    reset.set_defaults(handler=cmd_user_reset)
    for name, text in (("disable", "nonaktifkan akun"), ("enable", "aktifkan lagi")):
        sub = user_commands.add_parser(name, parents=[db], help=text)
        sub.add_argument("username")
        sub.set_defaults(handler=cmd_user_disable)
    listing = user_commands.add_parser("list", parents=[db], help="daftar akun")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_user_list)
    bulk = user_commands.add_parser(
        "bulk-create", parents=[db], help="akun semua kecamatan dan desa + XLSX kata sandi"
    )
    bulk.add_argument("--out", required=True, help="berkas XLSX tujuan, mis. akun.xlsx")
    bulk.add_argument("--kabupaten", help=KABUPATEN_HELP)  # issue 9: province instance
    bulk.set_defaults(handler=cmd_user_bulk)
    forget = commands.add_parser(
        "forget-nik", parents=[db], help="hapus data satu orang (NIK) atas permintaannya"
    )
    forget.add_argument("nik")
    forget.add_argument("--yes", action="store_true", help="ya, hapus (tidak bisa dibatalkan)")
    forget.add_argument("--json", action="store_true")
    forget.set_defaults(handler=cmd_forget_nik)


# -- end of accounts and personal data (issue 8) -------------------------------------------------


# -- region lists of other kabupaten (issue 9: province instance) ------------------------------


def cmd_regions_import(args: argparse.Namespace) -> int:
    """Add or replace one kabupaten's kecamatan/desa from a Kepmendagri-format file."""
    from readiness import formatting as fmt
    from readiness.province import check_region_file

    store = open_store(args)
    path = Path(args.file)
    read_input_file(path)  # a missing or unreadable file: one line that names it
    checked = check_region_file(path, store.settings)
    counts = store.import_kabupaten_regions(
        cli_actor(),
        checked.kabupaten_code,
        checked.kabupaten_name,
        checked.regions,
        file_name=path.name,
    )
    print(
        f"{checked.kabupaten_name} ({checked.kabupaten_code}): {fmt.number(counts['kecamatan'])} "
        f"kecamatan, {fmt.number(counts['desa'])} desa/kelurahan dimuat dari {path.name}."
    )
    if counts["desa_before"]:
        print(
            f"Daftar sebelumnya ({fmt.number(counts['kecamatan_before'])} kecamatan, "
            f"{fmt.number(counts['desa_before'])} desa/kelurahan) diganti."
        )
    return EXIT_OK


def _add_regions_command(commands, db: argparse.ArgumentParser) -> None:
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


# -- kabupaten recaps (issue 9: berjenjang roll-up, readiness/recaps.py) ------------------------


def cmd_recap_import(args: argparse.Namespace) -> int:
    """Import kabupaten recaps (``summary --json`` files): every file accepted, or none stored."""
    from readiness import recaps
    from readiness.storage import now_wib

    store = open_store(args)
    files = [(Path(name).name, read_input_file(Path(name))) for name in args.files]
    checked = recaps.check_recaps(store, cli_actor(), files, now_wib())
    if not checked.ok:
        print(
            f"Rekap tidak disimpan: {len(checked.problems)} masalah; tidak ada rekap yang disimpan.",
            file=sys.stderr,
        )
        for line in checked.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_FILE_REJECTED
    stored = recaps.import_recaps(store, cli_actor(), checked)
    for line in checked.skipped:
        print(f"Dilewati: {line}")
    names = ", ".join(checked.recaps["kabupaten_name"].fill_null("").to_list())
    print(f"{stored} rekap kabupaten disimpan" + (f": {names}." if stored else "."))
    return EXIT_OK


def cmd_recap_list(args: argparse.Namespace) -> int:
    """The newest recap per kabupaten (``--history``: every import)."""
    from readiness import recaps

    store = open_store(args)
    stored = store.kabupaten_recaps(cli_actor().scope, history=args.history)
    if args.json:
        _print_json(stored.to_dicts())
        return EXIT_OK
    if not stored.height:
        print("Belum ada rekap kabupaten yang diimpor (recap import BERKAS.json).")
        return EXIT_OK
    for row in recaps.recap_list_table(stored).iter_rows(named=True):
        code, name, *rest = row.items()
        print(" · ".join([code[1], name[1] or "", *(f"{k}: {v}" for k, v in rest)]))
    return EXIT_OK


def _add_recap_commands(commands, db: argparse.ArgumentParser) -> None:
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


# -- BPJS and attendance imports, training sessions (helper E) ---------------------------------


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
            _print_json(report)
        else:
            for line in imports.describe_import(report):
                print(line)
        print(f"Galat: {error.message}", file=sys.stderr)
        return EXIT_FILE_REJECTED
    report = imports.import_report(plan, kind, path.name, session, batch_id=batch_id)
    if args.json:
        _print_json(report)
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
    print(f"Impor nomor {args.batch} dibatalkan; keadaan sebelum impor itu berlaku lagi.")
    return EXIT_OK


def cmd_training_sessions(args: argparse.Namespace) -> int:
    """Every training session, newest first, so an operator finds the session number."""
    from readiness import readiness_imports as imports

    store = open_store(args)
    sessions = imports.sessions_listing(store)
    if args.json:
        _print_json(sessions)
        return EXIT_OK
    if not sessions:
        print("Belum ada sesi pelatihan. Tambahkan: training session add --date ... --place ...")
    for line in imports.describe_sessions(sessions):
        print(line)
    return EXIT_OK


def cmd_training_session_add(args: argparse.Namespace) -> int:
    """Create one training session; modules default to the settings' list."""
    from readiness import readiness_imports as imports

    try:
        held_on = dt.date.fromisoformat(args.date)
    except ValueError:
        msg = f"Tanggal harus ditulis TAHUN-BULAN-HARI, mis. 2024-11-15; tertulis {args.date!r}."
        raise ReadinessError(msg, code="date_invalid") from None
    store = open_store(args)
    kecamatan = args.kecamatan
    if kecamatan and (
        Scope(kecamatan).level != "kecamatan" or store.region_name(kecamatan) is None
    ):
        msg = f"Kode kecamatan {kecamatan!r} tidak dikenal. Tulis kode seperti 17.02.06."
        raise ReadinessError(msg, code="kecamatan_unknown")
    new = imports.add_session(
        store,
        cli_actor(),
        held_on=held_on,
        place=args.place,
        modules=args.module or list(store.settings.training_modules),
        kecamatan_code=kecamatan,
    )
    print(f"Sesi nomor {new} disimpan. Impor absensinya: attendance import BERKAS --session {new}")
    return EXIT_OK


def _add_readiness_import_commands(commands, db: argparse.ArgumentParser) -> None:
    bpjs = commands.add_parser("bpjs", help="BPJS Ketenagakerjaan linmas")
    bpjs_commands = bpjs.add_subparsers(dest="bpjs_command", required=True)
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


# -- end of BPJS and attendance imports, training sessions (helper E) --------------------------


# -- every loaded kabupaten of a province instance (issue 9) ------------------------------------

KABUPATEN_HELP = "kode kabupaten yang wilayahnya dimuat, mis. 17.05 (bawaan: kabupaten akun)"


def _tps_kabupaten(store: Store, args: argparse.Namespace) -> str:
    """The kabupaten a TPS file is matched to: ``--kabupaten``, else the account's or home one."""
    from readiness.kabupaten_regions import default_kabupaten

    return args.kabupaten or default_kabupaten(store.settings, cli_actor().scope)


def _own_kabupaten(store: Store, scope: Scope) -> dict:
    """A recap of a kabupaten (or part of one) names that kabupaten, not the home one."""
    from readiness.kabupaten_regions import kabupaten_code_of, kabupaten_name

    name = kabupaten_name(store, scope.code) if scope.code.count(".") else None
    if name is None:
        return {}
    return {"kabupaten_code": kabupaten_code_of(scope.code), "kabupaten_name": name}


def _kabupaten_label(store: Store, scope: Scope) -> str:
    from readiness.kabupaten_regions import kabupaten_name

    return kabupaten_name(store, scope.code) or store.settings.kabupaten_name


# -- end of every loaded kabupaten --------------------------------------------------------------


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
    demo.set_defaults(handler=cmd_demo)

    run = commands.add_parser("serve", parents=[db], help="jalankan dasbor pada basis data ini")
    run.add_argument("--port", type=int, default=8501)
    run.set_defaults(handler=cmd_serve)

    summary = commands.add_parser("summary", parents=[db], help="angka ringkasan")
    summary.add_argument("--json", action="store_true")
    summary.add_argument("--kecamatan", help="kode kecamatan, mis. 17.02.06")
    summary.add_argument("--kabupaten", help=KABUPATEN_HELP)  # issue 9: province instance
    summary.set_defaults(handler=cmd_summary)

    tps = commands.add_parser("tps", help="daftar TPS dari KPU")
    tps_commands = tps.add_subparsers(dest="tps_command", required=True)
    tps_import = tps_commands.add_parser("import", parents=[db], help="impor daftar TPS (CSV/XLSX)")
    tps_import.add_argument("file")
    tps_import.add_argument("--kabupaten", help=KABUPATEN_HELP)  # issue 9: province instance
    tps_import.set_defaults(handler=cmd_tps_import)

    roster = commands.add_parser("import", parents=[db], help="impor daftar linmas satu desa")
    roster.add_argument("file")
    roster.add_argument("--desa", required=True, help="kode desa, mis. 17.02.06.2001")
    roster.add_argument("--dry-run", action="store_true", help="periksa saja, jangan simpan")
    roster.add_argument("--json", action="store_true")
    roster.set_defaults(handler=cmd_import)
    _add_backup_commands(commands, db)  # issue 10
    _add_export_command(commands, db)  # issue 7
    _add_account_commands(commands, db)  # issue 8
    _add_regions_command(commands, db)  # issue 9: province instance
    _add_not_submitted_command(commands, db)  # issue 9
    _add_recap_commands(commands, db)  # issue 9: berjenjang roll-up
    _add_readiness_import_commands(commands, db)  # helper E: BPJS/attendance CLI
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse, run, and turn every error into one Indonesian line and an exit code."""
    logging.basicConfig(level=os.environ.get("READINESS_LOG_LEVEL", "WARNING"), force=True)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        use_account(args)  # issue 8: --user NAME
        return args.handler(args)
    except DatabaseFileError as error:  # issue 10: name the newest backup
        from readiness.backup import unreadable_database_message

        text = unreadable_database_message(error.path, load_settings(), error.detail)
        print(f"Galat: {text}", file=sys.stderr)
        return EXIT_ERROR
    except ReadinessError as error:
        print(f"Galat: {error.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception:
        # The traceback is for the operator who asks for it, never for the user's screen.
        if log.isEnabledFor(logging.DEBUG):
            log.exception("unexpected error in %s", args.command)
        print(
            "Galat tak terduga; tidak ada data yang diubah. Jalankan lagi dengan "
            "READINESS_LOG_LEVEL=DEBUG untuk rinciannya, atau hubungi admin.",
            file=sys.stderr,
        )
        return EXIT_ERROR
