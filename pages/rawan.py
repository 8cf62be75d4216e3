"""Peta Kerawanan: rawan and sangat rawan TPS per kecamatan, covered or not; the admin imports
and edits levels. Counts only: no linmas name, NIK or phone (security partners read this page)."""

import streamlit as st

from readiness import auth, charts_rawan, rawan_admin, ui
from readiness import formatting as fmt
from readiness.messages import text

ui.page_header("Peta Kerawanan TPS")
store = ui.store()
actor = ui.current_actor()

with ui.guard():
    coverage = rawan_admin.rawan_coverage(store, actor, actor.scope)
    peta = rawan_admin.peta_kerawanan(store, coverage, actor.scope)
    totals = rawan_admin.rawan.rawan_totals(peta)
    if coverage.height == 0:
        st.info(text("rawan_page_no_tps"))
    st.markdown(
        text(
            "rawan_headline",
            rawan=fmt.number(totals["rawan_tps"]),
            sangat_rawan=fmt.number(totals["sangat_rawan_tps"]),
            uncovered=fmt.number(totals["sangat_rawan_uncovered"]),
        )
    )
    st.altair_chart(charts_rawan.rawan_heatmap(peta), width="stretch")
    st.dataframe(rawan_admin.peta_table(peta), hide_index=True, key="rawan_peta_table")
    table = rawan_admin.rawan_table(store, coverage)
    if table.height == 0:
        st.caption(text("rawan_page_none"))
    st.dataframe(table, hide_index=True, key="rawan_tps_table")
    if auth.can(actor, "export") or auth.can(actor, "export_rawan"):
        if st.button("Siapkan unduhan TPS rawan (Excel)", key="rawan_export_prepare"):
            st.session_state["rawan_xlsx"] = rawan_admin.rawan_xlsx(store, actor, actor.scope)
        if "rawan_xlsx" in st.session_state:
            st.download_button(
                "Unduh TPS rawan (Excel)",
                st.session_state["rawan_xlsx"],
                rawan_admin.xlsx_file_name(actor.scope),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key="rawan_export_download",
            )

if auth.can(actor, "manage_reference"):
    st.subheader("Impor daftar TPS rawan (Bawaslu, Polres, FGD)")
    upload = st.file_uploader("Berkas TPS rawan (CSV/XLSX)", key="rawan_file")
    if upload is not None:
        with ui.guard():
            parsed = rawan_admin.check_rawan_file(store, actor, upload.getvalue(), upload.name)
            findings = parsed.findings.select("row", "message").rename(
                {"row": "Baris", "message": "Keterangan"}
            )
            if not parsed.ok:
                errors = parsed.findings.filter(parsed.findings["severity"] == "error")
                count = errors["row"].n_unique()
                st.error(text("rawan_import_refused", file=upload.name, count=count))
            if findings.height:
                st.dataframe(findings, hide_index=True, key="rawan_findings")
            if parsed.ok and st.button("Simpan tingkat kerawanan", key="rawan_import_save"):
                stored = rawan_admin.import_rawan(store, actor, parsed, file_name=upload.name)
                levels = parsed.rows["level"]
                rawan, sangat = (levels == "rawan").sum(), (levels == "sangat_rawan").sum()
                st.success(text("rawan_import_stored", file=upload.name,
                                count=fmt.number(stored), rawan=rawan, sangat_rawan=sangat))  # fmt: skip
    ui.rawan_level_form(store, actor, coverage)
