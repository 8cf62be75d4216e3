"""Hostile and broken uploads: always a verdict or one file-level rejection, never a traceback.

Two halves. Hypothesis throws random bytes, random CSV grids, random workbooks and mutated
workbooks at the reader, the header mapping and validation (bounded ``max_examples``). A fixed
list of hostile files (zip bombs, 1,000 columns, a million empty rows, deep merged headers,
huge cells, formulas, HTML) runs each in its own process, so its peak memory can be measured;
the table of figures is printed for docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
import roster_builder as rb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.errors import ReadinessError
from readiness.ingest import RawTable, RosterFileError, guess_mapping, read_table
from readiness.validation import RosterContext, RosterVerdict, validate_roster

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5 * 1024 * 1024  # the bundled [upload] max_megabytes
CONTEXT = RosterContext(
    desa_code="17.02.06.2001",
    kabupaten_code="17.02",
    voting_date=dt.date(2024, 11, 27),
    min_age=17,
    max_age_warning=60,
    tps_count=None,
)
# 40 examples per property in the everyday run; tests/run.sh (CI) sets FUZZ_EXAMPLES=150.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
    database=None,
)
PEAK_MEMORY_LIMIT_MB = 1500  # per hostile file, whole Python process included


def verdict_or_error(data: bytes, name: str) -> RosterVerdict | RosterFileError:
    """The whole promise: a verdict or a RosterFileError; anything else fails the test."""
    rejection = None
    try:
        raw = read_table(data, name, max_bytes=LIMIT)
        verdict = validate_roster(raw, CONTEXT)
    except RosterFileError as error:
        rejection = error
    if rejection is not None:
        assert rejection.message.strip()
        assert rejection.code
        return rejection
    assert isinstance(raw, RawTable)
    assert verdict.accepted + verdict.rejected == raw.frame.height  # one verdict per data row
    return verdict


def verdict_or_rejection(data: bytes, name: str) -> str:
    """``verdict_or_error`` as one line for the hostile-file table."""
    outcome = verdict_or_error(data, name)
    if isinstance(outcome, RosterFileError):
        return f"rejected:{outcome.code}"
    return f"verdict:{outcome.accepted}/{outcome.rejected}"


class Tally:
    """What one property test's examples came to, so the test can fail when the generated input
    never reaches the code it claims to exercise (every file rejected before validation)."""

    def __init__(self) -> None:
        self.verdicts: list[RosterVerdict] = []
        self.rejections: list[str] = []

    def add(self, data: bytes, name: str) -> RosterVerdict | None:
        outcome = verdict_or_error(data, name)
        if isinstance(outcome, RosterFileError):
            self.rejections.append(outcome.code)
            return None
        self.verdicts.append(outcome)
        return outcome

    @property
    def tried(self) -> int:
        return len(self.verdicts) + len(self.rejections)

    def share_validated(self) -> float:
        return len(self.verdicts) / self.tried


# -- hypothesis: random input ------------------------------------------------------------------

digits = st.from_regex(r"[0-9]{1,18}", fullmatch=True)
odd_values = st.sampled_from(
    ["Nama", "NIK", "L", "P", "=1+1", "<b>x</b>", "Jumlah", "", " ", "1,70217E+15", "31-02-1990"]
)
cell = st.one_of(st.text(max_size=30), digits, odd_values)
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
# What a person types into a cell: no control characters (those make a whole file binary,
# which test_random_bytes covers), but numbers, formulas, markup and Excel's mangled values.
typed_cell = st.one_of(printable, digits, odd_values)
sheet_cell = st.one_of(printable, st.integers(-(10**17), 10**17), st.floats(allow_nan=False))
header_cell = st.one_of(st.sampled_from(list(rb.HEADER) + ["No. KK", "TTL", "Jenis Kelamin"]), cell)
grid = st.lists(st.lists(cell, min_size=1, max_size=14), min_size=0, max_size=40)


MAGIC = [b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<table>"]
MAGIC += [b"\xef\xbb\xbf", b"\xff\xfe", b"sep=;\n", b"<?xml version='1.0'?><Workbook xmlns="]


def test_random_bytes():
    """Junk is the point here: every kind of rejection, and never anything but a rejection."""
    tally = Tally()

    @FUZZ
    @given(
        prefix=st.sampled_from(MAGIC),
        data=st.binary(max_size=4096),
        name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a"]),
    )
    def read(prefix, data, name):
        tally.add(prefix + data, name)

    read()
    # The magic prefixes must carry junk past format sniffing into each reader.
    assert {"file_unsupported", "file_unreadable", "file_no_data"} <= set(tally.rejections)


REQUIRED_HEADERS = ("Nama", "NIK", "Jenis Kelamin", "Tanggal Lahir")
OPTIONAL_HEADERS = tuple(h for h in rb.HEADER if h not in REQUIRED_HEADERS)


@st.composite
def messy_rosters(draw, junk_cell):
    """A roster as villages send one, then damaged: the required columns in any order among
    optional and unknown ones, and valid people whose cells are replaced at random.

    Returns ``(header, rows, untouched)``: ``untouched`` are the NIKs of people left intact.
    """
    optional = draw(st.lists(st.sampled_from(OPTIONAL_HEADERS), unique=True))
    unknown = draw(st.lists(st.sampled_from(["Kolom X", "No. KK", "TTL", "Catatan"]), unique=True))
    header = draw(st.permutations([*REQUIRED_HEADERS, *optional, *unknown]))
    people = rb.people(draw(st.integers(1, 25)))
    damage = st.tuples(st.integers(0, len(people) - 1), st.sampled_from(header), junk_cell)
    damaged = set()
    for index, column, value in draw(st.lists(damage, max_size=8)):
        people[index][column] = value
        damaged.add(index)
    untouched = [p["NIK"] for i, p in enumerate(people) if i not in damaged]
    return header, people, untouched


def assert_untouched_people_accepted(verdict: RosterVerdict, untouched: list[str]) -> None:
    """A valid person's row survives its neighbours' damage: it is accepted, NIK intact."""
    assert set(untouched) <= set(verdict.officers["nik"].to_list())


def test_random_csv_grids():
    tally = Tally()

    @FUZZ
    @given(
        roster=messy_rosters(typed_cell),
        delimiter=st.sampled_from([",", ";", "\t", "|"]),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    )
    def read(roster, delimiter, encoding):
        header, people, untouched = roster
        text = rb.csv_bytes(people, header=header, delimiter=delimiter).decode()
        verdict = tally.add(text.encode(encoding, errors="replace"), "daftar.csv")
        if verdict is not None and encoding != "cp1252":  # cp1252 may replace a name's letters
            assert_untouched_people_accepted(verdict, untouched)

    read()
    assert tally.share_validated() >= 0.8, sorted(set(tally.rejections))
    assert any(v.rejected for v in tally.verdicts)  # the damage reaches the row rules
    assert any(v.accepted for v in tally.verdicts)


def test_random_workbooks():
    tally = Tally()

    @settings(parent=FUZZ, max_examples=max(10, FUZZ.max_examples // 3))
    @given(
        roster=messy_rosters(sheet_cell),
        above=st.lists(st.lists(printable, max_size=5), max_size=5),
    )
    def read(roster, above):
        header, people, untouched = roster
        verdict = tally.add(rb.xlsx_bytes(people, header=header, above=above), "daftar.xlsx")
        if verdict is not None:
            assert_untouched_people_accepted(verdict, untouched)

    read()
    assert tally.share_validated() >= 0.8, sorted(set(tally.rejections))
    assert any(v.rejected for v in tally.verdicts)
    assert any(v.accepted for v in tally.verdicts)


VALID_XLSX = rb.xlsx_bytes(rb.people(8))


def test_mutated_workbooks():
    """Flipped bytes mostly break the ZIP; some land in cell text and must still get a verdict."""
    tally = Tally()

    @FUZZ
    @given(
        flips=st.lists(
            st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)),
            min_size=1,
            max_size=8,
        ),
        cut=st.one_of(st.none(), st.integers(0, len(VALID_XLSX))),
    )
    def read(flips, cut):
        data = bytearray(VALID_XLSX)
        for at, value in flips:
            data[at] = value
        tally.add(bytes(data[:cut] if cut is not None else data), "daftar.xlsx")

    read()
    assert tally.verdicts, "no mutated workbook was read: the flips never reach the sheet"
    assert "file_unreadable" in tally.rejections


@FUZZ
@given(columns=st.lists(header_cell, max_size=40))
def test_header_mapping_never_fails_and_names_each_column_once(columns):
    mapping = guess_mapping(columns)
    named = [v for v in mapping.values() if v is not None]
    assert len(named) == len(set(named))
    assert set(mapping) <= set(columns)


# -- fixed hostile files, each in its own process ------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheet(rows_xml: bytes, dimension: str = "A1") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="'
        + dimension.encode()
        + b'"/><sheetData>'
        + rows_xml
        + b"</sheetData></worksheet>"
    )


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A minimal valid workbook whose only sheet is ``sheet_xml``."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(rb.xlsx_bytes([], header=["x"]))) as template:
        for info in template.infolist():
            members[info.filename] = template.read(info.filename)
    members["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(members)


def _inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _header_xml() -> bytes:
    cells = b"".join(
        _inline(f"{chr(65 + i)}1", h)
        for i, h in enumerate(["Nama", "NIK", "Jenis Kelamin", "Tanggal Lahir"])
    )
    return b'<row r="1">' + cells + b"</row>"


def _streamed_xlsx(rows: bytes, repeat: int, dimension: str) -> bytes:
    """A valid workbook whose sheet is ``rows`` repeated, written in chunks (no big buffer)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(rb.xlsx_bytes([], header=["x"]))) as template,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
    ):
        for info in template.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, template.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head, tail = _sheet(b"|", dimension).split(b"|")
            sheet.write(head + _header_xml())
            for _ in range(repeat):
                sheet.write(rows)
            sheet.write(tail)
    return buffer.getvalue()


