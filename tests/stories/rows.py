"""Story and syndication rows built directly, for tests of the surfaces (the services have their own tests)."""

from collections import Counter

from newsdesk.articles.models import Article
from newsdesk.stories.models import ArticleSignature, Story, StoryMembership, SyndicationGroup


def make_story(articles: list[Article], **fields) -> Story:
    """A story of `articles` with the counts the services would compute (lead: the first article)."""
    ordered = sorted(articles, key=lambda a: a.published_at)
    languages = Counter(a.language for a in ordered)
    values = {
        "headline": ordered[0].title,
        "lead_article": ordered[0],
        "image_article": ordered[0],
        "language": ordered[0].language,
        "languages": [code for code, _ in languages.most_common()],
        "first_seen": ordered[0].published_at,
        "last_seen": ordered[-1].published_at,
        "size": len(ordered),
        "outlet_count": len({a.publisher_id for a in ordered}),
        "report_count": len(ordered),
    }
    values.update(fields)
    values.setdefault("shown_size", values["size"])  # every article's publisher shown
    story = Story.objects.create(**values)
    StoryMembership.objects.bulk_create([StoryMembership(article=a, story=story) for a in ordered])
    return story


def make_group(primary: Article, copies: list[Article]) -> SyndicationGroup:
    """A syndication group crediting `primary`, with `copies` marked as repeats."""
    group = SyndicationGroup.objects.create(
        primary=primary, reasons=["earliest"], size=1 + len(copies), wire_credit=primary.wire_credit
    )
    rows = [ArticleSignature(article=primary, signature={}, group=group, is_repeat=False)]
    rows += [ArticleSignature(article=a, signature={}, group=group, is_repeat=True) for a in copies]
    ArticleSignature.objects.bulk_create(rows)
    return group
