"""`newsdesk bench wire [--copies 250,500,1000,2000] [--measured 10] [--engines sqlite,postgres]`: one throwaway
database per engine (a SQLite data dir; a database on a throwaway PostgreSQL server), each measured by wire_bench in
a child process."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import CommandError

from newsdesk.common.arguments import count_between
from newsdesk_bench.search_command import ENGINES, ERROR_ENGINES, base_env, postgres_database

DEFAULT_SIZES = (250, 500, 1000, 2000)
_SIZE = count_between(1, 100_000)


def size_list(text: str) -> tuple[int, ...]:
    """`250,500,1000`: group sizes, each 1..100000."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give at least one group size, e.g. 250,500,1000")
    return tuple(_SIZE(part) for part in parts)


def _child(options: dict, env: dict[str, str]) -> dict:
    argv = [sys.executable, "-m", "newsdesk", "bench", "wire", "--in-place", "--json"]
    argv += ["--copies", ",".join(map(str, options["copies"])), "--measured", str(options["measured"])]
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True, cwd=settings.BASE_DIR, check=False)
    if done.returncode != 0:
        raise CommandError(f"wire benchmark failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wire_command(options: dict, say: Callable[[str], None]) -> dict:
    if options["in_place"]:
        from newsdesk_bench.wire_bench import wire_bench

        return wire_bench(sizes=options["copies"], measured=options["measured"], say=lambda line: None)
    engines = [name.strip() for name in options["engines"].split(",") if name.strip()]
    if not engines or any(name not in ENGINES for name in engines):
        raise CommandError(ERROR_ENGINES)
    summary: dict = {"engines": {}}
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-wire-") as data_dir:
            say(f"{engine}: groups of {', '.join(map(str, options['copies']))} copies in a throwaway database")
            if engine == "sqlite":
                figures = _child(options, base_env(data_dir))
            else:
                with postgres_database(data_dir, f"newsdesk_wire_bench_{abs(hash(data_dir)) % 10**8}") as url:
                    figures = _child(options, base_env(data_dir) | {"NEWSDESK_DATABASE_URL": url})
        summary["engines"][engine] = figures
        for row in figures["rounds"]:
            for key in ("cpu_ms_per_copy", "server_cpu_ms_per_copy", "queries_per_copy", "rows_written_per_copy"):
                if key != "server_cpu_ms_per_copy" or engine == "postgres":
                    summary[f"{engine}_{key}_at_{row['copies']}"] = row[key]
            summary[f"{engine}_group_ok_at_{row['copies']}"] = row["group_ok"]
    return summary
