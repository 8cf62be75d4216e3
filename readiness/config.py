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
from readiness.messages import text

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
    # NIKs one account (not the admin) may check against other villages per hour, over
    # uploads, dry runs and kecamatan files; a re-check of the same rows is not counted again.
    nik_checks_per_hour: int = 10_000
    max_upload_megabytes: int = 5
    # A checked upload and its fixes not saved or discarded are dropped after this many days.
    draft_days: int = 7
    # A kecamatan operator sees full NIK of their own kecamatan while verifying (audited).
    verify_full_nik: bool = True
    signature_title: str = ""
    signature_name: str = ""
    signature_nip: str = ""
    # Accounts: idle minutes before a session ends, failed logins before a lockout,
    # lockout length; auth_mode "password" (accounts in DuckDB) or "oidc" (st.login).
    session_timeout_minutes: int = 30
    login_max_attempts: int = 5
    lockout_minutes: int = 15
    auth_mode: str = "password"
    oidc_provider: str = ""
    # Backups: folder (relative = next to the database file), a daily snapshot
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
    # Voting-day attendance: from which hour (WIB) village operators mark their TPS, and by
    # which hour a village that has not reported becomes an action item for the head.
    attendance_from_hour: int = 6
    attendance_report_by_hour: int = 9
    source_file: Path = DEFAULT_SETTINGS_FILE
    alias_file: Path = DATA_DIR / "alias_desa.csv"
    # Province instance: every kabupaten/kota of the province (kode_kabupaten,
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
        msg = text("settings_key_missing", path=path, section=section, key=key)
        raise ReferenceDataError(msg) from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    # TOML booleans are ints to Python: ``officers_per_tps = true`` must still be refused.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        written = str(value).lower() if isinstance(value, bool) else repr(value)
        msg = text(
            "settings_value_kind",
            path=path,
            section=section,
            key=key,
            kind=_KIND_NAMES[kind],
            written=written,
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
        msg = text("settings_milestones_empty", where=where)
        raise ReferenceDataError(msg)
    milestones: list[Milestone] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            msg = text("settings_milestone_not_table", where=where, number=number)
            raise ReferenceDataError(msg)
        code = entry.get("code")
        name = f"{where} nomor {number}"
        if not isinstance(code, str) or not _CODE.match(code):
            msg = text("settings_milestone_code", name=name, code=repr(code))
            raise ReferenceDataError(msg)
        name = f"{where} nomor {number} ({code})"
        if code in {m.code for m in milestones}:
            msg = text("settings_milestone_code_twice", name=name, code=repr(code))
            raise ReferenceDataError(msg)
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            msg = text("settings_milestone_label", name=name, label=repr(label))
            raise ReferenceDataError(msg)
        day = parse_day(entry.get("day"))
        if day is None:
            msg = text("settings_milestone_day", name=name, day=repr(entry.get("day")))
            raise ReferenceDataError(msg)
        target = _number(entry.get("target"))
        if target is None or not 0 < target <= 100:
            msg = text("settings_milestone_target", name=name, target=repr(entry.get("target")))
            raise ReferenceDataError(msg)
        measure = entry.get("measure")
        if measure not in MEASURES:
            msg = text(
                "settings_milestone_measure",
                name=name,
                measures=", ".join(MEASURES),
                measure=repr(measure),
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
        msg = text("settings_rawan_levels_missing", where=where)
        raise ReferenceDataError(msg)
    unknown = [code for code in given if code not in RAWAN_LEVEL_CODES]
    if unknown:
        msg = text(
            "settings_rawan_level_unknown",
            where=where,
            level=repr(unknown[0]),
            levels=", ".join(RAWAN_LEVEL_CODES),
        )
        raise ReferenceDataError(msg)
    levels: list[RawanLevel] = []
    for default in DEFAULT_RAWAN_LEVELS:
        entry = given.get(default.code, {})
        name = f"Berkas pengaturan {path}: [rawan.levels.{default.code}]"
        if not isinstance(entry, dict):
            msg = text("settings_rawan_level_not_table", name=name)
            raise ReferenceDataError(msg)
        label = entry.get("label", default.label)
        if not isinstance(label, str) or not label.strip():
            msg = text("settings_rawan_level_label", name=name, label=repr(label))
            raise ReferenceDataError(msg)
        extra = entry.get("extra_officers")
        if default.code == "rawan" and old is not None:
            if extra is not None and extra != old:
                msg = text(
                    "settings_rawan_extra_conflict", name=name, extra=repr(extra), old=repr(old)
                )
                raise ReferenceDataError(msg)
            extra = old
        if extra is None:
            # Sangat rawan needs one more than rawan unless the file says otherwise.
            extra = levels[0].extra_officers + 1 if levels else default.extra_officers
        if not isinstance(extra, int) or isinstance(extra, bool) or not 0 <= extra <= 10:
            msg = text("settings_rawan_extra", name=name, extra=repr(extra))
            raise ReferenceDataError(msg)
        levels.append(RawanLevel(default.code, label.strip(), extra))
    if levels[1].extra_officers < levels[0].extra_officers:
        msg = text(
            "settings_rawan_extra_order",
            where=where,
            very=levels[1].extra_officers,
            rawan=levels[0].extra_officers,
        )
        raise ReferenceDataError(msg)
    sources = table.get("sources", list(DEFAULT_RAWAN_SOURCES))
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
        or len({s.strip().lower() for s in sources}) != len(sources)
    ):
        msg = text("settings_rawan_sources", where=where, sources=repr(sources))
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
        msg = text("settings_file_missing", path=path)
        raise ReferenceDataError(msg) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        msg = text("settings_file_broken", path=path, error=error)
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
        "nik_checks_per_hour": ("upload", "nik_checks_per_hour", int),
        "max_upload_megabytes": ("upload", "max_megabytes", int),
        "draft_days": ("upload", "draft_days", int),
        "verify_full_nik": ("verification", "full_nik", bool),
        "signature_title": ("signature", "title", str),
        "signature_name": ("signature", "name", str),
        "signature_nip": ("signature", "nip", str),
        # accounts
        "session_timeout_minutes": ("auth", "session_timeout_minutes", int),
        "login_max_attempts": ("auth", "login_max_attempts", int),
        "lockout_minutes": ("auth", "lockout_minutes", int),
        "auth_mode": ("auth", "mode", str),
        "oidc_provider": ("auth", "oidc_provider", str),
        # backups
        "backup_directory": ("backup", "directory", str),
        "backup_daily": ("backup", "daily", bool),
        "backup_keep": ("backup", "keep", int),
        "sk_number": ("documents", "sk_number", str),
        "sk_about": ("documents", "sk_about", str),
        "honor_per_day": ("documents", "honor_per_day", int),
        "honor_days": ("documents", "honor_days", int),
        "card_verify_url": ("documents", "card_verify_url", str),
        "attendance_from_hour": ("voting_day", "attendance_from_hour", int),
        "attendance_report_by_hour": ("voting_day", "report_by_hour", int),
    }
    extra = {
        field: _require(raw, section, key, kind, path)
        for field, (section, key, kind) in optional.items()
        if key in raw.get(section, {})
    }
    if "modules" in raw.get("training", {}):
        modules = raw["training"]["modules"]
        if not modules or not all(isinstance(m, str) and m.strip() for m in modules):
            msg = text("settings_training_modules", path=path)
            raise ReferenceDataError(msg)
        extra["training_modules"] = tuple(m.strip() for m in modules)
    if "blocking_codes" in raw.get("rules", {}):
        codes = raw["rules"]["blocking_codes"]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            msg = text("settings_blocking_codes", path=path)
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
        kabupaten_list_file=(  # province instance
            path.parent / _require(raw, "kabupaten", "kabupaten_list_file", str, path)
            if "kabupaten_list_file" in raw["kabupaten"]
            else None
        ),
        **extra,
    )
    if settings.officers_per_tps < 1 or settings.min_age < 1:
        msg = text("settings_counts_positive", path=path)
        raise ReferenceDataError(msg)
    if settings.auth_mode not in ("password", "oidc"):
        msg = text("settings_auth_mode", path=path, mode=repr(settings.auth_mode))
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
        example = '["PEMERINTAH {kabupaten}", "KECAMATAN {kecamatan}"]'
        msg = text("settings_letterhead_list", path=path, example=example)
        raise ReferenceDataError(msg)
    for line in lines:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(line) if name is not None}
        except ValueError:
            names = {"?"}
        unknown = names - LETTERHEAD_FIELDS
        if unknown:
            allowed = ", ".join(f"{{{f}}}" for f in sorted(LETTERHEAD_FIELDS))
            msg = text("settings_letterhead_field", path=path, line=repr(line), allowed=allowed)
            raise ReferenceDataError(msg)
    return tuple(line.strip() for line in lines)


def _check_documents(settings: Settings, path: Path) -> None:
    """Honor amounts are not negative, the term has days, the card address has no query."""
    if settings.honor_per_day < 0 or settings.honor_days < 1:
        msg = text(
            "settings_honor",
            path=path,
            honor_per_day=settings.honor_per_day,
            honor_days=settings.honor_days,
        )
        raise ReferenceDataError(msg)
    url = settings.card_verify_url
    if not (url.startswith("/") or url.startswith("https://")) or any(c in url for c in "?#{} "):
        msg = text("settings_card_verify_url", path=path, url=url)
        raise ReferenceDataError(msg)
