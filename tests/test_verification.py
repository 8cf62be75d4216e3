"""Verification berjenjang: desa submits, kecamatan verifies or returns, kabupaten sees it."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from conftest import actor_for
from test_roles import DESA, OTHER_DESA_SAME_KEC, upload

from readiness import metrics, reports, verification
from readiness.db import SYSTEM
from readiness.errors import ReadinessError
from readiness.scope import Scope

KEC = actor_for("operator_kecamatan", "17.02.06")
DESA_OPERATOR = actor_for("operator_desa", DESA)


def state_of(store, code="17.02.06"):
    view = reports.overview(store, Scope("17.02"))
    return view.kecamatan.filter(pl.col("kecamatan_code") == code).row(0, named=True), view


def test_flow_end_to_end_in_storage(store):
    first = upload(store, DESA_OPERATOR, DESA, 1)
    row, view = state_of(store)
    assert row["verification_state"] == "sebagian"
    assert view.summary["kecamatan_verified"] == 0

    with pytest.raises(ReadinessError) as error:
        verification.review(store, KEC, first, "Dikembalikan ke desa", "  ")
    assert error.value.code == "review_note_missing"
    returned = verification.review(store, KEC, first, "Dikembalikan ke desa", "NIK baris 2 salah")
    assert returned == {"desa_code": DESA, "version": 1, "status": "dikembalikan"}
    queue = verification.queue(store, DESA_OPERATOR.scope)
    assert queue.select("status", "review_note").row(0) == ("dikembalikan", "NIK baris 2 salah")

    second = upload(store, DESA_OPERATOR, DESA, 5)
    with pytest.raises(ReadinessError) as error:
        verification.review(store, KEC, first, "Terverifikasi", None)
    assert error.value.code == "review_outdated"
    assert verification.queue(store, DESA_OPERATOR.scope)["status"][0] == "menunggu_verifikasi"
    verification.review(store, KEC, second, "Terverifikasi", None)

    # every desa of the kecamatan must be verified before the kabupaten counts it
    villages = store.villages(Scope("17.02.06"))["desa_code"].to_list()
    for n, code in enumerate(c for c in villages if c != DESA):
        upload(store, SYSTEM, code, 100 + 10 * n)
    row, view = state_of(store)
    assert row["verification_state"] == "lengkap"
    assert view.summary["kecamatan_complete"] == 1
    assert view.summary["kecamatan_verified"] == 0
    for sub in store.submissions(Scope("17.02.06")).filter(pl.col("status") != "terverifikasi")[
        "id"
    ]:
        store.review_submission(KEC, sub, "terverifikasi", None)
    row, view = state_of(store)
    assert row["verification_state"] == "terverifikasi"
    assert row["verified_at"] is not None
    assert view.summary["kecamatan_verified"] == 1
    assert reports.summary_json(view)["kecamatan"][0]["verified"] is True

    actions = store.audit_entries(SYSTEM)["action"].to_list()
    assert actions.count("submission.return") == 1
    assert actions.count("submission.verify") == len(villages)


def test_summary_json_keeps_complete_and_adds_verified(demo_store, capsys):
    import json

    from readiness import cli

    assert cli.main(["summary", "--json", "--db", str(demo_store.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kecamatan_complete"] == 5
    assert data["kecamatan_verified"] == 2
    by_code = {k["kode"]: k for k in data["kecamatan"]}
    assert by_code["17.02.06"]["verified"] is True
    assert by_code["17.02.09"]["complete"] is True
    assert by_code["17.02.09"]["verified"] is False


def test_kecamatan_verification_states():
    desa = pl.DataFrame(
        {
            "kecamatan_code": ["a", "b", "b", "c", "d", "d"],
            "kecamatan_name": ["A", "B", "B", "C", "D", "D"],
            "desa_code": ["a.1", "b.1", "b.2", "c.1", "d.1", "d.2"],
            "submitted": [False, True, False, True, True, True],
            "last_uploaded_at": [None, dt.datetime(2024, 11, 1), None]
            + [dt.datetime(2024, 11, 2)] * 3,
        }
    )
    reviews = pl.DataFrame(
        {
            "desa_code": ["b.1", "c.1", "d.1", "d.2"],
            "review_status": ["terverifikasi", "dikembalikan", "terverifikasi", "terverifikasi"],
            "reviewed_at": [dt.datetime(2024, 11, 3)] * 3 + [dt.datetime(2024, 11, 4)],
            "review_note": [None, "x", None, None],
        }
    )
    out = metrics.kecamatan_verification(desa, reviews)
    assert out["verification_state"].to_list() == [
        "belum mengirim",
        "sebagian",
        "lengkap",
        "terverifikasi",
    ]
    assert out["verified_at"].to_list() == [None, None, None, dt.datetime(2024, 11, 4)]
    assert out["desa_returned"].to_list() == [0, 0, 1, 0]


def test_demo_has_verified_returned_and_waiting_lists(demo_store):
    status = demo_store.submissions(Scope("17.02"))["status"].value_counts()
    counts = dict(zip(status["status"], status["count"], strict=True))
    assert counts["terverifikasi"] > 0
    assert counts["dikembalikan"] > 0
    assert counts["menunggu_verifikasi"] > 0
    note = verification.queue(demo_store, Scope("17.02.09.1012"))["review_note"][0]
    assert note


def test_verification_page_records_a_decision(env_db, store, app_as):
    upload(store, SYSTEM, DESA, 1)
    upload(store, SYSTEM, OTHER_DESA_SAME_KEC, 11)
    at = app_as("operator_kecamatan", "17.02.06").run()
    at.switch_page("pages/verification.py").run()
    assert "Menunggu verifikasi" in at.dataframe[0].value["Status"].tolist()
    # the kecamatan checks full NIK of its own villages against KTP copies (audited)
    roster = next(df.value for df in at.dataframe if "Tanggal lahir" in df.value.columns)
    assert roster["NIK"].tolist()
    assert not any("••" in nik for nik in roster["NIK"].tolist())
    assert at.radio(key="verification_decision").value is None  # nothing preselected
    at.radio(key="verification_decision").set_value("Dikembalikan ke desa")
    at.text_area(key="verification_note").input("Lengkapi nomor HP")
    at.button(key="verification_submit").click().run()
    statuses = store.submissions(Scope("17.02.06"))["status"].to_list()
    assert "dikembalikan" in statuses


def test_desa_sees_the_kecamatan_note(env_db, store, app_as):
    sub = upload(store, SYSTEM, DESA, 1)
    store.review_submission(KEC, sub, "dikembalikan", "Lengkapi nomor HP")
    at = app_as("operator_desa", DESA).run()
    at.switch_page("pages/verification.py").run()
    assert any("Dikembalikan oleh kecamatan" in w.value for w in at.warning)
    assert "Lengkapi nomor HP" in [t.value for t in at.text]  # user text, never Markdown
    assert [m.value for m in at.metric] == ["Dikembalikan"]
