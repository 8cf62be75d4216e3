"""Uploaded bytes -> a grid of String cells (c0.., plus ``_row``), whatever the format.

The bytes decide the format, never the file name: CSV in any common encoding and delimiter,
XLSX/XLS/ODS through fastexcel, and the HTML or SpreadsheetML "xls" that older systems save.
Whole-file refusals (empty, too large, encrypted, a zip bomb, unreadable) raise
``RosterFileError`` with a message code; 16-digit numbers Excel may have altered are marked.
Finding the header and sorting rows out is readiness.ingest's job.
"""

from __future__ import annotations

import csv
import decimal
import html
import io
import itertools
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

import polars as pl

from readiness import messages
from readiness.column_names import HEADER_SCAN_ROWS, ROW_COLUMN, header_score
from readiness.config import Settings
from readiness.errors import ReadinessError

# Whole-file rejection codes (RosterFileError.code); messages live in readiness.messages.
FILE_EMPTY = "file_empty"
FILE_ENCRYPTED = "file_encrypted"
FILE_NO_DATA = "file_no_data"
FILE_TOO_LARGE = "file_too_large"
FILE_UNPACKS_TOO_LARGE = "file_unpacks_too_large"
FILE_BUSY = "file_busy"
FILE_UNREADABLE = "file_unreadable"
FILE_UNSUPPORTED = "file_unsupported"

_MAX_COLUMNS = 200  # wider sheets are cut; rosters have about 15 columns
MAX_SHEETS = 20
_UNZIPPED_FACTOR = 10  # an .xlsx may unpack to 10 x the upload limit; more looks like a zip bomb
# ...and never past 40 MB: parsing costs about 2.5 x the unpacked size, and a roster of a few
# thousand rows unpacks to 2-3 MB, so 40 MB keeps one parse well under 150 MB of memory.
_UNZIPPED_MAX_BYTES = 40 * 1024 * 1024
# Workbooks parsed at the same time in one server process; more uploads wait their turn.
_PARSE_SLOTS = threading.BoundedSemaphore(2)
_PARSE_WAIT_SECONDS = 60


class RosterFileError(ReadinessError):
    """The whole file cannot be used; ``code`` names why and ``message`` says how to fix it."""

    def __init__(self, code: str, message: str) -> None:
        """Keep the code for tests and JSON, the message for people."""
        super().__init__(message, code=code)


def file_error(code: str, **fields: object) -> RosterFileError:
    return RosterFileError(code, messages.render(code, **fields))


@dataclass
class Grid:
    frame: pl.DataFrame  # c0..cN String, plus _row Int64
    letters: list[str]  # Excel column letter of each c-column
    detected: dict
    altered: pl.DataFrame = field(  # row, c-column of numbers whose last digit may be altered
        default_factory=lambda: pl.DataFrame(schema={"row": pl.Int64, "column": pl.String})
    )


def _letter(index: int) -> str:
    """0 -> A, 27 -> AB: how Excel names a column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _grid_from_records(records: list[list[str]], first_row: int = 1) -> pl.DataFrame:
    """Ragged rows of text -> c0..cN String columns plus the Excel row number."""
    # zip_longest transposes in C: no per-row Python work even for 50,000 rows.
    columns = list(itertools.islice(itertools.zip_longest(*records), _MAX_COLUMNS))
    frame = pl.DataFrame(
        {f"c{i}": pl.Series(values, dtype=pl.String) for i, values in enumerate(columns)},
        height=len(records),
    )
    return frame.with_columns(
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias(ROW_COLUMN)
    )


_DELIMITERS = (";", ",", "\t", "|")


def _sniff_delimiter(sample: str) -> str:
    """Pick the delimiter whose parse shows the best header, else the most regular row width."""
    best: tuple[tuple[int, int], str] = ((-1, -1), ",")
    for delimiter in _DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))[:60]
        except csv.Error:
            continue
        widths = [sum(1 for c in r if c.strip()) for r in rows]
        score = max((header_score(r) for r in rows[:HEADER_SCAN_ROWS]), default=0)
        wide = [w for w in widths if w >= 2]
        regular = max((wide.count(w) for w in set(wide)), default=0)
        key = (score if score >= 2 else 0, regular)
        if key > best[0]:
            best = (key, delimiter)
    return best[1]


def _decode(data: bytes) -> tuple[str, str]:
    """Bytes -> text; UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text") or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"  # b"\xff\xfe\x01"
    if len(data) > 3 and data[1::2][:200].count(0) > 0.9 * len(data[1::2][:200]):
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing is lost.
        return data.decode("latin-1"), "latin-1"


