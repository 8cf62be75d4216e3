"""The layout of the code base: every page listed, comments name concepts, modules stay one concept.

The dashboard entry is the one list of pages; a file in pages/ that no role can reach, or a
listed page whose file is missing, fails here rather than in front of a user.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Shown instead of every page before login, and the duty-card check anyone may open by its URL:
# neither is a menu entry of its own (dashboard.py registers both directly).
UNLISTED_PAGES = {"pages/login.py", "pages/verify_card.py"}


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


# A work-item reference: "issue", "session" or "work item" and a number, or "#" and a number.
# Where a change came from is git history's job; a comment or docstring names the concept.
WORK_ITEM = re.compile(
    r"\bissues? ?#?\d+\b|(?<![\w#&])#\d{1,4}\b|\bsession \d+\b|\bwork items? ?\d+", re.I
)


def comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a Python file."""
    source = path.read_text(encoding="utf-8")
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.append((body[0].lineno, body[0].value.value))
    return found


def checked_files() -> list[Path]:
    files = [ROOT / "dashboard.py"]
    for folder in ("readiness", "pages", "tests", "benchmarks"):
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def test_the_work_item_pattern_catches_what_it_should():
    named = ["# issue 9: x", "(Issue 10)", "issue #8", "see #9", "session 2 added", "work item 6"]
    assert all(WORK_ITEM.search(text) for text in named)
    concepts = ['"#1f4e79"', "#,##0.0", "#000000", "# province instance", "&#39;", "9 kabupaten"]
    assert not any(WORK_ITEM.search(text) for text in concepts)


def test_no_comment_or_docstring_names_a_work_item():
    files = checked_files()
    assert len(files) > 100
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text.strip()[:80]}"
        for path in files
        for line, text in comments_and_docstrings(path)
        if WORK_ITEM.search(text)
    ]
    assert offenders == []


# A module past about 700 lines holds two concepts: split it by concept.
MAX_MODULE_LINES = 750


def test_no_module_of_the_package_is_two_concepts_long():
    modules = sorted((ROOT / "readiness").rglob("*.py"))
    assert len(modules) > 40
    too_long = {
        path.relative_to(ROOT).as_posix(): length
        for path in modules
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
