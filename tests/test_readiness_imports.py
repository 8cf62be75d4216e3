"""BPJS and attendance imports on a real DuckDB file: listed problems, apply, exact undo."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from conftest import make_nik, make_officers, no_findings
from polars.testing import assert_frame_equal

from readiness import readiness_imports as imports
from readiness.db import SYSTEM
from readiness.errors import ReadinessError
from readiness.scope import Scope

DESA = "17.02.06.2001"
SCOPE = Scope("17.02")
STATE = ["nik", "bpjs_enrolled", "kpj", "enrolled_on", "modules_attended"]


@pytest.fixture
def filled(store):
    names = ["Budi Santoso", "Siti Aminah", "Joko Susilo"]
    store.store_roster(SYSTEM, DESA, make_officers([make_nik(i) for i in (1, 2, 3)], nama=names),
                       no_findings(), file_name="v1.xlsx", sha256="a", counts={"accepted": 3})  # fmt: skip
    return store


def state(store) -> pl.DataFrame:
    return store.officer_readiness(SCOPE).select(STATE).sort("nik")


def bpjs_csv(rows: list[str]) -> bytes:
    return ("NIK;Nama Peserta;No. KPJ;Status Kepesertaan;Tgl. Daftar\n" + "\n".join(rows)).encode()


def test_bpjs_import_lists_bad_rows_applies_the_rest_and_undo_restores_exactly(filled):
    store = filled
    store.record_bpjs_batch(SYSTEM, pl.DataFrame({"nik": [make_nik(3)], "kpj": ["33333333333"],
                            "enrolled": [True], "enrolled_on": [dt.date(2024, 10, 1)]}),
                            file_name="earlier.csv")  # fmt: skip
    before = state(store)
    data = bpjs_csv([
        f"{make_nik(1)};BUDI SANTOSO;11111111111;Aktif;01-11-2024",
        f"{make_nik(2)};Siti Aminah;33333333333;Aktif;02-11-2024",  # KPJ of NIK 3
        f"{make_nik(9)};Orang Lain;44444444444;Aktif;02-11-2024",  # not in any roster
        f"{make_nik(3)};Joko Susilo;555;Aktif;",  # short KPJ: warned, applied
        f"{make_nik(3)};Joko Susilo;555;Aktif;",  # the same NIK twice: both refused
    ])  # fmt: skip
    plan = imports.bpjs_plan_from_file(store, SCOPE, data, "peserta.csv")
    assert store.count("bpjs_records") == 1  # planning stores nothing
    refused = plan.problems.filter(pl.col("severity") == "ditolak")
    assert dict(zip(refused["row"], refused["code"], strict=True)) == {
        3: "import_kpj_other_nik", 4: "import_nik_unknown", 5: "import_nik_duplicate",
        6: "import_nik_duplicate",
    }  # fmt: skip
    assert refused.filter(pl.col("row") == 3)["message"][0] == (
        "Baris 3: nomor KPJ 33333333333 sudah tercatat untuk NIK lain (1702••••••••0003). "
        "Satu KPJ hanya untuk satu orang: periksa nomor KPJ-nya dengan BPJS Ketenagakerjaan."
    )
    assert plan.rows_rejected == 4
    assert plan.records["nik"].to_list() == [make_nik(1)]

    batch = imports.apply_bpjs(store, SYSTEM, plan)
    after = state(store)
    assert after.filter(pl.col("nik") == make_nik(1)).row(0, named=True) == {
        "nik": make_nik(1), "bpjs_enrolled": True, "kpj": "11111111111",
        "enrolled_on": dt.date(2024, 11, 1), "modules_attended": [],
    }  # fmt: skip
    assert_frame_equal(after.filter(pl.col("nik") != make_nik(1)),
                       before.filter(pl.col("nik") != make_nik(1)))  # fmt: skip
    assert store.batches("bpjs")["rows_rejected"].to_list()[0] == 4

    imports.undo(store, SYSTEM, batch)
    assert_frame_equal(state(store), before)
    with pytest.raises(ReadinessError) as error:
        imports.undo(store, SYSTEM, batch)
    assert error.value.code == "batch_already_undone"


def test_bpjs_file_with_wrong_columns_is_refused_whole(filled):
    before = filled.count("batches")
    with pytest.raises(ReadinessError) as error:
        imports.bpjs_plan_from_file(filled, SCOPE, b"Nama;Alamat\nBudi;Curup\n", "salah.csv")
    assert error.value.code == "import_columns_missing"
    assert "NIK" in error.value.message
    assert filled.count("batches") == before


def test_a_name_that_does_not_fit_the_nik_is_listed_not_applied(filled):
    data = bpjs_csv([f"{make_nik(2)};Bambang Pamungkas;22222222222;Aktif;01-11-2024"])
    plan = imports.bpjs_plan_from_file(filled, SCOPE, data, "x.csv")
    assert plan.problems["code"].to_list() == ["import_name_mismatch"]
    with pytest.raises(ReadinessError) as error:
        imports.apply_bpjs(filled, SYSTEM, plan)
    assert error.value.code == "import_nothing"
    assert filled.count("bpjs_records") == 0


def test_attendance_import_tick_and_undo(filled):
    store = filled
    session = imports.add_session(store, SYSTEM, held_on=dt.date(2024, 11, 15), place="Aula",
                                  modules=["prosedur pemungutan suara"], kecamatan_code="17.02.06")  # fmt: skip
    before = state(store)
    data = f"NIK,Nama\n{make_nik(1)},Budi\n{make_nik(8)},Tamu\n".encode()
    plan = imports.attendance_plan_from_file(store, SCOPE, session, data, "hadir.csv")
    assert plan.problems.select("row", "code").rows() == [(3, "import_nik_unknown")]
    batch = imports.apply_attendance(store, SYSTEM, session, plan)
    assert store.session_attendees(session) == [make_nik(1)]

    # the very same bytes are refused whole; a corrected list skips who is recorded
    corrected = data.replace(b"Tamu", b"Tamu Lain")
    again = imports.attendance_plan_from_file(store, SCOPE, session, corrected, "hadir.csv")
    assert again.problems["code"].to_list() == ["import_already_attended", "import_nik_unknown"]
    assert imports.tick_attendance(store, SYSTEM, SCOPE, session, [make_nik(1), make_nik(2)]) == 1
    assert store.session_attendees(session) == [make_nik(1), make_nik(2)]

    for batch_id in store.batches("attendance")["id"].to_list():
        imports.undo(store, SYSTEM, batch_id)
    assert batch in store.batches("attendance")["id"].to_list()
    assert_frame_equal(state(store), before)


def test_session_needs_place_and_known_modules(store):
    with pytest.raises(ReadinessError) as error:
        imports.add_session(store, SYSTEM, held_on=dt.date(2024, 11, 1), place="Aula",
                            modules=["menembak"], kecamatan_code=None)  # fmt: skip
    assert error.value.code == "session_modules_invalid"
    assert store.count("training_sessions") == 0


def test_tps_rawan_flag_needs_a_reason_and_an_existing_tps(store):
    tps = pl.DataFrame({"desa_code": [DESA], "tps_number": [1], "rawan": [False]})
    store.replace_tps(SYSTEM, tps, file_name="tps.csv")
    with pytest.raises(ReadinessError) as error:
        store.set_tps_rawan(SYSTEM, DESA, 1, rawan=True, reason=" ")
    assert error.value.code == "rawan_reason_missing"
    with pytest.raises(ReadinessError) as error:
        store.set_tps_rawan(SYSTEM, DESA, 7, rawan=True, reason="banjir")
    assert error.value.code == "tps_unknown"
    store.set_tps_rawan(SYSTEM, DESA, 1, rawan=True, reason="banjir")
    assert store.tps(Scope(DESA)).select("rawan", "rawan_reason").row(0) == (True, "banjir")


def test_import_messages_render():
    from readiness import messages

    for code in [c for c in messages.MESSAGES if c.startswith("import_")]:
        text = messages.render(code, **{f: "x" for f in messages.fields(code)})
        assert text
        assert "{" not in text


# -- the same file imported twice ----------------------------------------------------------------


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """A real XLSX workbook (xlsxwriter) with every cell written as text, as BPJS sends it."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as book:
        sheet = book.add_worksheet("Peserta")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    return buffer.getvalue()


