"""The only module that imports streamlit: cached store and page data, the error guard, banners."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from readiness import backup, exports, reports
from readiness import formatting as fmt
from readiness.config import Settings, database_path, load_settings
from readiness.db import WIB, Actor, DatabaseFileError, Store
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.scope import Scope
from readiness.store_open import open_store

log = logging.getLogger("readiness.ui")
T = TypeVar("T")

# Characters that mean something in Streamlit's Markdown (CommonMark + GFM, links, math, emoji).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def literal(text: object) -> str:
    """User text to put inside Markdown: every Markdown character escaped, so no image loads,
    no link is live and no emphasis applies; ``://`` is broken so no bare URL is linked.

    >>> "](" in literal("[a](http://b)"), "http://" in literal("http://b")
    (False, False)
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\\://", "\\:\u2060//").replace("www\\.", "www\u2060\\.")


UNEXPECTED = text("page_unexpected")


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    from readiness.demo import with_demo_election
    from readiness.private_files import make_private

    store = open_store(path, load_settings())
    make_private(store.path)  # personal data: owner-only (UU 27/2022)
    return with_demo_election(store)


def store() -> Store:
    """The database named by ``READINESS_DB`` (migrated once per process); stops on bad set-up."""
    try:
        current = _store(str(database_path()))
    except DatabaseFileError as error:  # a damaged file names the newest backup
        reason = backup.unreadable_database_message(error.path, load_settings(), error.detail)
        st.error(text("app_cannot_start", reason=reason))
        st.stop()
        raise  # unreachable: st.stop() raises
    except ReadinessError as error:
        st.error(text("app_cannot_start", reason=error.message))
        st.stop()
        raise  # unreachable: st.stop() raises
    _daily_backup(current)
    return current


def _daily_backup(current: Store) -> None:
    """The day's snapshot ([backup] daily); a failure is logged, never shown."""
    try:
        backup.daily_snapshot(current, dt.datetime.now(WIB).date())
    except Exception:
        log.exception("daily backup failed")


def settings() -> Settings:
    """The settings the store was opened with."""
    return store().settings


@st.cache_data(show_spinner=False, max_entries=64)
def _overview(path: str, version: int, scope_code: str) -> reports.Overview:
    del version  # part of the cache key only: every write bumps it
    return reports.overview(_store(path), Scope(scope_code))


def overview(scope: Scope) -> reports.Overview:
    """Overview figures, recomputed only when the data version changes."""
    current = store()
    return _overview(str(current.path), current.data_version(), scope.code)


def current_actor() -> Actor:
    """Who is logged in to this session; a page reached without a login stops here."""
    actor = st.session_state.get("actor")
    if actor is None:
        st.warning(text("login_first"))
        st.stop()
    return actor


def today() -> dt.date:
    """Today's date in WIB."""
    return dt.datetime.now(WIB).date()


def upload_work(key: str, read: Callable[[], T]) -> T:
    """Read an uploaded file once per (desa, file) and keep it (and its edits) in the session."""
    works = st.session_state.setdefault("upload_work", {})
    if key not in works:
        works.clear()  # one file at a time: drop the previous upload's rows from memory
        works[key] = read()
    return works[key]


def update_upload_work(key: str, raw) -> None:
    """Replace the table of the file being worked on (after in-place corrections)."""
    works = st.session_state.setdefault("upload_work", {})
    works[key] = dataclasses.replace(works[key], raw=raw)
    st.session_state.setdefault("upload_stored", {}).pop(key, None)  # edited: may be saved again


def upload_stored(key: str) -> str | None:
    """The success message if this file (as now edited) was already saved in this session."""
    return st.session_state.setdefault("upload_stored", {}).get(key)


def mark_upload_stored(key: str, message: str) -> None:
    """Remember that this file was saved, so a second click cannot store it twice."""
    st.session_state.setdefault("upload_stored", {})[key] = message


def _batch_live(kind: str, batch_id: int | None) -> bool:
    """Whether an import applied in this session still counts (not undone since)."""
    batches = store().batches(kind)
    live = batches.filter(batches["undone_at"].is_null())["id"].to_list()
    return batch_id in live


