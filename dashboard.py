"""Kesiapan Linmas: the entry script, a list of pages in Bahasa Indonesia."""

import streamlit as st

st.set_page_config(page_title="Kesiapan Linmas", page_icon="🛡️", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Ringkasan", icon="📊", default=True),
]
st.navigation(pages).run()
