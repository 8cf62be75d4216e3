"""The schema as numbered migrations: append only, never edit one that has shipped."""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "core: regions, tps, submissions, officers, findings, audit log",
        (
            """CREATE TABLE regions (
                code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, name VARCHAR NOT NULL,
                parent_code VARCHAR, kind VARCHAR)""",
            """CREATE TABLE tps (
                desa_code VARCHAR NOT NULL, tps_number INTEGER NOT NULL,
                rawan BOOLEAN NOT NULL DEFAULT FALSE, rawan_reason VARCHAR, address VARCHAR,
                updated_at TIMESTAMPTZ, PRIMARY KEY (desa_code, tps_number))""",
            "CREATE SEQUENCE submission_id_seq",
            """CREATE TABLE submissions (
                id BIGINT PRIMARY KEY DEFAULT nextval('submission_id_seq'),
                desa_code VARCHAR NOT NULL, version INTEGER NOT NULL,
                uploaded_at TIMESTAMPTZ NOT NULL, uploader VARCHAR NOT NULL, uploader_role VARCHAR,
                file_name VARCHAR, sha256 VARCHAR, rows_total INTEGER, rows_accepted INTEGER,
                rows_warned INTEGER, rows_rejected INTEGER, rows_skipped INTEGER, detected VARCHAR,
                status VARCHAR NOT NULL DEFAULT 'menunggu_verifikasi', reviewed_by VARCHAR,
                reviewed_at TIMESTAMPTZ, review_note VARCHAR, UNIQUE (desa_code, version))""",
            """CREATE TABLE officers (
                submission_id BIGINT NOT NULL, desa_code VARCHAR NOT NULL, row_number INTEGER,
                nama VARCHAR NOT NULL, nik VARCHAR NOT NULL, jenis_kelamin VARCHAR,
                tempat_lahir VARCHAR, tanggal_lahir DATE, alamat VARCHAR, no_hp VARCHAR,
                nomor_tps INTEGER, status_bpjs BOOLEAN, no_kpj VARCHAR, status_pelatihan BOOLEAN,
                tanggal_pelatihan DATE, keterangan VARCHAR, warning_codes VARCHAR[])""",
            """CREATE TABLE findings (
                submission_id BIGINT NOT NULL, row_number INTEGER, column_name VARCHAR,
                severity VARCHAR NOT NULL, code VARCHAR NOT NULL, message VARCHAR NOT NULL)""",
            "CREATE SEQUENCE audit_id_seq",
            """CREATE TABLE audit_log (
                id BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'), logged_at TIMESTAMPTZ NOT NULL,
                username VARCHAR NOT NULL, role VARCHAR, action VARCHAR NOT NULL,
                target VARCHAR, detail VARCHAR)""",
            """CREATE VIEW active_submissions AS
                SELECT * FROM submissions
                QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) = 1""",
        ),
    ),
    (
        2,
        "readiness: BPJS and training batches that can be undone",
        (
            "CREATE SEQUENCE batch_id_seq",
            """CREATE TABLE batches (
                id BIGINT PRIMARY KEY DEFAULT nextval('batch_id_seq'), kind VARCHAR NOT NULL,
                created_at TIMESTAMPTZ NOT NULL, username VARCHAR NOT NULL, file_name VARCHAR,
                sha256 VARCHAR, session_id BIGINT, rows_applied INTEGER, rows_rejected INTEGER,
                undone_at TIMESTAMPTZ, undone_by VARCHAR)""",
            """CREATE TABLE bpjs_records (
                batch_id BIGINT NOT NULL, nik VARCHAR NOT NULL, kpj VARCHAR,
                enrolled BOOLEAN NOT NULL, enrolled_on DATE)""",
            "CREATE SEQUENCE training_session_id_seq",
            """CREATE TABLE training_sessions (
                id BIGINT PRIMARY KEY DEFAULT nextval('training_session_id_seq'),
                held_on DATE NOT NULL, place VARCHAR NOT NULL, modules VARCHAR[] NOT NULL,
                kecamatan_code VARCHAR, created_at TIMESTAMPTZ NOT NULL, created_by VARCHAR)""",
            """CREATE TABLE attendance (
                batch_id BIGINT NOT NULL, session_id BIGINT NOT NULL, nik VARCHAR NOT NULL)""",
        ),
    ),
    (
        3,
        "accounts: users with roles scoped to a region",
        (
            """CREATE TABLE users (
                username VARCHAR PRIMARY KEY, full_name VARCHAR, role VARCHAR NOT NULL,
                region_code VARCHAR NOT NULL, password_hash VARCHAR, phone VARCHAR,
                must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
                disabled BOOLEAN NOT NULL DEFAULT FALSE,
                failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL, last_login_at TIMESTAMPTZ)""",
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        ),
    ),
    (
        4,
        "readiness counts per desa, kept up to date by every write",
        (
            # Rows as Store.readiness_counts returns them; as_of NULL = now, a date = the end
            # of that day (WIB), kept for "since yesterday".
            """CREATE TABLE readiness_cache (
                kabupaten_code VARCHAR NOT NULL, as_of DATE, kind VARCHAR NOT NULL,
                desa_code VARCHAR NOT NULL, day DATE, n BIGINT, tps_count BIGINT,
                rawan_count BIGINT, officers_registered BIGINT, registered BIGINT,
                bpjs_enrolled BIGINT, trained BIGINT, trained_self_reported BIGINT,
                blocked BIGINT, ready BIGINT, n_belum_bpjs BIGINT, n_belum_pelatihan BIGINT,
                tps_covered BIGINT, rawan_uncovered BIGINT, shared BIGINT)""",
            """CREATE TABLE readiness_cache_state (
                kabupaten_code VARCHAR PRIMARY KEY, refreshed_on DATE NOT NULL,
                snapshot_of DATE NOT NULL, rules VARCHAR NOT NULL)""",
        ),
    ),
    (
        5,
        "kabupaten recaps imported by a province instance (every import kept)",
        (
            "CREATE SEQUENCE kabupaten_recap_id_seq",
            """CREATE TABLE kabupaten_recaps (
                id BIGINT PRIMARY KEY DEFAULT nextval('kabupaten_recap_id_seq'),
                kabupaten_code VARCHAR NOT NULL, kabupaten_name VARCHAR,
                generated_at TIMESTAMPTZ NOT NULL, imported_at TIMESTAMPTZ NOT NULL,
                imported_by VARCHAR NOT NULL, file_name VARCHAR, sha256 VARCHAR,
                data_version BIGINT, kecamatan_total BIGINT, kecamatan_complete BIGINT,
                desa_total BIGINT, desa_submitted BIGINT, tps_total BIGINT,
                officers_required BIGINT, officers_registered BIGINT, officers_counted BIGINT,
                ready BIGINT, payload JSON NOT NULL)""",
        ),
    ),
    (
        8,
        "plan: the admin's changes to the H-n milestones of the settings",
        (
            # One row per changed milestone; the settings' own values apply to the others.
            """CREATE TABLE plan_milestones (
                code VARCHAR PRIMARY KEY, day INTEGER NOT NULL, target DOUBLE NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL, updated_by VARCHAR NOT NULL)""",
        ),
    ),
)
MIGRATIONS += (
    (
        7,
        "sessions that survive a reload (token hashes only)",
        (
            # token_hash: SHA-256 of the browser's random token (the token itself is never
            # stored); credential: the account's credential version at login.
            """CREATE TABLE sessions (
                token_hash VARCHAR PRIMARY KEY, username VARCHAR NOT NULL,
                credential VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                last_seen_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ, end_reason VARCHAR)""",
        ),
    ),
)
MIGRATIONS += (
    (
        11,
        "accounts: credential version (ends sessions on reset) and the login claim",
        (
            # Raised by a password reset or a disable; a session started under another
            # version is over at its next action.
            "ALTER TABLE users ADD COLUMN credential_version INTEGER DEFAULT 0",
            # Set while one login verifies this account's password: one verification at a time.
            "ALTER TABLE users ADD COLUMN login_claimed_until TIMESTAMPTZ",
        ),
    ),
)
MIGRATIONS += (
    (
        9,
        "graded rawan TPS: level, source and extra linmas per TPS, with their history",
        (
            # rawan stays the yes/no flag (rawan = rawan_level IS NOT NULL) for older readers;
            # extra_officers is the level's extra linmas at the time it was set (NULL: the
            # global rawan extra applies, as before graded levels).
            "ALTER TABLE tps ADD COLUMN rawan_level VARCHAR",
            "ALTER TABLE tps ADD COLUMN rawan_source VARCHAR",
            "ALTER TABLE tps ADD COLUMN extra_officers INTEGER",
            "UPDATE tps SET rawan_level = 'rawan' WHERE rawan",
            "ALTER TABLE readiness_cache ADD COLUMN extra_total BIGINT",
            "CREATE SEQUENCE rawan_history_id_seq",
            """CREATE TABLE rawan_history (
                id BIGINT PRIMARY KEY DEFAULT nextval('rawan_history_id_seq'),
                desa_code VARCHAR NOT NULL, tps_number INTEGER NOT NULL,
                previous_level VARCHAR, level VARCHAR, source VARCHAR, reason VARCHAR,
                extra_officers INTEGER, changed_by VARCHAR NOT NULL,
                changed_at TIMESTAMPTZ NOT NULL, origin VARCHAR NOT NULL)""",
        ),
    ),
)
MIGRATIONS += (
    (
        10,
        "duty: TPS assignment changes and voting-day attendance (append-only, latest wins)",
        (
            "CREATE SEQUENCE assignment_change_id_seq",
            """CREATE TABLE assignment_changes (
                id BIGINT PRIMARY KEY DEFAULT nextval('assignment_change_id_seq'),
                desa_code VARCHAR NOT NULL, nik VARCHAR NOT NULL, tps_number INTEGER,
                cadangan BOOLEAN NOT NULL DEFAULT FALSE, changed_at TIMESTAMPTZ NOT NULL,
                actor VARCHAR NOT NULL)""",
            "CREATE SEQUENCE attendance_day_id_seq",
            """CREATE TABLE attendance_day (
                id BIGINT PRIMARY KEY DEFAULT nextval('attendance_day_id_seq'),
                desa_code VARCHAR NOT NULL, tps_number INTEGER NOT NULL, nik VARCHAR NOT NULL,
                status VARCHAR NOT NULL
                    CHECK (status IN ('hadir', 'tidak_hadir', 'diganti')),
                substitute_nik VARCHAR, substitute_name VARCHAR,
                reported_at TIMESTAMPTZ NOT NULL, actor VARCHAR NOT NULL,
                correction_reason VARCHAR)""",
        ),
    ),
)
MIGRATIONS += (
    (
        6,
        "intake: how each roster version arrived, nihil reports, failed upload attempts",
        (
            # One row per submission that did not come as a village's own file: via
            # 'kecamatan', a 'nihil' report (0 linmas, with a reason) or a 'restore' of a version.
            """CREATE TABLE submission_origin (
                submission_id BIGINT PRIMARY KEY, via VARCHAR NOT NULL, nihil_reason VARCHAR,
                restored_from INTEGER)""",
            "CREATE SEQUENCE roster_attempt_id_seq",
            # A file of which no row was accepted: nothing stored but the attempt and its reasons.
            """CREATE TABLE roster_attempts (
                id BIGINT PRIMARY KEY DEFAULT nextval('roster_attempt_id_seq'),
                desa_code VARCHAR NOT NULL, attempted_at TIMESTAMPTZ NOT NULL,
                username VARCHAR NOT NULL, role VARCHAR, via VARCHAR NOT NULL,
                file_name VARCHAR, sha256 VARCHAR, rows_rejected INTEGER, reasons VARCHAR[])""",
        ),
    ),
)

