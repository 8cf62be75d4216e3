"""Account commands: user add/reset/disable/enable/list/bulk-create, forget-nik."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from readiness.cli_common import EXIT_OK, KABUPATEN_HELP, cli_actor, open_store, print_json
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.private_files import write_private

# -- accounts and personal data ------------------------------------------------------------------


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
    print(text("account_created", name=name), text("one_time_password", name=name, secret=secret))
    print(text("one_time_password_hand_over"))
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    """A new one-time password for an account (also lifts a lockout)."""
    from readiness import auth

    secret = auth.reset_password(open_store(args), cli_actor(), args.username)
    print(text("one_time_password", name=args.username, secret=secret))
    print(text("one_time_password_hand_over"))
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    """Disable an account (``enable`` turns it on again)."""
    from readiness import auth

    disabled = args.user_command == "disable"
    auth.set_disabled(open_store(args), cli_actor(), args.username, disabled=disabled)
    print(text("account_disabled" if disabled else "account_enabled", name=args.username))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    """Every account (never a password hash)."""
    from readiness import auth

    users = auth.list_users(open_store(args), cli_actor())
    if args.json:
        print_json(users.to_dicts())
        return EXIT_OK
    for row in auth.users_table(users).iter_rows():
        print(" · ".join(str(v) for v in row if v is not None))
    return EXIT_OK


def cmd_user_bulk(args: argparse.Namespace) -> int:
    """Create every missing kecamatan and desa account; write their one-time passwords as XLSX."""
    from readiness import auth

    out = Path(args.out)
    if out.exists():
        msg = text("output_exists", path=out)
        raise ReadinessError(msg, code="output_exists")
    store = open_store(args)

    def deliver(created):
        """The passwords file first (temp name, then rename): accounts only once it exists."""
        partial = out.with_name(f".{out.name}.sebagian")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_private(partial, auth.credentials_xlsx(created, title="Akun operator"))
            partial.replace(out)
        except OSError as error:
            with contextlib.suppress(OSError):  # its folder may not even exist
                partial.unlink(missing_ok=True)
            msg = text("credentials_unwritable", path=out, reason=error.strerror or error)
            raise ReadinessError(msg, code="credentials_unwritable") from None
        return lambda: out.unlink(missing_ok=True)

    kabupaten = getattr(args, "kabupaten", None)
    if getattr(args, "contacts", None):  # operators' phones from a file, checked first
        from readiness import account_contacts
        from readiness.cli_common import read_input_file

        data = read_input_file(Path(args.contacts))
        created, parsed = account_contacts.bulk_create_with_contacts(
            store, cli_actor(), data, Path(args.contacts).name, kabupaten, deliver=deliver
        )
        for warning in parsed.findings["message"].to_list():
            print(text("contacts_warnings", warnings=warning))
        print(account_contacts.applied_note(store, created, parsed))
    else:
        created = auth.bulk_create_operators(store, cli_actor(), kabupaten, deliver=deliver)
    if not created.height:
        print(text("accounts_none_missing"))
        return EXIT_OK
    print(text("accounts_written", count=created.height, path=out))
    print(text("accounts_hand_over"))
    return EXIT_OK


def cmd_forget_nik(args: argparse.Namespace) -> int:
    """Delete one person's NIK everywhere on their request (UU 27/2022); logged, masked."""
    from readiness import forgetting, privacy

    nik = args.nik.strip()
    if not (len(nik) == 16 and nik.isdigit()):
        msg = text("forget_nik_invalid", value=nik)
        raise ReadinessError(msg, code="nik_invalid")
    if not args.yes:
        msg = text("forget_confirmation_needed")
        raise ReadinessError(msg, code="confirmation_needed")
    store = open_store(args)
    counts = forgetting.forget_nik(store, cli_actor(), nik)
    if args.json:
        print_json(counts)
    else:
        print(
            text(
                "nik_forgotten",
                nik=privacy.mask_nik(nik),
                officers=counts["officers"],
                bpjs=counts["bpjs_records"],
                attendance=counts["attendance"],
                findings=counts["findings"],
                audit=counts["audit_log"],
            )
        )
    return EXIT_OK


def add_account_commands(commands, db: argparse.ArgumentParser) -> None:
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
    for name, label in (("disable", "nonaktifkan akun"), ("enable", "aktifkan lagi")):
        sub = user_commands.add_parser(name, parents=[db], help=label)
        sub.add_argument("username")
        sub.set_defaults(handler=cmd_user_disable)
    listing = user_commands.add_parser("list", parents=[db], help="daftar akun")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_user_list)
    bulk = user_commands.add_parser(
        "bulk-create", parents=[db], help="akun semua kecamatan dan desa + XLSX kata sandi"
    )
    bulk.add_argument("--out", required=True, help="berkas XLSX tujuan, mis. akun.xlsx")
    bulk.add_argument("--kabupaten", help=KABUPATEN_HELP)  # province instance
    bulk.add_argument("--contacts", help="berkas kontak operator (CSV/XLSX: wilayah, nama, no_hp)")
    bulk.set_defaults(handler=cmd_user_bulk)
    forget = commands.add_parser(
        "forget-nik", parents=[db], help="hapus data satu orang (NIK) atas permintaannya"
    )
    forget.add_argument("nik")
    forget.add_argument("--yes", action="store_true", help="ya, hapus (tidak bisa dibatalkan)")
    forget.add_argument("--json", action="store_true")
    forget.set_defaults(handler=cmd_forget_nik)


# -- end of accounts and personal data -----------------------------------------------------------
