"""The upload page's working file: a new upload or the draft kept on the server, its fixes.

Every step that changes what the verdict is computed from (a new file, a fix in the grid or
the stacked form, a row passed over, a changed column mapping) is written to the account's
draft (``readiness.drafts``), so a reload, a dropped connection or another device brings the
clerk back to the same verdict with the same fixes.
"""

from __future__ import annotations

import dataclasses
import hashlib

import streamlit as st

from readiness import drafts, roster
from readiness import formatting as fmt
from readiness.db import Actor, Store
from readiness.messages import text
from readiness.roster import UploadWork
from readiness.ui import (
    literal,
    mark_upload_stored,
    text_columns,
    update_upload_work,
    upload_stored,
    upload_work,
)


@dataclasses.dataclass(frozen=True)
class Opened:
    """The file being worked on: its session key, table and mapping, name, and the draft it
    came back from (None for a file uploaded in this session)."""

    key: str
    work: UploadWork
    file_name: str
    draft: drafts.Draft | None


def _skipped(key: str) -> set[int]:
    return st.session_state.setdefault("fix_skipped", {}).setdefault(key, set())


def draft_desa(store: Store, actor: Actor) -> str | None:
    """The desa of the actor's newest draft, looked up once per session (the page opens there)."""
    if "draft_desa" not in st.session_state:
        st.session_state["draft_desa"] = drafts.latest_desa(store, actor)
    return st.session_state["draft_desa"]


def draft_notice(store: Store, actor: Actor) -> None:
    """On a home page: a draft not yet saved, with the link that continues it."""
    note = drafts.latest(store, actor)
    if note is None:
        return
    when = fmt.timestamp(note.updated_at)
    desa = store.region_name(note.desa_code) or note.desa_code
    st.info(text("draft_waiting", file_name=literal(note.file_name), desa=literal(desa), when=when))
    st.page_link("pages/upload.py", label="Lanjutkan draf", icon=":material/edit_note:")


def open_work(store: Store, actor: Actor, desa: str, upload) -> Opened | None:
    """The uploaded file (kept as a new draft), else the actor's draft of ``desa``, else None.

    The same file uploaded again while its draft is kept comes back with its fixes.
    """
    restored = st.session_state.setdefault("draft_restored", {})
    if upload is not None:
        restored.pop(desa, None)  # once this file goes, its draft is what comes back
        data = upload.getvalue()
        sha256 = hashlib.sha256(data).hexdigest()
        key = f"{desa}:{sha256}"

        def read() -> UploadWork:
            kept = drafts.restore(store, actor, desa)
            if kept is not None and kept.work.sha256 == sha256:
                _skipped(key).update(kept.skipped)
                return kept.work
            work = roster.read_upload(store, data, upload.name)
            drafts.start(store, actor, desa, upload.name, work)
            return work

        return Opened(key, upload_work(key, read), upload.name, None)
    if desa not in restored:
        restored[desa] = drafts.restore(store, actor, desa)
        if restored[desa] is not None:
            key = f"{desa}:{restored[desa].work.sha256}"
            _skipped(key).update(restored[desa].skipped)
    kept = restored[desa]
    if kept is None:
        return None
    key = f"{desa}:{kept.work.sha256}"
    return Opened(key, upload_work(key, lambda: kept.work), kept.file_name, kept)


def draft_banner(store: Store, actor: Actor, desa: str, opened: Opened) -> None:
    """ "Draf dari … dipulihkan" and "Buang draf", for a draft that came back from the server."""
    if upload_stored(opened.key):
        return
    if opened.draft is None:
        st.caption(text("draft_kept_hint", days=fmt.number(store.settings.draft_days)))
        return
    when = fmt.timestamp(opened.draft.updated_at)
    st.info(text("draft_restored", when=when, file_name=literal(opened.file_name)))
    if st.button("Buang draf", key="draft_discard", icon=":material/delete:"):
        drafts.discard(store, actor, desa)
        st.session_state["draft_restored"][desa] = None
        st.session_state.setdefault("upload_work", {}).pop(opened.key, None)
        st.session_state["draft_discarded"] = True
        st.rerun()


