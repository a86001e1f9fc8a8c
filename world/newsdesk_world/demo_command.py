"""`newsdesk demo`: start the simulated world, ingest it, print an admin login, serve the site with a worker beside it."""

import sys
from contextlib import nullcontext

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsdesk.articles.models import Article
from newsdesk.common.arguments import duration, port, port_or_zero
from newsdesk.ingest.demo import admin_ensure, admin_password_shown, demo_ingest
from newsdesk.ingest.progress import refresh_progress
from newsdesk.site.serving import check_port_free, serve_site
from newsdesk.sources.models import Feed, Publisher
from newsdesk_world.demo_worker import demo_worker
from newsdesk_world.generator import generate_world
from newsdesk_world.server import WorldServerError, serve_world


def demo_site_url_set(*, port: int) -> None:
    """Serving on 127.0.0.1:`port`, the demo's absolute URLs (canonical links, feeds, sitemaps, robots.txt, emails)
    name that port: the settings' default site URL is :8000, which `--port` would otherwise leave pointing at
    nothing (or at another site). A NEWSDESK_SITE_URL the operator set is kept. Set before the site's processes
    fork, so each of them has it."""
    if settings.SITE_URL_CONFIGURED:
        return
    settings.SITE_URL = f"http://127.0.0.1:{port}"
    settings.CSRF_TRUSTED_ORIGINS = [settings.SITE_URL]


class Command(BaseCommand):
    help = "Run the whole platform on simulated publishers on loopback (offline)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="ingest into the data dir and exit")
        parser.add_argument(
            "--no-worker", action="store_true", help="serve without the worker (feeds are not refreshed after)"
        )
        parser.add_argument("--port", type=port, default=8000, help="site port (default 8000)")
        parser.add_argument(
            "--world-port", type=port_or_zero, default=8100, help="first port of the simulated world (0: free ports)"
        )
        parser.add_argument("--seed", type=int, default=7, help="seed of the simulated world (default 7)")
        parser.add_argument(
            "--slow-delay", type=duration, default=2.0, help="delay of the world's slow feed (default 2s)"
        )

    def handle(self, *args, **options):
        if not options["no_serve"]:
            check_port_free("127.0.0.1", options["port"])
        # A fresh data dir gets its directory and secret key here, explicitly (settings never write them).
        call_command("init", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        world = generate_world(seed=options["seed"], slow_delay_s=options["slow_delay"])
        try:
            server = serve_world(world, host="127.0.0.1", port=options["world_port"])
        except WorldServerError as exc:  # a port of the range taken, or out of range: one line, what to do
            raise CommandError(
                f"cannot start the simulated world: {exc} (choose another first port with --world-port, "
                "or --world-port 0 for free ones)"
            ) from None
        try:
            self.stdout.write(f"simulated world: {server.base_url}")
            total = Feed.objects.count() or len(world.publishers) + len(world.extra_feeds)
            with refresh_progress(total, enabled=sys.stderr.isatty()) as on_done:
                imported, stats = demo_ingest(directory_url=server.base_url, on_feed_done=on_done)
            self.stdout.write(
                f"ingested {stats.feeds} feeds of {imported.publishers} publishers in {stats.seconds:.1f}s: "
                f"{stats.articles_new} new articles, {stats.articles_moved} moved to a new address, "
                f"{stats.errors} feeds with errors (see admin → Feeds)"
            )
            self.stdout.write(
                f"database holds {Article.objects.count()} articles from {Publisher.objects.count()} publishers"
            )
            login = admin_ensure()
            self.stdout.write(self.style.SUCCESS(f"admin login: {login.username} / {admin_password_shown(login)}"))
            self.stdout.write("the first sign-in sets up two-factor codes (any TOTP authenticator app)")
            if options["no_serve"]:
                return
            demo_site_url_set(port=options["port"])
            self.stdout.write(
                f"site: http://127.0.0.1:{options['port']}/   admin: http://127.0.0.1:{options['port']}/admin/"
            )
            # Started before the site, whose processes it shares the database with (SQLite: WAL, a busy timeout
            # and IMMEDIATE transactions, config/settings/base.py); stopped once the site has stopped, however.
            with nullcontext() if options["no_worker"] else demo_worker(self.stdout):
                serve_site(host="127.0.0.1", port=options["port"], stdout=self.stdout)
        finally:
            server.stop()
