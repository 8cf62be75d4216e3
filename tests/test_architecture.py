"""Dependency direction, checked by parsing imports: pages -> readiness.ui -> the rest.

Only the readiness/db package talks to DuckDB and it imports no domain module; only ui.py
imports Streamlit; pages hold no SQL; no module of the package imports itself back through
others (every import counts, at module level or inside a function). A module a rule names
must exist: a rename makes the test fail instead of passing vacuously.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "readiness"
DB = PACKAGE / "db"
# What the database package may import from the rest of readiness: small value types only.
DB_MAY_IMPORT = {"readiness.scope", "readiness.errors"}
PURE_MODULES = (
    "metrics.py",
    "validation.py",
    "roster_rules.py",
    "roster_normalise.py",
    "column_names.py",
    "file_formats.py",
    "charts.py",
    "plan.py",
    "rawan.py",
    "contacts.py",
)
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


def module_name(path: Path, root: Path = ROOT) -> str:
    """``readiness/db/core.py`` -> ``readiness.db.core``; a package's ``__init__`` -> its name."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def readiness_imports(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """The readiness modules one file imports, wherever the import sits (function, if-block).

    ``from readiness import auth`` names the module ``readiness.auth``; ``from readiness.db
    import Store`` names ``readiness.db``. Relative imports are resolved against the file.
    """
    found: set[str] = set()
    name = module_name(path, root)
    package = name.rsplit(".", 1)[0] if path.name != "__init__.py" else name
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] != "readiness":
                continue
            while name and name not in known:  # an imported attribute: its module
                name = name.rpartition(".")[0]
            if name and name != "readiness":
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """readiness module -> the readiness modules it imports (itself left out)."""
    paths = {module_name(path): path for path in package_modules()}
    known = set(paths)
    return {name: readiness_imports(path, known) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, ..., a], or [] when the graph has none (depth-first)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_the_package_exists():
    # guards the other tests against passing vacuously on a wrong ROOT
    assert (DB / "__init__.py").exists()
    assert (DB / "core.py").exists()
    assert "duckdb" in imported_roots(DB / "core.py")
    assert not (PACKAGE / "storage.py").exists()


def test_only_the_db_package_imports_duckdb():
    offenders = [
        relative(path)
        for path in [*package_modules(), *page_files(), ROOT / "dashboard.py"]
        if DB not in path.parents and "duckdb" in imported_roots(path)
    ]
    assert offenders == []


def test_the_db_package_imports_no_domain_module():
    graph = import_graph()
    db_modules = [
        name for name in graph if name == "readiness.db" or name.startswith("readiness.db.")
    ]
    assert len(db_modules) > 5
    offenders = {
        name: sorted(
            target
            for target in graph[name]
            if not target.startswith("readiness.db") and target not in DB_MAY_IMPORT
        )
        for name in db_modules
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_no_import_cycles_in_the_package():
    assert find_cycle(import_graph()) == []


def test_cycle_finder_finds_a_cycle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_import_graph_sees_function_level_and_from_package_imports(tmp_path):
    sample = tmp_path / "readiness" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "from readiness import auth, formatting as fmt\n"
        "from readiness.db import Store\n"
        "def f():\n"
        "    from readiness.db.core import scoped\n"
        "    import readiness.ui\n",
        encoding="utf-8",
    )
    known = {"readiness.auth", "readiness.formatting", "readiness.db", "readiness.db.core",
             "readiness.ui"}  # fmt: skip
    found = readiness_imports(sample, known, root=tmp_path)
    assert found == known


def test_only_ui_imports_streamlit_inside_the_package():
    offenders = [
        relative(path)
        for path in package_modules()
        if not path.name.startswith("ui") and "streamlit" in imported_roots(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_import_neither_streamlit_nor_duckdb(name):
    path = PACKAGE / name
    assert path.exists(), f"{relative(path)} is named by this test but does not exist"
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
