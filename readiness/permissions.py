"""Who may write what: the checks the domain layer makes before it calls the store.

The role table lives in ``readiness.auth`` (``require``); this module adds the region checks.
Every entry point that writes (a page action, a CLI command, an importer) calls these first;
the store itself trusts its caller.
"""

from __future__ import annotations

from collections.abc import Iterable

from readiness import messages
from readiness.auth import require
from readiness.errors import AccessDenied
from readiness.scope import Actor

__all__ = ["check_permission", "check_scope", "check_scopes", "check_whole_country"]


def check_permission(actor: Actor, permission: str) -> None:
    """Refuse an actor whose role lacks ``permission`` (the table lives in readiness.auth)."""
    require(actor, permission)


def check_scope(actor: Actor, region_code: str) -> None:
    """Refuse an actor whose region does not cover ``region_code``."""
    if not actor.scope.covers(region_code):
        text = messages.render("access_scope", username=actor.username, region=region_code)
        raise AccessDenied(text)


def check_scopes(actor: Actor, region_codes: Iterable[str]) -> None:
    """``check_scope`` for each code (e.g. every desa of a TPS list)."""
    for code in region_codes:
        check_scope(actor, code)


def check_whole_country(actor: Actor) -> None:
    """Refuse every account but a whole-country one (bulk loads replace many kabupaten)."""
    if actor.scope.code:
        raise AccessDenied(messages.render("bulk_load_denied", username=actor.username))
