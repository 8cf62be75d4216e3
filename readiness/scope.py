"""Which part of the region hierarchy a caller may see: the whole area, one kecamatan or one desa."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    """A region code prefix; every database read and write takes one.

    ``code`` is a Kemendagri code at any level ("" = everything, "17" province, "17.02" kabupaten,
    "17.02.06" kecamatan, "17.02.06.2001" desa). A desa code is covered when it equals the
    scope code or lies under it.

    >>> Scope("17.02.06").covers("17.02.06.2001"), Scope("17.02.06").covers("17.02.07.2001")
    (True, False)
    """

    code: str = ""

    @property
    def level(self) -> str:
        """provinsi / kabupaten / kecamatan / desa from the number of code parts; else tidak_sah.

        >>> Scope("17.02.06").level, Scope("17.02.06.2001.9").level
        ('kecamatan', 'tidak_sah')
        """
        if not self.code:
            return "nasional"
        levels = ("provinsi", "kabupaten", "kecamatan", "desa")
        parts = self.code.count(".")
        return levels[parts] if parts < len(levels) else "tidak_sah"

    def covers(self, region_code: str) -> bool:
        """True when ``region_code`` is this scope's region or lies inside it."""
        return not self.code or region_code == self.code or region_code.startswith(self.code + ".")


EVERYTHING = Scope("")


@dataclass(frozen=True)
class Actor:
    """Who performs a write: recorded in the audit log and checked against the scope."""

    username: str
    role: str
    scope: Scope
    # The account's credential version when the session began (None: no account row, e.g.
    # the server itself); a reset password or a disabled account has a newer one.
    credential_version: int | None = field(default=None, compare=False)


# The product itself (start-up, demo data, recounts): an admin of everything.
SYSTEM = Actor("sistem", "admin", EVERYTHING)
