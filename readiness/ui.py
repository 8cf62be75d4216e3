"""The only module that imports streamlit: cached store and page data, the error guard, banners."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from readiness import formatting as fmt
from readiness import reports
from readiness.config import Settings, database_path, load_settings
from readiness.errors import ReadinessError
from readiness.scope import Scope
from readiness.storage import WIB, Actor, Store

log = logging.getLogger("readiness.ui")

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
