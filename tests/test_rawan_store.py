"""Graded rawan TPS stored: import from real files (all rows or none), edit, list, export, summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import actor_for, make_nik, make_officers, no_findings

from readiness import rawan_admin
from readiness.cli import EXIT_FILE_REJECTED, EXIT_OK, main
from readiness.db import SYSTEM, Store
from readiness.errors import AccessDenied, ReadinessError
from readiness.scope import Scope

FILES = Path(__file__).parent / "data" / "rawan"
KOTA_PADANG = "17.02.06.1004"  # kelurahan with TPS 1-4 in the test list
BEDENG_SS = "17.02.06.1015"
DUSUN_BARU = "17.02.06.1016"
OFFICER_NAMES = ["Budi Santoso", "Siti Aminah", "Joko Susilo", "Rina Wati"]


def fill(store: Store) -> None:
    """TPS for three kelurahan; four linmas in Kota Padang: three at TPS 1, one at TPS 2."""
    tps = pl.DataFrame(
        {
            "desa_code": [KOTA_PADANG] * 4 + [BEDENG_SS] * 2 + [DUSUN_BARU] * 2,
            "tps_number": [1, 2, 3, 4, 1, 2, 1, 2],
            "rawan": [False] * 8,
        }
    )
    store.replace_tps(SYSTEM, tps, file_name="tps.csv")
    officers = make_officers(
        [make_nik(i) for i in range(1, 5)], nama=OFFICER_NAMES, nomor_tps=[1, 1, 1, 2]
    )
    store.store_roster(SYSTEM, KOTA_PADANG, officers, no_findings(), file_name="v1.xlsx",
                       sha256="a", counts={"accepted": 4})  # fmt: skip


@pytest.fixture
def rawan_store(filled_store) -> Store:
    return filled_store("rawan_tps", fill)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored_levels(store: Store) -> list[tuple]:
    frame = store.rawan_tps(Scope("")).filter(pl.col("level").is_not_null())
    return frame.select("desa_code", "tps_number", "level", "source", "extra_officers").rows()


def history_count(store: Store) -> int:
    return store.rawan_history(Scope("")).height


def test_good_file_stores_levels_sources_history_and_keeps_the_flag(rawan_store, capsys):
    db = str(rawan_store.path)
    code, out, _ = run(capsys, "rawan", "import", str(FILES / "good.csv"), "--db", db)
    assert code == EXIT_OK
    assert "3 TPS dari good.csv disimpan (1 rawan, 2 sangat rawan)" in out
    assert "1 baris tanpa alasan kerawanan" in out
    assert stored_levels(rawan_store) == [
        (KOTA_PADANG, 1, "sangat_rawan", "Bawaslu", 1),
        (KOTA_PADANG, 2, "rawan", "Polres", 0),
        (BEDENG_SS, 1, "sangat_rawan", "FGD", 1),
    ]
    flags = rawan_store.tps(Scope("")).filter(pl.col("rawan"))
    assert flags.select("desa_code", "tps_number").rows() == [
        (KOTA_PADANG, 1), (KOTA_PADANG, 2), (BEDENG_SS, 1),
    ]  # fmt: skip
    history = rawan_store.rawan_history(Scope(""))
    assert history["origin"].unique().to_list() == ["good.csv"]
    assert history["changed_by"].str.starts_with("cli:").all()
    assert history["previous_level"].null_count() == 3


def test_requirement_and_coverage_follow_the_level(rawan_store, capsys):
    db = str(rawan_store.path)
    assert run(capsys, "rawan", "import", str(FILES / "good.csv"), "--db", db)[0] == EXIT_OK
    code, out, _ = run(capsys, "rawan", "list", "--db", db, "--json")
    rows = {(r["desa_code"], r["tps_number"]): r for r in json.loads(out)}
    # Sangat rawan needs 2 + 1: three linmas at TPS 1 cover it; TPS 2 (rawan, +0) has one of two.
    assert (rows[(KOTA_PADANG, 1)]["officers_required"], rows[(KOTA_PADANG, 1)]["covered"]) == (
        3,
        True,
    )
    assert rows[(KOTA_PADANG, 2)]["officers_assigned"] == 1
    assert rows[(BEDENG_SS, 1)]["officers_required"] == 3
    code, out, _ = run(capsys, "summary", "--db", db, "--json")
    data = json.loads(out)
    assert (data["rawan_tps"], data["sangat_rawan_tps"], data["sangat_rawan_uncovered"]) == (
        1,
        2,
        1,
    )
    assert data["tps_total"] == 8
    assert "days_to_vote" in data
    assert "rawan_uncovered" in data
    # The SQL counts use each TPS's extra: 8 TPS x 2 + 2 sangat rawan x 1.
    kota = next(k for k in data["kecamatan"] if k["kode"] == "17.02.06")
    assert kota["tps_covered"] == 1  # only TPS 1 of Kota Padang has its three


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("unknown_village.csv", {"rawan_desa"}),
        ("bad_level.csv", {"rawan_level_unknown"}),
        ("duplicate_tps.csv", {"rawan_duplicate"}),
    ],
)
def test_a_bad_row_refuses_the_whole_file(rawan_store, capsys, name, codes):
    db = str(rawan_store.path)
    before = (stored_levels(rawan_store), history_count(rawan_store))
    code, out, _ = run(capsys, "rawan", "import", str(FILES / name), "--db", db, "--json")
    report = json.loads(out)
    assert code == EXIT_FILE_REJECTED
    assert report["ok"] is False
    assert report["stored"] == 0
    assert {f["code"] for f in report["findings"] if f["severity"] == "error"} == codes
    assert (stored_levels(rawan_store), history_count(rawan_store)) == before
    code, _, err = run(capsys, "rawan", "import", str(FILES / name), "--db", db)
    assert code == EXIT_FILE_REJECTED
    assert f"Berkas {name} ditolak" in err
    assert "tidak ada tingkat kerawanan yang disimpan" in err


def test_dry_run_checks_and_stores_nothing(rawan_store, capsys):
    db = str(rawan_store.path)
    code, out, _ = run(capsys, "rawan", "import", str(FILES / "good.csv"), "--db", db,
                       "--dry-run")  # fmt: skip
    assert code == EXIT_OK
    assert "Uji coba saja" in out
    assert stored_levels(rawan_store) == []
    assert history_count(rawan_store) == 0


def test_rawan_import_works_on_a_fresh_database(tmp_path, capsys):
    code, _, err = run(capsys, "rawan", "import", str(FILES / "good.csv"),
                       "--db", str(tmp_path / "fresh.duckdb"))  # fmt: skip
    assert code == EXIT_FILE_REJECTED  # no TPS list yet: every row names the missing TPS
    assert "ditolak" in err


def test_edit_one_tps_keeps_history_and_checks_the_admin(rawan_store):
    admin = actor_for("admin")
    rawan_admin.set_rawan_level(rawan_store, admin, DUSUN_BARU, 2, level="rawan",
                                source="Polres", reason="jauh dari pos")  # fmt: skip
    rawan_admin.set_rawan_level(rawan_store, admin, DUSUN_BARU, 2, level="sangat_rawan",
                                source="Bawaslu", reason="konflik")  # fmt: skip
    history = rawan_store.rawan_history(Scope(""))
    assert history.select("previous_level", "level", "origin").rows() == [
        ("rawan", "sangat_rawan", "halaman Kesiapan"),
        (None, "rawan", "halaman Kesiapan"),
    ]
    rawan_admin.set_rawan_level(rawan_store, admin, DUSUN_BARU, 2, level=None, source=None,
                                reason=None)  # fmt: skip
    row = rawan_store.tps(Scope(DUSUN_BARU)).filter(pl.col("tps_number") == 2).row(0, named=True)
    assert (row["rawan"], row["rawan_level"], row["extra_officers"]) == (False, None, None)
    with pytest.raises(ReadinessError, match="tanpa alasan"):
        rawan_admin.set_rawan_level(rawan_store, admin, DUSUN_BARU, 1, level="rawan",
                                    source="Polres", reason=" ")  # fmt: skip
    with pytest.raises(ReadinessError, match="Sumber 'Koran' tidak dikenal"):
        rawan_admin.set_rawan_level(rawan_store, admin, DUSUN_BARU, 1, level="rawan",
                                    source="Koran", reason="x")  # fmt: skip
    for role in ("mitra_keamanan", "pimpinan", "operator_desa"):
        with pytest.raises(AccessDenied):
            rawan_admin.set_rawan_level(rawan_store, actor_for(role), DUSUN_BARU, 1,
                                        level="rawan", source="Polres", reason="x")  # fmt: skip
    assert history_count(rawan_store) == 3


def test_rawan_export_has_levels_and_counts_but_no_personal_data(rawan_store, capsys, tmp_path):
    db = str(rawan_store.path)
    assert run(capsys, "rawan", "import", str(FILES / "good.csv"), "--db", db)[0] == EXIT_OK
    out = tmp_path / "rawan.xlsx"
    code, said, _ = run(capsys, "export", "--format", "rawan-xlsx", "--out", str(out), "--db", db)
    assert code == EXIT_OK, said
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Sangat rawan" in cells
    assert "Bawaslu" in cells
    assert "Linmas dibutuhkan" in cells
    text = " ".join(cells)
    for name in OFFICER_NAMES:
        assert name not in text
    assert make_nik(1) not in text
    assert "0812" not in text
