"""Region list: the bundled Rejang Lebong file, and every way a swapped file can be wrong."""

from __future__ import annotations

import polars as pl
import pytest

from readiness.errors import ReferenceDataError
from readiness.regions import load_aliases, load_regions, name_key, name_keys

HEADER = "kode_kecamatan,nama_kecamatan,kode_desa,nama_desa,jenis"
GOOD_ROWS = [
    "17.02.06,Kota Padang,17.02.06.1004,Kota Padang,kelurahan",
    "17.02.06,Kota Padang,17.02.06.2001,Derati,desa",
    "17.02.09,Curup,17.02.09.1012,Dwi Tunggal,kelurahan",
]
EXPECTED_KECAMATAN = [f"17.02.{n:02d}" for n in [*range(6, 12), *range(16, 25)]]


@pytest.fixture
def regions(settings) -> pl.DataFrame:
    return load_regions(settings.region_file, settings.kabupaten_code)


def write_regions(tmp_path, *rows: str):
    path = tmp_path / "wilayah_uji.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_bundled_file_has_156_villages_in_15_kecamatan(regions):
    assert regions.columns == [
        "kecamatan_code",
        "kecamatan_name",
        "desa_code",
        "desa_name",
        "desa_kind",
    ]
    assert regions.height == 156
    assert regions["desa_code"].n_unique() == 156
    assert regions["kecamatan_code"].n_unique() == 15
    assert sorted(regions["kecamatan_code"].unique().to_list()) == EXPECTED_KECAMATAN


def test_bundled_file_has_no_kecamatan_01_to_05(regions):
    # The official list has no 17.02.01-05 any more; a stale source would bring them back.
    codes = set(regions["kecamatan_code"].to_list())
    assert codes.isdisjoint({f"17.02.{n:02d}" for n in range(1, 6)})
    assert (
        regions.filter(pl.col("desa_code").str.slice(0, 8) != pl.col("kecamatan_code")).height == 0
    )


def test_bundled_file_kinds_match_codes(regions):
    counts = dict(regions.group_by("desa_kind").len().iter_rows())
    assert counts == {"desa": 122, "kelurahan": 34}
    kind_digit = regions.select(
        (
            pl.col("desa_code").str.slice(9, 1)
            == pl.when(pl.col("desa_kind") == "kelurahan").then(pl.lit("1")).otherwise(pl.lit("2"))
        ).all()
    ).item()
    assert kind_digit


def test_result_is_sorted_and_stripped(tmp_path):
    path = write_regions(
        tmp_path,
        " 17.02.09 , Curup ,17.02.09.1012 , Dwi Tunggal ,Kelurahan ",
        "17.02.06,Kota Padang,17.02.06.2001,Derati,desa",
    )
    result = load_regions(path, "17.02")
    expected = pl.DataFrame(
        {
            "kecamatan_code": ["17.02.06", "17.02.09"],
            "kecamatan_name": ["Kota Padang", "Curup"],
            "desa_code": ["17.02.06.2001", "17.02.09.1012"],
            "desa_name": ["Derati", "Dwi Tunggal"],
            "desa_kind": ["desa", "kelurahan"],
        }
    )
    assert result.equals(expected)