MIGRATIONS += (
    (
        12,
        "upload drafts: a checked file and its in-place fixes kept per account and village",
        (
            # The file as read (table_json: rows, what was detected, rows passed over), the
            # column mapping and every fix in order (fixes: JSON patches of rows), so the same
            # verdict comes back after a reload. Nothing here counts anywhere until saved.
            """CREATE TABLE upload_drafts (
                username VARCHAR NOT NULL, desa_code VARCHAR NOT NULL,
                file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
                table_json VARCHAR NOT NULL, mapping_json VARCHAR NOT NULL,
                fixes VARCHAR[] NOT NULL DEFAULT [], skipped_rows BIGINT[] NOT NULL DEFAULT [],
                created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (username, desa_code))""",
        ),
    ),
)

MIGRATIONS += (
    (
        13,
        "readiness: the roster in force defined once, as a table macro the view reads too",
        (
            # Each desa's newest version uploaded by as_of, inside scope (a region-code prefix;
            # '' = everywhere) and desas (desa codes; empty = every desa of the scope).
            """CREATE OR REPLACE MACRO submissions_in_force(scope, desas, as_of) AS TABLE
                SELECT * FROM submissions
                WHERE (scope = '' OR desa_code = scope OR starts_with(desa_code, scope || '.'))
                  AND (len(desas) = 0 OR list_contains(desas, desa_code))
                  AND uploaded_at <= as_of
                QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) = 1""",
            """CREATE OR REPLACE VIEW active_submissions AS
                SELECT * FROM submissions_in_force('', []::VARCHAR[], 'infinity'::TIMESTAMPTZ)""",
        ),
    ),
)
# Concerns append their migrations in blocks; the runner applies them in version order.
MIGRATIONS = tuple(sorted(MIGRATIONS, key=lambda migration: migration[0]))
