"""A security partner (mitra_keamanan) in Debian's chromium: the peta kerawanan and the rawan
download, and not one linmas name, NIK or phone number on screen or in the file."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright
from test_mitra_keamanan import PERSONAL
from test_rawan_store import FILES, fill

from readiness import cli
from readiness.auth import hash_password
from readiness.db import SYSTEM

pytestmark = pytest.mark.browser
PASSWORD = "polres-rejang-lebong-2024"


def test_partner_in_chromium_sees_rawan_coverage_and_no_personal_data(filled_store, capsys):
    store = filled_store("rawan_tps", fill)
    assert cli.main(["rawan", "import", str(FILES / "good.csv"), "--db", str(store.path)]) == 0
    capsys.readouterr()
    account = pl.DataFrame(
        {"username": ["polres.rl"], "full_name": ["Kasat Intelkam"], "role": ["mitra_keamanan"],
         "region_code": ["17.02"], "password_hash": [hash_password(PASSWORD)],
         "phone": [None], "must_change_password": [False]},
        schema_overrides={"phone": pl.String},
    )  # fmt: skip
    store.add_users(SYSTEM, account, action="user.add", target="polres.rl")
    with running_dashboard(store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_label("Nama pengguna").fill("polres.rl")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_text("TPS sangat rawan belum tercukupi linmas")).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=30_000)
        # Only its own pages are offered: the linmas pages are not in its menu.
        for other in ("Ringkasan", "Kesiapan", "Ekspor", "Daftar TPS", "Verifikasi"):
            assert page.get_by_role("link", name=other).count() == 0
        page.get_by_role("button", name="Siapkan unduhan TPS rawan (Excel)").click()
        with page.expect_download() as info:
            page.get_by_role("button", name="Unduh TPS rawan (Excel)").click()
        data = Path(info.value.path()).read_bytes()
        shown = page.locator("body").inner_text()
        assert page.get_by_test_id("stException").count() == 0
        browser.close()
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r)
    assert "Sangat rawan" in cells
    assert "Kota Padang" in shown
    for value in PERSONAL:
        assert value not in shown
        assert value not in cells
