"""PostgreSQL dumps and restores through `pg_dump` / `pg_restore`, connected with the settings' credentials.

Credentials go to the tools in libpq's environment variables, never on their command line (where `ps` shows them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from newsdesk.backup.archive import BackupError

TOOL_MISSING = "{tool} not found: install the PostgreSQL client tools of the server's major version (postgresql-client)"
TOOL_FAILED = "{tool} failed: {reason}"
NOT_A_DUMP = "{what} is not a readable PostgreSQL dump ({reason})"
# Extension objects belong to whoever created the extension (often a superuser): a restore by the app's role
# neither drops nor comments them. The schema's migrations create `unaccent` when it is missing.
_SKIPPED_TOC = re.compile(r"^\d+;\s*\d+\s+\d+\s+(EXTENSION|COMMENT - EXTENSION|COMMENT - SCHEMA)\b")

_EXTENSION_TOC = re.compile(r"^\d+;\s*\d+\s+\d+\s+EXTENSION\s+-\s+(\S+)")

_LIBPQ_ENV = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}


def libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment that points libpq tools at the database Django's settings name."""
    env = dict(os.environ)
    for key, variable in _LIBPQ_ENV.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def pg_dump(*, settings_dict: dict[str, Any], destination: Path, snapshot: str | None = None) -> None:
    """A custom-format dump (`pg_dump -Fc`) of the database into `destination`, of `snapshot` when given."""
    argv = [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={destination}"]
    if snapshot:
        argv.append(f"--snapshot={snapshot}")
    _run(argv, env=libpq_environment(settings_dict), tool="pg_dump")


def pg_dump_contents(path: Path, *, what: str) -> list[str]:
    """The dump's table of contents (`pg_restore --list`); a damaged or foreign file is refused here."""
    completed = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(NOT_A_DUMP.format(what=what, reason=_last_line(completed.stderr)))
    return completed.stdout.splitlines()


def dump_extensions(contents: list[str]) -> list[str]:
    """The extensions the dump's objects use (its EXTENSION entries), which pg_restore here leaves out."""
    return [match.group(1) for line in contents if (match := _EXTENSION_TOC.match(line))]


def pg_restore(*, settings_dict: dict[str, Any], source: Path, contents: list[str], workdir: Path) -> None:
    """Replace the database's objects with the dump's, in one transaction: it all lands or nothing changes."""
    toc = workdir / "restore.list"
    toc.write_text("\n".join(line for line in contents if not _SKIPPED_TOC.match(line)) + "\n")
    argv = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--use-list={toc}",
        f"--dbname={settings_dict['NAME']}",
        str(source),
    ]
    _run(argv, env=libpq_environment(settings_dict), tool="pg_restore")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(TOOL_MISSING.format(tool=name))
    return path


def _run(argv: list[str], *, env: dict[str, str], tool: str) -> None:
    completed = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(TOOL_FAILED.format(tool=tool, reason=_last_line(completed.stderr)))


def _last_line(text: str) -> str:
    """The line that matters: the first `…: error: …` line (SQL may follow it), else the last one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line]
    return (errors or lines or ["no message"])[0 if errors else -1]
