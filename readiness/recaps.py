"""Berjenjang roll-up: kabupaten recaps (``summary --json``) imported one level up.

Each kabupaten instance writes its recap with ``python -m readiness summary --json``; a province
instance imports those files (``recap import``), all of them or none, and its Ringkasan shows a
kabupaten's recap where it has no live rosters of that kabupaten. Every import is kept; the
recap with the newest ``generated_at`` counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import polars as pl
import polars.selectors as cs

from readiness import formatting as fmt
from readiness.config import Settings
from readiness.db import RECAP_COLUMNS, Actor, Store
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.permissions import check_permission, check_scopes
from readiness.scope import Scope

FORMAT = "kesiapan-linmas/rekap"
FORMAT_VERSION = 1
KABUPATEN_CODE = re.compile(r"^\d{2}\.\d{2}$")
WIB = fmt.WIB
# A kabupaten's clock may run a little fast; more than this is refused (it would block later recaps).
CLOCK_TOLERANCE = dt.timedelta(hours=1)

# Headline counts every recap carries (metrics.kabupaten_summary keys), and optional ones.
REQUIRED_COUNTS = (
    "kecamatan_total",
    "kecamatan_complete",
    "desa_total",
    "desa_submitted",
    "tps_total",
    "officers_required",
    "officers_registered",
    "officers_counted",
)
OPTIONAL_COUNTS = ("ready", "bpjs_enrolled", "trained", "kecamatan_verified")
# (smaller, larger, what the smaller one means): a recap where smaller > larger is refused.
BOUNDS = (
    ("desa_submitted", "desa_total", "desa mengirim"),
    ("kecamatan_complete", "kecamatan_total", "kecamatan lengkap"),
    ("kecamatan_verified", "kecamatan_total", "kecamatan terverifikasi"),
    ("officers_counted", "officers_registered", "linmas terhitung"),
    ("officers_counted", "officers_required", "linmas terhitung"),
    ("ready", "officers_registered", "linmas siap"),
    ("bpjs_enrolled", "officers_registered", "linmas ber-BPJS"),
    ("trained", "officers_registered", "linmas terlatih"),
)
# Per-kecamatan entries must add up to the headline (summary_json names them so).
KECAMATAN_SUMS = ("desa_total", "desa_submitted", "officers_registered", "officers_required")
SOURCE_LIVE, SOURCE_RECAP = "langsung", "rekap impor"


# -- the header ``summary --json`` adds ---------------------------------------------------------


def recap_header(
    settings: Settings,
    scope: Scope,
    kecamatan_codes: list[str],
    data_version: int,
    now: dt.datetime,
) -> dict:
    """Keys ``summary --json`` puts first so a higher instance can import the file.

    ``scope_code`` is the region the figures cover: the scope, or the instance's kabupaten
    when every kecamatan lies inside it (a province database read whole covers more).

    >>> from types import SimpleNamespace as S
    >>> s = S(kabupaten_code="17.02", kabupaten_name="Kabupaten Rejang Lebong",
    ...       province_code="17", province_name="Bengkulu", election_name="Pilkada")
    >>> at = dt.datetime(2024, 11, 27, 10, 15, tzinfo=WIB)
    >>> h = recap_header(s, Scope(""), ["17.02.06"], 42, at)
    >>> h["scope_code"], h["generated_at"]
    ('17.02', '2024-11-27T10:15:00+07:00')
    >>> recap_header(s, Scope(""), ["17.02.06", "17.03.01"], 42, at)["scope_code"]
    ''
    """
    covered = scope.code
    if not covered and all(c.startswith(settings.kabupaten_code + ".") for c in kecamatan_codes):
        covered = settings.kabupaten_code
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kabupaten_code": settings.kabupaten_code,
        "kabupaten_name": settings.kabupaten_name,
        "province_code": settings.province_code,
        "province_name": settings.province_name,
        "election_name": settings.election_name,
        "scope_code": covered,
        "generated_at": now.astimezone(WIB).isoformat(timespec="seconds"),
        "data_version": data_version,
    }


# -- checking one file (pure: bytes in, a row or problems out) ----------------------------------


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _generated_at(text) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=WIB) if value.tzinfo is None else value.astimezone(WIB)


def parse_recap(data: bytes, file_name: str) -> tuple[dict | None, list[str]]:
    """One recap file -> (a row of RECAP_COLUMNS, []) or (None, problems in Indonesian).

    >>> parse_recap(b"{", "rekap.json")[1]
    ['rekap.json: bukan JSON yang utuh (baris 1, kolom 2). Buat ulang dengan `python -m readiness summary --json > rekap.json` di instans kabupaten.']
    """
    redo = (
        "Buat ulang dengan `python -m readiness summary --json > rekap.json` di instans kabupaten."
    )
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, [f"{file_name}: bukan berkas teks UTF-8. {redo}"]
    except json.JSONDecodeError as error:
        where = f"baris {error.lineno}, kolom {error.colno}"
        return None, [f"{file_name}: bukan JSON yang utuh ({where}). {redo}"]
    if not isinstance(raw, dict) or "desa_total" not in raw or "kecamatan" not in raw:
        return None, [f"{file_name}: bukan berkas rekap (summary --json) Kesiapan Linmas. {redo}"]
    if raw.get("format") != FORMAT or "kabupaten_code" not in raw:
        return None, [
            f"{file_name}: rekap tanpa kode kabupaten dan waktu pembuatan (format lama atau "
            f"bukan {FORMAT}). Perbarui aplikasi di kabupaten lalu buat ulang rekapnya."
        ]
    problems: list[str] = []
    code = raw.get("kabupaten_code")
    name = raw.get("kabupaten_name") or code
    if not isinstance(code, str) or not KABUPATEN_CODE.match(code):
        problems.append(f"{file_name}: kode kabupaten harus seperti 17.05, tertulis {code!r}.")
    elif raw.get("scope_code") != code:
        problems.append(
            f"{file_name}: rekap ini hanya mencakup wilayah {raw.get('scope_code') or 'lain'!s}, "
            f"bukan seluruh {name} ({code}). Buat rekap tanpa --kecamatan dengan akun kabupaten."
        )
    generated_at = _generated_at(raw.get("generated_at"))
    if generated_at is None:
        problems.append(
            f"{file_name}: generated_at harus waktu ISO seperti 2024-11-27T10:15:00+07:00, "
            f"tertulis {raw.get('generated_at')!r}. {redo}"
        )
    for key in REQUIRED_COUNTS:
        if not _is_count(raw.get(key)):
            problems.append(
                f"{file_name}: {key} harus bilangan bulat 0 atau lebih, tertulis "
                f"{raw.get(key)!r}. {redo}"
            )
    for key in OPTIONAL_COUNTS:
        if raw.get(key) is not None and not _is_count(raw[key]):
            problems.append(
                f"{file_name}: {key} harus bilangan bulat 0 atau lebih, tertulis {raw[key]!r}."
            )
    if problems:
        return None, problems
    for small, large, label in BOUNDS:
        if raw.get(small) is not None and raw[small] > raw[large]:
            problems.append(
                f"{file_name}: angka tidak konsisten: {label} ({small} = {raw[small]}) lebih "
                f"dari {large} = {raw[large]}. Rekap rusak atau disunting. {redo}"
            )
    kecamatan = raw["kecamatan"]
    if not isinstance(kecamatan, list) or not all(isinstance(k, dict) for k in kecamatan):
        problems.append(f"{file_name}: 'kecamatan' harus daftar per kecamatan. {redo}")
    else:
        outside = [str(k.get("kode")) for k in kecamatan if not _under(k.get("kode"), code)]
        if outside:
            problems.append(
                f"{file_name}: kecamatan {', '.join(outside[:3])} bukan bagian dari {name} "
                f"({code}). {redo}"
            )
        for key in KECAMATAN_SUMS:
            parts = [k.get(key) for k in kecamatan]
            if all(_is_count(p) for p in parts) and sum(parts) != raw[key]:
                problems.append(
                    f"{file_name}: angka tidak konsisten: jumlah {key} per kecamatan "
                    f"{sum(parts)}, total {raw[key]}. Rekap rusak atau disunting. {redo}"
                )
    if problems:
        return None, problems
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True)
    row = {
        "kabupaten_code": code,
        "kabupaten_name": raw.get("kabupaten_name"),
        "generated_at": generated_at,
        "file_name": file_name,
        "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
        "data_version": raw.get("data_version") if _is_count(raw.get("data_version")) else None,
        **{key: raw[key] for key in REQUIRED_COUNTS},
        "ready": raw.get("ready"),
        "payload": canonical,
    }
    return row, []


def _under(kecamatan_code, kabupaten_code: str) -> bool:
    return isinstance(kecamatan_code, str) and kecamatan_code.startswith(kabupaten_code + ".")


# -- checking a batch against this instance -----------------------------------------------------


@dataclass(frozen=True)
class RecapCheck:
    """Recaps ready to store, those already stored (skipped), and every problem found."""

    recaps: pl.DataFrame  # RECAP_COLUMNS
    skipped: list[str]  # "file: why" for identical recaps already imported
    problems: list[str]
    expected: dict[str, int | None]  # kabupaten_code -> newest stored recap id when checked

    @property
    def ok(self) -> bool:
        """True when nothing was refused (an import then stores every new recap)."""
        return not self.problems


def known_kabupaten(store: Store) -> pl.DataFrame:
    """code, name of the kabupaten/kota of this instance's province (regions + province list)."""
    from readiness.province import kabupaten_list  # helper module of the province instance

    province = Scope(store.settings.province_code)
    regions = store.region_names("kabupaten", province)
    listed = kabupaten_list(store.settings)
    return pl.concat([regions, listed]).unique("code", keep="first").sort("code")


