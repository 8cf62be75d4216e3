"""The roster upload end to end: a desa operator logs in, uploads a roster from memory, checks and submits.

A real `streamlit run` in Debian's chromium; the database file is checked afterwards. Waits are
on page state (``expect``), never on time.
"""

from __future__ import annotations

import pytest
from browser import launch_chromium, running_dashboard
from playwright.sync_api import expect, sync_playwright
from roster_builder import csv_bytes, person

from readiness import auth
from readiness.db import Actor, Store
from readiness.scope import Scope

pytestmark = pytest.mark.browser

DESA = "17.02.06.2001"  # Derati
USERNAME = "operator.derati"
PASSWORD = "kopi-hujan-sepeda-7"


def roster_file() -> bytes:
    """Three people, one with a 5-digit NIK, under a title and above a total row."""
    rows = [person(1), person(2, NIK="12345"), person(3)]
    return csv_bytes(
        rows, delimiter=";", above=[["DAFTAR LINMAS DESA DERATI"]], below=[["", "JUMLAH", 3]]
    )


def test_operator_uploads_checks_and_submits_a_roster(store: Store):
    setup = Actor("setup", "admin", Scope(store.settings.kabupaten_code))
    auth.add_user(store, setup, USERNAME, "operator_desa", DESA, password=PASSWORD)
    before = store.count("officers")
    with running_dashboard(store.path) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.get_by_label("Nama pengguna").fill(USERNAME)
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()

        page.get_by_test_id("stSidebarNav").get_by_text("Unggah Daftar Linmas").click()
        dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
        expect(dropzone).to_be_attached(timeout=60_000)
        dropzone.set_input_files(
            files=[{"name": "derati.csv", "mimeType": "text/csv", "buffer": roster_file()}]
        )

        metrics = page.get_by_test_id("stMetric")
        expect(metrics.filter(has_text="Ditolak")).to_contain_text("1", timeout=60_000)
        expect(metrics.filter(has_text="Dilewati")).to_contain_text("1")
        # The findings grid draws on a canvas; its cells exist for screen readers.
        expect(page.get_by_text("harus 16 angka").first).to_be_attached()
        page.get_by_role("button", name="Simpan 2 baris diterima").click()
        expect(page.get_by_text("disimpan sebagai versi 1")).to_be_visible(timeout=60_000)
        assert page.get_by_test_id("stException").count() == 0
        browser.close()

    assert store.count("officers") == before + 2
    submission = store.submissions(Scope(DESA)).row(0, named=True)
    assert (submission["version"], submission["rows_accepted"]) == (1, 2)
    assert (submission["rows_rejected"], submission["rows_skipped"]) == (1, 1)
    assert submission["uploader"] == USERNAME
