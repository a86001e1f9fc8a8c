"""`newsdesk restore FILE [--force]`: put a backup's database and secret key back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.backup.archive import BackupError
from newsdesk.backup.services import backup_restore


class Command(BaseCommand):
    help = "Restore a `newsdesk backup` archive (database and secret key); refuses to replace data without --force."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a file made by `newsdesk backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data (it is backed up first)"
        )

    def handle(self, *args, **options):
        try:
            report = backup_restore(path=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if report.saved_first:
            self.stdout.write(f"the data it replaced is saved in {report.saved_first}")
        if report.damaged_aside:
            self.stdout.write(f"the damaged database it replaced was moved to {report.damaged_aside}")
        rows = sum(report.manifest.tables.values())
        self.stdout.write(
            f"restored {report.path} ({report.manifest.vendor}, {rows} rows, made {report.manifest.created_at})"
        )
        if report.secret_key_restored:
            self.stdout.write("secret key file restored: restart the site and workers")
        if report.search_index_rebuilt:
            self.stdout.write("search index rebuilt")
        if report.migrate_needed:
            self.stdout.write("the backup's schema is older than this newsdesk: run `newsdesk migrate`")
