"""Readiness counted in DuckDB, and the counts kept per desa by every write.

Kesiapan at national scale cannot count 1.6 million officers per page view within a second,
so each write recounts the desa it touched inside its own transaction (``readiness_cache``).
Yesterday's figures (the "since yesterday" deltas) are the counts as they stood at the end of
the day: copied from the current rows by the first write of a new day, recounted with
``readiness_counts(as_of=...)`` when a write carries an earlier timestamp.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from readiness.db.core import (
    ALL_DESA,
    END_OF_TIME,
    SYSTEM,
    WIB,
    Actor,
    domain,
    now_wib,
    scoped,
)
from readiness.db.officer_state import OFFICER_STATE, TPS_NEED
from readiness.scope import Scope

# Per-desa readiness counts and per-day events of the rosters in force at $as_of, derived from
# the one readiness rule (``officer_state``): the live path (``readiness_counts``) and the kept
# counts (``_count_into_cache``) share this text.
READINESS_COUNTS_SQL = f"""WITH {OFFICER_STATE},
    per_desa AS (
        SELECT desa_code,
               count(*) FILTER (WHERE dup_nik IS NULL) + count(DISTINCT dup_nik)
                   AS officers_registered,
               count(*) FILTER (WHERE counted) AS registered,
               count(*) FILTER (WHERE counted AND bpjs_enrolled) AS bpjs_enrolled,
               count(*) FILTER (WHERE counted AND trained) AS trained,
               count(*) FILTER (WHERE counted AND trained_self_reported)
                   AS trained_self_reported,
               count(*) FILTER (WHERE counted AND blocked) AS blocked,
               count(*) FILTER (WHERE counted AND ready) AS ready,
               count(*) FILTER (WHERE counted AND NOT blocked AND NOT bpjs_enrolled)
                   AS n_belum_bpjs,
               count(*) FILTER (WHERE counted AND NOT blocked AND bpjs_enrolled AND NOT trained)
                   AS n_belum_pelatihan,
               count(*) FILTER (WHERE desa_listed > 1) AS shared
        FROM officer_state GROUP BY desa_code),
    cover AS (
        SELECT desa_code, count(*) AS tps_count, count(*) FILTER (WHERE rawan) AS rawan_count,
               CAST(sum(officers_required - $per_tps) AS BIGINT) AS extra_total,
               count(*) FILTER (WHERE officers_assigned >= officers_required) AS tps_covered,
               count(*) FILTER (WHERE rawan AND officers_assigned < officers_required)
                   AS rawan_uncovered
        FROM tps_cover GROUP BY desa_code)
    SELECT 'desa' AS kind, coalesce(p.desa_code, c.desa_code) AS desa_code,
           NULL::DATE AS day, NULL::BIGINT AS n, c.tps_count, c.rawan_count,
           p.* EXCLUDE (desa_code), c.tps_covered, c.rawan_uncovered,
           c.extra_total
    FROM per_desa p FULL JOIN cover c ON c.desa_code = p.desa_code
    UNION ALL BY NAME
    SELECT 'registered' AS kind, desa_code, listed_day AS day, count(*) AS n
    FROM officer_state WHERE counted GROUP BY ALL
    UNION ALL BY NAME
    SELECT 'ready' AS kind, desa_code,
           greatest(listed_day, bpjs_day, trained_day) AS day, count(*) AS n
    FROM officer_state WHERE counted AND ready GROUP BY ALL"""


class ReadinessCountsStore:
    """Per-desa readiness counts: counted live, or read from the kept counts."""

    def tps_counts(self, scope: Scope) -> pl.DataFrame:
        """desa_code, tps_count, rawan_count, extra_total (extra linmas of its rawan TPS) inside
        the scope, counted in DuckDB."""
        return self.read(
            f"""SELECT t.desa_code, count(*) AS tps_count,
                       count(*) FILTER (WHERE t.rawan) AS rawan_count,
                       CAST(sum({TPS_NEED} - $per_tps) AS BIGINT) AS extra_total
                FROM tps t WHERE {scoped("t.desa_code")}
                GROUP BY t.desa_code ORDER BY t.desa_code""",
            {
                "scope": scope.code,
                "per_tps": self.settings.officers_per_tps,
                "extra": self.settings.rawan_extra_officers,
            },
        )

    def registered_counts(self, scope: Scope) -> pl.DataFrame:
        """desa_code, officers_registered: persons of the rosters in force inside the scope.

        A NIK listed by two villages counts once, on its first row (the readiness rule's
        ``counted``), so the figures match the readiness counts.
        """
        return self.read(
            f"""WITH {OFFICER_STATE}
                SELECT desa_code, count(*) AS officers_registered FROM officer_state
                WHERE counted GROUP BY desa_code ORDER BY desa_code""",
            self.readiness_params(scope),
        )

    def readiness_counts(
        self,
        scope: Scope,
        as_of: dt.datetime | None,
        *,
        per_tps: int,
        rawan_extra: int,
        modules: list[str],
        blocking: list[str],
    ) -> pl.DataFrame:
        """Per-desa readiness counts and per-day events, as of ``as_of`` (None = now).

        The one readiness rule (``officer_state``) counted here instead of handing 1.6 million
        officer rows to Polars. Rows with kind = 'desa': one per
        desa with officers or TPS (tps_count, rawan_count null without TPS; officers_registered,
        registered, bpjs_enrolled, trained, trained_self_reported, blocked, ready,
        n_belum_bpjs, n_belum_pelatihan, tps_covered, rawan_uncovered). Rows with kind =
        'registered' / 'ready': desa_code, day (WIB date), n: counted persons listed / ready by
        that day, for ``metrics.readiness_timeline_counts``.
        """
        moment = as_of or END_OF_TIME
        return self.read(
            READINESS_COUNTS_SQL,
            {
                "scope": scope.code,
                "desas": [],
                "as_of": moment,
                "per_tps": per_tps,
                "extra": rawan_extra,
                "modules": list(modules),
                "blocking": list(blocking),
            },
        )

    def blocking_codes(self) -> tuple[str, ...]:
        """Roster warnings that keep an officer from counting as ready (given by the domain)."""
        return tuple(domain().blocking_codes(self.settings))

    def _readiness_rules_key(self) -> str:
        """The settings the counts depend on; the cache is rebuilt when they change."""
        s = self.settings
        return json.dumps(
            [
                s.officers_per_tps,
                s.rawan_extra_officers,
                "extra_officers per TPS",  # counts made before graded rawan lack extra_total
                "assignments decide coverage",  # counts made before read the roster's TPS
                list(s.training_modules),
                list(self.blocking_codes()),
            ]
        )

    def _count_into_cache(
        self, con, *, scope: str, desas: list[str], as_of: dt.datetime | None, label: dt.date | None
    ) -> None:
        """Insert ``readiness_counts`` rows of ``scope`` / ``desas`` (as of ``as_of``)."""
        con.execute(
            f"""INSERT INTO readiness_cache BY NAME
                SELECT left(desa_code, 5) AS kabupaten_code, $label::DATE AS as_of, *
                FROM ({READINESS_COUNTS_SQL}) WHERE $label IS NULL OR kind = 'desa'""",
            {**self.readiness_params(Scope(scope), as_of), "desas": desas, "label": label},
        )

    def _refresh_readiness(self, con, desas: list[str] | None, since: dt.datetime | None) -> None:
        """Recount ``desas`` (None = everything) inside the current write transaction.

        ``since``: the earliest timestamp the write stored when it is not "now" (demo data,
        imports of past batches), so yesterday's counts of those desa are recounted too.
        """
        today = now_wib().date()
        yesterday = today - dt.timedelta(days=1)
        end_of_yesterday = dt.datetime.combine(today, dt.time(), tzinfo=WIB)
        rules = self._readiness_rules_key()
        state = {"today": today, "yesterday": yesterday, "rules": rules}
        if desas is None:
            con.execute("DELETE FROM readiness_cache")
            con.execute("DELETE FROM readiness_cache_state")
            self._count_into_cache(con, scope="", desas=[], as_of=None, label=None)
            self._count_into_cache(con, scope="", desas=[], as_of=end_of_yesterday, label=yesterday)
            con.execute(
                """INSERT INTO readiness_cache_state
                   SELECT code, $today, $yesterday, $rules FROM regions WHERE level = 'kabupaten'
                   UNION SELECT DISTINCT kabupaten_code, $today, $yesterday, $rules
                   FROM readiness_cache""",
                state,
            )
            return
        desas = self._with_sharing_neighbours(con, sorted(set(desas)))
        if not desas:
            return
        kabupaten = sorted({code[:5] for code in desas})
        known = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT kabupaten_code, refreshed_on <= $yesterday, snapshot_of = $yesterday, "
                "rules = $rules FROM readiness_cache_state WHERE list_contains($kab, kabupaten_code)",
                {"kab": kabupaten, "yesterday": yesterday, "rules": rules},
            ).fetchall()
        }
        rebuilt = []
        for kab in kabupaten:
            quiet_since, snapshot_fresh, same_rules = known.get(kab, (False, False, False))
            where = {"kab": kab, "yesterday": yesterday}
            if not same_rules:  # never counted, or the rules changed: count the whole kabupaten
                con.execute("DELETE FROM readiness_cache WHERE kabupaten_code = $kab", {"kab": kab})
                self._count_into_cache(con, scope=kab, desas=[], as_of=None, label=None)
                self._count_into_cache(
                    con, scope=kab, desas=[], as_of=end_of_yesterday, label=yesterday
                )
                rebuilt.append(kab)
            elif not snapshot_fresh:  # first write of the day
                con.execute(
                    "DELETE FROM readiness_cache WHERE kabupaten_code = $kab AND as_of IS NOT NULL",
                    {"kab": kab},
                )
                if quiet_since:  # nothing written since yesterday: now = end of yesterday
                    con.execute(
                        """INSERT INTO readiness_cache BY NAME
                           SELECT * REPLACE ($yesterday::DATE AS as_of) FROM readiness_cache
                           WHERE kabupaten_code = $kab AND as_of IS NULL AND kind = 'desa'""",
                        where,
                    )
                else:
                    self._count_into_cache(
                        con, scope=kab, desas=[], as_of=end_of_yesterday, label=yesterday
                    )
            if same_rules and snapshot_fresh and not quiet_since:
                continue  # already counted today: the state row is current
            con.execute(
                "INSERT OR REPLACE INTO readiness_cache_state VALUES ($kab, $today, $yesterday, "
                "$rules)",
                {"kab": kab, **state},
            )
        desas = [code for code in desas if code[:5] not in rebuilt]
        if not desas:
            return
        con.execute(
            "DELETE FROM readiness_cache WHERE as_of IS NULL AND list_contains($desas, desa_code)",
            {"desas": desas},
        )
        self._count_into_cache(con, scope="", desas=desas, as_of=None, label=None)
        if since is not None and since < end_of_yesterday:
            con.execute(
                "DELETE FROM readiness_cache WHERE as_of = $yesterday "
                "AND list_contains($desas, desa_code)",
                {"desas": desas, "yesterday": yesterday},
            )
            self._count_into_cache(
                con, scope="", desas=desas, as_of=end_of_yesterday, label=yesterday
            )

    @staticmethod
    def _with_sharing_neighbours(con, desas: list[str]) -> list[str]:
        """``desas`` plus every desa whose roster in force shares a NIK with one of them.

        A NIK in two villages blocks both, so recounting one means recounting the other. The
        cache's ``shared`` count says which desa have such NIKs (sharing is mutual), so the
        NIK look-up runs only for those; it covers each desa's two newest versions, because a
        new roster can drop a shared NIK.
        """
        flagged = [
            row[0]
            for row in con.execute(
                "SELECT desa_code FROM readiness_cache WHERE as_of IS NULL AND kind = 'desa' "
                "AND shared > 0 AND list_contains($desas, desa_code)",
                {"desas": desas},
            ).fetchall()
        ]
        if not flagged:
            return desas
        rows = con.execute(
            """WITH recent AS (
                   SELECT id FROM submissions WHERE list_contains($flagged, desa_code)
                   QUALIFY row_number() OVER (PARTITION BY desa_code ORDER BY version DESC) <= 2),
               niks AS (
                   SELECT DISTINCT o.nik FROM officers o JOIN recent r ON r.id = o.submission_id)
               SELECT DISTINCT o.desa_code FROM officers o
               JOIN active_submissions s ON s.id = o.submission_id
               WHERE o.nik IN (SELECT nik FROM niks)""",
            {"flagged": flagged},
        ).fetchall()
        return sorted({*desas, *(row[0] for row in rows)})

    def refresh_readiness_cache(self, actor: Actor = None) -> None:
        """Recount every desa (after a bulk load, a restore, or when the rules changed)."""
        self.write(actor or SYSTEM, "readiness.recount", "*", lambda con: None, refresh=ALL_DESA)

    def ensure_readiness_cache(self) -> None:
        """At start-up: recount everything when a kabupaten is missing or the rules changed."""
        stale = self.read(
            """SELECT count(*) AS n FROM regions r
               LEFT JOIN readiness_cache_state s ON s.kabupaten_code = r.code
               WHERE r.level = 'kabupaten' AND (s.kabupaten_code IS NULL OR s.rules <> $rules)""",
            {"rules": self._readiness_rules_key()},
        )["n"][0]
        if stale:
            self.refresh_readiness_cache()

    def _cache_answers(self, scope: Scope, yesterday: dt.date | None) -> bool:
        """Whether every kabupaten of ``scope`` is counted under today's rules (and, given
        ``yesterday``, holds the counts as of the end of that day)."""
        unusable = self.read(
            f"""SELECT count(*) AS n FROM regions r
                LEFT JOIN readiness_cache_state s ON s.kabupaten_code = r.code
                WHERE r.level = 'kabupaten'
                  AND ({scoped("r.code")} OR starts_with($scope, r.code || '.'))
                  AND (s.kabupaten_code IS NULL OR s.rules <> $rules
                       OR NOT ($yesterday IS NULL OR s.refreshed_on <= $yesterday
                               OR s.snapshot_of = $yesterday))""",
            {"scope": scope.code, "yesterday": yesterday, "rules": self._readiness_rules_key()},
        )["n"][0]
        return not unusable

    def cached_overview_counts(self, scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """``(tps_counts(scope), registered_counts(scope))`` from the kept counts, or None.

        The same frames as the live methods (a NIK listed twice counts for the desa whose
        upload came first), without scanning 1.6 million officers at national scale.
        """
        if not self._cache_answers(scope, None):
            return None
        frame = self.read(
            f"""SELECT desa_code, tps_count, rawan_count, extra_total,
                       registered AS officers_registered
                FROM readiness_cache
                WHERE as_of IS NULL AND kind = 'desa' AND {scoped("desa_code")}
                ORDER BY desa_code""",
            {"scope": scope.code},
        )
        return (
            frame.filter(pl.col("tps_count").is_not_null()).select(
                "desa_code", "tps_count", "rawan_count", "extra_total"
            ),
            frame.filter(pl.col("officers_registered") > 0).select(
                "desa_code", "officers_registered"
            ),
        )

    def cached_readiness_counts(
        self, scope: Scope, today: dt.date
    ) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """(now, end of yesterday) rows as ``readiness_counts`` gives them, from the cache.

        None when the cache cannot answer for ``today``: a kabupaten of the scope was never
        counted (a bulk load just ran), the rules changed, or ``today`` is not the day the
        snapshot was taken for. Callers then count live.
        """
        params = {"scope": scope.code, "yesterday": today - dt.timedelta(days=1)}
        if not self._cache_answers(scope, params["yesterday"]):
            return None
        frame = self.read(
            f"""SELECT CASE WHEN c.as_of IS NULL THEN 'now' ELSE 'yesterday' END AS moment,
                       c.* EXCLUDE (kabupaten_code, as_of)
                FROM readiness_cache c JOIN readiness_cache_state s USING (kabupaten_code)
                WHERE {scoped("c.desa_code")}
                  AND (c.as_of IS NULL OR (c.as_of = $yesterday AND s.refreshed_on > $yesterday))
                UNION ALL BY NAME
                SELECT 'yesterday' AS moment, c.* EXCLUDE (kabupaten_code, as_of)
                FROM readiness_cache c JOIN readiness_cache_state s USING (kabupaten_code)
                WHERE {scoped("c.desa_code")} AND c.as_of IS NULL AND c.kind = 'desa'
                  AND s.refreshed_on <= $yesterday""",
            {"scope": scope.code, "yesterday": params["yesterday"]},
        )
        moment = pl.col("moment")
        return (
            frame.filter(moment == "now").drop("moment"),
            frame.filter(moment == "yesterday").drop("moment"),
        )
