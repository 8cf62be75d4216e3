"""Kesiapan: how many linmas are ready, which kecamatan is furthest behind and why, whom to call."""

import streamlit as st

from readiness import action_lists, auth, charts, plan_progress, rawan_admin, tables, ui
from readiness import formatting as fmt
from readiness.messages import text

ui.page_header("Kesiapan Linmas")
settings = ui.settings()
actor = ui.current_actor()
LINK = st.column_config.LinkColumn("WhatsApp", display_text="Kirim pengingat")


with ui.guard():
    view = ui.readiness(actor.scope)
    s = view.summary
    status = ui.plan_status(actor.scope)
    st.info(status.headline, icon=":material/flag:")  # the H-n plan first
    for column, card in zip(st.columns(4), tables.readiness_cards(s, view.yesterday), strict=True):
        column.metric(**card, border=True)
    st.markdown(tables.readiness_headline(view.kecamatan, s))

    left, right = st.columns(2)
    left.altair_chart(charts.readiness_by_kecamatan(view.kecamatan), width="stretch")
    right.altair_chart(
        charts.ready_rate_vs_target(view.kecamatan, settings.ready_target), width="stretch"
    )
    left, right = st.columns(2)
    left.altair_chart(charts.readiness_heatmap(view.kecamatan), width="stretch")
    right.altair_chart(
        charts.readiness_over_time_planned(
            view.timeline,
            desa_total=s["desa_total"],
            officers_required=s["officers_required"],
            voting_date=settings.voting_date,
            milestones=status.milestones,
        ),
        width="stretch",
    )

    st.subheader("Rincian: kecamatan → desa → linmas")
    rows = ui.readiness_people(actor.scope)
    st.dataframe(
        tables.readiness_kecamatan_table(view.kecamatan),
        hide_index=True,
        key="readiness_kecamatan_table",
    )
    names = dict(view.kecamatan.select("kecamatan_code", "kecamatan_name").iter_rows())
    kec = st.selectbox("Kecamatan", list(names), format_func=names.get, key="drill_kecamatan")
    desa = tables.desa_of(view.desa, kec)
    st.dataframe(tables.readiness_desa_table(desa), hide_index=True, key="readiness_desa_table")
    desa_names = dict(desa.select("desa_code", "desa_name").iter_rows())
    desa_code = st.selectbox(
        "Desa/kelurahan", list(desa_names), format_func=desa_names.get, key="drill_desa"
    )
    states = st.multiselect(
        "Keadaan",
        list(charts.READINESS_STATES[:4]),
        placeholder="Semua keadaan (pilih untuk menyaring)",
        key="drill_states",
    )
    people = tables.officers_of(rows.officers, desa_code, states)
    st.dataframe(tables.officers_readiness_table(people), hide_index=True, key="drill_officers")
    if auth.can(actor, "manage_reference"):  # level, source, reason of one TPS of this desa
        coverage = rawan_admin.rawan_coverage(ui.store(), actor, actor.scope)
        ui.rawan_level_form(ui.store(), actor, coverage, desa_code)

    st.subheader("Daftar tindakan hari ini")
    sender = f"Satpol PP {ui.area_name()}"  # the reader's own kabupaten
    deadline = fmt.date(settings.submission_deadline)
    lists = action_lists.action_lists(
        view.desa, rows.officers, rows.tps, deadline=deadline, sender=sender
    )
    lists = plan_progress.plan_action_lists(lists, status, sender=sender)  # most overdue first
    for tab, (title, frame) in zip(st.tabs(list(lists)), lists.items(), strict=True):
        key = tables.slug(title)
        tab.caption(text("rows_count", count=fmt.number(frame.height)))
        tab.dataframe(frame, hide_index=True, column_config={"WhatsApp": LINK}, key=f"act_{key}")
        tab.download_button(
            f"Unduh “{title}” (CSV)",
            tables.csv_bytes(frame),
            f"{key}.csv",
            "text/csv",
            key=f"download_{key}",
        )
