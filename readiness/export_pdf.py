"""The apel recap as an A4 portrait PDF (fpdf2): headline figures, chart, tables, signature.

Printed in black and white it stays readable: the chart is redrawn in greys of distinct
lightness with black outlines, tables use grey header rows and zebra stripes, and every
figure is also written as a number. The font is DejaVu Sans (Unicode: ’ and • in names).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import polars as pl
import vl_convert as vlc
from fpdf import FPDF
from fpdf.fonts import FontFace

from readiness import charts, messages
from readiness import formatting as fmt
from readiness.config import DATA_DIR
from readiness.errors import ReadinessError
from readiness.export_recap import Recap

FONT_DIRS = (DATA_DIR / "fonts", Path("/usr/share/fonts/truetype/dejavu"))
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
# Screen colour -> print grey: lightness steps far enough apart to tell apart on paper.
PRINT_GREYS = {
    "#1b7f3b": "#1a1a1a",  # siap / sudah mengirim
    "#f2a900": "#6e6e6e",  # belum BPJS
    "#7b5ea7": "#a8a8a8",  # belum pelatihan
    "#8d6e63": "#d6d6d6",  # perlu diperiksa
    "#c62828": "#ffffff",  # belum terdaftar / belum mengirim / kritis
    "#ef6c00": "#8c8c8c",  # perlu perhatian
    "#cfd8dc": "#e6e6e6",  # kebutuhan
    "#1f4e79": "#333333",  # terdaftar
}
ZEBRA = (242, 242, 242)
HEADER_FILL = (217, 217, 217)


def font_paths() -> dict[str, Path]:
    """The DejaVu Sans files: bundled under data/fonts/ or from Debian's fonts-dejavu-core."""
    for folder in FONT_DIRS:
        paths = {style: folder / name for style, name in FONT_FILES.items()}
        if all(p.exists() for p in paths.values()):
            return paths
    msg = messages.text("pdf_font_missing")
    raise ReadinessError(msg, code="pdf_font_missing")


def print_spec(spec: dict | list | str):
    """A Vega-Lite spec with screen colours swapped for print greys (recursively)."""
    if isinstance(spec, dict):
        return {k: print_spec(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [print_spec(v) for v in spec]
    if isinstance(spec, str):
        return PRINT_GREYS.get(spec.lower(), spec)
    return spec


def chart_png(kecamatan: pl.DataFrame) -> bytes:
    """The per-kecamatan chart (readiness when available) as a print-grey PNG."""
    builder = getattr(charts, "readiness_by_kecamatan", None)
    if builder:
        chart = builder(kecamatan)
    else:
        chart = charts.registered_vs_required(kecamatan).properties(
            title="Linmas terdaftar (gelap) terhadap kebutuhan (terang)"
        )
    spec = print_spec(chart.properties(width=430).to_dict())
    config = spec.setdefault("config", {})
    config["bar"] = {"stroke": "#000000", "strokeWidth": 0.6}
    config["legend"] = {"symbolStrokeColor": "#000000", "symbolStrokeWidth": 0.6}
    config["font"] = "DejaVu Sans"
    spec["background"] = "white"
    # Sharp for a kabupaten (15 bars); a province's 129 bars would make a huge, slow bitmap.
    scale = max(1.0, min(2.5, 2400 / (kecamatan.height * 22 + 140)))
    return vlc.vegalite_to_png(spec, scale=scale)


class RecapPDF(FPDF):
    """A4 portrait with a footer line: what, where, when, and "Halaman x dari y"."""

    def __init__(self, recap: Recap) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.recap = recap
        for style, path in font_paths().items():
            self.add_font(FAMILY, style, str(path))
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"{recap.title} — {recap.region_name}")
        self.set_creator("Kesiapan Linmas")

    def footer(self) -> None:
        """Footer line on every page."""
        self.set_y(-12)
        self.set_font(FAMILY, "", 7)
        self.set_text_color(60)
        left = (
            f"{self.recap.title} · {self.recap.region_name} · "
            f"keadaan per {fmt.timestamp(self.recap.generated_at)}"
        )
        self.cell(150, 5, left, align="L")
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align="R")
        self.set_text_color(0)

    def heading(self, text: str) -> None:
        """A section title; starts a new page when fewer than 30 mm are left."""
        if self.get_y() > self.h - 48:
            self.add_page()
        self.ln(3)
        self.set_font(FAMILY, "B", 11)
        self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 8)

    def note(self, text: str) -> None:
        """Small explanatory text across the page."""
        self.set_font(FAMILY, "", 7.5)
        self.multi_cell(0, 4, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 8)

    def grid(
        self,
        rows: list[list[str]],
        widths: tuple[float, ...],
        align: tuple[str, ...],
        *,
        bold_last: bool = False,
    ) -> None:
        """A table with a grey header repeated on each page and zebra rows."""
        self.set_font(FAMILY, "", 8)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            text_align=align,
            line_height=4.6,
            cell_fill_color=ZEBRA,
            cell_fill_mode="ROWS",
            headings_style=FontFace(emphasis="BOLD", size_pt=7.2, fill_color=HEADER_FILL),
            borders_layout="HORIZONTAL_LINES",
            repeat_headings=1,
        ) as table:
            for i, row in enumerate(rows):
                bold = bold_last and i == len(rows) - 1
                table.row([str(v) for v in row], style=FontFace(emphasis="BOLD") if bold else None)


