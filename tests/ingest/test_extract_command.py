"""`newsdesk extract`: a page from a file or a URL in, body and metadata out; anything unusable exits 2."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsdesk.reader.extract.sniff import looks_like_html
from tests.sources.loopback import LoopbackServer, Reply

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "tests/data/pages/lemonde.example.budget-vote.html"
ORIGINAL = "https://www.journal.example/politique/article/2024/03/05/budget-adopte.html"
KEYS = ["title", "text", "byline", "published_at", "language", "wire_credit", "canonical_url", "image_url"]


def run_extract(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NEWSDESK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", "extract", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def server():
    empty = b"<!doctype html><html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>"
    started = LoopbackServer(
        {
            "/article": Reply(body=PAGE.read_bytes()),
            "/empty": Reply(body=empty),
            "/logo.png": Reply(body=b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png"),
            "/gone": Reply(status=410, body=b"gone"),
            "/article.html.gz": Reply(body=gzip.compress(PAGE.read_bytes()), content_type="application/gzip"),
        }
    )
    yield started
    started.close()


def test_a_file_prints_one_json_object_with_every_key(tmp_path):
    completed = run_extract(str(PAGE), "--url", ORIGINAL, "--json", data_dir=tmp_path)

    assert completed.returncode == 0, completed.stderr
    fields = json.loads(completed.stdout)
    assert list(fields) == KEYS
    assert fields["title"] == "Le budget adopté de justesse à l'Assemblée"
    assert fields["text"].startswith("PARIS (AFP) — Après une nuit de débats")
    assert fields["byline"] == "Claire Martin, Paul Durand"
    assert fields["published_at"] == "2024-03-05T07:15:00+00:00"
    assert fields["language"] == "fr"
    assert fields["wire_credit"] == "AFP"
    assert fields["canonical_url"] == ORIGINAL
    assert fields["image_url"] == "https://www.journal.example/images/budget.jpg"


def test_text_output_puts_the_metadata_above_the_body(capsys):
    call_command("extract", str(PAGE), "--url", ORIGINAL)

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "title: Le budget adopté de justesse à l'Assemblée"
    assert "wire_credit: AFP" in out
    assert out[out.index("") + 1].startswith("PARIS (AFP)")


def test_a_url_is_fetched_through_the_hardened_client(server, capsys):
    call_command("extract", server.base + "/article", "--allow-loopback", "--json")

    fields = json.loads(capsys.readouterr().out)
    assert fields["title"] == "Le budget adopté de justesse à l'Assemblée"
    assert server.requests[0].headers["accept"].startswith("text/html")


def test_a_date_only_published_time_is_printed_as_a_date(tmp_path, capsys):
    page = tmp_path / "dated.html"
    body = "".join(
        f"<p>Paragraph {n} of a long enough story about the harbour works and the city council.</p>" for n in range(8)
    )
    page.write_text(
        '<html lang="en"><head><title>Harbour works</title>'
        '<meta property="article:published_time" content="2026-03-01"></head>'
        f"<body><article><h1>Harbour works</h1>{body}</article></body></html>"
    )
    call_command("extract", str(page), "--json")

    assert json.loads(capsys.readouterr().out)["published_at"] == "2026-03-01"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/gone", "cannot fetch {url}: it answered HTTP 410"),
        ("/logo.png", "{url} is not an HTML page"),
        ("/empty", "no article found in {url}"),
    ],
)
def test_an_unusable_url_is_one_line_and_status_2(server, target, message):
    url = server.base + target
    with pytest.raises(CommandError) as raised:
        call_command("extract", url, "--allow-loopback")

    assert raised.value.returncode == 2
    assert str(raised.value) == message.format(url=url)


def test_a_refused_address_a_file_that_is_not_html_and_a_page_without_article_exit_2_in_one_line(server, tmp_path):
    refused = run_extract(server.base + "/article", data_dir=tmp_path)  # loopback is refused without the flag
    not_html = run_extract(str(REPO / "pyproject.toml"), data_dir=tmp_path)
    missing = run_extract(str(tmp_path / "nope.html"), data_dir=tmp_path)
    page = tmp_path / "menu.html"
    page.write_text("<!doctype html><html><head><title>Menu</title></head><body><nav>Home</nav></body></html>")
    no_article = run_extract(str(page), data_dir=tmp_path)  # trafilatura's own "discarding data" warning: not shown

    for completed in (refused, not_html, missing, no_article):
        assert completed.returncode == 2, completed.stderr
        assert len(completed.stderr.strip().splitlines()) == 1
        assert "Traceback" not in completed.stderr
        assert completed.stdout == ""
    assert "cannot fetch" in refused.stderr
    assert "pyproject.toml is not an HTML page" in not_html.stderr
    assert "cannot read" in missing.stderr
    assert f"no article found in {page}" in no_article.stderr


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (b"<!DOCTYPE html><html>", "", True),
        (b"\xef\xbb\xbf  <!-- hi --><html lang=en>", "", True),
        ("<div><p>fragment</p></div>", "", True),
        (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", "", True),
        ("<html>".encode("utf-16"), "", True),
        (b"plain words, not a page", "", False),
        (b"<rss version='2.0'><channel/></rss>", "", False),
        (b"<html>", "image/png", False),
        (b"Some <b>late</b> markup", "text/html; charset=utf-8", True),
        (b"%PDF-1.7", "application/pdf", False),
    ],
)
def test_looks_like_html(data, content_type, expected):
    assert looks_like_html(data, content_type=content_type) is expected


def test_a_page_over_the_element_cap_is_refused_with_the_reason(tmp_path):
    page = tmp_path / "huge.html"
    page.write_text("<html><body>" + "<b>x</b>" * 30_000 + "</body></html>")

    with pytest.raises(CommandError) as raised:
        call_command("extract", str(page))

    assert raised.value.returncode == 2
    assert str(raised.value).startswith(f"cannot extract {page}: page has too many elements to extract")


@pytest.mark.parametrize("bad", ["http://[oops/", "not a url", "ftp://journal.example/a.html", "/politique/a.html"])
def test_a_bad_original_url_is_one_line_and_status_2(tmp_path, bad):
    completed = run_extract(str(PAGE), "--url", bad, data_dir=tmp_path)

    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.strip().splitlines() == [f"CommandError: --url must be an http(s) address, not {bad!r}"]
    assert completed.stdout == ""


def test_a_gzipped_page_is_read_as_the_page_it_holds(tmp_path, capsys):
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress(PAGE.read_bytes()))
    call_command("extract", str(PAGE), "--url", ORIGINAL, "--json")
    plain = json.loads(capsys.readouterr().out)

    call_command("extract", str(packed), "--url", ORIGINAL, "--json")

    assert json.loads(capsys.readouterr().out) == plain
    assert plain["text"]


def test_a_broken_gzip_file_or_an_endless_one_is_one_line_and_status_2(tmp_path):
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(PAGE.read_bytes())[:200])
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body>" + b" " * 50_000_000))

    for path, message in ((broken, f"cannot read {broken}: a damaged gzip file"), (bomb, "page too large to extract")):
        with pytest.raises(CommandError) as raised:
            call_command("extract", str(path))
        assert raised.value.returncode == 2
        assert message in str(raised.value)
    big = tmp_path / "big.html.gz"
    big.write_bytes(os.urandom(5 * 1024 * 1024).join([b"\x1f\x8b", b""]))
    with pytest.raises(CommandError) as raised:
        call_command("extract", str(big))
    assert str(raised.value) == f"cannot extract {big}: page too large to extract"
    # A device that never ends is read only up to the page limit.
    with pytest.raises(CommandError) as raised:
        call_command("extract", "/dev/zero")
    assert raised.value.returncode == 2


def test_a_gzipped_page_served_as_a_gzip_file_is_read_as_the_page_it_holds(server, capsys):
    call_command("extract", server.base + "/article", "--url", ORIGINAL, "--json", "--allow-loopback")
    plain = json.loads(capsys.readouterr().out)

    call_command("extract", server.base + "/article.html.gz", "--url", ORIGINAL, "--json", "--allow-loopback")

    assert json.loads(capsys.readouterr().out) == plain
