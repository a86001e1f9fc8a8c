"""docs/operations.md as tests: the commands, flags and metrics it names exist, and the README links it."""

import re
from pathlib import Path

from django.core.management import get_commands, load_command_class

from newsdesk.ingest.metrics import IngestCollector

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "operations.md").read_text()


def _parser_flags(app: str, name: str) -> set[str]:
    parser = load_command_class(app, name).create_parser("newsdesk", name)
    return {flag for action in parser._actions for flag in action.option_strings}


def test_the_readme_links_the_operations_guide():
    assert "(docs/operations.md)" in (ROOT / "README.md").read_text()


def test_every_command_the_guide_runs_exists():
    named = set(re.findall(r"\bnewsdesk (?!-)([a-z_]+)\b", GUIDE)) - {
        "site",
        "for",
    }  # "newsdesk site and admin", "run newsdesk for real"
    commands = get_commands()

    assert {"backup", "restore", "db", "migrate", "worker", "serve", "init"} <= named
    assert sorted(name for name in named if name not in commands) == []


def test_the_worker_flags_the_guide_sizes_exist():
    flags = _parser_flags("newsdesk.ingest", "worker")

    for flag in ("--threads", "--batch", "--lease", "--idle"):
        assert f"`{flag}" in GUIDE
        assert flag in flags


def test_the_metrics_the_guide_lists_are_the_ones_exported(db):
    exported = {family.name for family in IngestCollector().collect()}
    listed = set(re.findall(r"`(newsdesk_[a-z_]+)", GUIDE))

    assert listed == exported


def test_every_data_migration_works_on_the_database_it_is_given():
    """`newsdesk db copy` migrates a second database (migrate --database): a RunPython function that reads or
    writes through `apps.get_model(...).objects` without `using(schema_editor.connection.alias)` would touch the
    install's own database instead."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.glob("newsdesk/*/migrations/0*.py"))
        if "apps.get_model(" in (text := path.read_text()) and "schema_editor.connection.alias" not in text
    ]

    assert offenders == []


def test_the_systemd_units_start_real_commands_with_real_flags():
    lines = re.findall(r"^ExecStart=\S+/newsdesk (\S+)(.*)$", GUIDE, flags=re.MULTILINE)
    commands = get_commands()

    assert {command for command, _ in lines} == {"serve", "worker", "backup"}
    for command, rest in lines:
        flags = _parser_flags(commands[command], command)
        assert set(re.findall(r"--[a-z-]+", rest)) <= flags, command
