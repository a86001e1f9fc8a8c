"""Docs as tests: every command and endpoint a user can reach is named in the README (the settings' variables:
tests/test_configuration.py)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
OUR_COMMANDS = sorted(p.stem for p in ROOT.glob("newsdesk/*/management/commands/*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("command", OUR_COMMANDS)
def test_every_command_is_documented(command):
    assert f"`newsdesk {command}" in README


def named_routes(patterns=None, prefix: str = "/") -> list[str]:
    """Every named route of the URLconf as a path template (`/article/<int:article_id>/`); the admin as `/admin/`.

    Unnamed aliases (a trailing-slash twin) and regex catch-alls (the API's JSON 404) are not endpoints of their own.
    """
    from django.contrib import admin
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == admin.site.name:  # the admin is one endpoint: its pages are Django's
                routes.append(route)
            else:
                routes += named_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name and isinstance(entry.pattern, RoutePattern):
            routes.append(route)
    return routes


def documented_as(route: str) -> re.Pattern:
    """The route as README writes it in backticks: converters become any `<name>`, a query string may follow."""
    parts = re.split(r"<[^>]+>", route)
    return re.compile("`" + "<[a-z_]+>".join(re.escape(part) for part in parts) + "[`?]")


def is_documented(route: str) -> bool:
    lines = README.splitlines()
    if any(documented_as(route).search(line) for line in lines):
        return True
    # Per-scope feeds are documented in one row: "`/feeds/rss.xml` … (also under `/publisher/<slug>/` …)".
    parent, _, leaf = route.rstrip("/").rpartition("/")
    return any(documented_as(parent + "/").search(line) and f"/{leaf}`" in line for line in lines)


def test_the_urlconf_has_the_endpoints_we_expect_to_document():
    routes = named_routes()

    assert "/admin/" in routes
    assert "/api/articles" in routes
    assert "/article/<int:article_id>/" in routes
    assert "/metrics" in routes
    assert any(route.startswith("/websub/") for route in routes)


def test_every_endpoint_of_the_urlconf_is_documented():
    undocumented = [route for route in named_routes() if not is_documented(route)]

    assert undocumented == []


def test_an_endpoint_missing_from_the_readme_is_caught():
    assert is_documented("/publisher/<slug:slug>/rss.xml")
    assert not is_documented("/publisher/<slug:slug>/secret.xml")
    assert not is_documented("/nowhere/<int:thing_id>/")


def test_readme_names_the_two_setup_commands():
    assert "make demo" in README
    assert "make test" in README


def _option_strings(parser) -> set[str]:
    """Every option of a command's parser, its subcommands' included (`opml import --allow-loopback`)."""
    import argparse

    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                found |= _option_strings(subparser)
    return found


def _readme_usage(command: str) -> str:
    """The usage cells of the README rows of a command (a cell may hold `\\|`, as `FILE\\|-\\|URL` does)."""
    rows = [line for line in README.splitlines() if line.startswith(f"| `newsdesk {command}")]
    return " ".join(re.split(r"(?<!\\)\|", row)[1] for row in rows)


def test_every_command_that_may_reach_loopback_says_so_in_its_readme_row():
    """The demo world lives on 127.0.0.1: the README must show which commands can be pointed at it."""
    from django.core.management import load_command_class

    with_flag = []
    for command in OUR_COMMANDS:
        app = next(p.parts[-4] for p in ROOT.glob(f"newsdesk/*/management/commands/{command}.py"))
        if "--allow-loopback" in _option_strings(
            load_command_class(f"newsdesk.{app}", command).create_parser("", command)
        ):
            with_flag.append(command)
    assert {"fetch", "extract", "ingest", "worker", "discover", "opml"} <= set(with_flag)
    undocumented = [command for command in with_flag if "--allow-loopback" not in _readme_usage(command)]
    assert undocumented == []
