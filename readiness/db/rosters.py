"""Rosters: villages, TPS lists, uploads, the officers stored with each roster version."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl

from readiness.db.core import NO_HISTORY, Actor, ArrowStream, frame, now_wib, scoped
from readiness.errors import CodedError
from readiness.scope import Scope

# The roster's columns (one name from CSV header to DuckDB column), in template order; the
# importer (readiness.ingest) maps every header it recognises onto these.
ROSTER_COLUMNS: tuple[str, ...] = (
    "nama",
    "nik",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "alamat",
    "no_hp",
    "nomor_tps",
    "status_bpjs",
    "no_kpj",
    "status_pelatihan",
    "tanggal_pelatihan",
    "keterangan",
)
# The roster's columns as stored with each officer row.
OFFICER_COLUMNS = ("row_number", *ROSTER_COLUMNS, "warning_codes")
# A person (NIK) counts as "changed" between versions when any other roster column differs.
_COMPARED = tuple(c for c in ROSTER_COLUMNS if c != "nik")


@dataclass(frozen=True)
class StoredRoster:
    """What a roster upload changed: the new version and the difference to the previous one."""

    submission_id: int
    version: int
    added: int
    removed: int
    changed: int
    previous_version: int | None


_ROSTER_ACTIONS = [
    "roster.upload",
    "roster.upload_kecamatan",
    "roster.restore",
    "bulk.load",
    "backup.restore",
]


def _rosters_landed_since(con, version: int) -> bool:
    """Whether a write that can add rosters was logged after data version ``version``."""
    (count,) = con.execute(
        "SELECT count(*) FROM audit_log WHERE id > $v AND list_contains($actions, action)",
        {"v": version, "actions": _ROSTER_ACTIONS},
    ).fetchall()[0]
    return count > 0


class RosterStore:
    """Reads and writes of villages, TPS and roster versions."""

    def villages(self, scope: Scope) -> pl.DataFrame:
        """kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind inside the scope."""
        return self.read(
            f"""SELECT k.code AS kecamatan_code, k.name AS kecamatan_name,
                       d.code AS desa_code, d.name AS desa_name, d.kind AS desa_kind
                FROM regions d JOIN regions k ON d.parent_code = k.code
                WHERE d.level = 'desa' AND {scoped("d.code")}
                ORDER BY d.code""",
            {"scope": scope.code},
        )

    def region_name(self, code: str) -> str | None:
        """The official name of one region code, or None when unknown."""
        frame = self.read("SELECT name FROM regions WHERE code = $code", {"code": code})
        return frame["name"][0] if frame.height else None

    def tps(self, scope: Scope) -> pl.DataFrame:
        """desa_code, tps_number, rawan, rawan_reason, address, rawan_level, rawan_source,
        extra_officers (null: the global rawan extra applies) inside the scope."""
        return self.read(
            f"""SELECT desa_code, tps_number, rawan, rawan_reason, address, rawan_level,
                       rawan_source, extra_officers FROM tps
                WHERE {scoped("desa_code")} ORDER BY desa_code, tps_number""",
            {"scope": scope.code},
        )

    def tps_count(self, desa_code: str) -> int:
        """How many TPS one desa has (0 while its TPS list is not yet imported)."""
        frame = self.read("SELECT count(*) AS n FROM tps WHERE desa_code = $d", {"d": desa_code})
        return int(frame["n"][0])

    def submissions(self, scope: Scope, *, active_only: bool = True) -> pl.DataFrame:
        """One row per upload (or per desa's newest upload) inside the scope."""
        table = "active_submissions" if active_only else "submissions"
        return self.read(
            f"""SELECT id, desa_code, version, uploaded_at, uploader, uploader_role, file_name,
                       sha256, rows_total, rows_accepted, rows_warned, rows_rejected,
                       rows_skipped, status, reviewed_by, reviewed_at, review_note
                FROM {table} WHERE {scoped("desa_code")}
                ORDER BY desa_code, version""",
            {"scope": scope.code},
        )

    def roster(self, submission_id: int, scope: Scope) -> pl.DataFrame:
        """The officers stored with one upload, if that upload lies inside the scope."""
        return self.read(
            f"""SELECT o.* FROM officers o WHERE o.submission_id = $id AND {scoped("o.desa_code")}
                ORDER BY o.row_number""",
            {"id": submission_id, "scope": scope.code},
        )

    def findings(self, submission_id: int, scope: Scope) -> pl.DataFrame:
        """The findings stored with one upload (warnings of accepted rows, reasons of rejected)."""
        return self.read(
            f"""SELECT f.row_number, f.column_name, f.severity, f.code, f.message
                FROM findings f JOIN submissions s ON s.id = f.submission_id
                WHERE f.submission_id = $id AND {scoped("s.desa_code")}
                ORDER BY f.row_number, f.column_name""",
            {"id": submission_id, "scope": scope.code},
        )

    def niks_registered_elsewhere(self, niks: list[str], desa_code: str) -> pl.DataFrame:
        """nik, desa_code, desa_name for NIKs in another village's active roster (any scope).

        Validation needs this across the whole database even for a desa operator; it reveals
        only the other village's name, never that person's data.
        """
        if not niks:
            return pl.DataFrame(
                schema={"nik": pl.String, "desa_code": pl.String, "desa_name": pl.String}
            )
        shared = self.shared_connection()
        if shared is not None:  # the importer's reading() block: reuse its connection
            return self._niks_elsewhere(shared, niks, desa_code)
        with self.connect() as con:
            return self._niks_elsewhere(con, niks, desa_code)

    @classmethod
    def _refuse_niks_registered_meanwhile(cls, con, niks: list[str], desa_code: str) -> None:
        clash = cls._niks_elsewhere(con, niks, desa_code)
        if clash.height:
            first = clash.row(0, named=True)
            raise CodedError(
                "nik_registered_meanwhile", count=clash.height, desa_name=first["desa_name"]
            )

    @staticmethod
    def _niks_elsewhere(con, niks: list[str], desa_code: str) -> pl.DataFrame:
        # The NIKs travel as a registered frame, not a list parameter: binding a 50,000-item
        # list cost 150 ms, the join a few.
        checked = pl.DataFrame({"nik": niks}, schema={"nik": pl.String}).unique()
        con.register("checked_niks", ArrowStream(checked))
        try:
            return frame(
                con,
                """SELECT o.nik, o.desa_code, r.name AS desa_name
                   FROM officers o JOIN active_submissions s ON s.id = o.submission_id
                   JOIN regions r ON r.code = o.desa_code
                   WHERE o.desa_code <> $desa AND o.nik IN (SELECT nik FROM checked_niks)
                   ORDER BY o.nik""",
                {"desa": desa_code},
            )
        finally:
            con.unregister("checked_niks")

    def store_roster(
        self,
        actor: Actor,
        desa_code: str,
        officers: pl.DataFrame,
        findings: pl.DataFrame,
        *,
        file_name: str,
        sha256: str,
        counts: dict[str, int],
        detected: dict | None = None,
        uploaded_at: dt.datetime | None = None,
        expected_previous_version: int | None = None,
        checked_version: int | None = None,
    ) -> StoredRoster:
        """Store accepted officers as the desa's next roster version, in one transaction.

        The previous versions stay. A NIK that another village registered meanwhile aborts the
        whole upload (the operator validates again and sees that village named).
        ``expected_previous_version`` (0 = no roster yet) is the version the file was checked
        against: when another upload of that desa landed meanwhile, this one is refused.
        ``checked_version``: the data version at which the NIKs were looked up in other
        villages; the look-up is repeated here only when a roster may have landed since.
        """
        rows = officers.select(OFFICER_COLUMNS)
        at = uploaded_at or now_wib()

        def insert(con) -> StoredRoster:
            return self._insert_roster(
                con,
                actor,
                desa_code,
                rows,
                findings,
                file_name=file_name,
                sha256=sha256,
                counts=counts,
                detected=detected,
                at=at,
                expected_previous_version=expected_previous_version,
                checked_version=checked_version,
            )

        return self.write(
            actor,
            "roster.upload",
            desa_code,
            insert,
            refresh=lambda con, _: [desa_code],
            since=uploaded_at,
            file_name=file_name,
            sha256=sha256,
            accepted=counts.get("accepted", 0),
            rejected=counts.get("rejected", 0),
        )

    def _insert_roster(
        self,
        con,
        actor: Actor,
        desa_code: str,
        rows: pl.DataFrame,
        findings: pl.DataFrame,
        *,
        file_name: str,
        sha256: str,
        counts: dict[str, int],
        detected: dict | None,
        at: dt.datetime,
        expected_previous_version: int | None = None,
        checked_version: int | None = None,
    ) -> StoredRoster:
        """Insert one desa's next roster version inside the caller's transaction."""
        niks = rows["nik"].to_list()
        if checked_version is None or _rosters_landed_since(con, checked_version):
            self._refuse_niks_registered_meanwhile(con, niks, desa_code)
        # Checked inside the write: a second connection would cost more than the query.
        known = con.execute(
            "SELECT count(*) FROM regions WHERE code = $d AND level = 'desa'", {"d": desa_code}
        ).fetchall()[0][0]
        if not known:
            raise CodedError("desa_unknown", desa_code=desa_code)
        previous = con.execute(
            "SELECT id, version FROM active_submissions WHERE desa_code = $d", {"d": desa_code}
        ).fetchone()
        # Two uploads of one desa at once: one new version, the other refused.
        found = previous[1] if previous else 0
        if expected_previous_version is not None and found != expected_previous_version:
            raise CodedError(
                "roster_changed_meanwhile", found=found, expected=expected_previous_version
            )
        version = previous[1] + 1 if previous else 1
        (submission_id,) = con.execute(
            """INSERT INTO submissions (desa_code, version, uploaded_at, uploader,
                   uploader_role, file_name, sha256, rows_total, rows_accepted, rows_warned,
                   rows_rejected, rows_skipped, detected)
               VALUES ($desa, $version, $at, $uploader, $role, $file, $sha, $total,
                   $accepted, $warned, $rejected, $skipped, $detected)
               RETURNING id""",
            {
                "desa": desa_code,
                "version": version,
                "at": at,
                "uploader": actor.username,
                "role": actor.role,
                "file": file_name,
                "sha": sha256,
                "total": counts.get("accepted", 0) + counts.get("rejected", 0),
                "accepted": counts.get("accepted", 0),
                "warned": counts.get("warned", 0),
                "rejected": counts.get("rejected", 0),
                "skipped": counts.get("skipped", 0),
                "detected": json.dumps(detected or {}, default=str, ensure_ascii=False),
            },
        ).fetchone()
        staged = rows.with_columns(
            pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
            pl.lit(desa_code).alias("desa_code"),
        )
        con.register("staged_officers", ArrowStream(staged))
        con.execute(
            f"INSERT INTO officers (submission_id, desa_code, {', '.join(OFFICER_COLUMNS)}) "
            f"SELECT submission_id, desa_code, {', '.join(OFFICER_COLUMNS)} FROM staged_officers"
        )
        con.unregister("staged_officers")
        if findings.height:
            staged_findings = findings.select(
                pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
                pl.col("row").cast(pl.Int32).alias("row_number"),
                pl.col("column").cast(pl.String).alias("column_name"),
                "severity",
                "code",
                "message",
            )
            con.register("staged_findings", ArrowStream(staged_findings))
            con.execute("INSERT INTO findings SELECT * FROM staged_findings")
            con.unregister("staged_findings")
        added = removed = changed = 0
        if previous:
            diff = con.execute(
                f"""WITH old AS (SELECT * FROM officers WHERE submission_id = $old),
                         new AS (SELECT * FROM officers WHERE submission_id = $new)
                    SELECT
                      (SELECT count(*) FROM new WHERE nik NOT IN (SELECT nik FROM old)),
                      (SELECT count(*) FROM old WHERE nik NOT IN (SELECT nik FROM new)),
                      (SELECT count(*) FROM old JOIN new USING (nik)
                       WHERE {" OR ".join(f"old.{c} IS DISTINCT FROM new.{c}" for c in _COMPARED)})""",
                {"old": previous[0], "new": submission_id},
            ).fetchone()
            added, removed, changed = diff
        else:
            added = rows.height
        return StoredRoster(
            submission_id=submission_id,
            version=version,
            added=added,
            removed=removed,
            changed=changed,
            previous_version=previous[1] if previous else None,
        )

    def replace_tps(self, actor: Actor, tps: pl.DataFrame, *, file_name: str) -> int:
        """Replace the TPS list of every desa named in ``tps`` (desa_code, tps_number, rawan, address)."""
        staged = tps.select(
            pl.col("desa_code").cast(pl.String),
            pl.col("tps_number").cast(pl.Int32),
            pl.col("rawan").cast(pl.Boolean).fill_null(False),
            pl.col("rawan_reason").cast(pl.String)
            if "rawan_reason" in tps.columns
            else pl.lit(None, dtype=pl.String).alias("rawan_reason"),
            pl.col("address").cast(pl.String)
            if "address" in tps.columns
            else pl.lit(None, dtype=pl.String).alias("address"),
            pl.lit(now_wib()).alias("updated_at"),
        )

        def replace(con) -> int:
            con.register("staged_tps", ArrowStream(staged))
            con.execute("DELETE FROM tps WHERE desa_code IN (SELECT desa_code FROM staged_tps)")
            con.execute(
                "INSERT INTO tps (desa_code, tps_number, rawan, rawan_reason, address, updated_at,"
                " rawan_level) SELECT *, CASE WHEN rawan THEN 'rawan' END FROM staged_tps"
            )
            con.unregister("staged_tps")
            return staged.height

        return self.write(
            actor,
            "tps.import",
            file_name,
            replace,
            refresh=lambda con, _: staged["desa_code"].unique().to_list(),
            since=NO_HISTORY,
            rows=staged.height,
            villages=staged["desa_code"].n_unique(),
        )

    def set_tps_rawan(
        self, actor: Actor, desa_code: str, tps_number: int, *, rawan: bool, reason: str | None
    ) -> None:
        """Flag or unflag one TPS as rawan; a flag needs a reason (e.g. Bawaslu's mapping)."""
        reason = (reason or "").strip() or None
        if rawan and reason is None:
            raise CodedError("rawan_reason_missing", tps=tps_number)

        def update(con) -> None:
            found = con.execute(
                "SELECT count(*) FROM tps WHERE desa_code = $d AND tps_number = $n",
                {"d": desa_code, "n": tps_number},
            ).fetchone()[0]
            if not found:
                raise CodedError("tps_unknown", tps=tps_number, desa_code=desa_code)
            con.execute(
                "UPDATE tps SET rawan = $rawan, rawan_reason = $reason, updated_at = $at, "
                "rawan_level = CASE WHEN $rawan THEN coalesce(rawan_level, 'rawan') END, "
                "rawan_source = CASE WHEN $rawan THEN rawan_source END, "
                "extra_officers = CASE WHEN $rawan THEN extra_officers END "
                "WHERE desa_code = $d AND tps_number = $n",
                {
                    "rawan": rawan,
                    "reason": reason if rawan else None,
                    "at": now_wib(),
                    "d": desa_code,
                    "n": tps_number,
                },
            )

        self.write(
            actor,
            "tps.rawan",
            f"{desa_code}/{tps_number}",
            update,
            refresh=lambda con, _: [desa_code],
            since=NO_HISTORY,
            rawan=rawan,
            reason=reason,
        )

    def villages_not_submitted(
        self, scope: Scope, *, per_tps: int, rawan_extra: int
    ) -> pl.DataFrame:
        """The desa inside ``scope`` with no upload at all, (the overview's desa not submitted).

        kecamatan_code, kecamatan_name, desa_code, desa_name, desa_kind, tps_count and
        officers_required (both null while the desa has no TPS), ordered by desa_code. TPS are
        counted for the silent villages only, so a national scope reads no more than it lists.
        """
        return self.read(
            f"""WITH silent AS (
                    SELECT d.code, d.name, d.kind, d.parent_code FROM regions d
                    WHERE d.level = 'desa' AND {scoped("d.code")}
                      AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.desa_code = d.code)),
                t AS (
                    SELECT desa_code, count(*) AS tps_count,
                           CAST(sum(coalesce(extra_officers,
                               CASE WHEN rawan THEN $extra ELSE 0 END)) AS BIGINT) AS extra_total
                    FROM tps WHERE desa_code IN (SELECT code FROM silent) GROUP BY desa_code)
                SELECT k.code AS kecamatan_code, k.name AS kecamatan_name,
                       d.code AS desa_code, d.name AS desa_name, d.kind AS desa_kind,
                       t.tps_count,
                       t.tps_count * $per_tps + t.extra_total AS officers_required
                FROM silent d JOIN regions k ON d.parent_code = k.code
                LEFT JOIN t ON t.desa_code = d.code
                ORDER BY d.code""",
            {"scope": scope.code, "per_tps": per_tps, "extra": rawan_extra},
        )
