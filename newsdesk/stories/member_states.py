"""A story's clustering state rebuilt from the members it has now, their features derived again from their stored
text: what a closing story is refined with when its stored state is out of step (stories.closing), and what a story
that lost members (a takedown, a deletion) keeps, so a removed text no longer steers which articles join it."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.articles.models import Article
from newsdesk.reader.cluster import ArticleFeatures, ClusterOptions, StoryState, clustering_features
from newsdesk.reader.cluster.embedding import Embedder
from newsdesk.reader.cluster.refine import Member
from newsdesk.stories.embedding import articles_embed
from newsdesk.stories.syndication_services import article_text

# What deriving an article's Member reads of it.
MEMBER_FIELDS = ("title", "body_text", "summary", "language", "published_at", "fetched_at", "canonical_url")


def story_members(story_id: int, options: ClusterOptions, embedder: Embedder | None) -> list[Member]:
    """The story's members as the clusterer compares them, features derived again from their stored text."""
    return articles_members(
        Article.objects.filter(story_membership__story_id=story_id).only(*MEMBER_FIELDS), options, embedder
    )


def articles_members(articles: Iterable[Article], options: ClusterOptions, embedder: Embedder | None) -> list[Member]:
    """These articles as the clusterer compares them (read with MEMBER_FIELDS), in the order they arrived."""
    # In the order they arrived (time, then id), as assignment took them: the same moves on every database.
    articles = sorted(articles, key=lambda article: (article.published_at or article.fetched_at, article.pk))
    vectors = articles_embed(articles, embedder)
    members = []
    for article in articles:
        text, vector = article_text(article), vectors.get(article.pk)
        features = article_features(article, options, vector)
        at = article.published_at or article.fetched_at
        members.append(Member(article.pk, features, not text.strip(), language=article.language, at=at, vector=vector))
    return members


def article_features(article: Article, options: ClusterOptions, vector: object | None) -> ArticleFeatures:
    """What the clusterer compares of an article (with `vector`, its embedding, when the model gave one): as
    assignment derives them, as closing and the document-frequency count derive them again."""
    return clustering_features(
        options, title=article.title, text=article_text(article), url=article.canonical_url, embedded=vector is not None
    )


def members_state(members: list[Member], options: ClusterOptions) -> StoryState:
    """The state of a story holding exactly `members`, added in their order as assignment added them."""
    state = StoryState()
    for member in members:
        state.add(member.features, language=member.language, at=member.at, options=options, vector=member.vector)
    return state
