"""Every page, every role, phone and laptop size, in chromium: no English word of Streamlit's own,
no "None", and nothing fetched from outside the server (a closed network must work)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser

ACCOUNTS = (
    ("admin", "demo-admin-2024"),
    ("pimpinan", "demo-pimpinan-2024"),
    ("kec.17.02.09", "demo-kecamatan-2024"),
    ("desa.17.02.09.1012", "demo-desa-2024"),
)
VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1366, "height": 768})
# Streamlit's own English, as it shows in 1.6x (uploader, skip link, forms, menu, status).
ENGLISH = (
    "Drag and drop",
    "Browse files",
    "Upload",
    "Limit",
    "per file",
    "empty",
    "None",
    "Skip to main content",
    "Running",
    "Please wait",
    "Press Enter",
    "Show password",
    "Deploy",
    "Rerun",
    "Settings",
    "Print",
    "Record a screencast",
    "About",
    "Clear cache",
    "Connecting",
)
ENGLISH_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, ENGLISH)) + r")\b")


def settle(page) -> None:
    """Wait until the script run has finished (Streamlit's app state, not a fixed time)."""
    page.wait_for_function(
        "(() => { const app = document.querySelector('[data-testid=stApp]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=stStatusWidget]'); })()",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def english_in(page) -> list[str]:
    """Lines of the page's visible text that hold a known English Streamlit word."""
    text = page.evaluate("document.body.innerText")
    return [line.strip() for line in text.splitlines() if ENGLISH_PATTERN.search(line)]


def log_in(page, username: str, password: str) -> None:
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("stSidebarNav").locator("a").first).to_be_attached(timeout=60_000)
    settle(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_no_english_streamlit_word_on_any_page_for_any_role(demo_template, viewport):
    found: dict[str, list[str]] = {}
    visited = 0
    with running_dashboard(demo_template.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        for username, password in ACCOUNTS:
            page = browser.new_page(viewport=viewport)
            page.goto(url)
            expect(page.get_by_label("Nama pengguna")).to_be_visible(timeout=60_000)
            settle(page)
            found[f"{username} login"] = english_in(page)
            log_in(page, username, password)
            links = page.get_by_test_id("stSidebarNav").locator("a")
            for index in range(links.count()):
                expand = page.get_by_test_id("stExpandSidebarButton")
                if expand.count() and expand.is_visible():  # phone: the menu starts folded
                    expand.click()
                links.nth(index).click()
                settle(page)
                found[f"{username} {page.url}"] = english_in(page)
                visited += 1
            page.close()
        browser.close()
    assert visited >= 25  # 10 + 7 + 8 + 6 pages: every role saw all of its pages
    assert {where: lines for where, lines in found.items() if lines} == {}


def test_login_fetches_nothing_from_outside_the_server(demo_template):
    outside: list[str] = []
    with running_dashboard(demo_template.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport=VIEWPORTS[0])
        page.on(
            "request",
            lambda request: (
                outside.append(request.url)
                if urlparse(request.url).hostname not in ("127.0.0.1", "localhost")
                and not request.url.startswith("data:")
                else None
            ),
        )
        page.goto(url)
        expect(page.get_by_label("Nama pengguna")).to_be_visible(timeout=60_000)
        log_in(page, "admin", "demo-admin-2024")
        expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible(timeout=60_000)
        icon = page.locator("link[rel*=icon]").first.get_attribute("href")
        browser.close()
    assert outside == []
    assert icon is not None
    assert "fonts.gstatic.com" not in icon
