"""The readiness rule, written once: each officer's state and each TPS's coverage, in SQL.

Every readiness figure derives from the CTE chain below: the per-desa counts (live and kept in
``readiness_cache``), the per-day events of the timeline, the per-person drill-down and the
per-TPS coverage. Parameters:

- ``$scope`` (a region-code prefix) and ``$desas`` (desa codes; empty = every desa of the scope)
- ``$as_of``: rosters uploaded, batches created (and not undone) and assignments changed by then
- ``$modules`` (required training modules) and ``$blocking`` (blocking warning codes)
- ``$per_tps`` and ``$extra`` (linmas per TPS; the extra of a rawan TPS without its own)

The rule:

- the roster in force is each desa's newest version uploaded by ``$as_of`` (the table macro
  ``submissions_in_force``, which the ``active_submissions`` view reads too);
- ready = BPJS enrolled, every required module attended, not blocked; blocked = a blocking
  warning code, or the NIK listed by two villages; a NIK on two rows counts once, on its first
  row (lowest submission, desa, row number);
- the assignment in force is the newest ``assignment_changes`` row per (desa, NIK); without one,
  the roster's TPS column (a row whose keterangan says "cadangan" is a reserve); a cadangan
  guards no TPS;
- a TPS is covered when the counted linmas assigned to it reach ``$per_tps`` plus its extra.
"""

from __future__ import annotations

from readiness.db.core import SCOPE_SQL

# Inside $scope and, when $desas is not empty, one of those desa.
IN_SCOPE_AND_SET = (
    f"({SCOPE_SQL} AND (len($desas::VARCHAR[]) = 0 OR list_contains($desas::VARCHAR[], {{col}})))"
)
# Each NIK of the CTE ``active``: its BPJS status and the training modules attended, as of
# $as_of (a batch counts when created by then and not undone by then).
BPJS_AND_MODULES = """live AS (
        SELECT id, created_at FROM batches
        WHERE created_at <= $as_of AND (undone_at IS NULL OR undone_at > $as_of)),
    bpjs AS (
        SELECT r.nik, arg_max(r.enrolled, b.id) AS enrolled, arg_max(r.kpj, b.id) AS kpj,
               arg_max(r.enrolled_on, b.id) AS enrolled_on,
               arg_max(b.created_at, b.id) AS bpjs_at
        FROM bpjs_records r JOIN live b ON b.id = r.batch_id
        WHERE r.nik IN (SELECT nik FROM active)
        GROUP BY r.nik),
    modules AS (
        SELECT a.nik, list_distinct(flatten(list(t.modules))) AS attended,
               max(b.created_at) AS trained_at
        FROM attendance a JOIN live b ON b.id = a.batch_id
        JOIN training_sessions t ON t.id = a.session_id
        WHERE a.nik IN (SELECT nik FROM active)
        GROUP BY a.nik)"""
# A roster row whose keterangan says "cadangan" is a reserve, not a guard of its TPS.
RESERVE_PATTERN = r"(?i)\bcadangan\b"

# Linmas a TPS ``t`` needs: $per_tps plus its own extra (set with its rawan level), else the
# global $extra when it is flagged rawan.
TPS_NEED = """CAST($per_tps + coalesce(t.extra_officers,
                   CASE WHEN coalesce(t.rawan, false) THEN $extra ELSE 0 END) AS BIGINT)"""

# Roster columns the per-person drill-down carries along (the counts need none of them).
PERSON_COLUMNS = (
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "alamat",
    "no_hp",
    "status_bpjs",
    "no_kpj",
    "tanggal_pelatihan",
)


