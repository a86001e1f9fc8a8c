"""What a takedown notice covers: its targets' identity keys, the publisher whose material it names, the stored
articles it reaches (any URL variant, everything under a prefix, and the same text or syndication group at the
same publisher), the tombstones that keep them out, and the stored image renditions to delete with them."""

import ipaddress
import re
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.db.models import Q

from newsdesk.articles.models import Article, ArticleAddress
from newsdesk.reader.urls import url_identity_key, url_prefix_keys
from newsdesk.rights.models import TakedownRequest, Tombstone
from newsdesk.sources.models import Publisher

BAD_URL = "Not a web address we can act on: {url}"


class TakedownInvalid(ValueError):
    """The notice or the step is not acceptable; str(exc) is the message for the person who asked."""


# One label of a host name (IDNA-encoded; "_" too, which some real subdomains carry).
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)\Z")


def _has_host_name(url: str) -> bool:
    """Whether `url` names a host that could exist: an IP address, or dot-separated labels of letters, digits and
    hyphens (a typed "not a url" became "https://not a url", which the identity key takes as it is), with no port
    or a port number (`javascript:alert(1)`, read as https://javascript:alert(1), has neither a host nor a port)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (read for its check: a port that is not a number from 0 to 65535 is a ValueError)
    except ValueError:  # an unclosed "[" of an IPv6 address too
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(ascii_host) and all(_HOST_LABEL.match(label) for label in ascii_host.removesuffix(".").split("."))


def target_keys(urls: list[str], prefix: str) -> list[str]:
    problems = [u for u in [*urls, prefix] if u and not (_has_host_name(u) and url_identity_key(u))]
    if problems:
        raise TakedownInvalid(BAD_URL.format(url=problems[0][:200]))
    return [url_identity_key(u) for u in urls] + ([url_identity_key(prefix)] if prefix else [])


def publisher_for(urls: list[str], prefix: str) -> Publisher | None:
    """The publisher whose material the notice names: that of a stored article at one of the URLs, else the one
    whose homepage is on the same host (variants aside)."""
    targets = [*urls, prefix] if prefix else urls
    hosts = {url_identity_key(u).split("/", 1)[0].split("?", 1)[0] for u in targets}
    for article in _candidates(hosts).select_related("publisher")[:500]:
        if _covers(article, keys=set(target_keys(urls, "")), prefix_key=url_identity_key(prefix) if prefix else ""):
            return article.publisher
    for publisher in Publisher.objects.all().only("id", "homepage", "contact_domain"):
        key = url_identity_key(publisher.homepage)
        if key and key.split("/", 1)[0] in hosts:
            return publisher
    return None


def _candidates(hosts: set[str]):
    hosts = {h for h in hosts if h}
    if not hosts:
        return Article.objects.none()
    return Article.objects.filter(
        reduce(or_, [Q(canonical_url__icontains=h) | Q(original_url__icontains=h) for h in hosts])
    )


def _covers(article: Article, *, keys: set[str], prefix_key: str) -> bool:
    return any(
        _url_covered(url, keys=keys, prefix_key=prefix_key) for url in (article.canonical_url, article.original_url)
    )


def _url_covered(url: str, *, keys: set[str], prefix_key: str) -> bool:
    return url_identity_key(url) in keys or bool(prefix_key and prefix_key in url_prefix_keys(url))


def _moved_away_from(hosts: set[str], *, keys: set[str], prefix_key: str) -> set[int]:
    """Ids of the articles that moved away from an address the notice names (their ArticleAddress rows): a notice
    that names where an article was still names that article."""
    hosts = {h for h in hosts if h}
    if not hosts:
        return set()
    addresses = ArticleAddress.objects.filter(reduce(or_, [Q(url__icontains=h) for h in hosts]))
    return {
        article_id
        for url, article_id in addresses.values_list("url", "article_id")
        if _url_covered(url, keys=keys, prefix_key=prefix_key)
    }


def articles_covered(request: TakedownRequest) -> list[Article]:
    """The stored articles the notice names (any URL variant, or under the prefix), plus their wire copies at
    the same publisher: the same text, or the same syndication group (stories' signatures)."""
    keys = {url_identity_key(u) for u in request.urls}
    prefix_key = url_identity_key(request.prefix) if request.prefix else ""
    hosts = {k.split("/", 1)[0].split("?", 1)[0] for k in [*keys, prefix_key] if k}
    fields = ("id", "canonical_url", "original_url", "publisher_id", "content_hash", "title")
    named = [a for a in _candidates(hosts).only(*fields) if _covers(a, keys=keys, prefix_key=prefix_key)]
    moved = _moved_away_from(hosts, keys=keys, prefix_key=prefix_key) - {a.pk for a in named}
    named += list(Article.objects.filter(pk__in=moved).only(*fields))
    if not named:
        return []
    same_text = reduce(
        or_, [Q(publisher_id=a.publisher_id, content_hash=a.content_hash) for a in named if a.content_hash], Q(pk=0)
    )
    groups = set(
        Article.objects.filter(pk__in=[a.pk for a in named], signature__group__isnull=False).values_list(
            "signature__group", flat=True
        )
    )
    publishers = {a.publisher_id for a in named}
    same_group = Q(signature__group__in=groups, publisher_id__in=publishers) if groups else Q(pk=0)
    copies = Article.objects.filter(same_text | same_group).exclude(pk__in=[a.pk for a in named]).only(*fields)
    return named + list(copies)


def tombstones_for(request: TakedownRequest, articles: list[Article]) -> list[Tombstone]:
    wanted: dict[tuple[str, str, int | None], str] = {}
    for url in request.urls:
        wanted[(Tombstone.Kind.URL, url_identity_key(url), None)] = url
    if request.prefix:
        wanted[(Tombstone.Kind.PREFIX, url_identity_key(request.prefix), None)] = request.prefix
    former = ArticleAddress.objects.filter(article__in=[a.pk for a in articles]).values_list("article_id", "url")
    former_urls: dict[int, list[str]] = {}
    for article_id, url in former:
        former_urls.setdefault(article_id, []).append(url)
    for article in articles:
        # Where it was before it moved too: a fetch of that address must not bring it back.
        for url in (article.canonical_url, article.original_url, *former_urls.get(article.pk, ())):
            wanted.setdefault((Tombstone.Kind.URL, url_identity_key(url), None), url)
        if article.content_hash:
            wanted.setdefault((Tombstone.Kind.TEXT, article.content_hash, article.publisher_id), article.canonical_url)
    existing = set(
        Tombstone.objects.filter(is_active=True, key__in=[key for _, key, _ in wanted]).values_list(
            "kind", "key", "publisher_id"
        )
    )
    return [
        Tombstone(kind=kind, key=key[:2000], publisher_id=publisher_id, url=url[:2000], request=request)
        for (kind, key, publisher_id), url in wanted.items()
        if key and (kind, key, publisher_id) not in existing
    ]


def image_renditions_delete(keys: set[str]) -> None:
    """Delete the stored renditions of the removed articles' lead images (served under /images/ by name, with no
    database row in between), unless an article still shown uses the same image. After the commit: files cannot
    roll back."""
    if not keys or "images" not in settings.STORAGES:
        return
    keys -= set(Article.objects.filter(image_key__in=keys).values_list("image_key", flat=True))
    if not keys:
        return
    storage = storages["images"]
    try:
        _, names = storage.listdir("")
    except FileNotFoundError:  # no image stored yet
        return
    for name in names:
        if name.split("-", 1)[0] in keys:
            storage.delete(name)
