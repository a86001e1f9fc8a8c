"""`newsdesk db copy --to URL`: move the install's database to another one (SQLite → PostgreSQL, or back)."""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsdesk.backup.archive import BackupError
from newsdesk.backup.copy_services import DEFAULT_BATCH, database_copy
from newsdesk.common.arguments import count_between, subcommands


class Command(BaseCommand):
    help = "Database moves: `db copy --to URL` copies every row into another database (migrated, verified)."
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = subcommands(parser, dest="action", required=True, metavar="copy")
        copy = actions.add_parser(
            "copy",
            help="copy every row of this install's database into the database at --to",
            description="Migrate the target, copy all rows keeping their ids, reset sequences, rebuild the "
            "search index and verify the row count of every table; all in one transaction on the target.",
        )
        copy.add_argument(
            "--to", required=True, metavar="URL", help="postgresql://user@host:5432/name or sqlite:////absolute/path"
        )
        copy.add_argument("--force", action="store_true", help="replace the rows of a target that holds data")
        copy.add_argument(
            "--batch", type=count_between(1, 100_000), default=DEFAULT_BATCH, help="rows per insert batch"
        )
        copy.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        with _progress(enabled=not options["no_progress"]) as on_progress:
            try:
                report = database_copy(
                    target_url=options["to"],
                    force=options["force"],
                    batch_size=options["batch"],
                    on_progress=on_progress,
                )
            except BackupError as error:
                raise CommandError(str(error)) from None
        width = max(map(len, report.tables), default=0)
        for table, rows in report.tables.items():
            self.stdout.write(f"  {table:<{width}}  {rows}")
        total = sum(report.tables.values())
        self.stdout.write(
            f"copied {total} rows of {len(report.tables)} tables to {report.target} ({report.vendor}); "
            "row counts match the source"
        )


class _progress:
    """A rich progress bar over the rows of the table being copied; yields the callback for database_copy."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Progress | None = None
        self.task = None
        self.table = ""

    def __enter__(self):
        return self.advance if self.enabled else None

    def advance(self, table: str, done: int, total: int) -> None:
        """One bar, for the table being copied (a bar per table would print dozens of lines); it appears with the
        first row, so a copy refused before that prints only its error."""
        if self.bar is None:
            columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            self.bar = Progress(*columns, transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("", total=None)
        if table != self.table:
            self.table = table
            self.bar.reset(self.task, total=total, description=table)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.__exit__(*exc_info)
