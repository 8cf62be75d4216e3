"""Readiness chart specs checked through ``to_dict()``: fields, types, colours."""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness import charts

KECAMATAN = pl.DataFrame(
    {
        "kecamatan_name": ["Satu", "Dua"],
        "officers_required": [4, 2],
        "slots_siap": [1, 0],
        "slots_belum_bpjs": [1, 0],
        "slots_belum_pelatihan": [1, 0],
        "slots_perlu_diperiksa": [1, 1],
        "slots_belum_terdaftar": [0, 1],
        "status": ["kritis", "kritis"],
        "submitted_rate": [100.0, 100.0],
        "registered_rate": [100.0, 50.0],
        "bpjs_rate": [75.0, 50.0],
        "trained_rate": [75.0, 50.0],
        "ready_rate": [25.0, 0.0],
        "tps_covered_rate": [100.0, 0.0],
    }
)


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_stacked_bar_uses_the_shared_state_colours_in_order():
    spec = charts.readiness_by_kecamatan(KECAMATAN).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["field"] == "jumlah"
    assert enc["x"]["type"] == "quantitative"
    assert enc["y"]["field"] == "kecamatan_name"
    assert enc["y"]["sort"] == ["Dua", "Satu"]  # furthest behind first
    assert enc["color"]["scale"]["domain"] == list(charts.READINESS_STATES)
    assert enc["color"]["scale"]["range"] == [
        charts.STATE_COLOURS[s] for s in charts.READINESS_STATES
    ]
    assert enc["color"]["scale"]["range"][0] == "#1b7f3b"  # siap is the same green everywhere
    assert [t["title"] for t in enc["tooltip"]] == ["Kecamatan", "Keadaan", "Linmas", "Kebutuhan"]
    values = spec["datasets"][spec["data"]["name"]]
    assert {v["jumlah_label"] for v in values} >= {"0", "1"}
    assert spec["title"] == "Kesiapan linmas per kecamatan"


def test_ready_rate_has_a_target_rule_and_status_colours():
    spec = charts.ready_rate_vs_target(KECAMATAN, 90.0).to_dict()
    bars, rule = layers(spec)
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "ready_rate"
    assert bars["encoding"]["color"]["scale"]["range"] == [
        charts.STATE_COLOURS[s] for s in ("siap", "perlu perhatian", "kritis")
    ]
    assert rule["mark"]["type"] == "rule"
    assert spec["datasets"][rule["data"]["name"]] == [
        {"target": 90.0, "target_label": "Target 90,0%"}
    ]
    labels = {row["label"] for row in spec["datasets"][bars["data"]["name"]]}
    assert labels == {"25,0%", "0,0%"}


def test_heatmap_cells_are_percent_with_indonesian_labels():
    spec = charts.readiness_heatmap(KECAMATAN).to_dict()
    cells, text = layers(spec)
    assert cells["mark"]["type"] == "rect"
    assert cells["encoding"]["color"]["field"] == "persen"
    assert cells["encoding"]["color"]["type"] == "quantitative"
    assert cells["encoding"]["color"]["scale"]["domain"] == [0, 50, 100]
    assert cells["encoding"]["x"]["sort"] == list(charts.INDICATORS.values())
    assert text["encoding"]["text"]["field"] == "sel_label"


def test_timeline_ends_at_the_voting_date():
    timeline = pl.DataFrame(
        {
            "date": [dt.date(2024, 11, 20), dt.date(2024, 11, 21)],
            "desa_submitted": [1, 2],
            "registered": [3, 4],
            "ready": [0, 2],
        }
    )
    spec = charts.readiness_over_time(
        timeline, desa_total=2, officers_required=4, voting_date=dt.date(2024, 11, 27)
    ).to_dict()
    lines, rule = layers(spec)
    assert lines["encoding"]["x"]["type"] == "temporal"
    assert lines["encoding"]["x"]["scale"]["domain"] == ["2024-11-20", "2024-11-27"]
    assert lines["encoding"]["y"]["field"] == "persen"
    data = spec["datasets"][lines["data"]["name"]]
    ready = [r for r in data if r["ukuran"] == "linmas siap"]
    assert [r["persen_label"] for r in ready] == ["0,0%", "50,0%"]
    assert ready[0]["tanggal"] == "20 November 2024"
    assert rule["mark"]["type"] == "rule"
