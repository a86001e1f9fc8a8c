"""`newsdesk discover URL [--subscribe] [--publisher NAME] [--allow-loopback]`: find a site's feeds."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.discovery import DiscoveryError, DiscoveryResult, site_discover, site_subscribe
from newsdesk.ingest.signals import hub_found
from newsdesk.sources.models import Publisher


class Command(BaseCommand):
    help = "Find the feeds of a site (link rel=alternate, common paths, robots.txt sitemaps); optionally subscribe."

    def add_arguments(self, parser):
        parser.add_argument("url", help="a page of the site, usually its homepage (or a feed URL)")
        parser.add_argument("--subscribe", action="store_true", help="follow the best feed found")
        parser.add_argument("--all", action="store_true", help="with --subscribe: follow every feed found")
        parser.add_argument("--publisher", default="", help="with --subscribe: publisher name (default: feed title)")
        parser.add_argument(
            "--policy",
            default=Publisher.DisplayPolicy.EXCERPT,
            choices=Publisher.DisplayPolicy.values,
            help="display policy if a new publisher is created (default: excerpt)",
        )
        parser.add_argument(
            "--websub", action="store_true", help=f"with --subscribe: ask the feed's hub to push to {settings.SITE_URL}"
        )
        parser.add_argument("--allow-loopback", action="store_true", help="allow fetching 127.0.0.1 (demo, tests)")

    def handle(self, *args, **options):
        context = IngestContext.from_settings(allow_loopback=True if options["allow_loopback"] else None)
        try:
            result = site_discover(url=_with_scheme(options["url"]), context=context)
        except DiscoveryError as exc:
            raise CommandError(str(exc)) from exc
        self._show(result, verbose=options["verbosity"] > 1)
        if not options["subscribe"]:
            return
        try:
            subscription = site_subscribe(
                result=result,
                publisher_name=options["publisher"],
                display_policy=options["policy"],
                all_feeds=options["all"],
            )
        except DiscoveryError as exc:
            raise CommandError(str(exc)) from exc
        verb = "created" if subscription.publisher_created else "existing"
        self.stdout.write(f"publisher: {subscription.publisher.name} ({verb}, slug {subscription.publisher.slug})")
        by_url = {item.url: item for item in (*result.feeds, *result.sitemaps)}
        for feed in subscription.feeds:
            self.stdout.write(f"subscribed: {feed.url}")
            hub = by_url[feed.url].hub_url if feed.url in by_url else ""
            if options["websub"] and hub:
                self._websub(feed, hub, topic_url=by_url[feed.url].self_url or feed.url, context=context)

    def _websub(self, feed, hub: str, *, topic_url: str, context: IngestContext) -> None:
        """Ask whichever app handles hubs (WebSub, when installed) to subscribe now, and say what it answered."""
        answers = hub_found.send_robust(
            sender=type(feed), feed=feed, hub_url=hub, topic_url=topic_url, context=context, explicit=True
        )
        if not answers:
            self.stdout.write(f"websub: {hub} -> not subscribed (the websub app is not installed)")
        for _, outcome in answers:
            if isinstance(outcome, Exception):
                raise CommandError(f"websub: {hub}: {outcome}")
            self.stdout.write(f"websub: {hub} -> {outcome}")

    def _show(self, result: DiscoveryResult, *, verbose: bool) -> None:
        if not result.feeds and not result.sitemaps:
            self.stdout.write(f"no feed or sitemap found at {result.final_url}")
        for item in (*result.feeds, *result.sitemaps):
            hub = f" hub={item.hub_url}" if item.hub_url else ""
            title = f" {item.title!r}" if item.title else ""
            self.stdout.write(f"{item.kind:8} {item.url}{title} entries={item.entries} via={item.found_by}{hub}")
        if verbose:
            for note in result.notes:
                self.stderr.write(f"not kept: {note}")


def _with_scheme(url: str) -> str:
    """`example.com` means https://example.com/, as typed into a browser."""
    return url if "://" in url else f"https://{url}"
