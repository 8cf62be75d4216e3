"""Attacks an adversarial review tried: login floods, weak passwords, telling failures apart,
formulas in downloads, Markdown in user text, hostile CLI input and restore files."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
import pytest

from readiness import auth
from readiness.errors import ReadinessError
from readiness.storage import Actor, now_wib

PASSWORD = "kuda-lari-pagi-7"


@pytest.fixture
def admin(store) -> Actor:
    return auth.create_first_admin(store, "admin", PASSWORD, "Admin Kabupaten")


def audit_rows(store) -> int:
    return store.read("SELECT count(*) AS n FROM audit_log")["n"][0]


# -- login flood ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["x" * 4_000_000, "a" * 101, "admin' OR 1=1 --", "=HYPERLINK(\"http://x\")", "nama pengguna"],
)
def test_overlong_or_illegal_login_name_is_refused_without_any_write(store, admin, typed):
    before, size = audit_rows(store), store.path.stat().st_size
    with pytest.raises(ReadinessError) as error:
        auth.login(store, typed, "apa-saja-123")
    assert error.value.code == "login_input_invalid"
    assert "Nama pengguna tidak sah" in error.value.message
    assert audit_rows(store) == before
    assert store.path.stat().st_size == size


def test_overlong_password_is_refused_without_any_write(store, admin):
    before = audit_rows(store)
    with pytest.raises(ReadinessError) as error:
        auth.login(store, "admin", "p" * 100_000)
    assert error.value.code == "login_input_invalid"
    assert audit_rows(store) == before


def test_unknown_name_flood_writes_one_row_a_minute_without_the_typed_name(store, admin):
    start = now_wib().replace(second=0, microsecond=0)
    for i in range(30):
        with pytest.raises(ReadinessError):
            auth.login(store, f"penyerang.{i:03d}", "salah-sandi-123", now=start)
    with pytest.raises(ReadinessError):
        auth.login(store, "penyerang.x", "salah-sandi-123", now=start + dt.timedelta(minutes=1))
    rows = store.audit_entries(admin, action="auth.login_failed")
    assert rows.height == 2
    assert not rows["detail"].str.contains("penyerang").any()
    assert not rows["target"].str.contains("penyerang").any()
    assert sorted(rows["detail"].str.json_path_match("$.count").cast(int)) == [1, 30]


def test_audit_page_shows_pages_and_cuts_long_fields(store, admin):
    store.record_event(admin, "auth.login_failed", "t" * 5000, note="d" * 5000)
    for i in range(auth.AUDIT_PAGE_SIZE + 5):
        store.record_event(admin, "meta.set", f"kunci.{i}")
    entries = store.audit_entries(admin, limit=2 * auth.AUDIT_PAGE_SIZE + 1)
    first = auth.audit_table(auth.audit_page(entries, 1))
    second = auth.audit_table(auth.audit_page(entries, 2))
    assert first.height == auth.AUDIT_PAGE_SIZE
    assert first["Sasaran"][0] == f"kunci.{auth.AUDIT_PAGE_SIZE + 4}"
    long = second.filter(pl.col("Kode") == "auth.login_failed")
    assert long["Sasaran"][0] == "t" * auth.AUDIT_FIELD_MAX + "…"
    assert long["Rincian"].str.len_chars()[0] == auth.AUDIT_FIELD_MAX + 1


def test_audit_page_renders_the_first_page_only(env_db, store, admin, app_as):
    for i in range(auth.AUDIT_PAGE_SIZE + 10):
        store.record_event(admin, "meta.set", "x" * 3000 + str(i))
    at = app_as().run()
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == auth.AUDIT_PAGE_SIZE
    assert shown["Sasaran"].str.len().max() == auth.AUDIT_FIELD_MAX + 1
    assert any("ada halaman berikutnya" in c.value for c in at.caption)


# -- one answer for every failure, in similar time ------------------------------------------------


def _failure(store, name, password):
    start = time.perf_counter()
    with pytest.raises(ReadinessError) as error:
        auth.login(store, name, password)
    return error.value, time.perf_counter() - start


def test_every_login_failure_gets_the_same_answer(store, admin, settings):
    disabled = auth.add_user(store, admin, "desa.17.02.06.1004", "operator_desa", "17.02.06.1004")
    auth.set_disabled(store, admin, "desa.17.02.06.1004", disabled=True)
    locked = auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    for _ in range(settings.login_max_attempts):
        _failure(store, "kec.17.02.06", "salah-sandi-123")
    answers = {
        "unknown": _failure(store, "tidak.ada", "salah-sandi-123")[0],
        "wrong": _failure(store, "admin", "salah-sandi-123")[0],
        "disabled, right password": _failure(store, "desa.17.02.06.1004", disabled)[0],
        "locked, right password": _failure(store, "kec.17.02.06", locked)[0],
    }
    assert {(e.code, e.message) for e in answers.values()} == {
        (answers["wrong"].code, answers["wrong"].message)
    }
    assert answers["wrong"].code == "login_failed"


def test_every_login_failure_runs_one_password_verification(store, admin, settings, monkeypatch):
    auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    for _ in range(settings.login_max_attempts):
        _failure(store, "kec.17.02.06", "salah-sandi-123")
    auth.add_user(store, admin, "desa.17.02.06.1004", "operator_desa", "17.02.06.1004")
    auth.set_disabled(store, admin, "desa.17.02.06.1004", disabled=True)
    calls = []
    real = auth.HASHER.verify
    monkeypatch.setattr(auth.HASHER, "verify", lambda h, p: calls.append(1) or real(h, p))
    for name in ("tidak.ada", "admin", "kec.17.02.06", "desa.17.02.06.1004"):
        calls.clear()
        _failure(store, name, "salah-sandi-123")
        assert len(calls) == 1, name


# -- passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["1234567890", "0987654321", "abcdef123456", "qwertyuiop", "linmas2024!", "Bismillah123",
     "abcabcabcabc", "admin-kuat-sekali", "password123"],
)  # fmt: skip
def test_common_sequential_and_username_passwords_are_refused(store, password):
    with pytest.raises(ReadinessError) as error:
        auth.create_first_admin(store, "admin", password)
    assert error.value.code == "password_weak"
    assert "Pilih tiga kata" in error.value.message
    assert store.count("users") == 0


@pytest.mark.parametrize("password", ["kopi-hujan-sepeda", "k7mq-x2ad-9fpe", PASSWORD])
def test_good_passwords_are_accepted(store, password):
    auth.create_first_admin(store, "admin", password)
    assert store.count("users") == 1


def test_one_time_passwords_always_pass_the_check():
    for _ in range(500):
        assert auth.weakness("desa.17.02.06.2001", auth.one_time_password()) is None
