"""`newsdesk init`: create the data dir and its secret key (the only step that writes them; settings only read)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.common.secret_key import secret_key_create, secret_key_is_set, secret_key_read

CANNOT_CREATE = (
    "cannot create the data dir or its secret key in {path}: {reason} (set NEWSDESK_DATA_DIR to a writable place)"
)


class Command(BaseCommand):
    help = "Create the data dir and a random secret key in it (kept if it exists)."
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            path, created = secret_key_create(data_dir=settings.DATA_DIR)
        except OSError as exc:
            raise CommandError(CANNOT_CREATE.format(path=settings.DATA_DIR, reason=exc.strerror or exc)) from None
        if not secret_key_is_set():
            # This process loaded its settings before the key existed (e.g. `newsdesk demo` on a fresh data dir).
            settings.SECRET_KEY = secret_key_read(data_dir=settings.DATA_DIR)
        if options["verbosity"] >= 1:
            self.stdout.write(f"secret key {'created' if created else 'kept'}: {path}")
