"""Masking of personal data (NIK, phone) by role, on screens and in exports (UU 27/2022).

A NIK or phone number is shown in full only to roles that need it for their task; everyone
else sees the first and last digits, enough to recognise a person, not to reuse the number.
"""

from __future__ import annotations

import polars as pl

DOT = "•"
# Columns holding personal numbers, by their one name from CSV header to DuckDB column.
NIK_COLUMNS = ("nik",)
PHONE_COLUMNS = ("no_hp", "phone")
# Who sees unmasked numbers on screen: the admin, and the desa operator who typed its own roster
# and must correct it. pimpinan and operator_kecamatan do not need the numbers for their task.
SCREEN_UNMASKED_ROLES = frozenset({"admin", "operator_desa"})
# Who may download unmasked numbers (each such export is written to the audit log).
EXPORT_UNMASKED_ROLES = frozenset({"admin"})


def mask_nik(nik: str | None) -> str | None:
    """Keep the first 4 and last 4 digits.

    >>> mask_nik("1702061705900012")
    '1702••••••••0012'
    >>> mask_nik("123") is None, mask_nik(None) is None
    (False, True)
    """
    if nik is None:
        return None
    if len(nik) <= 8:
        return DOT * len(nik)
    return nik[:4] + DOT * (len(nik) - 8) + nik[-4:]


def mask_phone(phone: str | None) -> str | None:
    """Keep the first 4 and last 3 digits.

    >>> mask_phone("081234567890")
    '0812•••••890'
    """
    if phone is None:
        return None
    if len(phone) <= 7:
        return DOT * len(phone)
    return phone[:4] + DOT * (len(phone) - 7) + phone[-3:]


def _mask_expr(column: str | pl.Expr, head: int, tail: int) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    text = expr.cast(pl.String)
    length = text.str.len_chars()
    masked = pl.concat_str(
        text.str.head(head),
        pl.lit(DOT).repeat_by(length - head - tail).list.join(""),
        text.str.tail(tail),
    )
    short = pl.lit(DOT).repeat_by(length).list.join("")
    return (
        pl.when(text.is_null()).then(None).when(length <= head + tail).then(short).otherwise(masked)
    )


def mask_nik_expr(column: str | pl.Expr = "nik") -> pl.Expr:
    """The Polars twin of :func:`mask_nik` (keeps the column name when given a name)."""
    out = _mask_expr(column, 4, 4)
    return out.alias(column) if isinstance(column, str) else out


def mask_phone_expr(column: str | pl.Expr = "no_hp") -> pl.Expr:
    """The Polars twin of :func:`mask_phone`."""
    out = _mask_expr(column, 4, 3)
    return out.alias(column) if isinstance(column, str) else out


def mask_digit_runs_expr(column: str | pl.Expr) -> pl.Expr:
    """Free text with every run of six or more digits hidden: an importer's reason may quote
    a NIK or phone number as typed, and a table of villages is read by more people than the
    village's own operator.

    >>> pl.select(mask_digit_runs_expr(pl.lit("NIK 1702010101900001 salah"))).item()
    'NIK •••• salah'
    """
    column = pl.col(column) if isinstance(column, str) else column
    return column.str.replace_all(r"\d{6,}", "••••")


def shows_personal_data(role: str, purpose: str = "screen") -> bool:
    """Whether ``role`` sees unmasked NIK and phone for ``purpose`` ("screen" or "export")."""
    allowed = EXPORT_UNMASKED_ROLES if purpose == "export" else SCREEN_UNMASKED_ROLES
    return role in allowed


def mask_frame(
    frame: pl.DataFrame,
    role: str,
    purpose: str = "screen",
    *,
    unmasked: bool = False,
    extra_nik: tuple[str, ...] = (),
    extra_phone: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Mask the NIK and phone columns of ``frame`` unless ``role`` may see them for ``purpose``.

    For exports, numbers stay masked even for the admin unless ``unmasked=True`` is asked for
    (the caller records that in the audit log). ``extra_nik`` / ``extra_phone`` name columns
    with people-facing headers (e.g. "NIK", "No. HP").
    """
    allowed = shows_personal_data(role, purpose) and (purpose != "export" or unmasked)
    if allowed:
        return frame
    niks = [c for c in (*NIK_COLUMNS, *extra_nik) if c in frame.columns]
    phones = [c for c in (*PHONE_COLUMNS, *extra_phone) if c in frame.columns]
    return frame.with_columns(
        *(mask_nik_expr(c) for c in niks), *(mask_phone_expr(c) for c in phones)
    )
