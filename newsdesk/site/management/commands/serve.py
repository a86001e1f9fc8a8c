"""`newsdesk serve`: the public site and admin behind granian (worker processes, request threads in each)."""

from django.core.management.base import BaseCommand

from newsdesk.common.arguments import count_between, port
from newsdesk.site.serving import serve_site


class Command(BaseCommand):
    help = "Serve the site (default http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=port, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--workers",
            type=count_between(1, 256),
            default=None,
            help="worker processes (default NEWSDESK_SERVE_WORKERS, else 2 per core)",
        )
        parser.add_argument(
            "--threads", type=count_between(1, 64), default=4, help="request threads per process (default 4)"
        )
        parser.add_argument(
            "--allow-unmigrated",
            action="store_true",
            help="start even on a database never migrated (its pages answer 503 until `newsdesk migrate` runs); "
            "without it serve refuses in one line, exit 2",
        )

    def handle(self, *args, **options):
        serve_site(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
            stdout=self.stdout,
            allow_unmigrated=options["allow_unmigrated"],
        )
