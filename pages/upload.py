"""Unggah Daftar Linmas: a village's roster, checked row by row before anything is stored."""

import streamlit as st

from readiness import formatting as fmt
from readiness import intake, roster, templates, ui, ui_upload
from readiness.messages import text

actor = ui.require_role("admin", "operator_kecamatan", "operator_desa")
ui.page_header("Unggah Daftar Linmas")
store = ui.store()

if actor.role in ("admin", "operator_kecamatan"):
    st.page_link(
        "pages/intake.py", label="Satu berkas untuk beberapa desa (kecamatan), nihil, versi"
    )
st.subheader("1. Pilih desa/kelurahan")
villages = store.villages(actor.scope)
names = dict(zip(villages["desa_code"], villages["desa_name"], strict=True))
kecamatan_names = dict(zip(villages["kecamatan_code"], villages["kecamatan_name"], strict=True))
kept = ui_upload.draft_desa(store, actor)  # a draft kept: the page opens on its desa
left, right = st.columns(2)
kecamatans = list(kecamatan_names)
kecamatan = left.selectbox(
    "Kecamatan",
    kecamatans,
    index=next((i for i, k in enumerate(kecamatans) if kept and kept.startswith(f"{k}.")), 0),
    format_func=kecamatan_names.get,
    key="upload_kecamatan",
)
in_kecamatan = [c for c in names if c.startswith(f"{kecamatan}.")]
desa = right.selectbox(
    "Desa/Kelurahan",
    in_kecamatan,
    index=in_kecamatan.index(kept) if kept in in_kecamatan else 0,
    format_func=names.get,
    key="upload_desa",
)

st.subheader("2. Unggah berkas")
with st.expander("Belum punya format? Unduh templat daftar linmas"):
    t1, t2 = st.columns(2)
    t1.download_button(
        "Templat Excel (.xlsx)",
        templates.template_xlsx(min_age=store.settings.min_age),
        "templat_daftar_linmas.xlsx",
        key="template_xlsx",
    )
    t2.download_button(
        "Templat CSV", templates.template_csv(), "templat_daftar_linmas.csv", key="template_csv"
    )
upload = st.file_uploader(
    "Berkas daftar linmas (Excel atau CSV; baris judul dan tanda tangan boleh ada)",
    # No type= filter: the browser's own refusal of a photo or PDF is English and unexplained;
    # roster.read_upload names what the file is and how to fix it, in Bahasa Indonesia.
    key="roster_file",
)
if ui_upload.pop_discarded():
    st.info(text("draft_discarded"))
if desa is None:
    st.stop()
with ui.guard():
    opened = ui_upload.open_work(store, actor, desa, upload)
    if opened is None:
        st.stop()
    work_key, work = opened.key, opened.work
    ui_upload.draft_banner(store, actor, desa, opened)
    st.caption(text("roster_detected", detected=roster.describe_detected(work.raw.detected)))
    with st.expander("Pencocokan kolom (ubah bila ada kolom yang salah dibaca)"):
        choices = roster.mapping_choices()
        mapping = {
            column: st.selectbox(
                column,
                choices,
                index=choices.index(target),
                format_func=lambda t: roster.COLUMN_LABELS.get(t, roster.IGNORED_LABEL),
                key=f"mapping_{i}",
            )
            for i, (column, target) in enumerate(work.mapping.items())
        }
    checked = ui_upload.check(store, actor, desa, opened, mapping)
    if checked.verdict is None:
        st.error(checked.file_error.message)
        st.stop()

    st.subheader("3. Periksa hasil")
    v = checked.verdict
    for column, card in zip(st.columns(4), roster.verdict_cards(v), strict=True):
        column.metric(**card, border=True)
    if v.findings.height:
        st.dataframe(
            roster.findings_table(checked),
            hide_index=True,
            column_config={"Kode": None},  # the code stays in the downloads, for support
            key="findings_table",
        )
        for column, download in zip(st.columns(2), roster.findings_downloads(checked), strict=True):
            column.download_button(**download)
    if v.skipped_count:
        with st.expander(f"{fmt.number(v.skipped_count)} baris dilewati (bukan data orang)"):
            st.dataframe(roster.skipped_table(checked), hide_index=True, key="skipped_table")
    rejected = roster.rejected_rows(checked)
    if rejected.height:
        ui_upload.fix_rejected_rows(store, actor, desa, opened, checked, rejected, mapping)

    st.subheader("4. Simpan")
    st.caption(roster.describe_previous(checked))
    if v.accepted and checked.previous_version and not ui.upload_stored(work_key):
        st.info(intake.describe_drops(intake.dropped_people(store, checked)))
    if saved := ui.upload_stored(work_key):
        st.success(text("roster_saved_change_hint", saved=saved))
    elif not v.accepted:
        st.warning(text("roster_nothing_accepted"))
    elif st.button(
        f"Simpan {fmt.number(v.accepted)} baris diterima", type="primary", key="submit_roster"
    ):
        ui_upload.save(store, actor, checked, work_key, names[desa])
        st.success(ui.upload_stored(work_key))
