"""`newsdesk bench <name>`: benchmarks that print figures (not timed tests). Names: ingest, parse, extract,
cluster, takedown, serve, search, wire, all (search and serve take long)."""

import json
import os
import subprocess
import sys
import tempfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.common.arguments import count_between, positive_int
from newsdesk_bench.cluster_bench import cluster_bench
from newsdesk_bench.extract_bench import extract_bench
from newsdesk_bench.wire_command import DEFAULT_SIZES, size_list

BENCHES = ("ingest", "parse", "extract", "cluster", "takedown", "serve", "search", "wire", "all")


class Command(BaseCommand):
    help = (
        "Run a benchmark and print its figures: ingest | parse | extract | cluster | takedown | serve | search | wire | "
        "all."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", choices=BENCHES, help="which benchmark")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--feeds", type=positive_int, default=10_000, help="ingest: number of simulated feeds")
        parser.add_argument(
            "--ports", type=count_between(1, 200), default=20, help="ingest: loopback origins the feeds spread over"
        )
        parser.add_argument("--threads", type=count_between(1, 64), default=8, help="ingest: refresh threads")
        parser.add_argument(
            "--in-place", action="store_true", help="ingest, takedown: use the configured database (internal)"
        )
        parser.add_argument(
            "--takedowns", type=count_between(1, 1000), default=100, help="takedown: notices to file (default 100)"
        )
        parser.add_argument(
            "--cycles", type=count_between(0, 1000), default=30, help="takedown: ingest cycles after removal"
        )
        parser.add_argument(
            "--seconds", type=count_between(1, 600), default=10, help="serve: seconds of each wrk run (default 10)"
        )
        parser.add_argument(
            "--mixed-seconds", type=count_between(1, 3600), default=60, help="serve: seconds of the mixed load"
        )
        parser.add_argument(
            "--data",
            help="extract: folder with html/<id>.html.gz and gold/<id>.json; cluster: a folder holding one *.jsonl "
            "stream (default: the dev sets)",
        )
        parser.add_argument(
            "--model",
            metavar="MODEL",
            help="cluster: the embedding model mixed into our scores: wordllama (default, the packaged one), "
            "use-multilingual (the packaged multilingual one), a model2vec folder (scripts/build-cluster-model.sh), "
            "or none (words alone)",
        )

        parser.add_argument(
            "--articles", type=positive_int, default=1_000_000, help="search: synthetic articles (default 1000000)"
        )
        parser.add_argument(
            "--engines",
            default="sqlite,postgres",
            help="search, wire: comma-separated, of sqlite and postgres (default both)",
        )
        parser.add_argument(
            "--copies",
            type=size_list,
            default=DEFAULT_SIZES,
            help="wire: comma-separated group sizes to measure one more copy at (default 250,500,1000,2000)",
        )
        parser.add_argument(
            "--measured", type=count_between(1, 1000), default=10, help="wire: copies measured at each size"
        )
        parser.add_argument("--repeats", type=count_between(1, 1000), default=15, help="search: runs of each query")
        parser.add_argument(
            "--keep",
            metavar="DIR",
            help="search: build the databases in DIR and keep them; a later run with the same DIR and --articles "
            "measures them without building again",
        )

    def handle(self, *args, **options):
        say = (lambda *_: None) if options["json"] else self.stdout.write
        result: dict = {}
        name = options["name"]
        if name == "search":
            from newsdesk_bench.search_command import search_command

            result = search_command(options, say)
        if name == "wire":
            from newsdesk_bench.wire_command import wire_command

            result = wire_command(options, say)
        if name in ("ingest", "all"):
            result.update(self._ingest(options, say))
        if name in ("parse", "ingest", "all"):
            from newsdesk_bench.parse_bench import parse_bench

            say("feed parsing on ../shared/eval/feeds …")
            result.update(parse_bench())
        if name == "takedown":
            result = self._takedown(options, say)
        if name == "serve":
            from newsdesk_bench.serve_bench import serve_bench

            result = serve_bench(seconds=options["seconds"], mixed_seconds=options["mixed_seconds"], say=say)
        if name == "extract":
            result = extract_bench(data=options["data"], say=say)
        elif name == "cluster":
            result = cluster_bench(data=options["data"], model=options["model"], say=say)
        elif name == "all":
            result["extract"] = extract_bench(data=options["data"], say=say)
            result["cluster"] = cluster_bench(data=None, model=options["model"], say=say)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=None, sort_keys=True))
        else:
            for key, value in result.items():
                if key not in ("parity_problems", "engines", "rounds"):
                    self.stdout.write(f"{key:40} {value}")

    def _takedown(self, options, say) -> dict:
        if options["in_place"]:
            from newsdesk_bench.takedown_bench import takedown_bench

            return takedown_bench(takedowns=options["takedowns"], cycles=options["cycles"], progress=say)
        argv = ["--takedowns", str(options["takedowns"]), "--cycles", str(options["cycles"])]
        say(f"takedown benchmark: {options['takedowns']} notices on the demo world, throwaway database")
        return _in_throwaway_database("takedown", argv)

    def _ingest(self, options, say) -> dict:
        if options["in_place"]:
            from newsdesk_bench.ingest_bench import ingest_bench

            return ingest_bench(
                feeds=options["feeds"], ports=options["ports"], threads=options["threads"], progress=say
            ).as_dict()
        # A throwaway SQLite data dir, so a benchmark never touches the real database.
        with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as data_dir:
            env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DATABASE_URL"}
            env.update(NEWSDESK_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings.prod")
            argv = [sys.executable, "-m", "newsdesk", "bench", "ingest", "--in-place", "--json"]
            argv += [
                "--feeds",
                str(options["feeds"]),
                "--ports",
                str(options["ports"]),
                "--threads",
                str(options["threads"]),
            ]
            say(f"ingest benchmark: {options['feeds']} feeds on loopback, throwaway database in {data_dir}")
            done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False)
            if done.returncode != 0:
                raise CommandError(f"ingest benchmark failed: {done.stderr.strip().splitlines()[-1:]}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            return {k: v for k, v in figures.items() if not k.startswith("parse") and "feedparser" not in k}


def _in_throwaway_database(name: str, argv: list[str]) -> dict:
    """Run `newsdesk bench <name> --in-place --json` in a child process on a throwaway SQLite data dir, so a
    benchmark never touches the real database; its JSON figures."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DATABASE_URL"}
        env.update(NEWSDESK_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings.prod")
        command = [sys.executable, "-m", "newsdesk", "bench", name, "--in-place", "--json", *argv]
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False)
        if done.returncode != 0:
            raise CommandError(f"{name} benchmark failed: {done.stderr.strip().splitlines()[-1:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
