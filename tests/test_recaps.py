"""The berjenjang roll-up, kabupaten recaps (summary --json) imported by a province."""

from __future__ import annotations

import copy
import datetime as dt
import doctest
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from readiness import recaps, reports
from readiness.cli import main
from readiness.db import WIB, Store
from readiness.scope import Scope

PROVINCE = Scope("17")


def _summary(capsys, db: Path, *extra: str) -> dict:
    assert main(["summary", "--json", "--db", str(db), *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _seluma(rejang_lebong: dict) -> dict:
    """A consistent second recap: the first four kecamatan of the demo, renumbered to 17.05."""
    data = copy.deepcopy(rejang_lebong)
    kecamatan = data["kecamatan"][:4]
    for row in kecamatan:
        row["kode"] = "17.05" + row["kode"][5:]

    def total(key):
        return sum(row[key] for row in kecamatan)

    data.update(
        kabupaten_code="17.05",
        kabupaten_name="Kabupaten Seluma",
        scope_code="17.05",
        kecamatan=kecamatan,
        kecamatan_total=len(kecamatan),
        kecamatan_complete=sum(row["complete"] for row in kecamatan),
        kecamatan_verified=sum(row["verified"] for row in kecamatan),
        desa_total=total("desa_total"),
        desa_submitted=total("desa_submitted"),
        tps_total=total("tps_total"),
        officers_registered=total("officers_registered"),
        officers_required=total("officers_required"),
        officers_counted=sum(
            min(row["officers_registered"], row["officers_required"]) for row in kecamatan
        ),
        ready=total("ready"),
        bpjs_enrolled=total("bpjs_enrolled"),
        trained=total("trained"),
    )
    return data


@pytest.fixture
def kabupaten_files(demo_store, tmp_path, capsys) -> tuple[Path, Path]:
    """rekap_17.02.json from the demo instance and a crafted rekap_17.05.json."""
    rejang_lebong = _summary(capsys, demo_store.path)
    return (
        _write(tmp_path / "rekap_17.02.json", rejang_lebong),
        _write(tmp_path / "rekap_17.05.json", _seluma(rejang_lebong)),
    )


@pytest.fixture
def province_db(tmp_path) -> Path:
    """Where a fresh province instance keeps its file (settings stay Rejang Lebong's: province 17)."""
    return tmp_path / "provinsi" / "provinsi.duckdb"


def _import(db: Path, *files: Path) -> int:
    return main(["recap", "import", *map(str, files), "--db", str(db)])


def _stored(db: Path, settings, *, history: bool = True) -> pl.DataFrame:
    return Store.open(db, settings).kabupaten_recaps(PROVINCE, history=history)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# -- the recap file (summary --json) -------------------------------------------------------------


def test_doctests_of_the_recap_module():
    assert doctest.testmod(recaps).failed == 0


def test_summary_json_keeps_its_keys_and_adds_the_recap_header(demo_store, capsys):
    data = _summary(capsys, demo_store.path)
    assert data["format"] == recaps.FORMAT
    assert data["kabupaten_code"] == data["scope_code"] == "17.02"
    assert data["kabupaten_name"] == "Kabupaten Rejang Lebong"
    assert data["province_code"] == "17"
    generated = dt.datetime.fromisoformat(data["generated_at"])
    assert generated.utcoffset() == dt.timedelta(hours=7)
    assert data["data_version"] == demo_store.data_version()
    view = reports.overview(demo_store, Scope(""))
    for key, value in reports.summary_json(view).items():  # every older key is still there
        if key != "kecamatan":
            assert data[key] == value
    assert [k["kode"] for k in data["kecamatan"]] == view.kecamatan["kecamatan_code"].to_list()
    assert {"ready", "bpjs_enrolled", "readiness_status"} <= set(data)


def test_summary_of_one_kecamatan_is_not_a_kabupaten_recap(demo_store, capsys, tmp_path, settings):
    data = _summary(capsys, demo_store.path, "--kecamatan", "17.02.06")
    assert data["scope_code"] == "17.02.06"
    province = tmp_path / "p.duckdb"
    assert _import(province, _write(tmp_path / "kec.json", data)) == 2
    assert "hanya mencakup wilayah 17.02.06" in capsys.readouterr().err
    assert _stored(province, settings).height == 0


# -- importing -----------------------------------------------------------------------------------


def test_province_imports_two_kabupaten_recaps(kabupaten_files, province_db, settings, capsys):
    assert _import(province_db, *kabupaten_files) == 0
    assert "2 rekap kabupaten disimpan" in capsys.readouterr().out
    stored = _stored(province_db, settings)
    assert stored["kabupaten_code"].to_list() == ["17.02", "17.05"]
    for path in kabupaten_files:
        data = _load(path)
        row = stored.filter(pl.col("kabupaten_code") == data["kabupaten_code"]).row(0, named=True)
        for key in recaps.REQUIRED_COUNTS + ("ready", "data_version", "kabupaten_name"):
            assert row[key] == data[key], key
        assert row["generated_at"] == dt.datetime.fromisoformat(data["generated_at"])
        assert row["file_name"] == path.name
        assert row["imported_by"].startswith("cli:")
    audit = Store.open(province_db, settings).audit_log()
    assert audit.filter(pl.col("action") == "recap.import").height == 1


def test_importing_the_same_files_again_is_skipped(kabupaten_files, province_db, settings, capsys):
    assert _import(province_db, *kabupaten_files) == 0
    assert _import(province_db, *kabupaten_files) == 0
    out = capsys.readouterr().out
    assert out.count("sudah diimpor") == 2
    assert "0 rekap kabupaten disimpan" in out
    assert _stored(province_db, settings).height == 2


def test_a_newer_recap_counts_and_history_is_kept(kabupaten_files, province_db, settings, tmp_path):
    current = _load(kabupaten_files[1])
    older = copy.deepcopy(current)
    at = dt.datetime.fromisoformat(current["generated_at"])
    older["generated_at"] = (at - dt.timedelta(days=1)).isoformat()
    older["ready"] = 0
    assert _import(province_db, _write(tmp_path / "kemarin.json", older)) == 0
    assert _import(province_db, kabupaten_files[1]) == 0
    assert _stored(province_db, settings).height == 2  # every import is kept
    newest = _stored(province_db, settings, history=False)
    assert newest.select("kabupaten_code", "ready", "file_name").rows() == [
        ("17.05", current["ready"], "rekap_17.05.json")
    ]
    assert newest["generated_at"][0] == at


def _bad(base: dict, **changes) -> dict:
    data = copy.deepcopy(base)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("rusak.json", lambda d: b'{"desa_total": 1', "bukan JSON yang utuh"),
        ("lain.json", lambda d: b'{"nama": "bukan rekap"}', "bukan berkas rekap"),
        ("daftar.json", lambda d: b"[1, 2]", "bukan berkas rekap"),
        (
            "lama.json",
            lambda d: json.dumps({k: v for k, v in d.items() if k != "format"}).encode(),
            "format lama",
        ),
        (
            "provinsi_lain.json",
            lambda d: json.dumps(
                _bad(
                    d,
                    kabupaten_code="16.05",
                    scope_code="16.05",
                    kecamatan=[{**k, "kode": "16.05" + k["kode"][5:]} for k in d["kecamatan"]],
                )
            ).encode(),
            "bukan kabupaten/kota Provinsi Bengkulu (17)",
        ),
        (
            "tak_dikenal.json",
            lambda d: json.dumps(
                _bad(
                    d,
                    kabupaten_code="17.99",
                    scope_code="17.99",
                    kecamatan=[{**k, "kode": "17.99" + k["kode"][5:]} for k in d["kecamatan"]],
                )
            ).encode(),
            "kode kabupaten 17.99 tidak dikenal",
        ),
        (
            "negatif.json",
            lambda d: json.dumps(_bad(d, officers_registered=-1)).encode(),
            "officers_registered harus bilangan bulat 0 atau lebih, tertulis -1",
        ),
        (
            "teks.json",
            lambda d: json.dumps(_bad(d, desa_total="156")).encode(),
            "desa_total harus bilangan bulat",
        ),
        (
            "lebih.json",
            lambda d: json.dumps(_bad(d, desa_submitted=d["desa_total"] + 1)).encode(),
            "desa mengirim (desa_submitted = 157) lebih dari desa_total = 156",
        ),
        (
            "jumlah.json",
            lambda d: json.dumps(
                _bad(d, officers_required=d["officers_required"] + 10, officers_counted=0)
            ).encode(),
            "jumlah officers_required per kecamatan 890, total 900",
        ),
        (
            "tanggal.json",
            lambda d: json.dumps(_bad(d, generated_at="27-11-2024")).encode(),
            "generated_at harus waktu ISO",
        ),
        (
            "masa_depan.json",
            lambda d: json.dumps(_bad(d, generated_at="2999-01-01T00:00:00+07:00")).encode(),
            "di depan jam server",
        ),
    ],
)
def test_a_bad_file_refuses_the_whole_import(
    kabupaten_files, province_db, settings, capsys, tmp_path, name, make, expected
):
    bad = tmp_path / name
    bad.write_bytes(make(_load(kabupaten_files[0])))
    assert _import(province_db, kabupaten_files[1], bad) == 2  # the good one is not stored either
    err = capsys.readouterr().err
    assert "tidak ada rekap yang disimpan" in err
    assert f"{name}: " in err
    assert expected in err
    store = Store.open(province_db, settings)
    assert store.kabupaten_recaps(PROVINCE, history=True).height == 0
    assert store.audit_log().filter(pl.col("action") == "recap.import").height == 0


