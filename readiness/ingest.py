"""Uploaded roster bytes (CSV, XLSX, XLS, ODS, HTML/XML "xls") -> all-string frame + what was seen.

The reader never trusts the file name: the bytes decide the format. It finds the header row among
titles and blank rows, merges a two-level header, and sets aside (and lists) blank, total,
repeated-header and signature rows so they are never stored as people. Row numbers are the row a
person sees in Excel. A file that cannot be used at all raises ``RosterFileError``.

To re-validate rows an operator edited in the page, build the table yourself::

    RawTable(frame=edited_frame, detected=raw.detected, skipped=raw.skipped)

where ``edited_frame`` keeps the header-named String columns and the Int64 ``_row`` column.
"""

from __future__ import annotations

import csv
import decimal
import functools
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
from readiness.config import Settings
from readiness.db.rosters import ROSTER_COLUMNS
from readiness.errors import ReadinessError

# The roster's columns in template order, as the officers table stores them.
CANONICAL_COLUMNS: tuple[str, ...] = ROSTER_COLUMNS
REQUIRED_COLUMNS: tuple[str, ...] = ("nama", "nik", "jenis_kelamin", "tanggal_lahir")
# Pseudo-canonical names the validator resolves: a combined "Tempat/Tgl Lahir" cell, and sex
# written as two tick columns "L" and "P" under a "Jenis Kelamin" group header.
PSEUDO_COLUMNS: tuple[str, ...] = ("ttl", "jk_l", "jk_p")
# What an operator would write as header for each canonical column, shown in error messages.
EXPECTED_HEADERS: dict[str, str] = {
    "nama": "Nama",
    "nik": "NIK",
    "jenis_kelamin": "Jenis Kelamin (L/P)",
    "tempat_lahir": "Tempat Lahir",
    "tanggal_lahir": "Tanggal Lahir",
    "alamat": "Alamat",
    "no_hp": "No. HP",
    "nomor_tps": "No. TPS",
    "status_bpjs": "Status BPJS",
    "no_kpj": "No. KPJ",
    "status_pelatihan": "Pelatihan",
    "tanggal_pelatihan": "Tanggal Pelatihan",
    "keterangan": "Keterangan",
}
# Whole-file rejection codes (RosterFileError.code); messages live in readiness.messages.
FILE_EMPTY = "file_empty"
FILE_ENCRYPTED = "file_encrypted"
FILE_NO_DATA = "file_no_data"
FILE_TOO_LARGE = "file_too_large"
FILE_UNPACKS_TOO_LARGE = "file_unpacks_too_large"
FILE_BUSY = "file_busy"
FILE_UNREADABLE = "file_unreadable"
FILE_UNSUPPORTED = "file_unsupported"
COLUMNS_MISSING = "columns_missing"  # raised by readiness.validation
ROW_COLUMN = "_row"
GROUP_SEPARATOR = " › "  # joins a two-level header: "Tempat/Tgl Lahir › Tanggal"

_HEADER_SCAN_ROWS = 30  # the header is looked for among this many rows at the top
_MAX_COLUMNS = 200  # wider sheets are cut; rosters have about 15 columns
_MAX_SHEETS = 20
_UNZIPPED_FACTOR = 10  # an .xlsx may unpack to 10 x the upload limit; more looks like a zip bomb
# ...and never past 40 MB: parsing costs about 2.5 x the unpacked size, and a roster of a few
# thousand rows unpacks to 2-3 MB, so 40 MB keeps one parse well under 150 MB of memory.
_UNZIPPED_MAX_BYTES = 40 * 1024 * 1024
# Workbooks parsed at the same time in one server process; more uploads wait their turn.
_PARSE_SLOTS = threading.BoundedSemaphore(2)
_PARSE_WAIT_SECONDS = 60

_SKIP_BLANK = "Baris kosong"
_SKIP_HEADER_AGAIN = "Judul kolom yang berulang"
_SKIP_NUMBERING = "Baris nomor kolom (1, 2, 3, ...)"
_SKIP_TOTAL = "Baris jumlah/total"
_SKIP_SIGNATURE = "Tanda tangan, tanggal atau catatan di bawah tabel"
_SKIP_EXAMPLE = "Baris contoh dari templat"
_SKIP_SUBTITLE = "Subjudul di antara data (bukan data orang)"
_SKIP_NO_PERSON = "Tidak ada nama maupun NIK (hanya nomor urut atau kolom lain)"


