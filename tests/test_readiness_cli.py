"""The BPJS / attendance / training commands on real DuckDB files and real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_nik, make_officers, no_findings
from test_readiness_cache import assert_cache_is_live
from test_readiness_imports import bpjs_xlsx

from readiness.cli import EXIT_ERROR, EXIT_FILE_REJECTED, EXIT_OK, main
from readiness.db import SYSTEM, Store

ROOT = Path(__file__).resolve().parent.parent
DESA = "17.02.06.2001"
NAMES = ["Budi Santoso", "Siti Aminah", "Joko Susilo"]


@pytest.fixture
def filled(store) -> Store:
    """Three officers in one desa's roster, nothing enrolled or trained yet."""
    store.store_roster(SYSTEM, DESA, make_officers([make_nik(i) for i in (1, 2, 3)], nama=NAMES),
                       no_findings(), file_name="v1.xlsx", sha256="a", counts={"accepted": 3})  # fmt: skip
    return store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, *argv, "--json")
    return code, json.loads(out)


def bpjs_csv(tmp_path: Path, lines: list[str], name: str = "peserta.csv") -> Path:
    path = tmp_path / name
    path.write_text("NIK;Nama;No. KPJ;Status;Tanggal\n" + "\n".join(lines) + "\n")
    return path


def summary(capsys, db: Path) -> dict:
    code, data = run_json(capsys, "summary", "--db", str(db))
    assert code == EXIT_OK
    return data


def test_bpjs_import_dry_run_apply_refuse_undo_and_apply_again(filled, tmp_path, capsys):
    db = str(filled.path)
    path = bpjs_csv(tmp_path, [
        f"{make_nik(1)};Budi Santoso;11111111111;Aktif;01-11-2024",
        f"{make_nik(2)};Siti Aminah;222;Aktif;02-11-2024",  # short KPJ: a warning, applied
        f"{make_nik(9)};Orang Lain;99999999999;Aktif;02-11-2024",  # not in any roster
    ])  # fmt: skip
    assert summary(capsys, filled.path)["bpjs_enrolled"] == 0

    code, dry = run_json(capsys, "bpjs", "import", str(path), "--dry-run", "--db", db)
    assert code == EXIT_OK
    assert (dry["status"], dry["batch_id"], dry["accepted"]) == ("dry_run", None, 2)
    assert dry["applied"] == 0
    assert filled.count("batches") == 0

    code, done = run_json(capsys, "bpjs", "import", str(path), "--db", db)
    assert code == EXIT_OK
    batch = int(filled.batches("bpjs")["id"][0])
    assert {k: done[k] for k in ("status", "batch_id", "rows_total", "applied", "rejected",
                                 "warned", "error")} == {
        "status": "applied", "batch_id": batch, "rows_total": 3, "applied": 2, "rejected": 1,
        "warned": 1, "error": None,
    }  # fmt: skip
    assert [(p["row"], p["severity"], p["code"], p["nik"]) for p in done["problems"]] == [
        (3, "peringatan", "import_kpj_format", "1702••••••••0002"),
        (4, "ditolak", "import_nik_unknown", "1702••••••••0009"),
    ]
    assert summary(capsys, filled.path)["bpjs_enrolled"] == 2
    assert_cache_is_live(filled)

    code, again = run_json(capsys, "bpjs", "import", str(path), "--db", db)
    assert code == EXIT_FILE_REJECTED
    assert (again["status"], again["applied"], again["error"]["code"]) == (
        "refused", 0, "import_already_imported"
    )  # fmt: skip
    assert f"Batalkan impor nomor {batch} dulu" in again["error"]["message"]
    assert filled.count("batches") == 1

    code, out, _ = run(capsys, "bpjs", "undo", str(batch), "--db", db)
    assert code == EXIT_OK
    assert out == f"Impor nomor {batch} dibatalkan; keadaan sebelum impor itu berlaku lagi.\n"
    assert summary(capsys, filled.path)["bpjs_enrolled"] == 0
    code, _, _ = run(capsys, "bpjs", "import", str(path), "--db", db)
    assert code == EXIT_OK
    assert summary(capsys, filled.path)["bpjs_enrolled"] == 2
    assert_cache_is_live(filled)


def test_bpjs_import_text_output_has_one_line_per_problem(filled, tmp_path, capsys):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(bpjs_xlsx([1, 2]))
    code, out, err = run(capsys, "bpjs", "import", str(path), "--db", str(filled.path))
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines()[0] == (
        "peserta.xlsx: 2 baris dibaca; 2 cocok, 0 ditolak, 0 peringatan, 0 dilewati."
    )
    assert out.splitlines()[-1].startswith("Impor nomor 1 disimpan: 2 baris diterapkan.")

    code, out, err = run(capsys, "bpjs", "import", str(path), "--db", str(filled.path))
    assert (code, out) == (EXIT_FILE_REJECTED, "")
    assert err.count("\n") == 1
    assert err.startswith('Galat: Berkas "peserta.xlsx" sudah pernah diimpor')


