"""`newsdesk bench wire` on a small scale: each round groups every copy under the earliest one, and the figures
per copy are there for each group size."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from newsdesk.stories.models import SyndicationGroup
from newsdesk_bench.command import Command as BenchCommand
from newsdesk_bench.search_command import ERROR_ENGINES
from newsdesk_bench.wire_bench import wire_bench

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_wire_benchmark_measures_one_more_copy_at_each_group_size():
    said: list[str] = []

    figures = wire_bench(sizes=(4, 9), measured=2, say=said.append)

    assert figures["engine"] == connection.vendor
    assert [row["copies"] for row in figures["rounds"]] == [4, 9]
    assert all(row["group_ok"] for row in figures["rounds"]), figures
    assert all(row["measured"] == 2 and row["queries_per_copy"] > 0 for row in figures["rounds"])
    assert all(row["rows_written_per_copy"] > 0 for row in figures["rounds"])
    assert sorted(SyndicationGroup.objects.values_list("size", flat=True)) == [6, 11]
    assert len(said) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--copies", "0"], "Error: argument --copies: '0' must be between 1 and 100000"),
        (["--copies", ","], "Error: argument --copies: give at least one group size, e.g. 250,500,1000"),
        (["--measured", "0"], "Error: argument --measured: '0' must be between 1 and 1000"),
    ],
)
def test_wrong_wire_arguments_get_one_clear_error_line(argv, message):
    with pytest.raises(CommandError) as refused:
        call_command(BenchCommand(), "wire", *argv)

    assert str(refused.value) == message


def test_an_unknown_engine_is_refused_before_anything_runs():
    with pytest.raises(CommandError) as refused:
        call_command(BenchCommand(), "wire", "--engines", "oracle")

    assert str(refused.value) == ERROR_ENGINES
