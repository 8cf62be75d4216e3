"""Officers of the roster in force with their BPJS and training state."""

from __future__ import annotations

import datetime as dt

import polars as pl

from readiness.db.core import END_OF_TIME, domain, scoped
from readiness.db.officer_state import (
    ASSIGNMENTS_SQL,
    BPJS_AND_MODULES,
    OFFICER_COLUMNS,
    OFFICER_STATE_ROWS_SQL,
    PEOPLE_SQL,
    TPS_COLUMNS,
    TPS_COVERAGE_SQL,
)
from readiness.scope import Scope


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

    def readiness_params(self, scope: Scope, as_of: dt.datetime | None = None) -> dict:
        """The parameters of the readiness rule (``officer_state``) for ``scope`` at ``as_of``."""
        s = self.settings
        return {
            "scope": scope.code,
            "desas": [],
            "as_of": as_of or END_OF_TIME,
            "per_tps": s.officers_per_tps,
            "extra": s.rawan_extra_officers,
            "modules": list(s.training_modules),
            "blocking": list(domain().blocking_codes(s)),
        }

    def officer_readiness(self, scope: Scope, as_of: dt.datetime | None = None) -> pl.DataFrame:
        """Each officer row of the rosters in force at ``as_of`` (None = now) with its state.

        Columns: the roster's (nomor_tps = the TPS of the assignment in force, null for a
        cadangan; roster_tps = the roster's own TPS column), bpjs_enrolled, kpj, enrolled_on, modules_attended, listed_at (first upload
        of that NIK in that desa), bpjs_at, trained_at, desa_listed (villages listing the NIK),
        counted (one row per NIK), trained, modules_missing, trained_self_reported, blocked,
        ready, cadangan. Ordered by desa_code, row_number.
        """
        return self.read(OFFICER_STATE_ROWS_SQL, self.readiness_params(scope, as_of))

    def tps_coverage(self, scope: Scope) -> pl.DataFrame:
        """One row per TPS of the scope: desa_code, tps_number, rawan, rawan_reason, rawan_level,
        officers_assigned (counted linmas the assignment in force puts there), officers_ready,
        officers_required (per TPS plus its rawan extra), covered, shortfall."""
        return self.read(TPS_COVERAGE_SQL, self.readiness_params(scope))

    def officer_and_tps_states(self, scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(:meth:`officer_readiness`, :meth:`tps_coverage`) now, from one run of the rule."""
        frame = self.read(PEOPLE_SQL, self.readiness_params(scope))
        kind = pl.col("row_kind")
        return (
            frame.filter(kind == "officer").select(OFFICER_COLUMNS),
            frame.filter(kind == "tps").select(TPS_COLUMNS),
        )

    def assignments_in_force(self, scope: Scope) -> pl.DataFrame:
        """desa_code, nik, nama, tps_number, cadangan, reassigned (a change is laid over the
        roster's TPS column) per officer row in force, by desa_code, tps_number, nama."""
        return self.read(ASSIGNMENTS_SQL, self.readiness_params(scope))

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
