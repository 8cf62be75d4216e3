"""The KPU TPS list is matched to Kemendagri codes, all rows or none."""

from __future__ import annotations

import io

import polars as pl
import pytest

from readiness.cli import main
from readiness.scope import Scope
from readiness.tps_list import check_tps_file


def csv_bytes(
    rows: list[str], header: str = "Kecamatan;Desa/Kelurahan;No TPS;Rawan;Alamat"
) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def test_names_codes_aliases_and_numerals_match(store):
    data = csv_bytes(
        [
            "KOTA PADANG;  derati ;TPS 01;;Balai desa",
            "Kota Padang;17.02.06.2001;2;Ya;",
            "17.02.19;17.02.19.1004;2;;",  # a code of a village that also has an alias
            "Curup Tengah;Sidorejo;001;Tidak;",  # alias of the official "Siderejo"
            "Sindang Beliti Ilir;Lubuk Tunjung;1;;",  # official "LubukTunjung"
            "Bermani Ulu Raya;Pal 7;Tps.4;;",  # official "Pal VII"
            "Sindang Beliti Ilir;Lubuk Belimbing I;1;rawan;",  # alias of "LB. Belimbing I"
        ]
    )
    parsed = check_tps_file(store, data, "tps.csv")
    assert parsed.ok, parsed.problems
    assert parsed.tps.select("desa_code", "tps_number", "rawan").rows() == [
        ("17.02.06.2001", 1, False),
        ("17.02.06.2001", 2, True),
        ("17.02.19.1004", 2, False),
        ("17.02.19.1004", 1, False),
        ("17.02.23.2004", 1, False),
        ("17.02.24.2004", 4, False),
        ("17.02.23.2005", 1, True),
    ]


def test_ambiguous_unknown_and_bad_rows_are_listed_with_their_row(store):
    data = csv_bytes(
        [
            ";Kayu Manis;1;;",  # two kecamatan have a Kayu Manis: never guess
            "Curup;Desa Antah Berantah;1;;",
            "Curup;Air Rambai;satu;;",
            "Curup;Air Rambai;3;;",
            "Curup;Air Rambai;TPS 3;;",
        ]
    )
    parsed = check_tps_file(store, data, "tps.csv")
    assert not parsed.ok
    problems = dict(parsed.problems.rows())
    assert set(problems) == {2, 3, 4, 5, 6}
    assert "lebih dari satu desa" in problems[2]
    assert "tidak ada dalam daftar wilayah" in problems[3]
    assert "bukan angka" in problems[4]
    assert "lebih dari sekali" in problems[5]


def test_kecamatan_column_resolves_a_repeated_name(store):
    parsed = check_tps_file(store, csv_bytes(["Sindang Kelingi;Kayu Manis;1;;"]), "tps.csv")
    assert parsed.ok
    assert parsed.tps["desa_code"].to_list() == ["17.02.08.2005"]


def test_cli_refuses_whole_file_when_one_row_fails(tmp_path, capsys):
    db = tmp_path / "tps.duckdb"
    bad = tmp_path / "tps.csv"
    bad.write_bytes(csv_bytes(["Kota Padang;Derati;1;;", "Curup;Tidak Ada;1;;"]))
    assert main(["tps", "import", str(bad), "--db", str(db)]) == 2
    assert "Baris 3" in capsys.readouterr().err
    assert main(["summary", "--json", "--db", str(db)]) == 0
    assert '"tps_total": 0' in capsys.readouterr().out


def test_cli_imports_xlsx_and_requirement_follows(tmp_path, capsys, store):
    frame = pl.DataFrame(
        {"Kecamatan": ["Kota Padang"] * 3, "Desa": ["Derati"] * 3, "Nomor TPS": [1, 2, 3]}
    )
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    path = tmp_path / "tps.xlsx"
    path.write_bytes(buffer.getvalue())
    assert main(["tps", "import", str(path), "--db", str(store.path)]) == 0
    assert store.tps_count("17.02.06.2001") == 3
    assert store.tps(Scope("17.02.06"))["tps_number"].to_list() == [1, 2, 3]


@pytest.mark.parametrize("header", ["Kecamatan;Nama;Keterangan", "Desa;Alamat"])
def test_missing_columns_are_named(store, header):
    from readiness.errors import ReadinessError

    with pytest.raises(ReadinessError) as info:
        check_tps_file(store, csv_bytes(["a;b;c"], header=header), "tps.csv")
    assert "tidak ditemukan" in info.value.message
