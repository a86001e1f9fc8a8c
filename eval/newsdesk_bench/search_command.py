"""`newsdesk bench search`: one throwaway database per engine (a SQLite data dir; a PostgreSQL server started by
scripts/postgres-test-server.sh in its own directory), each measured by search_bench in a child process.

With `--keep DIR` the databases live in DIR/<engine> and stay there (the PostgreSQL server is halted, its files
kept): a later run with the same DIR and --articles measures them again without building (a million articles
take a quarter of an hour to an hour to build)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

ENGINES = ("sqlite", "postgres")
ERROR_ENGINES = "--engines takes a comma-separated list of: sqlite, postgres"
GOAL_P95_MS = 100.0
GOAL_VS_RAW = 1.5


def search_in_place(options: dict) -> dict:
    """The child's work: build and measure in the configured database, progress on stderr."""
    from rich.progress import Progress

    from newsdesk_bench.search_bench import search_bench

    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("inserting articles", total=options["articles"])
        result = search_bench(
            articles=options["articles"],
            repeats=options["repeats"],
            progress=lambda n: bar.advance(task, n),
            reuse=bool(options.get("keep")),
        )
    return result.as_dict()


def _child(options: dict, env: dict[str, str]) -> dict:
    argv = [sys.executable, "-m", "newsdesk", "bench", "search", "--in-place", "--json"]
    argv += ["--articles", str(options["articles"]), "--repeats", str(options["repeats"])]
    if options.get("keep"):
        argv += ["--keep", options["keep"]]
    done = subprocess.run(
        argv, env=env, stdout=subprocess.PIPE, text=True, cwd=settings.BASE_DIR, check=False
    )  # stderr passes through: the progress bar
    if done.returncode != 0:
        raise CommandError(f"search benchmark failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def base_env(data_dir: str) -> dict[str, str]:
    """The environment of a bench child on a throwaway data dir (the wire bench shares it)."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DATABASE_URL"}
    env.update(NEWSDESK_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings.prod")
    return env


def _postgres(options: dict, data_dir: str, say: Callable[[str], None]) -> dict:
    """Measure in a database of its own on a throwaway server (this checkout's, or with --keep one whose files are
    in data_dir): the test suite's database on it is never touched."""
    keep = bool(options.get("keep"))
    name = f"newsdesk_search_bench_{options['articles']}" if keep else f"newsdesk_search_bench_{os.getpid()}"
    with postgres_database(data_dir, name, keep=keep) as url:
        say(f"postgres: {options['articles']} articles in database {name}")
        return _child(options, base_env(data_dir) | {"NEWSDESK_DATABASE_URL": url})


@contextmanager
def postgres_database(data_dir: str, name: str, *, keep: bool = False) -> Iterator[str]:
    """The URL of database `name` on a throwaway server (this checkout's, or with `keep` one whose files are in
    data_dir). A server this started is stopped after (halted, files kept, with `keep`); a database this created
    is dropped after unless kept."""
    import psycopg

    script = [str(Path(settings.BASE_DIR) / "scripts" / "postgres-test-server.sh")]
    server_dir = [str(Path(data_dir) / "server")] if keep else []
    env = base_env(data_dir)
    running = subprocess.run([*script, "url", *server_dir], env=env, capture_output=True, text=True, check=False)
    server = (
        running
        if running.returncode == 0
        else subprocess.run([*script, "start", *server_dir], env=env, capture_output=True, text=True, check=False)
    )
    if server.returncode != 0:
        raise CommandError(f"cannot start PostgreSQL: {server.stderr.strip().splitlines()[-1:]}")
    url = server.stdout.strip().splitlines()[-1]
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.rsplit("/", 1)[0] + "/" + name
        finally:
            if not keep:
                with psycopg.connect(url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        if running.returncode != 0:
            subprocess.run(
                [*script, "halt" if keep else "stop", *server_dir], env=env, capture_output=True, check=False
            )


@contextmanager
def _data_dir(keep: str | None, engine: str) -> Iterator[str]:
    """A temporary data dir for `engine`, deleted after; with --keep, DIR/<engine>, left in place."""
    if not keep:
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-search-") as data_dir:
            yield data_dir
        return
    kept = Path(keep).resolve() / engine
    kept.mkdir(parents=True, exist_ok=True)
    yield str(kept)


def search_command(options: dict, say: Callable[[str], None]) -> dict:
    if options["in_place"]:
        return search_in_place(options)
    engines = [name.strip() for name in options["engines"].split(",") if name.strip()]
    if not engines or any(name not in ENGINES for name in engines):
        raise CommandError(ERROR_ENGINES)
    results: dict[str, dict] = {}
    for engine in engines:
        with _data_dir(options.get("keep"), engine) as data_dir:
            if engine == "sqlite":
                say(f"sqlite: {options['articles']} articles in {data_dir}")
                results[engine] = _child(options, base_env(data_dir))
            else:
                results[engine] = _postgres(options, data_dir, say)
    summary: dict = {"articles": options["articles"], "engines": results}
    for engine, figures in results.items():
        summary[f"{engine}_p50_ms"] = figures["p50_ms"]
        summary[f"{engine}_p95_ms"] = figures["p95_ms"]
        summary[f"{engine}_p99_ms"] = figures["p99_ms"]
        summary[f"{engine}_raw_p95_ms"] = figures["raw_p95_ms"]
        summary[f"{engine}_p95_vs_raw"] = figures["p95_vs_raw"]
        summary[f"{engine}_goal_met"] = figures["p95_ms"] <= GOAL_P95_MS and figures["p95_vs_raw"] <= GOAL_VS_RAW
        say(
            f"{engine} per-query p95 ms (ours / raw): "
            + ", ".join(
                f"{name} {ms}/{figures['per_query_raw_p95_ms'][name]}"
                for name, ms in figures["per_query_p95_ms"].items()
            )
        )
    return summary
