"""The kabupaten an instance can work on: its own and every one loaded with ``regions import``.

A province instance holds the home kabupaten of its settings plus the kecamatan and
desa of other kabupaten imported later; each works like the home one. These helpers find the
kabupaten of a region code, its official name (from the regions table), and say what to do
when a kabupaten is in the province list but its kecamatan/desa are not loaded yet.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import polars as pl

from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.scope import Scope

if TYPE_CHECKING:
    from readiness.config import Settings
    from readiness.db import Store

KABUPATEN_CODE = re.compile(r"^\d{2}\.\d{2}$")
REGIONS_IMPORT = "python -m readiness regions import BERKAS.csv"


def kabupaten_code_of(region_code: str) -> str:
    """The kabupaten part of a Kemendagri code; a province or empty code comes back as is.

    >>> kabupaten_code_of("17.05.01.2001"), kabupaten_code_of("17.05"), kabupaten_code_of("17")
    ('17.05', '17.05', '17')
    """
    return region_code[:5] if region_code.count(".") else region_code


def default_kabupaten(settings: Settings, scope: Scope) -> str:
    """The kabupaten a command works on when none is named: the scope's own, else the home one.

    >>> from types import SimpleNamespace as S
    >>> home = S(kabupaten_code="17.02")
    >>> default_kabupaten(home, Scope("17.05.01")), default_kabupaten(home, Scope(""))
    ('17.05', '17.02')
    """
    if scope.level in ("kabupaten", "kecamatan", "desa"):
        return kabupaten_code_of(scope.code)
    return settings.kabupaten_code


def kabupaten_name(store: Store, region_code: str) -> str | None:
    """Official name of the kabupaten a region lies in (e.g. Kabupaten Seluma); None if unknown."""
    code = kabupaten_code_of(region_code)
    if code == store.settings.kabupaten_code:
        return store.settings.kabupaten_name  # the home row is synced from settings: no query
    return store.region_name(code) if KABUPATEN_CODE.match(code) else None


def area_name(store: Store, scope: Scope) -> str:
    """Whose figures a page shows: the scope's kabupaten, its province, or the home kabupaten."""
    settings = store.settings
    if scope.level in ("kabupaten", "kecamatan", "desa"):
        return kabupaten_name(store, scope.code) or settings.kabupaten_name
    if scope.level == "provinsi":
        if scope.code == settings.province_code:
            return settings.province_name
        return store.region_name(scope.code) or scope.code
    return settings.kabupaten_name


def loaded_kabupaten(store: Store, scope: Scope) -> pl.DataFrame:
    """code, name of each kabupaten holding or inside ``scope`` whose kecamatan/desa are loaded."""
    if scope.level in ("kecamatan", "desa"):
        scope = Scope(kabupaten_code_of(scope.code))
    with store.reading():
        kabupaten = store.region_names("kabupaten", scope)
        kecamatan = store.region_names("kecamatan", scope)
    loaded = kecamatan.select(pl.col("code").str.slice(0, 5)).unique()
    return kabupaten.join(loaded, on="code", how="semi", maintain_order="left")


def not_loaded_message(store: Store, region_code: str) -> str | None:
    """Why a region of a listed kabupaten cannot be used yet; None when loaded or not listed."""
    code = kabupaten_code_of(region_code)
    if code == store.settings.kabupaten_code or not KABUPATEN_CODE.match(code):
        return None
    with store.reading():
        name = store.region_name(code)
        if name is None or store.region_names("kecamatan", Scope(code)).height:
            return None
    where = "" if region_code == code else f", jadi wilayah {region_code} belum dapat dipakai"
    return (
        f"Daftar kecamatan dan desa/kelurahan {name} ({code}) belum dimuat di instans ini{where}. "
        f"Admin provinsi memuatnya dengan `{REGIONS_IMPORT}` (format Kepmendagri: "
        "kode_kecamatan, nama_kecamatan, kode_desa, nama_desa, jenis), lalu ulangi."
    )


def check_kabupaten(store: Store, code: str) -> tuple[str, str]:
    """(code, name) of a kabupaten whose kecamatan/desa are loaded, or an error that says why not."""
    code = code.strip()
    if code == store.settings.kabupaten_code:
        return code, store.settings.kabupaten_name
    message = not_loaded_message(store, code)
    if message:
        raise ReadinessError(message, code="regions_not_loaded")
    name = kabupaten_name(store, code)
    if name is None:
        loaded = loaded_kabupaten(store, Scope(""))
        listed = "; ".join(f"{c} {n}" for c, n in loaded.iter_rows())
        example = store.settings.kabupaten_code
        msg = text("kabupaten_unknown", code=repr(code), example=example, listed=listed)
        raise ReadinessError(msg, code="kabupaten_unknown")
    return code, name
