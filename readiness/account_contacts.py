"""Operators' phone numbers from a contacts file when their accounts are created in bulk.

The file is checked like a roster's phones (``contacts.read_contacts_file``); one error row
refuses the whole file and no account is created, so reminders reach someone from day one.
"""

from __future__ import annotations

import polars as pl

from readiness import auth, contacts
from readiness.db import Actor, Store
from readiness.errors import ReadinessError
from readiness.kabupaten_regions import check_kabupaten, default_kabupaten
from readiness.messages_plan import text
from readiness.permissions import check_permission
from readiness.scope import Scope

_SHOWN_PROBLEMS = 5


def read_operator_contacts(
    store: Store, actor: Actor, data: bytes, file_name: str, kabupaten_code: str | None = None
) -> contacts.ContactsParse:
    """The contacts file checked against the kabupaten's regions; refused whole on an error."""
    check_permission(actor, "manage_users")
    code = kabupaten_code or default_kabupaten(store.settings, actor.scope)
    code, name = check_kabupaten(store, code)
    parsed = contacts.read_contacts_file(
        data,
        file_name,
        villages=store.villages(Scope(code)),
        kabupaten_code=code,
        kabupaten_name=name,
        max_bytes=store.settings.max_upload_bytes,
    )
    errors = parsed.findings.filter(pl.col("severity") == "error")
    if errors.height:
        shown = " ".join(errors["message"].head(_SHOWN_PROBLEMS).to_list())
        more = errors.height - min(errors.height, _SHOWN_PROBLEMS)
        msg = text(
            "contacts_refused",
            file=file_name,
            count=errors.height,
            problems=shown,
            more=text("contacts_more", count=more) if more else "",
        )
        raise ReadinessError(msg, code="contacts_refused")
    return parsed


def bulk_create_with_contacts(
    store: Store,
    actor: Actor,
    data: bytes,
    file_name: str,
    kabupaten_code: str | None = None,
    *,
    deliver=None,
) -> tuple[pl.DataFrame, contacts.ContactsParse]:
    """Every missing operator account, each with its region's name and phone from the file.

    Returns the accounts created (``auth.bulk_create_operators``, plus phone) and the parse
    (its warnings: contacts without a phone, repeated rows). ``deliver``: as in
    ``auth.bulk_create_operators`` (the passwords file first, accounts only once it exists).
    """
    parsed = read_operator_contacts(store, actor, data, file_name, kabupaten_code)
    created = auth.bulk_create_operators(
        store, actor, kabupaten_code, contacts=parsed.contacts, deliver=deliver
    )
    return created, parsed


def unreachable_count(store: Store, scope: Scope) -> int:
    """How many villages of ``scope`` no enabled account with a phone number reaches."""
    phones = store.operator_contacts(scope).select(
        pl.col("desa_code").alias("region_code"), pl.col("contact_phone").alias("no_hp")
    )
    return contacts.unreachable_villages(store.villages(scope), phones).height


def applied_note(store: Store, created: pl.DataFrame, parsed: contacts.ContactsParse) -> str:
    """One line after a bulk creation: new accounts with a phone, villages still unreachable."""
    with_phone = parsed.contacts.filter(pl.col("no_hp").is_not_null())["region_code"]
    phones = created.filter(pl.col("region_code").is_in(with_phone.implode())).height
    scope = Scope(store.settings.kabupaten_code)
    return text("contacts_applied", phones=phones, without=unreachable_count(store, scope))
