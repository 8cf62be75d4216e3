"""Dependency direction, checked by parsing imports: pages -> readiness.ui -> the rest.

Only storage.py talks to DuckDB, only ui.py to Streamlit, pages hold no SQL. Modules that do
not exist yet are skipped, so the rules hold from the first commit on.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "readiness"
PURE_MODULES = ("metrics.py", "validation.py", "charts.py", "plan.py", "rawan.py", "contacts.py")
SQL = re.compile(
    r"\b(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+TABLE|ALTER\s+TABLE|DROP\s+TABLE)\s",
)


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports, wherever the import statement sits."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def string_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def page_files() -> list[Path]:
    return sorted((ROOT / "pages").glob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_package_exists():
    # guards the other tests against passing vacuously on a wrong ROOT
    assert (PACKAGE / "storage.py").exists()
    assert "duckdb" in imported_roots(PACKAGE / "storage.py")


def test_only_storage_imports_duckdb():
    offenders = [
        relative(path)
        for path in [*package_modules(), *page_files(), ROOT / "dashboard.py"]
        if path.exists() and path.name != "storage.py" and "duckdb" in imported_roots(path)
    ]
    assert offenders == []


def test_only_ui_imports_streamlit_inside_the_package():
    offenders = [
        relative(path)
        for path in package_modules()
        if path.name != "ui.py" and "streamlit" in imported_roots(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_import_neither_streamlit_nor_duckdb(name):
    path = PACKAGE / name
    if not path.exists():
        return
    assert imported_roots(path).isdisjoint({"streamlit", "duckdb"})


def test_pages_hold_no_sql_and_no_duckdb():
    for path in page_files():
        assert "duckdb" not in imported_roots(path), relative(path)
        with_sql = [text for text in string_literals(path) if SQL.search(text)]
        assert with_sql == [], relative(path)


def test_import_parser_sees_nested_and_dotted_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os.path\n"
        "from polars import col\n"
        "from . import sibling\n"
        "def f():\n"
        "    import duckdb\n"
        "    return importlib.import_module('streamlit.testing')\n",
        encoding="utf-8",
    )
    assert imported_roots(sample) == {"os", "polars", "duckdb", "streamlit"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("SELECT * FROM officers", True),
        ("insert into tps values (1)", False),
        ("DELETE FROM tps", True),
        ("Select a desa", False),
        ("Perbarui data", False),
    ],
)
def test_sql_pattern(text, found):
    assert bool(SQL.search(text)) is found
