"""The `newsdesk` console script: Django's management commands plus the commands of installed extras.

Extras (the simulated world and `newsdesk demo` in world/, the benchmarks in eval/) are separate distributions
that register Django command classes under the `newsdesk.commands` entry-point group. The runtime package never
imports them, so a production install without them has neither their commands nor their code.
"""

import os
import sys
from importlib.metadata import EntryPoint, entry_points

from django.core.management import BaseCommand, ManagementUtility

EXTRA_COMMANDS_GROUP = "newsdesk.commands"


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
        text = super().main_help_text(commands_only)
        names = sorted(extra_commands())
        if commands_only:
            return "\n".join(sorted([*text.splitlines(), *names]))
        if not names:
            return text
        return text + "\n\n[extras]\n" + "\n".join(f"    {name}" for name in names)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    args = sys.argv[1:] if argv is None else argv
    NewsdeskUtility(["newsdesk", *args]).execute()


if __name__ == "__main__":
    main()
