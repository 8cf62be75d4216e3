"""Settings: the bundled file loads; a broken file stops start-up and names itself."""

from __future__ import annotations

import datetime as dt

import pytest

from readiness.config import DEFAULT_DB_PATH, DEFAULT_SETTINGS_FILE, database_path, load_settings
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
