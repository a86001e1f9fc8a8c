"""Reproducible installs: every distribution in the test venv is pinned, at the installed version, in
constraints.txt (regenerate it with `make lock` after changing dependencies in pyproject.toml)."""

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def normalised(name: str) -> str:
    """PEP 503 name normalisation: `Protego`, `prometheus_client` and `jusText` as pip compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    pinned = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        assert separator == "==", f"constraints.txt line is not an exact pin: {line!r}"
        assert version, f"constraints.txt line has no version: {line!r}"
        pinned[normalised(name)] = version
    return pinned


def is_editable(dist: metadata.Distribution) -> bool:
    """Our own code, installed with `pip install -e` (newsdesk and any extra of this repository): not pinned."""
    direct_url = dist.read_text("direct_url.json")
    return bool(direct_url) and bool(json.loads(direct_url).get("dir_info", {}).get("editable"))


def editable_names() -> set[str]:
    return {normalised(dist.metadata["Name"]) for dist in metadata.distributions() if is_editable(dist)}


def installed() -> dict[str, str]:
    # By name: an editable project also shows as the `<name>.egg-info` its build leaves in the checkout.
    ours = editable_names()
    named = {normalised(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    return {name: version for name, version in named.items() if name not in ours}


def test_our_own_editable_install_is_the_only_unpinned_distribution():
    editable = editable_names()

    assert "newsdesk" in editable
    assert not editable & set(pins())


def test_every_installed_distribution_is_pinned_at_its_installed_version():
    pinned = pins()
    unpinned = sorted(name for name in installed() if name not in pinned)
    drifted = sorted(
        f"{name} {version} (pinned {pinned[name]})"
        for name, version in installed().items()
        if name in pinned and pinned[name] != version
    )

    assert len(installed()) > 40
    assert unpinned == [], "installed but not in constraints.txt: run `make lock`"
    assert drifted == [], "installed at another version than constraints.txt pins"


def test_every_pin_is_installed():
    assert sorted(set(pins()) - set(installed())) == [], "pinned but not installed: run `make lock`"


def test_the_pins_of_pyproject_agree_with_the_constraints():
    declared = PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["test"]
    pinned = pins()
    for requirement in declared:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;]+)", requirement.strip())
        assert match, f"pyproject dependency is not an exact pin: {requirement!r}"
        name, version = match.groups()
        assert pinned.get(normalised(name)) == version, requirement


def test_lxml_is_declared_with_html_clean_for_trafilatura():
    assert any(dep.startswith("lxml[html_clean]==") for dep in PYPROJECT["project"]["dependencies"])
    assert normalised("lxml_html_clean") in pins()
    assert metadata.version("lxml_html_clean") == pins()["lxml-html-clean"]
