"""Voting day and duty documents on a page: the head's live view, SK/kartu/honor downloads.

Part of the Streamlit layer (with ``readiness.ui``, whose store, clock and actor it uses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from readiness import formatting as fmt
from readiness.messages import text
from readiness.scope import Scope
from readiness.ui import current_actor, now, store, today

log = logging.getLogger(__name__)

# -- voting day: the head's live view of TPS terjaga -------------------------------------------


def is_voting_day() -> bool:
    """Whether today (WIB) is the voting date of the settings in force."""
    from readiness import voting_day

    return voting_day.is_voting_day(store().settings, now())


def voting_day_view(scope: Scope) -> None:
    """TPS terjaga x dari N, per kecamatan with rawan gaps first, last report per desa, late desa."""
    from readiness import voting_day

    current = store()
    view = voting_day.head_view(current, current_actor(), scope, now=now())
    st.subheader("Hari pemungutan suara: kehadiran linmas di TPS")
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "TPS terjaga",
        f"{fmt.number(view.tps_guarded)} dari {fmt.number(view.tps_total)}",
        border=True,
    )
    c2.metric("Linmas hadir", fmt.number(view.present), border=True)
    c3.metric(
        "Desa melapor",
        f"{fmt.number(view.desa_reported)} dari {fmt.number(view.desa_total)}",
        border=True,
    )
    if view.late.height:
        hour = f"{current.settings.attendance_report_by_hour:02d}.00"
        st.warning(text("voting_day_late", count=fmt.number(view.late.height), hour=hour))
        st.dataframe(
            view.late,
            hide_index=True,
            key="voting_day_late",
            column_config={
                "WhatsApp": st.column_config.LinkColumn("WhatsApp", display_text="Kirim")
            },
        )
    st.dataframe(view.kecamatan, hide_index=True, key="voting_day_kecamatan")
    st.dataframe(view.desa, hide_index=True, key="voting_day_desa")


DUTY_DOCUMENTS = (
    ("sk", "Lampiran SK (PDF)"),
    ("kartu", "Kartu tugas (PDF)"),
    ("honor", "Daftar honor (Excel)"),
)


def duty_download_buttons(
    scope: Scope, *, unmasked: bool = False, disabled: bool = False, key: str = "duty_download"
) -> None:
    """The SK lampiran, kartu tugas and daftar honor of a desa or kecamatan, one button each."""
    from readiness import duty

    for column, (kind, label) in zip(st.columns(3), DUTY_DOCUMENTS, strict=True):
        name, mime = duty.document_file(kind, scope)
        column.download_button(
            label,
            duty_download(kind, scope, unmasked=unmasked),
            file_name=name,
            mime=mime,
            disabled=disabled,
            key=f"{key}_{kind}",
        )


def duty_download(kind: str, scope: Scope, *, unmasked: bool = False) -> Callable[[], bytes]:
    """A download button's deferred duty document (SK, kartu, honor): built and audited on click."""
    from readiness import duty

    current, actor = store(), current_actor()

    def produce() -> bytes:
        try:
            return duty.duty_document(
                current, actor, kind, scope, unmasked=unmasked, today=today()
            ).data
        except Exception:
            log.exception("duty document %s of %s failed", kind, scope.code)
            raise

    return produce
