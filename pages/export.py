"""Ekspor: the apel recap as PDF, Excel and CSV in one click each, with a preview of each list."""

import streamlit as st

from readiness import exports, privacy, ui, ui_duty
from readiness import formatting as fmt
from readiness.kabupaten_regions import loaded_kabupaten
from readiness.messages import text
from readiness.scope import Scope

ui.page_header("Ekspor Rekap")
actor = ui.current_actor()

with ui.guard():
    if actor.scope.level in ("nasional", "provinsi", "kabupaten"):
        kecamatan = ui.overview(actor.scope).kecamatan
        names = dict(zip(kecamatan["kecamatan_code"], kecamatan["kecamatan_name"], strict=True))
        # Each kabupaten with loaded regions (one on a kabupaten instance), then kecamatan.
        wholes = dict(loaded_kabupaten(ui.store(), actor.scope).iter_rows())
        code = st.selectbox(
            "Wilayah",
            [*wholes, *names],
            format_func=lambda c: wholes.get(c) or f"Kecamatan {names[c]}",
            key="export_region",
        )
        scope = Scope(code)
    else:
        scope = actor.scope
    unmasked = False
    if privacy.shows_personal_data(actor.role, "export"):
        unmasked = st.checkbox(
            "Sertakan NIK dan nomor HP lengkap (hanya untuk keperluan resmi; tercatat di log audit)",
            key="export_unmasked",
        )
    recap = ui.export_recap(scope, unmasked=unmasked)
    h = recap.headline
    caption = "export_caption_unmasked" if unmasked else "export_caption_masked"
    st.caption(text(caption, region=recap.region_name))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Kecamatan lengkap", f"{h['kecamatan_complete']} dari {h['kecamatan_total']}")
    c2.metric(
        "Desa mengirim", f"{fmt.number(h['desa_submitted'])} dari {fmt.number(h['desa_total'])}"
    )
    c3.metric(
        "Linmas terdaftar",
        f"{fmt.number(h['officers_registered'])} dari {fmt.number(h['officers_required'])}",
    )
    c4.metric("Siap bertugas", fmt.percent(h["ready_rate"]))

    separator = st.radio(
        "Pemisah CSV",
        [",", ";"],
        format_func=lambda s: (
            "Koma (,)" if s == "," else "Titik koma (;) — Excel berbahasa Indonesia"
        ),
        horizontal=True,
        key="export_csv_separator",
    )
    now = ui.now()
    buttons = (
        ("pdf", "Unduh PDF untuk apel", ":material/picture_as_pdf:", "primary"),
        ("xlsx", "Unduh rekap Excel", ":material/table_view:", "secondary"),
        ("csv", "Unduh CSV per desa", ":material/csv:", "secondary"),
    )
    for column, (kind, label, icon, style) in zip(st.columns(3), buttons, strict=True):
        column.download_button(
            label,
            data=ui.export_download(kind, scope, unmasked=unmasked, separator=separator),
            file_name=exports.file_name(recap, kind, now=now),
            mime=exports.MIME[kind],
            icon=icon,
            type=style,
            key=f"export_{kind}",
        )

    st.subheader("Dokumen tugas")  # SK lampiran, kartu tugas, daftar honor
    if scope.level in ("kecamatan", "desa"):
        st.caption(text("export_duty_caption", region=recap.region_name))
        ui_duty.duty_download_buttons(
            scope, unmasked=unmasked, disabled=not h["officers_registered"], key="export_duty"
        )
    else:
        st.caption(text("export_duty_pick_kecamatan"))

    st.subheader("Pratinjau")
    tabs = st.tabs([f"{name} ({fmt.number(frame.height)})" for name, frame in recap.sheets.items()])
    for tab, (name, frame) in zip(tabs, recap.sheets.items(), strict=True):
        key = "preview_" + name.lower().replace(" ", "_")
        tab.dataframe(frame, hide_index=True, key=key)
