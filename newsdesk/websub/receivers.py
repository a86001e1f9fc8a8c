"""WebSub's side of `newsdesk.ingest.signals.hub_found`: subscribe to the hubs our feeds name."""

import logging

from django.conf import settings

from newsdesk.common.site_url import site_url_is_loopback
from newsdesk.ingest.context import IngestContext
from newsdesk.reader.fetcher import FetchError
from newsdesk.sources.models import Feed
from newsdesk.websub.services import websub_ensure, websub_subscribe

log = logging.getLogger(__name__)


def hub_subscribe(
    sender: object,
    *,
    feed: Feed,
    hub_url: str,
    topic_url: str,
    context: IngestContext,
    explicit: bool,
    **_: object,
) -> str:
    """An operator's request subscribes at once. A routine refresh subscribes once, renews and retries (see
    websub_ensure), and only when hubs can reach our callback: a public SITE_URL, or loopback explicitly allowed
    as in tests."""
    if explicit:
        subscription = websub_subscribe(
            feed=feed, hub_url=hub_url, topic_url=topic_url, callback_base_url=settings.SITE_URL, context=context
        )
        return f"{subscription.state}{': ' + subscription.last_error if subscription.last_error else ''}"
    if not settings.NEWSDESK_WEBSUB_AUTOSUBSCRIBE:
        return ""
    if site_url_is_loopback(settings.SITE_URL) and not context.options.allow_loopback:
        return ""
    try:
        return websub_ensure(feed=feed, hub_url=hub_url, callback_base_url=settings.SITE_URL, context=context)
    except (ValueError, FetchError) as exc:  # a malformed hub URL must not fail the refresh
        log.warning("websub subscribe failed", extra={"feed_id": feed.pk, "hub": hub_url, "error": str(exc)})
        return f"failed: {exc}"
