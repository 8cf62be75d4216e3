"""Duty documents from the assignments in force: SK lampiran (PDF), kartu tugas (PDF), daftar honor (XLSX).

Every function takes the frame of :func:`readiness.assignment.duty_roster` (one row per
assigned linmas, with village and TPS columns) and the settings, and returns bytes. Personal
numbers follow the caller's decision (``show_nik``, ``show_kpj``, ``show_bank``: what the role
may see, UU 27/2022); the QR code of a kartu tugas holds only an address and an opaque code.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import os
from collections.abc import Mapping

import polars as pl
import segno
from fpdf import FPDF

from readiness import formatting as fmt
from readiness.errors import ReadinessError
from readiness.export_pdf import FAMILY, font_paths
from readiness.messages_duty import NOT_FILLED, text
from readiness.privacy import mask_nik
from readiness.spreadsheet import new_workbook, safe_text

CARD_SECRET_ENV = "READINESS_CARD_SECRET"
CARD_SECRET_MIN = 16
HEADER_FILL = (217, 217, 217)
BAND_FILL = (235, 235, 235)


class DutyPDF(FPDF):
    """A portrait PDF with the bundled DejaVu Sans; pages are laid out by hand, no auto break."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for style, path in font_paths().items():
            self.add_font(FAMILY, style, str(path))
        self.set_auto_page_break(auto=False)
        self.set_title(title)
        self.set_creator("Kesiapan Linmas")
        self.footer_text = ""
        self.first_page = 1

    def footer(self) -> None:
        """Which village and which of its pages, so loose sheets find their place again."""
        if not self.footer_text:
            return
        self.set_y(-12)
        self.set_font(FAMILY, "", 7)
        page = self.page_no() - self.first_page + 1
        self.cell(0, 5, f"{self.footer_text} · halaman {page}", align="R")

    def lines_of(self, width: float, value: str) -> int:
        """How many lines ``value`` takes in a cell ``width`` wide with the current font."""
        if "\n" not in value and self.get_string_width(value) <= width - 2 * self.c_margin:
            return 1  # most cells: skip fpdf's (slow) line breaking
        lines = self.multi_cell(width, 4, value, dry_run=True, output="LINES")
        return max(1, len(lines))


