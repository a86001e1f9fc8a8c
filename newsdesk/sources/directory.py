"""Import a publisher directory (the JSON the simulated world serves at /world.json, or any file of that shape).

Shape: {"publishers": [{"name", "slug", "homepage", "country", "language", "display_policy_hint",
"contact_domain", "primary_feed_url", "primary_feed_kind"}], "extra_feeds": [{"publisher", "url", "kind"}]}.
"""

from dataclasses import dataclass

from django.db import transaction

from newsdesk.sources.models import Feed, Publisher
from newsdesk.sources.services import feed_subscribe, publisher_upsert

DIRECTORY_INVALID = "publisher directory is not valid: {reason}"


class DirectoryError(ValueError):
    pass


@dataclass(frozen=True)
class DirectoryImportResult:
    publishers: int
    feeds: int


def _require(mapping: dict, key: str, where: str):
    value = mapping.get(key)
    if not value:
        raise DirectoryError(DIRECTORY_INVALID.format(reason=f"{where} has no {key!r}"))
    return value


@transaction.atomic
def directory_import(*, data: dict, include_extra_feeds: bool = True) -> DirectoryImportResult:
    """Create or update every publisher and subscribe to its primary feed (and the extra feeds, if asked)."""
    if not isinstance(data, dict) or not isinstance(data.get("publishers"), list):
        raise DirectoryError(DIRECTORY_INVALID.format(reason="no 'publishers' list"))
    by_slug: dict[str, Publisher] = {}
    feeds = 0
    for index, item in enumerate(data["publishers"]):
        where = f"publisher #{index}"
        policy = item.get("display_policy_hint") or item.get("display_policy") or Publisher.DisplayPolicy.EXCERPT
        publisher = publisher_upsert(
            name=_require(item, "name", where),
            slug=item.get("slug", ""),
            homepage=_require(item, "homepage", where),
            country=item.get("country", ""),
            language=item.get("language", ""),
            display_policy=policy,
            contact_domain=item.get("contact_domain", ""),
        )
        by_slug[publisher.slug] = publisher
        primary = item.get("primary_feed") or {
            "url": item.get("primary_feed_url"),
            "kind": item.get("primary_feed_kind"),
        }
        kind = primary.get("kind") or Feed.Kind.RSS
        feed_subscribe(publisher=publisher, url=_require(primary, "url", where), kind=kind)
        feeds += 1
    if include_extra_feeds:
        for index, extra in enumerate(data.get("extra_feeds") or []):
            slug = extra.get("publisher") or extra.get("publisher_slug")
            if slug not in by_slug:
                raise DirectoryError(DIRECTORY_INVALID.format(reason=f"extra feed #{index} names unknown publisher"))
            kind = extra.get("kind") or Feed.Kind.RSS
            feed_subscribe(publisher=by_slug[slug], url=_require(extra, "url", f"extra feed #{index}"), kind=kind)
            feeds += 1
    return DirectoryImportResult(publishers=len(by_slug), feeds=feeds)
