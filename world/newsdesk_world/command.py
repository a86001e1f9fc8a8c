"""`newsdesk world serve`: run the simulated publishers on 127.0.0.1 until Ctrl-C; `newsdesk world subscribe URL`:
follow a running world's publishers, with their display policies, as `newsdesk demo` does."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand, CommandError

from newsdesk.common.arguments import duration, port_or_zero, subcommands

if TYPE_CHECKING:
    from newsdesk_world.server import WorldServer

DEFAULT_PORT = 8100
ERROR_LOG_DIR = "--log: directory {directory} does not exist"
ERROR_ANCHOR = "--anchor must be a date like 2025-01-31, not {value!r}"
# The directory's own documents: a URL naming one of them stands for the directory.
DIRECTORY_DOCUMENTS = ("/world.json", "/opml.xml")


class Command(BaseCommand):
    help = "Serve the simulated global media: offline, seeded news publishers and their feeds on 127.0.0.1."
    # Serving the world touches neither the database nor any app state, so skip system checks.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = subcommands(parser, dest="action", required=True, metavar="{serve,subscribe}", title="actions")
        serve = actions.add_parser(
            "serve",
            help="serve the world until Ctrl-C",
            description=(
                "Serve the directory (/world.json, /opml.xml) on PORT and each publisher on its own port "
                "PORT+1, PORT+2, ... on 127.0.0.1. PORT 0 picks free ports."
            ),
        )
        serve.add_argument(
            "--port", type=port_or_zero, default=DEFAULT_PORT, help=f"directory port (default {DEFAULT_PORT})"
        )
        serve.add_argument("--seed", type=int, default=7, help="world seed (default 7)")
        serve.add_argument(
            "--slow-delay",
            type=duration,
            default=2.0,
            dest="slow_delay",
            help="how long the slow feed waits (default 2s)",
        )
        serve.add_argument("--log", type=Path, default=None, help="append one JSON line per request to this file")
        serve.add_argument("--anchor", default=None, help="end of the simulated week, YYYY-MM-DD (default: today, UTC)")
        subscribe = actions.add_parser(
            "subscribe",
            help="follow a running world's publishers and feeds, with their display policies (as the demo does)",
            description=(
                "Read the directory (/world.json) of a world started with `newsdesk world serve` and subscribe to "
                "every publisher's feeds with the display policy the directory gives it, as `newsdesk demo` does. "
                "Nothing is fetched beyond the directory: `newsdesk worker --allow-loopback` does that."
            ),
        )
        subscribe.add_argument("url", help="the world's directory URL, e.g. http://127.0.0.1:8100")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "serve":
            self.serve(**options)
        else:
            self.subscribe(str(options["url"]))

    def subscribe(self, url: str) -> None:
        from newsdesk.common.database import require_migrated
        from newsdesk.ingest.demo import WorldDirectoryError, world_subscribe

        require_migrated()
        directory_url = url.rstrip("/")
        for document in DIRECTORY_DOCUMENTS:
            directory_url = directory_url.removesuffix(document)
        try:
            imported = world_subscribe(directory_url)
        except WorldDirectoryError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"subscribed to {imported.feeds} feeds of {imported.publishers} publishers at {directory_url}; "
            "`newsdesk worker --allow-loopback` (or `newsdesk ingest --once --allow-loopback`) fetches them"
        )

    def serve(
        self,
        *,
        port: int,
        seed: int,
        slow_delay: float,
        log: Path | None,
        anchor: str | None,
        **_: object,
    ) -> None:
        from newsdesk_world.generator import generate_world
        from newsdesk_world.server import WorldServerError, serve_world

        if log is not None and not log.parent.resolve().is_dir():
            raise CommandError(ERROR_LOG_DIR.format(directory=log.parent))
        world = generate_world(seed=seed, anchor=_parse_anchor(anchor), slow_delay_s=slow_delay)
        try:
            server = serve_world(world, port=port, log_path=log)
        except WorldServerError as error:
            raise CommandError(str(error)) from None
        try:
            self._announce(server)
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.stdout.write("stopping the world")
        finally:
            server.stop()

    def _announce(self, server: WorldServer) -> None:
        world = server.world
        self.stdout.write(f"directory  {server.base_url}/  (world.json, opml.xml)")
        self.stdout.write(
            f"world      seed {world.seed}, week ending {world.anchor:%Y-%m-%d}, "
            f"{len(world.publishers)} publishers, {len(world.events)} events, {len(world.articles)} articles"
        )
        for publisher in world.publishers:
            self.stdout.write(
                f"{publisher.language}  {server.publisher_base_url(publisher.slug)}/  {publisher.name}  "
                f"[{publisher.primary_feed_kind}: {server.primary_feed_url(publisher.slug)}]"
            )
        self.stdout.write("serving on 127.0.0.1 — press Ctrl-C to stop")
        self.stdout.flush()


def _parse_anchor(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise CommandError(ERROR_ANCHOR.format(value=value)) from None
