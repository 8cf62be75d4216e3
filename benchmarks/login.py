"""Login -> first metric in chromium: the dashboard against a bare Streamlit app (its floor).

Both are served by ``streamlit run`` on a copy of the same database, one after the other in one
run, and driven by the same Playwright steps: open the login form, fill it, click "Masuk", wait
for the first ``st.metric``. The clock runs from the click to the metric. The first login of
each server is reported apart (server and browser caches cold); the comparison is the median
of the rest, in the same browser profile (its HTTP cache kept, cookies cleared).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from readiness.config import PROJECT_DIR
from readiness.db.core import release

BARE_APP = "benchmarks/bare_app.py"
USERNAME = "pengukur"
PASSWORD = "Curup-Linmas-2024-uji"
LOGINS = 4  # per server: one cold, the median of the other three


@dataclass(frozen=True)
class LoginTimes:
    """Milliseconds from the click on "Masuk" to the first metric, per login, in order."""

    app: str
    ms: list[float]

    @property
    def first(self) -> float:
        return self.ms[0]

    @property
    def warm(self) -> float:
        return statistics.median(self.ms[1:]) if len(self.ms) > 1 else self.ms[0]


def _logins(base_url: str, count: int) -> list[float]:
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        # One browser profile, as a returning user has: the first login loads the app's
        # scripts and styles, later ones find them in the HTTP cache. Cookies are cleared, so
        # every login starts at the login form.
        context = browser.new_context()
        try:
            for _ in range(count):
                context.clear_cookies()
                page = context.new_page()
                page.goto(base_url)
                page.get_by_label("Nama pengguna").fill(USERNAME)
                page.get_by_label("Kata sandi").fill(PASSWORD)
                started = time.perf_counter()
                page.get_by_role("button", name="Masuk").click()
                page.locator('[data-testid="stMetric"]').first.wait_for(timeout=120_000)
                times.append((time.perf_counter() - started) * 1000)
                page.close()
        finally:
            browser.close()
    return times


def measure(db: Path, settings, *, logins: int = LOGINS) -> tuple[LoginTimes, LoginTimes]:
    """(dashboard, bare app) login times on copies of ``db`` (which is left untouched)."""
    sys.path.insert(0, str(PROJECT_DIR / "tests"))
    from browser import running_dashboard

    from readiness import auth
    from readiness.scope import Actor, Scope
    from readiness.store_open import open_store

    product = db.with_name("login.duckdb")
    bare = db.with_name("login_bare.duckdb")
    release(db)
    shutil.copyfile(db, product)
    store = open_store(product, settings)
    setup = Actor("setup", "admin", Scope(settings.kabupaten_code))
    auth.add_user(store, setup, USERNAME, "admin", settings.kabupaten_code,
                  full_name="Pengukur", password=PASSWORD)  # fmt: skip
    release(product)
    shutil.copyfile(product, bare)  # the same account and hash for the bare app
    results = []
    try:
        for app, script, path in (
            ("dasbor", "dashboard.py", product),
            ("aplikasi polos", BARE_APP, bare),
        ):
            with running_dashboard(path, script=script) as base_url:
                results.append(LoginTimes(app, _logins(base_url, logins)))
    finally:
        for path in (product, bare):
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return results[0], results[1]
