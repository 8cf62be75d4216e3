"""Masking of NIK and phone by role, and deleting a person's NIK on request."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import make_nik
from hypothesis import given
from hypothesis import strategies as st
from test_roles import DESA, upload

from readiness import cli, privacy
from readiness.db import SYSTEM
from readiness.scope import Scope


def test_masks_keep_the_ends_only():
    assert privacy.mask_nik("1702061705900012") == "1702••••••••0012"
    assert privacy.mask_phone("081234567890") == "0812•••••890"
    assert privacy.mask_nik(None) is None
    assert privacy.mask_nik("1234") == "••••"


@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789+ ", max_size=20)), max_size=30))
def test_expressions_match_the_python_functions(values):
    frame = pl.DataFrame(
        {"nik": values, "no_hp": values}, schema={"nik": pl.String, "no_hp": pl.String}
    )
    masked = frame.select(privacy.mask_nik_expr("nik"), privacy.mask_phone_expr("no_hp"))
    assert masked["nik"].to_list() == [privacy.mask_nik(v) for v in values]
    assert masked["no_hp"].to_list() == [privacy.mask_phone(v) for v in values]


@pytest.mark.parametrize(
    ("role", "purpose", "unmasked", "shown"),
    [
        ("admin", "screen", False, True),
        ("operator_desa", "screen", False, True),
        ("operator_kecamatan", "screen", False, False),
        ("pimpinan", "screen", False, False),
        ("admin", "export", False, False),
        ("admin", "export", True, True),
        ("pimpinan", "export", True, False),
        ("operator_desa", "export", True, False),
    ],
)
def test_mask_frame_by_role(role, purpose, unmasked, shown):
    frame = pl.DataFrame({"nik": ["1702061705900012"], "no_hp": ["081234567890"], "nama": ["A"]})
    out = privacy.mask_frame(frame, role, purpose, unmasked=unmasked)
    assert (out["nik"][0] == "1702061705900012") is shown
    assert (out["no_hp"][0] == "081234567890") is shown
    assert out["nama"][0] == "A"


def test_pimpinan_never_sees_a_full_nik_on_the_verification_page(env_db, store, app_as):
    upload(store, SYSTEM, DESA, 1)
    at = app_as("pimpinan").run()
    at.switch_page("pages/verification.py").run()
    text = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert make_nik(1) not in text


def test_forget_nik_removes_it_everywhere_and_logs_it_masked(db_path, store, capsys):
    nik = make_nik(1)
    upload(store, SYSTEM, DESA, 1)
    upload(store, SYSTEM, DESA, 1)  # a second version holds the same person
    store.record_bpjs_batch(
        SYSTEM,
        pl.DataFrame(
            {"nik": [nik], "kpj": ["12345678901"], "enrolled": [True], "enrolled_on": [None]}
        ),
        file_name=f"bpjs {nik}.xlsx",
    )
    assert cli.main(["forget-nik", nik, "--db", str(db_path)]) == 1  # asks for --yes first
    assert cli.main(["forget-nik", nik, "--yes", "--json", "--db", str(db_path)]) == 0
    assert '"officers": 2' in capsys.readouterr().out
    assert store.officers(Scope("17.02")).filter(pl.col("nik") == nik).height == 0
    assert store.count("bpjs_records") == 0
    log = store.audit_entries(SYSTEM)
    assert not log.filter(pl.concat_str("target", "detail").str.contains(nik)).height
    assert log.filter(pl.col("action") == "privacy.forget_nik")["target"][0] == privacy.mask_nik(
        nik
    )
    assert make_nik(2) in store.officers(Scope("17.02"))["nik"].to_list()
