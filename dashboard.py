"""Kesiapan Linmas: the entry script, a list of pages in Bahasa Indonesia."""

import streamlit as st

st.set_page_config(page_title="Kesiapan Linmas", page_icon=":material/shield:", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Ringkasan", icon=":material/dashboard:", default=True),
    st.Page("pages/upload.py", title="Unggah Daftar Linmas", icon=":material/upload_file:"),
    st.Page("pages/tps.py", title="Daftar TPS", icon=":material/how_to_vote:"),
]
st.navigation(pages).run()
