"""Akun (admin only): accounts by role and region, one-time passwords, disable, bulk creation."""

import streamlit as st

from readiness import account_contacts, auth, ui
from readiness.kabupaten_regions import default_kabupaten
from readiness.messages import text
from readiness.region_choices import region_labels

ui.page_header("Akun Pengguna")
actor = ui.require_role("admin")
store = ui.store()
settings = ui.settings()

# A one-time password is shown once, right after it was made (kept for this session only).
issued = st.session_state.pop("issued_password", None)
if issued:
    shown = text("one_time_password", name=f"**{issued[0]}**", secret=f"`{issued[1]}`")
    st.success(shown + " " + text("one_time_password_hand_over"))

with ui.guard():
    users = auth.list_users(store, actor)
    st.dataframe(auth.users_table(users), hide_index=True, key="users_table")

    add, change, bulk = st.tabs(["Tambah akun", "Atur ulang / nonaktifkan", "Buat akun massal"])
    with add, st.form("add_user_form"):
        username = st.text_input("Nama pengguna", key="new_user_username")
        full_name = st.text_input("Nama lengkap", key="new_user_name")
        role = st.selectbox(
            "Peran", auth.ROLES, format_func=auth.ROLE_LABELS.get, key="new_user_role"
        )
        regions = region_labels(store, actor.scope)  # picked by name, never typed as a code
        home = default_kabupaten(settings, actor.scope)
        region = st.selectbox(
            "Wilayah",
            list(regions),
            index=list(regions).index(home) if home in regions else 0,
            format_func=regions.get,
            help="Kabupaten untuk admin/pimpinan, kecamatan atau desa untuk operatornya.",
            key="new_user_region",
        )
        phone = st.text_input("No. HP (opsional)", key="new_user_phone")
        if st.form_submit_button("Buat akun", key="new_user_submit"):
            secret = auth.add_user(
                store, actor, username, role, region or "", full_name=full_name, phone=phone
            )
            st.session_state["issued_password"] = (auth.normalize_username(username), secret)
            st.rerun()

    with change:
        chosen = st.selectbox("Akun", users["username"].to_list(), key="manage_user")
        c1, c2, c3 = st.columns(3)
        if c1.button("Atur ulang kata sandi", key="reset_password"):
            st.session_state["issued_password"] = (
                chosen,
                auth.reset_password(store, actor, chosen),
            )
            st.rerun()
        if c2.button("Nonaktifkan", key="disable_user"):
            auth.set_disabled(store, actor, chosen, disabled=True)
            st.rerun()
        if c3.button("Aktifkan lagi", key="enable_user"):
            auth.set_disabled(store, actor, chosen, disabled=False)
            st.rerun()

    with bulk:
        st.write(text("accounts_bulk_explained"))
        contacts_file = st.file_uploader(
            "Berkas kontak operator (wilayah, nama, no_hp; boleh kosong)",
            type=["csv", "xlsx"],
            key="bulk_contacts",
        )
        if st.button("Buat akun operator", key="bulk_create"):
            if contacts_file is None:
                created = auth.bulk_create_operators(store, actor)
            else:  # phones from the file, checked like roster phones; refused whole on an error
                created, parsed = account_contacts.bulk_create_with_contacts(
                    store, actor, contacts_file.getvalue(), contacts_file.name
                )
                for warning in parsed.findings["message"].to_list():
                    st.warning(warning)
                st.info(account_contacts.applied_note(store, created, parsed))
            st.session_state["bulk_accounts"] = auth.credentials_xlsx(created, title="Akun")
            st.success(text("accounts_created", count=created.height))
        if "bulk_accounts" in st.session_state:
            st.download_button(
                "Unduh daftar akun (XLSX)",
                st.session_state["bulk_accounts"],
                file_name="akun_operator.xlsx",
                key="bulk_download",
                on_click=lambda: st.session_state.pop("bulk_accounts", None),
            )
