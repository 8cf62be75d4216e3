"""Bulk NIK look-ups against other villages: every check audited with counts (never NIKs), an
hourly limit per account over uploads, dry runs and kecamatan files, scope-checked dry runs,
and other villages named only to accounts whose region covers them."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest
from roster_builder import HEADER, csv_bytes, person

from readiness import auth, formatting, roster
from readiness.cli import main
from readiness.cli_common import EXIT_FILE_REJECTED
from readiness.config import DEFAULT_SETTINGS_FILE
from readiness.db import Actor
from readiness.errors import AccessDenied
from readiness.kecamatan_upload import check_kecamatan_file
from readiness.scope import SYSTEM, Scope

PASSWORD = "kuda-lari-pagi-7"
VILLAGE = "17.02.06.1004"
KECAMATAN = "17.02.24"
DERATI = "17.02.06.2001"


@pytest.fixture
def admin(store) -> Actor:
    return auth.create_first_admin(store, "admin", PASSWORD, "Admin Kabupaten")


@pytest.fixture
def village(store, admin) -> Actor:
    auth.add_user(store, admin, "desa.op", "operator_desa", VILLAGE)
    return auth.actor_from_record(store.user_record("desa.op"))


def lookups(store) -> list[dict]:
    rows = store.read(
        "SELECT username, action, target, detail FROM audit_log "
        "WHERE action LIKE 'roster.nik_lookup%' ORDER BY id"
    ).to_dicts()
    return [{**r, "detail": json.loads(r["detail"])} for r in rows]


def roster_file(first: int, count: int) -> bytes:
    return csv_bytes([person(first + i) for i in range(count)])


def limited(store, per_hour: int):
    store.settings = replace(store.settings, nik_checks_per_hour=per_hour)
    return store


def test_every_check_is_audited_with_its_count_and_never_a_nik(store, village):
    data = roster_file(1, 3)
    first = roster.check_roster_file(store, VILLAGE, data, "daftar.csv", viewer=village)
    assert first.verdict is not None
    again = roster.check_roster_file(store, VILLAGE, data, "daftar.csv", viewer=village)
    assert again.verdict is not None
    rows = lookups(store)
    assert len(rows) == 1  # the same rows again (a page re-run) are not a new look-up
    assert rows[0]["username"] == "desa.op"
    assert rows[0]["target"] == VILLAGE
    assert rows[0]["detail"]["checked"] == 3
    assert rows[0]["detail"]["found"] == 0
    log = store.read("SELECT detail FROM audit_log")["detail"].str.join("|").item()
    for i in range(1, 4):
        assert str(person(i)["NIK"]) not in log
    roster.check_roster_file(store, VILLAGE, roster_file(1, 4), "daftar.csv", viewer=village)
    assert [r["detail"]["checked"] for r in lookups(store)] == [3, 4]


def test_over_the_hourly_limit_the_check_is_refused_with_the_time_to_try_again(store, village):
    limited(store, 5)
    assert roster.check_roster_file(
        store, VILLAGE, roster_file(1, 3), "a.csv", viewer=village
    ).verdict
    refused = roster.check_roster_file(store, VILLAGE, roster_file(10, 3), "b.csv", viewer=village)
    assert refused.verdict is None
    message = refused.file_error.message
    assert refused.file_error.code == "nik_checks_limited"
    first_at = store.read("SELECT logged_at FROM audit_log WHERE action = 'roster.nik_lookup'")[
        "logged_at"
    ].item()
    assert f"Coba lagi mulai {formatting.timestamp(first_at + dt.timedelta(hours=1))}" in message
    assert "5 NIK per jam" in message
    assert "sudah memeriksa 3 NIK" in message
    assert "Tidak ada data yang disimpan" in message
    roster.check_roster_file(store, VILLAGE, roster_file(10, 3), "b.csv", viewer=village)
    actions = [(r["action"], r["detail"]["checked"]) for r in lookups(store)]
    assert actions == [("roster.nik_lookup", 3), ("roster.nik_lookup_refused", 3)]

    # An hour later the first check no longer counts.
    store.write(
        SYSTEM, "test.age", "-",
        lambda con: con.execute(
            "UPDATE audit_log SET logged_at = logged_at - INTERVAL 61 MINUTE "
            "WHERE action LIKE 'roster.nik_lookup%'"
        ),
    )  # fmt: skip
    later = roster.check_roster_file(store, VILLAGE, roster_file(10, 3), "b.csv", viewer=village)
    assert later.verdict is not None


def test_one_file_above_the_limit_says_to_split_it_and_the_admin_is_not_limited(
    store, village, admin
):
    limited(store, 5)
    big = roster_file(1, 6)
    refused = roster.check_roster_file(store, VILLAGE, big, "besar.csv", viewer=village)
    assert refused.verdict is None
    assert "berisi 6 NIK, lebih dari batas pemeriksaan 5 NIK per jam" in refused.file_error.message
    assert "Coba lagi" not in refused.file_error.message
    checked = roster.check_roster_file(store, VILLAGE, big, "besar.csv", viewer=admin)
    assert checked.verdict is not None
    assert checked.verdict.accepted == 6
    assert [r["username"] for r in lookups(store)] == ["desa.op", "admin"]


def _settings_with_limit(tmp_path, per_hour: int):
    content = DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8")
    content, replaced = re.subn(
        r"(?m)^nik_checks_per_hour = \d+$", f"nik_checks_per_hour = {per_hour}", content
    )
    assert replaced == 1
    for name in ("wilayah_rejang_lebong.csv", "alias_desa.csv", "kabupaten_bengkulu.csv"):
        content = content.replace(f'"{name}"', f'"{DEFAULT_SETTINGS_FILE.parent / name}"')
    path = tmp_path / "settings.toml"
    path.write_text(content, encoding="utf-8")
    return path


def test_the_cli_dry_run_counts_against_the_accounts_limit_and_stores_nothing(
    store, village, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("READINESS_SETTINGS", str(_settings_with_limit(tmp_path, 5)))
    first, second = tmp_path / "satu.csv", tmp_path / "dua.csv"
    first.write_bytes(roster_file(1, 3))
    second.write_bytes(roster_file(20, 3))
    args = ["--user", "desa.op", "import", "--db", str(store.path), "--desa", VILLAGE]
    assert main([*args, str(first), "--dry-run"]) == 0
    capsys.readouterr()
    assert main([*args, str(second), "--dry-run"]) == EXIT_FILE_REJECTED
    out = capsys.readouterr().out
    assert "dibatasi 5 NIK per jam" in out
    assert "Coba lagi mulai" in out
    assert main([*args, str(second), "--dry-run", "--json"]) == EXIT_FILE_REJECTED
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "rejected"
    assert result["file_error"]["code"] == "nik_checks_limited"
    assert main([*args, str(second)]) == EXIT_FILE_REJECTED  # a real import is refused the same way
    assert store.submissions(Scope(VILLAGE)).height == 0
    assert [r["action"] for r in lookups(store)] == [
        "roster.nik_lookup",
        "roster.nik_lookup_refused",
    ]


def _kecamatan_file(rows: list[dict]) -> bytes:
    return csv_bytes(rows, header=("Desa", *HEADER))


def test_a_kecamatan_check_names_other_villages_only_inside_the_viewers_region(
    store, admin, tmp_path, capsys
):
    derati = tmp_path / "derati.csv"
    derati.write_bytes(csv_bytes([person(1), person(2)]))
    assert main(["import", "--db", str(store.path), "--desa", DERATI, str(derati)]) == 0
    capsys.readouterr()
    data = _kecamatan_file([person(1, Desa="Pal VII"), person(5, Desa="Pal VII")])
    auth.add_user(store, admin, "kec.op", "operator_kecamatan", KECAMATAN)
    kecamatan = auth.actor_from_record(store.user_record("kec.op"))
    seen = check_kecamatan_file(store, KECAMATAN, data, "rekap.csv", viewer=kecamatan)
    messages = seen.villages[0].verdict.findings["message"].to_list()
    assert any("sudah terdaftar di desa lain" in m for m in messages)
    assert not any(DERATI in m or store.region_name(DERATI) in m for m in messages)
    by_admin = check_kecamatan_file(store, KECAMATAN, data, "rekap.csv", viewer=admin)
    assert any(DERATI in m for m in by_admin.villages[0].verdict.findings["message"].to_list())
    who = [r["username"] for r in lookups(store)]
    assert who == ["cli:" + who[0].removeprefix("cli:"), "kec.op", "admin"]  # the import first


def test_a_kecamatan_dry_run_is_checked_against_the_accounts_region(
    store, village, tmp_path, capsys
):
    path = tmp_path / "rekap.csv"
    path.write_bytes(_kecamatan_file([person(1, Desa="Pal VII")]))
    args = ["--user", "desa.op", "import", str(path), "--db", str(store.path), "--dry-run"]
    assert main([*args, "--kecamatan", KECAMATAN]) == 1
    assert KECAMATAN in capsys.readouterr().err
    with pytest.raises(AccessDenied):
        check_kecamatan_file(store, KECAMATAN, path.read_bytes(), "rekap.csv", viewer=village)
    assert lookups(store) == []


def test_the_upload_page_over_the_limit_shows_the_refusal_and_stores_nothing(
    env_db, store, app_as, tmp_path, monkeypatch
):
    monkeypatch.setenv("READINESS_SETTINGS", str(_settings_with_limit(tmp_path, 2)))
    at = app_as("operator_kecamatan", "17.02.06").run()
    at.switch_page("pages/upload.py").run()
    at.selectbox(key="upload_desa").set_value(DERATI).run()
    at.file_uploader(key="roster_file").upload("daftar.csv", roster_file(1, 3), "text/csv").run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "berisi 3 NIK, lebih dari batas pemeriksaan 2 NIK per jam" in shown
    assert not at.metric  # no verdict, no save button
    assert store.count("submissions") == 0
    assert [r["action"] for r in lookups(store)] == ["roster.nik_lookup_refused"]
