"""End to end: Kesiapan in Debian's chromium shows the kept counts `summary --json` gives.

Prints the time from the login click to the first metric (Ringkasan) and from the menu click to
Kesiapan's first card, so a CI log shows how responsive the dashboard is; nothing asserts on it.
"""

from __future__ import annotations

import json
import time

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright

from readiness import formatting as fmt
from readiness.cli import main

pytestmark = pytest.mark.browser


def test_kesiapan_in_chromium_shows_the_cli_readiness(demo_template, capsys):
    assert main(["summary", "--json", "--db", str(demo_template.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    with running_dashboard(demo_template.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_label("Nama pengguna").fill("pimpinan")
        page.get_by_label("Kata sandi").fill("demo-pimpinan-2024")
        started = time.perf_counter()
        page.get_by_role("button", name="Masuk").click()
        metrics = page.get_by_test_id("stMetric")
        expect(metrics.first).to_be_visible(timeout=60_000)
        login_ms = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        page.get_by_role("link", name="Kesiapan").first.click()
        ready = metrics.filter(has_text="Linmas siap")
        expect(ready).to_be_visible(timeout=60_000)
        kesiapan_ms = (time.perf_counter() - started) * 1000
        expect(ready).to_contain_text(fmt.percent(data["ready_rate"]))
        expect(metrics.filter(has_text="Terdaftar BPJS TK")).to_contain_text(
            fmt.percent(data["bpjs_rate"])
        )
        expect(metrics.filter(has_text="TPS tercukupi")).to_contain_text(
            f"{fmt.number(data['tps_covered'])} dari {fmt.number(data['tps_total'])}"
        )
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
        assert page.get_by_test_id("stException").count() == 0
        browser.close()
    with capsys.disabled():
        print(
            f"\n[chromium, demo] login -> first metric {login_ms:.0f} ms; "
            f"menu -> Kesiapan first card {kesiapan_ms:.0f} ms"
        )
