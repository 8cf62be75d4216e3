"""The overview figures, the Ringkasan page and `summary --json` agree."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import readiness_oracle as oracle
from conftest import DASHBOARD
from polars.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from readiness import metrics, reports
from readiness.cli import main
from readiness.scope import Scope

WIB = metrics.WIB


def _villages() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kecamatan_code": ["k1", "k1", "k2"],
            "kecamatan_name": ["Satu", "Satu", "Dua"],
            "desa_code": ["k1.1", "k1.2", "k2.1"],
            "desa_name": ["A", "B", "C"],
            "desa_kind": ["desa", "kelurahan", "desa"],
        }
    )


def test_desa_overview_counts_required_unknown_without_tps_and_caps_rate():
    tps = pl.DataFrame(
        {
            "desa_code": ["k1.1", "k1.1", "k2.1"],
            "tps_number": [1, 2, 1],
            "rawan": [False, True, False],
        }
    )
    submissions = pl.DataFrame(
        {
            "desa_code": ["k1.1", "k1.1", "k1.2"],
            "version": [1, 2, 1],
            "uploaded_at": [
                dt.datetime(2024, 11, 20, 23, 59, tzinfo=WIB),
                dt.datetime(2024, 11, 22, 8, 0, tzinfo=WIB),
                dt.datetime(2024, 11, 21, 0, 1, tzinfo=WIB),
            ],
        }
    )
    officers = pl.DataFrame(
        {"desa_code": ["k1.1"] * 5 + ["k1.2"], "nik": ["a", "b", "c", "d", "e", "f"]}
    )
    rules = metrics.Rules(
        officers_per_tps=2, rawan_extra_officers=1, submission_deadline=dt.date(2024, 11, 20)
    )
    desa = metrics.desa_overview(_villages(), tps, submissions, officers, rules)
    expected = pl.DataFrame(
        {
            "desa_code": ["k1.1", "k1.2", "k2.1"],
            "tps_count": [2, None, 1],
            "officers_required": [5, None, 2],
            "officers_registered": [5, 1, 0],
            "officers_counted": [5, 0, 0],
            "submitted": [True, True, False],
            "versions": [2, 1, None],
            "on_time": [True, False, None],
        },
        schema_overrides={
            "tps_count": pl.Int64,
            "officers_required": pl.Int64,
            "versions": pl.Int64,
        },
    )
    assert_frame_equal(desa.select(expected.columns), expected)

    kecamatan = metrics.kecamatan_overview(desa)
    assert kecamatan["submission_state"].to_list() == ["lengkap", "belum mengirim"]
    assert kecamatan["desa_without_tps"].to_list() == [1, 0]
    summary = metrics.kabupaten_summary(kecamatan)
    assert summary["kecamatan_complete"] == 1
    assert summary["officers_required"] == 7
    assert summary["desa_late"] == 1
    assert summary["officers_registered_rate"] <= 100


def test_person_listed_by_two_villages_counts_once_for_the_first():
    officers = pl.DataFrame(
        {"desa_code": ["k1.2", "k1.1", "k1.1"], "nik": ["x", "x", "y"], "submission_id": [7, 3, 3]}
    )
    tps = pl.DataFrame(
        {"desa_code": [], "tps_number": [], "rawan": []},
        schema={"desa_code": pl.String, "tps_number": pl.Int64, "rawan": pl.Boolean},
    )
    submissions = pl.DataFrame(
        schema={
            "desa_code": pl.String,
            "version": pl.Int64,
            "uploaded_at": pl.Datetime("us", "UTC"),
        }
    )
    desa = metrics.desa_overview(_villages(), tps, submissions, officers, metrics.Rules())
    assert desa["officers_registered"].to_list() == [2, 0, 0]


def test_demo_overview_matches_pilkada_2024_facts(demo_template):
    view = reports.overview(demo_template, Scope("17.02"))
    s = view.summary
    assert s["kecamatan_total"] == 15
    assert s["desa_total"] == 156
    assert s["tps_total"] == 445
    assert s["officers_required"] == 890
    assert 0 < s["kecamatan_complete"] < 15
    assert s["kecamatan_partial"] > 0
    assert 0 < s["desa_submitted"] < 156
    # A submitted desa is never one that has not: the two lists partition the villages.
    submitted = set(view.desa.filter(pl.col("submitted"))["desa_code"])
    silent = set(oracle.villages_not_submitted(view.desa)["desa_code"])
    assert not submitted & silent
    assert len(submitted | silent) == 156


def test_summary_json_on_fresh_db_path_creates_it(tmp_path, capsys):
    path = tmp_path / "new" / "fresh.duckdb"
    assert main(["summary", "--json", "--db", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert path.exists()
    assert data["kecamatan_total"] == 15
    assert data["desa_total"] == 156
    assert data["desa_submitted"] == 0
    assert data["officers_required"] == 0
    assert {k["kode"] for k in data["kecamatan"]} == {
        *(f"17.02.{n:02d}" for n in range(6, 12)),
        *(f"17.02.{n:02d}" for n in range(16, 25)),
    }


def test_summary_json_equals_overview_page(demo_template, monkeypatch, capsys, app_as):
    assert main(["summary", "--json", "--db", str(demo_template.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("READINESS_DB", str(demo_template.path))
    at = app_as("pimpinan", "17.02").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Kecamatan lengkap"] == f"{data['kecamatan_complete']} dari 15"
    assert shown["Desa/kelurahan mengirim"] == f"{data['desa_submitted']} dari 156"
    assert shown["Linmas terdaftar"] == f"{data['officers_registered']} dari 890"
    assert shown["Kecamatan sebagian"] == str(data["kecamatan_partial"])
    assert any("DATA CONTOH" in w.value for w in at.warning)
    per_kecamatan = at.dataframe[0].value  # the first table is the per-kecamatan one
    assert len(per_kecamatan) == 15


def test_overview_page_on_empty_database_shows_first_steps(env_db, app_as):
    at = app_as("admin", "17.02").run()
    assert not at.exception
    assert any("Basis data masih kosong" in i.value for i in at.info)
    assert not any("DATA CONTOH" in w.value for w in at.warning)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Desa/kelurahan mengirim"] == "0 dari 156"


def test_cli_error_is_one_indonesian_line(tmp_path, capsys):
    code = main(
        ["tps", "import", str(tmp_path / "tidak_ada.csv"), "--db", str(tmp_path / "x.duckdb")]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Galat: Berkas")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_malformed_region_file_stops_start_up_with_file_and_row(tmp_path, monkeypatch, capsys):
    from readiness.config import DEFAULT_SETTINGS_FILE

    regions = tmp_path / "wilayah.csv"
    regions.write_text(
        "kode_kecamatan,nama_kecamatan,kode_desa,nama_desa,jenis\n"
        "17.02.06,Kota Padang,17.02.06.2001,Derati,desa\n"
        "17.02.06,Kota Padang,17.02.07.2002,Salah,desa\n",
        encoding="utf-8",
    )
    settings = tmp_path / "settings.toml"
    settings.write_text(
        DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8").replace(
            'region_file = "wilayah_rejang_lebong.csv"', 'region_file = "wilayah.csv"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("READINESS_SETTINGS", str(settings))
    monkeypatch.setenv("READINESS_DB", str(tmp_path / "x.duckdb"))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    assert "wilayah.csv, baris 3" in at.error[0].value
    capsys.readouterr()  # drop what the in-process Streamlit run logged; judge the CLI alone
    assert main(["summary", "--db", str(tmp_path / "y.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "wilayah.csv, baris 3" in err
    assert "Traceback" not in err


def test_overview_page_shows_no_error_for_any_role(demo_template, monkeypatch, app_as):
    monkeypatch.setenv("READINESS_DB", str(demo_template.path))
    for role, region in [
        ("admin", "17.02"),
        ("pimpinan", "17.02"),
        ("operator_kecamatan", "17.02.06"),
        ("operator_desa", "17.02.06.2001"),
    ]:
        at = app_as(role, region).run()
        at.switch_page("pages/overview.py").run()  # operators land on their own home page
        assert not at.exception, role
        assert not at.error, (role, [e.value for e in at.error])
        labels = {m.label for m in at.metric}
        if role == "operator_desa":  # their own village, not "kecamatan lengkap 1 dari 1"
            assert {"Kiriman", "Verifikasi"} <= labels
            assert "Kecamatan lengkap" not in labels
        else:
            assert "Kecamatan terverifikasi" in labels, role