def _stamp(value: dt.datetime) -> str:
    return fmt.timestamp(value)


def check_recaps(
    store: Store, actor: Actor, files: list[tuple[str, bytes]], now: dt.datetime
) -> RecapCheck:
    """Check recap files against this instance: province, known kabupaten, newer than stored."""
    settings = store.settings
    problems: list[str] = []
    rows: list[dict] = []
    for file_name, data in files:
        row, found = parse_recap(data, file_name)
        problems += found
        if row is not None:
            rows.append(row)
    known = dict(known_kabupaten(store).iter_rows())
    stored = {
        r["kabupaten_code"]: r
        for r in store.kabupaten_recaps(Scope(settings.province_code)).iter_rows(named=True)
    }
    fresh, skipped, seen = [], [], {}
    for row in rows:
        code, file_name, at = row["kabupaten_code"], row["file_name"], row["generated_at"]
        name = known.get(code) or row["kabupaten_name"] or code
        if not code.startswith(settings.province_code + "."):
            problems.append(
                f"{file_name}: {name} ({code}) bukan kabupaten/kota {settings.province_name} "
                f"({settings.province_code}). Impor hanya rekap kabupaten provinsi ini."
            )
        elif code not in known:
            problems.append(
                f"{file_name}: kode kabupaten {code} tidak dikenal di {settings.province_name}. "
                "Periksa kodenya (lihat data/kabupaten_bengkulu.csv)."
            )
        elif not actor.scope.covers(code):
            problems.append(
                f"{file_name}: akun {actor.username} tidak berwenang atas {name} ({code})."
            )
        elif code in seen:
            problems.append(
                f"{file_name}: rekap {name} ({code}) juga ada di {seen[code]}. "
                "Impor satu rekap per kabupaten (yang terbaru)."
            )
        elif at > now + CLOCK_TOLERANCE:
            problems.append(
                f"{file_name}: rekap {name} bertanggal {_stamp(at)}, lebih dari satu jam di "
                f"depan jam server ({_stamp(now)}). Periksa jam komputer kabupaten."
            )
        elif code in stored and at <= stored[code]["generated_at"]:
            old = stored[code]
            if at == old["generated_at"] and row["sha256"] == old["sha256"]:
                skipped.append(f"{file_name}: rekap {name} data per {_stamp(at)} sudah diimpor.")
            else:
                problems.append(
                    f"{file_name}: rekap {name} ini data per {_stamp(at)}, tidak lebih baru dari "
                    f"yang tersimpan (data per {_stamp(old['generated_at'])}). Minta rekap "
                    "terbaru dari kabupaten."
                )
        else:
            fresh.append(row)
        seen.setdefault(code, file_name)
    schema = _recap_schema()
    frame = pl.DataFrame(fresh, schema=schema) if fresh else pl.DataFrame(schema=schema)
    expected = {
        code: (stored[code]["id"] if code in stored else None)
        for code in frame["kabupaten_code"].to_list()
    }
    return RecapCheck(frame, skipped, problems, expected)


