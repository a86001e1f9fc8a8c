"""The `newsdesk` console script: Django's management commands plus the commands of installed extras.

Extras (the simulated world and `newsdesk demo` in world/, the benchmarks in eval/) are separate distributions
that register Django command classes under the `newsdesk.commands` entry-point group. The runtime package never
imports them, so a production install without them has neither their commands nor their code.
"""

import os
import sys
from importlib.metadata import EntryPoint, entry_points

from django.core.management import BaseCommand, ManagementUtility, get_commands, load_command_class

from newsdesk.common.database import database_error_line

EXTRA_COMMANDS_GROUP = "newsdesk.commands"
DATABASE_EXIT_CODE = 2
# Ctrl-C: one line and the status a shell gives a process SIGINT ended (128 + 2), not a KeyboardInterrupt traceback.
INTERRUPTED = "newsdesk: interrupted"
INTERRUPTED_EXIT_CODE = 130
# Django's commands that belong on the front page of `newsdesk --help` (the others: `newsdesk help --commands`).
DJANGO_ESSENTIALS = ("migrate", "createsuperuser", "changepassword", "check", "dbshell", "shell")


def extra_commands() -> dict[str, EntryPoint]:
    """The commands installed extras register, by name."""
    return {entry.name: entry for entry in entry_points(group=EXTRA_COMMANDS_GROUP)}


class NewsdeskUtility(ManagementUtility):
    """Django's command-line utility that also finds the extras' commands (in `help` too)."""

    def fetch_command(self, subcommand: str) -> BaseCommand:
        extra = extra_commands().get(subcommand)
        if extra is None:
            return super().fetch_command(subcommand)
        return extra.load()()

    def main_help_text(self, commands_only: bool = False) -> str:
        """The project's own commands with one line each, then the everyday Django ones; every command (Django's
        included) stays reachable and `newsdesk help --commands` lists them all."""
        if commands_only:
            return "\n".join(sorted([*super().main_help_text(commands_only=True).splitlines(), *extra_commands()]))
        own = {name: app for name, app in get_commands().items() if app.startswith("newsdesk.")}
        lines = [
            "usage: newsdesk <command> [options]   (`newsdesk <command> --help` shows a command's options)",
            "",
            "newsdesk commands:",
            *self._summaries({name: load_command_class(app, name) for name, app in own.items()}),
        ]
        extras = {name: entry.load()() for name, entry in extra_commands().items()}
        if extras:
            lines += ["", "[extras] (installed by `make install`; not part of a production install):"]
            lines += self._summaries(extras)
        lines += [
            "",
            "Django's commands, for instance:",
            "  " + ", ".join(DJANGO_ESSENTIALS),
            "  (`newsdesk help --commands` lists every command)",
        ]
        return "\n".join(lines)

    @staticmethod
    def _summaries(commands: dict[str, BaseCommand]) -> list[str]:
        width = max(map(len, commands), default=0)
        return [f"  {name:<{width}}  {str(commands[name].help).splitlines()[0]}" for name in sorted(commands)]


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    args = sys.argv[1:] if argv is None else argv
    try:
        NewsdeskUtility(["newsdesk", *args]).execute()
    except KeyboardInterrupt:
        if "--traceback" in args:
            raise
        sys.stderr.write(INTERRUPTED + "\n")
        sys.exit(INTERRUPTED_EXIT_CODE)
    except Exception as exc:
        # Any command against a database that is down or refuses: one line saying what to do, exit 2 (Django's
        # own CommandError convention is 1; 2 tells a supervisor the environment, not the input, is wrong).
        line = database_error_line(exc) if "--traceback" not in args else None
        if line is None:
            raise
        sys.stderr.write(line + "\n")
        sys.exit(DATABASE_EXIT_CODE)


if __name__ == "__main__":
    main()