def import_file_section(
    key: str,
    upload,
    plan_of: Callable,
    apply: Callable,
    describe: Callable,
    *,
    remember: str = "",
) -> None:
    """A BPJS / attendance file: what it would change, its problems, "Terapkan" to apply.

    ``plan_of(bytes, name)`` makes the plan, ``apply(plan)`` stores it and returns the batch
    number, ``describe(plan)`` is the line above the problems. A file applied in this session
    shows its success again on the next rerun rather than being refused as a repeat import.
    """
    if upload is None:
        return
    from readiness import tables

    data = upload.getvalue()
    stored_key = f"{key}:{remember}:{hashlib.sha256(data).hexdigest()}"
    applied = st.session_state.setdefault("applied_batches", {})
    if (saved := upload_stored(stored_key)) and _batch_live(key, applied.get(stored_key)):
        st.success(saved)
        return
    with guard():  # a refused file still leaves the history and undo below
        plan = plan_of(data, upload.name)
        st.info(describe(plan))
        if plan.problems.height:
            st.dataframe(
                tables.import_problems_table(plan.problems), hide_index=True, key=f"{key}_problems"
            )
        if st.button(
            f"Terapkan {fmt.number(plan.records.height)} baris",
            key=f"{key}_apply",
            type="primary",
            disabled=plan.records.height == 0,
        ):
            batch = apply(plan)
            applied[stored_key] = batch
            mark_upload_stored(
                stored_key, f"Impor nomor {batch} disimpan. Bisa dibatalkan di bawah."
            )
            st.success(upload_stored(stored_key))


def text_columns(frame) -> dict:
    """Every column edited as plain text: the editor must never drop a value it cannot parse."""
    return {c: st.column_config.TextColumn(c) for c in frame.columns if c != "_row"} | {
        "_row": st.column_config.NumberColumn("Baris", disabled=True)
    }


@contextmanager
def guard() -> Iterator[None]:
    """Turn a domain error into its message and anything else into a calm generic one."""
    try:
        yield
    except ReadinessError as error:
        st.error(error.message)
    except Exception:
        log.exception("unexpected error on a page")
        st.error(UNEXPECTED)


@contextmanager
def busy_guard() -> Iterator[None]:
    """While another process holds the database: the Indonesian "sedang dipakai" message in
    place of the page, the session kept (nothing is ended or logged out)."""
    from readiness.errors import DatabaseBusyError

    try:
        yield
    except DatabaseBusyError as error:
        st.error(error.message, icon=":material/hourglass_top:")
        st.stop()


# Streamlit's own English words that no setting translates (file uploader, skip link, "Press
# Enter to submit form", the running indicator) are hidden and Indonesian put in their place
# with CSS: ``visibility: hidden`` keeps them out of sight and out of the page's text, and an
# ``::after`` shows the replacement. The main menu (Rerun, Print, ...) is hidden outright.
_INDONESIAN_CHROME = """<style>
[data-testid="stSkipToContent"] {{ visibility: hidden; }}
[data-testid="stSkipToContent"]::after {{ visibility: visible; content: "Langsung ke isi"; }}
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button {{ visibility: hidden; position: relative; }}
[data-testid="stFileUploaderDropzone"] button::after {{
  visibility: visible; content: "Pilih berkas"; position: absolute; inset: 0;
  display: flex; align-items: center; justify-content: center;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
}}
[data-testid="stFileUploaderDropzone"]::before {{
  content: "CSV atau XLSX, paling besar {megabytes} MB"; font-size: 0.875rem; opacity: 0.7;
}}
[data-testid="InputInstructions"] {{ display: none; }}
[data-testid="stMainMenu"] {{ display: none; }}
[data-testid="stStatusWidget"] {{ visibility: hidden; }}
[data-testid="stStatusWidget"]::after {{
  visibility: visible; content: "Memuat…"; font-size: 0.875rem; opacity: 0.7;
}}
</style>"""


def indonesian_chrome() -> None:
    """Replace or hide the English words of Streamlit's own widgets (see the CSS above)."""
    st.html(_INDONESIAN_CHROME.format(megabytes=fmt.number(settings().max_upload_megabytes)))


def page_header(title: str) -> None:
    """Title, the DATA CONTOH banner in demo mode, and the election line."""
    current = settings()
    st.title(title)
    if store().meta("mode") == "demo":
        st.warning(text("demo_banner"), icon=":material/warning:")
    voting = current.voting_date
    countdown = fmt.days_to_vote(voting, today())
    election = current.election_name
    line = text(
        "page_election_line",
        area=area_name(),
        election=election,
        voting_date=fmt.date(voting),
        countdown=countdown,
    )
    st.caption(line)


# -- every loaded kabupaten of a province instance -------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _area_name(path: str, scope_code: str) -> str:
    # Names come from settings and the province list: they change only with a restart.
    from readiness.kabupaten_regions import area_name as named

    return named(_store(path), Scope(scope_code))