def _recap_schema() -> dict[str, pl.DataType]:
    types: dict[str, pl.DataType] = dict.fromkeys(RECAP_COLUMNS, pl.Int64)
    for column in ("kabupaten_code", "kabupaten_name", "file_name", "sha256", "payload"):
        types[column] = pl.String
    types["generated_at"] = pl.Datetime("us", "Asia/Jakarta")
    return types


def import_recaps(store: Store, actor: Actor, checked: RecapCheck) -> int:
    """Store a checked batch in one audited transaction; refused whole when any file was."""
    if not checked.ok:
        msg = text("recap_rejected", count=len(checked.problems))
        raise ReadinessError(msg, code="recap_rejected")
    if not checked.recaps.height:
        return 0
    check_permission(actor, "manage_reference")  # admin only
    check_scopes(actor, checked.recaps["kabupaten_code"].to_list())
    return store.store_recaps(actor, checked.recaps, expected=checked.expected)


# -- showing recaps one level up (pure) ---------------------------------------------------------

_FIGURES = (
    "kecamatan_total",
    "kecamatan_complete",
    "desa_total",
    "desa_submitted",
    "tps_count",
    "officers_required",
    "officers_registered",
    "officers_counted",
)


def merge_recaps(areas: pl.DataFrame, recaps: pl.DataFrame) -> pl.DataFrame:
    """Per-kabupaten rows (``metrics.area_overview`` + area_code/area_name) with recaps merged.

    A kabupaten without live rosters (desa_submitted 0 or null) takes its newest recap's
    figures; live data win when both exist. Adds ``source`` ("langsung" / "rekap impor"),
    ``recap_generated_at`` and ``ready`` (recap only); a recap of a kabupaten missing from
    ``areas`` becomes a row of its own. ``recaps`` is ``Store.kabupaten_recaps``.

    >>> areas = pl.DataFrame({"area_code": ["17.02", "17.05"], "area_name": ["RL", "Seluma"],
    ...     "desa_total": [156, None], "desa_submitted": [125, None]})
    >>> recaps = pl.DataFrame({"kabupaten_code": ["17.02", "17.05", "17.07"],
    ...     "kabupaten_name": ["RL", "Seluma", "Lebong"], "desa_total": [156, 182, 100],
    ...     "desa_submitted": [100, 90, 10], "generated_at": [dt.datetime(2024, 11, 27)] * 3})
    >>> m = merge_recaps(areas, recaps)
    >>> m.select("area_code", "desa_submitted", "source").rows()
    [('17.02', 125, 'langsung'), ('17.05', 90, 'rekap impor'), ('17.07', 10, 'rekap impor')]
    """
    figures = [c for c in _FIGURES if c in areas.columns]
    recap = recaps.rename({"kabupaten_code": "area_code", "tps_total": "tps_count"}, strict=False)
    recap = recap.select(
        "area_code",
        pl.col("kabupaten_name").alias("_recap_name"),
        pl.col("generated_at").alias("_recap_at"),
        *(pl.col(c).cast(pl.Int64).alias(f"_recap_{c}") for c in figures if c in recap.columns),
        (pl.col("ready") if "ready" in recap.columns else pl.lit(None))
        .cast(pl.Int64)
        .alias("_recap_ready"),
    )
    merged = areas.join(recap, on="area_code", how="full", coalesce=True)
    use = (pl.col("desa_submitted").fill_null(0) == 0) & pl.col("_recap_at").is_not_null()
    merged = merged.with_columns(
        *(
            pl.when(use).then(pl.col(f"_recap_{c}")).otherwise(pl.col(c)).alias(c)
            for c in figures
            if f"_recap_{c}" in merged.columns
        ),
        pl.coalesce("area_name", "_recap_name").alias("area_name"),
        # desa_on_time, desa_late, desa_without_tps: not in a recap row, so unknown there
        *(
            pl.when(use).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("desa_on_time", "desa_late", "desa_without_tps")
            if c in areas.columns
        ),
        pl.when(use)
        .then(pl.lit(SOURCE_RECAP))
        .when(pl.col("desa_total").is_not_null())
        .then(pl.lit(SOURCE_LIVE))
        .alias("source"),
        pl.when(use).then(pl.col("_recap_at")).alias("recap_generated_at"),
        pl.when(use).then(pl.col("_recap_ready")).alias("ready"),
    )
    rates = {
        "submitted_rate": ("desa_submitted", "desa_total"),
        "registered_rate": ("officers_counted", "officers_required"),
    }
    merged = merged.with_columns(
        pl.when(pl.col(d) > 0).then(pl.col(n) * 100.0 / pl.col(d)).alias(rate)
        for rate, (n, d) in rates.items()
        if rate in areas.columns
    )
    return merged.drop(cs.starts_with("_recap_")).sort("area_code")


