"""`newsdesk ingest --once`: one full refresh pass over every active feed, with a progress bar."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from newsdesk.common.arguments import count_between
from newsdesk.common.database import require_migrated
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.images import images_and_stories_step
from newsdesk.ingest.progress import refresh_progress
from newsdesk.ingest.runner import run_cycle
from newsdesk.ingest.selectors import feeds_to_refresh_count


class Command(BaseCommand):
    help = "Refresh feeds and store new articles. --once does one full pass and exits; without it, see `worker`."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass over every active feed, then exit")
        parser.add_argument("--due", action="store_true", help="only feeds whose next check time has come")
        parser.add_argument(
            "--threads", type=count_between(1, 64), default=4, help="feeds refreshed at once (default 4)"
        )
        parser.add_argument("--allow-loopback", action="store_true", help="allow fetching 127.0.0.1 (demo, tests)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if not options["once"]:
            raise CommandError("ingest needs --once (for continuous polling run `newsdesk worker`)")
        require_migrated()
        context = IngestContext.from_settings(allow_loopback=True if options["allow_loopback"] else None)
        full_pass = not options["due"]
        total = feeds_to_refresh_count(full_pass=full_pass)
        show = not options["no_progress"] and sys.stderr.isatty()
        try:
            with refresh_progress(total, enabled=show) as on_done:
                stats = run_cycle(
                    context=context, full_pass=full_pass, threads=options["threads"], on_feed_done=on_done
                )
            images = images_and_stories_step(options=context.options, limit=None)
        finally:
            context.close()
        articles, stored = (
            stats.articles_new + stats.articles_updated,
            len(images.stored),
        )  # "1 new, 1 updated articles"
        self.stdout.write(
            f"ingested {stats.feeds} feed{pluralize(stats.feeds)} in {stats.seconds:.1f}s: {stats.articles_new} new, "
            f"{stats.articles_updated} updated article{pluralize(articles)}, {stats.not_modified} not modified, "
            f"{stats.errors} error{pluralize(stats.errors)}"
            + (f", {stats.deferred} deferred (their hosts asked to wait)" if stats.deferred else "")
            + "; "
            f"{stored} image{pluralize(stored)} stored, {len(images.refused)} refused, {len(images.failed)} failed"
        )