@pytest.mark.parametrize(
    ("bad_row", "fragment"),
    [
        pytest.param(
            "17.2.06,Kota Padang,17.02.06.2002,X,desa", "kode kecamatan", id="bad-kec-code"
        ),
        pytest.param(
            "17.03.01,Lain,17.03.01.2001,X,desa", "bukan bagian kabupaten", id="other-kab"
        ),
        pytest.param("17.02.06,Kota Padang,17.02.06.201,X,desa", "kode desa", id="bad-desa-code"),
        pytest.param("17.02.06,Kota Padang,17.02.07.2001,X,desa", "tidak berada", id="outside-kec"),
        pytest.param("17.02.06,Kota Padang,17.02.06.2001,Lagi,desa", "dua kali", id="duplicate"),
        pytest.param("17.02.06,Kota Padang,17.02.06.2002,X,dusun", "jenis", id="wrong-kind"),
        pytest.param("17.02.06,Kota Padang,17.02.06.1002,X,desa", "tidak cocok", id="desa-with-1"),
        pytest.param(
            "17.02.06,Kota Padang,17.02.06.2002,X,kelurahan", "tidak cocok", id="kel-with-2"
        ),
        pytest.param("17.02.06,Kota Padang,17.02.06.2002,,desa", "kosong", id="empty-name"),
        pytest.param("17.02.06,Kota Padang,,X,desa", "kode desa", id="empty-code"),
    ],
)
def test_malformed_row_names_file_and_row(tmp_path, bad_row, fragment):
    # Three good rows take lines 2-4 (line 1 is the header): the bad one is line 5.
    path = write_regions(tmp_path, *GOOD_ROWS, bad_row, GOOD_ROWS[0].replace("1004", "1005"))
    with pytest.raises(ReferenceDataError) as info:
        load_regions(path, "17.02")
    message = info.value.message
    assert message.startswith(f"Berkas wilayah {path.name}, baris 5: ")
    assert fragment in message
    assert info.value.code == "reference_data"


def test_missing_column_names_the_column(tmp_path):
    path = tmp_path / "wilayah_uji.csv"
    path.write_text(
        "kode_kecamatan,nama_kecamatan,kode_desa,nama_desa\n17.02.06,A,17.02.06.2001,B\n"
    )
    with pytest.raises(ReferenceDataError) as info:
        load_regions(path, "17.02")
    assert path.name in info.value.message
    assert "baris 1" in info.value.message
    assert "jenis" in info.value.message


def test_header_only_file_is_refused(tmp_path):
    path = write_regions(tmp_path)
    with pytest.raises(ReferenceDataError) as info:
        load_regions(path, "17.02")
    assert path.name in info.value.message


def test_missing_file_is_refused(tmp_path):
    path = tmp_path / "tidak_ada.csv"
    with pytest.raises(ReferenceDataError) as info:
        load_regions(path, "17.02")
    assert str(path) in info.value.message


def test_other_kabupaten_code_refuses_the_bundled_file(settings):
    with pytest.raises(ReferenceDataError) as info:
        load_regions(settings.region_file, "17.03")
    assert "baris 2" in info.value.message
    assert settings.region_file.name in info.value.message


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("  Suka karya ", "SUKAKARYA"),
        ("LB. Belimbing I", "lb belimbing i"),
        ("Air Meles Bawah", "air-meles-bawah"),
        ("Talang Ulu", "TALANG  ULU"),
        ("Désa Baru", "Desa Baru"),
    ],
)
def test_name_key_ignores_case_space_punctuation(left, right):
    assert name_key(left) == name_key(right)


def test_name_key_keeps_letters_and_digits_apart():
    assert name_key("LB. Belimbing I") == "lbbelimbing1"  # roman numerals fold to digits
    assert name_key("Talang Rimbo Lama") != name_key("Talang Rimbo Baru")
    assert name_key("Kampung 1") != name_key("Kampung 2")


def test_name_keys_agrees_with_name_key_and_folds_numerals(regions):
    keyed = regions.select("desa_name", pl.col("desa_name").map_batches(name_keys).alias("key"))
    expected = [name_key(name) for name in keyed["desa_name"].to_list()]
    assert keyed["key"].to_list() == expected
    assert name_key("Belumai II") == name_key("belumai 2") != name_key("Belumai I")


def test_bundled_aliases_point_at_real_villages(regions, settings):
    aliases = load_aliases(settings.alias_file)
    assert aliases.height > 0
    assert set(aliases["desa_code"]) <= set(regions["desa_code"])


def test_bundled_names_are_unique_within_each_kecamatan(regions):
    keyed = regions.with_columns(pl.col("desa_name").map_batches(name_keys).alias("key"))
    assert keyed.select("kecamatan_code", "key").is_duplicated().sum() == 0
