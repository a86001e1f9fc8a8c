"""Every URL-bearing vector of the shared XSS corpus, in every slot where a page names URLs about itself, is
validated before use: ignored with a note when malformed, never handed on (nh3 must never see it as a base)."""

import json
from html import escape

import lxml.html
import pytest

from newsdesk.reader.extract import sanitize_html
from newsdesk.reader.extract.metadata import read_metadata
from newsdesk.reader.urls import page_url_problem
from tests.reader.extract.url_vectors import POISON, url_bearing_vectors

pytestmark = pytest.mark.shared

PAGE_URL = "https://news.example/2026/story"
BODY = '<p>Story text with <a href="more">a relative link</a> and <img src="i.png" alt="i">.</p>'


def _head(vector: str, slot: str) -> str:
    attr = escape(vector, quote=True)
    return {
        "canonical": f'<link rel="canonical" href="{attr}">',
        "og:url": f'<meta property="og:url" content="{attr}">',
        "base": f'<base href="{attr}"><link rel="canonical" href="story">',
        "og:image": f'<meta property="og:image" content="{attr}">',
        "json-ld url": '<script type="application/ld+json">{}</script>'.format(
            json.dumps({"@type": "NewsArticle", "url": vector, "image": vector}).replace("</", "<\\/")
        ),
    }[slot]


def test_the_corpus_has_url_bearing_vectors_and_the_poison_pill():
    vectors = url_bearing_vectors()
    assert len(vectors) > 1000
    assert vectors[0] == POISON


@pytest.mark.parametrize("slot", ["canonical", "og:url", "base", "og:image", "json-ld url"])
def test_every_url_bearing_vector_in_a_page_url_slot_is_used_only_when_valid(slot):
    ignored = 0
    for vector in url_bearing_vectors():
        document = lxml.html.document_fromstring(f"<html><head>{_head(vector, slot)}</head><body></body></html>")
        meta = read_metadata(document, url=PAGE_URL, headers={})
        for used in (meta.canonical_url, meta.image_url):
            assert used == "" or page_url_problem(used) == "", (slot, vector)
        if meta.notes:
            ignored += 1
            assert all("\n" not in note and len(note) < 400 for note in meta.notes), meta.notes
        if not (meta.canonical_url or meta.image_url):
            # Nothing was used: either nothing was there to use, or it was refused with a note.
            assert meta.notes or not vector.strip() or slot == "base", (slot, vector)
    assert ignored > 500, slot  # most vectors are not URLs at all, and each of those was noted


def test_no_url_bearing_vector_as_the_base_url_makes_the_sanitizer_raise():
    for vector in url_bearing_vectors():
        cleaned = sanitize_html(BODY, base_url=vector)
        assert "Story text" in cleaned, vector
        assert "<script" not in cleaned, vector
        assert "javascript:" not in cleaned.lower(), vector
