"""Files holding personal data (database, backups, one-time passwords) readable by the owner only.

UU 27/2022 asks for access control on personal data: on a shared server another local account
must not read the database or its copies. New files get mode 0600 (umask 077 while the CLI or
the server runs); files made before, or by DuckDB under another umask, are chmod-ed to 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600


def use_private_umask() -> int:
    """Make every file this process creates from now on owner-only; returns the old umask."""
    return os.umask(PRIVATE_UMASK)


def make_private(*paths: Path) -> None:
    """chmod 0600 the files that exist among ``paths`` (a database's ``.wal`` included)."""
    for path in paths:
        for candidate in (Path(path), Path(f"{path}.wal")):
            try:
                if candidate.is_file() and candidate.stat().st_mode & 0o777 != FILE_MODE:
                    candidate.chmod(FILE_MODE)
            except OSError:
                pass  # not ours to change (a read-only mount): reading still works


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file created 0600 (never readable by others, not even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