def _looks_binary(text: str) -> bool:
    """Control characters other than tab and line breaks mean this is not a text table."""
    sample = text[:20000]
    if "\x00" in sample:
        return True
    controls = len(re.findall(r"[\x01-\x08\x0b\x0e-\x1f]", sample))
    return controls > max(2, len(sample) // 200)


def _read_csv(text: str, filename: str, encoding: str) -> Grid:
    """Delimited text: comma, semicolon (Indonesian-locale Excel), tab or pipe."""
    first_row = 1
    delimiter = None
    # Excel writes and honours a first line "sep=;" and does not show it as a row.
    hint = re.match(r"\s*sep=(.)\s*?\r?\n", text)
    if hint:
        delimiter = hint.group(1)
        text = text[hint.end() :]
    if delimiter is None:
        delimiter = _sniff_delimiter(text[:65536])
    # Blank lines after the table (a sheet saved with a million formatted empty rows)
    # hold nothing; dropping them first keeps such a file from costing gigabytes.
    text = text.rstrip("\r\n")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise file_error(FILE_UNREADABLE, file=filename, detail=f"CSV rusak: {error}") from None
    detected = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    frame = _grid_from_records(records, first_row)
    return Grid(frame, [_letter(i) for i in range(frame.width - 1)], detected)


class _TableParser(HTMLParser):
    """Collects every <table> as rows of cell text, expanding colspan and rowspan."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[dict] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append({"rows": [], "row": None, "spans": {}})
        elif not self._stack:
            return
        elif tag == "tr":
            self._end_row()
            self._stack[-1]["row"] = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._stack[-1]["row"] is None:
                self._stack[-1]["row"] = []
            attributes = dict(attrs)
            self._spans = (_span(attributes.get("colspan")), _span(attributes.get("rowspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            self.tables.append(self._stack.pop()["rows"])

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is None or not self._stack:
            return
        table = self._stack[-1]
        row = table["row"]
        text = " ".join("".join(self._cell).replace("\xa0", " ").split(" ")).strip()
        colspan, rowspan = self._spans
        self._fill_spans(table, row)
        column = len(row)
        row.append(text)
        row.extend([""] * (colspan - 1))
        if rowspan > 1:
            for offset in range(1, rowspan):
                for c in range(column, column + colspan):
                    table["spans"][(len(table["rows"]) + offset, c)] = ""
        self._cell = None

    @staticmethod
    def _fill_spans(table: dict, row: list[str]) -> None:
        index = len(table["rows"])
        while (index, len(row)) in table["spans"]:
            row.append(table["spans"].pop((index, len(row))))

    def _end_row(self) -> None:
        self._end_cell()
        if not self._stack:
            return
        table = self._stack[-1]
        if table["row"] is not None:
            self._fill_spans(table, table["row"])
            table["rows"].append(table["row"])
            table["row"] = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_COLUMNS))
    except ValueError:
        return 1


def _best_of(candidates: list[tuple[str, list[list[str]]]]) -> tuple[str, list[list[str]]]:
    """Among tables or sheets, the one whose top rows look most like a roster header."""

    def key(item: tuple[str, list[list[str]]]) -> tuple[int, int]:
        rows = item[1]
        return (max((header_score(r) for r in rows[:HEADER_SCAN_ROWS]), default=0), len(rows))

    return max(candidates, key=key)


def _read_html(text: str, filename: str, encoding: str) -> Grid:
    """Read an HTML table: what many web applications export as "xls"."""
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as error:  # html.parser is lenient; anything left is a broken file
        raise file_error(FILE_UNREADABLE, file=filename, detail=f"HTML rusak: {error}") from None
    tables = [(str(i + 1), t) for i, t in enumerate(parser.tables) if t]
    if not tables:
        raise file_error(FILE_UNSUPPORTED, file=filename, kind="halaman web tanpa tabel")
    name, rows = _best_of(tables)
    frame = _grid_from_records(rows)
    detected = {"format": "html", "encoding": encoding, "table": int(name), "tables": len(tables)}
    return Grid(frame, [_letter(i) for i in range(frame.width - 1)], detected)


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _read_spreadsheetml(text: str, filename: str, encoding: str) -> Grid:
    """Excel 2003 XML ("XML Spreadsheet"), another common web export saved as .xls."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))  # noqa: S314 - size is capped
    except ElementTree.ParseError as error:
        raise file_error(FILE_UNREADABLE, file=filename, detail=f"XML rusak: {error}") from None
    sheets = []
    for sheet in root.iter(f"{_SS}Worksheet"):
        rows: list[list[str]] = []
        for row in sheet.iter(f"{_SS}Row"):
            index = int(row.get(f"{_SS}Index", len(rows) + 1))
            rows.extend([] for _ in range(index - 1 - len(rows)))
            cells: list[str] = []
            for cell in row.iter(f"{_SS}Cell"):
                at = int(cell.get(f"{_SS}Index", len(cells) + 1))
                cells.extend("" for _ in range(min(at, _MAX_COLUMNS) - 1 - len(cells)))
                data = cell.find(f"{_SS}Data")
                value = "".join(data.itertext()) if data is not None else ""
                if data is not None and data.get(f"{_SS}Type") == "DateTime":
                    value = value.replace("T00:00:00.000", "").replace("T", " ")
                cells.append(value)
                cells.extend("" for _ in range(int(cell.get(f"{_SS}MergeAcross", 0) or 0)))
            rows.append(cells)
        sheets.append((sheet.get(f"{_SS}Name", str(len(sheets) + 1)), rows))
    sheets = [s for s in sheets if s[1]]
    if not sheets:
        raise file_error(FILE_EMPTY, file=filename)
    name, rows = _best_of(sheets)
    frame = _grid_from_records(rows)
    detected = {"format": "xml-spreadsheet", "encoding": encoding, "sheet": name}
    return Grid(frame, [_letter(i) for i in range(frame.width - 1)], detected)


def _read_excel(data: bytes, filename: str, kind: str, max_bytes: int) -> Grid:
    """XLSX/XLSM/XLSB/ODS/XLS, at most ``_PARSE_SLOTS`` at a time in this process."""
    if not _PARSE_SLOTS.acquire(timeout=_PARSE_WAIT_SECONDS):
        raise file_error(FILE_BUSY, file=filename)
    try:
        return _parse_excel(data, filename, kind, max_bytes)
    finally:
        _PARSE_SLOTS.release()


def _parse_excel(data: bytes, filename: str, kind: str, max_bytes: int) -> Grid:
    """XLSX/XLSM/XLSB/ODS/XLS through calamine (fastexcel): cells as text, dates as ISO dates."""
    reader = open_workbook(data, filename, kind)
    try:
        names = reader.sheet_names[:MAX_SHEETS]
        candidates = []
        for index, name in enumerate(names):
            sheet = reader.load_sheet(
                index, header_row=None, skip_rows=0, n_rows=HEADER_SCAN_ROWS, dtypes="string"
            )
            visible = str(sheet.visible).lower() == "visible"
            top = sheet.to_polars()
            rows = [[c if c is not None else "" for c in r] for r in top.iter_rows()]
            score = max((header_score(r) for r in rows), default=0)
            candidates.append(((score, visible, top.height), index, name))
    except Exception as error:  # calamine raises several types for broken workbooks
        raise _broken_workbook(filename, kind, error) from None
    if not candidates:
        raise file_error(FILE_EMPTY, file=filename)
    _, index, name = max(candidates, key=lambda c: (c[0], -c[1]))
    return excel_sheet(reader, data, filename, kind, index)


def open_workbook(data: bytes, filename: str, kind: str):
    """The calamine reader of a workbook, or the "unreadable" refusal."""
    import fastexcel

    try:
        return fastexcel.read_excel(data)
    except Exception as error:  # calamine raises several types for broken workbooks
        raise _broken_workbook(filename, kind, error) from None


def _broken_workbook(filename: str, kind: str, error: Exception) -> RosterFileError:
    detail = f"{kind.upper()} rusak: {str(error).splitlines()[0][:120] if str(error) else ''}"
    return file_error(FILE_UNREADABLE, file=filename, detail=detail)


def excel_sheet(reader, data: bytes, filename: str, kind: str, index: int) -> Grid:
    """One sheet of an open workbook as a grid (String cells, ISO dates, Excel row numbers)."""
    names = reader.sheet_names[:MAX_SHEETS]
    name = names[index]
    try:
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        frame = sheet.to_polars()
        columns = sheet.available_columns()
        letters = [_letter(c.absolute_index) for c in columns][: frame.width]
    except Exception as error:  # calamine raises several types for broken workbooks
        raise _broken_workbook(filename, kind, error) from None
    frame = frame.select(frame.columns[:_MAX_COLUMNS])
    letters = letters[:_MAX_COLUMNS]
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    frame = frame.with_columns(
        [
            # A date cell arrives as "1990-01-01 00:00:00"; midnight adds nothing.
            pl.col(c).cast(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
            for c in frame.columns
        ]
    ).with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW_COLUMN))
    grid = Grid(frame, letters, {"format": kind, "sheet": name, "sheets": list(names)})
    if kind == "xlsx":
        grid = _mark_lost_digits(data, name, grid)
    return grid


