"""The floor: each page's numbers from one hand-written DuckDB query, no Python in between.

The benchmark runs these on the same file in the same run as the product's functions and
reports product / floor. They also serve as a cross-check: the totals must agree.
"""

from readiness.db import scoped

OVERVIEW = f"""
WITH v AS (SELECT code AS desa_code, parent_code AS kecamatan_code FROM regions
           WHERE level = 'desa' AND {scoped("code")}),
t AS (SELECT desa_code, count(*) AS tps_count FROM tps WHERE {scoped("desa_code")}
      GROUP BY desa_code),
s AS (SELECT desa_code, min(uploaded_at) AS first_at FROM submissions
      WHERE {scoped("desa_code")} GROUP BY desa_code),
o AS (SELECT o.desa_code, count(DISTINCT o.nik) AS registered FROM officers o
      JOIN active_submissions a ON a.id = o.submission_id
      WHERE {scoped("o.desa_code")} GROUP BY o.desa_code)
SELECT v.kecamatan_code, count(*) AS desa_total, count(s.first_at) AS desa_submitted,
       count(*) FILTER (WHERE s.first_at < $deadline) AS desa_on_time,
       coalesce(sum(t.tps_count), 0) AS tps_total,
       coalesce(sum(t.tps_count * $per_tps), 0) AS officers_required,
       coalesce(sum(o.registered), 0) AS officers_registered,
       coalesce(sum(least(coalesce(o.registered, 0), coalesce(t.tps_count * $per_tps, 0))), 0)
           AS officers_counted
FROM v LEFT JOIN t USING (desa_code) LEFT JOIN s USING (desa_code) LEFT JOIN o USING (desa_code)
GROUP BY v.kecamatan_code
"""

NOT_SUBMITTED = f"""
SELECT d.code AS desa_code, d.name AS desa_name FROM regions d
WHERE d.level = 'desa' AND {scoped("d.code")}
  AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.desa_code = d.code)
"""

# Each NIK of ``active``: enrolled in BPJS, modules attended (batches not undone).
_BPJS_TRAINED = """bpjs AS (
    SELECT r.nik, arg_max(r.enrolled, b.id) AS enrolled
    FROM bpjs_records r JOIN batches b ON b.id = r.batch_id
    WHERE b.undone_at IS NULL AND r.nik IN (SELECT nik FROM active) GROUP BY r.nik),
trained AS (
    SELECT a.nik, list_distinct(flatten(list(t.modules))) AS modules
    FROM attendance a JOIN batches b ON b.id = a.batch_id
    JOIN training_sessions t ON t.id = a.session_id
    WHERE b.undone_at IS NULL AND a.nik IN (SELECT nik FROM active) GROUP BY a.nik)"""

READINESS = f"""
WITH active AS (
    SELECT o.desa_code, o.nik FROM officers o JOIN active_submissions a ON a.id = o.submission_id
    WHERE {scoped("o.desa_code")}),
{_BPJS_TRAINED},
each AS (
    SELECT active.desa_code, coalesce(bpjs.enrolled, false) AS enrolled,
           list_has_all(coalesce(trained.modules, []::VARCHAR[]), $modules) AS trained
    FROM active LEFT JOIN bpjs USING (nik) LEFT JOIN trained USING (nik))
SELECT left(desa_code, 8) AS kecamatan_code, count(*) AS registered,
       count(*) FILTER (WHERE enrolled) AS bpjs_enrolled,
       count(*) FILTER (WHERE trained) AS trained,
       count(*) FILTER (WHERE enrolled AND trained) AS ready
FROM each GROUP BY 1
"""

# One row per counted officer (a NIK once, as the product counts it) with its readiness.
PEOPLE = f"""
WITH active AS (
    SELECT o.desa_code, o.nik, o.nama, o.no_hp, o.nomor_tps, o.submission_id
    FROM officers o JOIN active_submissions a ON a.id = o.submission_id
    WHERE {scoped("o.desa_code")}
    QUALIFY row_number() OVER (PARTITION BY o.nik ORDER BY o.submission_id, o.desa_code) = 1),
{_BPJS_TRAINED}
SELECT active.*, coalesce(bpjs.enrolled, false)
           AND list_has_all(coalesce(trained.modules, []::VARCHAR[]), $modules) AS ready
FROM active LEFT JOIN bpjs USING (nik) LEFT JOIN trained USING (nik)
"""

# The Kesiapan numbers summed from the counts every write keeps per desa (readiness_cache).
KEPT_COUNTS = f"""
SELECT left(desa_code, 8) AS kecamatan_code, sum(registered) AS registered,
       sum(bpjs_enrolled) AS bpjs_enrolled, sum(trained) AS trained, sum(ready) AS ready
FROM readiness_cache WHERE as_of IS NULL AND kind = 'desa' AND {scoped("desa_code")}
GROUP BY 1
"""
