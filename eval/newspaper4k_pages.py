"""Real news pages outside the dev set, for `newsdesk bench extract --data`: newspaper4k's test pages.

    .venv/bin/python eval/newspaper4k_pages.py OUT_DIR             # pip-downloads newspaper4k's sdist (a registry)
    .venv/bin/python eval/newspaper4k_pages.py OUT_DIR --sdist F   # or reads a downloaded newspaper4k-*.tar.gz
    .venv/bin/newsdesk bench extract --data OUT_DIR

The sdist of newspaper4k (MIT) ships the HTML of real articles (CNN, Wired, Time, Fox 13, cleveland.com, Yonhap,
pages in Arabic, Spanish, Thai …) with the body text its tests expect (`tests/data/txt/<name>.txt`). That text is
newspaper4k's own output, checked by its maintainers, not a human annotation like the dev set's, so it favours
what newspaper4k keeps; it is still a second set of pages no rule here was tuned on. Written in the dev set's
layout (`html/<id>.html.gz`, `gold/<id>.json`, `ids.txt`) into OUT_DIR, outside the repository: the pages are
not ours to commit. Pages whose expected text is under 30 words (front pages, a feed) are left out.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "newspaper4k==0.9.6"
MIN_WORDS = 30


def write_pages(sdist: Path, out: Path) -> list[str]:
    """Lay the sdist's test pages out in `out` as the dev set is laid out; the ids written, sorted."""
    with tarfile.open(sdist) as archive:
        files = {"/".join(Path(member.name).parts[1:]): member for member in archive.getmembers() if member.isfile()}

        def read(name: str) -> bytes | None:
            member = files.get(name)
            handle = archive.extractfile(member) if member is not None else None
            return handle.read() if handle is not None else None

        ids = []
        for name in sorted(files):
            if not (name.startswith("tests/data/html/") and name.endswith(".html")):
                continue
            page_id = Path(name).stem
            text, meta = read(f"tests/data/txt/{page_id}.txt"), read(f"tests/data/metadata/{page_id}.json")
            if text is None or meta is None:
                continue
            body = text.decode("utf-8")
            if len(body.split()) < MIN_WORDS:
                continue
            (out / "html").mkdir(parents=True, exist_ok=True)
            (out / "gold").mkdir(parents=True, exist_ok=True)
            (out / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(read(name) or b""))
            url = json.loads(meta).get("url") or ""
            gold = {"articleBody": body, "url": url}
            (out / "gold" / f"{page_id}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
            ids.append(page_id)
    (out / "ids.txt").write_text("".join(f"{page_id}\n" for page_id in ids), encoding="utf-8")
    return ids


def download_sdist(into: Path) -> Path:
    """newspaper4k's source distribution from the package registry (pip's own index settings)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", PACKAGE, "-d", str(into)]
    subprocess.run(command, check=True, capture_output=True)
    return next(into.glob("newspaper4k-*.tar.gz"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the pages into")
    parser.add_argument("--sdist", type=Path, help="a downloaded newspaper4k-*.tar.gz (else pip downloads it)")
    args = parser.parse_args(argv)
    if args.sdist is not None and not args.sdist.is_file():
        parser.error(f"--sdist {args.sdist}: no such file")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            sdist = args.sdist or download_sdist(Path(scratch))
            ids = write_pages(sdist, args.out)
        except (OSError, tarfile.TarError, subprocess.CalledProcessError, StopIteration) as error:
            print(f"newspaper4k pages: {error or 'no sdist downloaded'}", file=sys.stderr)
            return 2
    print(f"{len(ids)} pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
