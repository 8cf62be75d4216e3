"""Kiriman Kecamatan, Nihil & Versi: one file for several villages, "nihil" reports and the
versions of a village's list (restore one as the version in force)."""

import streamlit as st

from readiness import intake, ui
from readiness.kecamatan_upload import check_kecamatan_file
from readiness.messages import text

actor = ui.require_role("admin", "operator_kecamatan", "operator_desa")
ui.page_header("Kiriman Kecamatan, Nihil & Versi")
store = ui.store()
villages = store.villages(actor.scope)
names = dict(zip(villages["desa_code"], villages["desa_name"], strict=True))
kecamatan_names = dict(zip(villages["kecamatan_code"], villages["kecamatan_name"], strict=True))

with ui.guard():
    if actor.role in ("admin", "operator_kecamatan"):
        st.subheader("Satu berkas untuk beberapa desa (kecamatan)")
        kecamatan = st.selectbox(
            "Kecamatan", list(kecamatan_names), format_func=kecamatan_names.get, key="kec_code"
        )
        upload = st.file_uploader("Berkas rekap kecamatan (Excel atau CSV)", key="kec_file")
        if upload is not None:
            checked = check_kecamatan_file(
                store, kecamatan, upload.getvalue(), upload.name, viewer=actor
            )
            if checked.file_error is not None:
                st.error(checked.file_error.message)
            else:
                st.dataframe(
                    intake.kecamatan_table(store, checked), hide_index=True, key="kec_verdict"
                )
                unmatched = intake.unmatched_table(checked)
                if unmatched.height:
                    st.warning(text("kecamatan_unmatched", count=unmatched.height))
                    st.dataframe(unmatched, hide_index=True, key="kec_unmatched")
                passing = [c.desa_code for c in checked.storable]
                chosen = st.multiselect(
                    "Desa yang disimpan", passing, default=passing,
                    format_func=checked.names.get, key="kec_chosen",
                )  # fmt: skip
                if st.button("Simpan desa terpilih", type="primary", key="kec_save"):
                    saved = intake.save_kecamatan(store, actor, checked, chosen)
                    for one in saved:
                        st.success(intake.describe_saved(one, checked.names[one.desa_code]))

    st.subheader("Laporan nihil (desa tanpa linmas)")
    nihil_desa = st.selectbox(
        "Desa/Kelurahan", list(names), format_func=names.get, key="nihil_desa"
    )
    reason = st.text_input("Alasan", key="nihil_reason")
    if st.button("Laporkan nihil", key="nihil_submit"):
        version = intake.report_nihil(store, actor, nihil_desa, reason)
        st.success(text("nihil_saved", desa=names[nihil_desa], version=version, reason=reason))

    st.subheader("Versi daftar linmas")
    desa = st.selectbox("Desa/Kelurahan", list(names), format_func=names.get, key="versions_desa")
    versions = intake.versions(store, actor, desa)
    if not versions.height:
        st.info(text("versions_none", desa=names[desa]))
    else:
        st.dataframe(intake.versions_table(versions), hide_index=True, key="versions_table")
        older = versions.filter(~versions["in_force"])["version"].to_list()
        if older:
            pick = st.selectbox("Pulihkan versi", older, key="restore_version")
            if st.button("Jadikan versi berlaku", key="restore_submit"):
                new = intake.restore(store, actor, desa, pick)
                st.success(text("restore_done", desa=names[desa], source=pick, version=new))
