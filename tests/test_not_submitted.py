"""The "desa belum mengirim" list read in one query equals the overview-derived list."""

from __future__ import annotations

import dataclasses
import json

import polars as pl
import pytest
import readiness_oracle as oracle
from conftest import make_nik, make_officers, no_findings
from polars.testing import assert_frame_equal

from benchmarks import floors
from benchmarks.bench import _not_submitted_check
from readiness import reports
from readiness.cli import main
from readiness.db import SYSTEM, Actor, Store
from readiness.scope import Scope


def assert_same_list(store: Store, scope: Scope) -> pl.DataFrame:
    """The direct read equals ``villages_not_submitted`` of the overview, and the floor."""
    direct = reports.villages_not_submitted(store, scope)
    derived = oracle.villages_not_submitted(reports.overview(store, scope).desa)
    assert_frame_equal(direct, derived)
    floor = store.read(floors.NOT_SUBMITTED, {"scope": scope.code})
    assert _not_submitted_check(direct, floor)
    return direct


@pytest.mark.parametrize("code", ["", "17", "17.02", "17.02.07", "17.02.06", "17.02.07.2027"])
def test_direct_list_equals_overview_on_demo(demo_template, code):
    assert_same_list(demo_template, Scope(code))


def test_demo_list_is_the_silent_villages_of_the_kabupaten(demo_template):
    silent = assert_same_list(demo_template, Scope("17.02"))
    assert silent.height == 156 - 125  # the demo's 125 villages sent a roster
    assert silent["desa_code"].is_sorted()
    inner = reports.villages_not_submitted(demo_template, Scope("17.02.07"))
    assert inner.height > 0
    assert set(inner["desa_code"]) <= set(silent["desa_code"])


def test_without_tps_rawan_extra_and_any_version(store, settings):
    """Null while a desa has no TPS; rawan extra officers counted; any version is a submission."""
    scope = Scope("17.02")
    assert assert_same_list(store, scope)["tps_count"].null_count() == 156
    store.replace_tps(
        SYSTEM,
        pl.DataFrame(
            {
                "desa_code": ["17.02.06.2001", "17.02.06.2002", "17.02.06.2002"],
                "tps_number": [1, 1, 2],
                "rawan": [False, True, False],
            }
        ),
        file_name="tps.csv",
    )
    desa = "17.02.06.2001"
    for version in (1, 2):
        store.store_roster(
            Actor("op", "operator_desa", Scope(desa)),
            desa,
            make_officers([make_nik(version)]),
            no_findings(),
            file_name=f"v{version}.csv",
            sha256=f"x{version}",
            counts={"accepted": 1},
        )
    for per_tps, extra in ((2, 0), (3, 1)):
        changed = dataclasses.replace(
            settings, officers_per_tps=per_tps, rawan_extra_officers=extra
        )
        silent = assert_same_list(Store(store.path, changed), scope)
        assert desa not in silent["desa_code"].to_list()
        row = silent.filter(pl.col("desa_code") == "17.02.06.2002").row(0, named=True)
        assert (row["tps_count"], row["officers_required"]) == (2, 2 * per_tps + extra)
        assert silent.height == 155


def test_direct_list_equals_overview_on_generated_province(settings, province_template):
    """The M benchmark database (Provinsi Bengkulu, 1,513 desa), at every scope it has."""
    store = Store(province_template, settings)  # reads only
    province = assert_same_list(store, Scope("17"))
    assert province.height > 0
    assert_frame_equal(assert_same_list(store, Scope("")), province)
    for code in ("17.02", "17.01", "17.02.06"):
        assert_same_list(store, Scope(code))


def test_cli_lists_the_silent_villages(demo_template, capsys):
    db = str(demo_template.path)
    assert main(["not-submitted", "--db", db, "--wilayah", "17.02.07", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    expected = reports.villages_not_submitted(demo_template, Scope("17.02.07"))
    assert listed == expected.to_dicts()
    assert main(["not-submitted", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "31 desa/kelurahan belum mengirim daftar linmas"
    first = expected.row(0, named=True)
    assert lines[1].startswith(f"{first['desa_code']}  {first['kecamatan_name']} / ")


def test_cli_unknown_region_is_one_indonesian_line(demo_template, capsys):
    assert main(["not-submitted", "--db", str(demo_template.path), "--wilayah", "18"]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "Galat: Kode wilayah '18' tidak dikenal. Tulis kode Kemendagri seperti 17.02 "
        "(kabupaten) atau 17.02.06 (kecamatan)."
    )