def test_nothing_to_apply_is_a_refused_file_on_a_fresh_db(db_path, tmp_path, capsys, settings):
    path = bpjs_csv(tmp_path, [f"{make_nik(1)};Budi;11111111111;Aktif;01-11-2024"])
    code, report = run_json(capsys, "bpjs", "import", str(path), "--db", str(db_path))
    assert code == EXIT_FILE_REJECTED
    assert report["error"]["code"] == "import_nothing"
    assert [p["code"] for p in report["problems"]] == ["import_nik_unknown"]
    assert Store.open(db_path, settings).count("batches") == 0

    wrong = tmp_path / "salah.csv"
    wrong.write_text("Nama;Alamat\nBudi;Curup\n")
    code, out, err = run(capsys, "bpjs", "import", str(wrong), "--db", str(db_path))
    assert code == EXIT_FILE_REJECTED
    assert err.startswith("Galat: ")
    assert "NIK" in err
    assert err.count("\n") == 1


def test_other_errors_exit_1_and_store_nothing(filled, tmp_path, capsys):
    db = str(filled.path)
    path = bpjs_csv(tmp_path, [f"{make_nik(1)};Budi;11111111111;Aktif;01-11-2024"])
    code, _, err = run(capsys, "bpjs", "import", str(tmp_path / "tidak-ada.csv"), "--db", db)
    assert code == EXIT_ERROR
    assert err.startswith("Galat: Berkas ")
    assert "tidak dapat dibuka" in err

    account = ["user", "add", "kepala", "--role", "pimpinan", "--region", "17.02", "--db", db]
    assert main(account) == EXIT_OK
    capsys.readouterr()
    code, _, err = run(capsys, "bpjs", "import", str(path), "--db", db, "--user", "kepala")
    assert code == EXIT_ERROR
    assert "tidak berwenang" in err
    code, _, err = run(capsys, "attendance", "import", str(path), "--session", "7", "--db", db)
    assert code == EXIT_ERROR
    assert err.startswith("Galat: Sesi pelatihan nomor 7 tidak ada.")
    code, _, err = run(capsys, "attendance", "undo", "1", "--db", db)
    assert code == EXIT_ERROR
    assert filled.count("batches") == 0


def test_training_sessions_then_attendance_import(filled, tmp_path, capsys, settings):
    db = str(filled.path)
    code, _, err = run(capsys, "training", "session", "add", "--date", "15-11-2024",
                       "--place", "Aula", "--db", db)  # fmt: skip
    assert code == EXIT_ERROR
    assert "2024-11-15" in err
    code, out, _ = run(capsys, "training", "session", "add", "--date", "2024-11-15",
                       "--place", "Aula Kecamatan Kota Padang", "--kecamatan", "17.02.06",
                       "--db", db)  # fmt: skip
    assert code == EXIT_OK
    assert out.startswith("Sesi nomor 1 disimpan.")
    code, sessions = run_json(capsys, "training", "sessions", "--db", db)
    assert code == EXIT_OK
    assert sessions == [{
        "id": 1, "held_on": "2024-11-15", "place": "Aula Kecamatan Kota Padang",
        "modules": list(settings.training_modules), "kecamatan_code": "17.02.06",
        "kecamatan_name": "Kota Padang",
    }]  # fmt: skip
    code, out, _ = run(capsys, "training", "sessions", "--db", db)
    assert out == (
        "1 · 15 November 2024 · Aula Kecamatan Kota Padang · modul: "
        f"{', '.join(settings.training_modules)} · kecamatan: Kota Padang (17.02.06)\n"
    )

    path = tmp_path / "hadir.csv"
    path.write_text(f"NIK,Nama\n{make_nik(1)},Budi\n{make_nik(2)},Siti\n{make_nik(8)},Tamu\n")
    argv = ("attendance", "import", str(path), "--session", "1", "--db", db)
    code, report = run_json(capsys, *argv)
    assert code == EXIT_OK
    assert (report["applied"], report["rejected"], report["session_id"]) == (2, 1, 1)
    assert filled.session_attendees(1) == [make_nik(1), make_nik(2)]
    trained = summary(capsys, filled.path)["trained"]
    assert trained == 2  # every module of the settings was taught in that one session
    code, report = run_json(capsys, *argv)
    assert (code, report["error"]["code"]) == (EXIT_FILE_REJECTED, "import_already_imported")
    batch = str(filled.batches("attendance")["id"][0])
    assert run(capsys, "attendance", "undo", batch, "--db", db)[0] == EXIT_OK
    assert filled.session_attendees(1) == []
    assert run(capsys, *argv)[0] == EXIT_OK
    assert_cache_is_live(filled)


def test_two_processes_importing_one_file_at_once_store_one_batch(filled, tmp_path):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(bpjs_xlsx([1, 2, 3]))
    command = [sys.executable, "-m", "readiness", "bpjs", "import", str(path),
               "--db", str(filled.path), "--json"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    reports = [json.loads(p.communicate()[0]) for p in running]
    assert sorted(p.returncode for p in running) == [EXIT_OK, EXIT_FILE_REJECTED]
    assert sorted(r["status"] for r in reports) == ["applied", "refused"]
    assert filled.batches("bpjs").height == 1
    assert filled.count("bpjs_records") == 3
