"""The argparse types every command shares: what each accepts, and the one-line message for what it refuses."""

import argparse

import pytest

from newsdesk.common.arguments import (
    count_between,
    duration,
    non_negative_float,
    port,
    port_or_zero,
    positive_duration,
    positive_int,
)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (port, "1", 1),
        (port, "8000", 8000),
        (port, "65535", 65535),
        (port_or_zero, "0", 0),
        (port_or_zero, "65535", 65535),
        (positive_int, "1", 1),
        (positive_int, "10000", 10_000),
        (count_between(1, 64), "1", 1),
        (count_between(1, 64), "64", 64),
        (duration, "0", 0.0),
        (duration, "30", 30.0),
        (duration, "2.5", 2.5),
        (duration, "10s", 10.0),
        (duration, "5m", 300.0),
        (duration, "1h", 3600.0),
        (duration, "1.5M", 90.0),
        (positive_duration, "0.1", 0.1),
        (non_negative_float, "0", 0.0),
        (non_negative_float, "2.5", 2.5),
    ],
)
def test_a_good_value_is_returned_as_a_number(parse, text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (port, "0", "'0' is not a port: use 1..65535"),
        (port, "65536", "'65536' is not a port: use 1..65535"),
        (port, "http", "'http' is not a whole number"),
        (port_or_zero, "-1", "'-1' is not a port: use 1..65535, or 0 to pick a free one"),
        (port_or_zero, "70000", "'70000' is not a port: use 1..65535, or 0 to pick a free one"),
        (positive_int, "0", "'0' must be 1 or more"),
        (positive_int, "1.5", "'1.5' is not a whole number"),
        (count_between(1, 64), "0", "'0' must be between 1 and 64"),
        (count_between(1, 64), "65", "'65' must be between 1 and 64"),
        (duration, "-1", "'-1' must be zero or more seconds"),
        (duration, "-5m", "'-5m' must be zero or more seconds"),
        (duration, "soon", "'soon' is not a duration: use seconds (30, 2.5) or 10s, 5m, 1h"),
        (duration, "5d", "'5d' is not a duration: use seconds (30, 2.5) or 10s, 5m, 1h"),
        (duration, "nan", "'nan' is not a duration: use seconds (30, 2.5) or 10s, 5m, 1h"),
        (duration, "", "'' is not a duration: use seconds (30, 2.5) or 10s, 5m, 1h"),
        (positive_duration, "0", "'0' must be a duration of more than zero seconds"),
        (positive_duration, "0s", "'0s' must be a duration of more than zero seconds"),
        (non_negative_float, "-0.5", "'-0.5' must be zero or more"),
        (non_negative_float, "inf", "'inf' is not a number"),
        (non_negative_float, "two", "'two' is not a number"),
    ],
)
def test_a_bad_value_is_refused_with_a_one_line_message(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parse(text)

    assert str(refused.value) == message


def test_a_parser_reports_a_refused_value_as_one_error_line_naming_the_flag(capsys):
    parser = argparse.ArgumentParser(prog="newsdesk serve")
    parser.add_argument("--port", type=port)

    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["--port", "99999"])

    assert exited.value.code == 2
    error_lines = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert error_lines == ["newsdesk serve: error: argument --port: '99999' is not a port: use 1..65535"]