class RosterFileError(ReadinessError):
    """The whole file cannot be used; ``code`` names why and ``message`` says how to fix it."""

    def __init__(self, code: str, message: str) -> None:
        """Keep the code for tests and JSON, the message for people."""
        super().__init__(message, code=code)


def _file_error(code: str, **fields: object) -> RosterFileError:
    return RosterFileError(code, messages.render(code, **fields))


@dataclass(frozen=True)
class RawTable:
    """Data rows under their own header text (all String) plus ``_row``, the Excel row number."""

    frame: pl.DataFrame
    detected: dict = field(default_factory=dict)
    skipped: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"row": pl.Int64, "reason": pl.String})
    )
    # Text of every non-blank row that is not data (titles above the header, sub-headings,
    # totals): village sub-headings ("DESA TASIKMALAYA") are read from here.
    notes: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"row": pl.Int64, "text": pl.String})
    )
    # Cells stored by Excel as a 16-digit number kept whole, whose last digit Excel may have
    # altered (see ``_mark_lost_digits``): row and header text of the column.
    altered_digits: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"row": pl.Int64, "column": pl.String})
    )


# ---------------------------------------------------------------------------------------------
# Column names: one alias table for what people write above each column.
# ---------------------------------------------------------------------------------------------

_EXACT_ALIASES: dict[str, str | None] = {
    "nama": "nama",
    "name": "nama",
    "nik": "nik",
    "n i k": "nik",  # "N I K" / "N.I.K" spelled out letter by letter
    "jk": "jenis_kelamin",
    "j k": "jenis_kelamin",
    "l p": "jenis_kelamin",
    "lp": "jenis_kelamin",
    "p l": "jenis_kelamin",
    "gender": "jenis_kelamin",
    "sex": "jenis_kelamin",
    "jns kel": "jenis_kelamin",
    "jenis kel": "jenis_kelamin",
    "l": "jk_l",
    "lk": "jk_l",
    "laki laki": "jk_l",
    "p": "jk_p",
    "pr": "jk_p",
    "perempuan": "jk_p",
    "tempat": "tempat_lahir",
    "lahir": "tanggal_lahir",
    "dob": "tanggal_lahir",
    "date of birth": "tanggal_lahir",
    "birth date": "tanggal_lahir",
    "ttl": "ttl",
    "hp": "no_hp",
    "wa": "no_hp",
    "tps": "nomor_tps",
    "ket": "keterangan",
    "alamat": "alamat",
}
# A column naming each row's village (kecamatan recaps): "Desa", "Desa/Kelurahan", "Kode Desa".
DESA_COLUMN = "desa"
_DESA_WORDS = frozenset({"desa", "kelurahan"})
_DESA_HEADER_WORDS = _DESA_WORDS | {"kel", "ds", "nama", "kode", "asal"}
_PLACE_WORDS = frozenset({"tempat", "tmp", "tmpt", "tpt", "place"})
_DATE_WORDS = frozenset({"tanggal", "tgl", "tangal", "date", "waktu", "tahun", "bulan"})
_BIRTH_WORDS = frozenset({"lahir", "lhr", "kelahiran", "birth"})
_PHONE_WORDS = frozenset(
    {"hp", "wa", "whatsapp", "telp", "telepon", "telpon", "tlp", "handphone", "ponsel", "phone"}
)
_BPJS_WORDS = frozenset({"bpjs", "bpjamsostek", "jamsostek", "bpjstk", "ketenagakerjaan"})
_NUMBER_WORDS = frozenset({"no", "nomor", "nmr", "nomer", "kartu", "peserta", "number"})
_TRAINING_WORDS = frozenset({"pelatihan", "bimtek", "diklat", "training", "latihan"})
_NOTE_WORDS = frozenset({"keterangan", "ket", "catatan", "keteranga", "remarks", "note"})
_NOT_A_PERSON_NAME = frozenset(
    {
        "desa",
        "kelurahan",
        "kecamatan",
        "ibu",
        "ayah",
        "bank",
        "kades",
        "dusun",
        "ketua",
        "ahli",
        "waris",
        "tps",
        "pasangan",
        "istri",
        "suami",
        "kepala",
        "kabupaten",
        "daftar",
    }
)
_MALE_WORDS = frozenset({"l", "lk", "laki", "laki laki", "pria", "male", "m"})
_FEMALE_WORDS = frozenset({"p", "pr", "perempuan", "wanita", "female", "w"})


