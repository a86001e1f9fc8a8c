"""Configuration is read in one place: only config/settings/ reads NEWSDESK_* variables from the environment, and
every NEWSDESK_* variable the code names is documented in README.md's configuration table."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [ROOT / "newsdesk", ROOT / "world" / "newsdesk_world", ROOT / "eval" / "newsdesk_bench", ROOT / "config"]
SETTINGS_DIR = ROOT / "config" / "settings"
VARIABLE = re.compile(r"NEWSDESK_[A-Z0-9_]*[A-Z0-9]")
KEYED_METHODS = {"get", "pop", "setdefault", "__getitem__"}


@dataclass(frozen=True)
class EnvironmentRead:
    line: int
    name: str | None  # None: the variable's name is computed, so nobody can tell which one is read

    def is_allowed_outside_settings(self) -> bool:
        return self.name is not None and not self.name.startswith("NEWSDESK_")


def _is_environ(node: ast.expr) -> bool:
    """`os.environ`, or `environ` imported from os."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _is_getenv(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "getenv" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "getenv"


def _name(key: ast.expr) -> str | None:
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def environment_reads(source: str) -> list[EnvironmentRead]:
    """Every read of one environment variable in `source`: os.environ[...], .get/.pop/.setdefault, `in`, getenv.

    Passing the whole environment on (to a child process, say) reads no variable of its own and is not listed.
    """
    reads = []
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            keyed = isinstance(function, ast.Attribute) and function.attr in KEYED_METHODS
            if _is_getenv(function) or (keyed and _is_environ(function.value)):
                key = node.args[0]
        elif isinstance(node, ast.Compare) and any(_is_environ(right) for right in node.comparators):
            key = node.left
        if key is not None:
            reads.append(EnvironmentRead(line=node.lineno, name=_name(key)))
    return reads


def _code_files() -> list[Path]:
    return sorted(path for root in SCANNED for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def _variables_named(path: Path) -> set[str]:
    """NEWSDESK_* names in the string literals of a module (help texts and messages included, not identifiers
    such as a namespace constant that happens to start with NEWSDESK_)."""
    strings = (
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    )
    return {name for text in strings for name in VARIABLE.findall(text)}


def _configuration_table() -> set[str]:
    """The variables README.md's configuration table documents (first column, every backticked name)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `NEWSDESK_")]
    return {name for cell in rows for name in re.findall(r"`(NEWSDESK_[A-Z0-9_]+)`", cell)}


def test_nothing_outside_config_settings_reads_a_newsdesk_variable_from_the_environment():
    offenders = [
        f"{path.relative_to(ROOT)}:{read.line} reads {read.name or 'a variable by a computed name'}"
        for path in _code_files()
        if SETTINGS_DIR not in path.parents
        for read in environment_reads(path.read_text(encoding="utf-8"))
        if not read.is_allowed_outside_settings()
    ]

    assert offenders == []


def test_config_settings_reads_the_environment_so_the_scan_above_can_see_reads():
    reads = environment_reads((SETTINGS_DIR / "base.py").read_text(encoding="utf-8"))

    assert {"NEWSDESK_DATA_DIR", "NEWSDESK_SECRET_KEY", "NEWSDESK_SITE_URL"} <= {read.name for read in reads}


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("import os\nos.environ.get('NEWSDESK_X', '1')", ["NEWSDESK_X"]),
        ("import os\nos.environ['NEWSDESK_X']", ["NEWSDESK_X"]),
        ("import os\nos.getenv('NEWSDESK_X')", ["NEWSDESK_X"]),
        ("from os import environ\nenviron.pop('NEWSDESK_X', None)", ["NEWSDESK_X"]),
        ("from os import getenv\ngetenv('NEWSDESK_X')", ["NEWSDESK_X"]),
        ("import os\n'NEWSDESK_X' in os.environ", ["NEWSDESK_X"]),
        ("import os\nname = 'NEWSDESK_X'\nos.environ.get(name)", [None]),
        (
            "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.prod')",
            ["DJANGO_SETTINGS_MODULE"],
        ),
        ("import os\nenv = {k: v for k, v in os.environ.items() if k != 'NEWSDESK_X'}", []),
        ("import os\nos.environ['NEWSDESK_X'] = '1'", []),
    ],
)
def test_the_scan_finds_each_way_of_reading_one_variable(source, names):
    assert [read.name for read in environment_reads(source)] == names


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("NEWSDESK_X", False), (None, False), ("DJANGO_SETTINGS_MODULE", True), ("HOME", True)],
)
def test_outside_settings_only_reads_of_other_named_variables_are_allowed(name, allowed):
    assert EnvironmentRead(line=1, name=name).is_allowed_outside_settings() is allowed


def test_every_newsdesk_variable_named_in_the_code_is_in_the_readme_configuration_table():
    named = {name: path for path in _code_files() for name in _variables_named(path)}
    documented = _configuration_table()

    undocumented = {name: str(path.relative_to(ROOT)) for name, path in named.items() if name not in documented}
    assert undocumented == {}


def test_every_variable_the_readme_documents_is_read_by_the_settings():
    read = {name for path in SETTINGS_DIR.glob("*.py") for name in _variables_named(path)}

    assert _configuration_table() - read == set()
    assert {"NEWSDESK_DATA_DIR", "NEWSDESK_SECRET_KEY", "NEWSDESK_HSTS_PRELOAD"} <= _configuration_table()
