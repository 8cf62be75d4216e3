"""Every role stays inside its scope: storage functions, CLI --user, and pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from conftest import actor_for, make_nik, make_officers, no_findings
from streamlit.testing.v1 import AppTest

from readiness import auth, cli, demo, readiness_imports, roster, tps_list, verification
from readiness.db import SYSTEM, Actor, Store
from readiness.errors import AccessDenied
from readiness.scope import Scope

ROOT = Path(__file__).resolve().parent.parent
DESA = "17.02.06.1004"
OTHER_DESA_SAME_KEC = "17.02.06.1015"
OTHER_KEC_DESA = "17.02.09.1012"
ROLES_AT = {
    "admin": "17.02",
    "pimpinan": "17.02",
    "operator_kecamatan": "17.02.06",
    "operator_desa": DESA,
}


def upload(store: Store, actor: Actor, desa: str, serial: int = 1) -> int:
    officers = make_officers([make_nik(serial), make_nik(serial + 1)])
    stored = roster.save_roster(
        store,
        actor,
        desa,
        officers,
        no_findings(),
        file_name="daftar.xlsx",
        sha256=hashlib.sha256(f"{desa}{serial}".encode()).hexdigest(),
        counts={"accepted": 2, "rejected": 0, "warned": 0, "skipped": 0},
    )
    return stored.submission_id


def seed(store: Store) -> None:
    upload(store, SYSTEM, DESA, 1)
    upload(store, SYSTEM, OTHER_DESA_SAME_KEC, 11)
    upload(store, SYSTEM, OTHER_KEC_DESA, 21)


@pytest.fixture
def seeded(filled_store) -> Store:
    """Two officers in each of three desa (two in kecamatan 17.02.06, one in 17.02.09)."""
    return filled_store("roles-seeded", seed)


def actor(role: str) -> Actor:
    return actor_for(role, ROLES_AT[role])


@pytest.mark.parametrize("role", ["operator_kecamatan", "operator_desa"])
def test_operators_cannot_upload_outside_their_region(seeded, role):
    before = seeded.count("officers")
    with pytest.raises(AccessDenied):
        upload(seeded, actor(role), OTHER_KEC_DESA, 31)
    assert seeded.count("officers") == before


def test_desa_operator_cannot_upload_for_a_neighbour(seeded):
    with pytest.raises(AccessDenied):
        upload(seeded, actor("operator_desa"), OTHER_DESA_SAME_KEC, 31)


def test_pimpinan_reads_but_never_writes(seeded):
    before = seeded.count("submissions")
    with pytest.raises(AccessDenied):
        upload(seeded, actor("pimpinan"), DESA, 31)
    first = seeded.submissions(Scope(DESA))["id"][0]
    with pytest.raises(AccessDenied):
        verification.review_submission(seeded, actor("pimpinan"), first, "terverifikasi", None)
    assert seeded.count("submissions") == before
    assert seeded.submissions(actor("pimpinan").scope).height == 3


@pytest.mark.parametrize("role", ["admin", "operator_kecamatan", "operator_desa"])
def test_uploads_inside_the_scope_are_allowed(seeded, role):
    upload(seeded, actor(role), DESA, 41)
    assert seeded.submissions(Scope(DESA))["version"][0] == 2


@pytest.mark.parametrize("role", list(ROLES_AT))
def test_scoped_reads_return_only_the_region(seeded, role):
    scope = actor(role).scope
    for frame in (
        seeded.villages(scope),
        seeded.submissions(scope),
        seeded.officers(scope),
        seeded.tps(scope),
    ):
        assert all(scope.covers(code) for code in frame["desa_code"].to_list())
    other = seeded.submissions(Scope(OTHER_KEC_DESA))["id"][0]
    if not scope.covers(OTHER_KEC_DESA):
        assert seeded.roster(other, scope).height == 0
        assert seeded.findings(other, scope).height == 0


def test_kecamatan_cannot_verify_another_kecamatan(seeded):
    other = seeded.submissions(Scope(OTHER_KEC_DESA))["id"][0]
    with pytest.raises(AccessDenied):
        verification.review_submission(
            seeded, actor("operator_kecamatan"), other, "terverifikasi", None
        )
    assert seeded.submissions(Scope(OTHER_KEC_DESA))["status"][0] == "menunggu_verifikasi"


def test_desa_cannot_verify_its_own_list(seeded):
    own = seeded.submissions(Scope(DESA))["id"][0]
    with pytest.raises(AccessDenied):
        verification.review_submission(seeded, actor("operator_desa"), own, "terverifikasi", None)


@pytest.mark.parametrize("role", ["pimpinan", "operator_kecamatan", "operator_desa"])
def test_admin_only_functions_refuse_other_roles(seeded, role):
    who = actor(role)
    tps = pl.DataFrame({"desa_code": [DESA], "tps_number": [1], "rawan": [False]})
    calls = [
        lambda: auth.list_users(seeded, who),
        lambda: auth.audit_entries(seeded, who),
        lambda: auth.forget_nik(seeded, who, make_nik(1)),
        lambda: demo.set_mode(seeded, who, "demo"),
        lambda: tps_list.save_tps(seeded, who, tps, file_name="tps.csv"),
        lambda: readiness_imports.apply_bpjs(
            seeded,
            who,
            readiness_imports.ImportPlan(
                kind="bpjs",
                file_name="bpjs.csv",
                sha256="",
                records=pl.DataFrame(
                    {"nik": [make_nik(1)], "kpj": ["1"], "enrolled": [True], "enrolled_on": [None]}
                ),
                problems=pl.DataFrame(schema=readiness_imports.PROBLEM_SCHEMA),
                rows_total=1,
            ),
        ),
        lambda: auth.add_user(seeded, who, "baru", "pimpinan", "17.02"),
        lambda: auth.reset_password(seeded, who, "admin"),
    ]
    before = {t: seeded.count(t) for t in ("users", "tps", "bpjs_records", "officers")}
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert {t: seeded.count(t) for t in before} == before


# -- CLI --user ----------------------------------------------------------------------------------


@pytest.fixture
def cli_db(seeded):
    admin = auth.create_first_admin(seeded, "admin", "kuda-lari-pagi-7")
    auth.add_user(seeded, admin, "kec.17.02.06", "operator_kecamatan", "17.02.06")
    auth.add_user(seeded, admin, "desa.17.02.06.1004", "operator_desa", DESA)
    return ["--db", str(seeded.path)]


def test_cli_user_reads_only_its_region(cli_db, capsys):
    import json

    assert cli.main(["summary", "--json", "--user", "kec.17.02.06", *cli_db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [k["kode"] for k in data["kecamatan"]] == ["17.02.06"]
    assert cli.main(["summary", "--kecamatan", "17.02.09", "--user", "kec.17.02.06", *cli_db]) == 1
    assert "tidak berwenang atas wilayah 17.02.09" in capsys.readouterr().err
    assert cli.main(["summary", "--json", "--user", "desa.17.02.06.1004", *cli_db]) == 0
    assert json.loads(capsys.readouterr().out)["desa_total"] == 1


def test_cli_user_cannot_write_outside_its_role(cli_db, capsys, tmp_path):
    assert cli.main(["user", "list", "--user", "kec.17.02.06", *cli_db]) == 1
    assert "tidak berwenang mengelola akun" in capsys.readouterr().err
    code = cli.main(["forget-nik", make_nik(1), "--yes", "--user", "desa.17.02.06.1004", *cli_db])
    assert code == 1
    assert cli.main(["summary", "--user", "tidak.ada", *cli_db]) == 1


def test_cli_without_user_is_the_server_admin(cli_db, capsys):
    assert cli.main(["user", "list", "--json", *cli_db]) == 0
    assert "kec.17.02.06" in capsys.readouterr().out


# -- pages ---------------------------------------------------------------------------------------

EXPECTED_PAGES = {
    "admin": {"overview", "upload", "verification", "tps", "users", "audit"},
    "pimpinan": {"overview", "verification", "tps"},
    "operator_kecamatan": {"overview", "upload", "verification", "tps"},
    "operator_desa": {"overview", "upload", "verification", "tps"},
}


@pytest.mark.parametrize("role", list(ROLES_AT))
def test_menu_shows_each_role_only_its_pages(env_db, seeded, app_as, role):
    at = app_as(role, ROLES_AT[role]).run()
    assert not at.exception
    for page, path in (("users", "pages/users.py"), ("audit", "pages/audit.py")):
        if page in EXPECTED_PAGES[role]:
            at.switch_page(path)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(path)


@pytest.mark.parametrize("page", ["pages/users.py", "pages/audit.py"])
@pytest.mark.parametrize("role", ["pimpinan", "operator_kecamatan", "operator_desa"])
def test_admin_pages_refuse_a_crafted_visit(env_db, seeded, role, page):
    # The page file run on its own (as a crafted URL would reach it) checks the role itself.
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state["actor"] = actor(role)
    at.run()
    assert "Halaman ini hanya untuk Admin kabupaten" in at.error[0].value
    assert len(at.dataframe) == 0


def test_pages_without_login_show_nothing(env_db, seeded):
    at = AppTest.from_file(str(ROOT / "pages/overview.py"), default_timeout=60).run()
    assert "Silakan masuk" in at.warning[0].value
    assert len(at.metric) == 0


def test_desa_operator_overview_counts_only_its_desa(env_db, seeded, app_as):
    at = app_as("operator_desa", DESA).run()
    assert [t.value for t in at.title] == ["Desa saya"]  # the desa operator's home
    assert not at.exception
    at.switch_page("pages/overview.py").run()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Kiriman"] == "Versi 1"
    # Three villages hold two linmas each; the desa operator's card counts its own two only.
    assert shown["Linmas terdaftar"] == "2 (TPS belum diisi)"


@pytest.mark.parametrize("role", list(ROLES_AT))
def test_verification_page_lists_only_the_scope(env_db, seeded, app_as, role):
    at = app_as(role, ROLES_AT[role]).run()
    at.switch_page("pages/verification.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    expected = seeded.villages(actor(role).scope).height
    assert len(table) == expected
    can_verify = role in ("admin", "operator_kecamatan")
    assert bool([b for b in at.button if b.key == "verification_submit"]) is can_verify


def test_only_admin_may_flag_a_tps_rawan(store):
    import polars as pl

    from readiness.db import SYSTEM, Actor
    from readiness.errors import AccessDenied
    from readiness.scope import Scope

    store.replace_tps(
        SYSTEM,
        pl.DataFrame({"desa_code": ["17.02.06.2001"], "tps_number": [1], "rawan": [False]}),
        file_name="tps.csv",
    )
    head = Actor("pimpinan", "pimpinan", Scope("17.02"))
    with pytest.raises(AccessDenied):
        readiness_imports.flag_tps_rawan(
            store, head, "17.02.06.2001", 1, rawan=True, reason="Bawaslu"
        )
    assert store.tps(Scope("17.02.06.2001"))["rawan"].to_list() == [False]
    store.set_tps_rawan(SYSTEM, "17.02.06.2001", 1, rawan=True, reason="Bawaslu")
    assert store.tps(Scope("17.02.06.2001"))["rawan"].to_list() == [True]