def _norm(text: str) -> str:
    """Lower-case words only: "No. HP/WA" -> "no hp wa"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@functools.lru_cache(maxsize=4096)  # header scoring asks about the same cells many times
def _canonical_for(label: str) -> str | None:
    """Canonical column for one header text, or None when the column is not ours."""
    if GROUP_SEPARATOR in label:
        group, sub = label.split(GROUP_SEPARATOR, 1)
        return _canonical_for_group(group, sub)
    text = _norm(label)
    if not text or len(text) > 60:
        return None
    if text in _EXACT_ALIASES:
        return _EXACT_ALIASES[text]
    words = set(text.split())
    # A family card number (No. KK, also 16 digits) must never be taken for the NIK.
    if "kk" in words or "kartu keluarga" in text or words & {"nip", "nrp", "npwp"}:
        return None
    # "KTP" names the NIK only as "No. KTP"/"KTP"; "Nama sesuai KTP" is the name column.
    ktp_number = "ktp" in words and (bool(words & _NUMBER_WORDS) or words == {"ktp"})
    if words & {"nik", "nomorinduk"} or ktp_number or "induk kependudukan" in text:
        return "nik"
    if "kpj" in words:
        return "no_kpj"
    if words & _BPJS_WORDS:
        return "no_kpj" if words & _NUMBER_WORDS else "status_bpjs"
    if words & _TRAINING_WORDS:
        return "tanggal_pelatihan" if words & _DATE_WORDS else "status_pelatihan"
    if (words & _PLACE_WORDS and words & _DATE_WORDS) or "ttl" in words:
        return "ttl"
    if words & _BIRTH_WORDS:
        if words & _PLACE_WORDS or "kota" in words:
            return "tempat_lahir"
        if words & {"umur", "usia"}:
            return None
        return "tanggal_lahir"
    if "kelamin" in words or "gender" in words:
        return "jenis_kelamin"
    if "alamat" in words or "domisili" in words:
        return "alamat"
    if words & _PHONE_WORDS or "no hp" in text:
        return "no_hp"
    if "tps" in words and not words & {"jumlah", "jml", "total", "nama"}:
        return "nomor_tps"
    if words & _NOTE_WORDS:
        return "keterangan"
    if words & _DESA_WORDS and words <= _DESA_HEADER_WORDS:
        return DESA_COLUMN
    if "nama" in words and not words & _NOT_A_PERSON_NAME:
        return "nama"
    return None


def _canonical_for_group(group: str, sub: str) -> str | None:
    """Resolve a two-level header where the sub-label alone ("Tanggal", "No") is ambiguous."""
    parent = _canonical_for(group)
    words = set(_norm(sub).split())
    sub_text = _norm(sub)
    if parent in ("ttl", "tempat_lahir", "tanggal_lahir"):
        if words & _PLACE_WORDS:
            return "tempat_lahir"
        if words & _DATE_WORDS or words & _BIRTH_WORDS:
            return "tanggal_lahir"
    if parent in ("jenis_kelamin", "jk_l", "jk_p"):
        if sub_text in _MALE_WORDS:
            return "jk_l"
        if sub_text in _FEMALE_WORDS:
            return "jk_p"
    if parent in ("status_bpjs", "no_kpj"):
        if words & _NUMBER_WORDS or "kpj" in words:
            return "no_kpj"
        if words & _DATE_WORDS:
            return None
        return "status_bpjs"
    if parent in ("status_pelatihan", "tanggal_pelatihan"):
        return "tanggal_pelatihan" if words & _DATE_WORDS else "status_pelatihan"
    own = _canonical_for(sub)
    if own is not None:
        return own
    return _canonical_for(f"{group} {sub}")


def family_card_columns(columns: list[str]) -> list[str]:
    """Columns headed as a family card number ("No. KK", "NKK"): never the NIK, only compared.

    >>> family_card_columns(["Nama", "NIK", "No. KK", "Nomor Kartu Keluarga"])
    ['No. KK', 'Nomor Kartu Keluarga']
    """
    return [
        c
        for c in columns
        if c != ROW_COLUMN
        and ({"kk", "nkk"} & set(_norm(c).split()) or "kartu keluarga" in _norm(c))
    ]


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """Header text -> canonical column (first column wins a name); None means "ignore".

    >>> guess_mapping(["No", "Nama Lengkap", "No. KK", "NIK", "L/P", "Tempat/Tgl Lahir"])
    {'No': None, 'Nama Lengkap': 'nama', 'No. KK': None, 'NIK': 'nik', 'L/P': 'jenis_kelamin', 'Tempat/Tgl Lahir': 'ttl'}
    """  # noqa: E501
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for column in columns:
        if column == ROW_COLUMN:
            continue
        canonical = _canonical_for(column)
        if canonical in taken:
            canonical = None
        if canonical is not None:
            taken.add(canonical)
        mapping[column] = canonical
    if "jenis_kelamin" in taken or not {"jk_l", "jk_p"} <= taken:
        mapping = {k: (None if v in ("jk_l", "jk_p") else v) for k, v in mapping.items()}
    return mapping


def _header_score(cells: list[str | None]) -> int:
    """How many distinct roster columns a candidate header row names."""
    found = {_canonical_for(c) for c in cells if c and len(c) <= 60}
    found.discard(None)
    return len(found)


# ---------------------------------------------------------------------------------------------
# Bytes -> grid (String columns c0.. plus _row) for each format.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Grid:
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
        score = max((_header_score(r) for r in rows[:_HEADER_SCAN_ROWS]), default=0)
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


def _read_csv(text: str, filename: str, encoding: str) -> _Grid:
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
        raise _file_error(FILE_UNREADABLE, file=filename, detail=f"CSV rusak: {error}") from None
    detected = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    frame = _grid_from_records(records, first_row)
    return _Grid(frame, [_letter(i) for i in range(frame.width - 1)], detected)


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
        return (max((_header_score(r) for r in rows[:_HEADER_SCAN_ROWS]), default=0), len(rows))

    return max(candidates, key=key)


def _read_html(text: str, filename: str, encoding: str) -> _Grid:
    """Read an HTML table: what many web applications export as "xls"."""
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as error:  # html.parser is lenient; anything left is a broken file
        raise _file_error(FILE_UNREADABLE, file=filename, detail=f"HTML rusak: {error}") from None
    tables = [(str(i + 1), t) for i, t in enumerate(parser.tables) if t]
    if not tables:
        raise _file_error(FILE_UNSUPPORTED, file=filename, kind="halaman web tanpa tabel")
    name, rows = _best_of(tables)
    frame = _grid_from_records(rows)
    detected = {"format": "html", "encoding": encoding, "table": int(name), "tables": len(tables)}
    return _Grid(frame, [_letter(i) for i in range(frame.width - 1)], detected)


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _read_spreadsheetml(text: str, filename: str, encoding: str) -> _Grid:
    """Excel 2003 XML ("XML Spreadsheet"), another common web export saved as .xls."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))  # noqa: S314 - size is capped
    except ElementTree.ParseError as error:
        raise _file_error(FILE_UNREADABLE, file=filename, detail=f"XML rusak: {error}") from None
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
        raise _file_error(FILE_EMPTY, file=filename)
    name, rows = _best_of(sheets)
    frame = _grid_from_records(rows)
    detected = {"format": "xml-spreadsheet", "encoding": encoding, "sheet": name}
    return _Grid(frame, [_letter(i) for i in range(frame.width - 1)], detected)


