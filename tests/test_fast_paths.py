"""The fast paths keep the answers: frames through the Arrow C stream, lazy heavy imports,
the ="..." unwrap without a regex, and the bare Streamlit app the login benchmark compares with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import make_nik

from readiness import auth
from readiness.db.core import frame
from readiness.ingest import _unwrap_excel_text
from readiness.scope import Actor, Scope

ROOT = Path(__file__).resolve().parent.parent


def test_a_read_hands_back_every_type_as_before(store):
    sql = """SELECT 1 AS n, 'x' AS s, DATE '2024-11-27' AS d,
                    TIMESTAMPTZ '2024-11-27 07:00:00+07' AS t, ['a', 'b'] AS l,
                    sum(x) AS total, 1.5::DECIMAL(10, 2) AS money, NULL AS nothing
             FROM range(3) r(x)"""
    with store.connect() as con:
        assert frame(con, sql).to_dicts() == con.sql(sql).pl().to_dicts()
        assert frame(con, sql).schema == con.sql(sql).pl().schema


def test_a_read_polars_cannot_take_fails_with_an_ordinary_error(store):
    """An INTERVAL column goes through ``.pl()``: a ComputeError the guards catch, as before,
    never the Rust panic (a BaseException) the Arrow C stream import raises on it."""
    with pytest.raises(pl.exceptions.ComputeError):
        store.read("SELECT INTERVAL 2 DAY AS gap, 3 AS n")
    assert store.read("SELECT 3 AS n")["n"].to_list() == [3]  # the connection still serves


def test_the_roster_import_loads_neither_pyarrow_nor_the_document_libraries(tmp_path):
    """A CLI import pays only for what it uses: no pyarrow (0.15 s), fpdf or Altair at start."""
    csv = tmp_path / "derati.csv"
    lines = ["Nama,NIK,Jenis Kelamin,Tanggal Lahir,No. HP,Nomor TPS"]
    lines += [f"Petugas {i},{make_nik(i)},L,17-05-1990,0812345678{i:02d},1" for i in range(1, 4)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from readiness.cli import main\n"
        f"code = main(['import', {str(csv)!r}, '--desa', '17.02.06.2001', "
        f"'--db', {str(tmp_path / 'fresh.duckdb')!r}, '--json'])\n"
        "loaded = [m for m in ('pyarrow', 'fpdf', 'altair') if m in sys.modules]\n"
        "print('EXIT', code, 'LOADED', ','.join(loaded) or '-', file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert '"accepted": 3' in done.stdout
    assert "EXIT 0 LOADED -" in done.stderr


def test_the_excel_text_wrapper_is_dropped_exactly_where_the_regex_dropped_it():
    cells = ['="0812"', '=""', '="', "x", '="a\nb"', '="ab"c"', None, '="é"', '=0812"']
    got = pl.DataFrame({"c": cells}).select(_unwrap_excel_text(pl.col("c")))["c"].to_list()
    expected = pl.DataFrame({"c": cells}).select(pl.col("c").str.replace(r'^="(.*)"$', "$1"))
    assert got == expected["c"].to_list()
    assert got[0] == "0812"
    assert got[4] == '="a\nb"'  # a multi-line cell is left as written


def test_the_bare_benchmark_app_logs_in_and_shows_one_metric(store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    setup = Actor("setup", "admin", Scope(store.settings.kabupaten_code))
    auth.add_user(store, setup, "pengukur", "admin", "17.02", password="Curup-Linmas-2024-uji")
    store.release()  # the bare app opens the file read-only
    monkeypatch.setenv("READINESS_DB", str(store.path))
    at = AppTest.from_file(str(ROOT / "benchmarks" / "bare_app.py"), default_timeout=60).run()
    at.text_input(key="login_username").input("pengukur")
    at.text_input(key="login_password").input("salah-sekali-2024")
    at.button(key="login_submit").click().run()
    assert not at.metric
    assert at.error[0].value == "Nama pengguna atau kata sandi salah."
    at.text_input(key="login_password").input("Curup-Linmas-2024-uji")
    at.button(key="login_submit").click().run()
    assert not at.exception
    assert at.metric[0].label == "Linmas terdaftar"
    assert at.metric[0].value == "0"