_BIG_NUMBER = re.compile(rb"<(?:\w+:)?v>\s*-?(?:\d{16,}|\d(?:\.\d+)?[eE]\+?(?:1[5-9]|[2-9]\d))\s*<")
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)>\s*(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?"
    rb"\s*<(?:\w+:)?v>\s*([^<]*?)\s*</"
)
_EXACT_DOUBLE_LIMIT = 2**53  # above this a double (how Excel holds numbers) skips integers


def _mark_lost_digits(data: bytes, sheet_name: str, grid: Grid) -> Grid:
    """Judge a long number by the value stored in the sheet, not by what Excel displays.

    A cell stored as a number whose exact value is a 16-digit integer (a NIK typed without
    Text format) is kept as those 16 digits. It is listed in ``altered`` when Excel may have
    changed its last digit: Excel keeps 15 significant digits and writes 0 for the 16th, so a
    final 0 may not be the KTP's; above 2**53 a double cannot hold every integer, so the last
    digit may have moved. Any other number of 16 or more digits (17 digits, a fraction) is
    rendered as Excel shows it ("1.70202E+15"), so validation asks for it to be retyped.
    """
    frame, letters = grid.frame, grid.letters
    xml = _sheet_xml(data, sheet_name)
    if xml is None or not _BIG_NUMBER.search(xml):
        return grid
    fixes: dict[str, list[tuple[int, str]]] = {}
    altered: list[tuple[int, str]] = []
    column_of = {letter: f"c{i}" for i, letter in enumerate(letters)}
    for match in _CELL.finditer(xml):
        attrs, value = match.group(1), match.group(2).decode("ascii", "replace")
        if not re.fullmatch(r"-?(\d{16,}|\d(\.\d+)?[eE]\+?\d+)", value):
            continue
        kind = re.search(rb'\bt="([^"]*)"', attrs)
        if kind and kind.group(1) not in (b"n", b""):
            continue
        ref = re.search(rb'\br="([A-Z]+)(\d+)"', attrs)
        if not ref or ref.group(1).decode() not in column_of:
            continue
        column, row = column_of[ref.group(1).decode()], int(ref.group(2))
        exact = decimal.Decimal(value)
        whole = exact == exact.to_integral_value() and 10**15 <= exact < 10**16
        if whole:
            shown = f"{exact:.0f}"
            if shown.endswith("0") or exact > _EXACT_DOUBLE_LIMIT:
                altered.append((row, column))
        elif abs(exact) >= 10**15:
            shown = f"{float(exact):.5E}".replace("E+0", "E+")
            shown = re.sub(r"\.?0+E", "E", shown)
        else:
            continue
        fixes.setdefault(column, []).append((row, shown))
    for column, values in fixes.items():
        patch = pl.DataFrame(
            {ROW_COLUMN: [r for r, _ in values], "_fix": [v for _, v in values]},
            schema={ROW_COLUMN: pl.Int64, "_fix": pl.String},
        ).unique(ROW_COLUMN)
        frame = (
            frame.join(patch, on=ROW_COLUMN, how="left")
            .with_columns(pl.coalesce("_fix", column).alias(column))
            .drop("_fix")
        )
    flagged = pl.DataFrame(altered, schema={"row": pl.Int64, "column": pl.String}, orient="row")
    return Grid(frame, letters, grid.detected, flagged)


