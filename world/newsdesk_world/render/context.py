"""What every renderer needs to know about the site it renders: the world, the publisher and its origin."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..lexicon import Lexicon, lexicon_for
from ..model import FEED_PATHS, Article, Publisher, World


@dataclass(frozen=True)
class SiteContext:
    world: World
    publisher: Publisher
    base_url: str  # "http://127.0.0.1:8101", no trailing slash

    @cached_property
    def lexicon(self) -> Lexicon:
        return lexicon_for(self.publisher.language)

    @cached_property
    def articles(self) -> list[Article]:
        """The publisher's articles, newest first."""
        return self.world.articles_of(self.publisher.slug)

    @cached_property
    def article_by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.articles}

    @property
    def prefix(self) -> str:
        return self.publisher.style.css_prefix

    def url(self, path: str) -> str:
        return self.base_url + path

    def feed_href(self, kind: str) -> str:
        """Discovery links: some sites write them absolute, some relative."""
        path = FEED_PATHS[kind]
        return self.url(path) if self.publisher.style.absolute_alternates else path

    def section_path(self, category: str) -> str:
        return f"/{self.lexicon.section_slugs[category]}/"

    def related(self, article: Article, count: int = 4) -> list[Article]:
        """Other stories of the same section first, then the latest ones."""
        others = [a for a in self.articles if a.id != article.id]
        same = [a for a in others if a.category == article.category]
        rest = [a for a in others if a.category != article.category]
        return (same + rest)[:count]
