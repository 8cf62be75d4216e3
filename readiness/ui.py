"""The only module that imports streamlit: cached store and page data, the error guard, banners."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from readiness import exports, reports
from readiness import formatting as fmt
from readiness.config import Settings, database_path, load_settings
from readiness.errors import ReadinessError
from readiness.scope import Scope
from readiness.storage import WIB, Actor, Store

log = logging.getLogger("readiness.ui")
T = TypeVar("T")

UNEXPECTED = (
    "Terjadi galat tak terduga. Tidak ada data yang disimpan dari tindakan ini. "
    "Coba lagi; bila berulang, hubungi admin kabupaten."
)


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store.open(path, load_settings())


def store() -> Store:
    """The database named by ``READINESS_DB`` (migrated once per process); stops on bad set-up."""
    try:
        return _store(str(database_path()))
    except ReadinessError as error:
        st.error(f"Aplikasi tidak dapat dimulai. {error.message}")
        st.stop()
        raise  # unreachable: st.stop() raises


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
    """Who is using this session (accounts arrive with the login; until then the admin)."""
    actor = st.session_state.get("actor")
    if actor is None:
        actor = Actor("admin", "admin", Scope(settings().kabupaten_code))
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


def page_header(title: str) -> None:
    """Title, the DATA CONTOH banner in demo mode, and the election line."""
    current = settings()
    st.title(title)
    if store().meta("mode") == "demo":
        st.warning(
            "**DATA CONTOH** — semua nama, NIK dan angka di basis data ini adalah rekaan untuk "
            "latihan, bukan data sungguhan.",
            icon=":material/warning:",
        )
    st.caption(
        f"{current.kabupaten_name} · {current.election_name} · pemungutan suara "
        f"{fmt.date(current.voting_date)} ({fmt.days_to_vote(current.voting_date, today())})"
    )


# -- exports (issue 7): the Ekspor page's preview and its deferred downloads ---------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _recap(path: str, version: int, scope_code: str, unmasked: bool) -> exports.Recap:
    del version  # part of the cache key only: every write (each export too) bumps it
    return exports.build_recap(
        _store(path), Scope(scope_code), now=dt.datetime.now(WIB), unmasked=unmasked
    )


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
