"""newsdesk.reader is framework-free: no module imports Django, and all of it imports without settings."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READER = REPO / "newsdesk" / "reader"


def reader_modules() -> list[Path]:
    return sorted(p for p in READER.rglob("*.py") if "__pycache__" not in p.parts)


def imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_reader_module_imports_django():
    offenders = [str(p.relative_to(REPO)) for p in reader_modules() if "django" in imported_top_level_names(p)]
    assert offenders == []


def test_no_reader_module_mentions_a_django_import_even_dynamically():
    needles = ("import django", "from django", 'import_module("django', "import_module('django")
    offenders = [
        str(p.relative_to(REPO)) for p in reader_modules() if any(n in p.read_text(encoding="utf-8") for n in needles)
    ]
    assert offenders == []


def test_reader_imports_without_django_settings():
    modules = [".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__") for p in reader_modules()]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
        "print(len(" + repr(modules) + "))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
