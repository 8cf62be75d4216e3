"""The overview end to end: a real `streamlit run` on the demo database, opened in Debian's chromium."""

from __future__ import annotations

import json
import os

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright

from readiness.cli import main

pytestmark = pytest.mark.browser


def test_overview_in_chromium_shows_the_cli_numbers(demo_template, tmp_path, capsys):
    assert main(["summary", "--json", "--db", str(demo_template.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    with running_dashboard(demo_template.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        # The head logs in with the demo account the login page lists in demo mode.
        page.get_by_label("Nama pengguna").fill("pimpinan")
        page.get_by_label("Kata sandi").fill("demo-pimpinan-2024")
        page.get_by_role("button", name="Masuk").click()
        metrics = page.get_by_test_id("stMetric")
        expect(metrics.first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("DATA CONTOH").first).to_be_visible()
        expect(metrics.filter(has_text="Kecamatan lengkap")).to_contain_text(
            f"{data['kecamatan_complete']} dari 15"
        )
        expect(metrics.filter(has_text="Desa/kelurahan mengirim")).to_contain_text(
            f"{data['desa_submitted']} dari 156"
        )
        expect(metrics.filter(has_text="Linmas terdaftar")).to_contain_text(
            f"{data['officers_registered']} dari 890"
        )
        # Charts rendered (Vega canvases/SVG), not an error box.
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
        assert page.get_by_test_id("stException").count() == 0
        shot = os.environ.get("READINESS_SCREENSHOT_DIR")
        if shot:
            page.screenshot(path=f"{shot}/overview.png", full_page=True)
        browser.close()