def rollup_totals(areas: pl.DataFrame | None) -> dict | None:
    """Totals over merged areas when at least one row is a recap (else None, nothing to say).

    >>> rollup_totals(pl.DataFrame({"source": ["langsung", "rekap impor"], "desa_total": [2, 3],
    ...     "desa_submitted": [1, 3], "officers_required": [4, 6], "officers_registered": [2, 5],
    ...     "recap_generated_at": [None, dt.datetime(2024, 11, 27, 10, 15)]}))["desa_submitted"]
    4
    """
    if areas is None or "source" not in areas.columns:
        return None
    recap = areas.filter(pl.col("source") == SOURCE_RECAP)
    if not recap.height:
        return None
    keys = ("desa_total", "desa_submitted", "officers_required", "officers_registered")
    totals = {k: int(areas[k].fill_null(0).sum()) for k in keys}
    totals["recap_count"] = recap.height
    totals["oldest_recap_at"] = recap["recap_generated_at"].min()
    return totals


def rollup_note(areas: pl.DataFrame | None, area_label: str) -> str | None:
    """The line the Ringkasan shows under the per-kabupaten table when recaps are used.

    >>> rollup_note(pl.DataFrame({"source": ["langsung", "rekap impor"], "desa_total": [2, 3],
    ...     "desa_submitted": [1, 3], "officers_required": [4, 6], "officers_registered": [2, 5],
    ...     "recap_generated_at": [None, dt.datetime(2024, 11, 27, 10, 15)]}), "kabupaten/kota")
    'Termasuk rekap impor dari 1 kabupaten/kota (tertua: data per 27 November 2024, 10.15 WIB): 4 dari 5 desa/kelurahan mengirim, 7 dari 10 linmas terdaftar. Angka kartu di atas hanya data langsung instans ini.'
    """
    totals = rollup_totals(areas)
    if not totals:
        return None
    return (
        f"Termasuk rekap impor dari {fmt.number(totals['recap_count'])} {area_label} "
        f"(tertua: data per {fmt.timestamp(totals['oldest_recap_at'])}): "
        f"{fmt.number(totals['desa_submitted'])} dari {fmt.number(totals['desa_total'])} "
        "desa/kelurahan mengirim, "
        f"{fmt.number(totals['officers_registered'])} dari "
        f"{fmt.number(totals['officers_required'])} linmas terdaftar. "
        "Angka kartu di atas hanya data langsung instans ini."
    )


