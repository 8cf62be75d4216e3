"""A province instance works every kabupaten whose regions are loaded like its home one.

A fresh database, then ``regions import`` of a small fake Kabupaten Seluma (17.05): rosters,
TPS, accounts, pages and exports of 17.05 work as they do for the home kabupaten (17.02),
and the home kabupaten's paths stay as they were.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from roster_builder import csv_bytes, people
from streamlit.testing.v1 import AppTest
from test_readiness_cache import assert_cache_is_live
from test_regions_import import SELUMA, write_csv

from readiness import auth, exports, kabupaten_regions, roster
from readiness.cli import main
from readiness.db import SYSTEM, WIB, Store
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope
from readiness.tps_list import check_tps_file

SELUMA_DESA = "17.05.01.2001"  # Riak Siabun, Kecamatan Sukaraja
TPS_HEADER = "Kecamatan;Desa/Kelurahan;No TPS;Rawan;Alamat"
SELUMA_TPS = [
    "Sukaraja;Riak Siabun;1;;Balai desa",
    "Sukaraja;Riak Siabun;2;Ya;",
    "Sukaraja;17.05.01.1001;1;;",
    "Seluma Barat;Talang Alai;TPS 01;;",
]


@pytest.fixture
def province(store: Store, tmp_path: Path) -> Store:
    """The bundled Rejang Lebong instance with Seluma's kecamatan/desa imported."""
    seluma = write_csv(tmp_path, "wilayah_seluma.csv", *SELUMA)
    assert main(["regions", "import", str(seluma), "--db", str(store.path)]) == 0
    return store


def cli(store: Store, *args: str) -> int:
    return main([*args, "--db", str(store.path)])


def seluma_roster(tmp_path: Path, count: int = 4, *, home_niks: int = 0) -> Path:
    """A roster of Seluma-born linmas (NIKs 1705...), the last ``home_niks`` born in 17.02."""
    rows = people(count)
    for index, row in enumerate(rows):
        region = "170206" if index >= count - home_niks else "170501"
        row["NIK"] = region + str(row["NIK"])[6:]
        row["TPS"] = "TPS 01"
    path = tmp_path / "riak_siabun.csv"
    path.write_bytes(csv_bytes(rows))
    return path


