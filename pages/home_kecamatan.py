"""Kecamatan saya: every village of the kecamatan operator, worst first, with its contact."""

import streamlit as st

from readiness import home, ui
from readiness.messages import text

ui.page_header("Kecamatan saya")
actor = ui.require_role("operator_kecamatan")

with ui.guard():
    overview = ui.overview(actor.scope).desa
    villages = home.kecamatan_villages(
        overview,
        ui.readiness(actor.scope).desa,
        deadline_passed=ui.today() > ui.settings().submission_deadline,
    )
    st.info(text("home_waiting", n=home.waiting_count(overview)))
    if villages.height == 0:
        st.info(text("home_no_villages"))
    else:
        st.dataframe(
            villages,
            hide_index=True,
            key="kecamatan_villages",
            column_config={
                "WhatsApp": st.column_config.LinkColumn("WhatsApp", display_text="Kirim pesan")
            },
        )
