"""Kesiapan Linmas: the entry script, a list of pages in Bahasa Indonesia, shown by role."""

from pathlib import Path

import streamlit as st

from readiness import ui

# The icon is a file of the product: a Material icon name would be fetched from fonts.gstatic.com,
# which a closed network cannot reach.
ROOT = Path(__file__).resolve().parent
st.set_page_config(
    page_title="Kesiapan Linmas", page_icon=str(ROOT / "assets" / "favicon.png"), layout="wide"
)
with ui.busy_guard():
    ui.indonesian_chrome()  # before any page: Streamlit's own English hidden or replaced

ALL = ("admin", "pimpinan", "operator_kecamatan", "operator_desa")
UPLOADERS = ("admin", "operator_kecamatan", "operator_desa")
ADMIN = ("admin",)
# Polres, Kodim, Bawaslu liaison: TPS, rawan levels and coverage counts, never linmas names.
SECURITY = ("mitra_keamanan",)
# (path, title, icon, roles that see it). The menu shows a role only its pages, so a crafted URL
# to another page lands on the default page; each page ALSO checks with ui.require_role(...),
# and the domain layer refuses writes outside the role. Add a page by adding one line here.
PAGES = [
    ("pages/home_desa.py", "Desa saya", ":material/home:", ("operator_desa",)),
    ("pages/home_kecamatan.py", "Kecamatan saya", ":material/home:", ("operator_kecamatan",)),
    ("pages/overview.py", "Ringkasan", ":material/dashboard:", ALL),
    ("pages/upload.py", "Unggah Daftar Linmas", ":material/upload_file:", UPLOADERS),
    ("pages/intake.py", "Kiriman Kecamatan, Nihil & Versi", ":material/stacks:", UPLOADERS),
    ("pages/verification.py", "Verifikasi", ":material/fact_check:", ALL),
    ("pages/readiness.py", "Kesiapan", ":material/checklist:", ALL),
    ("pages/rawan.py", "Peta Kerawanan", ":material/crisis_alert:", ALL + SECURITY),
    ("pages/plan.py", "Rencana H-n", ":material/event_upcoming:", ALL + SECURITY),
    # BPJS and training management (Satpol PP and kecamatan staff)
    ("pages/bpjs.py", "BPJS Ketenagakerjaan", ":material/health_and_safety:", ALL[:3]),
    ("pages/training.py", "Pelatihan", ":material/school:", ALL[:3]),
    ("pages/tps.py", "Daftar TPS", ":material/how_to_vote:", ALL),
    ("pages/duty.py", "Penugasan TPS", ":material/assignment_ind:", UPLOADERS),
    ("pages/export.py", "Ekspor", ":material/download:", ALL),
    ("pages/users.py", "Akun", ":material/manage_accounts:", ADMIN),
    ("pages/audit.py", "Log Audit", ":material/history:", ADMIN),
]

# The session check, page header and page all read the database: one busy guard around them.
with ui.busy_guard():
    actor = ui.session_actor()
    if actor is None or ui.must_change_password():
        # Every page's URL shows the login form, so a deep link survives the login and a logout or
        # timeout never meets "page not found"; the pages themselves are not registered at all.
        pages = [
            st.Page(
                "pages/login.py",
                title="Masuk",
                icon=":material/login:",
                url_path=Path(path).stem,
                default=index == 0,
                visibility="visible" if index == 0 else "hidden",
            )
            for index, (path, *_) in enumerate(PAGES)
        ]
    else:
        ui.account_sidebar(actor)
        visible = [p for p in PAGES if actor.role in p[3]]
        pages = [
            st.Page(path, title=title, icon=icon, default=index == 0)
            for index, (path, title, icon, _) in enumerate(visible)
        ]
    # Anyone holding a kartu tugas may check it, logged in or not: the page says only TPS and desa.
    pages.append(
        st.Page(
            "pages/verify_card.py",
            title="Verifikasi Kartu",
            url_path="verifikasi-kartu",
            visibility="hidden",
        )  # fmt: skip
    )
    st.navigation(pages).run()
