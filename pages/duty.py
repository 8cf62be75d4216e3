"""Penugasan TPS: who guards which TPS (move, swap, cadangan), duty documents, voting-day marks."""

import streamlit as st

from readiness import duty, ui, ui_duty, voting_day
from readiness.messages import text
from readiness.scope import Scope

ui.page_header("Penugasan TPS")
actor = ui.require_role("admin", "operator_kecamatan", "operator_desa")
store = ui.store()

with ui.guard():
    if actor.scope.level == "desa":
        desa_code = actor.scope.code
    else:
        villages = store.villages(actor.scope)
        names = dict(zip(villages["desa_code"], villages["desa_name"], strict=True))
        desa_code = st.selectbox(
            "Desa/kelurahan", list(names), format_func=names.get, key="duty_desa"
        )
    now = ui.now()
    if voting_day.attendance_open(store.settings, now):
        st.subheader("Kehadiran hari ini")
        for sheet in voting_day.village_sheets(store, actor, desa_code):
            st.markdown(text("duty_tps_heading", tps=sheet.tps_number, need=sheet.need))
            st.dataframe(
                sheet.people.drop("nik").rename(
                    {"nama": "Nama", "status": "Status", "substitute_name": "Pengganti"}
                ),
                hide_index=True,
                key=f"attendance_tps_{sheet.tps_number}",
            )
            if st.button("Semua hadir di TPS ini", key=f"attendance_all_{sheet.tps_number}"):
                voting_day.mark_all_present(store, actor, desa_code, sheet.tps_number, now=now)
                st.rerun()
        with st.form("attendance_form"):
            view = duty.assignment_view(store, actor, desa_code)
            guards = view.assignments.filter(~view.assignments["cadangan"])
            label = {r["nik"]: f"{r['nama']} (TPS {r['tps_number']})" for r in guards.to_dicts()}
            nik = st.selectbox("Linmas", list(label), format_func=label.get, key="attendance_nik")
            status = st.radio(
                "Status", voting_day.STATUSES, format_func=voting_day.STATUS_WORDS.get,
                horizontal=True, key="attendance_status",
            )  # fmt: skip
            sub_name = st.text_input("Nama pengganti", key="attendance_sub_name")
            sub_nik = st.text_input("NIK pengganti", key="attendance_sub_nik")
            reason = st.text_input("Alasan koreksi (bila sudah ditandai)", key="attendance_reason")
            if st.form_submit_button("Simpan kehadiran", type="primary") and nik:
                tps = guards.filter(guards["nik"] == nik)["tps_number"][0]
                mark = {"tps_number": tps, "nik": nik, "status": status, "substitute_nik": sub_nik,
                        "substitute_name": sub_name, "correction_reason": reason}  # fmt: skip
                result = voting_day.mark(store, actor, desa_code, [mark], now=now)
                st.success(text("attendance_stored", count=result.stored))
                for flag in result.flags:
                    st.warning(text(flag))

    view = duty.assignment_view(store, actor, desa_code)
    st.subheader(f"Penugasan {view.desa_name}")
    table = view.assignments.select("nama", "tps_number", "cadangan", "source").rename(
        {"nama": "Nama", "tps_number": "TPS", "cadangan": "Cadangan", "source": "Asal"}
    )
    st.dataframe(table, hide_index=True, key="duty_assignments")
    if view.findings.height:
        st.warning(text("duty_findings_count", count=view.findings.height))
        for message in view.findings["message"].to_list():
            st.markdown(f"- {ui.literal(message)}")
    else:
        st.success(text("duty_findings_none"))

    people = {r["nik"]: r["nama"] for r in view.assignments.to_dicts()}
    numbers = view.coverage["tps_number"].to_list()
    with st.form("duty_move"):
        nik = st.selectbox("Linmas", list(people), format_func=people.get, key="duty_move_nik")
        tps = st.selectbox("Pindah ke TPS", numbers, key="duty_move_tps")
        reserve = st.checkbox("Tandai sebagai cadangan", key="duty_move_reserve")
        if st.form_submit_button("Simpan penugasan") and nik:
            made = duty.assign(store, actor, desa_code, nik, None if reserve else tps,
                               cadangan=reserve)  # fmt: skip
            where = "cadangan" if reserve else f"TPS {made['tps_number']}"
            st.success(text("duty_assigned", nama=made["nama"], duty=where))
    with st.form("duty_swap"):
        first = st.selectbox("Linmas pertama", list(people), format_func=people.get, key="swap_a")
        second = st.selectbox("Linmas kedua", list(people), format_func=people.get, key="swap_b")
        if st.form_submit_button("Tukar TPS") and first and second:
            st.success(
                text("duty_swapped", count=duty.swap(store, actor, desa_code, first, second))
            )

    st.subheader("Dokumen tugas")
    ui_duty.duty_download_buttons(Scope(desa_code), disabled=not people)
