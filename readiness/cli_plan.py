"""The H-n plan on the command line: ``plan show [--json]``, ``plan set MILESTONE --day H-N``."""

from __future__ import annotations

import argparse
import datetime as dt

from readiness.cli_common import EXIT_OK, cli_actor, cli_scope, open_store, print_json
from readiness.db import WIB
from readiness.errors import ReadinessError
from readiness.messages import text


def _status(store):
    from readiness import plan_progress, reports

    today = dt.datetime.now(WIB).date()
    view = reports.readiness(store, cli_scope(store, None), today)
    return plan_progress.plan_status(store, view), plan_progress.plan_table(store, today)


def cmd_plan_show(args: argparse.Namespace) -> int:
    """The milestones (settings + the admin's changes), their dates and who is on time."""
    from readiness import formatting as fmt
    from readiness import plan_progress
    from readiness.messages_plan import MEASURE_LABELS

    store = open_store(args)
    status, table = _status(store)
    data = plan_progress.plan_json(status, table)
    if args.json:
        print_json(data)
        return EXIT_OK
    print(status.headline)
    total = fmt.number(status.kecamatan["kecamatan_code"].n_unique())
    for row, item in zip(table.iter_rows(named=True), data["milestones"], strict=True):
        print(
            text(
                "plan_show_line",
                h=row["h"],
                due=row["due_text"],
                label=row["label"],
                target=fmt.percent(row["target"], digits=0),
                measure=MEASURE_LABELS[row["measure"]],
                done=fmt.number(item["done_kecamatan"]),
                total=total,
                late=fmt.number(item["late_kecamatan"]),
                changed=text("plan_show_changed") if row["changed"] else "",
            )
        )
    return EXIT_OK


def cmd_plan_set(args: argparse.Namespace) -> int:
    """Move one milestone or change its target; stored in the database and audited."""
    from readiness import formatting as fmt
    from readiness import plan, plan_progress

    if args.day is None and args.target is None:
        msg = text("plan_nothing_to_change")
        raise ReadinessError(msg, code="plan_nothing_to_change")
    store = open_store(args)
    changed = plan_progress.set_milestone(
        store, cli_actor(), args.milestone, day=args.day, target=args.target
    )
    due = plan.due_date(store.settings.voting_date, changed)
    print(
        text(
            "plan_saved",
            label=changed.label,
            h=plan.h_label(changed.day),
            due=fmt.date(due),
            target=fmt.percent(changed.target, digits=0),
        )
    )
    return EXIT_OK


def add_plan_commands(commands, db: argparse.ArgumentParser) -> None:
    """``plan show`` and ``plan set`` under the one ``plan`` command."""
    group = commands.add_parser("plan", help="rencana H-n menuju hari pemungutan suara")
    sub = group.add_subparsers(dest="plan_command", required=True)
    show = sub.add_parser("show", parents=[db], help="milestone, tanggal dan kecamatan tepat waktu")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_plan_show)
    change = sub.add_parser("set", parents=[db], help="ubah hari atau target satu milestone")
    change.add_argument("milestone", help="kode milestone, mis. daftar, bpjs, bimtek")
    change.add_argument("--day", help="hari sebelum pemungutan suara, mis. H-21")
    change.add_argument("--target", help="persen kebutuhan, mis. 100")
    change.set_defaults(handler=cmd_plan_set)
