"""Accounts: argon2 hashing, first admin, login, lockout, password change, bulk creation."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import DASHBOARD

from readiness import auth, cli
from readiness.db import Actor, now_wib
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope

PASSWORD = "kuda-lari-pagi-7"


@pytest.fixture
def admin(store) -> Actor:
    return auth.create_first_admin(store, "admin", PASSWORD, "Admin Kabupaten")


def test_argon2_hash_verifies_only_the_right_password():
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert auth.verify_password(hashed, PASSWORD)
    assert not auth.verify_password(hashed, PASSWORD + "x")
    assert not auth.verify_password("not-a-hash", PASSWORD)
    assert not auth.verify_password(None, PASSWORD)
    assert auth.hash_password(PASSWORD) != hashed  # salted


def test_production_hashes_with_argon2id_at_its_own_cost():
    """conftest swaps in a cheap hasher for this process; production must be untouched by it.

    A fresh interpreter (no conftest) hashes through ``auth.hash_password``; the hash string
    names the algorithm and its cost, and a cheap hash still verifies there (a stored hash
    carries its own parameters), which is why tests may use the cheap one at all.
    """
    from argon2 import Type
    from conftest import PRODUCTION_HASHER, TEST_HASHER

    assert TEST_HASHER.memory_cost < PRODUCTION_HASHER.memory_cost  # the swap is a cheap one
    assert PRODUCTION_HASHER.type is Type.ID
    assert (PRODUCTION_HASHER.time_cost, PRODUCTION_HASHER.memory_cost) == (2, 19456)
    assert PRODUCTION_HASHER.parallelism == 1
    child = (
        "import sys; from readiness import auth; "
        "print(auth.hash_password(sys.argv[1])); "
        "print(auth.verify_password(sys.argv[2], sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, PASSWORD, auth.hash_password(PASSWORD)],
        cwd=Path(DASHBOARD).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    hashed, cheap_verified = done.stdout.split()
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PRODUCTION_HASHER.verify(hashed, PASSWORD)
    assert cheap_verified == "True"


def test_first_admin_only_on_an_empty_database(store, admin):
    assert admin == Actor("admin", "admin", Scope("17.02"))
    record = store.user_record("admin")
    assert record["must_change_password"] is False
    with pytest.raises(ReadinessError) as error:
        auth.create_first_admin(store, "admin2", PASSWORD)
    assert error.value.code == "first_admin_exists"
    assert store.count("users") == 1


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("pendek", "password_too_short"),
        ("admin-admin-1", "password_weak"),
        ("aaaaaaaaaaaa", "password_weak"),
    ],
)
def test_weak_first_password_is_refused(store, password, code):
    with pytest.raises(ReadinessError) as error:
        auth.create_first_admin(store, "admin", password)
    assert error.value.code == code
    assert store.count("users") == 0


def test_login_succeeds_and_is_audited(store, admin):
    login = auth.login(store, " Admin ", PASSWORD)
    assert login.actor == admin
    assert login.full_name == "Admin Kabupaten"
    assert not login.must_change_password
    assert store.user_record("admin")["last_login_at"] is not None
    assert store.audit_entries(admin, action="auth.login").height == 1


def test_wrong_password_and_unknown_user_get_the_same_answer(store, admin):
    with pytest.raises(ReadinessError) as wrong:
        auth.login(store, "admin", "salah-sandi-123")
    with pytest.raises(ReadinessError) as unknown:
        auth.login(store, "tidak.ada", "salah-sandi-123")
    assert wrong.value.code == unknown.value.code == "login_failed"
    assert wrong.value.message == unknown.value.message
    assert store.audit_entries(admin, action="auth.login_failed").height == 2


def test_lockout_after_repeated_failures_then_release(store, admin, settings):
    secret = auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    now = now_wib()
    for _ in range(settings.login_max_attempts - 1):
        with pytest.raises(ReadinessError) as error:
            auth.login(store, "kec.17.02.06", "salah-sandi-123", now=now)
        assert error.value.code == "login_failed"
    with pytest.raises(ReadinessError) as error:
        auth.login(store, "kec.17.02.06", "salah-sandi-123", now=now)
    assert error.value.code == "login_failed"  # the same answer: the lock is not revealed
    assert store.user_record("kec.17.02.06")["locked_until"] > now
    # even the right password is refused while locked, with the same answer
    with pytest.raises(ReadinessError) as error:
        auth.login(store, "kec.17.02.06", secret, now=now + dt.timedelta(minutes=1))
    assert error.value.code == "login_failed"
    later = now + dt.timedelta(minutes=settings.lockout_minutes + 1)
    login = auth.login(store, "kec.17.02.06", secret, now=later)
    assert login.must_change_password
    assert store.user_record("kec.17.02.06")["failed_attempts"] == 0


def test_reset_password_lifts_a_lock(store, admin, settings):
    auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    for _ in range(settings.login_max_attempts):
        with pytest.raises(ReadinessError):
            auth.login(store, "kec.17.02.06", "salah-sandi-123")
    secret = auth.reset_password(store, admin, "kec.17.02.06")
    assert auth.login(store, "kec.17.02.06", secret).must_change_password


def test_disabled_account_cannot_log_in(store, admin):
    secret = auth.add_user(store, admin, "desa.17.02.06.1004", "operator_desa", "17.02.06.1004")
    auth.set_disabled(store, admin, "desa.17.02.06.1004", disabled=True)
    with pytest.raises(ReadinessError) as error:
        auth.login(store, "desa.17.02.06.1004", secret)
    assert error.value.code == "login_failed"  # a right password is not confirmed
    actor = auth.actor_from_record(store.user_record("desa.17.02.06.1004"))
    assert not auth.session_still_valid(store, actor)
    auth.set_disabled(store, admin, "desa.17.02.06.1004", disabled=False)
    assert auth.login(store, "desa.17.02.06.1004", secret).actor == actor


def test_admin_cannot_disable_itself(store, admin):
    with pytest.raises(ReadinessError) as error:
        auth.set_disabled(store, admin, "admin", disabled=True)
    assert error.value.code == "disable_self"


def test_first_login_forces_a_password_change(store, admin):
    secret = auth.add_user(store, admin, "pimpinan", "pimpinan", "17.02")
    login = auth.login(store, "pimpinan", secret)
    assert login.must_change_password
    with pytest.raises(ReadinessError) as error:
        auth.change_password(store, login.actor, "bukan-sandi-lama", "baru-sekali-123")
    assert error.value.code == "password_wrong"
    with pytest.raises(ReadinessError) as error:
        auth.change_password(store, login.actor, secret, "pendek")
    assert error.value.code == "password_too_short"
    auth.change_password(store, login.actor, secret, "baru-sekali-123")
    assert not auth.login(store, "pimpinan", "baru-sekali-123").must_change_password
    with pytest.raises(ReadinessError):
        auth.login(store, "pimpinan", secret)


@pytest.mark.parametrize(
    ("username", "role", "region", "code"),
    [
        ("kec.17.02.06", "operator_kecamatan", "17.02.06.1004", "region_invalid"),
        ("desa.x", "operator_desa", "17.02.06", "region_invalid"),
        ("pimpinan", "pimpinan", "17.02.06", "region_invalid"),
        ("admin.provinsi", "admin", "17", "region_invalid"),
        ("kec.provinsi", "operator_kecamatan", "17", "region_invalid"),
        ("luar", "operator_kecamatan", "17.01.06", "region_invalid"),
        ("x", "admin", "17.02", "username_invalid"),
        ("nama dengan spasi", "admin", "17.02", "username_invalid"),
        ("raja", "raja", "17.02", "role_unknown"),
    ],
)
def test_accounts_must_match_the_region_hierarchy(store, admin, username, role, region, code):
    with pytest.raises(ReadinessError) as error:
        auth.add_user(store, admin, username, role, region)
    assert error.value.code == code
    assert store.count("users") == 1


def test_a_province_head_reads_every_kabupaten_but_writes_nothing(store, admin):
    auth.add_user(store, admin, "kepala.provinsi", "pimpinan", "17", password="rahasia-sekali-1")
    login = auth.login(store, "kepala.provinsi", "rahasia-sekali-1")
    assert login.actor.scope.code == "17"
    assert not auth.can(login.actor, "upload")


def test_duplicate_username_is_refused(store, admin):
    auth.add_user(store, admin, "pimpinan", "pimpinan", "17.02")
    with pytest.raises(ReadinessError) as error:
        auth.add_user(store, admin, "PIMPINAN", "pimpinan", "17.02")
    assert error.value.code == "user_exists"


def test_bulk_creation_of_every_kecamatan_and_desa_account(store, admin):
    created = auth.bulk_create_operators(store, admin)
    villages = store.villages(Scope("17.02"))
    assert created.height == 15 + 156 == villages["kecamatan_code"].n_unique() + villages.height
    assert created.filter(pl.col("role") == "operator_kecamatan").height == 15
    assert created["password"].n_unique() == created.height
    xlsx = auth.credentials_xlsx(created, title="Akun operator")
    sheet = pl.read_excel(io.BytesIO(xlsx))
    assert sheet.columns == [
        "Wilayah",
        "Kode wilayah",
        "Peran",
        "Nama pengguna",
        "Kata sandi sekali pakai",
    ]
    assert sheet.height == created.height
    row = created.filter(pl.col("username") == "desa.17.02.06.1004").row(0, named=True)
    login = auth.login(store, row["username"], row["password"])
    assert login.actor == Actor("desa.17.02.06.1004", "operator_desa", Scope("17.02.06.1004"))
    assert login.must_change_password
    assert auth.bulk_create_operators(store, admin).height == 0  # existing accounts kept
    assert store.count("users") == 1 + 171


def test_bulk_creation_needs_the_admin(store, admin):
    operator = Actor("kec.17.02.06", "operator_kecamatan", Scope("17.02.06"))
    with pytest.raises(AccessDenied):
        auth.bulk_create_operators(store, operator)
    assert store.count("users") == 1


# -- CLI -----------------------------------------------------------------------------------------


def test_cli_user_commands(db_path, tmp_path, capsys):
    db = ["--db", str(db_path)]
    assert (
        cli.main(["user", "add", "pimpinan", "--role", "pimpinan", "--region", "17.02", *db]) == 0
    )
    secret = capsys.readouterr().out.split("Kata sandi sekali pakai untuk pimpinan: ")[1].split()[0]
    assert cli.main(["user", "list", "--json", *db]) == 0
    listed = capsys.readouterr().out
    assert '"pimpinan"' in listed
    assert "password_hash" not in listed
    assert cli.main(["user", "reset-password", "pimpinan", *db]) == 0
    new = capsys.readouterr().out.split(": ")[-1].strip()
    assert new != secret
    assert cli.main(["user", "disable", "pimpinan", *db]) == 0
    assert cli.main(["user", "enable", "pimpinan", *db]) == 0
    out = tmp_path / "akun.xlsx"
    assert cli.main(["user", "bulk-create", "--out", str(out), *db]) == 0
    assert "171 akun dibuat" in capsys.readouterr().out
    assert pl.read_excel(out).height == 171
    # a second run leaves the file alone and creates nothing
    assert cli.main(["user", "bulk-create", "--out", str(out), *db]) == 1
    assert "sudah ada" in capsys.readouterr().err


def test_cli_refuses_a_bad_role_region_pair(db_path, capsys):
    code = cli.main(
        [
            "user",
            "add",
            "kec.x",
            "--role",
            "operator_kecamatan",
            "--region",
            "17.02",
            "--db",
            str(db_path),
        ]
    )
    assert code == 1
    assert "tidak cocok untuk peran Operator kecamatan" in capsys.readouterr().err


# -- pages: login, first admin, forced change, timeout, logout -----------------------------------


def test_first_start_asks_for_the_admin_account(env_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    assert "Buat akun admin pertama" in [s.value for s in at.subheader]
    assert at.text_input(key="first_admin_password")
    assert not [t for t in at.text_input if t.key == "login_username"]


def test_login_page_without_demo_lists_no_accounts(env_db, store):
    from streamlit.testing.v1 import AppTest

    auth.create_first_admin(store, "admin", PASSWORD)
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert [t.value for t in at.title] == ["Masuk"]
    assert at.text_input(key="login_username")
    assert [s.value for s in at.subheader] == []
    assert len(at.dataframe) == 0


# AppTest note: with a ``pages/`` folder, AppTest runs every run after the first through
# Streamlit's old pages-folder mode, which executes the page file alone. So the page tests below
# put the session state in place before a single run instead of clicking through several runs.


def test_forced_password_change_form_is_shown_first(env_db, store):
    from streamlit.testing.v1 import AppTest

    admin = auth.create_first_admin(store, "admin", PASSWORD)
    auth.add_user(store, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["actor"] = Actor("kec.17.02.06", "operator_kecamatan", Scope("17.02.06"))
    at.session_state["must_change_password"] = True
    at.run()
    assert not at.exception
    assert "Ganti kata sandi sekali pakai" in [s.value for s in at.subheader]
    assert at.text_input(key="new_password")


def test_idle_session_times_out(env_db, store, settings):
    import time

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["actor"] = Actor("pimpinan", "pimpinan", Scope("17.02"))
    at.session_state["last_seen"] = time.time() - settings.session_timeout_minutes * 60 - 1
    at.run()
    assert "actor" not in at.session_state
    assert [t.value for t in at.title] == ["Masuk"]
    assert "Sesi berakhir" in at.info[0].value
    assert store.audit_entries(Actor("t", "admin", Scope("")), action="auth.timeout").height == 1


def test_a_session_of_a_disabled_account_ends(env_db, store):
    from streamlit.testing.v1 import AppTest

    admin = auth.create_first_admin(store, "admin", PASSWORD)
    auth.add_user(store, admin, "pimpinan", "pimpinan", "17.02")
    auth.set_disabled(store, admin, "pimpinan", disabled=True)
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.session_state["actor"] = Actor("pimpinan", "pimpinan", Scope("17.02"))
    at.run()
    assert [t.value for t in at.title] == ["Masuk"]
    assert "dinonaktifkan" in at.info[0].value


def test_logged_in_sidebar_names_the_account_and_offers_logout(env_db, store, app_as):
    at = app_as("pimpinan").run()
    assert "Pimpinan" in at.sidebar.caption[0].value
    assert at.sidebar.button(key="logout").label == "Keluar"


def test_demo_login_page_lists_the_demo_accounts(demo_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from readiness.demo import DEMO_ACCOUNTS

    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    listed = at.dataframe[0].value
    assert listed["Nama pengguna"].tolist() == [a[0] for a in DEMO_ACCOUNTS]
    for username, _, _, password, _ in DEMO_ACCOUNTS:
        assert auth.login(demo_store, username, password).actor.username == username


def test_audit_table_names_every_action_the_product_writes_in_indonesian():
    import re
    from pathlib import Path

    import polars as pl

    from readiness.auth import ACTION_LABELS, audit_table

    written = set()
    for source in Path(__file__).resolve().parent.parent.joinpath("readiness").glob("*.py"):
        written |= set(
            re.findall(
                r'"((?:auth|backup|batch|bpjs|bulk|export|meta|privacy|readiness|recap|regions|roster|submission|tps|training|user)\.[a-z_]+)"',
                source.read_text(),
            )
        )
    written |= {"export.pdf", "export.xlsx", "export.csv"}  # built as f"export.{kind}"
    written -= {"tps.csv", "bpjs.belum_terdaftar"}  # a file name and a download target
    written -= {"readiness.backup", "readiness.ui"}  # logger names
    assert written <= set(ACTION_LABELS), written - set(ACTION_LABELS)
    entries = pl.DataFrame(
        {
            "id": [1],
            "logged_at": [None],
            "username": ["admin"],
            "role": ["admin"],
            "action": ["roster.upload"],
            "target": ["17.02.06.2001"],
            "detail": ["{}"],
        },
        schema_overrides={"logged_at": pl.Datetime("us", "UTC")},
    )
    assert audit_table(entries)["Tindakan"].to_list() == ["Unggah daftar linmas"]
