"""The benchmark generator is deterministic and nested, bulk load and per-desa counts agree with
the row-level path, and the benchmark command prints its table (no timing is asserted)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from conftest import make_nik, make_officers, no_findings

from benchmarks import bench
from benchmarks.generator import S_EXPECTED, SIZES, generate
from readiness import metrics, province, reports
from readiness.db import SYSTEM, Actor, Store
from readiness.errors import AccessDenied
from readiness.scope import Scope

CSV_FILES = ("regions", "tps", "submissions", "officers")


def test_generator_is_deterministic_and_has_the_documented_s_sizes(tmp_path, settings):
    first = generate("S", tmp_path / "a", settings)
    generate("S", tmp_path / "b", settings)
    for name in CSV_FILES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (
            tmp_path / "b" / f"{name}.csv"
        ).read_bytes()
    size = SIZES["S"]
    assert first.counts == {
        "provinsi": 1,
        "kabupaten": size.kabupaten,
        "kecamatan": size.kecamatan,
        "desa": size.desa,
        "tps": size.tps,
        **S_EXPECTED,
    }
    assert (size.kecamatan, size.desa, size.tps) == (15, 156, 600)
    officers = pl.read_csv(first.officers, infer_schema=False)
    assert officers["nik"].str.len_chars().unique().to_list() == [16]
    assert officers.filter(pl.col("version") == "1").select("desa_code", "nik").is_unique().all()


def test_sizes_nest_so_the_kabupaten_rows_are_identical_in_m(tmp_path, settings):
    small = generate("S", tmp_path / "s", settings)
    medium = generate("M", tmp_path / "m", settings)
    assert medium.counts["desa"] == SIZES["M"].desa
    assert medium.counts["tps"] == SIZES["M"].tps
    for name in ("tps", "submissions", "officers"):
        s = pl.read_csv(getattr(small, name), infer_schema=False)
        m = pl.read_csv(getattr(medium, name), infer_schema=False)
        assert m.filter(pl.col("desa_code").str.starts_with("17.02.")).equals(s)
    names = pl.read_csv(medium.regions, infer_schema=False)
    synthetic = names.filter(~pl.col("code").str.starts_with("17.02") & (pl.col("level") == "desa"))
    assert synthetic["name"].str.contains("Contoh").all()


def test_bulk_load_adds_every_row_in_one_audited_write(store, settings, generated_province):
    generated = generated_province
    before = store.data_version()
    files = {name: getattr(generated, name) for name in CSV_FILES}
    added = store.bulk_load(SYSTEM, files)
    bundled = 1 + 1 + 15 + 156  # province, kabupaten, kecamatan, desa already loaded at open
    bundled += 9  # the other kabupaten rows of data/kabupaten_bengkulu.csv, too
    assert added == {
        "regions": 10 + 129 + 1_513 + 1 - bundled,
        "tps": 6_500,
        "submissions": generated.counts["submissions"],
        "officers": generated.counts["officers_rows"],
    }
    assert store.data_version() == before + 2
    assert store.audit_log(limit=2)["action"].to_list() == ["readiness.recount", "bulk.load"]
    assert store.cached_readiness_counts(Scope("17"), dt.datetime.now(metrics.WIB).date())
    # Opening again must not rewrite the bundled kabupaten because other kabupaten exist.
    version = store.data_version()
    Store.open(store.path, settings)
    assert store.data_version() == version
    view = reports.overview(store, Scope("17"))
    summary = view.summary
    assert (summary["desa_total"], summary["tps_total"]) == (1_513, 6_500)
    assert summary["officers_registered"] == generated.counts["officers_active"]
    # A province scope also gets the berjenjang recap per kabupaten, summing to the same totals.
    assert view.areas.height == 10
    assert view.areas.filter(pl.col("area_code") == "17.02")["area_name"].to_list() == [
        "Kabupaten Rejang Lebong"
    ]
    assert view.areas["officers_registered"].sum() == summary["officers_registered"]
    assert reports.overview(store, Scope("")).areas["area_code"].to_list() == ["17"]
    assert reports.overview(store, Scope("17.02")).areas is None


def test_bulk_load_is_refused_to_a_scoped_account(tmp_path, settings):
    generated = generate("S", tmp_path / "csv", settings)
    store = Store.open(tmp_path / "s.duckdb", settings)
    operator = Actor("kab", "admin_kabupaten", Scope("17.02"))
    with pytest.raises(AccessDenied):
        province.bulk_load(store, operator, {"tps": generated.tps})
    assert store.count("tps") == 0


def test_counted_in_duckdb_equals_the_row_level_path(store):
    kec = "17.02.06"
    nik = [make_nik(i, kecamatan_code=kec) for i in range(1, 6)]
    store.replace_tps(
        SYSTEM,
        pl.DataFrame(
            {
                "desa_code": ["17.02.06.2001", "17.02.06.2001", "17.02.06.2002"],
                "tps_number": [1, 2, 1],
                "rawan": [False, True, False],
            }
        ),
        file_name="tps.csv",
    )
    for desa, people in (("17.02.06.2001", nik[:3]), ("17.02.06.2002", [*nik[3:], nik[4]])):
        store.store_roster(
            Actor("op", "operator_desa", Scope(desa)),
            desa,
            make_officers(people),
            no_findings(),
            file_name="r.csv",
            sha256="x",
            counts={"accepted": len(people)},
        )
    scope = Scope("17.02")
    rows = metrics.desa_overview(
        store.villages(scope),
        store.tps(scope),
        store.submissions(scope, active_only=False),
        store.officers(scope).select("desa_code", "nik", "submission_id"),
        reports.rules(store.settings),
    )
    counted = reports.overview(store, scope).desa.select(rows.columns)
    assert counted.equals(rows)
    # A NIK listed twice in one roster counts once.
    both = counted.filter(pl.col("desa_code").is_in(["17.02.06.2001", "17.02.06.2002"]))
    assert both["officers_registered"].to_list() == [3, 2]


def test_benchmark_command_prints_the_table_at_a_tiny_size(tmp_path, capsys):
    out = tmp_path / "benchmarks.md"
    code = bench.main(
        ["--sizes", "S", "--tiny", "--no-browser", "--out", str(out), "--cache", str(tmp_path)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "| ukuran | pengukuran | cakupan | median ms | floor ms | rasio |" in printed
    for page in bench.PAGES:
        assert f"| S | {page.name} |" in printed
    assert "Muat massal (Store.bulk_load)" in printed
    assert "angka beda dari floor" not in printed
    written = out.read_text(encoding="utf-8")
    assert written.startswith("# Benchmarks")
    assert "| S | Ringkasan (overview) | kabupaten 17.02 |" in written


def test_province_user_sees_the_recap_per_kabupaten_on_the_overview(
    tmp_path, province_template, monkeypatch
):
    from conftest import DASHBOARD, copy_database
    from streamlit.testing.v1 import AppTest

    from readiness.db import Actor

    # A copy: the dashboard may write (a login, a recount) to the database it serves.
    monkeypatch.setenv("READINESS_DB", str(copy_database(province_template, tmp_path / "m.duckdb")))
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.session_state["actor"] = Actor("kepala.provinsi", "pimpinan", Scope("17"))
    at.run()
    assert not at.exception
    assert not at.error
    assert any(s.value == "Per kabupaten/kota" for s in at.subheader)
    recap = at.dataframe[0].value
    assert len(recap) == 10
    assert "Kabupaten Rejang Lebong" in set(recap["Kabupaten/kota"])
