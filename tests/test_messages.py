"""The message catalogue: every template renders; pages, CLI and domain build no text inline.

The rule is in readiness/messages.py's docstring: a sentence a user reads is a catalogue code;
plain labels (titles, widget labels, button text, column names, argparse help) may be literals.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from readiness import messages

ROOT = Path(__file__).resolve().parent.parent
# Calls whose text reaches the user as a message, not as a label.
MESSAGE_METHODS = {"error", "warning", "info", "success", "toast", "caption", "markdown", "write"}
MESSAGE_FUNCTIONS = {"print", "exit"}
# Keywords that carry identifiers, icons or file handles, never text a user reads as a sentence.
NOT_TEXT_KEYWORDS = {"code", "icon", "key", "file", "type", "sep", "end"}
# Built-in exceptions raised for a programming mistake, in English by design.
PROGRAMMER_ERRORS = {"ValueError", "TypeError", "KeyError", "RuntimeError", "AssertionError"}
# Names a module logs through: log.warning(...) is for the operator, not a message.
LOGGERS = {"log", "logger", "logging"}
# Names a module binds a message to before raising or printing it.
MESSAGE_NAMES = {"msg", "message", "text_shown"}


# Domain modules whose raised errors and returned messages a person reads.
DOMAIN_MODULES = (
    "auth.py",
    "backup.py",
    "config.py",
    "regions.py",
    "province.py",
    "readiness_imports.py",
    "exports.py",
    "export_pdf.py",
    "plan.py",
    "roster.py",
    "tps_list.py",
    "kabupaten_regions.py",
    "kecamatan_upload.py",
    "recaps.py",
    "verification.py",
)


def checked_modules() -> list[Path]:
    pages = sorted((ROOT / "pages").glob("*.py"))
    domain = [ROOT / "readiness" / name for name in DOMAIN_MODULES]
    cli = sorted((ROOT / "readiness").glob("cli*.py"))
    return [*pages, *cli, ROOT / "readiness" / "ui.py", *domain]


def has_words(node: ast.AST) -> bool:
    """A literal, f-string or concatenation holding at least one letter: text written inline."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(has_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return has_words(node.left) or has_words(node.right)
    if isinstance(node, ast.IfExp):
        return has_words(node.body) or has_words(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("join", "format") and has_words(node.func.value)
    return False


def shows_a_message(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and getattr(func.value, "id", None) in LOGGERS:
        return False  # the operator's log, in English, never shown to a user
    if isinstance(func, ast.Name) and func.id in PROGRAMMER_ERRORS:
        return False  # a bug's report for the developer, never shown (the page guard hides it)
    if isinstance(func, ast.Name):
        return func.id in MESSAGE_FUNCTIONS or func.id.endswith(("Error", "Denied"))
    if isinstance(func, ast.Attribute):
        return func.attr in MESSAGE_METHODS or func.attr == "exit" or func.attr.endswith("Error")
    return False


def inline_texts(path: Path) -> list[str]:
    """``file:line`` of every text a module builds inline where the catalogue should speak."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        values: list[ast.AST] = []
        if isinstance(node, ast.Call) and shows_a_message(node):
            values = [*node.args]
            values += [k.value for k in node.keywords if k.arg not in NOT_TEXT_KEYWORDS]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in MESSAGE_NAMES for t in node.targets
        ):
            values = [node.value]
        found += [f"{path.relative_to(ROOT)}:{v.lineno}" for v in values if has_words(v)]
    return found


def test_the_scan_covers_pages_and_cli_modules():
    names = {p.relative_to(ROOT).as_posix() for p in checked_modules()}
    assert {"pages/upload.py", "pages/overview.py", "readiness/cli.py", "readiness/ui.py"} <= names
    assert {f"readiness/{name}" for name in DOMAIN_MODULES} <= names
    assert all((ROOT / "readiness" / name).is_file() for name in DOMAIN_MODULES)


@pytest.mark.parametrize("path", checked_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_page_cli_or_domain_module_builds_user_text_inline(path):
    assert inline_texts(path) == []


def test_the_scan_finds_inline_text(tmp_path):
    sample = tmp_path / "page.py"
    sample.write_text(
        "st.error('Berkas rusak.')\n"
        "st.success(f'{n} TPS disimpan.')\n"
        "print('Galat: ' + detail)\n"
        "msg = f'Akun {name} tidak ada.'\n"
        "raise ReadinessError('Tidak boleh.', code='x')\n"
        "st.info(text('tps_stored', tps=1, villages=2), icon=':material/info:')\n"
        "raise ReadinessError(msg, code='user_unknown')\n"
        "print('  ' + text('row_problem', row=1, message='x'))\n"
        "log.warning('could not read %s', path)\n"
        "raise ValueError(f'no {name!r} column')\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert sorted(inline_texts(sample)) == [f"page.py:{n}" for n in (1, 2, 3, 4, 5)]
    finally:
        ROOT = saved


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_every_template_renders_with_its_fields(code):
    values = {name: f"<{name}>" for name in messages.fields(code)}
    rendered = messages.text(code, **values)
    assert rendered.strip()
    assert "{" not in rendered.replace("{" + "}", "")  # every field was filled
    for name in values:
        assert f"<{name}>" in rendered


def test_fields_names_every_placeholder_once():
    for code, template in messages.MESSAGES.items():
        names = [n for _, n, _, _ in string.Formatter().parse(template) if n]
        assert set(messages.fields(code)) == set(names), code