def _read_excel(data: bytes, filename: str, kind: str, max_bytes: int) -> _Grid:
    """XLSX/XLSM/XLSB/ODS/XLS, at most ``_PARSE_SLOTS`` at a time in this process."""
    if not _PARSE_SLOTS.acquire(timeout=_PARSE_WAIT_SECONDS):
        raise _file_error(FILE_BUSY, file=filename)
    try:
        return _parse_excel(data, filename, kind, max_bytes)
    finally:
        _PARSE_SLOTS.release()


def _parse_excel(data: bytes, filename: str, kind: str, max_bytes: int) -> _Grid:
    """XLSX/XLSM/XLSB/ODS/XLS through calamine (fastexcel): cells as text, dates as ISO dates."""
    reader = _open_workbook(data, filename, kind)
    try:
        names = reader.sheet_names[:_MAX_SHEETS]
        candidates = []
        for index, name in enumerate(names):
            sheet = reader.load_sheet(
                index, header_row=None, skip_rows=0, n_rows=_HEADER_SCAN_ROWS, dtypes="string"
            )
            visible = str(sheet.visible).lower() == "visible"
            top = sheet.to_polars()
            rows = [[c if c is not None else "" for c in r] for r in top.iter_rows()]
            score = max((_header_score(r) for r in rows), default=0)
            candidates.append(((score, visible, top.height), index, name))
    except Exception as error:  # calamine raises several types for broken workbooks
        raise _broken_workbook(filename, kind, error) from None
    if not candidates:
        raise _file_error(FILE_EMPTY, file=filename)
    _, index, name = max(candidates, key=lambda c: (c[0], -c[1]))
    return _excel_sheet(reader, data, filename, kind, index)


