"""Backups: consistent snapshots while the dashboard runs, verified restores, daily snapshots.

A snapshot is a complete DuckDB file made by one ``COPY FROM DATABASE`` statement (one
transaction), written next to its final name and renamed only after it has been re-opened and
every row read back. A restore checks the file is ours (migrations, this kabupaten's regions)
before the current file is touched, and keeps the current file as a snapshot first.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from readiness import formatting as fmt
from readiness.auth import require
from readiness.config import Settings
from readiness.db import MIGRATIONS, SYSTEM, Actor, DatabaseFileError, Store, now_wib
from readiness.db.core import release
from readiness.errors import ReadinessError
from readiness.messages import text
from readiness.private_files import make_private
from readiness.store_open import open_store

log = logging.getLogger("readiness.backup")

DAILY_PREFIX = "harian-"  # daily snapshots: harian-2024-11-27.duckdb (pruned to `keep`)
BEFORE_RESTORE_PREFIX = "sebelum-pulih-"  # the file a restore replaced (never pruned)
SUFFIX = ".duckdb"
_daily_lock = threading.Lock()
_daily_done: dict[Path, dt.date] = {}


class BackupError(ReadinessError):
    """A backup could not be made or a file cannot be restored; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    """What a verified snapshot holds."""

    path: Path
    size_bytes: int
    tables: dict[str, int]
    migrations: list[int]
    data_version: int
    partials_removed: tuple[Path, ...] = ()

    def describe(self) -> str:
        """One Indonesian line for the CLI."""
        rows = self.tables
        return (
            f"{self.path} ({fmt.number(self.size_bytes // 1024)} KB): "
            f"{fmt.number(rows.get('submissions', 0))} unggahan, "
            f"{fmt.number(rows.get('officers', 0))} baris linmas, "
            f"{fmt.number(rows.get('batches', 0))} impor BPJS/pelatihan, "
            f"{fmt.number(rows.get('audit_log', 0))} catatan audit."
        )


@dataclass(frozen=True)
class RestoreResult:
    """The restored file's content and where the replaced database was kept."""

    restored: BackupInfo
    previous_kept: Path | None


def backup_dir(settings: Settings, db_path: Path) -> Path:
    """The snapshot folder: ``[backup] directory``, relative to the database file's folder."""
    folder = Path(settings.backup_directory)
    return folder if folder.is_absolute() else Path(db_path).resolve().parent / folder


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _temp_name(final: Path, tag: str) -> Path:
    return final.with_name(f".{final.stem}.{tag}-{os.getpid()}-{threading.get_ident()}{SUFFIX}")


# A temporary copy a backup or restore writes before its rename: ".<stem>.<tag>-<pid>-<thread>".
_PARTIAL_NAME = re.compile(
    r"^\..+\.(?:sedang-dibuat|pemulihan)-(?P<pid>\d+)-\d+(?:-cek)?\.duckdb(?:\.wal)?$"
)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_partial_copies(*folders: Path) -> list[Path]:
    """Delete the temporary copies a killed backup or restore left behind (each holds NIKs).

    A copy whose writing process still runs is left alone. Returns the files removed.
    """
    removed: list[Path] = []
    for folder in dict.fromkeys(Path(f).resolve() for f in folders):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            found = _PARTIAL_NAME.match(entry.name)
            if found is None or _process_alive(int(found["pid"])) or not entry.is_file():
                continue
            try:
                entry.unlink()
            except OSError:
                continue
            removed.append(entry)
    return removed


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def _why_unreadable(detail: str) -> str:
    if "not a valid DuckDB database" in detail:
        return "bukan berkas basis data DuckDB"
    if "checksum" in detail.lower():
        return "ada blok data yang rusak"
    if "read enough bytes" in detail:
        return "berkas terpotong"
    return detail.splitlines()[0][:160] if detail else "tidak diketahui"


