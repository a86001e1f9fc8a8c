"""One feed's entries: pick those that need work (newest first, within the refresh's caps), then fetch, extract
and store each one on its own, so nothing one entry does (a hostile page, a bug it triggers) ends the refresh.

A failed entry is recorded (fetch log line + EntryFailure row) and retried with backoff by later refreshes, then
given up; an entry whose link is malformed or not public is skipped with a note and never fetched or published.
A stored article is fetched again when its entry says it was updated since, or reads otherwise than when we fetched
it (a publisher's edit, see _edited_since).
"""

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils import timezone

from newsdesk.articles.models import Article, ArticleAddress
from newsdesk.articles.services import article_upsert
from newsdesk.common.database import database_unavailable
from newsdesk.ingest.context import HostBusy, IngestContext
from newsdesk.ingest.entries import (
    PageBudget,
    entry_failure_clear,
    entry_failure_record,
    entry_failures_get,
    entry_taken_down_record,
)
from newsdesk.ingest.page_claims import page_claim, page_release
from newsdesk.ingest.report import RefreshReport, one_line
from newsdesk.reader.extract import ExtractionError, ExtractOptions
from newsdesk.reader.fetcher import FetchError
from newsdesk.reader.types import ExtractedArticle, FetchResult, ParsedEntry
from newsdesk.reader.urls import canonicalize_url, is_publishable_url, page_url_problem, same_site
from newsdesk.rights.selectors import text_is_tombstoned, tombstoned_urls
from newsdesk.sources.models import Feed

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
LINK_NOT_PUBLIC = "entry link is not a public address"
_LOOKUP_CHUNK = 200  # entries checked against the database per query
# A stored article whose entry says it was updated since is fetched again, but not sooner than this after the last
# fetch (publishers fix typos in bursts; a feed may also stamp every entry with its build time).
REFETCH_AFTER = timedelta(minutes=10)


class PageFailed(Exception):
    """This entry's page could not be had this time (the message is the fetch log's reason)."""


def _is_html(result: FetchResult) -> bool:
    content_type = result.content_type.split(";")[0].strip().lower()
    return not content_type or content_type in HTML_TYPES


def _canonical_for(entry_url: str, extracted: ExtractedArticle | None, final_url: str) -> str:
    """The page's own canonical URL when it stays on the same site (a page may not claim another site's URL)."""
    claimed = extracted.canonical_url if extracted else ""
    if claimed and same_site(claimed, final_url or entry_url):
        return canonicalize_url(claimed)
    return canonicalize_url(final_url or entry_url)


def _is_site_root(link: str) -> bool:
    """A link to a homepage is not an article (truncated or careless feeds produce them)."""
    parts = urlsplit(link)
    return parts.path in ("", "/") and not parts.query


def _usable_links(
    entries: list[ParsedEntry], context: IngestContext, report: RefreshReport
) -> list[tuple[ParsedEntry, str]]:
    """(entry, canonical URL) of entries with an article link we may fetch; the others get a note."""
    usable = []
    for entry in entries:
        link = entry.link
        if not link or _is_site_root(link):
            continue
        if problem := page_url_problem(link):
            report.note(f"entry skipped: link ignored: {problem}: {link[:120]!r}")
        elif not is_publishable_url(link, allow_loopback=context.options.allow_loopback):
            report.note(f"entry skipped: {LINK_NOT_PUBLIC}: {link[:120]}")
        else:
            usable.append((entry, canonicalize_url(link)))
    return _without_tombstoned(usable, report)


def _without_tombstoned(
    candidates: list[tuple[ParsedEntry, str]], report: RefreshReport
) -> list[tuple[ParsedEntry, str]]:
    """Leave out entries a takedown's tombstone covers (any variant of the link): one query per chunk. They are
    counted, not noted one by one: they come back in the feed every refresh."""
    taken = tombstoned_urls([url for entry, canonical in candidates for url in (entry.link, canonical)])
    if not taken:
        return candidates
    kept = [(entry, canonical) for entry, canonical in candidates if not {entry.link, canonical} & taken]
    report.entries_taken_down += len(candidates) - len(kept)
    return kept


