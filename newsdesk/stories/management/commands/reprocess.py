"""`newsdesk reprocess [--since DATE | --counts-only]`: rebuild wire-copy groups and stories from the stored
articles, or only recount the stored stories."""

import argparse
import sys
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import pluralize
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.common.database import database_now, require_migrated
from newsdesk.stories.closing import stories_close_quiet
from newsdesk.stories.rebuild import stories_rebuild, stories_recount

INTERRUPTED = (
    "reprocess interrupted after {done} of {total} articles: those not done yet are in no story until `newsdesk "
    "reprocess` runs again (with the same --since), which finishes them"
)
INTERRUPTED_EXIT_CODE = 130  # as newsdesk.cli gives any command Ctrl-C ended
SINCE_HELP = "only articles published on or after this day or time (ISO 8601, e.g. 2026-12-01 or 2026-12-01T06:00Z)"


def since_argument(text: str) -> datetime:
    """An ISO 8601 day or time (UTC unless it says otherwise), for argparse."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        # In UTC, as the database compares it: 0001-01-01T00:00+14:00 is outside the calendar there.
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None


class Command(BaseCommand):
    help = (
        "Rebuild language, search stems and category, then near-duplicate signatures, syndication groups and stories "
        "from stored articles, oldest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Either, not both (the parser refuses the pair in one line, exit status 2, as any other bad flag).
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--since", type=since_argument, help=SINCE_HELP)
        scope.add_argument(
            "--counts-only",
            action="store_true",
            help="only recount every stored story's counts, lead and image in place (after an upgrade); no rebuild",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, **options) -> None:
        require_migrated()
        counts_only = options["counts_only"]
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("stories" if counts_only else "articles"),
            TimeElapsedColumn(),
        )
        reached = [0, 0]  # done, total: what an interruption reports
        with Progress(*columns, console=None, disable=options["no_progress"], transient=False) as progress:
            task = progress.add_task("reprocess", total=None)

            def advance(done: int, total: int) -> None:
                reached[:] = [done, total]
                progress.update(task, completed=done, total=total)

            if counts_only:
                count = stories_recount(progress=advance)
            else:
                try:
                    count = stories_rebuild(since=options["since"], progress=advance)
                except KeyboardInterrupt:
                    # The rebuild's first step forgot the stories of what it rebuilds: say what is left, and how.
                    progress.stop()
                    self.stderr.write(INTERRUPTED.format(done=reached[0], total=reached[1]))
                    sys.exit(INTERRUPTED_EXIT_CODE)
                # Stories already quiet close now, as the workers' job would close them (refined at their close).
                progress.update(task, description="closing quiet stories")
                closed = stories_close_quiet(now=database_now())
        if counts_only:
            self.stdout.write(f"recounted {count} {'story' if count == 1 else 'stories'}")
        else:
            self.stdout.write(f"reprocessed {count} article{pluralize(count)}")
            if closed:
                self.stdout.write(f"closed {closed} quiet {'story' if closed == 1 else 'stories'}")
