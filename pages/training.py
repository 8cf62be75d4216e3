"""Pelatihan (bimtek): sessions, attendance by import or ticks, and undo."""

import datetime as dt

import streamlit as st

from readiness import auth, tables, ui
from readiness import formatting as fmt
from readiness import readiness_imports as imports
from readiness.messages import text

ui.page_header("Pelatihan Linmas")
settings = ui.settings()
actor = ui.current_actor()
store = ui.store()

with ui.guard():
    view = ui.readiness(actor.scope)
    s = view.summary
    c1, c2 = st.columns(2)
    c1.metric(
        "Pelatihan lengkap (absensi)",
        f"{fmt.number(s['trained'])} dari {fmt.number(s['registered'])}",
        border=True,
        help="Hadir di semua modul wajib: " + ", ".join(settings.training_modules) + ".",
    )
    c2.metric(
        "Hanya dilaporkan desa",
        fmt.number(s["trained_self_reported"]),
        border=True,
        help="Daftar desa menulis sudah pelatihan, tetapi belum ada absensinya.",
    )

    manages = auth.can(actor, "manage_readiness")  # storage refuses others; don't offer it
    if not manages:
        st.caption(text("training_managed_by_admin"))
    else:
        with st.expander("Tambah sesi pelatihan"):
            held_on = st.date_input(
                "Tanggal", value=ui.today(), format="DD/MM/YYYY", key="session_date"
            )
            place = st.text_input("Tempat", key="session_place")
            modules = st.multiselect(
                "Modul",
                list(settings.training_modules),
                placeholder="Pilih modul yang diajarkan",
                key="session_modules",
            )
            kecamatan = tables.kecamatan_choices(view.kecamatan)
            kec = st.selectbox(
                "Kecamatan peserta",
                list(kecamatan),
                format_func=kecamatan.get,
                key="session_kecamatan",
            )
            if st.button("Simpan sesi", key="session_save"):
                new = imports.add_session(
                    store,
                    actor,
                    held_on=held_on or dt.date.today(),
                    place=place,
                    modules=modules,
                    kecamatan_code=kec,
                )
                st.success(text("session_saved", session=new))

    sessions_frame = store.training_sessions(actor.scope)
    sessions = tables.session_choices(sessions_frame)
    session = st.selectbox("Sesi", list(sessions), format_func=sessions.get, key="session_pick")
    if manages and session is not None:
        st.subheader("Impor absensi (kolom NIK, boleh dengan Nama)")
        upload = st.file_uploader("Daftar hadir (CSV/XLSX)", key="attendance_file")
        ui.import_file_section(
            "attendance",
            upload,
            lambda data, name: imports.attendance_plan_from_file(
                store, actor.scope, session, data, name
            ),
            lambda plan: imports.apply_attendance(store, actor, session, plan),
            lambda plan: (
                f"{fmt.number(plan.records.height)} linmas akan dicatat hadir; "
                f"{fmt.number(plan.rows_rejected)} baris ditolak."
            ),
            remember=f"session {session}",
        )

        st.subheader("Atau centang yang hadir")
        roster = tables.attendance_sheet(
            ui.readiness_people(actor.scope).officers,
            store.session_attendees(session),
            tables.session_kecamatan(sessions_frame, session),
        )
        edited = st.data_editor(
            roster,
            hide_index=True,
            disabled=["Nama", "NIK", "Desa"],
            column_config={"nik": None},
            key="attendance_ticks",
        )
        if st.button("Simpan centang", key="attendance_save"):
            added = imports.tick_attendance(
                store, actor, actor.scope, session, tables.ticked(roster, edited)
            )
            st.success(text("attendance_ticked", count=added))

    st.subheader("Riwayat impor absensi")
    ui.batch_history("attendance", "attendance", can_undo=manages)
