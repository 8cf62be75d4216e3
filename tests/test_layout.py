"""The layout of the code base: every page is listed, every listed page exists.

The dashboard entry is the one list of pages; a file in pages/ that no role can reach, or a
listed page whose file is missing, fails here rather than in front of a user.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Shown instead of every page before login; it is not a menu entry of its own.
UNLISTED_PAGES = {"pages/login.py"}


def listed_pages() -> list[str]:
    """The paths in dashboard.py's PAGES list, read without running Streamlit."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "PAGES" for target in node.targets
        ):
            return [entry.elts[0].value for entry in node.value.elts]
    raise AssertionError("dashboard.py has no PAGES list")


def test_every_listed_page_exists():
    listed = listed_pages()
    assert len(listed) >= 10
    missing = [path for path in listed if not (ROOT / path).is_file()]
    assert missing == []


def test_every_page_file_is_listed():
    on_disk = {f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py")}
    unlisted = on_disk - set(listed_pages()) - UNLISTED_PAGES
    assert unlisted == set()
    assert on_disk >= UNLISTED_PAGES
