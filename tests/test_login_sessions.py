"""Sessions kept across reloads: the stored hash, the expiry rules, and the login gate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from readiness import auth, login_sessions
from readiness.db import Actor, now_wib
from readiness.scope import Scope

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PASSWORD = "kata-sandi-panjang-1"
AUDITOR = Actor("t", "admin", Scope(""))


def _desa_account(store):
    admin = auth.create_first_admin(store, "admin", PASSWORD)
    secret = auth.add_user(store, admin, "desa.17.02.06.1004", "operator_desa", "17.02.06.1004")
    actor = auth.login(store, "desa.17.02.06.1004", secret).actor
    auth.change_password(store, actor, secret, PASSWORD)
    return admin, actor, PASSWORD


def test_only_the_tokens_hash_is_stored(store):
    _, actor, _ = _desa_account(store)
    token = login_sessions.start(store, actor)
    stored = store.read("SELECT token_hash, username FROM sessions")
    assert stored.rows() == [(login_sessions.token_hash(token), "desa.17.02.06.1004")]
    assert token not in str(store.read("SELECT * FROM sessions").rows())
    resumed = login_sessions.resume(store, token, now_wib(), 30)
    assert resumed.actor == actor
    assert resumed.reason is None


def test_unknown_or_malformed_tokens_open_nothing(store):
    _, actor, _ = _desa_account(store)
    login_sessions.start(store, actor)
    for token in (None, "", "x" * 43, "a;b", "ä" * 43, 12):
        assert login_sessions.resume(store, token, now_wib(), 30) == login_sessions.Resumed(None)


def test_idle_session_ends_after_the_timeout(store):
    _, actor, _ = _desa_account(store)
    token = login_sessions.start(store, actor)
    later = now_wib() + dt.timedelta(minutes=29)
    assert login_sessions.resume(store, token, later, 30).actor == actor  # use moves the clock
    assert login_sessions.resume(store, token, later + dt.timedelta(minutes=29), 30).actor
    ended = login_sessions.resume(store, token, later + dt.timedelta(minutes=60), 30)
    assert ended == login_sessions.Resumed(None, reason="timeout")
    assert login_sessions.resume(store, token, later, 30) == login_sessions.Resumed(None)
    assert store.open_sessions(actor.username) == 0
    assert store.audit_entries(AUDITOR, action="auth.timeout").height == 1


def test_disabled_account_session_ends_at_next_check(store):
    admin, actor, _ = _desa_account(store)
    token = login_sessions.start(store, actor)
    auth.set_disabled(store, admin, actor.username, disabled=True)
    assert login_sessions.resume(store, token, now_wib(), 30).reason == "revoked"
    auth.set_disabled(store, admin, actor.username, disabled=False)
    assert login_sessions.resume(store, token, now_wib(), 30).actor is None  # stays ended


def test_password_change_ends_older_sessions(store):
    admin, actor, _ = _desa_account(store)
    phone, laptop = login_sessions.start(store, actor), login_sessions.start(store, actor)
    auth.reset_password(store, admin, actor.username)
    assert login_sessions.resume(store, phone, now_wib(), 30).reason == "password_changed"
    assert login_sessions.resume(store, laptop, now_wib(), 30).reason == "password_changed"
    fresh = login_sessions.start(store, actor)
    assert login_sessions.resume(store, fresh, now_wib(), 30).actor == actor


def test_a_new_tab_with_the_cookies_token_is_logged_in_until_logout(env_db, store):
    from streamlit.testing.v1 import AppTest

    _, actor, _ = _desa_account(store)
    token = login_sessions.start(store, actor)  # what the login form does, then the cookie
    # A reload is a new tab that only has the cookie: here its token.
    reload = AppTest.from_file(DASHBOARD, default_timeout=60)
    reload.session_state["session_token"] = token
    reload.run()
    assert not reload.exception
    assert reload.session_state["actor"] == actor
    assert [t.value for t in reload.title] != ["Masuk"]
    # Logout ends it on the server: the cookie's token no longer opens anything.
    login_sessions.end(store, token, actor, "logout")
    assert store.open_sessions(actor.username) == 0
    again = AppTest.from_file(DASHBOARD, default_timeout=60)
    again.session_state["session_token"] = token
    again.run()
    assert [t.value for t in again.title] == ["Masuk"]
    assert store.audit_entries(AUDITOR, action="auth.logout").height == 1


def test_open_session_of_a_disabled_account_ends_at_its_next_action(env_db, store):
    from streamlit.testing.v1 import AppTest

    admin, actor, _ = _desa_account(store)
    token = login_sessions.start(store, actor)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["session_token"] = token
    at.run()
    assert at.session_state["actor"] == actor
    auth.set_disabled(store, admin, actor.username, disabled=True)
    # The tab's next action (AppTest reruns only the page, so a new run of the entry script
    # with the same session state stands for it).
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["session_token"] = token
    at.run()
    assert [t.value for t in at.title] == ["Masuk"]
    assert "dinonaktifkan" in at.info[0].value
    assert "actor" not in at.session_state