def area_name() -> str:
    """The logged-in user's kabupaten (or province) by its own name; the home one before login."""
    actor = st.session_state.get("actor")
    if actor is None:
        return settings().kabupaten_name
    return _area_name(str(store().path), actor.scope.code)


# -- end of every loaded kabupaten ------------------------------------------------------------------


# -- exports: the Ekspor page's preview and its deferred downloads -------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _recap(path: str, version: int, scope_code: str, unmasked: bool) -> exports.Recap:
    del version  # part of the cache key only: every write (each export too) bumps it
    return exports.build_recap(
        _store(path), Scope(scope_code), now=dt.datetime.now(WIB), unmasked=unmasked
    )


def now() -> dt.datetime:
    """The wall clock in WIB."""
    return dt.datetime.now(WIB)


def export_recap(scope: Scope, *, unmasked: bool = False) -> exports.Recap:
    """The recap the Ekspor page previews, recomputed only when the data version changes."""
    current = store()
    return _recap(str(current.path), current.data_version(), scope.code, unmasked)


def export_download(
    kind: str, scope: Scope, *, unmasked: bool = False, separator: str = ","
) -> Callable[[], bytes]:
    """A download button's deferred data: on click, build the export afresh and audit it."""
    current, actor = store(), current_actor()

    def produce() -> bytes:
        try:
            return exports.export(
                current, actor, kind, scope, unmasked=unmasked, separator=separator
            ).data
        except Exception:
            log.exception("export %s of %s failed", kind, scope.code)
            raise

    return produce


# -- accounts and sessions: login gate, roles, timeout, logout -----------------------------------
# Tests log in by putting an Actor in session state: see ``login_as`` and tests/conftest.py.


def login_as(
    actor: Actor, *, full_name: str | None = None, must_change: bool = False, remember: bool = True
) -> None:
    """Start this session as ``actor`` (after a checked login, or in a test).

    ``remember``: open a server-side session and give the browser its token in a cookie, so
    the login survives a reload or a closed tab (tests that only set session state skip it).
    """
    import time

    from readiness import login_sessions

    st.session_state["actor"] = actor
    st.session_state["full_name"] = full_name
    st.session_state["must_change_password"] = must_change
    st.session_state["last_seen"] = time.time()
    if remember:
        token = login_sessions.start(store(), actor)
        st.session_state["session_token"] = token
        st.session_state["cookie_pending"] = token


def renew_session() -> None:
    """A new server session for the logged-in actor (after its own password change: the old
    session's credential no longer matches and would end at the next action)."""
    actor = st.session_state.get("actor")
    old = st.session_state.get("session_token")
    if actor is None or old is None:
        return
    from readiness import login_sessions

    store().end_session(login_sessions.token_hash(old), "renewed")
    token = login_sessions.start(store(), actor)
    st.session_state["session_token"] = token
    st.session_state["cookie_pending"] = token


def _cookie_script(token: str | None) -> str:
    """JavaScript that stores (or, for None, deletes) the session cookie in this browser.

    SameSite=Strict: no other site's page can send it; Secure whenever the page came over
    HTTPS. Not HttpOnly: Streamlit answers over a websocket and cannot set response headers,
    so the page's own script sets it (docs/privacy.md says what limits that risk).
    """
    from readiness import login_sessions

    value, age = (token, login_sessions.COOKIE_MAX_AGE_SECONDS) if token else ("", 0)
    return (
        "<script>document.cookie = "
        f'"{login_sessions.COOKIE_NAME}={value}; Path=/; Max-Age={age}; SameSite=Strict"'
        ' + (location.protocol === "https:" ? "; Secure" : "");</script>'
    )


def _flush_cookie() -> None:
    """Write or delete the browser's session cookie when a login or logout asked for it."""
    if "cookie_pending" not in st.session_state:
        return
    token = st.session_state.pop("cookie_pending")
    st.html(_cookie_script(token), unsafe_allow_javascript=True)


def _cookie_token() -> str | None:
    """The session token the browser sent when this tab connected, unless already ended."""
    from readiness import login_sessions

    try:
        token = st.context.cookies.get(login_sessions.COOKIE_NAME)
    except Exception:  # no browser behind this run (AppTest, bare script run)
        return None
    if not token or token in st.session_state.get("ended_tokens", ()):
        return None
    return token


