"""BPJS Ketenagakerjaan: import the participant list BPJS sends back, undo it, export who is missing."""

import streamlit as st

from readiness import auth, tables, ui
from readiness import formatting as fmt
from readiness import readiness_imports as imports
from readiness.messages import text
from readiness.privacy import shows_personal_data

ui.page_header("BPJS Ketenagakerjaan Linmas")
settings = ui.settings()
actor = ui.current_actor()
store = ui.store()

with ui.guard():
    view = ui.readiness(actor.scope)
    s = view.summary
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Linmas terdaftar BPJS TK",
        f"{fmt.number(s['bpjs_enrolled'])} dari {fmt.number(s['registered'])}",
        border=True,
        help="Dari semua linmas yang sudah masuk daftar desa/kelurahan.",
    )
    c2.metric(
        "Iuran per bulan",
        fmt.rupiah(s["bpjs_premium_per_month"]),
        border=True,
        help=f"{fmt.rupiah(settings.bpjs_premium_per_month)} per orang per bulan: BPU JKK "
        "Rp10.000 + JKM Rp6.800 (PP 44/2015); diatur di [bpjs] pengaturan.",
    )
    c3.metric(
        f"Anggaran iuran {settings.bpjs_premium_months} bulan",
        fmt.rupiah(s["bpjs_premium_total"]),
        border=True,
        help="Iuran per bulan × lama kepesertaan yang dianggarkan ([bpjs] premium_months).",
    )

    manages = auth.can(actor, "manage_readiness")  # storage refuses others; don't offer it
    upload = None
    if manages:
        st.subheader("Impor daftar peserta dari BPJS")
        upload = st.file_uploader(
            "Daftar peserta (CSV/XLSX) dengan kolom NIK, Nama, No. KPJ, Status, Tanggal",
            key="bpjs_file",  # no type=: the reader explains a wrong file in Bahasa Indonesia
        )
    else:
        st.caption(text("bpjs_managed_by_admin"))
    ui.import_file_section(
        "bpjs",
        upload,
        lambda data, name: imports.bpjs_plan_from_file(store, actor.scope, data, name),
        lambda plan: imports.apply_bpjs(store, actor, plan),
        lambda plan: (
            f"{fmt.number(plan.records.height)} baris cocok dengan NIK linmas dan siap "
            f"diterapkan; {fmt.number(plan.rows_rejected)} baris ditolak (lihat alasannya)."
        ),
    )

    st.subheader("Riwayat impor")
    ui.batch_history("bpjs", "bpjs", can_undo=manages)

    st.subheader("Linmas belum terdaftar (untuk pendaftaran kolektif)")
    full = shows_personal_data(actor.role, "export") and st.checkbox(
        "Unduh dengan NIK dan No. HP lengkap (dicatat di log audit)", key="bpjs_unmasked"
    )
    officers = ui.readiness_people(actor.scope).officers
    st.dataframe(
        tables.bpjs_enrolment_export(officers, unmasked=False),
        hide_index=True,
        key="bpjs_missing",
    )
    st.download_button(
        "Unduh daftar (CSV)",
        imports.enrolment_csv(store, actor, officers, unmasked=bool(full)),
        "belum_bpjs.csv",
        "text/csv",
        key="bpjs_download",
    )