def inspect(path: Path, settings: Settings, *, shown: str | None = None) -> BackupInfo:
    """Open a file read-only, read every row and check it is a database of this kabupaten.

    ``shown`` is the name used in messages (the user's file when ``path`` is a working copy).
    """
    path = Path(path)
    name = shown or path.name
    if not path.is_file():
        msg = text("backup_missing", file=path)
        raise BackupError(msg, code="backup_missing")
    try:
        info = Store.inspect_file(path)
    except DatabaseFileError as error:
        msg = text("backup_unreadable", file=name, why=_why_unreadable(error.detail))
        raise BackupError(msg, code="backup_unreadable") from error
    if "schema_migrations" not in info["tables"] or "submissions" not in info["tables"]:
        msg = text("backup_foreign", file=name)
        raise BackupError(msg, code="backup_foreign")
    known = {version for version, _, _ in MIGRATIONS}
    newer = sorted(set(info["migrations"]) - known)
    if newer:
        msg = text("backup_newer", file=name, newer=newer)
        raise BackupError(msg, code="backup_newer")
    if settings.kabupaten_code not in info["kabupaten"]:
        found = ", ".join(info["kabupaten"]) or "tidak ada"
        msg = text(
            "backup_other_kabupaten",
            file=name,
            found=found,
            kabupaten_name=settings.kabupaten_name,
            kabupaten_code=settings.kabupaten_code,
        )
        raise BackupError(msg, code="backup_other_kabupaten")
    return BackupInfo(
        path=path,
        size_bytes=path.stat().st_size,
        tables=info["tables"],
        migrations=info["migrations"],
        data_version=info.get("data_version", 0),
    )


def backup(store: Store, out: Path, actor: Actor = SYSTEM) -> BackupInfo:
    """Write a verified snapshot of the store to ``out`` (refuses to overwrite a file).

    Only an admin (or the server itself) may; the snapshot is audited with who made it, where
    and its size. Partial copies that killed backups left in the same folders are removed first
    (``BackupInfo.partials_removed`` names them).
    """
    require(actor, "backup")
    out = Path(out).resolve()
    if out.exists():
        msg = text("backup_exists", file=out)
        raise BackupError(msg, code="backup_exists")
    if out.resolve() == store.path.resolve():
        msg = text("backup_onto_itself")
        raise BackupError(msg, code="backup_exists")
    out.parent.mkdir(parents=True, exist_ok=True)
    removed = remove_partial_copies(out.parent, store.path.parent)
    if removed:
        store.record_event(
            actor, "backup.partial_removed", str(out.parent), files=[p.name for p in removed]
        )
    temp = _temp_name(out, "sedang-dibuat")
    _remove(temp)
    try:
        try:
            store.snapshot_to(temp)
        except ReadinessError as error:
            if error.code != "snapshot_failed":
                raise
            why = _why_unreadable(error.message)
            msg = text("backup_failed", file=store.path.name, why=why)
            raise BackupError(msg, code="backup_failed") from error
        make_private(temp)  # a copy of every NIK: owner-only, like the database
        info = inspect(temp, store.settings)
        _fsync_file(temp)
        _publish(temp, out)
        _fsync_dir(out.parent)
    except OSError as error:
        msg = text("backup_write_failed", folder=out.parent, why=error.strerror or error)
        raise BackupError(msg, code="backup_write_failed") from error
    finally:
        _remove(temp)
    size = out.stat().st_size
    store.record_event(actor, "backup.create", str(out), folder=str(out.parent), size_bytes=size)
    return BackupInfo(out, size, info.tables, info.migrations, info.data_version, tuple(removed))


def _publish(temp: Path, out: Path) -> None:
    """Give the finished snapshot its name without ever replacing an existing file."""
    try:
        os.link(temp, out)  # atomic, and fails when ``out`` exists
        return
    except FileExistsError:
        pass
    except OSError:  # no hard links (a FAT/exFAT USB disk): check, then rename
        if not out.exists():
            temp.replace(out)
            return
    msg = text("backup_appeared", file=out)
    raise BackupError(msg, code="backup_exists")


