"""Kabupaten recaps imported by a province instance; every import is kept."""

from __future__ import annotations

import polars as pl

from readiness.db.core import Actor, now_wib, scoped
from readiness.errors import CodedError
from readiness.scope import Scope

RECAP_COLUMNS = (
    "kabupaten_code", "kabupaten_name", "generated_at", "file_name", "sha256", "data_version",
    "kecamatan_total", "kecamatan_complete", "desa_total", "desa_submitted", "tps_total",
    "officers_required", "officers_registered", "officers_counted", "ready", "payload",
)  # fmt: skip


class RecapStore:
    """The kabupaten_recaps table."""

    def kabupaten_recaps(self, scope: Scope, *, history: bool = False) -> pl.DataFrame:
        """Imported recaps inside ``scope``: the newest per kabupaten, or every import (history).

        Columns: RECAP_COLUMNS plus id, imported_at, imported_by; no payload. Newest = the
        latest ``generated_at`` (then the latest import), by kabupaten_code.
        """
        newest = (
            ""
            if history
            else "QUALIFY row_number() OVER (PARTITION BY kabupaten_code "
            "ORDER BY generated_at DESC, id DESC) = 1"
        )
        return self.read(
            f"""SELECT id, {", ".join(RECAP_COLUMNS[:-1])}, imported_at, imported_by
                FROM kabupaten_recaps WHERE {scoped("kabupaten_code")} {newest}
                ORDER BY kabupaten_code, generated_at DESC, id DESC""",
            {"scope": scope.code},
        )

    def store_recaps(
        self, actor: Actor, recaps: pl.DataFrame, *, expected: dict[str, int | None]
    ) -> int:
        """Append checked recaps (RECAP_COLUMNS) in one transaction; all of them or none.

        ``expected`` maps each kabupaten_code to the id of its newest recap when the files
        were checked (None = none yet): an import that landed meanwhile refuses this one.
        """
        staged = recaps.select(RECAP_COLUMNS)

        def insert(con) -> int:
            newest = con.execute(
                """SELECT kabupaten_code, id FROM kabupaten_recaps
                   WHERE list_contains($codes, kabupaten_code)
                   QUALIFY row_number() OVER (PARTITION BY kabupaten_code
                                              ORDER BY generated_at DESC, id DESC) = 1""",
                {"codes": list(expected)},
            ).fetchall()
            found = {code: None for code in expected} | dict(newest)
            if found != expected:
                raise CodedError("recap_changed_meanwhile")
            con.register("staged_recaps", staged.to_arrow())
            con.execute(
                f"""INSERT INTO kabupaten_recaps ({", ".join(RECAP_COLUMNS)}, imported_at,
                        imported_by)
                    SELECT {", ".join(RECAP_COLUMNS)}, $at, $user FROM staged_recaps""",
                {"at": now_wib(), "user": actor.username},
            )
            con.unregister("staged_recaps")
            return staged.height

        return self.write(
            actor,
            "recap.import",
            ",".join(staged["kabupaten_code"].to_list()),
            insert,
            files=staged["file_name"].to_list(),
        )
