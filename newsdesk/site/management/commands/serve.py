"""`newsdesk serve`: the public site and admin behind waitress (a production WSGI server, pure Python)."""

from django.core.management.base import BaseCommand, CommandError

from newsdesk.site.serving import serve_site


class Command(BaseCommand):
    help = "Serve the site (default http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="request threads (default 8)")

    def handle(self, *args, **options):
        if not 1 <= options["port"] <= 65535:
            raise CommandError("--port must be between 1 and 65535")
        serve_site(host=options["host"], port=options["port"], threads=options["threads"], stdout=self.stdout)