def zip_bomb_honest() -> bytes:
    """A sheet of 400 MB of empty cells that zips to well under the upload limit."""
    row = b'<row r="2">' + b'<c r="A2"/>' * 2000 + b"</row>"
    return _streamed_xlsx(row, 20000, "A1:D2")


def zip_bomb_lying() -> bytes:
    """The same bomb, but the ZIP headers claim the sheet unpacks to 1 KB."""
    data = bytearray(zip_bomb_honest())
    name = b"xl/worksheets/sheet1.xml"
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:  # central directory entries
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, 1024)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, 1024)
        at += 4
    return bytes(data)


def whitespace_bomb() -> bytes:
    """About 200 KB of XLSX whose sheet is 190 MB of whitespace between two rows."""
    return _streamed_xlsx(b" " * 1_000_000, 190, "A1:D2")


def nested_zip_bomb() -> bytes:
    """A workbook whose sheet is itself a ZIP of zeros (42.zip style)."""
    inner = zlib.compress(b"\0" * 50_000_000, 9)
    return _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": inner})


def million_empty_rows_xlsx() -> bytes:
    """A header, then a million rows that each hold one empty text cell."""
    rows = b"".join(b'<row r="2">' + _inline("A2", "") + b"</row>" for _ in range(1000))
    return _streamed_xlsx(rows, 1000, "A1:D1000001")


