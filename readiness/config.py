"""Settings for one kabupaten: a TOML file (swappable) plus environment variables."""

from __future__ import annotations

import datetime as dt
import os
import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from readiness.errors import ReferenceDataError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_SETTINGS_FILE = DATA_DIR / "settings.toml"
DEFAULT_DB_PATH = PROJECT_DIR / "kesiapan_linmas.duckdb"


# What a milestone can measure, each a share of the need (see readiness.plan).
MEASURES = ("registered", "verified", "bpjs", "trained", "ready", "tps_covered")
RAWAN_LEVEL_CODES = ("rawan", "sangat_rawan")
_H_DAY = re.compile(r"(?i)^\s*h\s*-\s*(\d{1,3})\s*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


@dataclass(frozen=True)
class Milestone:
    """One step of the run-up plan: by H-``day`` at least ``target`` % of the need ``measure``."""

    code: str
    label: str
    day: int
    target: float
    measure: str


@dataclass(frozen=True)
class RawanLevel:
    """A grade of TPS rawan (Bawaslu/Polres mapping) and the extra linmas such a TPS needs."""

    code: str
    label: str
    extra_officers: int


DEFAULT_MILESTONES = (
    Milestone("daftar", "Daftar linmas", 21, 100.0, "registered"),
    Milestone("verifikasi", "Verifikasi kecamatan", 18, 100.0, "verified"),
    Milestone("bpjs", "BPJS Ketenagakerjaan", 14, 100.0, "bpjs"),
    Milestone("bimtek", "Bimtek", 10, 100.0, "trained"),
    Milestone("apel", "Apel siaga", 5, 100.0, "ready"),
)
DEFAULT_RAWAN_LEVELS = (
    RawanLevel("rawan", "Rawan", 0),
    RawanLevel("sangat_rawan", "Sangat rawan", 1),
)
DEFAULT_RAWAN_SOURCES = ("Bawaslu", "Polres", "FGD", "lainnya")


def parse_day(value: object) -> int | None:
    """Days before voting day from "H-21" (or 21); None when it is neither.

    >>> parse_day("H-21"), parse_day("h - 5"), parse_day(0), parse_day("21 hari")
    (21, 5, 0, None)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 366 else None
    match = _H_DAY.match(value) if isinstance(value, str) else None
    return int(match.group(1)) if match and int(match.group(1)) <= 366 else None


@dataclass(frozen=True)
class Settings:
    """Everything that differs between kabupaten or elections; nothing here is hard-coded elsewhere."""

    kabupaten_name: str
    kabupaten_code: str
    province_name: str
    province_code: str
    region_file: Path
    election_name: str
    voting_date: dt.date
    submission_deadline: dt.date
    officers_per_tps: int = 2
    # The extra of the ``rawan`` level, for code that still reads a yes/no rawan flag.
    rawan_extra_officers: int = 0
    min_age: int = 17
    max_age_warning: int = 60
    bpjs_premium_per_month: int = 16800
    bpjs_premium_months: int = 1
    training_modules: tuple[str, ...] = (
        "prosedur pemungutan suara",
        "penanganan kerumunan",
        "komunikasi efektif",
    )
    # Roster warnings that stop an officer counting as ready until someone checks them: a NIK
    # whose birth date or sex disagrees with the roster is likely mistyped, and BPJS enrols by NIK.
    blocking_codes: tuple[str, ...] = ("nik_birthdate_mismatch", "nik_sex_mismatch")
    ready_target: float = 90.0
    critical_below: float = 50.0
    max_upload_megabytes: int = 5
    # A kecamatan operator sees full NIK of their own kecamatan while verifying (audited).
    verify_full_nik: bool = True
    signature_title: str = ""
    signature_name: str = ""
    signature_nip: str = ""
    # Accounts (issue 8): idle minutes before a session ends, failed logins before a lockout,
    # lockout length; auth_mode "password" (accounts in DuckDB) or "oidc" (st.login).
    session_timeout_minutes: int = 30
    login_max_attempts: int = 5
    lockout_minutes: int = 15
    auth_mode: str = "password"
    oidc_provider: str = ""
    # Backups (issue 10): folder (relative = next to the database file), a daily snapshot
    # taken by the dashboard and `backup --daily`, and how many daily snapshots to keep.
    backup_directory: str = "cadangan"
    backup_daily: bool = True
    backup_keep: int = 14
    # Duty documents: SK lampiran letterhead (lines with {kabupaten} {kecamatan} {desa} {jenis}),
    # the decree's number and subject, honor per linmas, and the address kartu tugas QR codes open.
    letterhead: tuple[str, ...] = (
        "PEMERINTAH {kabupaten}",
        "KECAMATAN {kecamatan}",
        "{jenis} {desa}",
    )
    sk_number: str = "……………………"
    sk_about: str = (
        "Penetapan Anggota Satuan Perlindungan Masyarakat (Satlinmas) Petugas Ketertiban "
        "Tempat Pemungutan Suara"
    )
    honor_per_day: int = 650000
    honor_days: int = 1
    card_verify_url: str = "/verifikasi-kartu"
    source_file: Path = DEFAULT_SETTINGS_FILE
    alias_file: Path = DATA_DIR / "alias_desa.csv"
    # Issue 9 (province instance): every kabupaten/kota of the province (kode_kabupaten,
    # nama_kabupaten); None = only this kabupaten. readiness/province.py reads it.
    kabupaten_list_file: Path | None = None
    # The run-up plan ([[plan.milestones]]) and graded rawan TPS ([rawan]).
    milestones: tuple[Milestone, ...] = DEFAULT_MILESTONES
    rawan_levels: tuple[RawanLevel, ...] = DEFAULT_RAWAN_LEVELS
    rawan_sources: tuple[str, ...] = DEFAULT_RAWAN_SOURCES

    @property
    def max_upload_bytes(self) -> int:
        """Upload limit in bytes, the unit the reader checks."""
        return self.max_upload_megabytes * 1024 * 1024


def settings_path() -> Path:
    """The settings file in force: ``READINESS_SETTINGS`` or the bundled one."""
    return Path(os.environ.get("READINESS_SETTINGS", DEFAULT_SETTINGS_FILE))


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` beats ``READINESS_DB`` beats the embedded default file."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("READINESS_DB", DEFAULT_DB_PATH))


_KIND_NAMES = {
    bool: "true atau false",
    int: "bilangan bulat",
    float: "angka",
    str: "teks dalam tanda kutip",
    dt.date: "tanggal (mis. 2024-11-27)",
}


def _require(table: dict, section: str, key: str, kind: type, path: Path):
    try:
        value = table[section][key]
    except KeyError:
        msg = f"Berkas pengaturan {path}: bagian [{section}] tidak memiliki '{key}'. Tambahkan nilainya."
        raise ReferenceDataError(msg) from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    # TOML booleans are ints to Python: ``officers_per_tps = true`` must still be refused.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        written = str(value).lower() if isinstance(value, bool) else repr(value)
        msg = (
            f"Berkas pengaturan {path}: [{section}] {key} harus berupa {_KIND_NAMES[kind]}, "
            f"tertulis {written}. Perbaiki nilainya."
        )
        raise ReferenceDataError(msg)
    return value


def _number(value: object) -> float | None:
    """A TOML int or float as float; None for anything else (bools included)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _milestones(raw: dict, path: Path) -> tuple[Milestone, ...]:
    """``[[plan.milestones]]``: code, label, day ("H-21"), target (percent), measure."""
    entries = raw.get("plan", {}).get("milestones")
    if entries is None:
        return DEFAULT_MILESTONES
    where = f"Berkas pengaturan {path}: [[plan.milestones]]"
    if not isinstance(entries, list) or not entries:
        msg = (
            f"{where} harus berisi minimal satu milestone (code, label, day, target, measure); "
            "hapus bagian [plan] untuk memakai milestone bawaan."
        )
        raise ReferenceDataError(msg)
    milestones: list[Milestone] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            msg = f"{where} nomor {number} harus tabel berisi code, label, day, target, measure."
            raise ReferenceDataError(msg)
        code = entry.get("code")
        name = f"{where} nomor {number}"
        if not isinstance(code, str) or not _CODE.match(code):
            msg = (
                f"{name}, kunci 'code': harus huruf kecil/angka/garis bawah, mis. \"daftar\", "
                f"tertulis {code!r}."
            )
            raise ReferenceDataError(msg)
        name = f"{where} nomor {number} ({code})"
        if code in {m.code for m in milestones}:
            msg = f"{name}, kunci 'code': kode {code!r} dipakai dua kali. Beri kode lain."
            raise ReferenceDataError(msg)
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            msg = f"{name}, kunci 'label': isi nama milestone, tertulis {label!r}."
            raise ReferenceDataError(msg)
        day = parse_day(entry.get("day"))
        if day is None:
            msg = (
                f"{name}, kunci 'day': harus hari sebelum pemungutan suara seperti \"H-21\" "
                f"(0 sampai 366), tertulis {entry.get('day')!r}."
            )
            raise ReferenceDataError(msg)
        target = _number(entry.get("target"))
        if target is None or not 0 < target <= 100:
            msg = (
                f"{name}, kunci 'target': harus persen lebih dari 0 sampai 100, "
                f"tertulis {entry.get('target')!r}."
            )
            raise ReferenceDataError(msg)
        measure = entry.get("measure")
        if measure not in MEASURES:
            msg = (
                f"{name}, kunci 'measure': harus salah satu dari {', '.join(MEASURES)}, "
                f"tertulis {measure!r}."
            )
            raise ReferenceDataError(msg)
        milestones.append(Milestone(code, label.strip(), day, target, measure))
    return tuple(milestones)


def _rawan(raw: dict, path: Path) -> dict:
    """``[rawan]``: sources and levels; the old ``[rules] rawan_extra_officers`` still counts.

    The old key was the extra for every rawan TPS; it now means the extra of the ``rawan``
    level. Written in both places with different values, start-up stops.
    """
    table = raw.get("rawan", {})
    where = f"Berkas pengaturan {path}: [rawan]"
    old = raw.get("rules", {}).get("rawan_extra_officers")
    given = table.get("levels", {})
    if not isinstance(given, dict):
        msg = f"{where} levels harus berisi tabel [rawan.levels.rawan] dan [rawan.levels.sangat_rawan]."
        raise ReferenceDataError(msg)
    unknown = [code for code in given if code not in RAWAN_LEVEL_CODES]
    if unknown:
        msg = (
            f"{where}: tingkat {unknown[0]!r} tidak dikenal; tingkat yang ada: "
            f"{', '.join(RAWAN_LEVEL_CODES)}."
        )
        raise ReferenceDataError(msg)
    levels: list[RawanLevel] = []
    for default in DEFAULT_RAWAN_LEVELS:
        entry = given.get(default.code, {})
        name = f"Berkas pengaturan {path}: [rawan.levels.{default.code}]"
        if not isinstance(entry, dict):
            msg = f"{name} harus tabel berisi label dan extra_officers."
            raise ReferenceDataError(msg)
        label = entry.get("label", default.label)
        if not isinstance(label, str) or not label.strip():
            msg = f"{name}, kunci 'label': isi nama tingkat kerawanan, tertulis {label!r}."
            raise ReferenceDataError(msg)
        extra = entry.get("extra_officers")
        if default.code == "rawan" and old is not None:
            if extra is not None and extra != old:
                msg = (
                    f"{name} extra_officers = {extra!r} berbeda dengan [rules] "
                    f"rawan_extra_officers = {old!r}. Hapus [rules] rawan_extra_officers; "
                    "tambahan linmas kini diatur per tingkat di [rawan.levels]."
                )
                raise ReferenceDataError(msg)
            extra = old
        if extra is None:
            # Sangat rawan needs one more than rawan unless the file says otherwise.
            extra = levels[0].extra_officers + 1 if levels else default.extra_officers
        if not isinstance(extra, int) or isinstance(extra, bool) or not 0 <= extra <= 10:
            msg = (
                f"{name}, kunci 'extra_officers': harus bilangan bulat 0 sampai 10 (tambahan "
                f"linmas per TPS), tertulis {extra!r}."
            )
            raise ReferenceDataError(msg)
        levels.append(RawanLevel(default.code, label.strip(), extra))
    if levels[1].extra_officers < levels[0].extra_officers:
        msg = (
            f"{where}: tambahan linmas TPS sangat rawan ({levels[1].extra_officers}) lebih kecil "
            f"dari TPS rawan ({levels[0].extra_officers}). Perbaiki extra_officers."
        )
        raise ReferenceDataError(msg)
    sources = table.get("sources", list(DEFAULT_RAWAN_SOURCES))
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
        or len({s.strip().lower() for s in sources}) != len(sources)
    ):
        msg = (
            f"{where} sources harus daftar nama sumber yang berbeda, mis. "
            f'["Bawaslu", "Polres", "FGD", "lainnya"], tertulis {sources!r}.'
        )
        raise ReferenceDataError(msg)
    return {
        "rawan_levels": tuple(levels),
        "rawan_extra_officers": levels[0].extra_officers,
        "rawan_sources": tuple(s.strip() for s in sources),
    }


