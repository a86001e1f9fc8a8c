"""`newsdesk worker`: a long-running process that refreshes due feeds. Run as many as you like, on any host
sharing the database: feeds are leased, so no two workers refresh one feed at once."""

import signal
import threading

from django.core.management.base import BaseCommand

from newsdesk.common.arguments import count_between, duration
from newsdesk.common.database import Backoff, connections_reset, database_unavailable, require_migrated
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.images import images_and_stories_step
from newsdesk.ingest.jobs import periodic_jobs_run
from newsdesk.ingest.report import one_line
from newsdesk.ingest.runner import worker_cycle, worker_identity

CYCLE_FAILED = "cycle failed"
DATABASE_UNAVAILABLE = "database unavailable ({error}); retrying in {delay:g}s"


class Command(BaseCommand):
    help = "Poll due feeds forever (or --once), leasing each feed so several workers can share the work."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one cycle over the due feeds, then exit")
        parser.add_argument(
            "--threads", type=count_between(1, 64), default=4, help="feeds refreshed at once (default 4)"
        )
        parser.add_argument(
            "--batch",
            type=count_between(1, 1000),
            default=16,
            help="most feeds claimed at once (default 16); a worker holds at most 2 x --threads",
        )
        parser.add_argument(
            "--lease",
            type=count_between(10, 86400),
            default=300,
            help="lease length in seconds, 10..86400 (default 300)",
        )
        parser.add_argument(
            "--idle", type=duration, default=10.0, help="time to sleep when nothing is due (default 10s)"
        )
        parser.add_argument("--allow-loopback", action="store_true", help="allow fetching 127.0.0.1 (demo, tests)")

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        # A supervisor may start the worker before the database: without --once it waits for it (one line per
        # try); with --once an unreachable database is a one-line error (newsdesk/cli.py).
        if not self._database_wait(stop, once=options["once"]):
            return
        context = IngestContext.from_settings(allow_loopback=True if options["allow_loopback"] else None)
        owner = worker_identity()
        backoff = Backoff()
        self.stdout.write(f"worker {owner} started")
        self.stdout.flush()
        try:
            while not stop.is_set():
                try:
                    rights, stats = worker_cycle(
                        context=context,
                        owner=owner,
                        threads=options["threads"],
                        batch=options["batch"],
                        lease_s=options["lease"],
                    )
                    # Lead images of what this cycle stored, fetched here rather than in any request.
                    images = images_and_stories_step(options=context.options)
                    # Housekeeping (closing quiet stories): due once per period, run by whichever worker claims it.
                    jobs = periodic_jobs_run(owner=owner)
                except Exception as exc:
                    if database_unavailable(exc):
                        # Restart, failover, network blip: drop the dead connections and back off (1 s doubling
                        # to 30 s); the feeds of unwritten batches come back when their leases expire.
                        connections_reset()
                        if options["once"]:
                            raise
                        self._unavailable(exc, stop, backoff)
                        continue
                    # Nothing a publisher sends may stop the worker: a failed cycle is reported, and the next
                    # one starts after a pause (the feeds it held come back when their leases run out).
                    self.stderr.write(f"{CYCLE_FAILED}: {one_line(exc)}")
                    self.stderr.flush()
                    if options["once"]:
                        break
                    stop.wait(max(1.0, options["idle"]))
                    continue
                backoff.reset()
                if rights.removed:
                    self.stdout.write(f"takedowns carried out: {', '.join(map(str, rights.removed))}")
                for name, outcome in jobs.items():
                    if outcome:  # a job with nothing to do says nothing
                        self.stdout.write(f"job {name}: {outcome}")
                if images.stored:
                    self.stdout.write(f"images stored: {len(images.stored)}")
                if stats.feeds:
                    self.stdout.write(
                        f"cycle: {stats.feeds} feeds, {stats.articles_new} new articles, {stats.errors} errors"
                    )
                    self.stdout.flush()
                if options["once"]:
                    break
                if not stats.feeds:
                    stop.wait(options["idle"])
        except KeyboardInterrupt:
            pass
        finally:
            context.close()
        self.stdout.write(f"worker {owner} stopped")

    def _database_wait(self, stop: threading.Event, *, once: bool) -> bool:
        """Return once the database answers and is migrated (False: stopped while waiting)."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                require_migrated()
                return True
            except Exception as exc:
                if once or not database_unavailable(exc):
                    raise
                connections_reset()
                self._unavailable(exc, stop, backoff)
        return False

    def _unavailable(self, exc: BaseException, stop: threading.Event, backoff: Backoff) -> None:
        delay = backoff.next_delay()
        self.stderr.write(DATABASE_UNAVAILABLE.format(error=one_line(exc), delay=delay))
        self.stderr.flush()
        stop.wait(delay)