def _open_workbook(data: bytes, filename: str, kind: str):
    """The calamine reader of a workbook, or the "unreadable" refusal."""
    import fastexcel

    try:
        return fastexcel.read_excel(data)
    except Exception as error:  # calamine raises several types for broken workbooks
        raise _broken_workbook(filename, kind, error) from None


def _broken_workbook(filename: str, kind: str, error: Exception) -> RosterFileError:
    detail = f"{kind.upper()} rusak: {str(error).splitlines()[0][:120] if str(error) else ''}"
    return _file_error(FILE_UNREADABLE, file=filename, detail=detail)


def _excel_sheet(reader, data: bytes, filename: str, kind: str, index: int) -> _Grid:
    """One sheet of an open workbook as a grid (String cells, ISO dates, Excel row numbers)."""
    names = reader.sheet_names[:_MAX_SHEETS]
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
    grid = _Grid(frame, letters, {"format": kind, "sheet": name, "sheets": list(names)})
    if kind == "xlsx":
        grid = _mark_lost_digits(data, name, grid)
    return grid


def read_sheets(
    data: bytes, filename: str, *, max_bytes: int = 5_000_000
) -> list[tuple[str, RawTable | RosterFileError]]:
    """Every sheet of a workbook read as a roster, in workbook order: (sheet name, table or why not).

    For a kecamatan workbook with one sheet per village. Text formats (CSV, HTML) have no
    sheets: the list is empty. A sheet that holds no table comes back as its ``RosterFileError``.
    """
    _refuse_size_or_empty(data, filename, max_bytes)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _zip_kind(data, filename, max_bytes)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = "xls"
    else:
        return []
    reader = _open_workbook(data, filename, kind)
    sheets: list[tuple[str, RawTable | RosterFileError]] = []
    for index, name in enumerate(reader.sheet_names[:_MAX_SHEETS]):
        try:
            sheets.append(
                (name, _locate_table(_excel_sheet(reader, data, filename, kind, index), filename))
            )
        except RosterFileError as error:
            sheets.append((name, error))
    return sheets


_BIG_NUMBER = re.compile(rb"<(?:\w+:)?v>\s*-?(?:\d{16,}|\d(?:\.\d+)?[eE]\+?(?:1[5-9]|[2-9]\d))\s*<")
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)>\s*(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?"
    rb"\s*<(?:\w+:)?v>\s*([^<]*?)\s*</"
)
_EXACT_DOUBLE_LIMIT = 2**53  # above this a double (how Excel holds numbers) skips integers


def _mark_lost_digits(data: bytes, sheet_name: str, grid: _Grid) -> _Grid:
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
    return _Grid(frame, letters, grid.detected, flagged)


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


