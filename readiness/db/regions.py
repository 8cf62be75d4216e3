"""Regions: the reference region list kept in sync, and other kabupaten imported."""

from __future__ import annotations

import polars as pl

from readiness.db.core import ALL_DESA, SYSTEM, Actor, ArrowStream, domain, frame, scoped
from readiness.errors import CodedError
from readiness.scope import Scope


def kabupaten_region_rows(
    code: str, name: str, province_code: str, regions: pl.DataFrame
) -> pl.DataFrame:
    """``regions`` table rows (kabupaten, its kecamatan, its desa) from ``load_regions`` rows."""
    kabupaten = pl.DataFrame(
        {"code": [code], "level": ["kabupaten"], "name": [name], "parent_code": [province_code],
         "kind": [None]},
        schema_overrides={"kind": pl.String},
    )  # fmt: skip
    kecamatan = regions.select(
        pl.col("kecamatan_code").alias("code"),
        pl.lit("kecamatan").alias("level"),
        pl.col("kecamatan_name").alias("name"),
        pl.lit(code).alias("parent_code"),
        pl.lit(None, dtype=pl.String).alias("kind"),
    ).unique("code", keep="first", maintain_order=True)
    desa = regions.select(
        pl.col("desa_code").alias("code"),
        pl.lit("desa").alias("level"),
        pl.col("desa_name").alias("name"),
        pl.col("kecamatan_code").alias("parent_code"),
        pl.col("desa_kind").alias("kind"),
    )
    return pl.concat([kabupaten, kecamatan, desa])