def test_an_older_recap_is_refused_with_both_timestamps(
    kabupaten_files, province_db, settings, capsys, tmp_path
):
    data = _load(kabupaten_files[0])
    data["generated_at"] = "2024-11-27T10:15:00+07:00"
    assert _import(province_db, _write(tmp_path / "pagi.json", data)) == 0
    data["generated_at"] = "2024-11-26T09:00:00+07:00"
    capsys.readouterr()
    assert _import(province_db, _write(tmp_path / "kemarin.json", data)) == 2
    err = capsys.readouterr().err
    assert (
        "kemarin.json: rekap Kabupaten Rejang Lebong ini data per 26 November 2024, 09.00 WIB, "
        "tidak lebih baru dari yang tersimpan (data per 27 November 2024, 10.15 WIB)."
    ) in err
    assert _stored(province_db, settings).height == 1


def test_two_recaps_of_one_kabupaten_in_one_import_are_refused(
    kabupaten_files, province_db, settings, capsys, tmp_path
):
    copy_path = tmp_path / "salinan.json"
    shutil.copy(kabupaten_files[0], copy_path)
    assert _import(province_db, kabupaten_files[0], copy_path) == 2
    assert "juga ada di rekap_17.02.json" in capsys.readouterr().err
    assert _stored(province_db, settings).height == 0