def list_backups(settings: Settings, db_path: Path) -> list[Path]:
    """Snapshots in the backup folder, newest first (by modification time)."""
    folder = backup_dir(settings, db_path)
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.glob(f"*{SUFFIX}")
        if p.is_file() and not p.name.startswith(".") and not p.stem.endswith("-rusak")
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def latest_backup(settings: Settings, db_path: Path) -> Path | None:
    """The newest snapshot in the backup folder, or None."""
    found = list_backups(settings, db_path)
    return found[0] if found else None


def prune_daily(settings: Settings, db_path: Path) -> list[Path]:
    """Delete daily snapshots beyond ``[backup] keep`` (oldest first); others stay."""
    folder = backup_dir(settings, db_path)
    daily = sorted(folder.glob(f"{DAILY_PREFIX}*{SUFFIX}"), reverse=True)  # names sort by date
    removed = daily[max(1, settings.backup_keep) :]
    # half-written snapshots of a process that was killed, once surely abandoned
    cutoff = now_wib().timestamp() - 86400
    removed += [p for p in folder.glob(".*.sedang-dibuat-*") if _older_than(p, cutoff)]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def daily_snapshot(
    store: Store, today: dt.date, *, force: bool = False, actor: Actor = SYSTEM
) -> Path | None:
    """Take today's snapshot if the setting is on and it does not exist yet; prune old ones.

    Returns the new file, or None when nothing was needed. Cheap to call on every page run.
    """
    settings = store.settings
    if not (settings.backup_daily or force):
        return None
    key = store.path.resolve()
    if _daily_done.get(key) == today and not force:
        return None
    with _daily_lock:
        target = backup_dir(settings, store.path) / f"{DAILY_PREFIX}{today.isoformat()}{SUFFIX}"
        _daily_done[key] = today  # one attempt per process and day, even when it fails
        made = None
        if not target.exists():
            try:
                made = backup(store, target, actor).path
            except BackupError as error:
                if error.code != "backup_exists":  # another process took it meanwhile: fine
                    raise
        prune_daily(settings, store.path)
        return made


NOT_MATCHING = text("backup_not_matching")


def _not_matching(message: str) -> str:
    """A refused backup's reason behind the one opening every restore refusal shares."""
    for tail in (
        "; basis data yang sekarang tidak diubah",
        ", basis data yang sekarang tidak diubah",
    ):
        message = message.replace(tail, "")
    return f"{NOT_MATCHING} {message}"


def _check_regular_file(source: Path) -> None:
    """Only a regular file is read: a device (/dev/zero), pipe or folder never ends or fits."""
    try:
        mode = source.stat().st_mode
    except FileNotFoundError:
        msg = _not_matching(text("backup_missing", file=source))
        raise BackupError(msg, code="backup_missing") from None
    except OSError as error:
        msg = _not_matching(text("backup_cannot_open", file=source, why=error.strerror))
        raise BackupError(msg, code="backup_unreadable") from None
    if not stat.S_ISREG(mode):
        msg = _not_matching(text("backup_not_a_file", file=source))
        raise BackupError(msg, code="backup_not_a_file")


