"""The simulated world (world/newsdesk_world) and the benchmarks (eval/newsdesk_bench) are not part of the runtime:
the `newsdesk` package never imports them, production settings load neither, and a production install of the
repository root holds neither. `make install` adds them as separate distributions whose commands the `newsdesk`
script finds through the `newsdesk.commands` entry points."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsdesk.cli import extra_commands

REPO = Path(__file__).resolve().parents[1]
EXTRAS = ("newsdesk_world", "newsdesk_bench")


def _imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _runtime_modules() -> list[Path]:
    roots = [REPO / "newsdesk", REPO / "config"]
    return sorted(p for root in roots for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_runtime_module_imports_the_world_or_the_benchmarks():
    offenders = {
        str(path.relative_to(REPO)): sorted(name for name in _imported_names(path) if name.split(".")[0] in EXTRAS)
        for path in _runtime_modules()
    }
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) > 100  # the walk really read the runtime package


def test_production_settings_load_neither_the_world_nor_the_benchmarks(tmp_path: Path):
    # Import every runtime module under production settings, then look at what got loaded.
    modules = [
        ".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for p in _runtime_modules()
        if "migrations" not in p.parts and p.name not in ("wsgi.py", "asgi.py")
    ]
    script = (
        "import importlib, sys, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        f"for name in {modules!r}:\n"
        "    if not name.startswith('config.settings.'):\n"
        "        importlib.import_module(name)\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {EXTRAS!r})\n"
        f"apps = [a for a in settings.INSTALLED_APPS if a.split('.')[0] in {EXTRAS!r} or 'world' in a or 'bench' in a]\n"
        "print(repr(loaded).replace(' ', ''), repr(apps).replace(' ', ''), len(sys.modules))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "NEWSDESK_DATA_DIR": str(tmp_path),
        "NEWSDESK_SECRET_KEY": "test-" + "k" * 60,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded_extras, extra_apps, module_count = result.stdout.strip().splitlines()[-1].split()
    assert (loaded_extras, extra_apps) == ("[]", "[]")
    assert int(module_count) > 500  # the runtime really was imported


def test_a_production_wheel_of_the_root_holds_no_world_and_no_benchmarks(tmp_path: Path):
    # Build from a copy of what git tracks, so the build leaves nothing in the work tree.
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in tracked.splitlines():
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("newsdesk-*.whl")
    top_level = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert "newsdesk" in top_level
    assert "config" in top_level
    assert not top_level & set(EXTRAS)


def test_make_install_registers_the_extras_commands():
    assert {"world", "demo", "bench"} <= set(extra_commands())


@pytest.fixture(scope="module")
def help_listing(tmp_path_factory) -> subprocess.CompletedProcess:
    """`newsdesk help`, run once for the three commands below (the same listing each time)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "NEWSDESK_DATA_DIR": str(tmp_path_factory.mktemp("help")),
    }
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", "help"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("command", ["world", "demo", "bench"])
def test_the_newsdesk_script_runs_an_extras_command_and_lists_it_in_help(tmp_path: Path, command: str, help_listing):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NEWSDESK_DATA_DIR": str(tmp_path)}
    run = [sys.executable, "-m", "newsdesk"]
    listing = help_listing
    assert listing.returncode == 0, listing.stderr
    extras = listing.stdout.split("[extras]", 1)[1].split("\n\n", 1)[0]
    assert any(line.split()[:1] == [command] for line in extras.splitlines())
    usage = subprocess.run([*run, command, "--help"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert usage.returncode == 0, usage.stderr
    assert usage.stdout.startswith(f"usage: newsdesk {command} ")


def test_help_lists_each_project_command_with_one_line_and_keeps_djangos_reachable(tmp_path: Path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NEWSDESK_DATA_DIR": str(tmp_path)}
    listing = subprocess.run(
        [sys.executable, "-m", "newsdesk", "--help"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert listing.returncode == 0, listing.stderr
    own = listing.stdout.split("newsdesk commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    names = [line.split()[0] for line in own]
    assert names == sorted(
        [
            "audit",
            "backup",
            "db",
            "discover",
            "extract",
            "fetch",
            "ingest",
            "init",
            "opml",
            "reprocess",
            "restore",
            "serve",
            "worker",
        ]
    )
    assert all(len(line.split()) > 3 for line in own)  # a name, then a sentence
    assert "migrate" in listing.stdout
    every = subprocess.run(
        [sys.executable, "-m", "newsdesk", "help", "--commands"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert {"migrate", "createsuperuser", "demo", "ingest"} <= set(every.stdout.split())