def test_a_kabupaten_operator_may_not_import(kabupaten_files, province_db, settings):
    from readiness.db import Actor
    from readiness.errors import AccessDenied

    store = Store.open(province_db, settings)
    pimpinan = Actor("kepala", "pimpinan", PROVINCE)
    checked = recaps.check_recaps(
        store, pimpinan, [(p.name, p.read_bytes()) for p in kabupaten_files], dt.datetime.now(WIB)
    )
    assert checked.ok
    with pytest.raises(AccessDenied):
        recaps.import_recaps(store, pimpinan, checked)
    assert store.kabupaten_recaps(PROVINCE, history=True).height == 0


def test_recap_list_prints_the_newest_per_kabupaten(kabupaten_files, province_db, capsys):
    assert main(["recap", "list", "--db", str(province_db)]) == 0
    assert "Belum ada rekap" in capsys.readouterr().out
    assert _import(province_db, *kabupaten_files) == 0
    capsys.readouterr()
    assert main(["recap", "list", "--json", "--db", str(province_db)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["kabupaten_code"] for r in listed] == ["17.02", "17.05"]
    assert "payload" not in listed[0]
    assert main(["recap", "list", "--db", str(province_db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("17.05 · Kabupaten Seluma · Data per: ")


# -- showing it on Ringkasan ---------------------------------------------------------------------


def test_province_overview_takes_recaps_where_no_live_rosters(
    kabupaten_files, province_db, settings
):
    assert _import(province_db, *kabupaten_files) == 0
    areas = reports.overview(Store.open(province_db, settings), PROVINCE).areas
    shown = areas.filter(pl.col("source") == recaps.SOURCE_RECAP)
    assert shown["area_code"].to_list() == ["17.02", "17.05"]
    seluma = _load(kabupaten_files[1])
    row = shown.filter(pl.col("area_code") == "17.05").row(0, named=True)
    assert row["area_name"] == "Kabupaten Seluma"
    assert (row["desa_submitted"], row["desa_total"]) == (
        seluma["desa_submitted"],
        seluma["desa_total"],
    )
    assert (row["officers_registered"], row["officers_required"]) == (
        seluma["officers_registered"],
        seluma["officers_required"],
    )
    assert row["ready"] == seluma["ready"]
    assert row["desa_without_tps"] is None  # a recap does not say; the live zero must not show


def test_live_data_win_over_a_recap(demo_store, kabupaten_files, settings):
    live = reports.overview(demo_store, PROVINCE).areas
    live_row = live.filter(pl.col("area_code") == "17.02").row(0, named=True)
    other = _load(kabupaten_files[0])
    other["generated_at"] = dt.datetime.now(WIB).isoformat(timespec="seconds")
    other["ready"] = 1
    path = _write(kabupaten_files[0].with_name("lain.json"), other)
    assert _import(demo_store.path, path, kabupaten_files[1]) == 0
    areas = reports.overview(demo_store, PROVINCE).areas
    row = areas.filter(pl.col("area_code") == "17.02").row(0, named=True)
    assert row["source"] == recaps.SOURCE_LIVE
    assert row["ready"] is None
    assert row["desa_submitted"] == live_row["desa_submitted"]
    assert areas.filter(pl.col("area_code") == "17.05")["source"].to_list() == [recaps.SOURCE_RECAP]


def test_ringkasan_shows_recaps_to_a_province_pimpinan(
    kabupaten_files, province_db, monkeypatch, app_as
):
    assert _import(province_db, *kabupaten_files) == 0
    monkeypatch.setenv("READINESS_DB", str(province_db))
    at = app_as("pimpinan", "17").run()
    assert not at.exception
    table = at.dataframe[0].value  # the per-kabupaten table comes first
    seluma = _load(kabupaten_files[1])
    row = table[table["Kode"] == "17.05"].iloc[0]
    assert row["Kabupaten/kota"] == "Kabupaten Seluma"
    assert row["Desa mengirim"] == f"{seluma['desa_submitted']} dari {seluma['desa_total']}"
    assert row["Linmas siap"] == str(seluma["ready"])
    when = dt.datetime.fromisoformat(seluma["generated_at"])
    from readiness import formatting as fmt

    assert row["Sumber"] == f"rekap impor, data per {fmt.timestamp(when)}"
    notes = [i.value for i in at.info if "Termasuk rekap impor dari 2 kabupaten/kota" in i.value]
    assert len(notes) == 1
