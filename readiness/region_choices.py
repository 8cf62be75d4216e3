"""Regions picked by name: the choices of a region selectbox, labelled the way people say them."""

from __future__ import annotations

from readiness.db import Store
from readiness.scope import Scope

LEVEL_WORDS = (("kabupaten", "Kabupaten"), ("kecamatan", "Kecamatan"), ("desa", "Desa/Kel."))


def region_labels(store: Store, scope: Scope) -> dict[str, str]:
    """code -> "Kecamatan Curup" / "Desa/Kel. Dwi Tunggal (Kecamatan Curup)" inside ``scope``,
    kabupaten first, then each kecamatan followed by its villages."""
    names: dict[str, str] = {}
    for level, word in LEVEL_WORDS:
        for code, name in store.region_names(level, scope).iter_rows():
            names[code] = f"{word} {name}"
    ordered = sorted(names, key=lambda code: (len(code.split(".")) > 2, code))
    labels = {}
    for code in ordered:
        parent = names.get(code.rsplit(".", 1)[0]) if code.count(".") == 3 else None
        labels[code] = f"{names[code]} ({parent})" if parent else names[code]
    return labels