def _age(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return NOT_FILLED
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _sex(value: str | None) -> str:
    return {"L": "L", "P": "P"}.get((value or "").strip().upper()[:1], "–")


def _jenis(desa_kind: str | None) -> str:
    return "KELURAHAN" if desa_kind == "kelurahan" else "DESA"


def _head_title(desa_kind: str | None, desa_name: str) -> str:
    """Kepala Desa for a desa, Lurah for a kelurahan (the official who signs the decree)."""
    return f"Lurah {desa_name}" if desa_kind == "kelurahan" else f"Kepala Desa {desa_name}"


# -- SK lampiran -------------------------------------------------------------------------------

SK_COLUMNS = ("No", "Nama", "L/P", "Umur", "Alamat", "TPS", "Keterangan", "NIK")
SK_WIDTHS = (8.0, 42.0, 9.0, 11.0, 39.0, 10.0, 26.0, 35.0)
SK_ALIGN = ("R", "L", "C", "R", "L", "C", "L", "L")
LINE_H = 4.2
PAD = 1.0
SIGNATURE_H = 42.0


def _sk_cells(row: dict, number: int, *, show_nik: bool, on: dt.date) -> list[str]:
    notes: list[str] = []
    for note in ("Cadangan" if row["cadangan"] else None, row.get("keterangan")):
        if note and note.strip() and note.strip().lower() not in {n.lower() for n in notes}:
            notes.append(note.strip())
    nik = row.get("nik") or ""
    return [
        str(number),
        row["nama"],
        _sex(row.get("jenis_kelamin")),
        _age(row.get("tanggal_lahir"), on),
        row.get("alamat") or NOT_FILLED,
        str(row["tps_number"]) if row["tps_number"] is not None else "–",
        "; ".join(notes) or "–",
        nik if show_nik else (mask_nik(nik) or "–"),
    ]


def _table_row(pdf: DutyPDF, cells: list[str], height: float, *, fill=None, bold=False) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", 8)
    x, y = pdf.l_margin, pdf.get_y()
    if fill:
        pdf.set_fill_color(*fill)
    for value, width, align in zip(cells, SK_WIDTHS, SK_ALIGN, strict=True):
        pdf.rect(x, y, width, height, style="DF" if fill else "D")
        pdf.set_xy(x, y + PAD)
        if pdf.lines_of(width, value) == 1:
            pdf.cell(width, LINE_H, value, align=align)
        else:
            pdf.multi_cell(width, LINE_H, value, align=align, new_x="RIGHT", new_y="TOP")
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _row_height(pdf: DutyPDF, cells: list[str]) -> float:
    pdf.set_font(FAMILY, "", 8)
    lines = max(pdf.lines_of(w, v) for v, w in zip(cells, SK_WIDTHS, strict=True))
    return lines * LINE_H + 2 * PAD


def _band(pdf: DutyPDF, label: str) -> None:
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.set_fill_color(*BAND_FILL)
    pdf.cell(sum(SK_WIDTHS), 6, label, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")


def _sk_heading(pdf: DutyPDF, village: dict, settings, *, when: dt.date) -> None:
    fields = {
        "kabupaten": settings.kabupaten_name,
        "kecamatan": village["kecamatan_name"] or "",
        "desa": village["desa_name"],
        "jenis": _jenis(village["desa_kind"]),
    }
    for i, template in enumerate(settings.letterhead):
        pdf.set_font(FAMILY, "B", 12 if i == len(settings.letterhead) - 1 else 11)
        line = " ".join(template.format(**fields).upper().split())
        pdf.cell(0, 5.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1.5
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.set_y(y + 4)
    head = _head_title(village["desa_kind"], village["desa_name"]).upper()
    block = [
        ("LAMPIRAN", f"KEPUTUSAN {head}"),
        ("NOMOR", settings.sk_number),
        ("TANGGAL", fmt.date(when)),
        ("TENTANG", settings.sk_about),
    ]
    for label, value in block:
        pdf.set_x(95)
        pdf.set_font(FAMILY, "", 8.5)
        pdf.cell(20, 4.5, label)
        pdf.cell(4, 4.5, ":")
        pdf.multi_cell(0, 4.5, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.cell(0, 5.5, "DAFTAR ANGGOTA SATLINMAS PETUGAS KETERTIBAN TPS", align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    where = f"{_jenis(village['desa_kind'])} {village['desa_name']} · KECAMATAN "
    pdf.cell(0, 5.5, (where + (village["kecamatan_name"] or "")).upper(), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(0, 5, f"{settings.election_name} · pemungutan suara {fmt.date(settings.voting_date)}",
             align="C", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(3)


def _signature(pdf: DutyPDF, village: dict, *, place: str, when: dt.date) -> None:
    pdf.ln(5)
    x = pdf.l_margin + 100
    head = _head_title(village["desa_kind"], village["desa_name"])
    for style, line in (("", f"{place}, {fmt.date(when)}"), ("B", head.upper())):
        pdf.set_x(x)
        pdf.set_font(FAMILY, style, 9)
        pdf.multi_cell(80, 4.8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.set_x(x)
    pdf.set_font(FAMILY, "", 9)
    pdf.multi_cell(80, 4.8, "(" + "." * 48 + ")", align="C", new_x="LMARGIN", new_y="NEXT")


def _group_label(tps_number: int | None, address: str | None, reserve: bool) -> str:
    if reserve:
        return "Cadangan"
    if tps_number is None:
        return "Belum ditugaskan ke TPS"
    return f"TPS {tps_number} — {address}" if address else f"TPS {tps_number}"


def _sk_village(pdf: DutyPDF, rows: list[dict], settings, *, show_nik, place, when) -> None:
    """One village: heading, table grouped by TPS, signature on the page of the last rows."""
    village = rows[0]
    pdf.add_page()
    pdf.first_page = pdf.page_no()
    pdf.footer_text = f"Lampiran SK · {_jenis(village['desa_kind']).title()} {village['desa_name']}"
    _sk_heading(pdf, village, settings, when=when)
    bottom = pdf.h - 18
    header_h = _row_height(pdf, list(SK_COLUMNS))

    def new_page(group: str | None) -> None:
        pdf.add_page()
        pdf.set_font(FAMILY, "", 8)
        pdf.cell(0, 5, f"{pdf.footer_text} (lanjutan)", new_x="LMARGIN", new_y="NEXT")
        _table_row(pdf, list(SK_COLUMNS), header_h, fill=HEADER_FILL, bold=True)
        if group:
            _band(pdf, f"{group} (lanjutan)")

    _table_row(pdf, list(SK_COLUMNS), header_h, fill=HEADER_FILL, bold=True)
    cells = [
        _sk_cells(r, i + 1, show_nik=show_nik, on=settings.voting_date) for i, r in enumerate(rows)
    ]
    heights = [_row_height(pdf, c) for c in cells]
    group = None
    for i, row in enumerate(rows):
        label = _group_label(row["tps_number"], row.get("tps_address"), row["cadangan"])
        # The last row carries the signature block: if both do not fit, both move on.
        tail = SIGNATURE_H if i == len(rows) - 1 else 0.0
        if label != group:
            if pdf.get_y() + 6 + heights[i] + tail > bottom:
                new_page(None)
            _band(pdf, label)
            group = label
        elif pdf.get_y() + heights[i] + tail > bottom:
            new_page(group)
        _table_row(pdf, cells[i], heights[i])
    _signature(pdf, village, place=place, when=when)


def _ordered(roster: pl.DataFrame) -> pl.DataFrame:
    return roster.sort(
        "kecamatan_code", "desa_code", "cadangan", "tps_number", "nama", nulls_last=True
    )


def sk_lampiran_pdf(
    roster: pl.DataFrame, settings, *, show_nik: bool, place: str, date: dt.date
) -> bytes:
    """The SK lampiran of every village in ``roster``, each starting on a new A4 page.

    roster: :func:`readiness.assignment.duty_roster`. settings: ``config.Settings`` (letterhead,
    sk_number, sk_about, kabupaten_name, election_name, voting_date). NIK is printed in full
    only with ``show_nik``, otherwise masked. ``place`` and ``date`` head the signature block.
    """
    if roster.height == 0:
        msg = text("documents_no_officers", region="wilayah ini", document="lampiran SK")
        raise ReadinessError(msg, code="documents_no_officers")
    pdf = DutyPDF("Lampiran Keputusan — Satlinmas petugas ketertiban TPS")
    pdf.set_margins(15, 15, 15)
    for _, village in _ordered(roster).group_by("desa_code", maintain_order=True):
        _sk_village(pdf, village.to_dicts(), settings, show_nik=show_nik, place=place, when=date)
    return bytes(pdf.output())


# -- kartu tugas -------------------------------------------------------------------------------


def card_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """The HMAC key for card codes, from ``READINESS_CARD_SECRET`` (never in the settings file)."""
    value = (os.environ if environ is None else environ).get(CARD_SECRET_ENV, "").strip()
    if len(value) < CARD_SECRET_MIN:
        msg = text("card_secret_missing", variable=CARD_SECRET_ENV, minimum=CARD_SECRET_MIN)
        raise ReadinessError(msg, code="card_secret_missing")
    return value.encode("utf-8")


def card_code(secret: bytes, desa_code: str, nik: str, tps_number: int | None) -> str:
    """An opaque 20-letter code for one assignment: HMAC-SHA256, base32, no personal data.

    Moving the person to another TPS changes the code, so a card printed for the old TPS no
    longer verifies. Without the secret the code cannot be linked back to a NIK.

    >>> len(card_code(b"k" * 16, "17.02.06.2001", "1702061705900001", 1))
    20
    """
    message = f"{desa_code}|{nik}|{'' if tps_number is None else tps_number}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:20]


def card_payload(verify_url: str, code: str) -> str:
    """What the QR code holds: the verification address and the code, nothing else."""
    return f"{verify_url}?k={code}"


def find_card(roster: pl.DataFrame, secret: bytes, code: str) -> dict | None:
    """The assignment a scanned code belongs to, or None (unknown, moved, or forged)."""
    wanted = code.strip().upper()
    for row in roster.select("desa_code", "nik", "tps_number").iter_rows(named=True):
        candidate = card_code(secret, row["desa_code"], row["nik"], row["tps_number"])
        if hmac.compare_digest(candidate, wanted):
            return roster.filter(
                (pl.col("desa_code") == row["desa_code"]) & (pl.col("nik") == row["nik"])
            ).row(0, named=True)
    return None


CARD_W, CARD_H = 105.0, 148.5
QR_SIZE = 34.0


def _qr(pdf: DutyPDF, payload: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (sharp on any printer), quiet zone included in ``size``."""
    qr = segno.make(payload, error="m", micro=False)
    border = 4
    module = size / (qr.symbol_size(border=0)[0] + 2 * border)
    pdf.set_fill_color(0)
    for row, line in enumerate(qr.matrix):
        start = None
        for col, dark in enumerate([*line, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                left, top = x + (border + start) * module, y + (border + row) * module
                # A hair of overlap so rasterisers leave no white seams between modules.
                pdf.rect(left, top, (col - start) * module + 0.02, module + 0.02, style="F")
                start = None


def _card(pdf: DutyPDF, row: dict, x: float, y: float, settings, *, show_kpj, secret) -> None:
    pad = 7.0
    inner = CARD_W - 2 * pad
    pdf.set_fill_color(*HEADER_FILL)
    pdf.rect(x + pad - 2, y + pad - 2, inner + 4, 15, style="F")
    pdf.set_xy(x + pad, y + pad - 1)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(inner, 6, "KARTU TUGAS LINMAS", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 7.5)
    pdf.cell(inner, 4, f"{settings.election_name} · {settings.kabupaten_name}", align="C",
             new_x="LEFT", new_y="NEXT")  # fmt: skip
    pdf.set_xy(x + pad, y + pad + 16)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(inner, 6, row["nama"], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 20)
    duty = "CADANGAN" if row["cadangan"] else f"TPS {row['tps_number']}"
    if row["cadangan"] and row["tps_number"] is not None:
        duty = f"CADANGAN TPS {row['tps_number']}"
    pdf.cell(inner, 10, duty, align="C", new_x="LEFT", new_y="NEXT")
    bpjs = "peserta" if row.get("bpjs_enrolled") else "belum terdaftar"
    lines = [
        ("Alamat TPS", row.get("tps_address") or NOT_FILLED),
        (_jenis(row.get("desa_kind")).title(), row["desa_name"]),
        ("Kecamatan", row.get("kecamatan_name") or NOT_FILLED),
        ("BPJS TK", bpjs),
    ]
    if show_kpj:
        lines.append(("No. KPJ", row.get("kpj") or NOT_FILLED))
    lines.append(("Kontak desa", row.get("contact") or NOT_FILLED))
    for label, value in lines:
        pdf.set_x(x + pad)
        pdf.set_font(FAMILY, "", 8)
        pdf.cell(24, 4.6, label)
        pdf.multi_cell(inner - 24, 4.6, f": {value}", new_x="LEFT", new_y="NEXT")
    code = card_code(secret, row["desa_code"], row["nik"], row["tps_number"])
    qr_top = y + CARD_H - pad - QR_SIZE - 6
    _qr(pdf, card_payload(settings.card_verify_url, code), x + (CARD_W - QR_SIZE) / 2, qr_top,
        QR_SIZE)  # fmt: skip
    pdf.set_xy(x + pad, qr_top + QR_SIZE)
    pdf.set_font(FAMILY, "", 6.5)
    pdf.cell(inner, 3.2, "Pindai untuk memeriksa keabsahan kartu", align="C",
             new_x="LEFT", new_y="NEXT")  # fmt: skip
    pdf.cell(inner, 3.2, f"Kode {code}", align="C")


def duty_cards_pdf(roster: pl.DataFrame, settings, *, show_kpj: bool, secret: bytes) -> bytes:
    """Kartu tugas, A6, four per A4 page (cut along the dashed lines), one per linmas.

    roster: :func:`readiness.assignment.duty_roster` (with optional ``contact`` per village).
    settings: election_name, kabupaten_name, card_verify_url. The KPJ number is printed only
    with ``show_kpj``; the QR code holds ``card_verify_url?k=<card_code>`` and nothing more.
    """
    if roster.height == 0:
        msg = text("documents_no_officers", region="wilayah ini", document="kartu tugas")
        raise ReadinessError(msg, code="documents_no_officers")
    pdf = DutyPDF("Kartu tugas linmas")
    pdf.set_margins(0, 0, 0)
    for i, row in enumerate(_ordered(roster).iter_rows(named=True)):
        slot = i % 4
        if slot == 0:
            pdf.add_page()
            pdf.set_dash_pattern(dash=2, gap=2)
            pdf.set_draw_color(140)
            pdf.line(CARD_W, 0, CARD_W, pdf.h)
            pdf.line(0, CARD_H, pdf.w, CARD_H)
            pdf.set_dash_pattern()
            pdf.set_draw_color(0)
        x, y = (slot % 2) * CARD_W, (slot // 2) * CARD_H
        _card(pdf, row, x, y, settings, show_kpj=show_kpj, secret=secret)
    return bytes(pdf.output())


# -- daftar honor ------------------------------------------------------------------------------


def honor_frame(roster: pl.DataFrame, settings) -> pl.DataFrame:
    """The paid people (assigned to a TPS, not cadangan) with days, rate and amount.

    days come from a ``days`` column when the roster has one (e.g. from attendance), else
    settings.honor_days; honor_per_day from the settings; amount = days × honor_per_day.
    """
    days = pl.col("days").cast(pl.Int64) if "days" in roster.columns else pl.lit(None, pl.Int64)
    return (
        _ordered(roster)
        .filter(~pl.col("cadangan") & pl.col("tps_number").is_not_null())
        .with_columns(
            days.fill_null(settings.honor_days).alias("days"),
            pl.lit(settings.honor_per_day, pl.Int64).alias("honor_per_day"),
        )
        .with_columns((pl.col("days") * pl.col("honor_per_day")).alias("amount"))
    )


def honor_xlsx(
    roster: pl.DataFrame, settings, *, show_nik: bool, show_bank: bool, region_name: str
) -> bytes:
    """Daftar honor: one row per paid linmas, a total per desa, per kecamatan and overall.

    NIK and the bank columns (bank_name, bank_account; blank for hand filling when absent)
    appear only when the role allows (``show_nik``, ``show_bank``). Amounts are numbers, totals
    are written as values (no formulas), and every text cell is neutralised.
    """
    paid = honor_frame(roster, settings)
    if paid.height == 0:
        msg = text("documents_no_officers", region=region_name, document="daftar honor")
        raise ReadinessError(msg, code="documents_no_officers")
    header = ["No", "Kecamatan", "Desa/Kelurahan", "Nama", "TPS", "Hari", "Honor per hari",
              "Jumlah"]  # fmt: skip
    if show_nik:
        header.insert(4, "NIK")
    if show_bank:
        header += ["Nama bank", "No. rekening"]
    header.append("Tanda tangan")
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    sheet = book.add_worksheet("Daftar Honor")
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": "#,##0", "border": 1})
    money_bold = book.add_format({"num_format": "#,##0", "border": 1, "bold": True})
    cell = book.add_format({"border": 1})
    cell_bold = book.add_format({"border": 1, "bold": True})
    title = "DAFTAR HONOR LINMAS PETUGAS KETERTIBAN TPS"
    sheet.write_string(0, 0, title, bold)
    sheet.write_string(1, 0, safe_text(f"{region_name} · {settings.election_name}"))
    rate = f"Honor {fmt.rupiah(settings.honor_per_day)} per hari"
    sheet.write_string(2, 0, safe_text(rate))
    for col, name in enumerate(header):
        sheet.write_string(4, col, name, head)
    col_of = {name: i for i, name in enumerate(header)}
    r = 5

    def total_row(label: str, amount: int, days: int) -> None:
        nonlocal r
        for col in range(len(header)):
            sheet.write_blank(r, col, None, cell_bold)
        sheet.write_string(r, col_of["Nama"], safe_text(label), cell_bold)
        sheet.write_number(r, col_of["Hari"], days, cell_bold)
        sheet.write_number(r, col_of["Jumlah"], amount, money_bold)
        r += 1

    number = 0
    for (_, kecamatan_name), kecamatan in paid.group_by(
        "kecamatan_code", "kecamatan_name", maintain_order=True
    ):
        for (_, desa_name), desa in kecamatan.group_by(
            "desa_code", "desa_name", maintain_order=True
        ):
            for row in desa.iter_rows(named=True):
                number += 1
                values = {
                    "No": number,
                    "Kecamatan": kecamatan_name or NOT_FILLED,
                    "Desa/Kelurahan": desa_name,
                    "Nama": row["nama"],
                    "NIK": row["nik"],
                    "TPS": row["tps_number"],
                    "Hari": row["days"],
                    "Honor per hari": row["honor_per_day"],
                    "Jumlah": row["amount"],
                    "Nama bank": row.get("bank_name") or "",
                    "No. rekening": row.get("bank_account") or "",
                    "Tanda tangan": "",
                }
                for name, col in col_of.items():
                    value = values[name]
                    if isinstance(value, int):
                        style = money if name in ("Honor per hari", "Jumlah") else cell
                        sheet.write_number(r, col, value, style)
                    else:
                        sheet.write_string(r, col, safe_text(str(value)), cell)
                r += 1
            total_row(f"Jumlah {desa_name}", desa["amount"].sum(), desa["days"].sum())
        label = f"Jumlah Kecamatan {kecamatan_name}"
        total_row(label, kecamatan["amount"].sum(), kecamatan["days"].sum())
    if paid["kecamatan_code"].n_unique() > 1:
        total_row("JUMLAH SELURUHNYA", paid["amount"].sum(), paid["days"].sum())
    widths = {"No": 5, "Kecamatan": 18, "Desa/Kelurahan": 20, "Nama": 30, "NIK": 19, "TPS": 6,
              "Hari": 6, "Honor per hari": 14, "Jumlah": 14, "Nama bank": 16,
              "No. rekening": 18, "Tanda tangan": 18}  # fmt: skip
    for name, col in col_of.items():
        sheet.set_column(col, col, widths[name])
    sheet.freeze_panes(5, 0)
    book.close()
    return buffer.getvalue()
