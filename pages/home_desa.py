"""Desa saya: the village operator's own village, and what it must still complete."""

import streamlit as st

from readiness import home, ui, ui_upload
from readiness.messages import text

ui.page_header("Desa saya")
actor = ui.require_role("operator_desa")
ui_upload.draft_notice(ui.store(), actor)  # an upload checked but not saved yet

with ui.guard():
    view = home.desa_home(
        ui.overview(actor.scope).desa,
        ui.readiness(actor.scope).desa,
        ui.readiness_people(actor.scope).tps,
    )
    card = view.card
    st.subheader(card["name"])
    when = f", {card['sent_at']}" if card["sent_at"] else ""
    st.write(text("home_sent", sent=card["sent"], when=when))
    st.write(text("home_review", review=card["review"]))
    if card["note"]:
        st.write(text("home_note"))
        st.text(card["note"])  # the kecamatan's words in full, as plain text
    balance = text(
        home.BALANCE_MESSAGES[view.balance_kind],
        need=view.need,
        registered=view.registered,
        balance=view.balance,
    )
    (st.success if view.balance_kind == "pas" else st.warning)(balance)
    st.subheader("Yang harus dilengkapi")
    if not view.todo:
        st.success(text("home_nothing_to_do"))
    for item in view.todo:
        st.write(ui.literal(item.text))
        st.page_link(item.page, label=item.label)
