"""The search index follows a publisher's display policy: a change of policy asks for a reindex
(search_reindex_request, in the changing request's transaction) and a worker's periodic job carries it out
(search_reindex_due), so no admin request rewrites tens of thousands of articles itself."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsdesk.articles.models import Article, SearchReindexRequest
from newsdesk.articles.policy import display_rule, policy_shows_less, searchable_text
from newsdesk.articles.search import article_stems
from newsdesk.common.content_version import content_version_bump
from newsdesk.sources.models import Publisher

# Articles reindexed per read and per bulk update.
REINDEX_BATCH = 500
# Publishers whose pending search reindex one run of the worker's job carries out.
SEARCH_REINDEX_PER_RUN = 20


def search_reindex_request(*, publisher_id: int, hides_more: bool) -> None:
    """Ask a worker to derive the search text of the publisher's articles again (search_reindex_due). Two queries
    whoever asks at once: the row is made once, then moved on; a pending request that hides more stays so."""
    now = timezone.now()
    SearchReindexRequest.objects.bulk_create(
        [SearchReindexRequest(publisher_id=publisher_id, requested_at=now, generation=0, hides_more=hides_more)],
        ignore_conflicts=True,
    )
    moved = {"requested_at": now, "generation": F("generation") + 1}
    if hides_more:
        moved["hides_more"] = True
    SearchReindexRequest.objects.filter(publisher_id=publisher_id).update(**moved)


def search_reindex_due(*, limit: int = SEARCH_REINDEX_PER_RUN) -> int:
    """Carry out the pending search reindex requests (at most `limit`, oldest first): each publisher's articles get
    the search text its policy allows now. A request that came while its reindex ran stays for the next run, as
    does one whose publisher's policy changed meanwhile (a reindex of another worker may have run under the newer
    policy first and been overwritten). Returns the articles whose index changed; bumps the content version when
    any request was carried out, so cached search pages follow."""
    changed, done = 0, 0
    for request in SearchReindexRequest.objects.select_related("publisher").order_by("requested_at")[:limit]:
        publisher = request.publisher
        used = (publisher.display_policy, publisher.excerpt_words)
        with transaction.atomic():
            changed += _publisher_search_reindex(publisher=publisher)
        with transaction.atomic():
            current = Publisher.objects.filter(pk=publisher.pk).values_list("display_policy", "excerpt_words").first()
            if current is not None and current != used:
                hides_more = policy_shows_less(before=used, after=current)
                search_reindex_request(publisher_id=publisher.pk, hides_more=hides_more)
            else:
                SearchReindexRequest.objects.filter(pk=publisher.pk, generation=request.generation).delete()
        done += 1
    if done:
        content_version_bump()
    return changed


def _publisher_search_reindex(*, publisher: Publisher) -> int:
    """Recompute what search may see under the publisher's current policy. Returns rows changed. The rows are
    read with the columns the rule needs alone and written REINDEX_BATCH at a time: a publisher may hold tens of
    thousands of articles."""
    columns = ("noarchive", "robots_directives", "summary", "body_text", "search_text", "title", "language")
    changed: list[Article] = []
    count = 0
    for article in Article.objects.filter(publisher=publisher).only(*columns).iterator(chunk_size=REINDEX_BATCH):
        rule = display_rule(
            publisher_policy=publisher.display_policy,
            excerpt_words=publisher.excerpt_words,
            noarchive=article.noarchive,
            directives=article.robots_directives,
        )
        text = searchable_text(rule=rule, summary=article.summary, body_text=article.body_text)
        if text != article.search_text:
            article.search_text = text
            article.search_stems = article_stems(title=article.title, search_text=text, language=article.language)
            changed.append(article)
        if len(changed) == REINDEX_BATCH:
            count += _search_texts_write(changed)
    return count + _search_texts_write(changed)


def _search_texts_write(articles: list[Article]) -> int:
    """Write the articles' new search text and stems (and empty the list); how many."""
    Article.objects.bulk_update(articles, ["search_text", "search_stems"])
    written = len(articles)
    articles.clear()
    return written
