"""The operators' home pages in chromium at phone size (390×844).

The README's screenshots come from ``tests/screenshots.py`` (a live demo built for today).
"""

from __future__ import annotations

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright
from test_browser_phone import english_in, log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_home_pages_at_phone_size(demo_store, tmp_path):
    shots = tmp_path  # pictures of a demo pinned to 2024: for looking at, not for the README
    with running_dashboard(demo_store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport=PHONE)
        page.goto(url)
        log_in(page, "kec.17.02.09", "demo-kecamatan-2024")
        expect(page.get_by_role("heading", name="Kecamatan saya")).to_be_visible()
        expect(page.get_by_text("desa menunggu verifikasi")).to_be_visible()
        table = page.get_by_test_id("stDataFrame")
        expect(table).to_be_visible()
        assert english_in(page) == []
        page.screenshot(path=str(shots / "kecamatan_saya_ponsel.png"), full_page=True)

        page = browser.new_page(viewport=PHONE)
        page.goto(url)
        log_in(page, "desa.17.02.09.1012", "demo-desa-2024")
        expect(page.get_by_role("heading", name="Desa saya")).to_be_visible()
        expect(page.get_by_role("heading", name="Yang harus dilengkapi")).to_be_visible()
        expect(page.get_by_text("belum tercukupi")).to_be_visible()
        assert english_in(page) == []
        page.screenshot(path=str(shots / "desa_saya_ponsel.png"), full_page=True)
        browser.close()
