"""The apps form layers and every import points down (STYLE.md, "Layers"):

    reader (no Django) ← sources ← articles ← stories / rights / community ← ingest ← site / api / websub

An app may import the reader, `common` and apps of lower layers; never one of its own layer or above. Imports
inside functions count too (they hid such dependencies before), and so does `importlib.import_module`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "newsdesk"

# Lower number, lower layer. `common` holds small Django helpers every app may use; `reader` is framework-free.
LAYERS: dict[str, int] = {
    "reader": 0,
    "common": 0,
    "sources": 1,
    "articles": 2,
    "stories": 3,
    "rights": 3,
    "community": 3,
    "media": 3,
    "ingest": 4,
    "site": 5,
    "api": 5,
    "websub": 5,
    # Backup, restore and `db copy` read every app's tables but import only the articles' search index.
    "backup": 5,
}


def _imports(path: Path) -> set[str]:
    """Every absolute module name `path` imports, wherever the import stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "newsdesk":  # `from newsdesk import api` names the app in the alias
                names.update(f"newsdesk.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "newsdesk" and parts[1] in LAYERS else None


def upward_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        app = relative.parts[0]
        if app not in LAYERS or "migrations" in relative.parts:
            continue
        for module in sorted(_imports(path)):
            target = _app_of(module)
            if target and target != app and LAYERS[target] >= LAYERS[app]:
                found.append(f"{path.relative_to(REPO)} ({app}) imports {module} ({target})")
    return found


def test_every_app_directory_has_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - set(LAYERS) == set()


def test_no_app_imports_its_own_layer_or_above():
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from newsdesk.ingest.context import IngestContext\n", "ingest"),
        ("def f():\n    from newsdesk.websub import models\n", "websub"),
        ("import importlib\nimportlib.import_module('newsdesk.site.views')\n", "site"),
        ("from newsdesk import api\n", "api"),
    ],
)
def test_the_check_sees_every_form_of_import(tmp_path: Path, source: str, expected: str):
    module = tmp_path / "m.py"
    module.write_text(source)
    assert expected in {_app_of(name) for name in _imports(module)}