_SESSION_KEYS = ("actor", "full_name", "must_change_password", "last_seen", "session_token")
_END_NOTICES = {
    "timeout": "session_timeout",
    "revoked": "session_revoked",
    "password_changed": "session_password_changed",
    "logout": "session_logged_out",
}


def _forget_session(reason: str | None) -> None:
    """Clear this tab's login (the server side is already ended) and ask to delete the cookie."""
    token = st.session_state.get("session_token") or _cookie_token()
    if token:
        st.session_state.setdefault("ended_tokens", set()).add(token)
        st.session_state["cookie_pending"] = None
    for key in _SESSION_KEYS:
        st.session_state.pop(key, None)
    if reason in _END_NOTICES:
        minutes = settings().session_timeout_minutes
        st.session_state["auth_notice"] = text(_END_NOTICES[reason], minutes=minutes)


def _end_session(reason: str) -> None:
    from readiness import auth, login_sessions

    actor = st.session_state.get("actor")
    token = st.session_state.get("session_token")
    if actor is not None and token is not None:
        login_sessions.end(store(), token, actor, reason)
    elif actor is not None:
        auth.logout(store(), actor, reason=reason)
    _forget_session(reason)


def session_actor() -> Actor | None:
    """The logged-in actor after the server-side session checks; None means log in.

    A tab without a login picks up the session its browser's cookie names. A session ends at
    the next run after the idle timeout, the account being disabled or changed, or its
    password being changed (``readiness.login_sessions``).
    """
    import time

    from readiness import auth, login_sessions

    try:
        actor = st.session_state.get("actor")
        token = st.session_state.get("session_token")
        minutes = settings().session_timeout_minutes
        if actor is None or token is not None:
            token = token or _cookie_token()
            if token is None:
                return None
            resumed = login_sessions.resume(store(), token, now(), minutes)
            if resumed.actor is None or (actor is not None and resumed.actor != actor):
                if resumed.actor is not None:  # role or region changed: end it too
                    login_sessions.end(store(), token, resumed.actor, "revoked")
                _forget_session(resumed.reason or ("revoked" if actor is not None else None))
                return None
            if actor is None:
                st.session_state["actor"] = resumed.actor
                st.session_state["full_name"] = resumed.full_name
                st.session_state["must_change_password"] = resumed.must_change_password
                st.session_state["session_token"] = token
            return resumed.actor
        # A login without a server session (tests set the actor directly): checked in memory.
        moment = time.time()
        last_seen = st.session_state.get("last_seen")
        if last_seen is not None and moment - last_seen > minutes * 60:
            _end_session("timeout")
            return None
        if not auth.session_still_valid(store(), actor):
            _end_session("revoked")
            return None
        st.session_state["last_seen"] = moment
        return actor
    finally:
        _flush_cookie()


def must_change_password() -> bool:
    """True while a one-time password still has to be replaced."""
    return bool(st.session_state.get("must_change_password"))


def pop_auth_notice() -> str | None:
    """A message for the login page (session ended, password changed), shown once."""
    return st.session_state.pop("auth_notice", None)


def logout() -> None:
    """End the session (and the identity provider's, in OIDC mode) and show the login page."""
    _end_session("logout")
    if settings().auth_mode == "oidc" and getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()


def account_sidebar(actor: Actor) -> None:
    """Who is logged in, with which role and region, and the logout button."""
    from readiness import auth

    region = store().region_name(actor.scope.code) or actor.scope.code
    name = st.session_state.get("full_name") or actor.username
    st.sidebar.caption(
        f"**{literal(name)}** · {auth.ROLE_LABELS.get(actor.role, actor.role)} · {literal(region)}"
    )
    if st.sidebar.button("Keluar", key="logout", icon=":material/logout:"):
        logout()


def require_role(*roles: str) -> Actor:
    """The logged-in actor if its role is one of ``roles``; otherwise refuse and stop the page."""
    from readiness import auth

    actor = current_actor()
    if actor.role not in roles:
        allowed = ", ".join(auth.ROLE_LABELS.get(r, r) for r in roles)
        st.error(text("page_not_for_role", roles=allowed))
        st.stop()
    return actor


def needs_first_admin() -> bool:
    """A new, empty database outside demo mode asks for its admin account first."""
    return store().count("users") == 0 and store().meta("mode") != "demo"


# -- readiness -------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def _readiness(path: str, version: int, scope_code: str, today_iso: str) -> reports.Readiness:
    del version  # part of the cache key only: every write bumps it
    return reports.readiness(_store(path), Scope(scope_code), dt.date.fromisoformat(today_iso))