def _officer_state(carry: tuple[str, ...]) -> str:
    """The CTE chain ending in ``officer_state`` (one row per officer row in force) and
    ``tps_cover`` (one row per TPS), carrying the roster columns ``carry``."""
    carried = "".join(f", o.{column}" for column in carry)
    in_set = IN_SCOPE_AND_SET.format
    return f"""subs AS MATERIALIZED (
        SELECT id, desa_code, version, uploaded_at FROM submissions
        WHERE {in_set(col="desa_code")} AND uploaded_at <= $as_of),
    current AS (
        SELECT id, uploaded_at
        FROM submissions_in_force($scope, $desas::VARCHAR[], $as_of)),
    active AS MATERIALIZED (
        SELECT o.submission_id, o.desa_code, o.row_number, o.nik, o.nomor_tps, o.keterangan,
               o.status_pelatihan, o.warning_codes, s.uploaded_at AS current_at{carried}
        FROM officers o JOIN current s ON s.id = o.submission_id
        WHERE {in_set(col="o.desa_code")}),  -- lets DuckDB skip row groups
    -- first upload of a NIK in a desa: only desa with several versions need a look
    listed AS (
        SELECT o.desa_code, o.nik, min(s.uploaded_at) AS listed_at
        FROM officers o JOIN subs s ON s.id = o.submission_id
        WHERE s.desa_code IN (
            SELECT desa_code FROM subs GROUP BY desa_code HAVING count(*) > 1)
        GROUP BY o.desa_code, o.nik),
    {BPJS_AND_MODULES},
    changes AS (
        SELECT desa_code, nik, CAST(tps_number AS BIGINT) AS tps_number, cadangan
        FROM assignment_changes
        WHERE {in_set(col="desa_code")} AND changed_at <= $as_of
        QUALIFY row_number() OVER (
            PARTITION BY desa_code, nik ORDER BY changed_at DESC, id DESC) = 1),
    -- NIKs on more than one row in force: the first row counts
    dup AS (
        SELECT nik, min(row(submission_id, desa_code, row_number)) AS first_row,
               count(DISTINCT desa_code) AS desas
        FROM active GROUP BY nik HAVING count(*) > 1),
    joined AS (
        SELECT a.*,
               CASE WHEN dup.nik IS NOT NULL THEN a.nik END AS dup_nik,
               CAST(coalesce(dup.desas, 1) AS BIGINT) AS desa_listed,
               dup.nik IS NULL
                   OR row(a.submission_id, a.desa_code, a.row_number) = dup.first_row
                   AS counted,
               coalesce(dup.desas, 1) > 1
                   OR list_has_any(coalesce(a.warning_codes, []::VARCHAR[]),
                                   $blocking::VARCHAR[]) AS blocked,
               coalesce(bpjs.enrolled, false) AS bpjs_enrolled,
               bpjs.kpj AS bpjs_kpj, bpjs.enrolled_on, bpjs.bpjs_at,
               coalesce(modules.attended, []::VARCHAR[]) AS modules_attended,
               modules.trained_at,
               coalesce(listed.listed_at, a.current_at) AS listed_at,
               changes.nik IS NOT NULL AS reassigned,
               CASE WHEN changes.nik IS NOT NULL THEN changes.cadangan
                    ELSE coalesce(regexp_matches(a.keterangan, '{RESERVE_PATTERN}'), false)
               END AS cadangan,
               CASE WHEN changes.nik IS NOT NULL THEN changes.tps_number
                    ELSE CAST(a.nomor_tps AS BIGINT) END AS tps_number
        FROM active a
        LEFT JOIN dup ON dup.nik = a.nik
        LEFT JOIN listed ON listed.desa_code = a.desa_code AND listed.nik = a.nik
        LEFT JOIN bpjs ON bpjs.nik = a.nik
        LEFT JOIN modules ON modules.nik = a.nik
        LEFT JOIN changes ON changes.desa_code = a.desa_code AND changes.nik = a.nik),
    officer_state AS MATERIALIZED (
        SELECT j.*,
               list_has_all(j.modules_attended, $modules::VARCHAR[]) AS trained,
               [m FOR m IN $modules::VARCHAR[] IF NOT list_contains(j.modules_attended, m)]
                   AS modules_missing,
               coalesce(j.status_pelatihan, false)
                   AND NOT list_has_all(j.modules_attended, $modules::VARCHAR[])
                   AS trained_self_reported,
               j.bpjs_enrolled AND list_has_all(j.modules_attended, $modules::VARCHAR[])
                   AND NOT j.blocked AS ready,
               CASE WHEN NOT j.cadangan THEN j.tps_number END AS duty_tps,
               CAST(j.listed_at AS DATE) AS listed_day,
               CAST(j.bpjs_at AS DATE) AS bpjs_day,
               CAST(j.trained_at AS DATE) AS trained_day
        FROM joined j),
    guards AS (
        SELECT desa_code, duty_tps AS tps_number, count(*) AS officers_assigned,
               count(*) FILTER (WHERE ready) AS officers_ready
        FROM officer_state WHERE counted AND duty_tps IS NOT NULL GROUP BY ALL),
    tps_cover AS (
        SELECT t.desa_code, CAST(t.tps_number AS BIGINT) AS tps_number,
               coalesce(t.rawan, false) AS rawan, t.rawan_reason, t.rawan_level,
               {TPS_NEED} AS officers_required,
               coalesce(g.officers_assigned, 0) AS officers_assigned,
               coalesce(g.officers_ready, 0) AS officers_ready
        FROM tps t LEFT JOIN guards g
            ON g.desa_code = t.desa_code AND g.tps_number = t.tps_number
        WHERE {in_set(col="t.desa_code")})"""