def bpjs_xlsx(serials: list[int]) -> bytes:
    names = {1: "Budi Santoso", 2: "Siti Aminah", 3: "Joko Susilo"}
    return xlsx_bytes([["NIK", "Nama", "No. KPJ", "Status", "Tanggal"]] + [
        [make_nik(i), names[i], f"{i:011d}", "Aktif", "01-11-2024"] for i in serials
    ])  # fmt: skip


def test_the_same_bpjs_file_is_refused_until_its_import_is_undone(filled):
    from test_readiness_cache import assert_cache_is_live

    store = filled
    data = bpjs_xlsx([1, 2])
    first = imports.bpjs_plan_from_file(store, SCOPE, data, "peserta.xlsx")
    batch = imports.apply_bpjs(store, SYSTEM, first)
    assert state(store)["bpjs_enrolled"].to_list() == [True, True, False]

    # planned again (under another name): refused before any apply button is offered
    with pytest.raises(ReadinessError) as error:
        imports.bpjs_plan_from_file(store, SCOPE, data, "peserta (1).xlsx")
    assert error.value.code == "import_already_imported"
    text = error.value.message
    assert text.startswith(
        f'Berkas "peserta (1).xlsx" sudah pernah diimpor: isinya sama persis dengan impor '
        f'nomor {batch} ("peserta.xlsx", daftar peserta BPJS) pada '
    )
    assert f"oleh {SYSTEM.username}." in text
    assert text.endswith(f"Batalkan impor nomor {batch} dulu bila ingin mengimpor ulang.")
    # a plan made before the first apply (a second click) is refused inside the transaction
    with pytest.raises(ReadinessError) as error:
        imports.apply_bpjs(store, SYSTEM, first)
    assert error.value.code == "import_already_imported"
    assert store.count("batches") == 1
    assert store.count("bpjs_records") == 2

    # other bytes are another file: allowed
    other = imports.bpjs_plan_from_file(store, SCOPE, bpjs_xlsx([3]), "susulan.xlsx")
    imports.apply_bpjs(store, SYSTEM, other)
    assert store.count("batches") == 2

    imports.undo(store, SYSTEM, batch)
    again = imports.bpjs_plan_from_file(store, SCOPE, data, "peserta.xlsx")
    second = imports.apply_bpjs(store, SYSTEM, again)
    assert second != batch
    assert state(store)["bpjs_enrolled"].to_list() == [True, True, True]
    assert_cache_is_live(store)


