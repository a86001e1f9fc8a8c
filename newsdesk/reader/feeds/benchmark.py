"""Feed-parsing speed and parity: ours vs feedparser vs fastfeedparser on the shared real-world feeds.

    .venv/bin/python -m newsdesk.reader.feeds.benchmark [--all] [--repeat N] [--corpus DIR]

Prints items/s per parser (best of N runs over the whole set, bytes already in memory) and a parity
report against feedparser: per file, the same number of entries with the same titles and links.
Entry lists are compared before our duplicate collapsing (`keep_duplicates=True`), because feedparser
does not collapse. Titles are compared as plain text (we strip markup from titles; feedparser keeps it,
sometimes escaped). Deliberate differences that show up in the report:
  * an Atom link with href="" is no link for us; feedparser resolves it to the xml:base (the feed itself);
  * an RSS item's own <link> beats an atom:link alternate (yarr's fixture asserts this); feedparser takes
    the last one it saw.
Figures, not a goal: the parse-speed goal was retired with the C one-pass tree (`_litetree`), which saved
about 0.2 s of a 150 s first ingestion cycle. Our parser reads lxml's tree; today's figures are in
docs/benchmarks.md. feedparser and fastfeedparser are the `bench` extra, imported here only.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from newsdesk.reader.feeds.errors import FeedParseError
from newsdesk.reader.feeds.fields import plain_text
from newsdesk.reader.feeds.parse import parse_feed

DEFAULT_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "eval" / "feeds"
REAL_WORLD = ("rsparser", "feedjira", "miniflux", "yarr")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".json", ".jsonc")
URL = "https://corpus.example/feed"


def load(corpus: Path, everything: bool) -> list[tuple[Path, bytes]]:
    folders = [p for p in sorted(corpus.iterdir()) if p.is_dir()] if everything else [corpus / f for f in REAL_WORLD]
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file() and p.suffix in FEED_SUFFIXES)
    return [(p, p.read_bytes()) for p in files]


def ours(data: bytes) -> int:
    try:
        return len(parse_feed(data, url=URL, keep_duplicates=True).entries)
    except FeedParseError:
        return 0


def with_feedparser(data: bytes) -> int:
    import feedparser

    return len(feedparser.parse(data).entries)


def with_fastfeedparser(data: bytes) -> int:
    import fastfeedparser

    try:
        return len(fastfeedparser.parse(data).entries)
    except Exception:  # it raises ValueError and friends for non-feeds; those count as 0 items
        return 0


def throughput(parser: Callable[[bytes], int], documents: list[bytes], repeat: int) -> tuple[int, float]:
    """(items, best seconds) over `repeat` passes."""
    best, items = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        items = sum(parser(data) for data in documents)
        best = min(best, time.perf_counter() - started)
    return items, best


def compare(documents: list[bytes], repeat: int) -> dict[str, tuple[int, float]]:
    """(items, best seconds) per parser, all measured in this run; feedparser once, it is ~50x slower."""
    return {
        "ours": throughput(ours, documents, repeat),
        "fastfeedparser": throughput(with_fastfeedparser, documents, repeat),
        "feedparser": throughput(with_feedparser, documents, 1),
    }


def parity(files: list[tuple[Path, bytes]], corpus: Path) -> list[str]:
    """Files where we recover fewer entries than feedparser, or different titles/links."""
    import feedparser

    problems = []
    for path, data in files:
        reference = feedparser.parse(data, response_headers={"content-location": URL}).entries
        if not reference:
            continue
        try:
            entries = parse_feed(data, url=URL, keep_duplicates=True).entries
        except FeedParseError as error:
            problems.append(f"{path.relative_to(corpus)}: refused ({error.reason}), feedparser found {len(reference)}")
            continue
        if len(entries) != len(reference):
            problems.append(f"{path.relative_to(corpus)}: {len(entries)} entries, feedparser {len(reference)}")
            continue
        for index, (theirs, mine) in enumerate(zip(reference, entries, strict=True)):
            title = plain_text(plain_text(theirs.get("title") or ""))  # twice: feedparser may escape markup
            if title and title != mine.title:
                problems.append(f"{path.relative_to(corpus)}[{index}]: title {mine.title!r} vs {title!r}")
                break
            link = theirs.get("link") or ""
            if link.startswith(("http://", "https://")) and link != mine.link:
                problems.append(f"{path.relative_to(corpus)}[{index}]: link {mine.link!r} vs {link!r}")
                break
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--all", action="store_true", help="every folder, not only the real-world captures")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--no-parity", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}")
        return 2
    warnings.simplefilter("ignore")
    files = load(args.corpus, args.all)
    documents = [data for _, data in files]
    print(f"{len(files)} files, {sum(map(len, documents)) / 1e6:.1f} MB")
    results = {}
    for name, (items, seconds) in compare(documents, args.repeat).items():
        results[name] = items / seconds
        print(f"{name:15} {items:6d} items  {seconds * 1000:8.1f} ms  {items / seconds:9.0f} items/s")
    print(f"ours / fastfeedparser = {results['ours'] / results['fastfeedparser']:.2f}x")
    if not args.no_parity:
        problems = parity(files, args.corpus)
        print(f"parity with feedparser: {len(problems)} file(s) differ")
        for line in problems:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