class RegionStore:
    """The regions table: province, kabupaten, kecamatan, desa."""

    def sync_regions(
        self,
        regions: pl.DataFrame,
        *,
        fingerprint: str | None = None,
        other_kabupaten: pl.DataFrame | None = None,
    ) -> None:
        """Make the regions table equal the reference (province -> kabupaten -> kecamatan -> desa).

        ``regions``: the own kabupaten's desa rows; ``other_kabupaten`` (code, name): the
        province's other kabupaten (None = as the registered domain lists them).
        """
        settings = self.settings
        if other_kabupaten is None:
            other_kabupaten = domain().other_kabupaten(settings)
        province = pl.DataFrame(
            {
                "code": [settings.province_code],
                "level": ["provinsi"],
                "name": [settings.province_name],
                "parent_code": [None],
                "kind": [None],
            },
            schema_overrides={"parent_code": pl.String, "kind": pl.String},
        )
        kabupaten = kabupaten_region_rows(
            settings.kabupaten_code, settings.kabupaten_name, settings.province_code, regions
        )
        # A row for every other kabupaten of the province list; their kecamatan/desa
        # (`regions import`) are never touched here.
        others = other_kabupaten.filter(pl.col("code") != settings.kabupaten_code)
        others = others.select(
            "code",
            pl.lit("kabupaten").alias("level"),
            "name",
            pl.lit(settings.province_code).alias("parent_code"),
            pl.lit(None, dtype=pl.String).alias("kind"),
        )
        wanted = pl.concat([province, others, kabupaten])
        # Compare only this kabupaten and its province row; a province or national
        # database also holds other kabupaten, which must not force a rewrite at every start.
        mine = {
            "kab": settings.kabupaten_code,
            "prov": settings.province_code,
            "others": others["code"].to_list(),
        }
        current = self.read(
            "SELECT code, level, name, parent_code, kind FROM regions "
            "WHERE $kab = code OR starts_with(code, $kab || '.') OR code = $prov "
            "OR list_contains($others, code) ORDER BY code",
            mine,
        )
        remember = {"key": "regions_fingerprint", "value": fingerprint}
        if current.sort("code").equals(wanted.sort("code")):
            if fingerprint:
                self.set_meta(SYSTEM, "regions_fingerprint", fingerprint)
            return

        def replace(con) -> int:
            con.execute(
                "DELETE FROM regions WHERE $kab = code OR starts_with(code, $kab || '.') "
                "OR code = $prov OR list_contains($others, code)",
                mine,
            )
            con.register("wanted_regions", ArrowStream(wanted))
            con.execute("INSERT INTO regions SELECT * FROM wanted_regions")
            con.unregister("wanted_regions")
            if fingerprint:
                con.execute("INSERT OR REPLACE INTO meta VALUES ($key, $value)", remember)
            return wanted.height

        self.write(
            SYSTEM,
            "regions.sync",
            settings.kabupaten_code,
            replace,
            refresh=ALL_DESA,  # new kabupaten rows need their readiness_cache_state
            rows=wanted.height,
        )

    def region_names(self, level: str, scope: Scope) -> pl.DataFrame:
        """code, name of every region of one level (provinsi / kabupaten / ...) inside the scope."""
        return self.read(
            f"""SELECT code, name FROM regions WHERE level = $level AND {scoped("code")}
                ORDER BY code""",
            {"level": level, "scope": scope.code},
        )

    def import_kabupaten_regions(
        self,
        actor: Actor,
        kabupaten_code: str,
        kabupaten_name: str,
        regions: pl.DataFrame,
        *,
        file_name: str,
    ) -> dict[str, int]:
        """Add or replace another kabupaten's kecamatan and desa (rows of ``load_regions``).

        One transaction: the kabupaten row, its kecamatan and its desa replace what was there.
        Refused for the instance's own kabupaten (its settings own it) and when the new list
        drops a desa that already holds a roster or TPS. Returns kecamatan, desa (now) and
        kecamatan_before, desa_before.
        """
        if kabupaten_code == self.settings.kabupaten_code:
            raise CodedError(
                "region_file_own_kabupaten",
                kabupaten_name=self.settings.kabupaten_name,
                kabupaten_code=kabupaten_code,
            )
        wanted = kabupaten_region_rows(
            kabupaten_code, kabupaten_name, self.settings.province_code, regions
        )
        kecamatan_count = wanted.filter(pl.col("level") == "kecamatan").height
        desa_count = wanted.filter(pl.col("level") == "desa").height
        params = {"kab": kabupaten_code}

        def replace(con) -> dict[str, int]:
            con.register("imported_regions", ArrowStream(wanted))
            try:
                before = frame(
                    con,
                    """SELECT count(*) FILTER (WHERE level = 'kecamatan') AS kecamatan,
                              count(*) FILTER (WHERE level = 'desa') AS desa
                       FROM regions WHERE starts_with(code, $kab || '.')""",
                    params,
                ).row(0, named=True)
                in_use = frame(
                    con,
                    """SELECT d.code, d.name,
                              d.code IN (SELECT desa_code FROM submissions) AS has_roster,
                              d.code IN (SELECT desa_code FROM tps) AS has_tps
                       FROM regions d
                       WHERE d.level = 'desa' AND starts_with(d.code, $kab || '.')
                         AND d.code NOT IN (SELECT code FROM imported_regions)
                         AND (d.code IN (SELECT desa_code FROM submissions)
                              OR d.code IN (SELECT desa_code FROM tps))
                       ORDER BY d.code""",
                    params,
                )
                if in_use.height:
                    raise CodedError(
                        "regions_in_use",
                        kabupaten_name=kabupaten_name,
                        count=in_use.height,
                        desa=in_use.to_dicts(),
                    )
                con.execute(
                    "DELETE FROM regions WHERE code = $kab OR starts_with(code, $kab || '.')",
                    params,
                )
                con.execute("INSERT INTO regions SELECT * FROM imported_regions")
            finally:
                con.unregister("imported_regions")
            return {
                "kecamatan": kecamatan_count,
                "desa": desa_count,
                "kecamatan_before": int(before["kecamatan"]),
                "desa_before": int(before["desa"]),
            }

        return self.write(
            actor,
            "regions.import",
            kabupaten_code,
            replace,
            file_name=file_name,
            kecamatan=kecamatan_count,
            desa=desa_count,
        )
