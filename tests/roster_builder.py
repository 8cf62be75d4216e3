"""Builds roster bytes in the shapes villages really send, so tests state only what differs."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence

HEADER = (
    "No",
    "Nama",
    "NIK",
    "Jenis Kelamin",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Alamat",
    "No. HP",
    "TPS",
    "Status BPJS",
    "No. KPJ",
    "Pelatihan",
    "Keterangan",
)


def nik(
    day: int = 1,
    month: int = 1,
    year: int = 1990,
    *,
    female: bool = False,
    serial: int = 1,
    region: str = "170206",
) -> str:
    """A structurally valid NIK: region 6, DDMMYY (day + 40 for women), serial 4."""
    return f"{region}{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"


def person(index: int = 1, **overrides: object) -> dict[str, object]:
    """A valid Rejang Lebong linmas; ``index`` keeps NIKs unique."""
    born = dt.date(1980 + index % 20, 1 + index % 12, 1 + index % 28)
    row: dict[str, object] = {
        "No": index,
        "Nama": f"Linmas {index}",
        "NIK": nik(born.day, born.month, born.year, serial=index % 9000 + 1),
        "Jenis Kelamin": "L",
        "Tempat Lahir": "Curup",
        "Tanggal Lahir": born.strftime("%d-%m-%Y"),
        "Alamat": f"Dusun {index % 4 + 1}",
        "No. HP": f"0812{index:08d}",
        "TPS": f"TPS {index % 5 + 1:02d}",
        "Status BPJS": "Ya",
        "No. KPJ": f"{index:011d}",
        "Pelatihan": "Sudah",
        "Keterangan": "",
    }
    row.update(overrides)
    return row


def people(count: int, **overrides: object) -> list[dict[str, object]]:
    """``count`` valid persons numbered from 1."""
    return [person(i, **overrides) for i in range(1, count + 1)]


def _cells(rows: Sequence[dict[str, object]], header: Sequence[str]) -> list[list[object]]:
    return [[row.get(h, "") for h in header] for row in rows]


def csv_bytes(
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
    above: Sequence[Sequence[object]] = (),
    below: Sequence[Sequence[object]] = (),
) -> bytes:
    """A CSV as Excel or a web app writes it; ``above``/``below`` are raw rows (titles, totals)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(above)
    writer.writerow(header)
    writer.writerows(_cells(rows, header))
    writer.writerows(below)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] = HEADER,
    above: Sequence[Sequence[object]] = (),
    below: Sequence[Sequence[object]] = (),
    sheet: str = "Data",
    first_sheet: tuple[str, Sequence[Sequence[object]]] | None = None,
    sub_header: Sequence[object] | None = None,
    merges: Sequence[str] = (),
    start_column: int = 1,
) -> bytes:
    """An XLSX written by openpyxl; cell values keep their Python types (dates, ints, floats)."""
    import openpyxl

    book = openpyxl.Workbook()
    work = book.active
    if first_sheet is not None:
        work.title = first_sheet[0]
        for line in first_sheet[1]:
            work.append(list(line))
        work = book.create_sheet(sheet)
    else:
        work.title = sheet
    pad = [None] * (start_column - 1)
    for line in above:
        work.append(pad + list(line))
    work.append(pad + list(header))
    if sub_header is not None:
        work.append(pad + list(sub_header))
    for line in _cells(rows, header):
        work.append(pad + [None if v == "" else v for v in line])
    for line in below:
        work.append(pad + list(line))
    for cells in merges:
        work.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def html_bytes(
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] = HEADER,
    title: str = "",
    encoding: str = "utf-8",
) -> bytes:
    """The "xls" many web applications export: an HTML table."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in line) + "</tr>\n"
        for line in _cells(rows, header)
    )
    caption = (
        f'<tr><td colspan="{len(header)}"><b>{html.escape(title)}</b></td></tr>' if title else ""
    )
    page = (
        '<html><head><meta charset="utf-8"></head><body><table border="1">'
        f"{caption}<tr>{head}</tr>\n{body}</table></body></html>"
    )
    return page.encode(encoding)
