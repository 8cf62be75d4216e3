"""Unicode direction controls: invisible characters that reorder how text is displayed.

An RTL override (U+202E) makes "linmas", U+202E, "txt.exe" read as "linmasexe.txt" and can make a name
or an address on a screen or printed list look like another. No Indonesian name or address
needs them, so the importer, account names and every download drop them.
"""

from __future__ import annotations

import re

# LRM, RLM, ALM, the embeddings/overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI).
BIDI_CONTROLS = "[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
_PATTERN = re.compile(BIDI_CONTROLS)


def strip_bidi(text: str | None) -> str | None:
    """``text`` without direction controls.

    >>> strip_bidi("Budi" + chr(0x202E) + "itnayruS")
    'BudiitnayruS'
    """
    return None if text is None else _PATTERN.sub("", text)