def readiness(scope: Scope) -> reports.Readiness:
    """Readiness figures (and yesterday's), recomputed only when the data or the day changes."""
    current = store()
    return _readiness(str(current.path), current.data_version(), scope.code, today().isoformat())


@st.cache_data(show_spinner=False, max_entries=16)
def _readiness_people(path: str, version: int, scope_code: str) -> reports.People:
    del version  # part of the cache key only: every write bumps it
    return reports.readiness_people(_store(path), Scope(scope_code))


def readiness_people(scope: Scope) -> reports.People:
    """Officer and TPS rows of the scope (drill-down, action lists), cached like the figures."""
    current = store()
    return _readiness_people(str(current.path), current.data_version(), scope.code)


@st.cache_data(show_spinner=False, max_entries=32)
def _plan_status(path: str, version: int, scope_code: str, today_iso: str):
    from readiness import plan_progress

    return plan_progress.plan_status(_store(path), _readiness(path, version, scope_code, today_iso))


def plan_status(scope: Scope):
    """The H-n plan against today's readiness of the scope, cached like the figures."""
    current = store()
    return _plan_status(str(current.path), current.data_version(), scope.code, today().isoformat())


# -- import history with undo (BPJS and attendance pages share it) ---------------------------------


def batch_history(kind: str, key: str, *, can_undo: bool) -> None:
    """The imports of one kind, newest first, and "Batalkan impor" for those allowed to undo."""
    from readiness import readiness_imports as imports
    from readiness import tables

    current = store()
    batches = current.batches(kind, current_actor().scope)  # a kecamatan sees its own imports
    st.dataframe(tables.batches_table(batches), hide_index=True, key=f"{key}_batches")
    if not can_undo:
        return
    live = tables.undoable(batches)
    chosen = st.selectbox(
        "Impor yang akan dibatalkan", list(live), format_func=live.get, key=f"{key}_undo_batch"
    )
    if st.button("Batalkan impor", key=f"{key}_undo", disabled=chosen is None):
        imports.undo(current, current_actor(), chosen)
        st.success(text("import_undone", batch=chosen))


def rawan_level_form(store: Store, actor: Actor, coverage, desa_code: str | None = None) -> None:
    """The admin's editor of one TPS's rawan level, source and reason (a history row each save).

    ``coverage``: :func:`readiness.rawan_admin.rawan_coverage`; without ``desa_code`` the form
    first asks for the kecamatan and desa.
    """
    import polars as pl

    from readiness import rawan_admin

    with st.expander("Ubah tingkat kerawanan satu TPS"):
        if desa_code is None:
            kec = dict(
                coverage.select("kecamatan_code", "kecamatan_name")
                .unique()
                .sort("kecamatan_code")
                .iter_rows()
            )
            kec_code = st.selectbox(
                "Kecamatan", list(kec), format_func=kec.get, key="rawan_edit_kecamatan"
            )
            in_kec = coverage.filter(pl.col("kecamatan_code") == (kec_code or ""))
            desa = dict(
                in_kec.select("desa_code", "desa_name").unique().sort("desa_code").iter_rows()
            )
            desa_code = st.selectbox(
                "Desa/kelurahan", list(desa), format_func=desa.get, key="rawan_edit_desa"
            )
        labels = rawan_admin.level_labels(store)
        rows = coverage.filter(pl.col("desa_code") == (desa_code or "")).sort("tps_number")
        tps = {
            r["tps_number"]: f"TPS {r['tps_number']}"
            + (f" · {labels.get(r['level'], r['level'])}" if r["level"] else "")
            for r in rows.iter_rows(named=True)
        }
        number = st.selectbox("TPS", list(tps), format_func=tps.get, key="rawan_tps")
        choices = {"": "Tidak rawan", **labels}
        level = st.selectbox("Tingkat", list(choices), format_func=choices.get, key="rawan_level")
        source = st.selectbox("Sumber", list(store.settings.rawan_sources), key="rawan_source")
        reason = st.text_input("Alasan (mis. pemetaan Bawaslu)", key="rawan_reason")
        if st.button("Simpan tingkat kerawanan", key="rawan_save") and number is not None:
            with guard():
                rawan_admin.set_rawan_level(
                    store, actor, desa_code, number, level=level or None, source=source,
                    reason=reason,
                )  # fmt: skip
                key = "rawan_level_saved" if level else "rawan_level_cleared"
                name = dict(rows.select("desa_code", "desa_name").iter_rows()).get(desa_code, "")
                st.success(text(key, tps=number, desa=name, level=choices[level], source=source))
