"""Rencana H-n: the milestones counted back from voting day, and which kecamatan keep to them."""

import streamlit as st

from readiness import auth, plan, plan_progress, ui
from readiness import formatting as fmt
from readiness.messages import text

ui.page_header("Rencana H-n")
actor = ui.current_actor()

with ui.guard():
    table = plan_progress.plan_table(ui.store(), ui.today())
    if auth.can(actor, "manage_settings"):
        with st.expander("Ubah milestone", expanded=False):
            choices = plan_progress.milestone_choices(table)
            code = st.selectbox(
                "Milestone", list(choices), format_func=lambda c: choices[c]["label"],
                key="plan_code",
            )  # fmt: skip
            row = choices[code]
            day = st.text_input("Hari (H-n)", value=row["h"], key="plan_day")
            target = st.number_input(
                "Target (% kebutuhan)", 1.0, 100.0, float(row["target"]), 5.0, key="plan_target"
            )
            if st.button("Simpan milestone", key="plan_save", type="primary"):
                changed = plan_progress.set_milestone(
                    ui.store(), actor, code, day=day, target=target
                )
                due = plan.due_date(ui.settings().voting_date, changed)
                st.success(
                    text(
                        "plan_saved",
                        label=changed.label,
                        h=plan.h_label(changed.day),
                        due=fmt.date(due),
                        target=fmt.percent(changed.target, digits=0),
                    )
                )
                table = plan_progress.plan_table(ui.store(), ui.today())
    else:
        st.caption(text("plan_read_only"))

    status = ui.plan_status(actor.scope)
    st.info(status.headline, icon=":material/flag:")
    st.subheader("Milestone")
    st.dataframe(plan_progress.schedule_table(table), hide_index=True, key="plan_schedule")
    st.dataframe(plan.milestone_table(status.counts), hide_index=True, key="plan_milestones")

    st.subheader("Per kecamatan")
    st.dataframe(
        plan_progress.kecamatan_plan_table(status), hide_index=True, key="plan_kecamatan_table"
    )
    names = plan_progress.kecamatan_choices(status)
    kec = st.selectbox("Kecamatan", list(names), format_func=names.get, key="plan_kecamatan")
    st.dataframe(plan_progress.desa_plan_table(status, kec), hide_index=True, key="plan_desa_table")
