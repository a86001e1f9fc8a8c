"""`newsdesk fetch URL`: one fetch through the hardened client, to see what a source serves or why it is refused."""

import sys
from dataclasses import replace

from django.core.management.base import BaseCommand, CommandParser

from newsdesk.common.arguments import positive_duration, positive_int
from newsdesk.reader.fetcher import FetchError, fetch
from newsdesk.reader.types import FetchResult
from newsdesk.sources.fetching import fetch_options_from_settings

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "Fetch one URL with the SSRF-guarded client; print status, redirects, headers and body size."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--allow-loopback", action="store_true", help="allow 127.0.0.0/8 and ::1 (demo, tests)")
        parser.add_argument(
            "--timeout", type=positive_duration, help="overall deadline, e.g. 20 or 1m (NEWSDESK_FETCH_TIMEOUT)"
        )
        parser.add_argument("--max-bytes", type=positive_int, help="cap on the decoded body (NEWSDESK_MAX_BYTES)")
        parser.add_argument("--etag", default="", help="send If-None-Match")
        parser.add_argument("--last-modified", default="", help="send If-Modified-Since")

    def handle(self, *args: object, **options: object) -> None:
        fetch_options = fetch_options_from_settings(allow_loopback=True if options["allow_loopback"] else None)
        if options["timeout"] is not None:
            fetch_options = replace(fetch_options, timeout_s=options["timeout"])
        if options["max_bytes"] is not None:
            fetch_options = replace(fetch_options, max_bytes=options["max_bytes"])
        try:
            result = fetch(
                str(options["url"]),
                options=fetch_options,
                etag=str(options["etag"]),
                last_modified=str(options["last_modified"]),
            )
        except FetchError as exc:
            self.stderr.write(f"refused: {exc.describe()}")
            sys.exit(EXIT_REFUSED)
        self.stdout.write(_report(result))


def _report(result: FetchResult) -> str:
    lines = [
        f"status: {result.status}",
        f"url: {result.url}",
        f"final url: {result.final_url}",
        f"peer: {result.peer_address}",
    ]
    lines += [f"redirect: {status} -> {location}" for status, location in result.redirects]
    lines += [f"header: {name}: {value}" for name, value in sorted(result.headers.items())]
    lines.append(f"body: {len(result.body)} bytes in {result.elapsed_s:.3f} s")
    return "\n".join(lines)
