"""Graded rawan TPS: the level, source and reason per TPS, and the history of every change.

``tps.rawan`` stays the yes/no flag older readers use (rawan = rawan_level IS NOT NULL);
``tps.extra_officers`` is the level's extra linmas when it was set, read by the readiness counts.
"""

from __future__ import annotations

import polars as pl

from readiness.db.core import NO_HISTORY, now_wib, scoped
from readiness.errors import CodedError
from readiness.scope import Actor, Scope

# Columns of a staged change: one row per TPS (level null = no longer rawan).
RAWAN_CHANGE_COLUMNS = {
    "desa_code": pl.String,
    "tps_number": pl.Int32,
    "level": pl.String,
    "source": pl.String,
    "reason": pl.String,
    "extra_officers": pl.Int32,
}

_APPLY_SQL = (
    """INSERT INTO rawan_history (desa_code, tps_number, previous_level, level, source, reason,
           extra_officers, changed_by, changed_at, origin)
       SELECT s.desa_code, s.tps_number, t.rawan_level, s.level, s.source, s.reason,
              s.extra_officers, $who, $at, $origin
       FROM staged_rawan s JOIN tps t
           ON t.desa_code = s.desa_code AND t.tps_number = s.tps_number""",
    """UPDATE tps SET rawan = s.level IS NOT NULL, rawan_level = s.level,
           rawan_source = s.source, rawan_reason = s.reason,
           extra_officers = s.extra_officers, updated_at = $at
       FROM staged_rawan s
       WHERE tps.desa_code = s.desa_code AND tps.tps_number = s.tps_number""",
)


class RawanStore:
    """Reads and writes of TPS rawan levels and their history."""

    def rawan_tps(self, scope: Scope) -> pl.DataFrame:
        """Every TPS inside the scope with its level: kecamatan_code, kecamatan_name, desa_code,
        desa_name, tps_number, level (null = not rawan), source, reason, extra_officers."""
        return self.read(
            f"""SELECT k.code AS kecamatan_code, k.name AS kecamatan_name,
                       t.desa_code, d.name AS desa_name, t.tps_number,
                       t.rawan_level AS level, t.rawan_source AS source,
                       t.rawan_reason AS reason, t.extra_officers
                FROM tps t JOIN regions d ON d.code = t.desa_code
                JOIN regions k ON k.code = d.parent_code
                WHERE {scoped("t.desa_code")} ORDER BY t.desa_code, t.tps_number""",
            {"scope": scope.code},
        )

    def rawan_history(self, scope: Scope) -> pl.DataFrame:
        """desa_code, tps_number, previous_level, level, source, reason, changed_by, changed_at,
        origin (a file name or the page/command that edited it), newest first."""
        return self.read(
            f"""SELECT desa_code, tps_number, previous_level, level, source, reason,
                       changed_by, changed_at, origin
                FROM rawan_history WHERE {scoped("desa_code")}
                ORDER BY changed_at DESC, id DESC""",
            {"scope": scope.code},
        )

    def apply_rawan(self, actor: Actor, changes: pl.DataFrame, *, origin: str) -> int:
        """Set the level of every TPS in ``changes`` in one transaction, each change kept in
        the history; a TPS not in the list refuses the whole change (nothing stored)."""
        staged = changes.select(
            pl.col(name).cast(dtype) for name, dtype in RAWAN_CHANGE_COLUMNS.items()
        )

        def apply(con) -> int:
            con.register("staged_rawan", staged.to_arrow())
            try:
                missing = con.execute(
                    """SELECT s.desa_code, s.tps_number FROM staged_rawan s
                       ANTI JOIN tps t ON t.desa_code = s.desa_code
                           AND t.tps_number = s.tps_number LIMIT 1"""
                ).fetchone()
                if missing:
                    raise CodedError("tps_unknown", tps=missing[1], desa_code=missing[0])
                fields = {"who": actor.username, "at": now_wib(), "origin": origin}
                con.execute(_APPLY_SQL[0], fields)
                con.execute(_APPLY_SQL[1], {"at": fields["at"]})
            finally:
                con.unregister("staged_rawan")
            return staged.height

        return self.write(
            actor,
            "tps.rawan",
            origin,
            apply,
            refresh=lambda con, _: staged["desa_code"].unique().to_list(),
            since=NO_HISTORY,
            rows=staged.height,
            rawan=int(staged["level"].is_not_null().sum()),
        )
