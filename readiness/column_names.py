"""Column names: one alias table for what people write above each roster column.

Maps header text ("Nama Lengkap", "No. KTP", "Tgl. Lahir", a two-level "Tempat/Tgl Lahir ›
Tanggal") to the canonical roster column, and scores a candidate header row by how many roster
columns it names. Pure text work: no bytes, no frames.
"""

from __future__ import annotations

import functools
import re

ROW_COLUMN = "_row"  # the Excel row number beside the cells of every grid and table
GROUP_SEPARATOR = " › "  # joins a two-level header: "Tempat/Tgl Lahir › Tanggal"
HEADER_SCAN_ROWS = 30  # the header is looked for among this many rows at the top

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
PLACE_WORDS = frozenset({"tempat", "tmp", "tmpt", "tpt", "place"})
DATE_WORDS = frozenset({"tanggal", "tgl", "tangal", "date", "waktu", "tahun", "bulan"})
_BIRTH_WORDS = frozenset({"lahir", "lhr", "kelahiran", "birth"})
_PHONE_WORDS = frozenset(
    {"hp", "wa", "whatsapp", "telp", "telepon", "telpon", "tlp", "handphone", "ponsel", "phone"}
)
_BPJS_WORDS = frozenset({"bpjs", "bpjamsostek", "jamsostek", "bpjstk", "ketenagakerjaan"})
NUMBER_WORDS = frozenset({"no", "nomor", "nmr", "nomer", "kartu", "peserta", "number"})
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
MALE_WORDS = frozenset({"l", "lk", "laki", "laki laki", "pria", "male", "m"})
FEMALE_WORDS = frozenset({"p", "pr", "perempuan", "wanita", "female", "w"})


def norm(text: str) -> str:
    """Lower-case words only: "No. HP/WA" -> "no hp wa"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@functools.lru_cache(maxsize=4096)  # header scoring asks about the same cells many times
def canonical_for(label: str) -> str | None:
    """Canonical column for one header text, or None when the column is not ours."""
    if GROUP_SEPARATOR in label:
        group, sub = label.split(GROUP_SEPARATOR, 1)
        return _canonical_for_group(group, sub)
    text = norm(label)
    if not text or len(text) > 60:
        return None
    if text in _EXACT_ALIASES:
        return _EXACT_ALIASES[text]
    words = set(text.split())
    # A family card number (No. KK, also 16 digits) must never be taken for the NIK.
    if "kk" in words or "kartu keluarga" in text or words & {"nip", "nrp", "npwp"}:
        return None
    # "KTP" names the NIK only as "No. KTP"/"KTP"; "Nama sesuai KTP" is the name column.
    ktp_number = "ktp" in words and (bool(words & NUMBER_WORDS) or words == {"ktp"})
    if words & {"nik", "nomorinduk"} or ktp_number or "induk kependudukan" in text:
        return "nik"
    if "kpj" in words:
        return "no_kpj"
    if words & _BPJS_WORDS:
        return "no_kpj" if words & NUMBER_WORDS else "status_bpjs"
    if words & _TRAINING_WORDS:
        return "tanggal_pelatihan" if words & DATE_WORDS else "status_pelatihan"
    if (words & PLACE_WORDS and words & DATE_WORDS) or "ttl" in words:
        return "ttl"
    if words & _BIRTH_WORDS:
        if words & PLACE_WORDS or "kota" in words:
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
    parent = canonical_for(group)
    words = set(norm(sub).split())
    sub_text = norm(sub)
    if parent in ("ttl", "tempat_lahir", "tanggal_lahir"):
        if words & PLACE_WORDS:
            return "tempat_lahir"
        if words & DATE_WORDS or words & _BIRTH_WORDS:
            return "tanggal_lahir"
    if parent in ("jenis_kelamin", "jk_l", "jk_p"):
        if sub_text in MALE_WORDS:
            return "jk_l"
        if sub_text in FEMALE_WORDS:
            return "jk_p"
    if parent in ("status_bpjs", "no_kpj"):
        if words & NUMBER_WORDS or "kpj" in words:
            return "no_kpj"
        if words & DATE_WORDS:
            return None
        return "status_bpjs"
    if parent in ("status_pelatihan", "tanggal_pelatihan"):
        return "tanggal_pelatihan" if words & DATE_WORDS else "status_pelatihan"
    own = canonical_for(sub)
    if own is not None:
        return own
    return canonical_for(f"{group} {sub}")


def family_card_columns(columns: list[str]) -> list[str]:
    """Columns headed as a family card number ("No. KK", "NKK"): never the NIK, only compared.

    >>> family_card_columns(["Nama", "NIK", "No. KK", "Nomor Kartu Keluarga"])
    ['No. KK', 'Nomor Kartu Keluarga']
    """
    return [
        c
        for c in columns
        if c != ROW_COLUMN and ({"kk", "nkk"} & set(norm(c).split()) or "kartu keluarga" in norm(c))
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
        canonical = canonical_for(column)
        if canonical in taken:
            canonical = None
        if canonical is not None:
            taken.add(canonical)
        mapping[column] = canonical
    if "jenis_kelamin" in taken or not {"jk_l", "jk_p"} <= taken:
        mapping = {k: (None if v in ("jk_l", "jk_p") else v) for k, v in mapping.items()}
    return mapping


def header_score(cells: list[str | None]) -> int:
    """How many distinct roster columns a candidate header row names."""
    found = {canonical_for(c) for c in cells if c and len(c) <= 60}
    found.discard(None)
    return len(found)