def source_text(source: str | None, generated_at: dt.datetime | None) -> str:
    """The "Sumber" cell: "langsung" or "rekap impor, data per 27 November 2024, 10.15 WIB".

    >>> source_text("rekap impor", dt.datetime(2024, 11, 27, 10, 15))
    'rekap impor, data per 27 November 2024, 10.15 WIB'
    """
    if source == SOURCE_RECAP and generated_at is not None:
        return f"{SOURCE_RECAP}, data per {fmt.timestamp(generated_at)}"
    return source or SOURCE_LIVE


def recap_list_table(recaps: pl.DataFrame) -> pl.DataFrame:
    """Stored recaps as people read them (``recap list``): kabupaten, data per, imported."""
    return pl.DataFrame(
        {
            "Kode": recaps["kabupaten_code"],
            "Kabupaten/kota": recaps["kabupaten_name"],
            "Data per": [fmt.timestamp(v) for v in recaps["generated_at"]],
            "Diimpor": [fmt.timestamp(v) for v in recaps["imported_at"]],
            "Oleh": recaps["imported_by"],
            "Desa mengirim": [
                f"{fmt.number(a)} dari {fmt.number(b)}"
                for a, b in zip(recaps["desa_submitted"], recaps["desa_total"], strict=True)
            ],
            "Linmas terdaftar": [
                f"{fmt.number(a)} dari {fmt.number(b)}"
                for a, b in zip(
                    recaps["officers_registered"], recaps["officers_required"], strict=True
                )
            ],
        },
        schema=dict.fromkeys(
            (
                "Kode",
                "Kabupaten/kota",
                "Data per",
                "Diimpor",
                "Oleh",
                "Desa mengirim",
                "Linmas terdaftar",
            ),
            pl.String,
        ),
    )


def with_sources(table: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """``tables.area_table`` plus "Linmas siap" and "Sumber" when ``areas`` carries recaps.

    Rows of ``table`` and ``areas`` are in the same order (area_table keeps the order).
    """
    if "source" not in areas.columns:
        return table
    return table.with_columns(
        pl.Series("Linmas siap", [fmt.number(v) for v in areas["ready"]], dtype=pl.String),
        pl.Series(
            "Sumber",
            [
                source_text(s, at)
                for s, at in zip(areas["source"], areas["recap_generated_at"], strict=True)
            ],
            dtype=pl.String,
        ),
    )
