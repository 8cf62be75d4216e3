"""Every rule value has one source, the settings: texts and other files that state one agree."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pytest

from readiness import metrics, reports
from readiness.config import DEFAULT_SETTINGS_FILE, PROJECT_DIR, Settings, load_settings
from readiness.validation import RosterContext

BUNDLED = load_settings(DEFAULT_SETTINGS_FILE)
README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
# "2 (setting `officers_per_tps`)", "above 60 (setting `max_age_warning`)", "`min_age` (17)"
VALUE_THEN_NAME = re.compile(r"(\d+) \(setting `(\w+)`\)")
NAME_THEN_VALUE = re.compile(r"`(\w+)` \((\d+)\)")


def readme_rule_values() -> list[tuple[str, int]]:
    pairs = [(name, int(value)) for value, name in VALUE_THEN_NAME.findall(README)]
    return pairs + [(name, int(value)) for name, value in NAME_THEN_VALUE.findall(README)]


def test_the_readme_states_rule_values():
    # guards the next test against passing on a README whose wording the patterns miss
    assert {name for name, _ in readme_rule_values()} >= {
        "officers_per_tps",
        "min_age",
        "max_age_warning",
    }


@pytest.mark.parametrize(("name", "value"), readme_rule_values())
def test_every_rule_value_in_the_readme_equals_the_bundled_setting(name, value):
    assert getattr(BUNDLED, name) == value, f"README says {name} = {value}"


def test_the_streamlit_upload_ceiling_equals_the_upload_setting():
    # The app checks [upload] max_megabytes itself (with an Indonesian message); the Streamlit
    # server cap must not be lower, or a user would get Streamlit's English refusal instead.
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == BUNDLED.max_upload_megabytes


def test_the_bundled_file_states_every_rule_value_the_code_defaults_to():
    # Code defaults are the Settings defaults; the bundled file says the same, so neither drifts.
    for name in ("officers_per_tps", "rawan_extra_officers", "min_age", "max_age_warning",
                 "training_modules", "blocking_codes", "ready_target", "critical_below",
                 "max_upload_megabytes"):  # fmt: skip
        default = next(f.default for f in dataclasses.fields(Settings) if f.name == name)
        assert getattr(BUNDLED, name) == default, name


def test_readiness_rules_follow_the_settings_not_their_defaults():
    changed = dataclasses.replace(
        BUNDLED,
        officers_per_tps=3,
        rawan_extra_officers=1,
        training_modules=("apel",),
        blocking_codes=("nik_sex_mismatch",),
        ready_target=80.0,
        critical_below=40.0,
    )
    rules = reports.readiness_rules(changed)
    assert rules == metrics.ReadinessRules(
        officers_per_tps=3,
        rawan_extra_officers=1,
        required_modules=("apel",),
        ready_target=80.0,
        critical_below=40.0,
        blocking_codes=("nik_sex_mismatch",),
    )


def test_code_defaults_are_the_settings_defaults():
    assert metrics.ReadinessRules() == reports.readiness_rules(BUNDLED)
    context = RosterContext(desa_code="x", kabupaten_code="x", voting_date=BUNDLED.voting_date)
    assert (context.min_age, context.max_age_warning) == (BUNDLED.min_age, BUNDLED.max_age_warning)