def _confirm_unknown_tables(
    found: BackupInfo, store_path: Path, *, confirmed: bool, copy: Path | None = None
) -> None:
    """A backup with tables, views or macros the current database lacks, or with accounts
    that differ from the current ones (added, removed, other role, region, password or
    state), is listed and needs ``--yes``."""
    if confirmed or not store_path.is_file():
        return
    try:
        current = Store.inspect_file(store_path)
    except DatabaseFileError:
        return  # the current file is damaged: it is moved aside anyway
    backup_catalog = Store.inspect_file(copy) if copy is not None else {}
    problems = []
    extra = sorted(set(found.tables) - set(current["tables"]))
    if extra:
        problems.append(text("backup_extra_tables", names=", ".join(extra)))
    for key, label in (("views", "view"), ("macros", "makro")):
        unknown = sorted(set(backup_catalog.get(key, [])) - set(current.get(key, [])))
        if unknown:
            problems.append(text("backup_unknown_objects", kind=label, names=", ".join(unknown)))
    theirs, ours = backup_catalog.get("accounts", {}), current.get("accounts", {})
    differ = sorted(name for name in set(theirs) | set(ours) if theirs.get(name) != ours.get(name))
    if copy is not None and differ:
        more = text("backup_more_accounts", count=len(differ) - 20) if len(differ) > 20 else ""
        problems.append(text("backup_accounts_differ", names=", ".join(differ[:20]) + more))
    if problems:
        msg = text("backup_needs_confirmation", problems="; ".join(problems))
        raise BackupError(msg, code="backup_needs_confirmation")


def restore(
    store_path: Path, source: Path, settings: Settings, actor: Actor, *, confirmed: bool = False
) -> RestoreResult:
    """Replace the database at ``store_path`` by the verified snapshot ``source``.

    Only an admin (or the server itself) may. Only a regular file is accepted; one with tables,
    views or macros the current database lacks, or with other accounts than the current ones,
    needs ``confirmed`` (``--yes``).

    Order: check ``source``; copy it next to the database and check the copy; migrate it and
    audit the restore there; snapshot the current database (if readable) or move it aside (if
    damaged); only then rename the copy into place.
    """
    require(actor, "backup")
    store_path = Path(store_path).resolve()
    source = Path(source).resolve()
    _check_regular_file(source)
    release(source)  # a file this process still holds may have writes only in its log
    if source == store_path:
        msg = text("backup_is_current")
        raise BackupError(msg, code="backup_is_current")
    staged = _temp_name(store_path, "pemulihan")
    # The copy gets a .duckdb name: DuckDB reads other extensions (.csv, ...) as something else.
    checked_source = staged.with_name(staged.stem + "-cek" + SUFFIX)
    _remove(staged)
    _remove(checked_source)
    try:
        try:
            shutil.copyfile(source, checked_source)
        except FileNotFoundError:
            msg = text("backup_missing", file=source)
            raise BackupError(msg, code="backup_missing") from None
        try:
            found = inspect(checked_source, settings, shown=source.name)
        except BackupError as error:
            raise BackupError(_not_matching(error.message), code=error.code) from error
        _confirm_unknown_tables(found, store_path, confirmed=confirmed, copy=checked_source)
        checked_source.replace(staged)
        restored = open_store(staged, settings)  # applies newer migrations, syncs regions
        previous_version = _current_version(store_path, settings)
        restored.mark_restored(actor, source.name, newer_than=previous_version)
        info = inspect(staged, settings)
        restored.release()  # this process must not keep the staged file open once it moves
        _fsync_file(staged)
        make_private(staged)
        with _holding(store_path, settings):  # no other process can write until the swap
            kept = _keep_current(store_path, settings)
            staged.replace(store_path)
            _fsync_dir(store_path.parent)
    except OSError as error:
        msg = text("restore_write_failed", why=error.strerror or error)
        raise BackupError(msg, code="restore_write_failed") from error
    finally:
        _remove(staged)
        _remove(checked_source)
    return RestoreResult(
        BackupInfo(
            store_path, store_path.stat().st_size, info.tables, info.migrations, info.data_version
        ),
        kept,
    )


