"""The audit log as people read it: each action an Indonesian sentence, details as plain text.

``auth.login`` with ``{"method": "password"}`` becomes "desa.17.02.06.1004 masuk (dengan kata
sandi)"; a region code as target becomes its name. Unknown actions keep their label, so a new
action is never hidden, only less polished.
"""

from __future__ import annotations

import json

import polars as pl

from readiness import formatting as fmt
from readiness.auth import ACTION_LABELS, AUDIT_FIELD_MAX, audit_table
from readiness.db import Store
from readiness.scope import Scope

# {user}: who acted; {target}: the target (a region code shown as its name).
SENTENCES = {
    "auth.login": "{user} masuk",
    "auth.login_failed": "Percobaan masuk gagal",
    "auth.login_attempt": "Percobaan masuk {target} dihitung sebelum kata sandinya diperiksa",
    "backup.create": "{user} membuat cadangan basis data {target}",
    "backup.partial_removed": "Sisa cadangan yang terputus dihapus ({target})",
    "roster.nik_lookup": "{user} memeriksa NIK ke desa lain saat memeriksa daftar {target}",
    "roster.nik_lookup_refused": (
        "{user} ditolak memeriksa NIK ke desa lain ({target}): batas per jam tercapai"
    ),
    "plan.set": "{user} mengubah milestone rencana H-n {target}",
    "auth.login_refused": "Akun {target} ditolak masuk",
    "auth.logout": "{user} keluar",
    "auth.password_change": "{user} mengganti kata sandinya",
    "auth.revoked": "Sesi {user} diakhiri karena akunnya diubah",
    "auth.timeout": "Sesi {user} berakhir karena tidak aktif",
    "backup.restore": "{user} memulihkan basis data dari cadangan {target}",
    "batch.undo": "{user} membatalkan impor nomor {target}",
    "bpjs.import": "{user} mengimpor peserta BPJS dari {target}",
    "bulk.load": "{user} memuat data massal",
    "export.download": "{user} mengunduh daftar {target}",
    "export.pdf": "{user} mengekspor PDF {target}",
    "export.xlsx": "{user} mengekspor Excel {target}",
    "export.csv": "{user} mengekspor CSV {target}",
    "meta.set": "{user} mengubah pengaturan sistem {target}",
    "privacy.forget_nik": "{user} menghapus data pribadi satu NIK atas permintaan",
    "readiness.recount": "{user} menghitung ulang kesiapan semua desa",
    "recap.import": "{user} mengimpor rekap {target}",
    "regions.sync": "Daftar wilayah {target} dimuat",
    "regions.import": "{user} mengimpor wilayah {target}",
    "roster.upload": "{user} mengunggah daftar linmas {target}",
    "submission.return": "{user} mengembalikan daftar {target} ke desa",
    "submission.verify": "{user} memverifikasi daftar {target}",
    "tps.import": "{user} mengimpor daftar TPS ({target})",
    "tps.rawan": "{user} mengubah tanda TPS rawan {target}",
    "training.attendance": "{user} mencatat absensi pelatihan sesi {target}",
    "training.session": "{user} menambah sesi pelatihan di {target}",
    "user.add": "{user} menambah akun {target}",
    "user.bulk_add": "{user} membuat akun massal ({target})",
    "user.demo_accounts": "Akun contoh dibuat ({target})",
    "user.disable": "{user} menonaktifkan akun {target}",
    "user.enable": "{user} mengaktifkan lagi akun {target}",
    "user.reset_password": "{user} mengatur ulang kata sandi akun {target}",
}

DETAIL_LABELS = {
    "accepted": "diterima",
    "accounts": "akun",
    "count": "jumlah",
    "file_name": "berkas",
    "held_on": "tanggal",
    "method": "cara",
    "modules": "materi",
    "note": "catatan",
    "reason": "alasan",
    "rejected": "ditolak",
    "rows": "baris",
    "sha256": "sidik berkas",
    "submission_id": "kiriman nomor",
    "value": "nilai",
    "version": "versi",
    "villages": "desa",
}
VALUE_WORDS = {
    "password": "kata sandi",
    "oidc": "akun instansi",
    "unknown_name": "nama pengguna tidak terdaftar",
    "locked": "akun terkunci",
    "disabled": "akun nonaktif",
    "logout": "tombol Keluar",
    "timeout": "tidak aktif",
    "revoked": "akun diubah admin",
    "password_changed": "kata sandi diganti",
    "demo": "demo",
}


def _value(key: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return fmt.number(value)
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return fmt.number(len(value))
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return fmt.number(len(value))
    text = str(value)
    if key == "sha256":
        return text[:12] + "…"
    return VALUE_WORDS.get(text, text)


def _cut(text: str) -> str:
    """A name, target or detail cut to ``AUDIT_FIELD_MAX`` characters (then "…")."""
    return text[:AUDIT_FIELD_MAX] + "…" if len(text) > AUDIT_FIELD_MAX else text


def readable_detail(detail: str | None) -> str:
    """An audit row's JSON detail as "kunci: nilai; ..." in Indonesian ("—" when empty).

    >>> readable_detail('{"rows": 1200, "note": null, "method": "password"}')
    'baris: 1.200; catatan: —; cara: kata sandi'
    """
    if not detail:
        return "—"
    try:
        parsed = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(parsed, dict) or not parsed:
        return "—"
    return "; ".join(f"{DETAIL_LABELS.get(k, k)}: {_value(k, v)}" for k, v in parsed.items())


def sentence(action: str, user: str, target: str | None) -> str:
    """One action as a sentence; an unknown action shows its label and target."""
    target = target or "—"
    template = SENTENCES.get(action)
    if template is None:
        return f"{user}: {ACTION_LABELS.get(action, action)} ({target})"
    return template.format(user=user, target=target)


def region_lookup(store: Store, scope: Scope) -> dict[str, str]:
    """code -> "Kecamatan X" / "Desa Y" for every region inside ``scope`` (audit targets)."""
    names: dict[str, str] = {}
    for level, word in (("kabupaten", "Kabupaten"), ("kecamatan", "Kecamatan"), ("desa", "")):
        frame = store.region_names(level, scope)
        for code, name in frame.iter_rows():
            names[code] = f"{word} {name}".strip() if word else name
    return names


def readable_audit_table(entries: pl.DataFrame, region_names: dict[str, str]) -> pl.DataFrame:
    """Audit rows for the Log Audit page: No., Waktu, Peran, Tindakan (a sentence), Rincian.

    ``entries``: rows of ``audit_log`` (id, logged_at, username, role, action, target, detail).
    """
    base = audit_table(entries)  # WIB time, role labels, long fields cut
    targets = [region_names.get(t, _cut(t)) if t else t for t in entries["target"].to_list()]
    sentences = [
        sentence(a, _cut(u), t)
        for a, u, t in zip(entries["action"], entries["username"], targets, strict=True)
    ]
    details = [_cut(readable_detail(d)) for d in entries["detail"].to_list()]
    return base.select(
        "No.",
        "Waktu",
        pl.Series("Tindakan", sentences, dtype=pl.String),
        "Peran",
        pl.Series("Rincian", details, dtype=pl.String),
    )


def audit_view(store: Store, entries: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """The Log Audit page's table: sentences with region names, readable details."""
    return readable_audit_table(entries, region_lookup(store, scope))
