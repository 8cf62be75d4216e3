"""Time the duty documents at kabupaten size: ``python -m benchmarks.duty_documents``.

Builds a Rejang Lebong-sized roster in memory (the bundled region list, 445 TPS spread over the
villages, two linmas per TPS, DATA CONTOH) and prints a Markdown table: rows, pages, size and
the median of three runs for the SK lampiran, kartu tugas and daftar honor of one village, one
kecamatan and the whole kabupaten.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

import polars as pl
import pypdf

from readiness import assignment
from readiness import duty_documents as docs
from readiness.config import load_settings

# The Polars oracle of the assignment in force (product code reads it from the store).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from readiness_oracle import initial_assignments  # noqa: E402

SECRET = b"benchmark-secret-0123456789"
TPS_TOTAL = 445


def kabupaten_roster(settings) -> pl.DataFrame:
    """A duty roster of the whole kabupaten: 445 TPS over the villages, two linmas each."""
    regions = pl.read_csv(settings.region_file, infer_schema=False)
    villages = regions.select(
        pl.col(regions.columns[0]).alias("kecamatan_code"),
        pl.col(regions.columns[1]).alias("kecamatan_name"),
        pl.col(regions.columns[2]).alias("desa_code"),
        pl.col(regions.columns[3]).alias("desa_name"),
        pl.col(regions.columns[4]).alias("desa_kind"),
    )
    per_desa = [TPS_TOTAL // villages.height + (i < TPS_TOTAL % villages.height)
                for i in range(villages.height)]  # fmt: skip
    tps = pl.DataFrame(
        {
            "desa_code": [
                d for d, n in zip(villages["desa_code"], per_desa, strict=True) for _ in range(n)
            ],
            "tps_number": [t + 1 for n in per_desa for t in range(n)],
        }
    ).with_columns(  # fmt: skip
        pl.lit(False).alias("rawan"),
        pl.format("Balai dusun {}", pl.col("tps_number")).alias("address"),
    )
    officers = (
        pl.concat([tps, tps])
        .sort("desa_code", "tps_number")
        .with_row_index("i")
        .select(
            "desa_code",
            pl.format("Linmas Contoh {}", pl.col("i") + 1).alias("nama"),
            pl.format("1702061705{}", (pl.col("i") + 100000).cast(pl.String)).alias("nik"),
            pl.col("tps_number").alias("nomor_tps"),
            pl.lit("L").alias("jenis_kelamin"),
            pl.lit(dt.date(1988, 3, 9)).alias("tanggal_lahir"),
            pl.lit("Jl. Merdeka No. 12, RT 02").alias("alamat"),
            pl.lit(None, pl.String).alias("keterangan"),
            (pl.col("i") % 3 > 0).alias("bpjs_enrolled"),
            pl.lit("24000000001").alias("kpj"),
        )
    )
    return assignment.duty_roster(officers, initial_assignments(officers), villages, tps)


def median_seconds(make) -> tuple[float, bytes]:
    times, data = [], b""
    for _ in range(3):
        start = time.perf_counter()
        data = make()
        times.append(time.perf_counter() - start)
    return statistics.median(times), data


def main() -> None:
    settings = load_settings()
    roster = kabupaten_roster(settings)
    first_desa = roster["desa_code"][0]
    first_kecamatan = roster["kecamatan_code"][0]
    scopes = {
        "1 desa": roster.filter(pl.col("desa_code") == first_desa),
        "1 kecamatan": roster.filter(pl.col("kecamatan_code") == first_kecamatan),
        "kabupaten": roster,
    }
    makers = {
        "SK lampiran": lambda r: docs.sk_lampiran_pdf(
            r, settings, show_nik=False, place="Curup", date=dt.date(2024, 11, 1)
        ),
        "kartu tugas": lambda r: docs.duty_cards_pdf(r, settings, show_kpj=False, secret=SECRET),
        "daftar honor": lambda r: docs.honor_xlsx(
            r, settings, show_nik=False, show_bank=False, region_name="DATA CONTOH"
        ),
    }
    print("| dokumen | wilayah | linmas | halaman | ukuran | waktu (median 3) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for document, make in makers.items():
        for scope, rows in scopes.items():
            seconds, data = median_seconds(lambda make=make, rows=rows: make(rows))
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages) if data[:4] == b"%PDF" else "–"
            size = f"{len(data) / 1024:,.0f} KB".replace(",", ".")
            print(f"| {document} | {scope} | {rows.height} | {pages} | {size} | {seconds:.2f} s |")


if __name__ == "__main__":
    main()
