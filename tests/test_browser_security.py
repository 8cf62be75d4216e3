"""Attacks of the adversarial review, replayed in chromium against a running dashboard: the
audit log flooded through the login form, parallel password guesses racing the lockout, and a
page opened while another process holds the database file."""

from __future__ import annotations

import csv
import io
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright
from test_browser_phone import log_in, settle

from readiness import auth
from readiness.db import Actor, core
from readiness.messages import text
from readiness.scope import Scope

pytestmark = pytest.mark.browser

ADMIN = ("admin", "demo-admin-2024")
DESA = ("desa.17.02.09.1012", "demo-desa-2024")
# A million characters, each allowed in a name, in no order a compressor could fold away.
LONG_NAME = "".join(random.Random(7).choices(string.ascii_lowercase + string.digits, k=1_000_000))
# One new 256 KiB block of the file when DuckDB checkpoints, and a little more.
GROWTH_ALLOWED = 400_000
ODD_NAME = "<b>desa</b> ✓ '; DROP TABLE users; --"


def on_disk(path: Path) -> int:
    """Bytes of the database file and its write-ahead log."""
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + ".wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def attempt(page, username: str, password: str) -> None:
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def refusal_text(page) -> str:
    """The login refusal the page shows (waits for it; a login that got in never shows one)."""
    alert = page.get_by_test_id("stAlert").filter(has_text="Gagal masuk")
    expect(alert).to_be_visible(timeout=60_000)
    return alert.inner_text().strip()


def test_the_login_form_cannot_flood_the_audit_log_and_the_log_page_pages_and_cuts(
    demo_store, tmp_path
):
    admin = Actor("admin", "admin", Scope(demo_store.settings.kabupaten_code))
    demo_store.record_event(admin, "meta.set", "y" * 5_000, note="z" * 5_000)
    rows_before = demo_store.count("audit_log")
    assert rows_before > auth.AUDIT_PAGE_SIZE  # the log page has a next page to offer
    core.release(demo_store.path)
    with running_dashboard(demo_store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(accept_downloads=True)
        page.goto(url)
        settle(page)
        size_before = on_disk(demo_store.path)

        attempt(page, LONG_NAME, "apa-saja-123")  # reaches the server whole: refused there
        expect(page.get_by_text("Nama pengguna tidak sah")).to_be_visible(timeout=60_000)
        for _ in range(2):  # names without an account: audited together, never echoed
            attempt(page, "tidak.ada.akun", "apa-saja-123")
            expect(page.get_by_text("Gagal masuk")).to_be_visible(timeout=60_000)
            settle(page)
        attempt(page, ODD_NAME, "apa-saja-123")
        expect(page.get_by_text("Nama pengguna tidak sah")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Gagal masuk")).to_have_count(0)
        settle(page)
        growth = on_disk(demo_store.path) - size_before
        assert growth < GROWTH_ALLOWED, growth  # the name stored would be a million bytes

        log_in(page, *ADMIN)
        page.goto(f"{url}/audit")
        settle(page)
        expect(page.get_by_text("Catatan 1–200")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("ada halaman berikutnya")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="Unduh CSV").click()
        content = Path(download.value.path()).read_text(encoding="utf-8-sig")
        browser.close()

    cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]
    assert any(("y" * 50) in cell and cell.endswith("…") for cell in cells)
    assert "y" * (auth.AUDIT_FIELD_MAX + 1) not in content  # the 5,000-character target, cut
    assert "z" * (auth.AUDIT_FIELD_MAX + 1) not in content  # and its detail
    failed = demo_store.read(
        "SELECT username, target, detail FROM audit_log WHERE id > $n "
        "AND action IN ('auth.login_failed', 'auth.login_refused')",
        {"n": rows_before},
    ).to_dicts()
    unknown = [r for r in failed if r["username"] == "-"]
    assert 1 <= len(unknown) <= 2  # one aggregated row a minute for names without an account
    assert all(r["target"] == "-" for r in unknown)
    assert len(failed) == len(unknown)  # the refused names left no row at all
    stored = file_bytes(demo_store.path)
    assert LONG_NAME[:64].encode() not in stored
    assert b"<b>desa</b>" not in stored


def test_parallel_wrong_passwords_check_at_most_the_limit_and_the_right_one_is_then_refused(
    demo_store,
):
    limit = demo_store.settings.login_max_attempts
    first_id = int(demo_store.read("SELECT max(id) AS n FROM audit_log")["n"].item())
    core.release(demo_store.path)
    with running_dashboard(demo_store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        pages = []
        for guess in range(limit + 3):
            page = browser.new_context().new_page()
            page.goto(url)
            settle(page)
            page.get_by_label("Nama pengguna").fill(DESA[0])
            page.get_by_label("Kata sandi").fill(f"tebakan-salah-{guess}")
            pages.append(page)
        buttons = [page.get_by_role("button", name="Masuk") for page in pages]
        for button in buttons:  # all submitted before the first answer arrives
            button.click(no_wait_after=True)
        wrong = {refusal_text(page) for page in pages}
        right = browser.new_context().new_page()
        right.goto(url)
        settle(right)
        attempt(right, *DESA)
        answer = refusal_text(right)
        expect(right.get_by_label("Kata sandi")).to_be_visible()
        expect(right.get_by_test_id("stSidebarNav")).to_have_count(0)
        browser.close()

    assert wrong == {answer}  # the same words for a wrong guess and for the locked account
    assert answer.startswith("Gagal masuk")
    rows = demo_store.read(
        "SELECT action, detail FROM audit_log WHERE id > $n AND target = $u ORDER BY id",
        {"n": first_id, "u": DESA[0]},
    ).to_dicts()
    verified = [r for r in rows if r["action"] == "auth.login_failed"]
    assert 1 <= len(verified) <= limit
    assert "auth.login" not in {r["action"] for r in rows}
    assert rows[-1]["action"] == "auth.login_refused"  # the right password, refused: locked
    account = demo_store.user_record(DESA[0])
    assert account["locked_until"] is not None


HOLDER = """
import duckdb, sys, time
deadline = time.monotonic() + 60
while True:
    try:
        con = duckdb.connect(sys.argv[1])
        break
    except duckdb.Error:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.05)
print("held", flush=True)
sys.stdin.read()
con.close()
"""


def test_a_page_opened_while_another_process_holds_the_file_says_so_and_keeps_the_login(
    demo_store,
):
    first_id = int(demo_store.read("SELECT max(id) AS n FROM audit_log")["n"].item())
    core.release(demo_store.path)
    with running_dashboard(demo_store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(url)
        log_in(page, *DESA)
        links = page.get_by_test_id("stSidebarNav").locator("a")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(demo_store.path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            # A plain process that never yields: it gets in once the dashboard is idle.
            assert holder.stdout.readline().strip() == "held"
            links.nth(1).dispatch_event("click")
            busy = text("database_busy", file=demo_store.path.name).split("(")[0].strip()
            expect(page.get_by_text(busy)).to_be_visible(timeout=90_000)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert "Error" not in page.evaluate("document.body.innerText")
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)
        links.nth(0).dispatch_event("click")
        settle(page)
        expect(page.get_by_text(busy)).to_have_count(0)
        expect(page.get_by_label("Kata sandi")).to_have_count(0)  # still logged in
        expect(links.first).to_be_attached()
        browser.close()

    logins = demo_store.read(
        "SELECT count(*) AS n FROM audit_log "
        "WHERE id > $n AND action = 'auth.login' AND username = $u",
        {"n": first_id, "u": DESA[0]},
    )["n"].item()
    assert logins == 1  # one login, kept through the busy page: no second one was needed
