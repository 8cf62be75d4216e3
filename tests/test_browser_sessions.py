"""A login survives a reload in chromium at phone size, and ends at the next action once the
account is disabled (the server checks the session on every run)."""

from __future__ import annotations

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright
from test_browser_phone import log_in, settle

from readiness import auth
from readiness.db import Actor
from readiness.scope import Scope

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESA = ("desa.17.02.09.1012", "demo-desa-2024")


def test_reload_keeps_the_login_and_a_disabled_account_is_logged_out(demo_store):
    with running_dashboard(demo_store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(url)
        log_in(page, *DESA)
        cookie = next(c for c in context.cookies() if c["name"] == "kesiapan_sesi")
        assert cookie["sameSite"] == "Strict"
        stored = demo_store.read("SELECT token_hash FROM sessions WHERE ended_at IS NULL")
        assert cookie["value"] not in stored["token_hash"].to_list()  # only its hash is kept

        page.reload()
        settle(page)
        expect(page.get_by_test_id("stSidebarNav").locator("a").first).to_be_attached()
        expect(page.get_by_label("Kata sandi")).to_have_count(0)

        admin = Actor("admin", "admin", Scope(demo_store.settings.kabupaten_code))
        auth.set_disabled(demo_store, admin, DESA[0], disabled=True)
        page.get_by_test_id("stSidebarNav").locator("a").nth(1).dispatch_event("click")
        expect(page.get_by_text("dinonaktifkan admin")).to_be_visible(timeout=60_000)
        expect(page.get_by_label("Kata sandi")).to_be_visible()
        page.reload()  # the cookie is still there, but its session is over on the server
        settle(page)
        expect(page.get_by_label("Kata sandi")).to_be_visible()
        browser.close()