def pop_discarded() -> bool:
    """True once after "Buang draf" (the page says the draft is gone)."""
    return bool(st.session_state.pop("draft_discarded", False))


def check(store: Store, actor: Actor, desa: str, opened: Opened, mapping: dict):
    """The verdict of the working table under ``mapping`` (``roster.check_raw``); a changed
    mapping goes into the draft, and a file refused whole keeps no draft."""
    if mapping != opened.work.mapping:
        drafts.set_mapping(store, actor, desa, opened.work.sha256, mapping)
        works = st.session_state.setdefault("upload_work", {})
        works[opened.key] = dataclasses.replace(opened.work, mapping=mapping)
    work = opened.work
    checked = roster.check_raw(
        store, desa, work.raw, opened.file_name, work.sha256, mapping, viewer=actor
    )
    if checked.verdict is None:
        drafts.discard(store, actor, desa)  # nothing of a refused file is kept
    return checked


def save(store: Store, actor: Actor, checked, key: str, desa_name: str) -> None:
    """Save the checked file and drop its draft (one transaction); remember the message."""
    from readiness import intake

    saved = drafts.save(store, actor, checked)
    mark_upload_stored(key, intake.describe_saved(saved, desa_name))


# -- fixing rejected rows: a stacked form on a phone, the grid on a desktop ------------------------


def _phone_by_default() -> bool:
    """Streamlit cannot tell the screen width; a mobile User-Agent is the default guess."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no browser behind this run (AppTest)
        return False
    return "Mobi" in agent or "Android" in agent


def _apply_fix(store: Store, actor: Actor, desa: str, opened: Opened, edited) -> None:
    fixed = drafts.fix(store, actor, desa, opened.work, edited)
    update_upload_work(opened.key, fixed.raw)
    st.rerun()


def fix_rejected_rows(
    store: Store, actor: Actor, desa: str, opened: Opened, checked, rejected, mapping: dict
) -> None:
    """The rejected rows to fix in place: one row at a time as a stacked form ("Tampilan
    ponsel", on by default on a phone) or the grid, each problem said once; every fix and
    every row passed over is written to the draft."""
    from readiness import fix_rows

    phone = st.toggle("Tampilan ponsel", value=_phone_by_default(), key="phone_view")
    if not phone:
        st.markdown(text("roster_fix_rejected_here"))  # the problems are in the grid's Masalah
        edited = st.data_editor(
            rejected,
            hide_index=True,
            disabled=["_row", roster.PROBLEM_COLUMN],
            key="rejected_editor",
            column_config=text_columns(rejected),
        )
        if st.button("Periksa ulang perbaikan", key="recheck", icon=":material/refresh:"):
            _apply_fix(store, actor, desa, opened, edited)
        return
    fixes = fix_rows.row_fixes(rejected, checked.verdict.findings, mapping)
    skipped = _skipped(opened.key)
    waiting = [f for f in fixes if f.row not in skipped]
    if not waiting:
        st.info(text("fix_all_skipped"))
        if st.button("Mulai lagi dari baris pertama", key="fix_restart"):
            drafts.skip(store, actor, desa, opened.work.sha256, None)
            skipped.clear()
            st.rerun()
        return
    fix = waiting[0]
    position = fixes.index(fix) + 1
    st.markdown(text("fix_counter", n=position, total=len(fixes), row=fix.row))
    if None in fix.problems:
        st.warning(literal(text("fix_row_problem", problem=fix.problems[None])))
    with st.form(f"fix_row_form_{fix.row}"):
        values = {}
        for index, field in enumerate(fix.fields):
            if field in fix.problems:
                st.error(literal(fix.problems[field]))
            values[field] = st.text_input(
                field, value=fix.values.get(field) or "", key=f"fix_{fix.row}_{index}"
            )
        recheck = st.form_submit_button("Periksa ulang", type="primary", key="fix_recheck")
        skip = st.form_submit_button("Lewati baris ini (tidak ikut disimpan)", key="fix_skip")
    if recheck:
        _apply_fix(store, actor, desa, opened, fix_rows.edited_row(fix, values))
    if skip:
        drafts.skip(store, actor, desa, opened.work.sha256, fix.row)
        skipped.add(fix.row)
        st.rerun()