def last_row_only_xlsx() -> bytes:
    """One real header and one cell at Excel's last row: 1,048,576 rows by dimension."""
    return _xlsx_with_sheet(
        _sheet(
            _header_xml() + b'<row r="1048576">' + _inline("A1048576", "x") + b"</row>",
            "A1:XFD1048576",
        )
    )


def million_empty_rows_csv() -> bytes:
    head = rb.csv_bytes(rb.people(3))
    return head + b"\r\n" * 1_000_000 + b";;;;\r\n" * 200_000


def thousand_columns_csv() -> bytes:
    header = list(rb.HEADER) + [f"Kolom {i}" for i in range(1000 - len(rb.HEADER))]
    return rb.csv_bytes(rb.people(50), header=header)


def thousand_columns_xlsx() -> bytes:
    header = list(rb.HEADER) + [f"Kolom {i}" for i in range(1000 - len(rb.HEADER))]
    people = [dict(p, **{f"Kolom {i}": i for i in range(0, 987, 7)}) for p in rb.people(30)]
    return rb.xlsx_bytes(people, header=header)


def deep_merged_headers() -> bytes:
    """Five title rows and a three-level header, all merged across the table."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    width = len(rb.HEADER) + 2
    for r in range(1, 6):
        sheet.cell(r, 1, f"DAFTAR LINMAS TINGKAT {r}")
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    sheet.cell(6, 1, "Identitas")
    sheet.merge_cells(start_row=6, start_column=1, end_row=6, end_column=6)
    sheet.cell(6, 7, "Tugas")
    sheet.merge_cells(start_row=6, start_column=7, end_row=6, end_column=width)
    sheet.cell(7, 1, "Data Pribadi")
    sheet.merge_cells(start_row=7, start_column=1, end_row=8, end_column=3)
    for c, text in enumerate(rb.HEADER, start=1):
        sheet.cell(9, c, text)
    for r, person in enumerate(rb.people(20), start=10):
        for c, text in enumerate(rb.HEADER, start=1):
            sheet.cell(r, c, person[text])
    for r in range(10, 30, 3):  # merged data cells too: the right-hand value is lost
        sheet.merge_cells(start_row=r, start_column=9, end_row=r, end_column=10)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def huge_cells_csv() -> bytes:
    return rb.csv_bytes(rb.people(5, Nama="A" * 2_000_000, Alamat="<script>" * 50_000))


def huge_cells_xlsx() -> bytes:
    return rb.xlsx_bytes(rb.people(200, Nama="N" * 32_767, Keterangan="K" * 32_767))


def formulas_and_html_xlsx() -> bytes:
    people = rb.people(6)
    people[0]["Nama"] = '=HYPERLINK("http://contoh.invalid","klik")'
    people[1]["Nama"] = "=cmd|' /C calc'!A0"
    people[2]["Alamat"] = "<img src=x onerror=alert(1)>"
    people[3]["Nama"] = "<script>alert('x')</script>"
    people[4]["Keterangan"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    return rb.xlsx_bytes(people)


def formulas_and_html_csv() -> bytes:
    people = rb.people(4)
    people[0]["Nama"] = "=1+1"
    people[1]["Nama"] = "+cmd|' /C calc'!A0"
    people[2]["Nama"] = "<b onmouseover=alert(1)>Budi</b>"
    return rb.csv_bytes(people)


def valid_roster_csv() -> bytes:
    """Not hostile: the yardstick row of the table, 5,000 valid people read within the limit."""
    return rb.csv_bytes(rb.people(5000))


HOSTILE = {
    "valid_roster_5000_people_csv": valid_roster_csv,
    "zip_bomb_honest": zip_bomb_honest,
    "zip_bomb_lying_sizes": zip_bomb_lying,
    "nested_zip_bomb": nested_zip_bomb,
    "whitespace_bomb": whitespace_bomb,
    "million_empty_rows_xlsx": million_empty_rows_xlsx,
    "last_row_1048576_xlsx": last_row_only_xlsx,
    "million_empty_rows_csv": million_empty_rows_csv,
    "thousand_columns_csv": thousand_columns_csv,
    "thousand_columns_xlsx": thousand_columns_xlsx,
    "deep_merged_headers_xlsx": deep_merged_headers,
    "huge_cells_csv": huge_cells_csv,
    "huge_cells_xlsx": huge_cells_xlsx,
    "formulas_and_html_xlsx": formulas_and_html_xlsx,
    "formulas_and_html_csv": formulas_and_html_csv,
}

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
import test_fuzz
data = Path(sys.argv[1]).read_bytes()
started = time.perf_counter()
outcome = test_fuzz.verdict_or_rejection(data, Path(sys.argv[1]).name)
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024  # this process since exec, in MB
print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak}))
"""


