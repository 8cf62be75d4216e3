"""Storage on real DuckDB files: migrations, audited transactions, roster versions, scope, locks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import threading

import polars as pl
import pytest
from conftest import make_nik, make_officers, no_findings

from readiness import roster, tps_list
from readiness.db import MIGRATIONS, SYSTEM, Actor, Store
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope

DESA_A = "17.02.06.2001"  # Derati, Kecamatan Kota Padang
DESA_B = "17.02.06.1004"  # Kota Padang (kelurahan), same kecamatan
DESA_OTHER = "17.02.09.1012"  # Dwi Tunggal, Kecamatan Curup
# province + kabupaten + 15 kecamatan + 156 desa/kelurahan
# + the other 9 kabupaten/kota of data/kabupaten_bengkulu.csv (province instance)
REGION_ROWS = 1 + 1 + 15 + 156 + 9
TABLES = ("officers", "submissions", "findings", "tps", "audit_log")

ADMIN = Actor("admin", "admin", Scope(""))
DESA_A_OPERATOR = Actor("operator_derati", "operator_desa", Scope(DESA_A))
KOTA_PADANG = Actor("camat_kota_padang", "operator_kecamatan", Scope("17.02.06"))


def counts(store: Store) -> dict[str, int]:
    return {table: store.count(table) for table in TABLES}


def upload(store: Store, desa_code: str, niks: list[str], actor: Actor = ADMIN, **overrides):
    return roster.save_roster(
        store,
        actor,
        desa_code,
        make_officers(niks, **overrides),
        no_findings(),
        file_name=f"{desa_code}.csv",
        sha256="0" * 64,
        counts={"accepted": len(niks), "rejected": 0, "warned": 0, "skipped": 0},
        uploaded_at=dt.datetime(2024, 11, 1, 9, 0, tzinfo=dt.UTC),
    )


def niks(*serials: int, kecamatan_code: str = "17.02.06") -> list[str]:
    return [make_nik(s, kecamatan_code=kecamatan_code) for s in serials]


# -- migrations ---------------------------------------------------------------------------------


def test_migrations_from_an_empty_file(db_path, settings):
    store = Store(db_path, settings)
    every = [version for version, _, _ in MIGRATIONS]
    assert every[:4] == [1, 2, 3, 4]
    assert store.migrate() == every
    assert store.migration_versions() == every
    assert store.migrate() == []


def test_open_creates_schema_regions_and_one_audit_row(db_path, settings):
    assert not db_path.exists()
    store = Store.open(db_path, settings)
    assert db_path.exists()
    assert store.migration_versions() == [version for version, _, _ in MIGRATIONS]
    assert store.count("regions") == REGION_ROWS
    audit = store.audit_log()
    assert audit["action"].to_list() == ["regions.sync"]
    assert audit["username"].to_list() == [SYSTEM.username]
    assert store.data_version() == audit["id"][0]


def test_open_creates_missing_parent_folder(tmp_path, settings):
    store = Store.open(tmp_path / "a" / "b" / "test.duckdb", settings)
    assert store.migration_versions() == [version for version, _, _ in MIGRATIONS]


def test_reopening_changes_nothing(db_path, settings, store):
    before = counts(store)
    migrations = store.read("SELECT * FROM schema_migrations ORDER BY version")
    version = store.data_version()

    again = Store.open(db_path, settings)

    assert again.read("SELECT * FROM schema_migrations ORDER BY version").equals(migrations)
    assert counts(again) == before
    assert again.data_version() == version
    assert again.count("regions") == REGION_ROWS


def test_villages_come_from_the_reference_file(store):
    villages = store.villages(Scope(""))
    assert villages.height == 156
    assert villages["kecamatan_code"].n_unique() == 15
    assert villages.filter(pl.col("desa_code") == DESA_A).row(0, named=True) == {
        "kecamatan_code": "17.02.06",
        "kecamatan_name": "Kota Padang",
        "desa_code": DESA_A,
        "desa_name": "Derati",
        "desa_kind": "desa",
    }
    assert store.region_name("17.02") == "Kabupaten Rejang Lebong"
    assert store.region_name("17.02.01") is None


# -- the write transaction --------------------------------------------------------------------


def test_write_commits_result_and_one_audit_row(store):
    version = store.data_version()

    def insert(con) -> str:
        con.execute("INSERT INTO tps (desa_code, tps_number) VALUES ($d, 1)", {"d": DESA_A})
        return "done"

    assert store.write(ADMIN, "test.insert", DESA_A, insert, note="x") == "done"
    assert store.count("tps") == 1
    newest = store.audit_log(limit=1).row(0, named=True)
    assert (newest["username"], newest["role"], newest["action"], newest["target"]) == (
        "admin",
        "admin",
        "test.insert",
        DESA_A,
    )
    assert newest["detail"] == '{"note": "x"}'
    assert store.data_version() > version


def test_failed_write_leaves_no_row_and_no_audit(store):
    upload(store, DESA_A, niks(1, 2))
    before = counts(store)
    version = store.data_version()

    def half_done(con):
        con.execute("INSERT INTO tps (desa_code, tps_number) VALUES ($d, 1)", {"d": DESA_A})
        con.execute("DELETE FROM officers")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        store.write(ADMIN, "test.fail", DESA_A, half_done)

    assert counts(store) == before
    assert store.data_version() == version


def test_failed_sql_inside_write_leaves_nothing(store):
    before = counts(store)

    def duplicate(con):
        con.execute("INSERT INTO tps (desa_code, tps_number) VALUES ($d, 1)", {"d": DESA_A})
        con.execute("INSERT INTO tps (desa_code, tps_number) VALUES ($d, 1)", {"d": DESA_A})

    with pytest.raises(Exception, match="(?i)constraint|duplicate"):
        store.write(ADMIN, "test.fail", DESA_A, duplicate)
    assert counts(store) == before


def test_count_refuses_unknown_tables(store):
    with pytest.raises(ValueError, match="schema_migrations"):
        store.count("schema_migrations")


# -- roster versions ----------------------------------------------------------------------------


def test_first_roster_is_version_1(store):
    result = upload(store, DESA_A, niks(1, 2, 3))
    assert (result.version, result.previous_version) == (1, None)
    assert (result.added, result.removed, result.changed) == (3, 0, 0)
    active = store.submissions(Scope(""))
    assert active.select("id", "desa_code", "version", "rows_accepted").rows() == [
        (result.submission_id, DESA_A, 1, 3)
    ]
    officers = store.officers(Scope(""))
    assert officers["nik"].to_list() == niks(1, 2, 3)
    assert officers["submission_id"].unique().to_list() == [result.submission_id]
    assert officers["bpjs_enrolled"].to_list() == [False] * 3
    newest = store.audit_log(limit=1).row(0, named=True)
    assert (newest["action"], newest["target"]) == ("roster.upload", DESA_A)


def test_second_roster_is_version_2_and_the_diff_is_exact(store):
    first = upload(store, DESA_A, niks(1, 2, 3, 4))
    # nik 1 leaves, nik 2 gets a new phone, 3 and 4 stay as they are, 5 and 6 join
    second = upload(
        store,
        DESA_A,
        niks(2, 3, 4, 5, 6),
        no_hp=["089999999999", *["081234567890"] * 4],
        nama=["Petugas 2", "Petugas 3", "Petugas 4", "Petugas 5", "Petugas 6"],
        nomor_tps=[1, 2, 2, 3, 3],
    )
    assert (second.version, second.previous_version) == (2, 1)
    assert (second.added, second.removed, second.changed) == (2, 1, 1)

    history = store.submissions(Scope(""), active_only=False)
    assert history.select("id", "version").rows() == [
        (first.submission_id, 1),
        (second.submission_id, 2),
    ]
    assert store.submissions(Scope(""))["version"].to_list() == [2]
    # the previous version is kept whole; only the new one is active
    assert store.roster(first.submission_id, Scope(""))["nik"].to_list() == niks(1, 2, 3, 4)
    assert store.officers(Scope(""))["nik"].to_list() == niks(2, 3, 4, 5, 6)


def test_reordered_roster_counts_no_change(store):
    upload(store, DESA_A, niks(1, 2, 3))
    again = upload(
        store,
        DESA_A,
        niks(3, 1, 2),
        nama=["Petugas 3", "Petugas 1", "Petugas 2"],
        nomor_tps=[2, 1, 1],
    )
    assert (again.version, again.added, again.removed, again.changed) == (2, 0, 0, 0)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("nama", "Nama Baru"),
        ("tanggal_lahir", dt.date(1991, 1, 1)),
        ("nomor_tps", 9),
        ("status_bpjs", True),
        ("no_kpj", "12345678901"),
    ],
)
def test_one_changed_field_is_one_changed_officer(store, column, value):
    upload(store, DESA_A, niks(1, 2))
    before = make_officers(niks(1, 2))[column].to_list()
    again = upload(store, DESA_A, niks(1, 2), **{column: [value, before[1]]})
    assert (again.added, again.removed, again.changed) == (0, 0, 1)


def test_findings_are_stored_with_the_upload(store):
    findings = pl.DataFrame(
        {
            "row": [3],
            "column": ["no_hp"],
            "severity": ["warning"],
            "code": ["phone_short"],
            "message": ["Baris 3, kolom No. HP: terlalu pendek."],
        }
    )
    result = store.store_roster(
        ADMIN,
        DESA_A,
        make_officers(niks(1)),
        findings,
        file_name="a.csv",
        sha256="1" * 64,
        counts={"accepted": 1, "warned": 1},
    )
    stored = store.findings(result.submission_id, Scope(""))
    assert stored.rows() == [
        (3, "no_hp", "warning", "phone_short", "Baris 3, kolom No. HP: terlalu pendek.")
    ]
    assert store.findings(result.submission_id, Scope("17.02.09")).height == 0


def test_unknown_desa_is_refused_and_nothing_stored(store):
    before = counts(store)
    with pytest.raises(ReadinessError) as info:
        upload(store, "17.02.06.2999", niks(1))
    assert info.value.code == "desa_unknown"
    assert counts(store) == before


# -- scope --------------------------------------------------------------------------------------


@pytest.fixture
def two_kecamatan(store):
    """Rosters and TPS in Kota Padang (two villages) and in Curup (one)."""
    ids = {
        DESA_A: upload(store, DESA_A, niks(1, 2)).submission_id,
        DESA_B: upload(store, DESA_B, niks(3, 4)).submission_id,
        DESA_OTHER: upload(store, DESA_OTHER, niks(1, 2, kecamatan_code="17.02.09")).submission_id,
    }
    tps = pl.DataFrame(
        {"desa_code": [DESA_A, DESA_B, DESA_OTHER], "tps_number": [1, 1, 1], "rawan": [False] * 3}
    )
    store.replace_tps(ADMIN, tps, file_name="tps.csv")
    return ids


def test_kecamatan_scope_never_returns_another_kecamatan(store, two_kecamatan):
    scope = Scope("17.02.06")
    reads = {
        "villages": store.villages(scope),
        "tps": store.tps(scope),
        "submissions": store.submissions(scope, active_only=False),
        "officers": store.officers(scope),
    }
    for name, frame in reads.items():
        assert frame.height > 0, name
        assert frame["desa_code"].str.starts_with("17.02.06.").all(), name
    assert reads["villages"].height == 10
    assert sorted(reads["officers"]["desa_code"].unique().to_list()) == [DESA_B, DESA_A]
    assert store.roster(two_kecamatan[DESA_OTHER], scope).height == 0
    assert store.roster(two_kecamatan[DESA_A], scope).height == 2


def test_desa_scope_sees_only_its_desa(store, two_kecamatan):
    scope = Scope(DESA_A)
    assert store.villages(scope)["desa_code"].to_list() == [DESA_A]
    assert store.officers(scope)["desa_code"].unique().to_list() == [DESA_A]
    assert store.submissions(scope)["desa_code"].to_list() == [DESA_A]
    assert store.roster(two_kecamatan[DESA_B], scope).height == 0


@pytest.mark.parametrize("code", ["17.02.0", "17.02.06.200", "17.02.1", "17.0"])
def test_a_partial_code_is_not_a_prefix(store, two_kecamatan, code):
    # "17.02.1" must not match 17.02.16-19: a scope covers whole code parts only
    scope = Scope(code)
    assert store.villages(scope).height == 0
    assert store.officers(scope).height == 0
    assert store.tps(scope).height == 0


def test_whole_area_scope_sees_everything(store, two_kecamatan):
    assert store.officers(Scope("")).height == 6
    assert store.officers(Scope("17.02")).height == 6
    assert store.villages(Scope("17")).height == 156


def test_roster_outside_the_actor_scope_is_refused_and_nothing_stored(store):
    before = counts(store)
    for actor, desa in [(DESA_A_OPERATOR, DESA_B), (KOTA_PADANG, DESA_OTHER)]:
        with pytest.raises(AccessDenied) as info:
            upload(store, desa, niks(7), actor=actor)
        assert info.value.code == "access_denied"
        assert desa in info.value.message
    assert counts(store) == before


def test_roster_inside_the_actor_scope_is_stored(store):
    assert upload(store, DESA_A, niks(1), actor=DESA_A_OPERATOR).version == 1
    assert upload(store, DESA_B, niks(2), actor=KOTA_PADANG).version == 1
    assert store.submissions(Scope(""))["uploader"].to_list() == [
        "camat_kota_padang",
        "operator_derati",
    ]


def test_tps_outside_the_actor_scope_is_refused(store):
    before = counts(store)
    tps = pl.DataFrame(
        {"desa_code": [DESA_A, DESA_OTHER], "tps_number": [1, 1], "rawan": [False] * 2}
    )
    with pytest.raises(AccessDenied):
        tps_list.save_tps(store, KOTA_PADANG, tps, file_name="tps.csv")
    assert counts(store) == before


def test_replace_tps_replaces_only_the_named_villages(store):
    first = pl.DataFrame(
        {
            "desa_code": [DESA_A, DESA_A, DESA_B],
            "tps_number": [1, 2, 1],
            "rawan": [False, True, False],
        }
    )
    assert store.replace_tps(ADMIN, first, file_name="tps1.csv") == 3
    second = pl.DataFrame({"desa_code": [DESA_A], "tps_number": [5], "rawan": [None]})
    assert store.replace_tps(ADMIN, second, file_name="tps2.csv") == 1
    assert store.tps(Scope("")).select("desa_code", "tps_number", "rawan").rows() == [
        (DESA_B, 1, False),
        (DESA_A, 5, False),
    ]


# -- one NIK, one village -----------------------------------------------------------------------


def test_nik_active_in_another_village_aborts_the_upload(store):
    upload(store, DESA_A, niks(1, 2))
    before = counts(store)
    with pytest.raises(ReadinessError) as info:
        upload(store, DESA_B, niks(3, 2))
    assert info.value.code == "nik_registered_meanwhile"
    assert "Derati" in info.value.message
    assert counts(store) == before
    assert store.niks_registered_elsewhere(niks(2, 3), DESA_B).rows() == [
        (niks(2)[0], DESA_A, "Derati")
    ]


def test_nik_in_an_old_version_elsewhere_does_not_block(store):
    upload(store, DESA_A, niks(1, 2))
    upload(store, DESA_A, niks(1))  # nik 2 leaves Derati
    assert store.niks_registered_elsewhere(niks(2), DESA_B).height == 0
    assert upload(store, DESA_B, niks(2)).version == 1


def test_same_village_may_upload_its_own_niks_again(store):
    upload(store, DESA_A, niks(1, 2))
    assert store.niks_registered_elsewhere(niks(1, 2), DESA_A).height == 0
    assert upload(store, DESA_A, niks(1, 2)).version == 2


def test_niks_registered_elsewhere_with_no_niks(store):
    assert store.niks_registered_elsewhere([], DESA_A).columns == ["nik", "desa_code", "desa_name"]


# -- data version and concurrency ---------------------------------------------------------------


def test_data_version_increases_after_each_write(store):
    versions = [store.data_version()]
    upload(store, DESA_A, niks(1))
    versions.append(store.data_version())
    store.replace_tps(
        ADMIN,
        pl.DataFrame({"desa_code": [DESA_A], "tps_number": [1], "rawan": [False]}),
        file_name="t",
    )
    versions.append(store.data_version())
    upload(store, DESA_A, niks(1, 2))
    versions.append(store.data_version())
    assert versions == sorted(set(versions))
    with pytest.raises(AccessDenied):
        upload(store, DESA_B, niks(3), actor=DESA_A_OPERATOR)
    assert store.data_version() == versions[-1]


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO tps (desa_code, tps_number) VALUES ('17.02.06.1004', 7)")
    print("holding", flush=True)
    time.sleep(1.0)
    con.execute("COMMIT")
    con.close()
    """
)