def _needing_work(
    candidates: list[tuple[ParsedEntry, str]], report: RefreshReport, feed: Feed
) -> list[tuple[ParsedEntry, str, bool, bool]]:
    """Leave out what is stored (unless its entry says it was edited since), given up, or still in its retry backoff
    (one query each per chunk); the rest as (entry, canonical URL, whether it failed before, whether it is stored)."""
    canonicals = [canonical for _, canonical in candidates]
    links = [entry.link for entry, _ in candidates]
    rows = Article.objects.filter(Q(canonical_url__in=canonicals) | Q(original_url__in=links))
    now = timezone.now()
    stored, unplaced = {}, {}
    for pk, canonical_url, original_url, fetched_at, feed_id, entry_hash, membership, leased_until in rows.values_list(
        "pk",
        "canonical_url",
        "original_url",
        "fetched_at",
        "feed_id",
        "feed_entry_hash",
        "story_membership",
        "feed__lease_expires_at",
    ):
        for url in (canonical_url, original_url):
            stored[url] = (fetched_at, entry_hash if feed_id == feed.pk else "")
            # In no story, and the refresh that stored it is over: it is this feed's (whose lease we hold now), or
            # its feed is leased by nobody. While another worker refreshes that feed, it places the article itself.
            if membership is None and (feed_id == feed.pk or leased_until is None or leased_until <= now):
                unplaced[url] = pk
    # Addresses stored articles had before they moved: such an entry is the stored article, fetched once already.
    former = ArticleAddress.objects.filter(url__in=canonicals + links)
    for url, fetched_at in former.values_list("url", "article__fetched_at"):
        stored.setdefault(url, (fetched_at, ""))
    failures = entry_failures_get(urls=canonicals)
    todo = []
    for entry, canonical in candidates:
        fetched_at, entry_hash = stored.get(canonical) or stored.get(entry.link) or (None, "")
        if fetched_at is not None:
            if not _edited_since(entry, fetched_at, entry_hash=entry_hash):
                # Stored, but in no story when the refresh that stored it was cut short: this one places it.
                if (pk := unplaced.get(canonical) or unplaced.get(entry.link)) is not None:
                    report.unplaced_article_ids.append(pk)
                continue
            if now - fetched_at < REFETCH_AFTER:
                report.edits_waiting += 1  # the feed is read again next time (no 304), and the page fetched then
                continue
        failure = failures.get(canonical)
        if failure is not None and failure.given_up:
            continue  # reported once, when it was given up
        if failure is not None and failure.next_try_at > now:
            report.entries_waiting += 1
            continue
        todo.append((entry, canonical, failure is not None, fetched_at is not None))
    return todo


def _edited_since(entry: ParsedEntry, fetched_at: datetime, *, entry_hash: str = "") -> bool:
    """Whether a stored article's feed entry says it was edited after we fetched it: its `updated` date is later
    (Atom, JSON Feed), or the item reads otherwise than when we fetched the page (`entry_hash`, the item's stored
    fingerprint in the article's own feed; RSS items carry no such date). Its page is then fetched again (and the
    article updated in place when its text or title changed), but not sooner than REFETCH_AFTER after the last
    fetch, so a feed that stamps every entry "updated now", or words an item anew each time, costs one fetch per
    article per period."""
    dated = entry.updated is not None and entry.updated > fetched_at
    return dated or bool(entry_hash and entry_hash != entry.fingerprint)


def entries_ingest(
    *,
    feed: Feed,
    entries: list[ParsedEntry],
    context: IngestContext,
    report: RefreshReport,
    owner: str,
    lease_s: int,
) -> None:
    """Handle up to the context's entry cap of `entries` (newest first) that need work; defer the rest."""
    limits = context.limits
    budget = PageBudget(limits)
    handled = 0
    for start in range(0, len(entries), _LOOKUP_CHUNK):
        chunk = entries[start : start + _LOOKUP_CHUNK]
        todo = _needing_work(_usable_links(chunk, context, report), report, feed)
        for position, (entry, canonical, failed_before, refetch) in enumerate(todo):
            if handled >= limits.max_entries:
                # The rest of this chunk needs work; the later chunks were not even looked at (some of those
                # may be stored already, so the count is an upper bound).
                report.entries_deferred += len(todo) - position + len(entries) - start - len(chunk)
                return
            handled += 1
            _entry_ingest(
                feed=feed,
                entry=entry,
                canonical=canonical,
                failed_before=failed_before,
                refetch=refetch,
                context=context,
                report=report,
                budget=budget,
                owner=owner,
                lease_s=lease_s,
            )


