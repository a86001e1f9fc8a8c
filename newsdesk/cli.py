"""The `newsdesk` console script: every subcommand is a Django management command (see `newsdesk help`)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["newsdesk", *args])


if __name__ == "__main__":
    main()
