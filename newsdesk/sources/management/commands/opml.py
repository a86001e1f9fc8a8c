"""`newsdesk opml import FILE|-|URL [--policy P]` and `newsdesk opml export [--output FILE]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from newsdesk.common.arguments import subcommands
from newsdesk.reader.feeds.opml import MAX_OPML_BYTES, OPML_TOO_LARGE, OpmlError
from newsdesk.sources.fetching import SubscriptionFetchError, is_web_address, opml_download
from newsdesk.sources.models import Publisher
from newsdesk.sources.opml_services import opml_export, opml_import


class Command(BaseCommand):
    help = "Import publishers and feeds from an OPML file, or export every feed as OPML 2.0."

    def add_arguments(self, parser):
        actions = subcommands(parser, dest="action", required=True, metavar="{import,export}")
        importing = actions.add_parser("import", help="create publishers and feeds listed in an OPML file")
        importing.add_argument(
            "file", help="OPML file to read: a path, '-' for standard input, or an http(s) URL to fetch"
        )
        importing.add_argument(
            "--allow-loopback",
            action="store_true",
            help="let a URL on 127.0.0.0/8 or ::1 be fetched (a simulated world on this machine)",
        )
        importing.add_argument(
            "--policy",
            default=Publisher.DisplayPolicy.EXCERPT,
            choices=Publisher.DisplayPolicy.values,
            help="display policy for publishers created by this import (default: excerpt)",
        )
        exporting = actions.add_parser("export", help="write every feed, grouped by publisher, as OPML 2.0")
        exporting.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        if options["action"] == "import":
            self._import(options["file"], options["policy"], allow_loopback=options["allow_loopback"] or None)
        else:
            self._export(options["output"])

    def _import(self, file: str, policy: str, *, allow_loopback: bool | None) -> None:
        if is_web_address(file):
            try:
                data = opml_download(file, allow_loopback=allow_loopback)
            except SubscriptionFetchError as exc:
                raise CommandError(str(exc)) from None
        else:
            data = self._read(file)
        try:
            result = opml_import(data=data, default_policy=policy)
        except (OpmlError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for line in result.skipped:
            self.stderr.write(f"skipped {line}")
        self.stdout.write(
            f"imported {result.feeds} feed{pluralize(result.feeds)}: {result.feeds_created} new, "
            f"{result.feeds_existing} already followed; {result.publishers_created} new "
            f"publisher{pluralize(result.publishers_created)}, {result.publishers_existing} existing"
        )

    def _read(self, file: str) -> bytes:
        try:
            if file == "-":
                data = sys.stdin.buffer.read(MAX_OPML_BYTES + 1)
            else:
                with Path(file).open("rb") as handle:
                    data = handle.read(MAX_OPML_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc
        if len(data) > MAX_OPML_BYTES:
            raise CommandError(OPML_TOO_LARGE)
        return data

    def _export(self, output: str) -> None:
        data = opml_export()
        if output == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        self.stderr.write(f"wrote {output}")
