"""A village operator on a phone (390×844, mobile browser) logs in, reloads, uploads a file
with two rejected rows, reloads again (the draft brings the verdict back), fixes both in the
stacked form and saves; the saved roster holds the fixed values.

The README's screenshots come from ``python tests/screenshots.py`` (a live demo of today).
"""

from __future__ import annotations

import pytest
from browser import launch_chromium, running_dashboard
from conftest import make_nik
from playwright.sync_api import expect, sync_playwright
from test_browser_phone import log_in, settle

from readiness.scope import Scope

pytestmark = pytest.mark.browser

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)
DESA = "17.02.09.1012"


def two_bad_rows() -> bytes:
    lines = ["Nama;NIK;L/P;Tanggal Lahir;No. HP"]
    lines.append(f"Budi Santoso;{make_nik(71)};L;17-05-1990;0812-3456-7890")
    lines.append("Siti Aminah;12345;P;01-01-1980;081234567891")
    lines.append("Joko Susilo;32010;L;02-02-1982;081234567892")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def fix_nik(page, nik: str) -> None:
    field = page.get_by_role("textbox", name="NIK", exact=True)
    expect(field).to_be_visible(timeout=60_000)
    field.fill(nik)
    page.get_by_role("button", name="Periksa ulang").click()
    settle(page)


def test_desa_operator_fixes_two_rows_on_a_phone_and_saves(demo_store):
    before = demo_store.submissions(Scope(DESA))["version"].max()
    with running_dashboard(demo_store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, user_agent=PHONE_UA, is_mobile=True
        )
        page = context.new_page()
        page.goto(url)
        log_in(page, "desa.17.02.09.1012", "demo-desa-2024")
        page.reload()
        settle(page)
        expect(page.get_by_role("heading", name="Desa saya")).to_be_visible(timeout=60_000)
        page.goto(url.rstrip("/") + "/upload")
        dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
        expect(dropzone).to_be_attached(timeout=60_000)
        dropzone.set_input_files(
            files=[{"name": "dwi.csv", "mimeType": "text/csv", "buffer": two_bad_rows()}]
        )
        expect(page.get_by_text("Baris 1 dari 2 yang ditolak")).to_be_visible(timeout=60_000)
        page.reload()  # a dropped connection or a closed tab: the draft is on the server
        settle(page)
        expect(page.get_by_text("dipulihkan")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Buang draf")).to_be_visible()
        expect(page.get_by_text("Baris 1 dari 2 yang ditolak")).to_be_visible(timeout=60_000)
        fix_nik(page, make_nik(72))
        expect(page.get_by_text("Baris 1 dari 1 yang ditolak")).to_be_visible(timeout=60_000)
        fix_nik(page, make_nik(73))
        page.get_by_role("button", name="Simpan 3 baris diterima").click()
        expect(page.get_by_text("disimpan sebagai versi")).to_be_visible(timeout=60_000)
        browser.close()
    latest = demo_store.submissions(Scope(DESA)).sort("version").row(-1, named=True)
    assert latest["version"] == before + 1
    assert (latest["rows_accepted"], latest["rows_rejected"]) == (3, 0)
    saved = demo_store.officers(Scope(DESA)).select("nama", "nik").sort("nama").rows()
    assert saved == [
        ("Budi Santoso", make_nik(71)),
        ("Joko Susilo", make_nik(73)),
        ("Siti Aminah", make_nik(72)),
    ]
    assert demo_store.draft_count() == 0
