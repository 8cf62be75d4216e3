"""Verifikasi: the kecamatan checks each desa's newest list; the desa reads the kecamatan's note."""

import streamlit as st

from readiness import auth, ui, verification
from readiness import verification_checks as checks
from readiness.messages import text

ui.page_header("Verifikasi Daftar Linmas")
actor = ui.require_role(*auth.ROLES)
store = ui.store()

with ui.guard():
    queue = verification.queue(store, actor.scope)
    if actor.role == "operator_desa":
        for row in queue.iter_rows(named=True):
            label = verification.STATUS_LABELS[row["status"]]
            st.metric(f"Status daftar {row['desa_name']}", label, border=True)
            if row["status"] == "dikembalikan":
                returned = text("roster_returned", by=ui.literal(row["reviewed_by"]))
                st.warning(returned, icon=":material/undo:")
                st.text(row["review_note"] or "")  # user text: never Markdown
            elif row["status"] == "terverifikasi":
                st.success(text("roster_verified_own"))
    status_filter = st.selectbox(
        "Tampilkan",
        ["Semua", *verification.STATUS_LABELS.values()],
        key="verification_status_filter",
    )
    shown = queue
    if status_filter != "Semua":
        wanted = {v: k for k, v in verification.STATUS_LABELS.items()}[status_filter]
        shown = queue.filter(queue["status"] == wanted)
    st.dataframe(
        verification.queue_table(shown), hide_index=True, key="verification_table", height=320
    )

    if auth.can(actor, "verify"):
        st.subheader("Periksa kiriman desa")
        candidates = verification.reviewable(queue)
        if not candidates.height:
            st.info(text("nothing_to_review"))
        else:
            st.info(text("verification_waiting", count=checks.waiting_count(candidates)))
            labels = {
                f"{r['desa_name']} ({r['kecamatan_name']}) · versi {r['version']} · "
                f"{verification.STATUS_LABELS[r['status']]}": r
                for r in candidates.iter_rows(named=True)
            }
            chosen = labels[
                st.selectbox(
                    "Desa/kelurahan",
                    list(labels),
                    index=checks.first_waiting(candidates),
                    key="verification_desa",
                )
            ]
            view = checks.review_view(store, actor, chosen["desa_code"], chosen["submission_id"])
            st.caption(text("verification_uploaded_by", who=ui.literal(view.uploader)))
            if view.nihil_reason:
                st.warning(text("verification_nihil", reason=ui.literal(view.nihil_reason)))
            for flag in view.flags:
                st.warning(flag, icon=":material/flag:")
            if not view.flags:
                st.success(text("verification_no_flags"))
            st.markdown(text("verification_change_heading", line=view.change_line))
            if view.changes.height:
                st.dataframe(view.changes, hide_index=True, key="verification_changes")
            if view.full_nik:
                st.caption(text("verification_full_nik_audited"))
            st.dataframe(view.roster, hide_index=True, key="verification_roster")
            decision = st.radio(
                "Keputusan",
                list(verification.DECISIONS),
                index=None,
                key="verification_decision",
            )
            note = st.text_area(
                "Catatan untuk desa (wajib bila dikembalikan)", key="verification_note"
            )
            if st.button("Simpan keputusan", key="verification_submit", type="primary"):
                if decision is None:
                    st.error(text("verification_choose_decision"))
                else:
                    result = verification.review(
                        store, actor, chosen["submission_id"], decision, note
                    )
                    st.success(verification.describe(result, chosen["desa_name"]))
