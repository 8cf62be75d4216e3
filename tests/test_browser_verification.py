"""Verification berjenjang end to end in chromium: desa re-uploads a returned list, kecamatan verifies it."""

from __future__ import annotations

import shutil

import pytest
import roster_builder
from browser import launch_chromium, running_dashboard
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


def test_return_reupload_verify_in_chromium(demo_template, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_template.path, db)
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
