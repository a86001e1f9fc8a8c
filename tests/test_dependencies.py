"""Every runtime dependency in pyproject.toml is used by the runtime: imported by newsdesk/ or config/, or named
in the settings (INSTALLED_APPS, MIDDLEWARE, ...). What only tests or benchmarks use belongs in an extra."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# Needed at run time although no runtime module imports it; each with the reason.
USED_WITHOUT_AN_IMPORT = {
    "psycopg": "Django's PostgreSQL backend imports it when NEWSDESK_DATABASE_URL is postgresql://",
}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _is_dotted(value: object) -> bool:
    """ "axes", "whitenoise.middleware.WhiteNoiseMiddleware": an app or a dotted path, as settings name them."""
    return isinstance(value, str) and re.fullmatch(r"[a-z_][a-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", value) is not None


def _runtime_top_level_names() -> set[str]:
    """Top-level modules imported anywhere in newsdesk/ and config/, plus those named in dotted settings strings."""
    names: set[str] = set()
    for path in [*(REPO / "newsdesk").rglob("*.py"), *(REPO / "config").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif path.parent.name == "settings" and isinstance(node, ast.Constant) and _is_dotted(node.value):
                names.add(node.value.split(".")[0])
    return names


def _runtime_dependencies() -> list[str]:
    return [_normalised(re.split(r"[\[=<>!~ ;]", spec, maxsplit=1)[0]) for spec in PYPROJECT["project"]["dependencies"]]


def test_every_runtime_dependency_is_imported_or_named_by_the_runtime():
    imported = _runtime_top_level_names()
    modules_of: dict[str, set[str]] = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            modules_of.setdefault(_normalised(distribution), set()).add(module)

    unused = [
        name
        for name in _runtime_dependencies()
        if name not in USED_WITHOUT_AN_IMPORT and not (modules_of.get(name, set()) & imported)
    ]

    assert unused == []
    assert {"django", "trafilatura", "httpcore"} <= set(_runtime_dependencies())  # the list was really read
