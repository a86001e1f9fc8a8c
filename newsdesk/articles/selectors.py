"""Reads of articles and categories. Views and the API call these, never the ORM directly."""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import overload

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.utils import create_namedtuple_class

from newsdesk.articles.models import Article, Category, SearchReindexRequest
from newsdesk.articles.search import SEARCH_CANDIDATES, SearchFilter, parse_query, search_ids
from newsdesk.common.compiled import key_rows
from newsdesk.common.sitemap_rows import sitemap_page_keys, sitemap_size
from newsdesk.sources.models import Publisher
from newsdesk.sources.selectors import SHOWN_POLICIES

# Columns only search reads (derived text and stems, as long as the article): lists and feeds leave them unread.
SEARCH_ONLY_FIELDS = ("search_text", "search_stems")
# Newest first everywhere; articles without a date sort after dated ones on every database.
NEWEST_FIRST = (F("published_at").desc(nulls_last=True), F("id").desc())

MAX_ID = 2**63 - 1
# A search that leaves some matches out (article_search_keys' `hidden`: wire copies whose primary is shown) asks
# for this many times the results it shows, so a wire text carried by a few outlets does not empty the page (and
# for this many times more again while the page falls short).
SEARCH_OVERFETCH = 3


@dataclass(frozen=True)
class Section:
    """One block of the home page: a category (None for uncategorised news) and its newest articles' keys
    (article_keys: the items are cached per article, rows are loaded only for the ones no cache holds)."""

    category: Category | None
    articles: list[tuple]


def article_list() -> QuerySet[Article]:
    """Every visible article, newest first, with what attribution needs already joined. Articles of inactive
    publishers and of publishers whose display policy is "blocked" appear on no surface."""
    return article_shown(Article.objects.select_related("publisher", "category"))


