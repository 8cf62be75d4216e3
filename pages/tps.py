"""Daftar TPS: import the KPU list of TPS; every row must match a village or nothing is stored."""

import streamlit as st

from readiness import auth, tables, tps_list, ui
from readiness import formatting as fmt
from readiness import kabupaten_regions as kr
from readiness.messages import text

ui.page_header("Daftar TPS")
store = ui.store()
actor = ui.current_actor()

if not auth.can(actor, "manage_reference"):
    st.caption(text("tps_managed_by_admin"))
    upload = None
else:
    st.markdown(text("tps_upload_guide", per_tps=store.settings.officers_per_tps))
    # A province instance picks the kabupaten (the home one first chosen).
    loaded = dict(kr.loaded_kabupaten(store, actor.scope).iter_rows())
    kabupaten = kr.default_kabupaten(store.settings, actor.scope)
    if len(loaded) > 1:
        codes = list(loaded)
        first = codes.index(kabupaten) if kabupaten in codes else 0
        kabupaten = st.selectbox(
            "Kabupaten/kota", codes, index=first, format_func=loaded.get, key="tps_kabupaten"
        )
    elif loaded:
        kabupaten = next(iter(loaded))
    upload = st.file_uploader("Berkas daftar TPS", key="tps_file")
if upload is not None:
    with ui.guard():
        parsed = tps_list.check_tps_file(store, upload.getvalue(), upload.name, kabupaten)
        if parsed.ok:
            villages = fmt.number(parsed.tps["desa_code"].n_unique())
            st.success(text("tps_matched", tps=fmt.number(parsed.tps.height), villages=villages))
            preview = tables.tps_preview_table(parsed.tps, store.villages(actor.scope))
            st.dataframe(preview, hide_index=True, key="tps_preview")
            if st.button("Simpan daftar TPS", type="primary", key="tps_save"):
                stored = tps_list.save_tps(store, actor, parsed.tps, file_name=upload.name)
                st.success(text("tps_stored", tps=fmt.number(stored), villages=villages))
        else:
            st.error(text("tps_rejected", count=fmt.number(parsed.problems.height)))
            st.dataframe(
                parsed.problems.rename({"row": "Baris", "message": "Masalah"}),
                hide_index=True,
                key="tps_problems",
            )

st.subheader("TPS per desa/kelurahan")
with ui.guard():
    view = ui.overview(actor.scope)
    st.dataframe(tables.desa_submission_table(view.desa), hide_index=True, key="tps_by_desa")