def _sheet_xml(data: bytes, sheet_name: str) -> bytes | None:
    """Return the worksheet XML of one named sheet inside an .xlsx, or None if not found."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
            rel_id = None
            for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", book):
                name = re.search(rb'\bname="([^"]*)"', tag)
                if name and html.unescape(name.group(1).decode("utf-8")) == sheet_name:
                    found = re.search(rb'\b\w+:id="([^"]*)"', tag)
                    rel_id = found.group(1) if found else None
                    break
            if rel_id is None:
                return None
            for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
                if re.search(rb'\bId="' + re.escape(rel_id) + rb'"', tag):
                    target = re.search(rb'\bTarget="([^"]*)"', tag).group(1).decode()
                    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    return archive.read(path)
    except (KeyError, zipfile.BadZipFile, AttributeError, OSError, ValueError):
        return None
    return None


def _inflated_size(data: bytes, info: zipfile.ZipInfo, cap: int) -> int:
    """Bytes one ZIP member really unpacks to, counted by inflating it; stops past ``cap``."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return cap + 1  # Excel and LibreOffice write only deflate
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    pending = memoryview(data)[info.header_offset + 30 + name_length + extra_length :]
    inflater = zlib.decompressobj(-15)
    total = 0
    while pending and not inflater.eof and total <= cap:
        total += len(inflater.decompress(pending, 1 << 20))
        pending = inflater.unconsumed_tail
    return total


