"""The per-desa readiness counts every write keeps equal the counts computed live."""

import dataclasses
import datetime as dt
import json
import sys

import polars as pl
import pytest
from conftest import make_nik, make_officers, no_findings
from polars.testing import assert_frame_equal

from readiness import metrics, reports
from readiness.cli import main
from readiness.db import SYSTEM, Store
from readiness.scope import Scope

DESA = "17.02.06.2001"
OTHER_DESA = "17.02.06.1004"


def live(store: Store, scope: Scope, today: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    params = reports._counts_params(store.settings)
    end_of_yesterday = dt.datetime.combine(today, dt.time(), tzinfo=metrics.WIB)
    return (
        store.readiness_counts(scope, None, **params),
        store.readiness_counts(scope, end_of_yesterday, **params).filter(pl.col("kind") == "desa"),
    )


def ordered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("kind", "desa_code", "day", nulls_last=True)


KABUPATEN = Scope("17.02")


def assert_cache_is_live(store: Store, scope: Scope = KABUPATEN) -> None:
    today = dt.datetime.now(metrics.WIB).date()
    cached = store.cached_readiness_counts(scope, today)
    assert cached is not None, "the cache should answer for today"
    for got, want in zip(cached, live(store, scope, today), strict=True):
        assert_frame_equal(
            ordered(got), ordered(want), check_dtypes=False, check_column_order=False
        )
    tps, registered = store.cached_overview_counts(scope)  # what Ringkasan reads
    assert_frame_equal(tps, store.tps_counts(scope), check_dtypes=False)
    assert_frame_equal(registered, store.registered_counts(scope), check_dtypes=False)


def upload(store: Store, desa: str, niks: list[str], **overrides) -> None:
    rows = make_officers(niks, **overrides)
    store.store_roster(
        SYSTEM, desa, rows, no_findings(), file_name="daftar.xlsx", sha256=str(niks),
        counts={"accepted": rows.height},
    )  # fmt: skip


def test_fresh_and_demo_databases_start_with_a_valid_cache(store, demo_store):
    assert_cache_is_live(store)
    assert_cache_is_live(demo_store)
    assert_cache_is_live(demo_store, Scope(""))
    assert_cache_is_live(demo_store, Scope("17.02.06"))


def test_every_kind_of_write_keeps_the_cache_equal_to_live_counts(demo_store):
    niks = [make_nik(i) for i in range(801, 806)]
    upload(demo_store, DESA, niks, nomor_tps=[1, 1, 2, 2, 3])
    assert_cache_is_live(demo_store)

    upload(demo_store, DESA, niks[:3], nomor_tps=[1, 1, 2])  # a second version drops two
    assert_cache_is_live(demo_store)

    batch = demo_store.record_bpjs_batch(
        SYSTEM,
        pl.DataFrame({"nik": niks[:2], "kpj": ["11", "12"], "enrolled": [True, True],
                      "enrolled_on": [dt.date(2024, 11, 1)] * 2}),
        file_name="bpjs.csv",
    )  # fmt: skip
    assert_cache_is_live(demo_store)

    session = demo_store.add_training_session(
        SYSTEM, held_on=dt.date(2024, 11, 5), place="Curup",
        modules=list(demo_store.settings.training_modules),
    )  # fmt: skip
    demo_store.record_attendance(SYSTEM, session, niks[:3], file_name=None)
    assert_cache_is_live(demo_store)

    demo_store.undo_batch(SYSTEM, batch)
    assert_cache_is_live(demo_store)

    demo_store.set_tps_rawan(SYSTEM, DESA, 1, rawan=True, reason="pemetaan Bawaslu")
    assert_cache_is_live(demo_store)

    tps = pl.DataFrame({"desa_code": [DESA] * 2, "tps_number": [1, 2], "rawan": [False, True]})
    demo_store.replace_tps(SYSTEM, tps, file_name="tps.csv")
    assert_cache_is_live(demo_store)

    demo_store.forget_nik(SYSTEM, niks[0], masked="1702**********01")
    assert_cache_is_live(demo_store)
    assert_cache_is_live(demo_store, Scope(DESA))


def test_a_backdated_write_recounts_yesterday(demo_store):
    """Demo data and past batches carry their own timestamps; yesterday must include them."""
    last_week = dt.datetime.now(metrics.WIB) - dt.timedelta(days=7)
    rows = make_officers([make_nik(i) for i in (821, 822)])
    demo_store.store_roster(
        SYSTEM, DESA, rows, no_findings(), file_name="lama.xlsx", sha256="lama",
        counts={"accepted": 2}, uploaded_at=last_week,
    )  # fmt: skip
    assert_cache_is_live(demo_store)


def test_a_nik_in_two_villages_recounts_both(store):
    """A NIK listed by two desa blocks both; a new roster of one changes the other's counts."""
    shared = make_nik(831)
    upload(store, OTHER_DESA, [shared, make_nik(832)])
    con_rows = make_officers([shared, make_nik(834)])
    with store.connect() as con:  # a duplicate only a bulk load could bring in
        con.execute(
            "INSERT INTO submissions (desa_code, version, uploaded_at, uploader) "
            "VALUES ($d, 1, now(), 'massal')",
            {"d": DESA},
        )
        con.register("rows", con_rows.to_arrow())
        con.execute(
            "INSERT INTO officers BY NAME SELECT (SELECT max(id) FROM submissions) AS "
            "submission_id, $d AS desa_code, * FROM rows",
            {"d": DESA},
        )
    store.refresh_readiness_cache()
    today = dt.datetime.now(metrics.WIB).date()
    before = store.cached_readiness_counts(KABUPATEN, today)[0]
    assert before.filter((pl.col("desa_code") == OTHER_DESA) & (pl.col("kind") == "desa"))[
        "blocked"
    ].to_list() == [1]

    enrol = pl.DataFrame(
        {"nik": [make_nik(834)], "kpj": ["21"], "enrolled": [True], "enrolled_on": [None]}
    )
    store.record_bpjs_batch(SYSTEM, enrol, file_name="bpjs.csv")  # touches DESA only
    assert_cache_is_live(store)

    upload(store, DESA, [make_nik(833)])  # the duplicate leaves DESA's roster

    after = store.cached_readiness_counts(KABUPATEN, today)[0]
    assert after.filter((pl.col("desa_code") == OTHER_DESA) & (pl.col("kind") == "desa"))[
        "blocked"
    ].to_list() == [0]
    assert_cache_is_live(store)


def set_clock(monkeypatch, moment: dt.datetime) -> None:
    """Make every module of the database package read ``moment`` as the present."""
    for name, module in list(sys.modules.items()):
        if name.startswith("readiness.db") and hasattr(module, "now_wib"):
            monkeypatch.setattr(module, "now_wib", lambda: moment)


def test_first_write_of_a_new_day_keeps_what_yesterday_showed(store, monkeypatch):
    day_one = dt.datetime(2024, 11, 18, 15, tzinfo=metrics.WIB)
    set_clock(monkeypatch, day_one)
    upload(store, DESA, [make_nik(i) for i in (841, 842)])
    store.refresh_readiness_cache()
    upload(store, OTHER_DESA, [make_nik(843)])

    day_two = day_one + dt.timedelta(days=1)
    set_clock(monkeypatch, day_two)
    upload(store, DESA, [make_nik(i) for i in (841, 842, 844, 845)])

    counts = store.cached_readiness_counts(Scope("17.02"), day_two.date())
    assert counts is not None
    now, yesterday = (frame.filter(pl.col("kind") == "desa") for frame in counts)
    assert now["registered"].sum() == 5
    assert yesterday["registered"].sum() == 3
    view = reports.readiness(store, Scope("17.02"), day_two.date())
    assert (view.summary["registered"], view.yesterday["registered"]) == (5, 3)
    # Another day's "yesterday" is not in the cache: it is counted live, and agrees.
    assert store.cached_readiness_counts(Scope("17.02"), day_two.date() + dt.timedelta(days=5))
    assert store.cached_readiness_counts(Scope("17.02"), day_one.date()) is None


def test_a_bulk_load_falls_back_to_live_counts_until_recounted(store, tmp_path):
    today = dt.datetime.now(metrics.WIB).date()
    tps = tmp_path / "tps.csv"
    tps.write_text(f"desa_code,tps_number,rawan\n{DESA},1,false\n{DESA},2,true\n")
    store.bulk_load(SYSTEM, {"tps": tps}, recount=False)
    assert store.cached_readiness_counts(Scope("17.02"), today) is None
    view = reports.readiness(store, Scope("17.02"), today)
    assert view.summary["tps_total"] == 2

    store.refresh_readiness_cache()
    assert_cache_is_live(store)
    assert reports.readiness(store, Scope("17.02"), today).summary == view.summary


@pytest.mark.parametrize("per_tps", [3])
def test_changed_rules_rebuild_the_cache_at_start(demo_store, per_tps):
    settings = dataclasses.replace(demo_store.settings, officers_per_tps=per_tps)
    reopened = Store.open(demo_store.path, settings)
    assert_cache_is_live(reopened)
    summary = reports.readiness(reopened, Scope("17.02"), dt.date(2024, 11, 20)).summary
    assert summary["officers_required"] == per_tps * summary["tps_total"]


def test_the_generated_province_is_counted_alike(settings, province_template):
    """The M benchmark database (bulk-loaded Provinsi Bengkulu): kept counts = live counts."""
    store = Store(province_template, settings)  # reads only
    for code in ("", "17", "17.02", "17.05.01"):
        assert_cache_is_live(store, Scope(code))


def summary_json(path, capsys) -> dict:
    assert main(["summary", "--json", "--db", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


def exactly_covered(people: reports.People, *, besides: tuple = ()) -> tuple[str, int, str]:
    """(desa, TPS, NIK of one counted guard) of a plain TPS holding exactly its need, in a desa
    with another covered TPS."""
    tps = people.tps.filter(~pl.col("rawan"))
    covered = tps.filter(pl.col("covered")).group_by("desa_code").len()
    exact = tps.filter(
        (pl.col("officers_assigned") == pl.col("officers_required"))
        & pl.col("desa_code").is_in(covered.filter(pl.col("len") > 1)["desa_code"].implode())
        & ~pl.col("desa_code").is_in(list(besides))
    ).row(0, named=True)
    guard = people.officers.filter(
        (pl.col("desa_code") == exact["desa_code"])
        & (pl.col("nomor_tps") == exact["tps_number"])
        & pl.col("counted")
    ).row(0, named=True)
    return exact["desa_code"], exact["tps_number"], guard["nik"]


def test_assignment_writes_move_tps_covered_and_keep_the_cache_live(demo_store, capsys):
    before = summary_json(demo_store.path, capsys)
    people = reports.readiness_people(demo_store, KABUPATEN)
    desa, tps, nik = exactly_covered(people)
    target = people.tps.filter(
        (pl.col("desa_code") == desa) & pl.col("covered") & (pl.col("tps_number") != tps)
    )["tps_number"][0]

    assert main(["assign", "--desa", desa, "--nik", nik, "--tps", str(target),
                 "--db", str(demo_store.path)]) == 0  # fmt: skip
    capsys.readouterr()
    assert_cache_is_live(demo_store)
    moved = summary_json(demo_store.path, capsys)
    assert moved["tps_covered"] == before["tps_covered"] - 1  # TPS `tps` is one short now
    assert moved["tps_assigned_full"] == moved["tps_covered"]
    assert moved["assigned"] == before["assigned"] - 1  # the moved one is surplus where it went
    kecamatan = {row["kode"]: row for row in before["kecamatan"]}
    after = {row["kode"]: row for row in moved["kecamatan"]}
    assert after[desa[:8]]["tps_covered"] == kecamatan[desa[:8]]["tps_covered"] - 1

    other, _, reserve = exactly_covered(people, besides=(desa,))
    assert main(["assign", "--desa", other, "--nik", reserve, "--cadangan",
                 "--db", str(demo_store.path)]) == 0  # fmt: skip
    capsys.readouterr()
    assert_cache_is_live(demo_store)
    assert summary_json(demo_store.path, capsys)["tps_covered"] == before["tps_covered"] - 2

    demo_store.add_assignment_changes(  # the move taken back: the newest change wins
        SYSTEM, desa, [{"desa_code": desa, "nik": nik, "tps_number": tps, "cadangan": False}],
        action="assignment.move",
    )  # fmt: skip
    assert_cache_is_live(demo_store)
    assert summary_json(demo_store.path, capsys)["tps_covered"] == before["tps_covered"] - 1


def test_counts_kept_before_assignments_decided_coverage_are_recounted_at_start(demo_store):
    """A database whose kept counts still read the roster's TPS column is recounted on open."""
    people = reports.readiness_people(demo_store, KABUPATEN)
    desa, _, nik = exactly_covered(people)
    with demo_store.connect() as con:  # a change the old counts never saw, under the old key
        con.execute(
            "INSERT INTO assignment_changes (desa_code, nik, tps_number, cadangan, changed_at, "
            "actor) VALUES ($d, $n, NULL, true, now(), 'lama')",
            {"d": desa, "n": nik},
        )
        con.execute("UPDATE readiness_cache_state SET rules = 'aturan lama'")
    reopened = Store.open(demo_store.path, demo_store.settings)
    assert_cache_is_live(reopened)
    today = dt.datetime.now(metrics.WIB).date()
    covered = reports.readiness(reopened, KABUPATEN, today).summary["tps_covered"]
    assert covered == reports.readiness(demo_store, KABUPATEN, today).summary["tps_covered"]
    assert people.tps["covered"].sum() == covered + 1