# For the counts: no roster column beyond the rule's own.
OFFICER_STATE = _officer_state(())
# For the per-person drill-down: the roster columns people read as well.
OFFICER_STATE_PEOPLE = _officer_state(PERSON_COLUMNS)

# One row per officer row in force with its state (the drill-down); nomor_tps is the TPS the
# assignment in force gives (null for a cadangan), roster_tps the roster's own TPS column.
OFFICER_ROWS = """SELECT submission_id, desa_code, row_number, nama, nik, jenis_kelamin,
           tempat_lahir, tanggal_lahir, alamat, no_hp, duty_tps AS nomor_tps,
           CAST(nomor_tps AS BIGINT) AS roster_tps, status_bpjs, no_kpj,
           status_pelatihan, tanggal_pelatihan, keterangan, warning_codes, bpjs_enrolled,
           coalesce(bpjs_kpj, no_kpj) AS kpj, enrolled_on, modules_attended, listed_at,
           bpjs_at, trained_at, desa_listed, counted, trained, modules_missing,
           trained_self_reported, blocked, ready, cadangan
    FROM officer_state"""
OFFICER_COLUMNS = (
    "submission_id", "desa_code", "row_number", "nama", "nik", "jenis_kelamin", "tempat_lahir",
    "tanggal_lahir", "alamat", "no_hp", "nomor_tps", "roster_tps", "status_bpjs", "no_kpj",
    "status_pelatihan", "tanggal_pelatihan", "keterangan", "warning_codes", "bpjs_enrolled",
    "kpj", "enrolled_on", "modules_attended", "listed_at", "bpjs_at", "trained_at",
    "desa_listed", "counted", "trained", "modules_missing", "trained_self_reported", "blocked",
    "ready", "cadangan",
)  # fmt: skip
# One row per TPS: its need against the counted linmas assigned to it.
TPS_ROWS = """SELECT desa_code, tps_number, rawan, rawan_reason, rawan_level, officers_assigned,
           officers_ready, officers_required, officers_assigned >= officers_required AS covered,
           greatest(officers_required - officers_assigned, 0) AS shortfall
    FROM tps_cover"""
TPS_COLUMNS = (
    "desa_code", "tps_number", "rawan", "rawan_reason", "rawan_level", "officers_assigned",
    "officers_ready", "officers_required", "covered", "shortfall",
)  # fmt: skip

OFFICER_STATE_ROWS_SQL = (
    f"WITH {OFFICER_STATE_PEOPLE} {OFFICER_ROWS} ORDER BY desa_code, row_number"
)
TPS_COVERAGE_SQL = f"WITH {OFFICER_STATE} {TPS_ROWS} ORDER BY desa_code, tps_number"
# Both at once (the drill-down reads both): the rule runs once; row_kind tells them apart.
PEOPLE_SQL = f"""WITH {OFFICER_STATE_PEOPLE}
    SELECT 'officer' AS row_kind, * FROM ({OFFICER_ROWS})
    UNION ALL BY NAME
    SELECT 'tps' AS row_kind, * FROM ({TPS_ROWS})
    ORDER BY row_kind, desa_code, row_number, tps_number"""

# The assignment in force per officer row (the Penugasan page and ``assign list``); reassigned:
# a change is laid over the roster's TPS column.
ASSIGNMENTS_SQL = f"""WITH {OFFICER_STATE_PEOPLE}
    SELECT desa_code, nik, nama, tps_number, cadangan, reassigned
    FROM officer_state
    ORDER BY desa_code, tps_number NULLS LAST, nama NULLS LAST"""