def _title_block(pdf: RecapPDF, recap: Recap) -> None:
    pdf.set_font(FAMILY, "B", 15)
    pdf.cell(0, 8, recap.title.upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 6.5, recap.region_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    days = fmt.days_to_vote(recap.voting_date, recap.generated_at.astimezone(fmt.WIB).date())
    pdf.cell(
        0,
        5.5,
        f"{recap.election_name} · pemungutan suara {fmt.date(recap.voting_date)} ({days})",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(
        0, 5.5, f"Keadaan per {fmt.timestamp(recap.generated_at)}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FAMILY, "", 8)
    last = fmt.timestamp(recap.as_of) if recap.as_of else "belum ada kiriman"
    masked = "lengkap" if recap.unmasked else "disamarkan"
    pdf.cell(
        0,
        4.5,
        f"Kiriman daftar terakhir: {last} · NIK dan nomor HP {masked}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if recap.demo:
        pdf.set_font(FAMILY, "B", 9)
        pdf.multi_cell(
            0,
            5,
            "DATA CONTOH — semua nama, NIK dan angka dalam rekap ini rekaan untuk latihan.",
            border=1,
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)


def headline_boxes(recap: Recap) -> list[tuple[str, str, str]]:
    """(label, big value, small line) for the eight figure boxes."""
    h = recap.headline
    n, p = fmt.number, fmt.percent
    return [
        ("Kecamatan lengkap", f"{n(h['kecamatan_complete'])} dari {n(h['kecamatan_total'])}", "semua desa mengirim"),
        ("Desa/kelurahan mengirim", f"{n(h['desa_submitted'])} dari {n(h['desa_total'])}", f"{n(h['desa_late'])} terlambat"),
        ("Linmas terdaftar", f"{n(h['officers_registered'])} dari {n(h['officers_required'])}", f"keterisian {p(h['officers_registered_rate'])}"),
        ("TPS tercakup", f"{n(h['tps_covered'])} dari {n(h['tps_total'])}", f"rawan tak tercakup: {n(h['rawan_uncovered'])}"),
        ("BPJS Ketenagakerjaan", p(h["bpjs_rate"]), f"{n(h['bpjs_enrolled'])} linmas peserta"),
        ("Pelatihan lengkap", p(h["trained_rate"]), f"{n(h['trained'])} linmas semua modul"),
        ("Siap bertugas", p(h["ready_rate"]), f"{n(h['ready'])} linmas · {h['status']}"),
        ("Menuju pemungutan suara", fmt.days_to_vote(recap.voting_date, recap.generated_at.astimezone(fmt.WIB).date()), fmt.date(recap.voting_date)),
    ]  # fmt: skip


def _boxes(pdf: RecapPDF, recap: Recap) -> None:
    width, height, gap = 43.5, 19.0, 2.0
    top = pdf.get_y()
    for i, (label, value, small) in enumerate(headline_boxes(recap)):
        x = pdf.l_margin + (i % 4) * (width + gap)
        y = top + (i // 4) * (height + gap)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.3)
        pdf.rect(x, y, width, height)
        pdf.set_xy(x + 1.5, y + 1.2)
        pdf.set_font(FAMILY, "", 7.5)
        pdf.cell(width - 3, 4, label)
        pdf.set_xy(x + 1.5, y + 5.5)
        pdf.set_font(FAMILY, "B", 13)
        pdf.cell(width - 3, 7, value)
        pdf.set_xy(x + 1.5, y + 13)
        pdf.set_font(FAMILY, "", 6.8)
        pdf.cell(width - 3, 4, small)
    pdf.set_xy(pdf.l_margin, top + 2 * height + gap + 3)


def _chart(pdf: RecapPDF, recap: Recap) -> None:
    png = chart_png(recap.kecamatan_raw)
    pdf.heading("Kesiapan per kecamatan")
    # PNG header: width and height are big-endian at bytes 16-24.
    pixels_wide, pixels_high = struct.unpack(">II", png[16:24])
    width = 180.0
    height = width * pixels_high / pixels_wide
    if height > 150:
        width, height = width * 150 / height, 150.0
    if pdf.get_y() + height > pdf.h - 20:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin, y=pdf.get_y(), w=width, h=height)
    pdf.set_y(pdf.get_y() + height + 2)


def _kecamatan_table(pdf: RecapPDF, recap: Recap) -> None:
    pdf.heading("Tabel per kecamatan")
    n, p = fmt.number, fmt.percent
    rows = [
        [
            "Kecamatan",
            "Desa kirim",
            "TPS",
            "Tercakup",
            "Kebutuhan",
            "Terdaftar",
            "BPJS",
            "Latih",
            "Siap",
            "Kesiapan",
        ]
    ]
    for r in recap.kecamatan_raw.iter_rows(named=True):
        rows.append([
            r["kecamatan_name"], f"{n(r['desa_submitted'])}/{n(r['desa_total'])}", n(r["tps_count"]),
            n(r["tps_covered"]), n(r["officers_required"]), n(r["officers_registered"]),
            p(r["bpjs_rate"]), p(r["trained_rate"]), p(r["ready_rate"]),
            (r["status"] or "").capitalize(),
        ])  # fmt: skip
    h = recap.headline
    rows.append([
        "JUMLAH", f"{n(h['desa_submitted'])}/{n(h['desa_total'])}", n(h["tps_total"]),
        n(h["tps_covered"]), n(h["officers_required"]), n(h["officers_registered"]),
        p(h["bpjs_rate"]), p(h["trained_rate"]), p(h["ready_rate"]), "",
    ])  # fmt: skip
    widths = (32, 16, 10, 17, 19, 18, 14, 14, 14, 26)
    pdf.grid(rows, widths, ("LEFT",) + ("RIGHT",) * 8 + ("LEFT",), bold_last=True)
    pdf.note(
        "BPJS, Latih dan Siap: persen dari kebutuhan linmas (jumlah TPS × linmas per TPS); "
        "tiap desa dihitung paling banyak sebesar kebutuhannya. Siap = terdaftar, peserta BPJS "
        "Ketenagakerjaan dan mengikuti semua modul pelatihan. TPS tercakup = TPS yang sudah "
        "punya cukup linmas ditugaskan menurut nomor TPS di daftar."
    )


def _milestones(pdf: RecapPDF, recap: Recap) -> None:
    """The H-n plan: which milestone is due and how many kecamatan reached each one."""
    if recap.milestones is None or not recap.milestones.height:
        return
    pdf.heading("Rencana H-n")
    if recap.plan_headline:
        pdf.note(recap.plan_headline)
    rows = [list(recap.milestones.columns)]
    rows += [[str(v) for v in row] for row in recap.milestones.iter_rows()]
    pdf.grid(rows, (40, 14, 32, 16, 39, 39), ("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT"))


def _not_submitted(pdf: RecapPDF, recap: Recap) -> None:
    frame = recap.sheets["Belum Mengirim"]
    pdf.heading(f"Desa/kelurahan yang belum mengirim daftar ({fmt.number(frame.height)})")
    if not frame.height:
        pdf.note("Semua desa/kelurahan sudah mengirim daftar linmas.")
        return
    rows = [["Kecamatan", "Desa/Kelurahan", "Jenis", "Kode desa", "TPS", "Kebutuhan"]]
    rows += [
        [r["Kecamatan"], r["Desa/Kelurahan"], r["Jenis"], r["Kode desa"],
         fmt.number(r["TPS"]), fmt.number(r["Kebutuhan"])]
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip
    pdf.grid(rows, (40, 50, 22, 30, 16, 22), ("LEFT",) * 4 + ("RIGHT",) * 2)


def _rawan(pdf: RecapPDF, recap: Recap) -> None:
    frame = recap.sheets["TPS Kurang"].filter(pl.col("Rawan") != "–")  # sangat rawan first
    pdf.heading(f"TPS rawan yang belum tercakup ({fmt.number(frame.height)})")
    if not frame.height:
        pdf.note("Semua TPS rawan sudah punya cukup linmas.")
        return
    rows = [
        ["Kecamatan", "Desa/Kelurahan", "TPS", "Tingkat", "Alasan rawan", "Ditugaskan", "Kebutuhan"]
    ]
    rows += [
        [r["Kecamatan"], r["Desa/Kelurahan"], fmt.number(r["TPS"]), r["Rawan"],
         r["Alasan rawan"] or "–", fmt.number(r["Linmas ditugaskan"]), fmt.number(r["Kebutuhan"])]
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip
    pdf.grid(rows, (30, 32, 10, 22, 42, 22, 22),
             ("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT"))  # fmt: skip


def _duty(pdf: RecapPDF, recap: Recap) -> None:
    """Per kecamatan: TPS fully assigned and, once marked on voting day, TPS terjaga."""
    for sheet, flag, title in (
        ("Penugasan TPS", "Lengkap", "Penugasan linmas per TPS"),
        ("Kehadiran Hari H", "Terjaga", "Kehadiran linmas di TPS pada hari pemungutan suara"),
    ):
        frame = recap.sheets.get(sheet)
        if frame is None:
            continue
        counts = (
            frame.group_by("Kecamatan")
            .agg(pl.len().alias("tps"), pl.col(flag).sum().alias("ok"))
            .sort("Kecamatan")
        )
        pdf.heading(title)
        rows = [["Kecamatan", "TPS", f"TPS {flag.lower()}"]]
        rows += [
            [r["Kecamatan"], fmt.number(r["tps"]), fmt.number(r["ok"])]
            for r in counts.iter_rows(named=True)
        ]
        pdf.grid(rows, (70, 30, 40), ("LEFT", "RIGHT", "RIGHT"))


def _signature(pdf: RecapPDF, recap: Recap) -> None:
    title, name, nip = recap.signature
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.ln(8)
    x = pdf.l_margin + 100
    lines = [
        ("", f"{fmt.date(recap.generated_at.astimezone(fmt.WIB).date())}"),
        ("", title or "Kepala Satuan"),
        ("", recap.kabupaten_name),
    ]
    for style, text in lines:
        pdf.set_x(x)
        pdf.set_font(FAMILY, style, 9)
        pdf.multi_cell(80, 4.8, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    pdf.set_x(x)
    pdf.set_font(FAMILY, "BU", 9)
    pdf.multi_cell(80, 4.8, name or "(nama pejabat)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(80, 4.8, f"NIP. {nip}" if nip else "NIP. –", align="C")


def pdf_bytes(recap: Recap) -> bytes:
    """The whole apel recap as PDF bytes."""
    pdf = RecapPDF(recap)
    pdf.add_page()
    _title_block(pdf, recap)
    _boxes(pdf, recap)
    _chart(pdf, recap)
    _kecamatan_table(pdf, recap)
    _milestones(pdf, recap)
    _not_submitted(pdf, recap)
    _rawan(pdf, recap)
    _duty(pdf, recap)
    _signature(pdf, recap)
    return bytes(pdf.output())
