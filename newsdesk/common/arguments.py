"""argparse types shared by the management commands, so a wrong value fails in the parser with one line
(`error: argument --port: ...`) instead of a range check repeated in every `handle()`.

Each type takes the flag's text and returns the value, or raises `argparse.ArgumentTypeError` whose message is
one line; argparse prefixes it with the flag's name.

`subcommands()` gives a command its actions (`opml import|export`), each refusing a flag it does not know itself.
"""

import argparse
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.management.base import CommandParser

Number = TypeVar("Number", int, float)

PORT_MAX = 65535
# A duration is a number of seconds, optionally with a unit: `30`, `2.5`, `10s`, `5m`, `1h`.
_DURATION = re.compile(r"(?P<number>[^smh]+?)\s*(?P<unit>[smh]?)")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}

NOT_AN_INTEGER = "{text!r} is not a whole number"
NOT_A_NUMBER = "{text!r} is not a number"
NOT_A_PORT = "{text!r} is not a port: use 1..65535"
NOT_A_PORT_OR_ZERO = "{text!r} is not a port: use 1..65535, or 0 to pick a free one"
NOT_POSITIVE = "{text!r} must be 1 or more"
NOT_BETWEEN = "{text!r} must be between {low} and {high}"
NOT_A_DURATION = "{text!r} is not a duration: use seconds (30, 2.5) or 10s, 5m, 1h"
NEGATIVE_DURATION = "{text!r} must be zero or more seconds"
NOT_POSITIVE_DURATION = "{text!r} must be a duration of more than zero seconds"
NOT_NON_NEGATIVE = "{text!r} must be zero or more"


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(NOT_AN_INTEGER.format(text=text)) from None


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(NOT_A_NUMBER.format(text=text)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(NOT_A_NUMBER.format(text=text))
    return value


def _within(value: Number, text: str, message: str, *, low: Number, high: Number | None = None) -> Number:
    """`value` when low <= value (<= high), else the one-line `message` about `text`."""
    if value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(message.format(text=text, low=low, high=high))
    return value


def port(text: str) -> int:
    """A TCP port to listen on or connect to: 1..65535."""
    return _within(_integer(text), text, NOT_A_PORT, low=1, high=PORT_MAX)


def port_or_zero(text: str) -> int:
    """A TCP port to listen on, where 0 means "let the system pick a free port"."""
    return _within(_integer(text), text, NOT_A_PORT_OR_ZERO, low=0, high=PORT_MAX)


def positive_int(text: str) -> int:
    """A whole number of 1 or more (a count of things)."""
    return _within(_integer(text), text, NOT_POSITIVE, low=1)


def count_between(low: int, high: int) -> Callable[[str], int]:
    """A whole number in low..high (both included), e.g. `count_between(1, 64)` for threads."""

    def count(text: str) -> int:
        return _within(_integer(text), text, NOT_BETWEEN, low=low, high=high)

    return count


def duration(text: str) -> float:
    """Seconds, zero or more: `30`, `2.5`, `10s`, `5m` or `1h`."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise argparse.ArgumentTypeError(NOT_A_DURATION.format(text=text))
    try:
        seconds = _finite_float(match["number"])
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(NOT_A_DURATION.format(text=text)) from None
    if seconds < 0:
        raise argparse.ArgumentTypeError(NEGATIVE_DURATION.format(text=text))
    return seconds * _UNIT_SECONDS[match["unit"]]


def positive_duration(text: str) -> float:
    """A duration of more than zero seconds (a deadline or timeout)."""
    value = duration(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(NOT_POSITIVE_DURATION.format(text=text))
    return value


def non_negative_float(text: str) -> float:
    """A finite number of zero or more."""
    return _within(_finite_float(text), text, NOT_NON_NEGATIVE, low=0.0)


class SubcommandParser(CommandParser):
    """A subcommand's parser. argparse hands what a subcommand does not know back to the parent command, which
    refused it under its own name and usage (`newsdesk opml: error: unrecognized arguments: --bogus`); this one
    refuses it itself, so the error and the usage printed are the subcommand's (`newsdesk opml export: error: …`)."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> tuple[argparse.Namespace, list[str]]:
        parsed, unknown = super().parse_known_args(args, namespace)
        if unknown:
            self.error(f"unrecognized arguments: {' '.join(unknown)}")
        return parsed, unknown


def subcommands(parser: argparse.ArgumentParser, **kwargs: Any) -> argparse._SubParsersAction:
    """`parser.add_subparsers(**kwargs)` whose subcommands are `SubcommandParser`s."""
    return parser.add_subparsers(parser_class=SubcommandParser, **kwargs)
