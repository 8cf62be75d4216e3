"""The README's phone screenshots, taken on a live demo built for today (not a test module).

    PYTHONPATH=. python tests/screenshots.py              # writes docs/screenshots/*.png
    PYTHONPATH=. python tests/screenshots.py /tmp/shots   # somewhere else

A demo pinned to a past year shows "Lewat 736 hari" on every page, so the demo is built
relative to today (``build_demo(store, today)``), served by ``streamlit run`` and photographed
in chromium at 390×844 with a phone's User-Agent: *Desa saya*, *Kecamatan saya*, and the
stacked fix form after a reload (the draft kept on the server brings the verdict back).
Look at each picture before committing it (English words, "None", stale dates).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright
from test_browser_fix_rows import PHONE_UA, two_bad_rows
from test_browser_phone import english_in, log_in, settle

from readiness.config import load_settings
from readiness.db import WIB
from readiness.demo import build_demo
from readiness.store_open import open_store

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}


def _phone(browser):
    context = browser.new_context(viewport=PHONE, user_agent=PHONE_UA, is_mobile=True)
    return context.new_page()


def take(out: Path, today: dt.date) -> list[Path]:
    """Build the live demo for ``today`` in a temporary folder and write the three PNGs."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "demo.duckdb", load_settings())
        build_demo(store, today)
        store.release()
        with running_dashboard(store.path) as url, sync_playwright() as p:
            browser = launch_chromium(p)
            page = _phone(browser)
            page.goto(url)
            log_in(page, "kec.17.02.09", "demo-kecamatan-2024")
            expect(page.get_by_role("heading", name="Kecamatan saya")).to_be_visible()
            expect(page.get_by_test_id("stDataFrame")).to_be_visible()
            page.mouse.move(380, 60)  # away from the table: no hover toolbar in the picture
            shots.append(out / "kecamatan_saya_ponsel.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
            found = english_in(page)

            page = _phone(browser)
            page.goto(url)
            log_in(page, "desa.17.02.09.1012", "demo-desa-2024")
            expect(page.get_by_role("heading", name="Desa saya")).to_be_visible()
            shots.append(out / "desa_saya_ponsel.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
            found += english_in(page)

            page.goto(url.rstrip("/") + "/upload")
            dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
            expect(dropzone).to_be_attached(timeout=60_000)
            dropzone.set_input_files(
                files=[{"name": "dwi.csv", "mimeType": "text/csv", "buffer": two_bad_rows()}]
            )
            expect(page.get_by_text("Baris 1 dari 2 yang ditolak")).to_be_visible(timeout=60_000)
            page.reload()
            settle(page)
            restored = page.get_by_text("dipulihkan")
            expect(restored).to_be_visible(timeout=60_000)
            # The counter under the header bar, and the form below it, fill the view.
            page.get_by_text("Tampilan ponsel").scroll_into_view_if_needed()
            page.mouse.move(200, 400)
            page.mouse.wheel(0, 300)
            page.wait_for_timeout(500)
            page.mouse.move(380, 60)
            shots.append(out / "perbaiki_baris_ponsel.png")
            page.screenshot(path=str(shots[-1]))
            found += english_in(page)
            browser.close()
    if found:
        print("English words on the pages:", sorted(set(found)), file=sys.stderr)
    return shots


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    for shot in take(target, dt.datetime.now(WIB).date()):
        print(shot)
