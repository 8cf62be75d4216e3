"""Verification berjenjang end to end in chromium: desa re-uploads a returned list, kecamatan verifies it."""

from __future__ import annotations

import re

import pytest
import roster_builder
from browser import launch_chromium, running_dashboard
from conftest import copy_database
from playwright.sync_api import expect, sync_playwright

from readiness.db import Store
from readiness.scope import Scope

pytestmark = pytest.mark.browser
DESA = "17.02.09.1012"


def log_in(page, username: str, password: str) -> None:
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible(timeout=60_000)


def open_page(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()


def pick_option(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label``."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option").filter(has_text=option).first.click()


def test_return_reupload_verify_in_chromium(demo_template, tmp_path):
    db = tmp_path / "demo.duckdb"
    copy_database(demo_template.path, db)
    store = Store.open(db, demo_template.settings)
    before = store.submissions(Scope(DESA)).row(0, named=True)
    assert before["status"] == "dikembalikan"
    rows = roster_builder.people(4)
    with running_dashboard(db) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        expect(page.get_by_text("Akun contoh (hanya mode demo)")).to_be_visible(timeout=60_000)

        # the desa reads the kecamatan's note, then uploads again
        log_in(page, f"desa.{DESA}", "demo-desa-2024")
        open_page(page, "Verifikasi")
        expect(page.get_by_text("Linmas TPS 2 baru satu orang").first).to_be_visible(timeout=30_000)
        open_page(page, "Unggah Daftar Linmas")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            {
                "name": "daftar_linmas.csv",
                "mimeType": "text/csv",
                "buffer": roster_builder.csv_bytes(rows),
            }
        )
        save = page.get_by_role("button", name="Simpan 4 baris diterima")
        expect(save).to_be_visible(timeout=60_000)
        save.click()
        expect(page.get_by_text("disimpan sebagai versi")).to_be_visible(timeout=60_000)
        open_page(page, "Verifikasi")
        # The upload page's four metrics may linger while the new page draws: pick ours.
        status = page.get_by_test_id("stMetric").filter(has_text="Status daftar")
        expect(status).to_contain_text("Menunggu verifikasi", timeout=30_000)
        page.get_by_role("button", name="Keluar").click()

        # the kecamatan verifies the new version
        expect(page.get_by_label("Nama pengguna")).to_be_visible(timeout=30_000)
        log_in(page, "kec.17.02.09", "demo-kecamatan-2024")
        open_page(page, "Verifikasi")
        expect(page.get_by_role("button", name="Simpan keputusan")).to_be_visible(timeout=30_000)
        pick_option(page, "Desa/kelurahan", "Dwi Tunggal")
        page.get_by_test_id("stRadio").get_by_text("Terverifikasi", exact=True).click()
        page.get_by_role("button", name="Simpan keputusan").click()
        expect(page.get_by_text("tercatat di log audit")).to_be_visible(timeout=30_000)

        # the overview shows the kecamatan's word
        open_page(page, "Ringkasan")
        expect(
            page.get_by_test_id("stMetric").filter(has_text="Kecamatan terverifikasi")
        ).to_be_visible(timeout=30_000)
        assert page.get_by_test_id("stException").count() == 0
        browser.close()
    after = store.submissions(Scope(DESA)).row(0, named=True)
    assert after["version"] == before["version"] + 1
    assert after["status"] == "terverifikasi"
    assert after["reviewed_by"] == "kec.17.02.09"


def test_kecamatan_uploads_three_villages_and_verifies_one_in_chromium(demo_template, tmp_path):
    db = tmp_path / "demo.duckdb"
    copy_database(demo_template.path, db)
    store = Store.open(db, demo_template.settings)
    villages = ("Dwi Tunggal", "Air Putih Lama", "Adirejo")
    rows = [
        roster_builder.person(7001 + 10 * v + i, Desa=name, TPS=f"TPS {i + 1:02d}")
        for v, name in enumerate(villages)
        for i in range(3)
    ]
    data = roster_builder.csv_bytes(rows, header=("Desa", *roster_builder.HEADER))
    with running_dashboard(db) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        expect(page.get_by_text("Akun contoh (hanya mode demo)")).to_be_visible(timeout=60_000)
        log_in(page, "kec.17.02.09", "demo-kecamatan-2024")
        open_page(page, "Kiriman Kecamatan, Nihil & Versi")
        page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
            {"name": "rekap_curup.csv", "mimeType": "text/csv", "buffer": data}
        )
        save = page.get_by_role("button", name="Simpan desa terpilih")
        expect(save).to_be_visible(timeout=60_000)
        save.click()
        expect(page.get_by_text("Daftar linmas Adirejo disimpan")).to_be_visible(timeout=60_000)
        open_page(page, "Verifikasi")
        expect(page.get_by_role("button", name="Simpan keputusan")).to_be_visible(timeout=30_000)
        pick_option(page, "Desa/kelurahan", "Adirejo")
        picker = page.get_by_role("combobox", name="Desa/kelurahan")
        expect(picker).to_have_value(re.compile("^Adirejo"), timeout=30_000)
        page.get_by_test_id("stRadio").get_by_text("Terverifikasi", exact=True).click()
        page.get_by_role("button", name="Simpan keputusan").click()
        expect(page.get_by_text("Daftar Adirejo versi")).to_be_visible(timeout=30_000)
        assert page.get_by_test_id("stException").count() == 0
        browser.close()
    adirejo = store.roster_versions("17.02.09.1023").row(0, named=True)
    assert (adirejo["via"], adirejo["rows_accepted"], adirejo["status"]) == (
        "kecamatan",
        3,
        "terverifikasi",
    )
    for code in ("17.02.09.1012", "17.02.09.1013"):
        assert store.roster_versions(code).row(0, named=True)["via"] == "kecamatan"