def load_settings(path: Path | None = None) -> Settings:
    """Read and check the settings file; a malformed file names itself and the problem."""
    path = Path(path) if path else settings_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"Berkas pengaturan tidak ditemukan: {path}. Periksa READINESS_SETTINGS."
        raise ReferenceDataError(msg) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        msg = f"Berkas pengaturan {path} rusak: {error}. Perbaiki penulisannya."
        raise ReferenceDataError(msg) from None
    optional = {
        "officers_per_tps": ("rules", "officers_per_tps", int),
        "rawan_extra_officers": ("rules", "rawan_extra_officers", int),
        "min_age": ("rules", "min_age", int),
        "max_age_warning": ("rules", "max_age_warning", int),
        "bpjs_premium_per_month": ("bpjs", "premium_per_month", int),
        "bpjs_premium_months": ("bpjs", "premium_months", int),
        "ready_target": ("status", "ready_target", float),
        "critical_below": ("status", "critical_below", float),
        "max_upload_megabytes": ("upload", "max_megabytes", int),
        "verify_full_nik": ("verification", "full_nik", bool),
        "signature_title": ("signature", "title", str),
        "signature_name": ("signature", "name", str),
        "signature_nip": ("signature", "nip", str),
        # accounts (issue 8)
        "session_timeout_minutes": ("auth", "session_timeout_minutes", int),
        "login_max_attempts": ("auth", "login_max_attempts", int),
        "lockout_minutes": ("auth", "lockout_minutes", int),
        "auth_mode": ("auth", "mode", str),
        "oidc_provider": ("auth", "oidc_provider", str),
        # backups (issue 10)
        "backup_directory": ("backup", "directory", str),
        "backup_daily": ("backup", "daily", bool),
        "backup_keep": ("backup", "keep", int),
        "sk_number": ("documents", "sk_number", str),
        "sk_about": ("documents", "sk_about", str),
        "honor_per_day": ("documents", "honor_per_day", int),
        "honor_days": ("documents", "honor_days", int),
        "card_verify_url": ("documents", "card_verify_url", str),
    }
    extra = {
        field: _require(raw, section, key, kind, path)
        for field, (section, key, kind) in optional.items()
        if key in raw.get(section, {})
    }
    if "modules" in raw.get("training", {}):
        modules = raw["training"]["modules"]
        if not modules or not all(isinstance(m, str) and m.strip() for m in modules):
            msg = f"Berkas pengaturan {path}: [training] modules harus daftar nama modul."
            raise ReferenceDataError(msg)
        extra["training_modules"] = tuple(m.strip() for m in modules)
    if "blocking_codes" in raw.get("rules", {}):
        codes = raw["rules"]["blocking_codes"]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            msg = f"Berkas pengaturan {path}: [rules] blocking_codes harus daftar kode peringatan."
            raise ReferenceDataError(msg)
        extra["blocking_codes"] = tuple(codes)
    extra["milestones"] = _milestones(raw, path)
    extra.update(_rawan(raw, path))
    if "letterhead" in raw.get("documents", {}):
        extra["letterhead"] = _letterhead(raw["documents"]["letterhead"], path)
    settings = Settings(
        kabupaten_name=_require(raw, "kabupaten", "name", str, path),
        kabupaten_code=_require(raw, "kabupaten", "code", str, path),
        province_name=_require(raw, "kabupaten", "province_name", str, path),
        province_code=_require(raw, "kabupaten", "province_code", str, path),
        region_file=path.parent / _require(raw, "kabupaten", "region_file", str, path),
        election_name=_require(raw, "election", "name", str, path),
        voting_date=_require(raw, "election", "voting_date", dt.date, path),
        submission_deadline=_require(raw, "election", "submission_deadline", dt.date, path),
        source_file=path,
        alias_file=path.parent / raw["kabupaten"].get("alias_file", "alias_desa.csv"),
        kabupaten_list_file=(  # issue 9: province instance
            path.parent / _require(raw, "kabupaten", "kabupaten_list_file", str, path)
            if "kabupaten_list_file" in raw["kabupaten"]
            else None
        ),
        **extra,
    )
    if settings.officers_per_tps < 1 or settings.min_age < 1:
        msg = f"Berkas pengaturan {path}: officers_per_tps dan min_age harus lebih dari 0."
        raise ReferenceDataError(msg)
    if settings.auth_mode not in ("password", "oidc"):
        msg = (
            f'Berkas pengaturan {path}: [auth] mode harus "password" atau "oidc", '
            f"tertulis {settings.auth_mode!r}."
        )
        raise ReferenceDataError(msg)
    _check_documents(settings, path)
    return settings