def zip_kind(data: bytes, filename: str, max_bytes: int) -> str:
    """Name what a ZIP container holds: a workbook we read, or something we refuse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            # Count what really unpacks; the sizes in a ZIP's headers can lie.
            cap = unpacked_limit(max_bytes)
            unpacked = 0
            for info in infos:
                unpacked += _inflated_size(data, info, cap - unpacked)
                if unpacked > cap:
                    break
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        NotImplementedError,
        zlib.error,
        struct.error,
    ) as error:
        raise file_error(
            FILE_UNREADABLE, file=filename, detail=f"arsip ZIP/XLSX rusak: {error}"
        ) from None
    if unpacked > unpacked_limit(max_bytes):
        raise file_error(
            FILE_UNPACKS_TOO_LARGE,
            file=filename,
            limit=_megabytes(unpacked_limit(max_bytes)),
        )
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "word/document.xml" in names or b"opendocument.text" in mimetype:
        raise file_error(FILE_UNSUPPORTED, file=filename, kind="dokumen Word/teks")
    if any(n.startswith("ppt/") for n in names):
        raise file_error(FILE_UNSUPPORTED, file=filename, kind="berkas presentasi")
    raise file_error(FILE_UNSUPPORTED, file=filename, kind="arsip ZIP")


def unpacked_limit(max_bytes: int) -> int:
    """How many bytes a workbook of an upload limited to ``max_bytes`` may unpack to."""
    return min(_UNZIPPED_FACTOR * max_bytes, _UNZIPPED_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".replace(".", ",")


_OTHER_MAGIC = (
    (b"%PDF", "dokumen PDF"),
    (b"\x89PNG", "gambar (PNG)"),
    (b"\xff\xd8\xff", "gambar (JPEG/foto)"),
    (b"GIF8", "gambar (GIF)"),
    (b"Rar!", "arsip RAR"),
    (b"7z\xbc\xaf", "arsip 7-Zip"),
    (b"\x1f\x8b", "arsip GZIP"),
    (b"{\\rtf", "dokumen RTF"),
)


def grid_of_file(data: bytes, filename: str, max_bytes: int) -> Grid:
    """Dispatch on the bytes, not the file name."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        kind = zip_kind(data, filename, max_bytes)
        grid = _read_excel(data, filename, kind, max_bytes)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        head = data[: 1 << 20]
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise file_error(FILE_ENCRYPTED, file=filename)
        if "WordDocument".encode("utf-16-le") in head:
            raise file_error(FILE_UNSUPPORTED, file=filename, kind="dokumen Word (.doc)")
        grid = _read_excel(data, filename, "xls", max_bytes)
    else:
        for magic, kind in _OTHER_MAGIC:
            if data.startswith(magic):
                raise file_error(FILE_UNSUPPORTED, file=filename, kind=kind)
        text, encoding = _decode(data)
        if _looks_binary(text):
            raise file_error(
                FILE_UNREADABLE, file=filename, detail="isinya data biner, bukan teks atau Excel"
            )
        head = text[:4096].lstrip().lower()
        if head.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in text[:20000]:
                grid = _read_spreadsheetml(text, filename, encoding)
            elif "<table" in text.lower():
                grid = _read_html(text, filename, encoding)
            else:
                raise file_error(
                    FILE_UNSUPPORTED, file=filename, kind="halaman web/XML tanpa tabel"
                )
        else:
            grid = _read_csv(text, filename, encoding)
    stated = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    grid.detected["extension"] = stated
    if (
        stated
        and stated != grid.detected["format"]
        and not (stated in ("xls", "xlsm") and grid.detected["format"] in ("xlsx", "xls", "html"))
    ):
        grid.detected["extension_mismatch"] = True
    return grid


