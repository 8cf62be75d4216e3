"""Verifikasi kartu tugas: a scanned code says only the TPS and the desa, never who it is."""

import streamlit as st

from readiness import duty, ui
from readiness.messages import text

st.title("Verifikasi Kartu Tugas")
code = st.query_params.get("k") or st.text_input("Kode kartu", key="card_code")
with ui.guard():
    if code:
        said = duty.verify_card(ui.store(), code)
        (st.success if said.startswith("Kartu sah") else st.error)(said)
    else:
        st.info(text("card_ask_code"))
