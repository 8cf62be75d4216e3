"""Officers of the roster in force with their BPJS and training state."""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness.db.core import END_OF_TIME, scoped
from readiness.scope import Scope

# Each NIK of the CTE ``active``: its BPJS status and the training modules attended, as of
# $as_of (a batch counts when created by then and not undone by then). One text for the
# row-level reads here and the counted one (readiness_counts.READINESS_COUNTS_SQL).
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


class OfficerStore:
    """Row-level officer reads: the roster in force joined to BPJS and attendance."""

    def officers(self, scope: Scope) -> pl.DataFrame:
        """Officers of each desa's active roster version, with BPJS and training state.

        bpjs_enrolled / kpj come from imported BPJS batches (not undone; the newest wins);
        modules_attended from training attendance; status_bpjs / status_pelatihan are what
        the roster itself claimed (self-reported).
        """
        return self.read(
            f"""WITH active AS (
                    SELECT o.* FROM officers o
                    JOIN active_submissions s ON s.id = o.submission_id
                    WHERE {scoped("o.desa_code")}),
                {BPJS_AND_MODULES}
                SELECT a.submission_id, a.desa_code, a.row_number, a.nama, a.nik,
                       a.jenis_kelamin, a.tempat_lahir, a.tanggal_lahir, a.alamat, a.no_hp,
                       a.nomor_tps, a.status_bpjs, a.no_kpj, a.status_pelatihan,
                       a.tanggal_pelatihan, a.keterangan, a.warning_codes,
                       coalesce(bpjs.enrolled, false) AS bpjs_enrolled,
                       coalesce(bpjs.kpj, a.no_kpj) AS kpj, bpjs.enrolled_on,
                       coalesce(modules.attended, []::VARCHAR[]) AS modules_attended
                FROM active a
                LEFT JOIN bpjs ON bpjs.nik = a.nik
                LEFT JOIN modules ON modules.nik = a.nik
                ORDER BY a.desa_code, a.row_number""",
            {"scope": scope.code, "as_of": END_OF_TIME},  # every batch not undone counts
        )

    def officer_readiness(self, scope: Scope, as_of: dt.datetime | None = None) -> pl.DataFrame:
        """Officers of each desa's roster version in force at ``as_of`` (None = now).

        Same columns as :meth:`officers` plus listed_at (first upload of that NIK in that desa),
        bpjs_at and trained_at (when the BPJS / newest attendance batch was recorded). Batches
        count when created by ``as_of`` and not undone by then, so yesterday's figures are
        computed from the same timestamps as today's.
        """
        moment = as_of or END_OF_TIME
        return self.read(
            f"""WITH subs AS (
                    SELECT * FROM submissions
                    WHERE {scoped("desa_code")} AND uploaded_at <= $as_of),
                current AS (
                    SELECT * FROM subs
                    QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) = 1),
                active AS (
                    SELECT o.* FROM officers o JOIN current s ON s.id = o.submission_id),
                listed AS (
                    SELECT o.desa_code, o.nik, min(s.uploaded_at) AS listed_at
                    FROM officers o JOIN subs s ON s.id = o.submission_id
                    GROUP BY o.desa_code, o.nik),
                {BPJS_AND_MODULES}
                SELECT a.submission_id, a.desa_code, a.row_number, a.nama, a.nik,
                       a.jenis_kelamin, a.tempat_lahir, a.tanggal_lahir, a.alamat, a.no_hp,
                       a.nomor_tps, a.status_bpjs, a.no_kpj, a.status_pelatihan,
                       a.tanggal_pelatihan, a.keterangan, a.warning_codes,
                       coalesce(bpjs.enrolled, false) AS bpjs_enrolled,
                       coalesce(bpjs.kpj, a.no_kpj) AS kpj, bpjs.enrolled_on,
                       coalesce(modules.attended, []::VARCHAR[]) AS modules_attended,
                       listed.listed_at, bpjs.bpjs_at, modules.trained_at
                FROM active a
                LEFT JOIN listed ON listed.desa_code = a.desa_code AND listed.nik = a.nik
                LEFT JOIN bpjs ON bpjs.nik = a.nik
                LEFT JOIN modules ON modules.nik = a.nik
                ORDER BY a.desa_code, a.row_number""",
            {"scope": scope.code, "as_of": moment},
        )

    def kpj_owners(self) -> pl.DataFrame:
        """kpj, nik pairs already known (imported BPJS batches not undone, rosters in force).

        Across the whole database, so a KPJ cannot be given to a second person anywhere.
        """
        return self.read(
            """SELECT DISTINCT kpj, nik FROM (
                   SELECT r.kpj, r.nik FROM bpjs_records r JOIN batches b ON b.id = r.batch_id
                   WHERE b.undone_at IS NULL AND r.kpj IS NOT NULL
                   UNION ALL
                   SELECT o.no_kpj AS kpj, o.nik FROM officers o
                   JOIN active_submissions s ON s.id = o.submission_id
                   WHERE o.no_kpj IS NOT NULL)
               ORDER BY kpj, nik"""
        )
