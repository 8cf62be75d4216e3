"""Uploaded roster bytes (CSV, XLSX, XLS, ODS, HTML/XML "xls") -> all-string frame + what was seen.

readiness.file_formats reads the bytes into a grid of cells (the bytes decide the format, never
the file name) and readiness.column_names knows what people write above each column. This
module turns the grid into a roster table: it finds the header row among titles and blank rows,
merges a two-level header, and sets aside (and lists) blank, total, repeated-header and signature
rows so they are never stored as people. Row numbers are the row a person sees in Excel. A file that cannot be used at all raises ``RosterFileError``.

To re-validate rows an operator edited in the page, build the table yourself::

    RawTable(frame=edited_frame, detected=raw.detected, skipped=raw.skipped)

where ``edited_frame`` keeps the header-named String columns and the Int64 ``_row`` column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from readiness.column_names import (
    DATE_WORDS,
    FEMALE_WORDS,
    GROUP_SEPARATOR,
    HEADER_SCAN_ROWS,
    MALE_WORDS,
    NUMBER_WORDS,
    PLACE_WORDS,
    ROW_COLUMN,
    canonical_for,
    guess_mapping,
    header_score,
    norm,
)
from readiness.db.rosters import ROSTER_COLUMNS
from readiness.file_formats import (
    DEFAULT_MAX_BYTES,
    FILE_EMPTY,
    FILE_NO_DATA,
    MAX_SHEETS,
    Grid,
    RosterFileError,
    excel_sheet,
    file_error,
    grid_of_file,
    open_workbook,
    refuse_size_or_empty,
    zip_kind,
)

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
COLUMNS_MISSING = "columns_missing"  # raised by readiness.validation


_SKIP_BLANK = "Baris kosong"
_SKIP_HEADER_AGAIN = "Judul kolom yang berulang"
_SKIP_NUMBERING = "Baris nomor kolom (1, 2, 3, ...)"
_SKIP_TOTAL = "Baris jumlah/total"
_SKIP_SIGNATURE = "Tanda tangan, tanggal atau catatan di bawah tabel"
_SKIP_EXAMPLE = "Baris contoh dari templat"
_SKIP_SUBTITLE = "Subjudul di antara data (bukan data orang)"
_SKIP_NO_PERSON = "Tidak ada nama maupun NIK (hanya nomor urut atau kolom lain)"


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
        if canonical_for(c)
        or norm(c) in MALE_WORDS | FEMALE_WORDS
        or set(norm(c).split()) & (DATE_WORDS | PLACE_WORDS | NUMBER_WORDS | {"status", "kpj"})
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


def _unwrap_excel_text(cell: pl.Expr) -> pl.Expr:
    """="0812..." is how web exports keep digits as text in Excel; keep the text only.

    The one-line cells wrapped that way lose the wrapper (what ``^="(.*)"$`` matches); done
    with prefix and suffix tests, 20 times faster than that regex over every cell.
    """
    wrapped = (
        cell.str.starts_with('="')
        & cell.str.ends_with('"')
        & (cell.str.len_bytes() >= 3)
        & ~cell.str.contains("\n", literal=True)
    )
    return pl.when(wrapped).then(cell.str.slice(2, cell.str.len_chars() - 3)).otherwise(cell)


def _locate_table(grid: Grid, filename: str) -> RawTable:
    """Find the header among the top rows, then split the rest into data and skipped rows."""
    cells = [c for c in grid.frame.columns if c != ROW_COLUMN]
    stripped = [pl.col(c).str.strip_chars().str.strip_chars("\u200b\ufeff") for c in cells]
    frame = grid.frame.with_columns(stripped).with_columns(
        _unwrap_excel_text(pl.col(c)).replace("", None).alias(c) for c in cells
    )
    filled = pl.sum_horizontal([pl.col(c).is_not_null() for c in cells]) if cells else pl.lit(0)
    frame = frame.with_columns(filled.alias("_filled"))
    last = frame.filter(pl.col("_filled") > 0).select(pl.len()).item()
    if not cells or last == 0:
        raise file_error(FILE_EMPTY, file=filename)
    # Trailing blank rows (formatted but empty) are dropped silently, not listed.
    last_index = frame.with_row_index("_i").filter(pl.col("_filled") > 0)["_i"].max()
    frame = frame.head(last_index + 1)

    top_rows = [
        [c if c is not None else "" for c in r]
        for r in frame.head(HEADER_SCAN_ROWS).select(cells).iter_rows()
    ]
    scores = [header_score(r) for r in top_rows]
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
        if header_score(joined) > best:
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
        raise file_error(FILE_NO_DATA, file=filename, header_row=header_row)
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
# Public entry points: a roster (header found, rows sorted out), one per workbook sheet.
# ---------------------------------------------------------------------------------------------


def read_sheets(
    data: bytes, filename: str, *, max_bytes: int = 5_000_000
) -> list[tuple[str, RawTable | RosterFileError]]:
    """Every sheet of a workbook read as a roster, in workbook order: (sheet name, table or why not).

    For a kecamatan workbook with one sheet per village. Text formats (CSV, HTML) have no
    sheets: the list is empty. A sheet that holds no table comes back as its ``RosterFileError``.
    """
    refuse_size_or_empty(data, filename, max_bytes)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = zip_kind(data, filename, max_bytes)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = "xls"
    else:
        return []
    reader = open_workbook(data, filename, kind)
    sheets: list[tuple[str, RawTable | RosterFileError]] = []
    for index, name in enumerate(reader.sheet_names[:MAX_SHEETS]):
        try:
            sheets.append(
                (name, _locate_table(excel_sheet(reader, data, filename, kind, index), filename))
            )
        except RosterFileError as error:
            sheets.append((name, error))
    return sheets


def read_table(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawTable:
    """Read an uploaded roster whatever its format; raises ``RosterFileError`` if unusable."""
    refuse_size_or_empty(data, filename, max_bytes)
    return _locate_table(grid_of_file(data, filename, max_bytes), filename)
