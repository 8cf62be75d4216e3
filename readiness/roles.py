"""Roles: the five account roles, the region level each is bound to, and what each may do.

``admin`` (Kesbangpol / Satpol PP operator: everything), ``pimpinan`` (heads: read and export,
personal data masked), ``operator_kecamatan`` (its kecamatan: view, upload for its villages,
verify), ``operator_desa`` (its desa: upload, view, correct) and ``mitra_keamanan`` (Polres,
Kodim, Bawaslu liaison: TPS, rawan levels and coverage counts, never a linmas name, NIK or
phone). The domain layer (``readiness.permissions``) checks this table before every write.
"""

from __future__ import annotations

from readiness.errors import AccessDenied
from readiness.messages import text
from readiness.scope import Actor, Scope  # noqa: F401  (Scope: the doctest below)

ROLES = ("admin", "pimpinan", "operator_kecamatan", "operator_desa", "mitra_keamanan")
ROLE_LABELS = {
    "admin": "Admin kabupaten",
    "pimpinan": "Pimpinan",
    "operator_kecamatan": "Operator kecamatan",
    "operator_desa": "Operator desa/kelurahan",
    "mitra_keamanan": "Mitra keamanan (Polres/Kodim/Bawaslu)",
}
# The region level each role's account is bound to.
ROLE_LEVEL = {
    "admin": "kabupaten",
    "pimpinan": "kabupaten",
    "operator_kecamatan": "kecamatan",
    "operator_desa": "desa",
    "mitra_keamanan": "kabupaten",
}
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "view",
            "upload",
            "verify",
            "export",
            "export_unmasked",
            "manage_users",
            "manage_reference",
            "manage_readiness",
            "manage_settings",
            "audit",
            "forget_personal_data",
            "backup",
        }
    ),
    "pimpinan": frozenset({"view", "export"}),
    "operator_kecamatan": frozenset({"view", "upload", "verify", "export"}),
    "operator_desa": frozenset({"view", "upload", "export"}),
    # Security partners read TPS, rawan levels and coverage counts; never a linmas name, NIK or
    # phone: they hold neither "view" (officer lists) nor "export" (the apel recap with names).
    "mitra_keamanan": frozenset({"view_rawan", "export_rawan"}),
}
PERMISSION_LABELS = {
    "view": "melihat daftar linmas (nama, NIK, nomor HP)",
    "export": "mengunduh rekap berisi nama linmas",
    "upload": "mengunggah daftar linmas",
    "verify": "memverifikasi kiriman desa",
    "export_unmasked": "mengunduh NIK dan nomor HP tanpa sensor",
    "manage_users": "mengelola akun",
    "manage_reference": "mengubah daftar TPS dan data rujukan",
    "manage_readiness": "mengimpor data BPJS dan pelatihan",
    "manage_settings": "mengubah pengaturan",
    "audit": "membaca log audit",
    "forget_personal_data": "menghapus data pribadi",
    "backup": "membuat atau memulihkan cadangan basis data",
}


def can(actor: Actor, permission: str) -> bool:
    """Whether the actor's role holds ``permission``.

    >>> can(Actor("x", "pimpinan", Scope("17.02")), "upload")
    False
    """
    return permission in PERMISSIONS.get(actor.role, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise AccessDenied unless the actor's role holds ``permission``."""
    if not can(actor, permission):
        label = ROLE_LABELS.get(actor.role, actor.role)
        what = PERMISSION_LABELS.get(permission, permission)
        msg = text("permission_denied", role=label, username=actor.username, what=what)
        raise AccessDenied(msg)