def run_isolated(path: Path) -> dict:
    """Read one file in a fresh process; a hang is cut off, not waited for."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(Path(__file__).parent)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,  # a guard against hangs, not a speed assertion
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file(case, tmp_path):
    data = HOSTILE[case]()
    extension = "csv" if case.endswith("csv") else "xlsx"
    path = tmp_path / f"{case}.{extension}"
    path.write_bytes(data)
    figures = run_isolated(path)
    outcome = figures["outcome"]
    print(
        f"\n| {case} | {len(data) / 1_048_576:.2f} MB | {outcome} | "
        f"{figures['peak_mb']:.0f} MB | {figures['seconds']:.2f} s |"
    )
    assert figures["peak_mb"] < PEAK_MEMORY_LIMIT_MB
    if case.startswith(("zip_bomb", "nested", "whitespace")):
        assert outcome.startswith("rejected:")
    if case.startswith("valid"):
        assert outcome == "verdict:5000/0"


def test_formulas_are_never_evaluated_and_html_stays_text():
    raw = read_table(formulas_and_html_xlsx(), "f.xlsx", max_bytes=LIMIT)
    names = raw.frame["Nama"].to_list()
    # a formula cell yields only its saved result (none here): nothing is ever calculated
    assert names[:2] == [None, None]
    assert names[3] == "<script>alert('x')</script>"
    assert raw.frame["Alamat"][2] == "<img src=x onerror=alert(1)>"
    verdict = validate_roster(raw, CONTEXT)
    assert verdict.accepted + verdict.rejected == raw.frame.height
    text = read_table(formulas_and_html_csv(), "f.csv", max_bytes=LIMIT).frame["Nama"].to_list()
    assert text[:3] == ["=1+1", "+cmd|' /C calc'!A0", "<b onmouseover=alert(1)>Budi</b>"]


def test_no_page_renders_raw_html():
    # uploaded text reaches the screen only through widgets that escape it
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("readiness/*.py"), ROOT / "dashboard.py"]
        if "unsafe_allow_html=True" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_nothing_but_domain_errors_escape():
    # the promise the page guard relies on: RosterFileError is a ReadinessError
    assert issubclass(RosterFileError, ReadinessError)


@pytest.mark.slow
def test_whitespace_bomb_is_refused_within_150_mb_of_a_small_workbook(tmp_path):
    small = tmp_path / "kecil.xlsx"
    small.write_bytes(formulas_and_html_xlsx())
    bomb = tmp_path / "spasi.xlsx"
    bomb.write_bytes(whitespace_bomb())
    baseline = run_isolated(small)["peak_mb"]
    figures = run_isolated(bomb)
    assert figures["outcome"] == "rejected:file_unpacks_too_large"
    assert figures["peak_mb"] - baseline <= 150


def test_whitespace_bomb_upload_stores_nothing(store):
    from readiness import roster

    before = store.count("submissions"), store.count("officers")
    checked = roster.check_roster_file(store, "17.02.06.2001", whitespace_bomb(), "spasi.xlsx")
    assert checked.verdict is None
    assert checked.file_error.code == "file_unpacks_too_large"
    assert "setelah dibuka isinya lebih dari 40,0 MB" in checked.file_error.message
    assert (store.count("submissions"), store.count("officers")) == before


def test_parses_wait_for_a_free_slot_and_say_so_when_none_frees(monkeypatch):
    import threading

    from readiness import file_formats

    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(file_formats, "_PARSE_SLOTS", slots)
    monkeypatch.setattr(file_formats, "_PARSE_WAIT_SECONDS", 0.1)
    slots.acquire()  # another upload is being parsed
    with pytest.raises(RosterFileError) as caught:
        read_table(formulas_and_html_xlsx(), "f.xlsx", max_bytes=LIMIT)
    assert caught.value.code == "file_busy"
    slots.release()
    assert read_table(formulas_and_html_xlsx(), "f.xlsx", max_bytes=LIMIT).frame.height > 0
