"""Deterministic benchmark data at three sizes: one kabupaten, one province, the whole country.

S is Kabupaten Rejang Lebong with its real 15 kecamatan and 156 desa/kelurahan (the bundled
reference list). M adds the other 9 kabupaten/kota of Provinsi Bengkulu (real codes and names
from ``data/kabupaten_bengkulu.csv``) with synthetic kecamatan and desa. L adds the other 37
provinces (real province codes, synthetic names). Every synthetic name contains "Contoh".

The sizes nest: the rows of Rejang Lebong are identical in S, M and L, and those of Bengkulu in
M and L, so a kabupaten user's figures are the same at every size and only the database grows.
Every random choice is seeded from a region code (CRC-32), never from the clock.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from readiness.config import DATA_DIR, Settings
from readiness.metrics import WIB

GENERATOR_VERSION = 1

# The 38 Kemendagri province codes (names in the data are synthetic, except Bengkulu's).
PROVINCE_CODES = (
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
    "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96",
)  # fmt: skip


@dataclass(frozen=True)
class Size:
    """How big one benchmark database is (region counts and TPS are exact totals)."""

    name: str
    label: str
    kabupaten: int
    kecamatan: int
    desa: int
    tps: int


SIZES = {
    "S": Size("S", "satu kabupaten (Rejang Lebong)", 1, 15, 156, 600),
    "M": Size("M", "satu provinsi (Bengkulu)", 10, 129, 1_513, 6_500),
    "L": Size("L", "nasional", 514, 7_200, 83_000, 800_000),
}
# What S holds after generation (asserted by tests/test_benchmarks.py and shown in the docs).
S_EXPECTED = {"officers_active": 1_160, "officers_rows": 1_244, "submissions": 160}

MEN = ("Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irwan", "Joko", "Rahmat", "Yusuf")
WOMEN = ("Sri", "Siti", "Nurhayati", "Yuliana", "Rina", "Dewi")
FAMILY = ("Saputra", "Pratama", "Hidayat", "Setiawan", "Rahman", "Harahap", "Wijaya", "Fauzi")
PLACES = ("Curup", "Bengkulu", "Padang", "Palembang", "Medan", "Makassar", "Surabaya")


def _seed(code: str) -> int:
    return zlib.crc32(code.encode())


def _spread(total: int, parts: int, rng: random.Random, low: float, high: float) -> list[int]:
    """Split ``total`` into ``parts`` counts of at least 1 by random weights (largest remainder)."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    spare = total - parts
    shares = [w * spare / sum(weights) for w in weights]
    counts = [1 + int(s) for s in shares]
    order = sorted(range(parts), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _synthetic_kabupaten(code: str, name: str, kecamatan: int, desa: int) -> list[dict]:
    """Region rows (kabupaten, its kecamatan, its desa) for one synthetic kabupaten."""
    rng = random.Random(_seed(code))
    rows = [{"code": code, "level": "kabupaten", "name": name, "parent_code": code[:2]}]
    for k, villages in enumerate(_spread(desa, kecamatan, rng, 0.5, 1.5), start=1):
        kec = f"{code}.{k:02d}"
        rows.append(
            {
                "code": kec,
                "level": "kecamatan",
                "name": f"Kecamatan Contoh {kec}",
                "parent_code": code,
            }
        )
        urban = max(0, int(villages * rng.uniform(0.0, 0.25)))
        for d in range(villages):
            kind = "kelurahan" if d < urban else "desa"
            number = 1001 + d if kind == "kelurahan" else 2001 + d - urban
            desa_code = f"{kec}.{number}"
            rows.append(
                {
                    "code": desa_code,
                    "level": "desa",
                    "name": f"{kind.title()} Contoh {desa_code}",
                    "parent_code": kec,
                    "kind": kind,
                }
            )
    return rows


def regions(size: Size, settings: Settings) -> pl.DataFrame:
    """Every region of the size: code, level, name, parent_code, kind (the bundled one included)."""
    real = pl.read_csv(settings.region_file, infer_schema=False)
    rows: list[dict] = [
        {"code": settings.province_code, "level": "provinsi", "name": settings.province_name},
        {
            "code": settings.kabupaten_code,
            "level": "kabupaten",
            "name": settings.kabupaten_name,
            "parent_code": settings.province_code,
        },
    ]
    rows += [
        {"code": kec, "level": "kecamatan", "name": name, "parent_code": settings.kabupaten_code}
        for kec, name in real.select("kode_kecamatan", "nama_kecamatan").unique().rows()
    ]
    rows += [
        {"code": code, "level": "desa", "name": name, "parent_code": kec, "kind": kind}
        for kec, code, name, kind in real.select(
            "kode_kecamatan", "kode_desa", "nama_desa", "jenis"
        ).rows()
    ]
    if size.name in ("M", "L"):
        others = pl.read_csv(DATA_DIR / "kabupaten_bengkulu.csv", infer_schema=False).filter(
            pl.col("kode_kabupaten") != settings.kabupaten_code
        )
        rng = random.Random(_seed(settings.province_code))
        spare_kec = SIZES["M"].kecamatan - real["kode_kecamatan"].n_unique()
        spare_desa = SIZES["M"].desa - real.height
        kec_counts = _spread(spare_kec, others.height, rng, 0.7, 1.3)
        desa_counts = _spread(spare_desa, others.height, rng, 0.7, 1.3)
        for (code, name), kec, desa in zip(others.rows(), kec_counts, desa_counts, strict=True):
            rows += _synthetic_kabupaten(code, name, kec, desa)
    if size.name == "L":
        provinces = [p for p in PROVINCE_CODES if p != settings.province_code]
        rng = random.Random(_seed("nasional"))
        m = SIZES["M"]
        kab_counts = _spread(size.kabupaten - m.kabupaten, len(provinces), rng, 0.3, 1.7)
        kec_total, desa_total = size.kecamatan - m.kecamatan, size.desa - m.desa
        kec_counts = _spread(kec_total, sum(kab_counts), rng, 0.5, 1.5)
        desa_counts = _spread(desa_total, sum(kab_counts), rng, 0.5, 1.5)
        index = 0
        for province, kabupaten in zip(provinces, kab_counts, strict=True):
            rows.append(
                {"code": province, "level": "provinsi", "name": f"Provinsi Contoh {province}"}
            )
            for k in range(1, kabupaten + 1):
                code = f"{province}.{k:02d}"
                rows += _synthetic_kabupaten(
                    code, f"Kabupaten Contoh {code}", kec_counts[index], desa_counts[index]
                )
                index += 1
    schema = {c: pl.String for c in ("code", "level", "name", "parent_code", "kind")}
    return pl.DataFrame(rows, schema=schema).sort("code")


def tps(size: Size, desa: pl.DataFrame) -> pl.DataFrame:
    """desa_code, tps_number, rawan: the exact TPS total, nested (S inside M inside L)."""
    codes = desa["code"].to_list()
    kinds = desa["kind"].to_list()
    totals = {"S": (600, 0, 0), "M": (600, 5_900, 0), "L": (600, 5_900, 793_500)}[size.name]
    groups: list[list[int]] = [[], [], []]
    for i, code in enumerate(codes):
        groups[0 if code.startswith("17.02.") else 1 if code.startswith("17.") else 2].append(i)
    counts = [0] * len(codes)
    for group, total, seed in zip(groups, totals, ("S", "M", "L"), strict=True):
        if not group:
            continue
        rng = random.Random(_seed(seed))
        weights = [rng.uniform(1.5, 4.0) if kinds[i] == "kelurahan" else 1.0 for i in group]
        spare = total - len(group)
        shares = [w * spare / sum(weights) for w in weights]
        share_counts = [1 + int(s) for s in shares]
        order = sorted(range(len(group)), key=lambda j: shares[j] - int(shares[j]), reverse=True)
        for j in order[: total - sum(share_counts)]:
            share_counts[j] += 1
        for j, i in enumerate(group):
            counts[i] = share_counts[j]
    frame = pl.DataFrame({"desa_code": codes, "tps_count": counts}).filter(pl.col("tps_count") > 0)
    return (
        frame.with_columns(pl.int_ranges(1, pl.col("tps_count") + 1).alias("tps_number"))
        .explode("tps_number")
        .with_columns(
            pl.col("tps_number").cast(pl.Int32),
            (((pl.col("tps_number") * 37 + pl.col("tps_count") * 11) % 29) == 0).alias("rawan"),
        )
        .select("desa_code", "tps_number", "rawan")
    )


def _pick(index: pl.Expr, words: tuple[str, ...]) -> pl.Expr:
    return (index % len(words)).replace_strict(dict(enumerate(words)), return_dtype=pl.String)


def _desa_state(desa_codes: list[str]) -> pl.DataFrame:
    """Per desa: submitted (95 %), versions (1 or 2) and an upload day, seeded by its code."""
    seeds = [_seed(code) for code in desa_codes]
    return pl.DataFrame(
        {
            "desa_code": desa_codes,
            "submitted": [s % 100 < 95 for s in seeds],
            "versions": [2 if (s // 100) % 10 == 0 else 1 for s in seeds],
            "day_offset": [(s // 1000) % 26 - 21 for s in seeds],
            "minute": [8 * 60 + (s // 100_000) % 720 for s in seeds],
            "seed": [s % 1_000_003 for s in seeds],
        }
    )


def submissions_and_officers(
    tps_rows: pl.DataFrame, settings: Settings
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Submissions (one row per version) and officers (with their ``version``) of every desa.

    Per TPS 2 officers (85 %), 3 (10 %) or 1 (5 %); a desa with two versions sent one officer
    fewer the first time. NIKs are unique: kecamatan digits, birth date, serial in kecamatan.
    """
    state = _desa_state(tps_rows["desa_code"].unique(maintain_order=True).to_list())
    deadline = dt.datetime.combine(settings.submission_deadline, dt.time(), tzinfo=WIB)
    sent = state.filter("submitted")
    officers = (
        tps_rows.join(sent.select("desa_code", "versions", "seed"), on="desa_code")
        .with_columns(
            ((pl.col("tps_number").cast(pl.Int64) * 7_919 + pl.col("seed") * 31) % 100).alias("_u")
        )
        .with_columns(
            pl.when(pl.col("_u") < 5)
            .then(1)
            .when(pl.col("_u") < 15)
            .then(3)
            .otherwise(2)
            .alias("_n")
        )
        .with_columns(pl.int_ranges(0, "_n").alias("_k"))
        .explode("_k")
        .sort("desa_code", "tps_number", "_k")
        .with_columns(
            pl.col("desa_code").str.slice(0, 8).alias("_kec"),
            (pl.int_range(pl.len()).over("desa_code") + 2).cast(pl.Int32).alias("row_number"),
        )
        .with_columns((pl.int_range(pl.len()).over("_kec") + 1).alias("_serial"))
    )
    g = pl.col("_serial") * 7_919 + pl.col("_kec").str.replace_all(".", "", literal=True).cast(
        pl.Int64
    )
    female = (g % 100) < 12
    day, month, year = 1 + g % 28, 1 + (g // 7) % 12, 1966 + (g // 3) % 38
    officers = officers.with_columns(
        (
            pl.col("_kec").str.replace_all(".", "", literal=True)
            + pl.when(female).then(day + 40).otherwise(day).cast(pl.String).str.zfill(2)
            + month.cast(pl.String).str.zfill(2)
            + (year % 100).cast(pl.String).str.zfill(2)
            + pl.col("_serial").cast(pl.String).str.zfill(4)
        ).alias("nik"),
        (
            pl.when(female).then(_pick(g, WOMEN)).otherwise(_pick(g, MEN))
            + " "
            + _pick(g // 11, FAMILY)
        ).alias("nama"),
        pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L")).alias("jenis_kelamin"),
        _pick(g // 13, PLACES).alias("tempat_lahir"),
        pl.date(year, month, day).alias("tanggal_lahir"),
        (pl.lit("Dusun ") + (1 + g % 5).cast(pl.String)).alias("alamat"),
        (pl.lit("0812") + (10_000_000 + g % 89_999_999).cast(pl.String)).alias("no_hp"),
        pl.col("tps_number").alias("nomor_tps"),
        ((g % 10) < 6).alias("status_bpjs"),
        pl.lit(None, dtype=pl.String).alias("no_kpj"),
        ((g % 10) < 5).alias("status_pelatihan"),
        pl.lit(None, dtype=pl.Date).alias("tanggal_pelatihan"),
        pl.lit(None, dtype=pl.String).alias("keterangan"),
    )
    columns = [
        "desa_code", "version", "row_number", "nama", "nik", "jenis_kelamin", "tempat_lahir",
        "tanggal_lahir", "alamat", "no_hp", "nomor_tps", "status_bpjs", "no_kpj",
        "status_pelatihan", "tanggal_pelatihan", "keterangan",
    ]  # fmt: skip
    latest = officers.with_columns(pl.col("versions").cast(pl.Int32).alias("version"))
    first = officers.filter(
        (pl.col("versions") == 2)
        & (pl.col("row_number") < pl.col("row_number").max().over("desa_code"))
    ).with_columns(pl.lit(1, dtype=pl.Int32).alias("version"))
    all_rows = pl.concat([first.select(columns), latest.select(columns)]).with_columns(
        pl.col("version").cast(pl.Int32)
    )
    counts = all_rows.group_by("desa_code", "version").agg(pl.len().cast(pl.Int32).alias("rows"))
    submissions = (
        counts.join(state, on="desa_code")
        .with_columns(
            (
                pl.lit(deadline)
                + pl.duration(days=pl.col("day_offset") + 2 * (pl.col("version") - 1))
                + pl.duration(minutes=pl.col("minute"))
            ).alias("uploaded_at"),
            (pl.lit("desa.") + pl.col("desa_code")).alias("uploader"),
            pl.lit("operator_desa").alias("uploader_role"),
            (pl.lit("daftar_linmas_") + pl.col("desa_code") + ".xlsx").alias("file_name"),
        )
        .select(
            "desa_code",
            "version",
            "uploaded_at",
            "uploader",
            "uploader_role",
            "file_name",
            pl.col("rows").alias("rows_total"),
            pl.col("rows").alias("rows_accepted"),
        )  # fmt: skip
        .sort("desa_code", "version")
    )
    return submissions, all_rows.sort("desa_code", "version", "row_number")


@dataclass(frozen=True)
class Generated:
    """The CSV files of one size plus the frames the builder needs."""

    size: Size
    regions: Path
    tps: Path
    submissions: Path
    officers: Path
    counts: dict[str, int]


def generate(size_name: str, out_dir: Path, settings: Settings) -> Generated:
    """Write regions.csv, tps.csv, submissions.csv, officers.csv for one size into ``out_dir``."""
    size = SIZES[size_name]
    out_dir.mkdir(parents=True, exist_ok=True)
    region_rows = regions(size, settings)
    desa = region_rows.filter(pl.col("level") == "desa")
    tps_rows = tps(size, desa)
    submissions, officers = submissions_and_officers(tps_rows, settings)
    paths = {
        name: out_dir / f"{name}.csv" for name in ("regions", "tps", "submissions", "officers")
    }
    region_rows.write_csv(paths["regions"])
    tps_rows.write_csv(paths["tps"])
    submissions.write_csv(paths["submissions"])
    officers.write_csv(paths["officers"])
    active = officers.join(
        submissions.group_by("desa_code").agg(pl.col("version").max()), on=["desa_code", "version"]
    )
    counts = {
        "provinsi": region_rows.filter(pl.col("level") == "provinsi").height,
        "kabupaten": region_rows.filter(pl.col("level") == "kabupaten").height,
        "kecamatan": region_rows.filter(pl.col("level") == "kecamatan").height,
        "desa": desa.height,
        "tps": tps_rows.height,
        "submissions": submissions.height,
        "officers_rows": officers.height,
        "officers_active": active.height,
    }
    return Generated(
        size, paths["regions"], paths["tps"], paths["submissions"], paths["officers"], counts
    )
