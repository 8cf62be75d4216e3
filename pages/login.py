"""Masuk: login, the forced password change, and the first admin account of a new database."""

import streamlit as st

from readiness import auth, demo, ui
from readiness.messages import text

ui.page_header("Masuk")
store = ui.store()
settings = ui.settings()
notice = ui.pop_auth_notice()
if notice:
    st.info(notice)

if st.session_state.get("actor") is not None and ui.must_change_password():
    st.subheader("Ganti kata sandi sekali pakai")
    st.caption(text("password_rule", length=auth.MIN_PASSWORD_LENGTH))
    with st.form("change_password_form"):
        current = st.text_input("Kata sandi sekarang", type="password", key="current_password")
        new = st.text_input("Kata sandi baru", type="password", key="new_password")
        again = st.text_input("Ulangi kata sandi baru", type="password", key="new_password_again")
        submitted = st.form_submit_button("Simpan kata sandi", key="change_password_submit")
    if submitted:
        with ui.guard():
            if new != again:
                st.error(text("passwords_differ"))
            else:
                auth.change_password(store, st.session_state["actor"], current, new)
                st.session_state["must_change_password"] = False
                ui.renew_session()  # the old session's credential no longer matches
                st.rerun()
elif ui.needs_first_admin():
    st.subheader("Buat akun admin pertama")
    st.write(text("first_admin_explained"))
    with st.form("first_admin_form"):
        username = st.text_input("Nama pengguna", value="admin", key="first_admin_username")
        full_name = st.text_input("Nama lengkap", key="first_admin_name")
        password = st.text_input("Kata sandi", type="password", key="first_admin_password")
        again = st.text_input("Ulangi kata sandi", type="password", key="first_admin_again")
        submitted = st.form_submit_button("Buat akun admin", key="first_admin_submit")
    if submitted:
        with ui.guard():
            if password != again:
                st.error(text("passwords_differ"))
            else:
                actor = auth.create_first_admin(store, username, password, full_name)
                ui.login_as(actor, full_name=full_name)
                st.rerun()
elif settings.auth_mode == "oidc":
    if getattr(st.user, "is_logged_in", False):
        with ui.guard():
            login = auth.login_identity(store, st.user.get("email"))
            ui.login_as(login.actor, full_name=login.full_name)
            st.rerun()
    elif st.button("Masuk dengan akun instansi", key="oidc_login", type="primary"):
        st.login(settings.oidc_provider or None)
else:
    with st.form("login_form"):
        username = st.text_input(
            "Nama pengguna", max_chars=auth.USERNAME_MAX_LENGTH, key="login_username"
        )
        password = st.text_input(
            "Kata sandi", type="password", max_chars=auth.MAX_PASSWORD_LENGTH, key="login_password"
        )
        submitted = st.form_submit_button("Masuk", key="login_submit", type="primary")
    if submitted:
        with ui.guard():
            login = auth.login(store, username, password)
            ui.login_as(
                login.actor, full_name=login.full_name, must_change=login.must_change_password
            )
            st.rerun()
    if store.meta("mode") == "demo":
        st.subheader("Akun contoh (hanya mode demo)")
        st.dataframe(demo.demo_accounts_table(), hide_index=True, key="demo_accounts")

st.caption(text("privacy_notice"))
