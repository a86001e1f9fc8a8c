"""Extraction on the simulated publishers' article pages (newsdesk_world): the body holds every article
paragraph and none of the page furniture; metadata matches what the world generated."""

from __future__ import annotations

import pytest

from newsdesk.reader.extract import extract_article
from newsdesk_world import generate_world
from newsdesk_world.lexicon import lexicon_for
from newsdesk_world.render.site import PublisherSite

ARTICLES_PER_PUBLISHER = 3
FURNITURE_KEYS = (
    "cookie_text",
    "newsletter_text",
    "newsletter_title",
    "most_read",
    "related",
    "share",
    "rights",
    "comment_prompt",
)


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pages():
    generated = generate_world(seed=7)
    rows = []
    for publisher in generated.publishers:
        site = PublisherSite(generated, publisher.slug, f"http://{publisher.slug}.test")
        furniture = [lexicon_for(publisher.language).ui[key] for key in FURNITURE_KEYS]
        furniture += list(lexicon_for(publisher.language).ads)
        own = [a for a in generated.articles if a.publisher == publisher.slug]
        wire_copies = [a for a in own if a.wire_credit][:2]  # datelines, tails and agency bylines
        for article in own[:ARTICLES_PER_PUBLISHER] + [a for a in wire_copies if a not in own[:ARTICLES_PER_PUBLISHER]]:
            resource = site.resolve(article.path)
            headers = dict(resource.headers) | {"Content-Type": resource.content_type}
            extracted = extract_article(
                resource.body, url=f"http://{publisher.slug}.test{article.path}", headers=headers
            )
            rows.append((publisher, article, extracted, furniture))
    return rows


def test_body_has_every_paragraph_and_no_furniture(pages):
    assert len(pages) >= 30
    assert any(extracted.wire_credit for _, _, extracted, _ in pages)
    for publisher, article, extracted, furniture in pages:
        body = normalised(extracted.body_text)
        for paragraph in article.paragraphs:
            assert normalised(paragraph) in body, (publisher.slug, publisher.style.layout, paragraph[:60])
        for text in [*furniture, *(comment.text for comment in article.comments)]:
            assert normalised(text) not in body, (publisher.slug, publisher.style.layout, text[:60])


def test_metadata_matches_the_generated_article(pages):
    for publisher, article, extracted, _ in pages:
        where = (publisher.slug, publisher.style.layout, article.path)
        assert normalised(extracted.title) == normalised(article.headline), where
        assert extracted.byline == article.byline, where
        assert extracted.published == article.published, where
        assert extracted.updated == article.updated, where
        assert extracted.language == article.language, where
        assert extracted.wire_credit == article.wire_credit, where
        assert extracted.noarchive is publisher.noarchive, where
