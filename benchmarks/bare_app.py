"""The floor of "Masuk -> first metric": a bare Streamlit app doing the same login and one query.

``python -m benchmarks`` serves it with ``streamlit run benchmarks/bare_app.py`` (READINESS_DB =
a copy of the benchmark database) and drives it with the same Playwright steps as the dashboard:
fill "Nama pengguna" and "Kata sandi", click "Masuk", wait for the first ``st.metric``. Between
the click and the metric it does what any login must: look the account's argon2id hash up in the
same database and verify the password against it, then run one DuckDB query (the linmas
registered in the rosters in force) on a connection held for the process's lifetime, as the
product holds its own (readiness.db.core.HeldFile). Nothing else: no navigation, no audit row,
no page data. Benchmark-only; the product never imports it.
"""

import os

import duckdb
import streamlit as st
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

REGISTERED = """SELECT count(*) FROM officers o
                JOIN submissions s ON s.id = o.submission_id
                WHERE s.version = (SELECT max(version) FROM submissions t
                                   WHERE t.desa_code = s.desa_code)"""


@st.cache_resource
def connection() -> duckdb.DuckDBPyConnection:
    """One connection to the database for the server's lifetime."""
    return duckdb.connect(os.environ["READINESS_DB"], read_only=True)


def password_matches(username: str, password: str) -> bool:
    """The stored argon2id hash of ``username`` verified against ``password``."""
    row = (
        connection()
        .cursor()
        .execute("SELECT password_hash FROM users WHERE username = $u", {"u": username})
        .fetchone()
    )
    if row is None:
        return False
    try:
        return PasswordHasher().verify(row[0], password)
    except (VerificationError, InvalidHashError):
        return False


if st.session_state.get("user") is None:
    with st.form("login_form"):
        username = st.text_input("Nama pengguna", key="login_username")
        password = st.text_input("Kata sandi", type="password", key="login_password")
        submitted = st.form_submit_button("Masuk", key="login_submit", type="primary")
    if submitted:
        if password_matches(username.strip(), password):
            st.session_state["user"] = username.strip()
            st.rerun()
        st.error("Nama pengguna atau kata sandi salah.")
else:
    (registered,) = connection().cursor().execute(REGISTERED).fetchone()
    st.metric("Linmas terdaftar", f"{registered:,}".replace(",", "."))
