"""Publishers editing what they published: the text an edit puts in place of an article's, for tests of re-ingest.

`WorldServer.article_revise` serves the edit (same URL, `updated` now); this module writes it."""

from __future__ import annotations

import random

from .lexicon import lexicon_for
from .model import Article, World
from .writing import compose_paragraphs, event_slots, join_paragraphs, pick_headline


def rewritten_for_event(world: World, article: Article, event_id: str, *, seed: int = 0) -> tuple[str, tuple[str, ...]]:
    """(headline, paragraphs) of a fresh report on another event, in the article's language and its publisher's
    country: what a newsroom that reused a page for a different story would serve at the article's URL."""
    event = world.event(event_id)
    lexicon = lexicon_for(article.language)
    slots = event_slots(event, lexicon, world.publisher(article.publisher).country)
    rng = random.Random(f"{world.seed}:{article.id}:{event_id}:{seed}")
    headline = pick_headline(rng, lexicon, slots, event.category)
    paragraphs = join_paragraphs(
        compose_paragraphs(rng, lexicon, slots, event.category, max(5, len(article.paragraphs)))
    )
    return headline, paragraphs