def rewrite_file(store: Store) -> None:
    """Copy the database into a fresh file and put it in place of the old one.

    DuckDB marks deleted rows free but leaves their bytes in the file (and its .wal) until the
    blocks are reused; a fresh copy holds only live rows. Other processes wait on the file lock
    meanwhile; this process's writers wait on the store's write lock.
    """
    path = store.path.resolve()
    temp = _temp_name(path, "tulis-ulang")
    _remove(temp)
    try:
        with store._write_lock, _holding(path, store.settings):
            try:
                store.snapshot_to(temp)
            except ReadinessError as error:
                msg = text(
                    "forget_rewrite_failed", file=path.name, reason=_why_unreadable(error.message)
                )
                raise BackupError(msg, code="rewrite_failed") from error
            make_private(temp)
            _fsync_file(temp)
            temp.replace(path)
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
            _fsync_dir(path.parent)
    finally:
        _remove(temp)


@contextmanager
def _holding(store_path: Path, settings: Settings) -> Iterator[None]:
    """Keep a connection (DuckDB's file lock) open on a readable database; skip a damaged one."""
    if not store_path.exists():
        yield
        return
    try:
        held = Store(store_path, settings).connect()
        held.__enter__()
    except DatabaseFileError:
        yield
        return
    try:
        yield
    finally:
        held.__exit__(None, None, None)
        # The held connection still points at the replaced file: the next operation reopens.
        Store(store_path, settings).release()


def _current_version(store_path: Path, settings: Settings) -> int:
    """The data version of the file being replaced (0 when new or unreadable)."""
    if not store_path.exists():
        return 0
    try:
        return Store(store_path, settings).data_version()
    except Exception:  # a damaged file: nothing newer to stay ahead of
        log.warning("could not read the data version of %s", store_path, exc_info=True)
        return 0


def _keep_current(store_path: Path, settings: Settings) -> Path | None:
    """Save the database about to be replaced: a snapshot, or the raw file when damaged."""
    if not store_path.exists():
        return None
    folder = backup_dir(settings, store_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now_wib().strftime("%Y-%m-%d-%H%M%S")
    kept = folder / f"{BEFORE_RESTORE_PREFIX}{stamp}{SUFFIX}"
    try:
        return backup(Store(store_path, settings), kept).path
    except ReadinessError as error:
        if error.code == "database_busy":
            raise
        log.warning("current database unreadable, moving it aside: %s", error.message)
    moved = kept.with_name(f"{BEFORE_RESTORE_PREFIX}{stamp}-rusak{SUFFIX}")
    shutil.move(store_path, moved)
    wal = store_path.with_name(store_path.name + ".wal")
    if wal.exists():
        shutil.move(wal, moved.with_name(moved.name + ".wal"))
    return moved


_LOCATION_ERRORS = (
    ("Read-only file system", "lokasinya hanya-baca (read-only)"),
    ("Permission denied", "lokasinya hanya-baca atau akun ini tidak punya izin tulis"),
    ("Operation not permitted", "lokasinya hanya-baca atau berkasnya dikunci dari perubahan"),
    ("No such file or directory", "foldernya tidak ada atau tidak dapat dibuat"),
)


def _location_problem(detail: str) -> str | None:
    for marker, words in _LOCATION_ERRORS:
        if marker in (detail or ""):
            return words
    return None


def unreadable_database_message(db_path: Path, settings: Settings, detail: str = "") -> str:
    """What to tell someone at start-up when the database file cannot be opened.

    A location that cannot be written (read-only mount, no permission, missing folder) is said
    to be that, never "rusak" with restore advice: the file itself is fine.
    """
    location = _location_problem(detail)
    if location:
        return text("database_not_writable", db=db_path, location=location)
    latest = latest_backup(settings, db_path)
    why = f" ({_why_unreadable(detail)})" if detail else ""
    if latest is None:
        folder = backup_dir(settings, db_path)
        return text("database_damaged_no_backup", db=db_path, why=why, folder=folder)
    taken = dt.datetime.fromtimestamp(latest.stat().st_mtime, tz=dt.UTC).astimezone(
        now_wib().tzinfo
    )
    return text(
        "database_damaged_latest_backup",
        db=db_path,
        why=why,
        latest=latest,
        date=fmt.date(taken.date()),
        time=f"{taken:%H.%M}",
    )
