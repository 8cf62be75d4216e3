"""A province instance: every kabupaten listed at start-up, one kabupaten's regions imported."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import make_nik, make_officers, no_findings

from readiness import auth
from readiness.cli import main
from readiness.config import PROJECT_DIR
from readiness.db import SYSTEM, Actor, Store
from readiness.errors import ReadinessError, ReferenceDataError
from readiness.province import check_region_file, load_kabupaten_list
from readiness.scope import Scope

HEADER = "kode_kecamatan,nama_kecamatan,kode_desa,nama_desa,jenis"
# A small fake list for Kabupaten Seluma (17.05): 2 kecamatan, 3 desa/kelurahan.
SELUMA = [
    "17.05.01,Sukaraja,17.05.01.1001,Sukaraja,kelurahan",
    "17.05.01,Sukaraja,17.05.01.2001,Riak Siabun,desa",
    "17.05.02,Seluma Barat,17.05.02.2001,Talang Alai,desa",
]
BENGKULU = [
    ("17.01", "Kabupaten Bengkulu Selatan"),
    ("17.02", "Kabupaten Rejang Lebong"),
    ("17.03", "Kabupaten Bengkulu Utara"),
    ("17.04", "Kabupaten Kaur"),
    ("17.05", "Kabupaten Seluma"),
    ("17.06", "Kabupaten Mukomuko"),
    ("17.07", "Kabupaten Lebong"),
    ("17.08", "Kabupaten Kepahiang"),
    ("17.09", "Kabupaten Bengkulu Tengah"),
    ("17.71", "Kota Bengkulu"),
]
OWN_REGION_ROWS = 1 + 1 + 15 + 156  # province, Rejang Lebong, its kecamatan and desa


def write_csv(tmp_path: Path, name: str, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(store: Store, path: Path, *extra: str) -> int:
    return main(["regions", "import", str(path), "--db", str(store.path), *extra])


def seluma_desa(store: Store) -> list[tuple[str, str]]:
    return store.villages(Scope("17.05")).select("desa_code", "desa_name").rows()


@pytest.fixture
def seluma_file(tmp_path) -> Path:
    return write_csv(tmp_path, "wilayah_seluma.csv", *SELUMA)


# -- start-up: every kabupaten of the province ------------------------------------------------


def test_start_up_lists_every_kabupaten_of_the_province(store):
    assert store.region_names("kabupaten", Scope("17")).rows() == BENGKULU
    # Only Rejang Lebong has kecamatan and desa until an import.
    assert store.villages(Scope("17"))["desa_code"].str.slice(0, 5).unique().to_list() == ["17.02"]
    assert store.count("regions") == OWN_REGION_ROWS + 9


def test_kabupaten_list_rows_are_checked(tmp_path):
    header = "kode_kabupaten,nama_kabupaten"
    good = write_csv(
        tmp_path, "ok.csv", "17.05,Kabupaten Seluma", "17.71,Kota Bengkulu", header=header
    )
    assert load_kabupaten_list(good, "17").rows() == [
        ("17.05", "Kabupaten Seluma"),
        ("17.71", "Kota Bengkulu"),
    ]
    assert load_kabupaten_list(None, "17").height == 0
    bad = {
        "other_province.csv": (
            "18.01,Kabupaten Lampung Barat",
            "baris 2: kode kabupaten harus 17.KK",
        ),
        "twice.csv": (
            "17.05,Seluma\n17.05,Seluma",
            "baris 3: kode kabupaten 17.05 muncul dua kali",
        ),
        "no_name.csv": ("17.05,", "baris 2: nama kabupaten kosong"),
    }
    for name, (rows, expected) in bad.items():
        with pytest.raises(ReferenceDataError, match=expected):
            load_kabupaten_list(write_csv(tmp_path, name, rows, header=header), "17")
    with pytest.raises(ReferenceDataError, match="kolom kode_kabupaten, nama_kabupaten tidak ada"):
        load_kabupaten_list(write_csv(tmp_path, "cols.csv", "17.05", header="kode"), "17")


# -- regions import ---------------------------------------------------------------------------


def test_import_adds_one_kabupaten(store, seluma_file, capsys):
    version = store.data_version()
    assert run(store, seluma_file) == 0
    out = capsys.readouterr().out
    assert out == (
        "Kabupaten Seluma (17.05): 2 kecamatan, 3 desa/kelurahan dimuat dari wilayah_seluma.csv.\n"
    )
    assert seluma_desa(store) == [
        ("17.05.01.1001", "Sukaraja"),
        ("17.05.01.2001", "Riak Siabun"),
        ("17.05.02.2001", "Talang Alai"),
    ]
    assert store.region_names("kecamatan", Scope("17.05")).rows() == [
        ("17.05.01", "Sukaraja"),
        ("17.05.02", "Seluma Barat"),
    ]
    assert store.region_name("17.05") == "Kabupaten Seluma"  # the official name, from the list
    assert store.count("regions") == OWN_REGION_ROWS + 9 + 5
    entry = store.audit_log().row(0, named=True)
    assert (entry["action"], entry["target"]) == ("regions.import", "17.05")
    assert store.data_version() > version  # page caches recompute


def test_import_again_replaces_the_kabupaten(store, seluma_file, tmp_path, capsys):
    assert run(store, seluma_file) == 0
    newer = write_csv(
        tmp_path,
        "wilayah_seluma_2025.csv",
        "17.05.01,Sukaraja,17.05.01.1001,Sukaraja,kelurahan",
        "17.05.01,Sukaraja,17.05.01.2001,Riak Siabun Baru,desa",
        "17.05.01,Sukaraja,17.05.01.2002,Padang Pelasan,desa",
    )
    capsys.readouterr()
    assert run(store, newer) == 0
    out = capsys.readouterr().out
    assert "1 kecamatan, 3 desa/kelurahan dimuat" in out
    assert "Daftar sebelumnya (2 kecamatan, 3 desa/kelurahan) diganti." in out
    assert seluma_desa(store) == [
        ("17.05.01.1001", "Sukaraja"),
        ("17.05.01.2001", "Riak Siabun Baru"),
        ("17.05.01.2002", "Padang Pelasan"),
    ]
    assert store.region_name("17.05.02") is None  # the dropped kecamatan is gone


def test_regions_import_works_on_a_fresh_database_through_the_command(tmp_path, seluma_file):
    db = tmp_path / "baru" / "provinsi.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "readiness", "regions", "import", str(seluma_file), "--db", str(db)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Kabupaten Seluma (17.05): 2 kecamatan, 3 desa/kelurahan dimuat" in done.stdout
    assert done.stderr == ""


REFUSALS = {
    "unknown_kabupaten": (
        [row.replace("17.05", "17.99") for row in SELUMA],
        "berisi kode kabupaten 17.99, yang tidak ada dalam daftar kabupaten Provinsi Bengkulu",
    ),
    "two_kabupaten": (
        [*SELUMA, "17.06.01,Kota Mukomuko,17.06.01.1001,Koto Jaya,kelurahan"],
        "memuat kode lebih dari satu kabupaten (17.05, 17.06); baris 5 adalah yang pertama",
    ),
    "own_kabupaten": (
        ["17.02.06,Kota Padang,17.02.06.2001,Derati,desa"],
        "berisi Kabupaten Rejang Lebong (17.02), kabupaten instans ini",
    ),
    "bad_kind": (
        [*SELUMA[:2], "17.05.02,Seluma Barat,17.05.02.2001,Talang Alai,dusun"],
        "baris 4: jenis harus 'desa' atau 'kelurahan', tertulis 'dusun'",
    ),
    "desa_outside_kecamatan": (
        [*SELUMA[:2], "17.05.02,Seluma Barat,17.05.03.2001,Talang Alai,desa"],
        "baris 4: desa 17.05.03.2001 tidak berada di kecamatan 17.05.02",
    ),
    "no_codes": (["x,Sukaraja,y,Riak Siabun,desa"], "baris 2: kode kecamatan harus PP.KK.CC"),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_refused_files_store_nothing(store, tmp_path, capsys, kind):
    rows, expected = REFUSALS[kind]
    path = write_csv(tmp_path, f"{kind}.csv", *rows)
    before = (store.count("regions"), store.data_version())
    assert run(store, path) == 1
    err = capsys.readouterr().err
    assert err.startswith("Galat: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert (store.count("regions"), store.data_version()) == before


def test_missing_columns_and_missing_file_are_one_line(store, tmp_path, capsys):
    before = store.count("regions")
    no_jenis = write_csv(
        tmp_path, "tanpa_jenis.csv", "17.05.01,A,17.05.01.2001,B", header=HEADER[:-6]
    )
    assert run(store, no_jenis) == 1
    assert "baris 1: kolom jenis tidak ada" in capsys.readouterr().err
    assert run(store, tmp_path / "tidak_ada.csv") == 1
    assert capsys.readouterr().err.startswith("Galat: Berkas")
    assert store.count("regions") == before


def test_removing_desa_with_rosters_or_tps_is_refused_and_named(
    store, seluma_file, tmp_path, capsys
):
    assert run(store, seluma_file) == 0
    admin = Actor("admin.provinsi", "admin", Scope(""))
    store.store_roster(
        admin,
        "17.05.01.2001",
        make_officers(
            [make_nik(1, kecamatan_code="17.05.01"), make_nik(2, kecamatan_code="17.05.01")]
        ),
        no_findings(),
        file_name="riak_siabun.csv",
        sha256=hashlib.sha256(b"x").hexdigest(),
        counts={"accepted": 2},
    )
    tps = pl.DataFrame({"desa_code": ["17.05.02.2001"], "tps_number": [1], "rawan": [False]})
    store.replace_tps(admin, tps, file_name="tps_seluma.csv")
    only_sukaraja = write_csv(tmp_path, "hanya_sukaraja.csv", SELUMA[0])
    before = (store.count("regions"), store.data_version(), seluma_desa(store))
    assert run(store, only_sukaraja) == 1
    err = capsys.readouterr().err
    assert (
        "tidak memuat 2 desa/kelurahan yang sudah punya daftar linmas atau TPS: "
        "17.05.01.2001 Riak Siabun (daftar linmas); 17.05.02.2001 Talang Alai (TPS)."
    ) in err
    assert (store.count("regions"), store.data_version(), seluma_desa(store)) == before
    # Keeping those two desa (a renamed kecamatan is fine) is accepted.
    kept = write_csv(
        tmp_path, "tetap.csv", *SELUMA[1:], SELUMA[0].replace("Sukaraja,17", "Suka Raja,17")
    )
    assert run(store, kept) == 0


def test_only_a_province_wide_admin_may_import(store, seluma_file, capsys):
    auth.add_user(store, SYSTEM, "pimpinan.provinsi", "pimpinan", "17")
    auth.add_user(store, SYSTEM, "admin.rejanglebong", "admin", "17.02")
    before = store.count("regions")
    assert run(store, seluma_file, "--user", "pimpinan.provinsi") == 1
    assert "tidak berwenang mengubah daftar TPS dan data rujukan" in capsys.readouterr().err
    assert run(store, seluma_file, "--user", "admin.rejanglebong") == 1
    assert "tidak berwenang atas wilayah 17.05" in capsys.readouterr().err
    assert store.count("regions") == before


# -- start-up sync never touches an imported kabupaten ---------------------------------------------


def test_start_up_sync_keeps_the_imported_kabupaten(store, seluma_file):
    assert run(store, seluma_file) == 0
    imported = seluma_desa(store)
    # A changed kabupaten name changes the fingerprint: the sync rewrites this kabupaten's rows.
    renamed = dataclasses.replace(store.settings, kabupaten_name="Kabupaten Rejang Lebong (uji)")
    reopened = Store.open(store.path, renamed)
    assert reopened.audit_log()["action"][0] == "regions.sync"
    assert reopened.region_name("17.02") == "Kabupaten Rejang Lebong (uji)"
    assert seluma_desa(reopened) == imported
    assert reopened.region_name("17.05") == "Kabupaten Seluma"
    # Back to the bundled settings: synced again, Seluma still there.
    again = Store.open(store.path, store.settings)
    assert again.region_name("17.02") == "Kabupaten Rejang Lebong"
    assert seluma_desa(again) == imported


def test_backup_check_names_the_kabupaten_with_regions(store, seluma_file, tmp_path):
    from readiness import backup

    assert run(store, seluma_file) == 0
    backup.backup(store, tmp_path / "cadangan.duckdb")
    assert Store.inspect_file(tmp_path / "cadangan.duckdb")["kabupaten"] == ["17.02", "17.05"]


# -- Ringkasan for a province head -------------------------------------------------------------


def test_province_head_sees_every_kabupaten_and_the_imported_desa(
    store, seluma_file, env_db, app_as
):
    assert env_db == store.path
    assert run(store, seluma_file) == 0
    at = app_as("pimpinan", "17").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Desa/kelurahan mengirim"] == "0 dari 159"  # 156 + Seluma's 3
    areas = next(d.value for d in at.dataframe if "Kabupaten/kota" in d.value.columns)
    assert areas["Kode"].tolist() == [code for code, _ in BENGKULU]
    rows = areas.set_index("Kode")
    assert rows.loc["17.05", "Desa mengirim"] == "0 dari 3"
    assert rows.loc["17.05", "Kecamatan lengkap"] == "0 dari 2"
    assert rows.loc["17.02", "Desa mengirim"] == "0 dari 156"
    assert rows.loc["17.01", "Kecamatan lengkap"] == "data wilayah belum dimuat"
    assert rows.loc["17.01", "Desa mengirim"] == "–"
    note = next(i.value for i in at.info if "Data wilayah" in i.value)
    assert "baru dimuat untuk 2 dari 10 kabupaten/kota" in note
    assert "Kabupaten Kaur" in note
    assert "Kabupaten Seluma" not in note


def test_without_a_kabupaten_list_only_the_home_kabupaten_exists(db_path, settings, seluma_file):
    assert settings.kabupaten_list_file.name == "kabupaten_bengkulu.csv"
    alone = Store.open(db_path, dataclasses.replace(settings, kabupaten_list_file=None))
    assert alone.region_names("kabupaten", Scope("17")).rows() == [BENGKULU[1]]
    assert alone.count("regions") == OWN_REGION_ROWS
    with pytest.raises(ReadinessError, match=r"\(kode yang dikenal: tidak ada\)"):
        check_region_file(seluma_file, alone.settings)
