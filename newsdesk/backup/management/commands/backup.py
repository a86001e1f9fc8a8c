"""`newsdesk backup [--output FILE]`: one archive with the database, its manifest and the secret key file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.backup.archive import BackupError
from newsdesk.backup.services import backup_create


class Command(BaseCommand):
    help = "Back up the database (consistent while workers run) and the secret key into one tar.gz; prints its path."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="the archive to write (default: a timestamped file in DATA_DIR/backups/)"
        )

    def handle(self, *args, **options):
        try:
            report = backup_create(output=options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(report.path))