def test_write_waits_for_another_process_and_loses_nothing(store, db_path):
    store.release()  # the plain DuckDB process below does not wait for our held connection
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()

        def insert(con) -> int:
            con.execute("INSERT INTO tps (desa_code, tps_number) VALUES ($d, 1)", {"d": DESA_A})
            # we got in only after the other process committed and let go of the file
            return con.execute("SELECT count(*) FROM tps WHERE tps_number = 7").fetchone()[0]

        assert store.write(ADMIN, "test.concurrent", DESA_A, insert) == 1
        assert holder.wait(timeout=30) == 0, holder.stderr.read()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert store.tps(Scope("")).select("desa_code", "tps_number").rows() == [
        ("17.02.06.1004", 7),
        (DESA_A, 1),
    ]


def test_roster_upload_waits_for_another_process(store, db_path):
    store.release()  # the plain DuckDB process below does not wait for our held connection
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert upload(store, DESA_A, niks(1, 2)).version == 1
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert store.count("tps") == 1
    assert store.count("officers") == 2


def test_threads_uploading_to_one_village_get_distinct_versions(store):
    errors: list[BaseException] = []

    def run(serial: int) -> None:
        try:
            upload(store, DESA_A, niks(serial))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(serial,)) for serial in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    history = store.submissions(Scope(""), active_only=False)
    assert history["version"].to_list() == [1, 2, 3, 4, 5, 6]
    assert store.count("officers") == 6
    assert store.audit_log()["action"].to_list().count("roster.upload") == 6


def test_the_database_raises_coded_errors_worded_by_the_catalogue(store):
    from readiness import messages
    from readiness.errors import CodedError

    with pytest.raises(CodedError) as caught:
        store.undo_batch(SYSTEM, 999)
    assert caught.value.code == "batch_unknown"
    assert caught.value.fields == {"batch": 999}
    assert caught.value.message == "Impor nomor 999 tidak ditemukan."
    assert str(caught.value) == caught.value.message
    for code in messages.DATABASE_MESSAGES:
        assert "{" not in messages.render(code, **dict.fromkeys(messages.fields(code), "X"))