def _entry_ingest(
    *,
    feed: Feed,
    entry: ParsedEntry,
    canonical: str,
    failed_before: bool,
    refetch: bool,
    context: IngestContext,
    report: RefreshReport,
    budget: PageBudget,
    owner: str,
    lease_s: int,
) -> None:
    """Claim one entry's URL, fetch (if robots allow) and extract its page, store it. Whatever goes wrong is
    recorded against the entry, and the refresh goes on."""
    link = entry.link
    if not budget.allows(link):
        report.entries_deferred += 1
        return
    if not page_claim(url=canonical, owner=owner, lease_s=lease_s):
        report.pages_skipped_claimed += 1  # another worker is on this very page right now
        return
    try:
        _entry_store(feed=feed, entry=entry, context=context, report=report, budget=budget, refetch=refetch)
    except HostBusy:
        report.entries_deferred += 1  # the host asked everyone to wait: not the entry's fault
    except Exception as exc:  # anything one entry triggers stays with that entry
        if database_unavailable(exc):
            raise  # not the entry's fault; and recording it would fail too
        reason = str(exc) if isinstance(exc, PageFailed) else one_line(exc)
        if not isinstance(exc, PageFailed):
            log.warning("entry failed", extra={"feed_id": feed.pk, "url": link, "error": reason})
            log.debug("entry failed", exc_info=True)
        _entry_failed(feed=feed, link=link, canonical=canonical, reason=reason, report=report)
    else:
        if failed_before:
            entry_failure_clear(url=canonical)
    finally:
        page_release(url=canonical, owner=owner)


def _entry_failed(*, feed: Feed, link: str, canonical: str, reason: str, report: RefreshReport) -> None:
    failure = entry_failure_record(feed=feed, url=canonical, reason=reason)
    if failure.given_up:
        report.page_failed(f"{link}: {reason} (given up after {failure.tries} tries)")
        return
    report.page_failed(f"{link}: {reason} (try {failure.tries}, retried later)")
    report.entries_to_retry += 1
    if report.next_retry_at is None or failure.next_try_at < report.next_retry_at:
        report.next_retry_at = failure.next_try_at


def _entry_taken_down(*, feed: Feed, link: str, report: RefreshReport) -> None:
    """A page refused after its fetch (its canonical URL or its text was taken down) is given up at once, so the
    feed that keeps listing it does not make us fetch it again every refresh."""
    report.entries_taken_down += 1
    entry_taken_down_record(feed=feed, url=canonicalize_url(link))


def _entry_store(
    *,
    feed: Feed,
    entry: ParsedEntry,
    context: IngestContext,
    report: RefreshReport,
    budget: PageBudget,
    refetch: bool = False,
) -> None:
    link = entry.link
    extracted: ExtractedArticle | None = None
    final_url = link
    robots_allowed = context.robots_allowed(link)
    if robots_allowed:
        budget.spend(link)
        try:
            page = context.fetch(link)
        except HostBusy:
            raise
        except FetchError as exc:
            raise PageFailed(exc.describe()) from None
        if page.status != 200:
            raise PageFailed(f"HTTP {page.status}")
        final_url = page.final_url
        if _is_html(page):
            options = ExtractOptions(allow_loopback=context.options.allow_loopback)
            try:
                extracted = context.extract(page.body, url=page.final_url, headers=page.headers, options=options)
            except ExtractionError as exc:
                # The feed's own content stands in (stored, so not an error); the log says the page was unreadable.
                report.note(f"{link}: extraction failed, feed content used: {exc}")
            else:
                for note in extracted.notes:
                    report.note(f"{link}: {note}")
    canonical_url = _canonical_for(link, extracted, final_url)
    if tombstoned_urls({canonical_url, final_url} - {link, canonicalize_url(link)}):
        # The page names (or redirected to) a URL that was taken down: never fetched again.
        _entry_taken_down(feed=feed, link=link, report=report)
        return
    result = article_upsert(
        publisher=feed.publisher,
        feed=feed,
        entry=entry,
        extracted=extracted,
        original_url=link,
        canonical_url=canonical_url,
        fetched_at=timezone.now(),
        allow_loopback=context.options.allow_loopback,
        robots_disallowed=not robots_allowed,
        # The same text at this publisher under yet another URL (a wire copy of removed material).
        refuse=lambda content_hash: text_is_tombstoned(publisher=feed.publisher, content_hash=content_hash),
        refetch=refetch,
    )
    if result.refused:
        _entry_taken_down(feed=feed, link=link, report=report)
    report.items_new += int(result.created)
    report.items_updated += int(result.updated)
    if result.moved:
        report.items_moved += 1
        report.note(f"{link}: moved: article {result.article.pk} was at {result.moved_from}")
        log.info(
            "article moved",
            extra={
                "feed_id": feed.pk,
                "article_id": result.article.pk,
                "url": canonical_url,
                "from": result.moved_from,
            },
        )
    if result.article is not None and result.created:
        report.new_article_ids.append(result.article.pk)
    if result.article is not None and result.updated:
        report.updated_article_ids.append(result.article.pk)
