"""A wrong flag after a subcommand (`newsdesk opml export --bogus`) is refused by the subcommand's own parser, so
the error line names it (`newsdesk opml export: error: …`), not the parent command, whose usage has no such flag."""

import pytest
from django.core.management import load_command_class

from newsdesk_world.command import Command as WorldCommand

COMMANDS = {
    "opml": lambda: load_command_class("newsdesk.sources", "opml"),
    "db": lambda: load_command_class("newsdesk.backup", "db"),
    "world": WorldCommand,  # (an extra: not in the test settings' apps)
}


def _parser(command: str):
    instance = COMMANDS[command]()
    instance._called_from_command_line = True  # as `newsdesk …` runs it: errors print usage and exit 2
    return instance.create_parser("newsdesk", command)


@pytest.mark.parametrize(
    ("argv", "prog"),
    [
        (["opml", "export", "--bogus"], "newsdesk opml export"),
        (["opml", "import", "feeds.opml", "--bogus"], "newsdesk opml import"),
        (["world", "serve", "--bogus"], "newsdesk world serve"),
        (["world", "subscribe", "http://127.0.0.1:8100", "--bogus"], "newsdesk world subscribe"),
        (["db", "copy", "--to", "sqlite:////tmp/x.sqlite3", "--bogus"], "newsdesk db copy"),
    ],
)
def test_a_wrong_flag_of_a_subcommand_is_named_by_the_subcommand(capsys, argv, prog):
    with pytest.raises(SystemExit) as exit_:
        _parser(argv[0]).parse_args(argv[1:])

    assert exit_.value.code == 2
    error_lines = [line for line in capsys.readouterr().err.splitlines() if ": error:" in line]
    assert error_lines == [f"{prog}: error: unrecognized arguments: --bogus"]


def test_a_subcommand_still_parses_what_it_knows():
    options = _parser("opml").parse_args(["export", "--output", "out.opml"])

    assert (options.action, options.output) == ("export", "out.opml")