def _zip_kind(data: bytes, filename: str, max_bytes: int) -> str:
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
        raise _file_error(
            FILE_UNREADABLE, file=filename, detail=f"arsip ZIP/XLSX rusak: {error}"
        ) from None
    if unpacked > unpacked_limit(max_bytes):
        raise _file_error(
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
        raise _file_error(FILE_UNSUPPORTED, file=filename, kind="dokumen Word/teks")
    if any(n.startswith("ppt/") for n in names):
        raise _file_error(FILE_UNSUPPORTED, file=filename, kind="berkas presentasi")
    raise _file_error(FILE_UNSUPPORTED, file=filename, kind="arsip ZIP")


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


def _read_grid(data: bytes, filename: str, max_bytes: int) -> _Grid:
    """Dispatch on the bytes, not the file name."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        kind = _zip_kind(data, filename, max_bytes)
        grid = _read_excel(data, filename, kind, max_bytes)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        head = data[: 1 << 20]
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise _file_error(FILE_ENCRYPTED, file=filename)
        if "WordDocument".encode("utf-16-le") in head:
            raise _file_error(FILE_UNSUPPORTED, file=filename, kind="dokumen Word (.doc)")
        grid = _read_excel(data, filename, "xls", max_bytes)
    else:
        for magic, kind in _OTHER_MAGIC:
            if data.startswith(magic):
                raise _file_error(FILE_UNSUPPORTED, file=filename, kind=kind)
        text, encoding = _decode(data)
        if _looks_binary(text):
            raise _file_error(
                FILE_UNREADABLE, file=filename, detail="isinya data biner, bukan teks atau Excel"
            )
        head = text[:4096].lstrip().lower()
        if head.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in text[:20000]:
                grid = _read_spreadsheetml(text, filename, encoding)
            elif "<table" in text.lower():
                grid = _read_html(text, filename, encoding)
            else:
                raise _file_error(
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


# ---------------------------------------------------------------------------------------------
# Grid -> header + data rows + skipped rows.
# ---------------------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\(?\d{1,2}\)?\.?$")
_TOTAL = r"(?i)^\s*(jumlah|jml\.?|total|sub\s*total|grand\s*total)\b"
_SIGNATURE = (
    r"(?i)^\s*(mengetahui|menyetujui|disetujui|disahkan|dibuat\s+oleh|yang\s+membuat|pembuat|"
    r"kepala\s+(desa|kelurahan|dusun|seksi|satuan|bidang)|kades|lurah|camat|sekretaris|sekdes|"
    r"kasat|plt\.?|pj\.?\b|an\.|a\.n\.?|ttd|tanda\s+tangan|nip\b|nip\.|nrp\b|"
    r"catatan|keterangan\s*:|ket\s*:|note|dicetak|sumber\s*:|\(\s*\.{3,}|\.{5,})"
    r"|^[\w .'-]{2,40},\s*\d{1,2}\s+[a-z]+\s+\d{4}\s*$"  # "Curup, 10 Oktober 2024"
)
_PLACEHOLDER = r"(?i)^([-\u2013\u2014._\s]+|belum\s+ada|kosong|lowong|tidak\s+ada|nihil)$"
_PERSON_ID = r"\d[\d .\-']{10,}\d"  # a NIK-like run of digits marks a real data row
_IDENTITY = ("nama", "nik", "tanggal_lahir", "ttl", "tempat_lahir", "alamat", "no_hp")


def _is_label_row(cells: list[str], top: list[str]) -> bool:
    """Tell a second header row: short labels ("Tempat", "Tgl", "L", "P"), no data values.

    A group header is merged over its sub-labels, so at least one label sits under a blank top
    cell; labels only under named columns split nothing: that row is data ("TPS 1" written
    under "Tanggal Lahir").
    """
    filled = [c for c in cells if c]
    if not filled or any(re.search(r"\d{4,}|\d+[-/.]\d+[-/.]\d+", c) for c in filled):
        return False
    if all(t for c, t in zip(cells, top, strict=False) if c):
        return False
    labelish = sum(
        1
        for c in filled
        if _canonical_for(c)
        or _norm(c) in _MALE_WORDS | _FEMALE_WORDS
        or set(_norm(c).split()) & (_DATE_WORDS | _PLACE_WORDS | _NUMBER_WORDS | {"status", "kpj"})
    )
    return labelish >= max(1, len(filled) // 2 + 1) if len(filled) > 1 else labelish == 1


def _header_names(top: list[str], sub: list[str] | None, letters: list[str]) -> list[str]:
    """Header text per column; a two-level header becomes "Group › Sub"; blanks get "Kolom E"."""
    names = []
    group = ""
    for i, text in enumerate(top):
        label = sub[i] if sub else ""
        if text:
            group = text
        elif not label:
            group = ""
        if label and group and group != label:
            name = f"{group}{GROUP_SEPARATOR}{label}"
        else:
            name = text or label
        names.append(" ".join(name.split()) or f"Kolom {letters[i]}")
    unique: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in unique or candidate == ROW_COLUMN:
            candidate, n = f"{name} ({n})", n + 1
        unique.append(candidate)
    return unique


def _locate_table(grid: _Grid, filename: str) -> RawTable:
    """Find the header among the top rows, then split the rest into data and skipped rows."""
    cells = [c for c in grid.frame.columns if c != ROW_COLUMN]
    frame = grid.frame.with_columns(
        [
            pl.col(c)
            .str.strip_chars()
            .str.strip_chars("\u200b\ufeff")
            # ="0812..." is how web exports keep digits as text in Excel; keep the text only.
            .str.replace(r'^="(.*)"$', "$1")
            .replace("", None)
            .alias(c)
            for c in cells
        ]
    )
    filled = pl.sum_horizontal([pl.col(c).is_not_null() for c in cells]) if cells else pl.lit(0)
    frame = frame.with_columns(filled.alias("_filled"))
    last = frame.filter(pl.col("_filled") > 0).select(pl.len()).item()
    if not cells or last == 0:
        raise _file_error(FILE_EMPTY, file=filename)
    # Trailing blank rows (formatted but empty) are dropped silently, not listed.
    last_index = frame.with_row_index("_i").filter(pl.col("_filled") > 0)["_i"].max()
    frame = frame.head(last_index + 1)

    top_rows = [
        [c if c is not None else "" for c in r]
        for r in frame.head(_HEADER_SCAN_ROWS).select(cells).iter_rows()
    ]
    scores = [_header_score(r) for r in top_rows]
    best = max(scores)
    if best >= 2:
        header = scores.index(best)
    else:  # no known header: take the first row with two or more cells, validation names it
        header = next(
            (i for i, r in enumerate(top_rows) if sum(1 for c in r if c) >= 2),
            next(i for i, r in enumerate(top_rows) if any(r)),
        )
    sub = None
    body_start = header + 1
    # A header typed word by word over two unmerged rows ("NAMA" above "LENGKAP", "TANGGAL"
    # above "LAHIR"): the cells joined name more roster columns than the lower row alone.
    top = header
    header_text = top_rows[header]
    if header > 0 and best >= 2 and sum(1 for c in top_rows[header - 1] if c) >= 2:
        joined = [
            f"{a} {b}".strip() for a, b in zip(top_rows[header - 1], header_text, strict=True)
        ]
        if _header_score(joined) > best:
            top, header_text = header - 1, joined
    if (
        top == header
        and body_start < len(top_rows)
        and best >= 2
        and _is_label_row(top_rows[body_start], top_rows[header])
    ):
        sub = top_rows[body_start]
        body_start += 1
    names = _header_names(header_text, sub, grid.letters)
    rename = dict(zip(cells, names, strict=True))
    mapping = guess_mapping(names)
    row_of = frame[ROW_COLUMN]
    header_row = int(row_of[top])

    # Titles above the header are not data rows: reported in ``detected``, not in ``skipped``.
    title_rows = frame.head(top).filter(pl.col("_filled") > 0)[ROW_COLUMN].to_list()
    body = frame.slice(body_start)

    # Per-row features, all vectorised over the body.
    identity = [c for c in cells if mapping.get(rename[c]) in _IDENTITY]
    text_cells = [pl.col(c).fill_null("") for c in cells]
    header_again = pl.sum_horizontal(
        [
            pl.col(c).str.to_lowercase() == top_rows[header][i].lower()
            for i, c in enumerate(cells)
            if top_rows[header][i]
        ]
    )
    any_match = lambda pattern: pl.any_horizontal([t.str.contains(pattern) for t in text_cells])  # noqa: E731
    numbering = pl.all_horizontal(
        [pl.col(c).is_null() | pl.col(c).str.contains(_NUMBERING.pattern) for c in cells]
    ) & (pl.col("_filled") >= 3)
    # "-" or "BELUM ADA" under every identity column is an unfilled slot, not a person.
    no_person = (
        pl.all_horizontal(
            [pl.col(c).is_null() | pl.col(c).str.contains(_PLACEHOLDER) for c in identity]
        )
        if identity
        else pl.lit(False)
    )
    # Features are materialised first: nesting them in the verdict made one huge expression.
    body = body.with_columns(
        (any_match(_PERSON_ID) & ~any_match(r"(?i)^\s*(nip|nrp)\b")).alias("_has_id"),
        any_match(_TOTAL).alias("_total_word"),
        any_match(_SIGNATURE).alias("_signature_word"),
        any_match(r"(?i)^contoh\s*:").alias("_example"),
        any_match(r"^\d+\.?$").alias("_number_only"),
        header_again.alias("_header_again"),
        numbering.alias("_numbering"),
        no_person.alias("_no_person"),
    )
    has_id = pl.col("_has_id")
    is_total = pl.col("_total_word") & ~has_id
    is_signature = pl.col("_signature_word") & ~has_id & (pl.col("_filled") <= 3)
    trailer_start = (is_total | is_signature).cum_max()
    no_person = pl.col("_no_person")
    single_text = (pl.col("_filled") == 1) & ~pl.col("_number_only")
    reason = (
        pl.when(pl.col("_filled") == 0)
        .then(pl.lit(_SKIP_BLANK))
        .when(pl.col("_header_again") >= max(2, min(3, best)))
        .then(pl.lit(_SKIP_HEADER_AGAIN))
        .when(pl.col("_numbering"))
        .then(pl.lit(_SKIP_NUMBERING))
        .when(is_total)
        .then(pl.lit(_SKIP_TOTAL))
        .when(is_signature | (trailer_start & ~has_id & (pl.col("_filled") <= 3)))
        .then(pl.lit(_SKIP_SIGNATURE))
        .when(pl.col("_example"))
        .then(pl.lit(_SKIP_EXAMPLE))
        .when(no_person & single_text)
        .then(pl.lit(_SKIP_SUBTITLE))
        .when(no_person)
        .then(pl.lit(_SKIP_NO_PERSON))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    body = body.with_columns(reason.alias("_reason"))
    skipped = body.filter(pl.col("_reason").is_not_null()).select(
        pl.col(ROW_COLUMN).alias("row"), pl.col("_reason").alias("reason")
    )
    data = body.filter(pl.col("_reason").is_null()).select([*cells, ROW_COLUMN]).rename(rename)
    # Columns with neither a header nor any value are spreadsheet noise.
    empty = [
        rename[c]
        for c in cells
        if rename[c].startswith("Kolom ") and data[rename[c]].null_count() == data.height
    ]
    data = data.drop(empty)
    if data.height == 0:
        raise _file_error(FILE_NO_DATA, file=filename, header_row=header_row)
    detected = {
        **grid.detected,
        "header_row": header_row,
        "header_rows": [int(r) for r in row_of[top:body_start]],
        "title_rows": title_rows,
        "columns": [c for c in data.columns if c != ROW_COLUMN],
        "mapping": {k: v for k, v in mapping.items() if k in data.columns},
        "data_rows": data.height,
    }
    header_rows = detected["header_rows"]
    notes = frame.filter(
        (pl.col("_filled") > 0)
        & ~pl.col(ROW_COLUMN).is_in(data[ROW_COLUMN].implode())
        & ~pl.col(ROW_COLUMN).is_in(header_rows)
    ).select(
        pl.col(ROW_COLUMN).alias("row"),
        pl.concat_str([pl.col(c) for c in cells], separator=" ", ignore_nulls=True).alias("text"),
    )
    altered = grid.altered.with_columns(
        pl.col("column").replace_strict(rename, default=None)
    ).filter(pl.col("column").is_in(data.columns) & pl.col("row").is_in(data[ROW_COLUMN].implode()))
    return RawTable(
        frame=data, detected=detected, skipped=skipped, notes=notes, altered_digits=altered
    )


# ---------------------------------------------------------------------------------------------
# Public entry points: a roster (header found, rows sorted out) or any table as raw cells.
# ---------------------------------------------------------------------------------------------


def _refuse_size_or_empty(data: bytes, filename: str, max_bytes: int) -> None:
    """The two checks every upload gets before its bytes are parsed."""
    if len(data) > max_bytes:
        raise _file_error(
            FILE_TOO_LARGE, file=filename, size=_megabytes(len(data)), limit=_megabytes(max_bytes)
        )
    if not data.strip(b" \t\r\n\x00\x1a,;|\xef\xbb\xbf\xff\xfe"):
        raise _file_error(FILE_EMPTY, file=filename)


# The settings' default upload limit; callers pass the settings in force (max_upload_bytes).
DEFAULT_MAX_BYTES = Settings.max_upload_megabytes * 1024 * 1024


def read_table(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawTable:
    """Read an uploaded roster whatever its format; raises ``RosterFileError`` if unusable."""
    _refuse_size_or_empty(data, filename, max_bytes)
    return _locate_table(_read_grid(data, filename, max_bytes), filename)


def read_grid(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> pl.DataFrame:
    r"""Any table file as raw cells, for non-roster lists (the KPU TPS list in ``tps_list``).

    Same formats and whole-file refusals as ``read_table``, but no header search: String
    columns ``c0``, ``c1``, ... (Excel's A, B, ...) and ``_row``, the row number Excel shows.

    >>> read_grid(b"TPS;Alamat\r\n1;Jl. Merdeka\r\n", "tps.csv").rows()
    [('TPS', 'Alamat', 1), ('1', 'Jl. Merdeka', 2)]
    """
    _refuse_size_or_empty(data, filename, max_bytes)
    return _read_grid(data, filename, max_bytes).frame
