"""`newsdesk serve`: the public site and admin behind waitress (a production WSGI server, pure Python)."""

from django.core.management.base import BaseCommand

from newsdesk.common.arguments import count_between, port
from newsdesk.site.serving import serve_site


class Command(BaseCommand):
    help = "Serve the site (default http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=port, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=count_between(1, 64), default=8, help="request threads (default 8)")

    def handle(self, *args, **options):
        serve_site(host=options["host"], port=options["port"], threads=options["threads"], stdout=self.stdout)
