"""Docs as tests: every setting, command and endpoint a user can reach is named in the README."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SETTINGS = (ROOT / "config" / "settings" / "base.py").read_text()
OUR_COMMANDS = sorted(p.stem for p in ROOT.glob("newsdesk/*/management/commands/*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("variable", sorted(set(re.findall(r"NEWSDESK_[A-Z_]+[A-Z]", SETTINGS))))
def test_every_environment_variable_is_documented(variable):
    assert f"`{variable}`" in README


@pytest.mark.parametrize("command", OUR_COMMANDS)
def test_every_command_is_documented(command):
    assert f"`newsdesk {command}" in README


@pytest.mark.parametrize(
    "path", ["/api/articles", "/metrics", "/sitemap.xml", "/robots.txt", "/feeds/rss.xml", "/websub/"]
)
def test_every_endpoint_is_documented(path):
    assert path in README


def test_readme_names_the_two_setup_commands():
    assert "make demo" in README
    assert "make test" in README