def refuse_size_or_empty(data: bytes, filename: str, max_bytes: int) -> None:
    """The two checks every upload gets before its bytes are parsed."""
    if len(data) > max_bytes:
        raise file_error(
            FILE_TOO_LARGE, file=filename, size=_megabytes(len(data)), limit=_megabytes(max_bytes)
        )
    if not data.strip(b" \t\r\n\x00\x1a,;|\xef\xbb\xbf\xff\xfe"):
        raise file_error(FILE_EMPTY, file=filename)


# The settings' default upload limit; callers pass the settings in force (max_upload_bytes).
DEFAULT_MAX_BYTES = Settings.max_upload_megabytes * 1024 * 1024


def read_grid(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> pl.DataFrame:
    r"""Any table file as raw cells, for non-roster lists (the KPU TPS list in ``tps_list``).

    Same formats and whole-file refusals as ``read_table``, but no header search: String
    columns ``c0``, ``c1``, ... (Excel's A, B, ...) and ``_row``, the row number Excel shows.

    >>> read_grid(b"TPS;Alamat\r\n1;Jl. Merdeka\r\n", "tps.csv").rows()
    [('TPS', 'Alamat', 1), ('1', 'Jl. Merdeka', 2)]
    """
    refuse_size_or_empty(data, filename, max_bytes)
    return grid_of_file(data, filename, max_bytes).frame