LETTERHEAD_FIELDS = frozenset({"kabupaten", "kecamatan", "desa", "jenis"})


def _letterhead(lines: object, path: Path) -> tuple[str, ...]:
    """Letterhead lines: a list of texts using only the fields the lampiran fills in."""
    if (
        not isinstance(lines, list)
        or not lines
        or not all(isinstance(x, str) and x.strip() for x in lines)
    ):
        msg = (
            f"Berkas pengaturan {path}: [documents] letterhead harus daftar baris teks, "
            f'mis. ["PEMERINTAH {{kabupaten}}", "KECAMATAN {{kecamatan}}"].'
        )
        raise ReferenceDataError(msg)
    for line in lines:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(line) if name is not None}
        except ValueError:
            names = {"?"}
        unknown = names - LETTERHEAD_FIELDS
        if unknown:
            allowed = ", ".join(f"{{{f}}}" for f in sorted(LETTERHEAD_FIELDS))
            msg = (
                f"Berkas pengaturan {path}: [documents] letterhead baris {line!r} memakai isian "
                f"yang tidak dikenal. Isian yang boleh: {allowed}."
            )
            raise ReferenceDataError(msg)
    return tuple(line.strip() for line in lines)


def _check_documents(settings: Settings, path: Path) -> None:
    """Honor amounts are not negative, the term has days, the card address has no query."""
    if settings.honor_per_day < 0 or settings.honor_days < 1:
        msg = (
            f"Berkas pengaturan {path}: [documents] honor_per_day tidak boleh negatif dan "
            f"honor_days paling sedikit 1, tertulis {settings.honor_per_day} dan "
            f"{settings.honor_days}."
        )
        raise ReferenceDataError(msg)
    url = settings.card_verify_url
    if not (url.startswith("/") or url.startswith("https://")) or any(c in url for c in "?#{} "):
        msg = (
            f"Berkas pengaturan {path}: [documents] card_verify_url harus diawali / atau "
            f'https:// tanpa tanda ? # spasi, tertulis "{url}". Contoh: "/verifikasi-kartu".'
        )
        raise ReferenceDataError(msg)
