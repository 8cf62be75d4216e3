"""Ringkasan: the page the heads open first — who has sent their list, and how far from 890."""

import streamlit as st

from readiness import charts, metrics, recaps, tables, ui, ui_duty, verification
from readiness import formatting as fmt
from readiness.messages import text

ui.page_header("Ringkasan Kesiapan Linmas")
settings = ui.settings()
actor = ui.current_actor()

if actor.scope.level != "desa" and ui_duty.is_voting_day():  # the head's live view comes first
    with ui.guard():
        ui_duty.voting_day_view(actor.scope)
    st.divider()

with ui.guard():
    view = ui.overview(actor.scope)
    s = view.summary
    if s["tps_total"] == 0 and s["desa_submitted"] == 0:
        st.info(text("overview_empty_database"), icon=":material/info:")
    as_of = fmt.timestamp(view.as_of) if view.as_of else text("overview_nothing_submitted")
    deadline = fmt.date(settings.submission_deadline)
    st.caption(text("overview_as_of", as_of=as_of, deadline=deadline))
    st.info(ui.plan_status(actor.scope).headline, icon=":material/flag:")  # the H-n plan
    if actor.scope.level == "desa":
        # A desa operator sees their own village, not kecamatan counts of one.
        card = tables.own_desa_card(view.desa)
        st.subheader(f"Daftar linmas {card['name']}")
        d1, d2, d3, d4 = st.columns(4)
        d1.metric("Kiriman", card["sent"], help=card["sent_at"], border=True)
        d2.metric("Linmas terdaftar", card["registered"], border=True)
        d3.metric("Verifikasi", card["review"], border=True)
        d4.metric(
            "Menuju pemungutan suara",
            fmt.days_to_vote(settings.voting_date, ui.today()),
            border=True,
        )
        if card["note"]:
            st.warning(text("kecamatan_note_heading"))
            st.text(card["note"])  # user text: never Markdown
        st.stop()
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Kecamatan lengkap", f"{s['kecamatan_complete']} dari {s['kecamatan_total']}", border=True
    )
    c2.metric("Kecamatan sebagian", fmt.number(s["kecamatan_partial"]), border=True)
    c3.metric(
        "Desa/kelurahan mengirim",
        f"{fmt.number(s['desa_submitted'])} dari {fmt.number(s['desa_total'])}",
        border=True,
    )
    c4, c5, c6 = st.columns(3)
    c4.metric(
        "Linmas terdaftar",
        f"{fmt.number(s['officers_registered'])} dari {fmt.number(s['officers_required'])}",
        help="Kebutuhan = jumlah TPS × linmas per TPS (UU 7/2017 Pasal 351 ayat 4).",
        border=True,
    )
    c5.metric(
        "Keterisian kebutuhan",
        fmt.percent(s["officers_registered_rate"]),
        help="Linmas terdaftar yang mengisi kebutuhan desanya; kelebihan di satu desa "
        "tidak menutup kekurangan desa lain, jadi tidak pernah lebih dari 100%.",
        border=True,
    )
    c6.metric(
        "Menuju pemungutan suara", fmt.days_to_vote(settings.voting_date, ui.today()), border=True
    )
    if s["desa_without_tps"]:
        st.warning(text("desa_without_tps", count=fmt.number(s["desa_without_tps"])))

    if view.areas is not None:  # a province or national user: the recap one level down first
        level = metrics.child_level(actor.scope.level)
        st.subheader(f"Per {tables.AREA_LABELS[level].lower()}")
        table = recaps.with_sources(tables.area_table(view.areas, level), view.areas)
        st.dataframe(table, hide_index=True, key="area_table")
        if rollup := recaps.rollup_note(view.areas, tables.AREA_LABELS[level].lower()):
            st.info(rollup, icon=":material/merge:")  # imported kabupaten recaps
        if note := tables.regions_not_loaded_note(view.areas, level):  # province instance
            st.info(note, icon=":material/map:")

    left, right = st.columns(2)
    left.altair_chart(charts.submission_by_kecamatan(view.kecamatan), width="stretch")
    right.altair_chart(charts.registered_vs_required(view.kecamatan), width="stretch")

    st.subheader("Per kecamatan")
    st.dataframe(tables.kecamatan_table(view.kecamatan), hide_index=True, key="kecamatan_table")

    # Verification berjenjang: "lengkap" = every desa sent; "terverifikasi" = the
    # kecamatan checked every list. The kabupaten counts a kecamatan only when terverifikasi.
    st.subheader("Verifikasi berjenjang")
    st.metric(
        "Kecamatan terverifikasi",
        f"{s['kecamatan_verified']} dari {s['kecamatan_total']}",
        help="Semua desa/kelurahannya mengirim dan daftarnya sudah diverifikasi kecamatan.",
        border=True,
    )
    st.dataframe(
        verification.kecamatan_table(view.kecamatan),
        hide_index=True,
        key="verification_kecamatan_table",
    )

    st.subheader("Desa/kelurahan yang belum mengirim")
    missing = tables.not_submitted_table(view.desa)
    if missing.height:
        st.dataframe(missing, hide_index=True, key="not_submitted_table")
    else:
        st.success(text("all_desa_submitted"))
    if (nihil := tables.nihil_table(view.desa)).height:  # sent "0 linmas": TPS still unguarded
        st.subheader("Desa/kelurahan yang melapor nihil")
        st.dataframe(nihil, hide_index=True, key="nihil_table")

    with st.expander("Ketepatan waktu per desa/kelurahan"):
        st.dataframe(tables.desa_submission_table(view.desa), hide_index=True, key="desa_table")
