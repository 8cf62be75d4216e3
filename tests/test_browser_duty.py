"""Voting day in chromium at phone size: a village marks a TPS present, the head's count moves."""

from __future__ import annotations

import pytest
from browser import launch_chromium, running_dashboard
from conftest import actor_for
from playwright.sync_api import expect, sync_playwright
from test_browser_phone import log_in, settle
from test_duty import DERATI, duty_store  # noqa: F401  (fixture)
from test_page_duty import voting_today  # noqa: F401  (fixture)

from readiness import auth

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "kopi-hujan-sepeda-77"


def test_village_marks_a_tps_present_and_the_head_sees_it(voting_today, monkeypatch):  # noqa: F811
    admin = actor_for("admin")
    auth.add_user(voting_today, admin, "desa.derati", "operator_desa", DERATI, password=PASSWORD)
    auth.add_user(voting_today, admin, "pimpinan.rl", "pimpinan", "17.02", password=PASSWORD)
    import os

    env = {"READINESS_SETTINGS": os.environ["READINESS_SETTINGS"]}
    with running_dashboard(voting_today.path, env) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        head = browser.new_page(viewport=PHONE)
        head.goto(url)
        log_in(head, "pimpinan.rl", PASSWORD)
        guarded = head.get_by_test_id("stMetric").filter(has_text="TPS terjaga")
        expect(guarded).to_contain_text("0 dari 3", timeout=60_000)

        village = browser.new_page(viewport=PHONE)
        village.goto(url)
        log_in(village, "desa.derati", PASSWORD)
        expand = village.get_by_test_id("stExpandSidebarButton")
        if expand.count() and expand.is_visible():  # phone: the menu starts folded
            expand.click()
        village.get_by_test_id("stSidebarNav").get_by_text("Penugasan TPS").click()
        settle(village)
        fold = village.get_by_test_id("stSidebarCollapseButton").locator("button")
        if (
            fold.count()
            and village.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "false"
        ):  # the open menu covers a phone's screen
            fold.click()
        village.get_by_role("button", name="Semua hadir di TPS ini").first.click()
        settle(village)
        assert voting_today.attendance_day_count() == 2

        expand = head.get_by_test_id("stExpandSidebarButton")
        if expand.count() and expand.is_visible():
            expand.click()
        head.get_by_test_id("stSidebarNav").get_by_text("Ringkasan").click()  # the head reopens
        settle(head)
        expect(guarded).to_contain_text("1 dari 3", timeout=60_000)
        browser.close()
