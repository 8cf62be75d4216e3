"""The operators' home pages: Desa saya and Kecamatan saya, on the demo data."""

from __future__ import annotations

import polars as pl

from readiness import home


def _at(demo_store, monkeypatch, app_as, role, region):
    monkeypatch.setenv("READINESS_DB", str(demo_store.path))
    at = app_as(role, region).run()
    assert not at.exception
    return at


def test_desa_operator_lands_on_desa_saya(demo_store, monkeypatch, app_as):
    at = _at(demo_store, monkeypatch, app_as, "operator_desa", "17.02.09.1012")
    assert [t.value for t in at.title] == ["Desa saya"]
    page = " ".join(m.value for m in at.markdown)
    assert "Status verifikasi: Dikembalikan" in page
    # The kecamatan's note in full, as plain text.
    assert any("TPS 2" in t.value for t in at.text)
    assert [s.value for s in at.subheader][-1] == "Yang harus dilengkapi"
    assert "TPS 2" in page  # a concrete item naming the TPS
    assert "Kecamatan lengkap" not in page
    assert " dari 1" not in page


def test_kecamatan_operator_lands_on_the_per_village_table(demo_store, monkeypatch, app_as):
    at = _at(demo_store, monkeypatch, app_as, "operator_kecamatan", "17.02.09")
    assert [t.value for t in at.title] == ["Kecamatan saya"]
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Desa", "Status", "Verifikasi", "Keterangan", "Terlambat", "Kebutuhan", "Terdaftar",
        "Selisih", "BPJS", "Pelatihan", "Kontak", "WhatsApp",
    ]  # fmt: skip
    order = {"Kritis": 0, "Perlu perhatian": 1, "Siap": 2}
    ranks = [order.get(s, 3) for s in table["Status"]]
    assert ranks == sorted(ranks)  # worst first
    assert "menunggu verifikasi" in at.info[0].value
    assert len(table) > 1


def test_desa_home_lists_concrete_items():
    overview = pl.DataFrame(
        {
            "desa_name": ["Derati"], "submitted": [True], "versions": [2],
            "last_uploaded_at": [None], "officers_registered": [4], "officers_required": [6],
            "tps_count": [3], "review_status": ["dikembalikan"], "review_note": ["TPS 2 kurang"],
        }
    )  # fmt: skip
    readiness = overview.with_columns(
        registered=pl.lit(4), bpjs_enrolled=pl.lit(1), trained=pl.lit(4)
    )
    tps = pl.DataFrame({"tps_number": [1, 2, 3], "shortfall": [0, 1, 1]})
    view = home.desa_home(overview, readiness, tps)
    assert view.balance == "kurang 2 orang"
    assert [t.text for t in view.todo] == [
        "Kecamatan mengembalikan daftar: TPS 2 kurang",
        "2 linmas kurang dari kebutuhan.",
        "TPS 2 dan 3 belum tercukupi.",
        "3 orang belum terdaftar BPJS Ketenagakerjaan.",
    ]
