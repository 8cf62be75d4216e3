"""Settings: the bundled file loads; a broken file stops start-up and names itself."""

from __future__ import annotations

import datetime as dt

import pytest

from readiness.config import (
    DEFAULT_DB_PATH,
    DEFAULT_MILESTONES,
    DEFAULT_SETTINGS_FILE,
    RawanLevel,
    database_path,
    load_settings,
)
from readiness.errors import ReferenceDataError

BUNDLED = DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8")


def write_settings(tmp_path, text: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_settings_load():
    settings = load_settings(DEFAULT_SETTINGS_FILE)
    assert settings.kabupaten_name == "Kabupaten Rejang Lebong"
    assert settings.kabupaten_code == "17.02"
    assert settings.province_code == "17"
    assert settings.region_file == DEFAULT_SETTINGS_FILE.parent / "wilayah_rejang_lebong.csv"
    assert settings.region_file.exists()
    assert settings.voting_date == dt.date(2024, 11, 27)
    assert settings.submission_deadline == dt.date(2024, 11, 20)
    assert settings.officers_per_tps == 2
    assert settings.min_age == 17
    assert settings.ready_target == 90.0
    assert isinstance(settings.ready_target, float)
    assert settings.max_upload_bytes == 5 * 1024 * 1024
    assert settings.training_modules == (
        "prosedur pemungutan suara",
        "penanganan kerumunan",
        "komunikasi efektif",
    )
    assert settings.source_file == DEFAULT_SETTINGS_FILE


def test_settings_fixture_is_the_bundled_file(settings):
    assert settings == load_settings(DEFAULT_SETTINGS_FILE)


def test_environment_variable_chooses_the_settings_file(tmp_path, monkeypatch):
    path = write_settings(tmp_path, BUNDLED.replace("Pilkada Serentak 2024", "Pemilu Uji"))
    monkeypatch.setenv("READINESS_SETTINGS", str(path))
    settings = load_settings()
    assert settings.election_name == "Pemilu Uji"
    # region_file is relative to the settings file, not the working directory
    assert settings.region_file == tmp_path / "wilayah_rejang_lebong.csv"


def test_missing_file_names_itself(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message
    assert info.value.code == "reference_data"


def test_malformed_toml_names_the_file(tmp_path):
    path = write_settings(tmp_path, BUNDLED.replace('code = "17.02"', 'code = "17.02'))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message
    assert "rusak" in info.value.message


def test_non_utf8_file_names_the_file(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes(BUNDLED.replace("Lebong", "L\xe9bong").encode("cp1252"))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message


@pytest.mark.parametrize(
    ("line", "section", "key"),
    [
        ('code = "17.02"\n', "kabupaten", "code"),
        ('region_file = "wilayah_rejang_lebong.csv"\n', "kabupaten", "region_file"),
        ("voting_date = 2024-11-27\n", "election", "voting_date"),
    ],
)
def test_missing_key_names_file_section_and_key(tmp_path, line, section, key):
    assert line in BUNDLED
    path = write_settings(tmp_path, BUNDLED.replace(line, ""))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    message = info.value.message
    assert str(path) in message
    assert f"[{section}]" in message
    assert f"'{key}'" in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("voting_date = 2024-11-27", 'voting_date = "27-11-2024"', "voting_date"),
        ("officers_per_tps = 2", 'officers_per_tps = "dua"', "officers_per_tps"),
        ("officers_per_tps = 2", "officers_per_tps = true", "officers_per_tps"),
        ('code = "17.02"', "code = 1702", "code"),
        ("ready_target = 90", 'ready_target = "90%"', "ready_target"),
        ("max_megabytes = 5", "max_megabytes = 5.5", "max_megabytes"),
    ],
)
def test_wrong_type_names_file_key_and_value(tmp_path, old, new, key):
    assert old in BUNDLED
    path = write_settings(tmp_path, BUNDLED.replace(old, new))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    message = info.value.message
    assert str(path) in message
    assert key in message
    assert new.split(" = ")[1].strip('"') in message


def test_empty_training_modules_are_refused(tmp_path):
    path = write_settings(
        tmp_path,
        BUNDLED.replace(
            'modules = ["prosedur pemungutan suara", "penanganan kerumunan", "komunikasi efektif"]',
            "modules = []",
        ),
    )
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message


def test_zero_officers_per_tps_is_refused(tmp_path):
    path = write_settings(tmp_path, BUNDLED.replace("officers_per_tps = 2", "officers_per_tps = 0"))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message


def test_database_path_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("READINESS_DB", raising=False)
    assert database_path() == DEFAULT_DB_PATH
    monkeypatch.setenv("READINESS_DB", str(tmp_path / "env.duckdb"))
    assert database_path() == tmp_path / "env.duckdb"
    assert database_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"


def test_env_db_fixture_sets_the_variable(env_db, db_path):
    assert database_path() == db_path


def test_bool_is_not_accepted_as_a_number(tmp_path):
    path = write_settings(tmp_path, BUNDLED.replace("min_age = 17", "min_age = true"))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message
    assert "min_age" in info.value.message


def test_bundled_plan_and_rawan_settings():
    settings = load_settings(DEFAULT_SETTINGS_FILE)
    assert [(m.code, m.day, m.target, m.measure) for m in settings.milestones] == [
        ("daftar", 21, 100.0, "registered"),
        ("verifikasi", 18, 100.0, "verified"),
        ("bpjs", 14, 100.0, "bpjs"),
        ("bimtek", 10, 100.0, "trained"),
        ("apel", 5, 100.0, "ready"),
    ]
    assert settings.milestones == DEFAULT_MILESTONES
    assert settings.rawan_levels == (
        RawanLevel("rawan", "Rawan", 0),
        RawanLevel("sangat_rawan", "Sangat rawan", 1),
    )
    assert settings.rawan_sources == ("Bawaslu", "Polres", "FGD", "lainnya")
    assert settings.rawan_extra_officers == 0


def without_plan_and_rawan() -> str:
    """The bundled file cut before [plan] and [rawan], keeping the sections after them."""
    start, end = BUNDLED.index("[plan]"), BUNDLED.index("[bpjs]")
    return BUNDLED[:start] + BUNDLED[end:]


def test_a_file_without_plan_or_rawan_gets_the_defaults(tmp_path):
    settings = load_settings(write_settings(tmp_path, without_plan_and_rawan()))
    assert settings.milestones == DEFAULT_MILESTONES
    assert [level.extra_officers for level in settings.rawan_levels] == [0, 1]


def test_the_old_rawan_extra_key_still_sets_the_rawan_level(tmp_path):
    text = without_plan_and_rawan().replace(
        "min_age = 17", "rawan_extra_officers = 2\nmin_age = 17"
    )
    settings = load_settings(write_settings(tmp_path, text))
    assert settings.rawan_extra_officers == 2
    # sangat rawan keeps one more than rawan unless the file says otherwise
    assert [level.extra_officers for level in settings.rawan_levels] == [2, 3]


def test_old_and_new_rawan_extra_that_disagree_stop_start_up(tmp_path):
    text = BUNDLED.replace("max_age_warning = 60", "max_age_warning = 60\nrawan_extra_officers = 1")
    path = write_settings(tmp_path, text)
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message
    assert "[rawan.levels.rawan]" in info.value.message
    assert "Hapus [rules] rawan_extra_officers" in info.value.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('day = "H-21"', 'day = "21 hari"', "nomor 1 (daftar), kunci 'day'"),
        ('day = "H-14"', "day = -3", "nomor 3 (bpjs), kunci 'day'"),
        ('measure = "trained"', 'measure = "hadir"', "kunci 'measure': harus salah satu dari"),
        ('target = 100\nmeasure = "ready"', 'target = 0\nmeasure = "ready"', "'target'"),
        ('code = "bimtek"', 'code = "bpjs"', "dipakai dua kali"),
        ('code = "apel"', 'code = "Apel Siaga"', "nomor 5, kunci 'code'"),
        ('label = "Bimtek"', 'label = ""', "kunci 'label'"),
        ("extra_officers = 1", "extra_officers = -1", "[rawan.levels.sangat_rawan]"),
        ("extra_officers = 0", "extra_officers = 2", "lebih kecil"),
        ("[rawan.levels.sangat_rawan]", "[rawan.levels.aman]", "'aman' tidak dikenal"),
        ('sources = ["Bawaslu", "Polres", "FGD", "lainnya"]', "sources = []", "sources harus"),
        ('"FGD", "lainnya"]', '"FGD", "bawaslu"]', "sources harus"),
    ],
)
def test_malformed_plan_or_rawan_entries_name_file_key_and_problem(tmp_path, old, new, expected):
    assert old in BUNDLED
    path = write_settings(tmp_path, BUNDLED.replace(old, new, 1))
    with pytest.raises(ReferenceDataError) as info:
        load_settings(path)
    assert str(path) in info.value.message
    assert expected in info.value.message
