"""Intake as it arrives, through the CLI and the domain layer, on real CSV/XLSX bytes and a
real DuckDB file: kecamatan files saved per village, nihil, failed attempts, identical
re-uploads, honest drops, versions restored, verification from the command line."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from roster_builder import HEADER, csv_bytes, person

from readiness import intake
from readiness.cli import main
from readiness.db import Actor
from readiness.errors import AccessDenied
from readiness.kecamatan_upload import check_kecamatan_file
from readiness.roster import check_roster_file
from readiness.scope import Scope

KECAMATAN = "17.02.24"  # Bermani Ulu Raya
DATARAN_TAPUS, PAL_SERATUS, PAL_VII = "17.02.24.2001", "17.02.24.2003", "17.02.24.2004"
DERATI, TABA_ANYAR = "17.02.06.2001", "17.02.06.2002"
ADMIN = Actor("admin", "admin", Scope(""))
KEC_OPERATOR = Actor("op_kec", "operator_kecamatan", Scope(KECAMATAN))


def people(village: str, first: int, count: int) -> list[dict]:
    """``count`` valid people of one village, TPS numbered from 1 in every village."""
    return [person(first + i, Desa=village, TPS=f"TPS {i // 2 + 1:02d}") for i in range(count)]


def kecamatan_csv() -> bytes:
    rows = people("Pal VII", 1, 4) + people("Dataran Tapus", 11, 3) + people("Pal 100", 21, 2)
    return csv_bytes(rows, header=("Desa", *HEADER), above=[["REKAP LINMAS KECAMATAN"], []])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_kecamatan_csv_with_a_desa_column_is_saved_per_village(store, tmp_path, capsys):
    path = write(tmp_path, "rekap.csv", kecamatan_csv())
    code, out, _ = run(
        capsys, "import", path, "--kecamatan", KECAMATAN, "--json", "--db", str(store.path)
    )
    assert code == 0
    result = json.loads(out)
    assert result["status"] == "ok"
    assert result["unmatched_rows"] == 0
    assert [(d["desa"], d["accepted"], d["version"]) for d in result["desa"]] == [
        (DATARAN_TAPUS, 3, 1),
        (PAL_SERATUS, 2, 1),
        (PAL_VII, 4, 1),
    ]
    versions = store.roster_versions(PAL_VII)
    assert versions.select("version", "via", "rows_accepted").rows() == [(1, "kecamatan", 4)]
    audit = store.read(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'roster.upload_kecamatan'", {}
    )
    assert audit["n"][0] == 1  # three villages, one transaction, one audit row


def test_kecamatan_dry_run_stores_nothing_and_village_blocks_are_split(store, tmp_path, capsys):
    width = len(HEADER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["DESA DATARAN TAPUS"] + [""] * (width - 1))
    writer.writerow(HEADER)
    for p in people("", 1, 3):
        writer.writerow([p[h] for h in HEADER])
    writer.writerow(["Desa Pal VII"] + [""] * (width - 1))
    for p in people("", 4, 2):
        writer.writerow([p[h] for h in HEADER])
    path = write(tmp_path, "blok.csv", buffer.getvalue().encode())
    db = str(store.path)
    code, out, _ = run(
        capsys, "import", path, "--kecamatan", KECAMATAN, "--dry-run", "--json", "--db", db
    )
    assert code == 0
    assert [(d["desa"], d["accepted"], d["version"]) for d in json.loads(out)["desa"]] == [
        (DATARAN_TAPUS, 3, None),
        (PAL_VII, 2, None),
    ]
    assert store.submissions(Scope(KECAMATAN)).height == 0


def test_xlsx_with_a_sheet_per_village_is_saved(store, tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    for sheet, first, count in (("Pal VII", 1, 3), ("DATARAN TAPUS", 4, 2)):
        work = book.create_sheet(sheet)
        work.append(list(HEADER))
        for p in people("", first, count):
            work.append([p[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    path = write(tmp_path, "per_lembar.xlsx", buffer.getvalue())
    code, out, _ = run(
        capsys, "import", path, "--kecamatan", KECAMATAN, "--json", "--db", str(store.path)
    )
    assert code == 0
    assert {d["desa"]: d["version"] for d in json.loads(out)["desa"]} == {
        PAL_VII: 1,
        DATARAN_TAPUS: 1,
    }
    assert store.roster_versions(DATARAN_TAPUS)["rows_accepted"].to_list() == [2]


def test_a_village_file_naming_other_villages_is_refused_whole(store, tmp_path, capsys):
    path = write(tmp_path, "rekap.csv", kecamatan_csv())
    code, out, _ = run(capsys, "import", path, "--desa", PAL_VII, "--json", "--db", str(store.path))
    assert code == 2
    assert json.loads(out)["file_error"]["code"] == "multiple_desa"
    assert store.submissions(Scope(KECAMATAN)).height == 0
    assert store.intake_states(Scope(KECAMATAN)).height == 0  # not an attempt either


def test_desa_and_kecamatan_flags_exclude_each_other(store, tmp_path, capsys):
    path = write(tmp_path, "rekap.csv", kecamatan_csv())
    with pytest.raises(SystemExit) as refused:
        main(["import", path, "--desa", PAL_VII, "--kecamatan", KECAMATAN, "--db", str(store.path)])
    assert refused.value.code == 2


def test_a_kecamatan_operator_saves_only_their_own_kecamatan(store):
    checked = check_kecamatan_file(store, KECAMATAN, kecamatan_csv(), "rekap.csv")
    village_operator = Actor("op_desa", "operator_desa", Scope(PAL_VII))
    other_kecamatan = Actor("op_lain", "operator_kecamatan", Scope("17.02.06"))
    for actor in (village_operator, other_kecamatan):
        with pytest.raises(AccessDenied):
            intake.save_kecamatan(store, actor, checked)
    assert store.submissions(Scope(KECAMATAN)).height == 0
    saved = intake.save_kecamatan(store, KEC_OPERATOR, checked, chosen=[PAL_VII])
    assert [(s.desa_code, s.outcome, s.version) for s in saved] == [(PAL_VII, "stored", 1)]
    assert store.submissions(Scope(KECAMATAN))["desa_code"].to_list() == [PAL_VII]


def test_nihil_counts_as_submitted_and_shows_in_the_summary(store, capsys):
    db = str(store.path)
    code, _, err = run(capsys, "nihil", "--desa", TABA_ANYAR, "--reason", " ", "--db", db)
    assert code == 1
    assert "Alasan laporan nihil wajib diisi" in err
    code, out, _ = run(
        capsys, "nihil", "--desa", TABA_ANYAR, "--reason", "belum ada yang bersedia", "--db", db
    )
    assert code == 0
    assert "nihil" in out
    code, out, _ = run(capsys, "summary", "--json", "--db", db)
    data = json.loads(out)
    assert (data["desa_nihil"], data["desa_submitted"], data["desa_attempted_failed"]) == (1, 1, 0)
    kota_padang = next(k for k in data["kecamatan"] if k["kode"] == "17.02.06")
    assert (kota_padang["desa_nihil"], kota_padang["desa_submitted"]) == (1, 1)
    versions = store.roster_versions(TABA_ANYAR)
    assert versions.select("via", "nihil_reason", "rows_accepted").rows() == [
        ("nihil", "belum ada yang bersedia", 0)
    ]


def test_summary_text_says_need_unknown_without_tps(store, capsys):
    code, out, _ = run(capsys, "summary", "--db", str(store.path))
    assert code == 0
    assert "kebutuhan belum diketahui" in out
    assert "kebutuhan 0" not in out


def test_an_all_rejected_file_is_kept_as_an_attempt_until_a_good_version(store, tmp_path, capsys):
    db = str(store.path)
    bad = write(tmp_path, "salah.csv", csv_bytes([person(1, NIK="123"), person(2, NIK="99")]))
    code, out, _ = run(capsys, "import", bad, "--desa", DERATI, "--db", db)
    assert code == 0
    assert "semua ditolak" in out
    states = store.intake_states(Scope(DERATI))
    assert states.select("attempted_failed", "attempt_file").rows() == [(True, "salah.csv")]
    assert "harus 16 angka" in states["attempt_reasons"][0][0]
    code, out, _ = run(capsys, "summary", "--json", "--db", db)
    assert json.loads(out)["desa_attempted_failed"] == 1
    assert json.loads(out)["desa_submitted"] == 0
    good = write(tmp_path, "benar.csv", csv_bytes([person(1), person(2)]))
    assert run(capsys, "import", good, "--desa", DERATI, "--db", db)[0] == 0
    code, out, _ = run(capsys, "summary", "--json", "--db", db)
    assert json.loads(out)["desa_attempted_failed"] == 0


def test_identical_uploads_are_reported_unchanged_not_stored(store, tmp_path, capsys):
    db = str(store.path)
    rows = [person(i) for i in range(1, 5)]
    first = write(tmp_path, "v1.csv", csv_bytes(rows))
    assert (
        json.loads(run(capsys, "import", first, "--desa", DERATI, "--json", "--db", db)[1])[
            "version"
        ]
        == 1
    )
    again = json.loads(run(capsys, "import", first, "--desa", DERATI, "--json", "--db", db)[1])
    assert again["unchanged"] is True
    assert "version" not in again
    # Other bytes (rows reordered, renamed file), the same people and fields: still unchanged.
    shuffled = write(tmp_path, "v1_lagi.csv", csv_bytes(list(reversed(rows))))
    _, out, _ = run(capsys, "import", shuffled, "--desa", DERATI, "--db", db)
    assert "sama dengan versi 1" in out
    assert store.roster_versions(DERATI)["version"].to_list() == [1]


def test_saving_names_the_people_the_new_version_drops(store):
    first = check_roster_file(store, DERATI, csv_bytes([person(i) for i in range(1, 5)]), "v1.csv")
    intake.save_village(store, ADMIN, first)
    # Person 2's row is now rejected, person 3 is missing, person 4 is unchanged, 5 is new.
    rows = [person(1), person(2, NIK="12"), person(4), person(5)]
    second = check_roster_file(store, DERATI, csv_bytes(rows), "v2.csv")
    dropped = intake.dropped_people(store, second)
    assert dropped.select("nama", "alasan").rows() == [
        ("Linmas 2", "barisnya ditolak"),
        ("Linmas 3", "tidak ada di berkas"),
    ]
    assert dropped["nik"][0] == "1702••••••••0003"  # masked on screen
    saved = intake.save_village(store, ADMIN, second)
    message = intake.describe_saved(saved, "Derati")
    assert "2 linmas dari versi yang berlaku" in message
    assert "Linmas 3 (tidak ada di berkas)" in message
    assert "menunggu verifikasi kecamatan" in message


def test_restore_makes_a_copy_the_version_in_force_with_its_review(store, tmp_path, capsys):
    db = str(store.path)
    v1 = write(tmp_path, "v1.csv", csv_bytes([person(i) for i in range(1, 4)]))
    v2 = write(tmp_path, "v2.csv", csv_bytes([person(1)]))
    run(capsys, "import", v1, "--desa", DERATI, "--db", db)
    assert (
        run(capsys, "verify", "--desa", DERATI, "--decision", "terverifikasi", "--db", db)[0] == 0
    )
    run(capsys, "import", v2, "--desa", DERATI, "--db", db)
    code, out, _ = run(capsys, "roster", "restore", "--desa", DERATI, "--version", "1", "--db", db)
    assert code == 0
    assert "versi 3" in out
    code, out, _ = run(capsys, "roster", "versions", "--desa", DERATI, "--json", "--db", db)
    listed = json.loads(out)["versions"]
    assert [
        (v["version"], v["via"], v["accepted"], v["status"], v["in_force"]) for v in listed
    ] == [
        (3, "restore", 3, "terverifikasi", True),
        (2, "desa", 1, "menunggu_verifikasi", False),
        (1, "desa", 3, "terverifikasi", False),
    ]
    assert listed[0]["restored_from"] == 1
    assert store.registered_counts(Scope(DERATI))["officers_registered"].sum() == 3
    code, _, err = run(capsys, "roster", "restore", "--desa", DERATI, "--version", "3", "--db", db)
    assert code == 1
    assert "sudah berlaku" in err
    with pytest.raises(AccessDenied):
        intake.restore(store, Actor("op", "operator_desa", Scope(TABA_ANYAR)), DERATI, 2)
    audit = store.read("SELECT count(*) AS n FROM audit_log WHERE action = 'roster.restore'", {})
    assert audit["n"][0] == 1


def test_verify_from_the_cli_needs_a_note_to_return(store, tmp_path, capsys):
    db = str(store.path)
    code, _, err = run(
        capsys, "verify", "--desa", DERATI, "--decision", "terverifikasi", "--db", db
    )
    assert code == 1
    assert "belum mengirim" in err
    v1 = write(tmp_path, "v1.csv", csv_bytes([person(1), person(2)]))
    run(capsys, "import", v1, "--desa", DERATI, "--db", db)
    code, _, err = run(capsys, "verify", "--desa", DERATI, "--decision", "dikembalikan", "--db", db)
    assert code == 1
    assert "catatan" in err.lower()
    code, out, _ = run(
        capsys, "verify", "--desa", DERATI, "--decision", "dikembalikan",
        "--note", "TPS 3 belum ada linmas", "--db", db,
    )  # fmt: skip
    assert code == 0
    assert "dikembalikan" in out
    row = store.submissions(Scope(DERATI)).row(0, named=True)
    assert (row["status"], row["review_note"]) == ("dikembalikan", "TPS 3 belum ada linmas")
