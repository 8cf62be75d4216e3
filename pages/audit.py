"""Log Audit (admin only): who did what, when, in which role; filter and export."""

import datetime as dt

import streamlit as st

from readiness import audit_text, auth, spreadsheet, ui
from readiness import formatting as fmt
from readiness.messages import text

ui.page_header("Log Audit")
actor = ui.require_role("admin")
store = ui.store()

with ui.guard():
    c1, c2, c3, c4 = st.columns(4)
    username = c1.text_input("Nama pengguna memuat", key="audit_username")
    action = c2.selectbox(
        "Tindakan",
        ["(semua)", *store.audit_actions()],
        format_func=lambda a: auth.ACTION_LABELS.get(a, a),
        key="audit_action",
    )
    role = c3.selectbox(
        "Peran",
        ["(semua)", *auth.ROLES],
        format_func=lambda r: auth.ROLE_LABELS.get(r, r),
        key="audit_role",
    )
    days = c4.date_input(
        "Rentang tanggal",
        value=(ui.today() - dt.timedelta(days=30), ui.today()),
        format="DD/MM/YYYY",
        key="audit_dates",
    )
    since, until = (days[0], days[-1]) if days else (None, None)
    page = st.number_input("Halaman", min_value=1, max_value=100_000, value=1, key="audit_page")
    size = auth.AUDIT_PAGE_SIZE
    entries = auth.audit_entries(
        store,
        actor,
        username=username.strip() or None,
        action=None if action == "(semua)" else action,
        role=None if role == "(semua)" else role,
        since=since,
        until=until,
        offset=(page - 1) * size,
        limit=size + 1,  # one more row tells whether a next page exists
        field_max=auth.AUDIT_FIELD_MAX,
    )
    shown = entries.head(size)
    table = audit_text.audit_view(store, shown, actor.scope)
    first = (page - 1) * size + 1
    more = text("audit_next_page") if entries.height > size else ""
    last = first + max(len(table) - 1, 0)
    st.caption(
        text(
            "audit_page",
            first=fmt.number(first),
            last=fmt.number(last),
            size=fmt.number(size),
            more=more,
        )
    )
    st.dataframe(table, hide_index=True, key="audit_table")
    left, right = st.columns(2)
    left.download_button(
        "Unduh CSV",
        spreadsheet.csv_bytes(table),
        file_name="log_audit.csv",
        mime="text/csv",
        key="audit_csv",
    )
    right.download_button(
        "Unduh XLSX",
        auth.table_xlsx(table, title="Log audit"),
        file_name="log_audit.xlsx",
        key="audit_xlsx",
    )
