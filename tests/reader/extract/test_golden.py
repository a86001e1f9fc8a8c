"""Golden extraction files for hard page shapes: tests/reader/extract/golden/<case>.html and <case>.json.

Each case is a small hand-written page of one kind the issue names: a live blog, a gallery, a paywall teaser, a
cookie wall, a comment section, and the failure classes seen on real pages (a "paywall"/"premium"/"subscriber"
container that holds the body itself, inline link previews glued into sentences, a byline with the date glued on,
a date-only published time, an `<html lang>` the text contradicts, the site name left at the end of the title; and
since, among others: a slideshow and a script-loaded rail after the article, step headings written as styled
`<span>`s beside paragraphs, an article that is the cell of a layout table holding tables of its own).
The .json file holds what must come out: any of title, byline, language, image_url, published (ISO 8601),
published_is_date, and text snippets the body must contain (`body_contains`) and must not (`body_excludes`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsdesk.reader.extract import extract_article

GOLDEN = Path(__file__).resolve().with_name("golden")
CASES = sorted(path.stem for path in GOLDEN.glob("*.html"))
FIELDS = ("title", "byline", "language", "image_url", "published_is_date")


def test_every_case_has_its_expectations():
    assert len(CASES) >= 11
    assert sorted(path.stem for path in GOLDEN.glob("*.json")) == CASES


@pytest.mark.parametrize("case", CASES)
def test_golden_extraction(case):
    expected = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    article = extract_article((GOLDEN / f"{case}.html").read_bytes(), url=expected["url"])
    for name in FIELDS:
        if name in expected:
            assert getattr(article, name) == expected[name], name
    if "published" in expected:
        assert article.published == datetime.fromisoformat(expected["published"])
    text = " ".join(article.body_text.split())
    for snippet in expected["body_contains"]:
        assert snippet in text
    for snippet in expected["body_excludes"]:
        assert snippet not in text