def article_shown(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` without those of publishers no surface shows (inactive or blocked: sources.publisher_shown)."""
    return articles.filter(Article.SHOWN)


# What a cached rendering of an article (a feed item, an API row) depends on besides the text its row's `updated_at`
# vouches for (every save() moves it): values written with update() (fetched_at, image_key, image_bytes) and values on other rows
# (publisher, category, feed). Lists read these for their page first, without building a single model instance, and
# load whole rows only for the articles no cache holds a rendering of (newsdesk.articles.fragments). The first part is
# what a card on a page shows of an article (also a story card's lead and image articles, newsdesk.stories.selectors).
ARTICLE_CARD_FIELDS = (
    "id",
    "updated_at",
    "fetched_at",
    "image_key",
    "language",
    "noarchive",
    "robots_directives",
    "publisher_id",
    "publisher__name",
    "publisher__slug",
    "publisher__display_policy",
    "publisher__excerpt_words",
)
ARTICLE_KEY_FIELDS = (
    *ARTICLE_CARD_FIELDS,
    "image_bytes",  # an RSS or Atom item's enclosure length
    "published_at",
    "publisher__homepage",
    "publisher__country",
    "category_id",
    "category__name",
    "category__slug",
    "feed__url",
)


def article_keys(articles: QuerySet[Article]) -> list[tuple]:
    """The ARTICLE_KEY_FIELDS of each of `articles`, in order, as named tuples (`.id`, `.updated_at`, ...)."""
    return list(articles.values_list(*ARTICLE_KEY_FIELDS, named=True))


def article_keys_of(key: Hashable, build: Callable[[], QuerySet[Article]]) -> list[tuple]:
    """`article_keys(build())`, the query compiled once per `key` (newsdesk.common.compiled): `key` holds every
    argument of `build`."""
    return key_rows(("article-keys", key), lambda: build().values_list(*ARTICLE_KEY_FIELDS, named=True))


class ArticleKeyList(Sequence[tuple]):
    """A list of articles as keys (article_keys), for a Paginator: its length is one count query, a slice one key
    query compiled once per `key` and window (`key` holds every argument of `build`, the list's QuerySet). A page's
    items are then rendered from cache, rows loaded only for the ones no cache holds (newsdesk.articles.fragments)."""

    def __init__(self, key: Hashable, build: Callable[[], QuerySet[Article]]) -> None:
        self.key, self.build = key, build

    def count(self) -> int:
        return self.build().count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> tuple: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple]: ...

    def __getitem__(self, index: int | slice) -> tuple | list[tuple]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        return article_keys_of((self.key, start, stop), lambda: self.build()[start:stop])


def article_by_ids(article_ids: list[int]) -> dict[int, Article]:
    """Whole articles by id with their publisher, category and feed (whatever their visibility: the caller chose
    them), search-only columns unread."""
    found = Article.objects.select_related("publisher", "category", "feed").defer(*SEARCH_ONLY_FIELDS).order_by()
    return found.in_bulk(article_ids)


def article_get(*, article_id: int) -> Article | None:
    """One visible article by id, or None (also for ids no database column can hold)."""
    if not 0 < article_id <= MAX_ID:
        return None
    return article_list().filter(pk=article_id).first()


def article_latest(*, limit: int = 50, offset: int = 0) -> list[Article]:
    """A window of the newest visible articles."""
    return list(article_list().order_by(*NEWEST_FIRST)[offset : offset + limit])


@dataclass(frozen=True)
class ArticleFilter:
    """What a client may narrow an article list to; every field optional (empty/None = no filter)."""

    language: str = ""  # primary subtag: "fr" matches "fr" and "fr-BE"
    publisher: Publisher | None = None
    category: Category | None = None
    since: datetime | None = None  # published at or after
    until: datetime | None = None  # published before


def article_filtered(filters: ArticleFilter) -> QuerySet[Article]:
    """Visible articles matching `filters`, newest first. A date filter leaves out articles without a date."""
    articles = article_list().defer(*SEARCH_ONLY_FIELDS)
    if filters.language:
        articles = articles.filter(Q(language=filters.language) | Q(language__startswith=f"{filters.language}-"))
    if filters.publisher is not None:
        articles = articles.filter(publisher=filters.publisher)
    if filters.category is not None:
        articles = articles.filter(category=filters.category)
    if filters.since is not None:
        articles = articles.filter(published_at__gte=filters.since)
    if filters.until is not None:
        articles = articles.filter(published_at__lt=filters.until)
    return articles.order_by(*NEWEST_FIRST)


def article_after(articles: QuerySet[Article], *, published_at: datetime | None, article_id: int) -> QuerySet[Article]:
    """The part of a NEWEST_FIRST list that comes strictly after the row keyed (published_at, article_id): the
    keyset a cursor resumes from. Undated articles sort last, so after a dated key come older dated rows, its
    older-id ties and every undated row."""
    if published_at is None:
        return articles.filter(published_at__isnull=True, id__lt=article_id)
    return articles.filter(
        Q(published_at__lt=published_at)
        | Q(published_at=published_at, id__lt=article_id)
        | Q(published_at__isnull=True)
    )


def article_list_by_category(*, category: Category, language: str = "") -> QuerySet[Article]:
    """Visible articles filed under `category`, newest first; only those in `language` (a primary subtag) when
    given."""
    articles = article_list().filter(category=category).order_by(*NEWEST_FIRST)
    return articles.filter(language=language) if language else articles


def article_list_by_publisher(*, publisher: Publisher, language: str = "") -> QuerySet[Article]:
    """Visible articles of `publisher`, newest first; only those in `language` (a primary subtag) when given."""
    articles = article_list().filter(publisher=publisher).order_by(*NEWEST_FIRST)
    return articles.filter(language=language) if language else articles


def article_feed_list(
    *, category: Category | None = None, publisher: Publisher | None = None, language: str = ""
) -> QuerySet[Article]:
    """The visible articles a syndication feed draws from, newest first, optionally of one category or publisher
    and in one language (a primary subtag)."""
    articles = article_list().select_related("feed").defer(*SEARCH_ONLY_FIELDS).order_by(*NEWEST_FIRST)
    if category is not None:
        articles = articles.filter(category=category)
    if publisher is not None:
        articles = articles.filter(publisher=publisher)
    if language:
        articles = articles.filter(language=language)
    return articles


# The newest visible articles of one section, by the index on (category_id, published_at DESC): each section is one
# short index walk however many articles the site holds (a window function over every article grew with the site).
# Raw SQL, so publisher_shown is spelled out here again, with its list of shown policies as parameters (the outer
# query filters by article_list as well).
_SECTION_NEWEST = (
    "SELECT id FROM (SELECT a.id FROM articles_article a JOIN sources_publisher p ON p.id = a.publisher_id"
    " WHERE {category} AND p.is_active AND p.display_policy IN ({shown})"
    " ORDER BY a.published_at DESC NULLS LAST, a.id DESC LIMIT %s) AS section_{n}"
)


def _sections_sql(category_ids: list[int], per_section: int) -> tuple[str, list]:
    """One statement: the ids of each category's newest `per_section` visible articles, then the uncategorised'."""
    shown = [str(policy) for policy in SHOWN_POLICIES]
    marks = ", ".join(["%s"] * len(shown))
    parts = [_SECTION_NEWEST.format(category="a.category_id = %s", shown=marks, n=n) for n in range(len(category_ids))]
    parts.append(_SECTION_NEWEST.format(category="a.category_id IS NULL", shown=marks, n=len(category_ids)))
    params: list = [value for pk in category_ids for value in (pk, *shown, per_section)]
    return " UNION ALL ".join(parts), [*params, *shown, per_section]


# A section that leaves articles out (article_sections' `hidden` and `one_per`) reads this many times `per_section`
# newest articles, so that one busy story (six reports in a row) still leaves room for the section's other stories.
SECTION_OVERFETCH = 4


def article_sections(
    *, per_section: int = 6, categories: list[Category] | None = None, hidden: str = "", one_per: str = ""
) -> list[Section]:
    """Home page blocks: each category with articles, then uncategorised news, newest section first.

    Each category's newest `per_section` articles (so a busy section cannot crowd the others off the page), their
    keys read in one query. `categories`: category_list() when the caller has read it already (the navigation).
    `hidden`: a boolean lookup on the article (a higher layer's flag, "signature__is_repeat") read in the same
    query; the articles it holds true for are left out of their section. `one_per`: a lookup whose value groups
    articles (a higher layer's "story_membership__story_id"); a section keeps only the newest article of each
    group (an article whose value is None is a group of its own). Either reads SECTION_OVERFETCH times as many
    articles; what is left out is left out after the sections are ordered, so a section may show fewer than
    `per_section` and an emptied section none.
    """
    categories = {category.pk: category for category in (category_list() if categories is None else categories)}
    extra = tuple(lookup for lookup in (hidden, one_per) if lookup)
    fields = (*ARTICLE_KEY_FIELDS, *extra)
    fetched = per_section * SECTION_OVERFETCH if extra else per_section

    def build() -> QuerySet:
        sql, params = _sections_sql(list(categories), fetched)
        # The SQL is ours alone (placeholders and literals); every value is a parameter.
        newest = article_list().filter(pk__in=RawSQL(sql, params))  # noqa: S611
        return newest.order_by(*NEWEST_FIRST).values_list(*fields, named=True)

    by_category: dict[int | None, list[tuple]] = {}
    for row in key_rows(("article-sections", tuple(categories), per_section, hidden, one_per), build):
        by_category.setdefault(row.category_id, []).append(row)
    uncategorised = by_category.pop(None, [])
    sections = [Section(category=categories[pk], articles=articles) for pk, articles in by_category.items()]
    sections.sort(key=lambda s: _newest_key(s.articles[0]), reverse=True)
    if uncategorised:
        sections.append(Section(category=None, articles=uncategorised))
    if not extra:
        return sections
    # Rows carry the extra lookups last: the sections get keys of ARTICLE_KEY_FIELDS alone, as article_keys gives.
    key = create_namedtuple_class(*ARTICLE_KEY_FIELDS)
    width = len(ARTICLE_KEY_FIELDS)
    return [
        Section(
            category=s.category,
            articles=[key._make(row[:width]) for row in _kept(s.articles, hidden, one_per)][:per_section],
        )
        for s in sections
    ]


def _kept(rows: list[tuple], hidden: str, one_per: str) -> list[tuple]:
    """`rows` (newest first, the `hidden` flag then the `one_per` value after the keys) without the hidden ones and
    without any but the first of each `one_per` group."""
    groups: set = set()
    kept = []
    for row in rows:
        if hidden and row[len(ARTICLE_KEY_FIELDS)]:
            continue
        if one_per:
            group = row[-1]
            if group is not None and group in groups:
                continue
            groups.add(group)
        kept.append(row)
    return kept


def _newest_key(article: tuple) -> tuple[bool, float, int]:
    stamp = article.published_at
    return (stamp is not None, stamp.timestamp() if stamp else 0.0, article.id)


def article_sitemap_keys(*, offset: int, limit: int) -> list[tuple]:
    """The lightest rows a sitemap page needs: (id, updated_at) of visible articles `offset`..`offset + limit` by
    id, oldest first (new articles go on the last page, so the others keep their URLs)."""
    return sitemap_page_keys("sitemap", lambda: article_shown(Article.objects.all()), offset=offset, limit=limit)


def article_sitemap_size() -> tuple[int, datetime | None]:
    """(how many, latest updated_at) of the visible articles: a sitemap index's page count and lastmod."""
    return sitemap_size(article_shown(Article.objects.all()))


def category_list() -> QuerySet[Category]:
    """All categories, by name."""
    return Category.objects.all()


def category_nav() -> list[tuple[int, str, str]]:
    """(id, name, slug) of every category, by name, as category_list() orders them: the section navigation every
    page shows, read without building the query or a model instance each time."""
    return key_rows("category-nav", lambda: category_list().values_list("id", "name", "slug", named=True))


def category_get(*, slug: str) -> Category | None:
    """One category by slug, or None."""
    return Category.objects.filter(slug=slug).first()


def article_search(
    query: str, *, limit: int = 50, language: str = "", search: SearchFilter | None = None
) -> list[Article]:
    """Articles matching `query` (any syntax; never raises on odd input), best match first (or newest first with
    `search.order == "date"`); only those in `language` (a primary subtag) when it is given, the query then
    stemmed in that language alone; `search` narrows further (publisher, published-at window)."""
    ids = _search_ids(query, limit=limit, language=language, search=search)
    by_id = _search_shown(article_list()).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def article_search_keys(
    query: str,
    *,
    limit: int = 50,
    offset: int = 0,
    language: str = "",
    search: SearchFilter | None = None,
    hidden: Q | None = None,
) -> list[tuple]:
    """article_search's answer as keys (article_keys), in the same order, from the `offset`-th shown match on: a
    results page renders its items from cache and loads rows only for the ones no cache holds. `hidden`: a
    condition on the article (a higher layer's, such as stories' SHOWN_REPEAT); the articles it holds true for are
    left out, so more matches are searched for (SEARCH_OVERFETCH times what the page needs, more while the shown
    ones fall short and the search has more). The ranking is deterministic (ties newest first), so the pages of
    one query follow each other without repeats or gaps."""
    wanted = offset + limit
    fetch = wanted * SEARCH_OVERFETCH if hidden else wanted
    while True:
        ids = _search_ids(query, limit=fetch, language=language, search=search)
        if not ids:
            return []
        found = _search_shown(article_list().filter(pk__in=ids))
        if hidden:
            found = found.exclude(hidden)
        by_id = {key.id: key for key in article_keys(found)}
        shown = [by_id[i] for i in ids if i in by_id]
        # The search has no more matches (it returned fewer than asked), or enough of them are shown.
        if len(shown) >= wanted or len(ids) < fetch or fetch >= SEARCH_CANDIDATES:
            return shown[offset:wanted]
        fetch = min(fetch * SEARCH_OVERFETCH, SEARCH_CANDIDATES)


def _search_shown(found: QuerySet[Article]) -> QuerySet[Article]:
    """`found` without the articles of publishers whose index still holds text their policy no longer shows (a
    tightening whose reindex a worker has not carried out yet: articles.reindex)."""
    pending = SearchReindexRequest.objects.filter(hides_more=True).values("publisher_id")
    return found.exclude(publisher_id__in=pending)


def _search_ids(query: str, *, limit: int, language: str, search: SearchFilter | None) -> list[int]:
    clauses = parse_query(query)
    if not clauses:
        return []
    search = search or SearchFilter()
    if language:
        search = replace(search, language=language)
    return search_ids(connection, clauses, search, limit=limit)
