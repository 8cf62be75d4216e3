"""The demo is a live run-up for the day it is built for, with the bundled settings untouched."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import DEMO_TODAY

from readiness import reports
from readiness.cli import main
from readiness.config import load_settings
from readiness.db import Store
from readiness.demo import build_demo, demo_built_on, demo_election, with_demo_election
from readiness.metrics import WIB
from readiness.scope import Scope


def test_demo_election_is_weeks_ahead_with_the_deadline_passed():
    voting, deadline = demo_election(dt.date(2031, 3, 10))
    assert voting == dt.date(2031, 3, 30)
    assert deadline == dt.date(2031, 3, 8)


def test_demo_database_carries_its_own_election_dates(demo_template):
    plain = Store.open(demo_template.path, load_settings())
    assert plain.settings.voting_date == dt.date(2024, 11, 27)  # bundled settings: untouched
    live = with_demo_election(plain)
    assert demo_built_on(live) == DEMO_TODAY
    assert live.settings.voting_date == DEMO_TODAY + dt.timedelta(days=20)
    assert live.settings.submission_deadline == DEMO_TODAY - dt.timedelta(days=2)
    assert "DATA CONTOH" in live.settings.election_name


def test_a_real_database_keeps_the_bundled_election(store):
    assert with_demo_election(store).settings == store.settings


def test_demo_history_lies_in_the_weeks_before_its_day_and_some_villages_are_late(demo_template):
    built_at = dt.datetime.combine(DEMO_TODAY, dt.time(7), tzinfo=WIB)
    submissions = demo_template.submissions(Scope("17.02"), active_only=False)
    uploaded = submissions["uploaded_at"]
    assert uploaded.max() <= built_at
    assert uploaded.min() >= built_at - dt.timedelta(days=30)
    view = reports.overview(demo_template, Scope("17.02"))
    assert view.summary["desa_late"] > 0
    assert view.summary["desa_on_time"] > view.summary["desa_late"]
    created = demo_template.batches("bpjs")["created_at"].to_list()
    assert created
    assert max(created) <= built_at


@pytest.mark.slow
def test_summary_json_of_two_demos_built_for_one_day_is_the_same(demo_template, tmp_path, capsys):
    again = tmp_path / "again.duckdb"
    build_demo(Store.open(again, load_settings()), DEMO_TODAY)
    outputs = []
    for path in (demo_template.path, again):
        assert main(["summary", "--json", "--db", str(path)]) == 0
        data = json.loads(capsys.readouterr().out)
        data.pop("generated_at")  # the moment the command ran
        # the newest audit id: other tests read the shared template through the dashboard,
        # which logs their logins and the daily backup there
        data.pop("data_version")
        outputs.append(data)
    assert outputs[0] == outputs[1]
    assert outputs[0]["election_name"] == with_demo_election(demo_template).settings.election_name


def test_demo_command_refuses_a_malformed_day(tmp_path, capsys):
    assert (
        main(["demo", "--build-only", "--db", str(tmp_path / "d.duckdb"), "--today", "7/11"]) == 1
    )
    assert "--today harus tanggal" in capsys.readouterr().err


def test_a_demo_built_for_another_day_is_rebuilt_in_the_same_process(tmp_path, capsys):
    db = tmp_path / "rebuilt.duckdb"
    earlier = (DEMO_TODAY - dt.timedelta(days=1)).isoformat()
    assert main(["demo", "--build-only", "--today", earlier, "--db", str(db)]) == 0
    # the second run deletes the file this process still holds open, then builds it again
    assert main(["demo", "--build-only", "--today", DEMO_TODAY.isoformat(), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["summary", "--json", "--db", str(db)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["desa_submitted"] == 125
    assert demo_built_on(Store(db, load_settings())) == DEMO_TODAY
