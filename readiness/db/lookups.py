"""NIK look-ups against other villages, as the audit log records them (for the hourly limit)."""

from __future__ import annotations

import datetime as dt

import polars as pl

LOOKUP_ACTIONS = ("roster.nik_lookup", "roster.nik_lookup_refused")


class LookupStore:
    """Reads of the audit rows that count an account's NIK look-ups."""

    def nik_lookups_since(self, username: str, since: dt.datetime) -> pl.DataFrame:
        """logged_at, refused, key, checked of ``username``'s look-ups since ``since``, oldest
        first. ``key`` identifies the checked set (never a NIK); rows written before look-ups
        were counted have ``checked`` 0."""
        return self.read(
            """SELECT logged_at,
                      action = 'roster.nik_lookup_refused' AS refused,
                      json_extract_string(detail, '$.key') AS key,
                      coalesce(TRY_CAST(json_extract_string(detail, '$.checked') AS BIGINT), 0)
                        AS checked
               FROM audit_log
               WHERE username = $username AND logged_at >= $since
                 AND action IN ('roster.nik_lookup', 'roster.nik_lookup_refused')
               ORDER BY logged_at, id""",
            {"username": username, "since": since},
        )