def test_the_same_attendance_file_is_refused_per_session_and_ticks_are_unaffected(filled):
    from test_readiness_cache import assert_cache_is_live

    store = filled
    first, second = (
        imports.add_session(store, SYSTEM, held_on=dt.date(2024, 11, day), place="Aula",
                            modules=["prosedur pemungutan suara"], kecamatan_code=None)
        for day in (15, 16)
    )  # fmt: skip
    data = f"NIK,Nama\n{make_nik(1)},Budi\n{make_nik(2)},Siti\n".encode()
    batch = imports.apply_attendance(
        store, SYSTEM, first,
        imports.attendance_plan_from_file(store, SCOPE, first, data, "hadir.csv"),
    )  # fmt: skip
    with pytest.raises(ReadinessError) as error:
        imports.attendance_plan_from_file(store, SCOPE, first, data, "hadir.csv")
    assert error.value.code == "import_already_imported"
    assert f"absensi sesi nomor {first}" in error.value.message
    # the same file for another session is another import
    imports.apply_attendance(
        store, SYSTEM, second,
        imports.attendance_plan_from_file(store, SCOPE, second, data, "hadir.csv"),
    )  # fmt: skip
    # ticking on the page carries no file and is never taken for a repeated file
    assert imports.tick_attendance(store, SYSTEM, SCOPE, first, [make_nik(3)]) == 1
    assert store.session_attendees(first) == [make_nik(i) for i in (1, 2, 3)]

    imports.undo(store, SYSTEM, batch)
    assert store.session_attendees(first) == [make_nik(3)]
    again = imports.attendance_plan_from_file(store, SCOPE, first, data, "hadir.csv")
    imports.apply_attendance(store, SYSTEM, first, again)
    assert store.session_attendees(first) == [make_nik(i) for i in (1, 2, 3)]
    assert_cache_is_live(store)


def test_an_unknown_session_is_refused_before_the_file_is_read(filled):
    with pytest.raises(ReadinessError) as error:
        imports.attendance_plan_from_file(filled, SCOPE, 99, b"NIK\n", "hadir.csv")
    assert error.value.code == "import_session_unknown"
    assert "training sessions" in error.value.message


@pytest.mark.parametrize("kind", ["bpjs", "attendance"])
def test_two_applies_of_one_plan_at_once_store_one_batch(filled, kind):
    import threading

    store = filled
    if kind == "bpjs":
        plan = imports.bpjs_plan_from_file(store, SCOPE, bpjs_xlsx([1, 2, 3]), "peserta.xlsx")
        apply = lambda: imports.apply_bpjs(store, SYSTEM, plan)  # noqa: E731
    else:
        session = imports.add_session(store, SYSTEM, held_on=dt.date(2024, 11, 15), place="Aula",
                                      modules=["komunikasi efektif"], kecamatan_code=None)  # fmt: skip
        data = "NIK\n" + "\n".join(make_nik(i) for i in (1, 2, 3))
        plan = imports.attendance_plan_from_file(store, SCOPE, session, data.encode(), "h.csv")
        apply = lambda: imports.apply_attendance(store, SYSTEM, session, plan)  # noqa: E731
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def click() -> None:
        start.wait()
        try:
            outcomes.append(apply())
        except ReadinessError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == sorted([store.batches(kind)["id"][0],
                                                "import_already_imported"], key=str)  # fmt: skip
    assert store.batches(kind).height == 1
    table = "bpjs_records" if kind == "bpjs" else "attendance"
    assert store.count(table) == 3