def tps_file(tmp_path: Path, rows: list[str], name: str = "tps.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([TPS_HEADER, *rows]) + "\r\n").encode("utf-8"))
    return path


def last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


# -- rosters ---------------------------------------------------------------------------------------


def test_roster_import_for_an_imported_desa_is_stored_and_counted(province, tmp_path, capsys):
    path = seluma_roster(tmp_path, 4, home_niks=1)
    assert cli(province, "import", str(path), "--desa", SELUMA_DESA, "--json") == 0
    result = last_json(capsys)
    assert (result["desa"], result["accepted"], result["rejected"], result["version"]) == (
        SELUMA_DESA,
        4,
        0,
        1,
    )
    # NIKs are compared with the desa's own kabupaten: only the Rejang Lebong NIK is noted.
    outside = [f for f in result["findings"] if f["code"] == "nik_outside_kabupaten"]
    assert [f["row"] for f in outside] == [5]
    assert province.submissions(Scope("17.05"))["desa_code"].to_list() == [SELUMA_DESA]

    assert cli(province, "summary", "--json", "--kabupaten", "17.05") == 0
    summary = last_json(capsys)
    assert (summary["kabupaten_code"], summary["kabupaten_name"]) == ("17.05", "Kabupaten Seluma")
    assert summary["scope_code"] == "17.05"  # a recap the province can import as Seluma's
    assert (summary["desa_submitted"], summary["desa_total"]) == (1, 3)
    assert summary["officers_registered"] == 4
    assert_cache_is_live(province, Scope("17.05"))
    assert_cache_is_live(province, Scope("17"))

    assert cli(province, "summary", "--kabupaten", "17.05") == 0
    assert capsys.readouterr().out.startswith("Kabupaten Seluma — ")


def test_a_desa_of_a_listed_but_unloaded_kabupaten_points_to_regions_import(province, tmp_path):
    path = seluma_roster(tmp_path)
    with pytest.raises(ReadinessError) as refused:
        roster.check_roster_file(province, "17.01.01.2001", path.read_bytes(), path.name)
    assert refused.value.code == "regions_not_loaded"
    assert refused.value.message.startswith(
        "Daftar kecamatan dan desa/kelurahan Kabupaten Bengkulu Selatan (17.01) belum dimuat "
        "di instans ini, jadi wilayah 17.01.01.2001 belum dapat dipakai. Admin provinsi "
        "memuatnya dengan `python -m readiness regions import BERKAS.csv`"
    )
    with pytest.raises(ReadinessError) as unknown:
        roster.check_roster_file(province, "17.05.01.2999", path.read_bytes(), path.name)
    assert unknown.value.code == "desa_unknown"
    assert "daftar wilayah Kabupaten Seluma" in unknown.value.message
    assert province.count("submissions") == 0


# -- TPS -------------------------------------------------------------------------------------------


def test_tps_import_with_kabupaten_matches_the_imported_villages(province, tmp_path, capsys):
    path = tps_file(tmp_path, SELUMA_TPS)
    # Without --kabupaten the file is matched to the home kabupaten: nothing is stored.
    assert cli(province, "tps", "import", str(path)) == 2
    assert "tidak ada dalam daftar wilayah" in capsys.readouterr().err
    assert province.count("tps") == 0

    assert cli(province, "tps", "import", str(path), "--kabupaten", "17.05") == 0
    assert capsys.readouterr().out == "4 TPS disimpan untuk 3 desa/kelurahan.\n"
    assert province.tps(Scope("17.05")).select("desa_code", "tps_number", "rawan").rows() == [
        ("17.05.01.1001", 1, False),
        ("17.05.01.2001", 1, False),
        ("17.05.01.2001", 2, True),
        ("17.05.02.2001", 1, False),
    ]
    assert_cache_is_live(province, Scope("17.05"))
    assert cli(province, "summary", "--json", "--kabupaten", "17.05") == 0
    assert last_json(capsys)["officers_required"] == 8


@pytest.mark.parametrize(
    ("kabupaten", "expected"),
    [
        ("17.01", "Kabupaten Bengkulu Selatan (17.01) belum dimuat di instans ini. Admin provinsi"),
        ("17.99", "Kode kabupaten '17.99' tidak dikenal. Tulis kode seperti 17.02; kabupaten "
         "yang wilayahnya sudah dimuat: 17.02 Kabupaten Rejang Lebong; 17.05 Kabupaten Seluma."),
    ],
)  # fmt: skip
def test_tps_import_for_an_unusable_kabupaten_says_why(
    province, tmp_path, capsys, kabupaten, expected
):
    path = tps_file(tmp_path, SELUMA_TPS)
    assert cli(province, "tps", "import", str(path), "--kabupaten", kabupaten) == 1
    err = capsys.readouterr().err
    assert err.startswith("Galat: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert province.count("tps") == 0


# -- accounts --------------------------------------------------------------------------------------


def test_accounts_for_any_loaded_region(province, tmp_path, capsys):
    assert cli(province, "user", "add", "admin.seluma", "--role", "admin", "--region", "17.05") == 0
    assert "Akun admin.seluma dibuat" in capsys.readouterr().out
    assert cli(province, "user", "add", "pimpinan.seluma", "--role", "pimpinan", "--region",
               "17.05") == 0  # fmt: skip
    assert cli(province, "user", "add", "talang.alai", "--role", "operator_desa", "--region",
               "17.05.02.2001") == 0  # fmt: skip
    capsys.readouterr()
    assert cli(province, "user", "add", "admin.kaur", "--role", "admin", "--region", "17.04") == 1
    assert "Kabupaten Kaur (17.04) belum dimuat" in capsys.readouterr().err

    # The Seluma admin works in Seluma only.
    assert cli(province, "--user", "admin.seluma", "user", "add", "desa.x", "--role",
               "operator_desa", "--region", "17.02.06.2001") == 1  # fmt: skip
    assert "tidak berwenang membuat akun di wilayah 17.02.06.2001" in capsys.readouterr().err
    out = tmp_path / "akun_seluma.xlsx"
    assert cli(province, "--user", "admin.seluma", "user", "bulk-create", "--out", str(out)) == 0
    assert "5 akun dibuat" in capsys.readouterr().out  # 2 kecamatan + 3 desa, none of 17.02
    made = province.users(SYSTEM).filter(province.users(SYSTEM)["username"].str.contains("17.0"))
    assert sorted(made["region_code"].to_list()) == [
        "17.05.01", "17.05.01.1001", "17.05.01.2001", "17.05.02", "17.05.02.2001",
    ]  # fmt: skip
    seluma_admin = auth.actor_from_record(province.user_record("admin.seluma"))
    with pytest.raises(AccessDenied):
        auth.bulk_create_operators(province, seluma_admin, "17.02")

    # An operator account of the imported kabupaten stores its own desa's roster.
    path = seluma_roster(tmp_path)
    assert cli(province, "user", "add", "desa.riak", "--role", "operator_desa", "--region",
               SELUMA_DESA) == 0  # fmt: skip
    assert cli(province, "--user", "desa.riak", "import", str(path), "--desa", SELUMA_DESA) == 0
    assert province.submissions(Scope(SELUMA_DESA))["uploader"].to_list() == ["desa.riak"]


def test_bulk_create_names_the_kabupaten(province, tmp_path, capsys):
    out = tmp_path / "akun.xlsx"
    assert cli(province, "user", "bulk-create", "--kabupaten", "17.05", "--out", str(out)) == 0
    assert "5 akun dibuat" in capsys.readouterr().out
    assert cli(province, "user", "bulk-create", "--kabupaten", "17.03", "--out",
               str(tmp_path / "x.xlsx")) == 1  # fmt: skip
    assert "Kabupaten Bengkulu Utara (17.03) belum dimuat" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


# -- pages and exports for a kabupaten-scoped head of Seluma -------------------------------------


def seluma_with_data(province: Store, tmp_path: Path) -> Store:
    assert cli(province, "tps", "import", str(tps_file(tmp_path, SELUMA_TPS)), "--kabupaten",
               "17.05") == 0  # fmt: skip
    path = seluma_roster(tmp_path, 3)
    assert cli(province, "import", str(path), "--desa", SELUMA_DESA) == 0
    return province


def open_page(app_as, page: str, role: str, region: str) -> AppTest:
    at = app_as(role, region).run()
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error
    return at


def test_ringkasan_and_kesiapan_for_a_seluma_head(province, tmp_path, env_db, app_as, capsys):
    assert env_db == province.path
    seluma_with_data(province, tmp_path)
    capsys.readouterr()
    at = open_page(app_as, "pages/overview.py", "pimpinan", "17.05")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Desa/kelurahan mengirim"] == "1 dari 3"
    assert shown["Kecamatan lengkap"] == "0 dari 2"
    assert any(c.value.startswith("Kabupaten Seluma · ") for c in at.caption)

    at = open_page(app_as, "pages/readiness.py", "pimpinan", "17.05")
    assert cli(province, "summary", "--json", "--kabupaten", "17.05") == 0
    data = last_json(capsys)
    shown = {m.label: m.value for m in at.metric}
    assert shown["TPS tercukupi"] == f"{data['tps_covered']} dari {data['tps_total']}"
    assert data["tps_total"] == 4
    kecamatan = at.selectbox(key="drill_kecamatan")
    assert kecamatan.options == ["Sukaraja", "Seluma Barat"]
    assert any(c.value.startswith("Kabupaten Seluma · ") for c in at.caption)


def test_export_for_a_seluma_head_names_seluma(province, tmp_path, env_db, app_as):
    seluma_with_data(province, tmp_path)
    at = open_page(app_as, "pages/export.py", "pimpinan", "17.05")
    region = at.selectbox(key="export_region")
    assert region.options == ["Kabupaten Seluma", "Kecamatan Sukaraja", "Kecamatan Seluma Barat"]
    assert any(c.value.startswith("Kabupaten Seluma · NIK") for c in at.caption)
    now = dt.datetime(2024, 11, 20, 14, 5, tzinfo=WIB)
    recap = exports.build_recap(province, Scope("17.05.01"), now=now)
    assert recap.region_name == "Kecamatan Sukaraja, Kabupaten Seluma"
    assert recap.kabupaten_name == "Kabupaten Seluma"
    assert recap.signature[1:] == ("(nama pejabat)", "(NIP)")  # not the home signatory
    assert recap.headline["desa_submitted"] == 1
    assert exports.export(province, SYSTEM, "pdf", Scope("17.05"), now=now).data.startswith(b"%PDF")


def test_cli_export_of_an_imported_kabupaten(province, tmp_path, capsys):
    seluma_with_data(province, tmp_path)
    out = tmp_path / "rekap_seluma.csv"
    assert (
        cli(province, "export", "--format", "csv", "--out", str(out), "--kabupaten", "17.05") == 0
    )
    assert "17.05.01.2001" in out.read_text(encoding="utf-8-sig")
    assert "17.02." not in out.read_text(encoding="utf-8-sig")
    capsys.readouterr()
    bad = tmp_path / "rekap_kaur.csv"
    assert (
        cli(province, "export", "--format", "csv", "--out", str(bad), "--kabupaten", "17.04") == 1
    )
    assert "Kabupaten Kaur (17.04) belum dimuat" in capsys.readouterr().err
    assert not bad.exists()


def test_tps_page_offers_the_loaded_kabupaten_home_first(province, tmp_path, env_db, app_as):
    at = open_page(app_as, "pages/tps.py", "admin", "17")
    choice = at.selectbox(key="tps_kabupaten")
    assert choice.value == "17.02"
    assert choice.options == ["Kabupaten Rejang Lebong", "Kabupaten Seluma"]
    choice.set_value("17.05").run()
    data = tps_file(tmp_path, SELUMA_TPS).read_bytes()
    at.file_uploader(key="tps_file").upload("tps_seluma.csv", data, "text/csv").run()
    assert not at.exception
    assert not at.error
    at.button(key="tps_save").click().run()
    assert any(s.value == "4 TPS disimpan untuk 3 desa/kelurahan." for s in at.success)
    assert province.tps(Scope("17.05")).height == 4


# -- the home kabupaten is unchanged ----------------------------------------------------------------


def test_home_kabupaten_paths_are_unchanged(province, tmp_path, env_db, app_as, capsys):
    home = ["Kota Padang;Derati;1;;", "Kota Padang;Derati;2;;"]
    assert check_tps_file(province, tps_file(tmp_path, home).read_bytes(), "t.csv").ok
    assert cli(province, "tps", "import", str(tps_file(tmp_path, home))) == 0
    assert province.tps_count("17.02.06.2001") == 2
    assert cli(province, "user", "add", "pimpinan", "--role", "pimpinan", "--region", "17.02") == 0
    assert kabupaten_regions.loaded_kabupaten(province, Scope("17.02")).rows() == [
        ("17.02", "Kabupaten Rejang Lebong")
    ]
    capsys.readouterr()
    assert cli(province, "summary", "--json", "--kecamatan", "17.02.06") == 0
    header = last_json(capsys)
    assert (header["kabupaten_code"], header["kabupaten_name"]) == (
        "17.02",
        "Kabupaten Rejang Lebong",
    )
    at = open_page(app_as, "pages/export.py", "admin", "17.02")
    assert at.selectbox(key="export_region").options[0] == "Kabupaten Rejang Lebong"
    assert not [s for s in at.selectbox if s.key == "tps_kabupaten"]
    at = open_page(app_as, "pages/tps.py", "admin", "17.02")
    assert "tps_kabupaten" not in [s.key for s in at.selectbox]
    assert any(c.value.startswith("Kabupaten Rejang Lebong · ") for c in at.caption)
