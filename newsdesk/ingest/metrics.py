"""Prometheus metrics, computed from the database at scrape time.

Workers run as separate processes (maybe on other hosts), so in-process counters in the web server would see
none of their work. The fetch log and the feed table are the shared truth; we read them at each scrape.
"""

from collections.abc import Iterator

from django.db.models import Count, Min, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from newsdesk.articles.models import Article
from newsdesk.ingest.claims import feed_due
from newsdesk.ingest.models import FetchAttempt
from newsdesk.sources.models import Feed


class IngestCollector(Collector):
    def collect(self) -> Iterator:
        fetches = CounterMetricFamily("newsdesk_feed_fetches", "Feed fetches by outcome.", labels=["outcome"])
        by_outcome = {
            row["outcome"]: row["n"] for row in FetchAttempt.objects.values("outcome").annotate(n=Count("id"))
        }
        for outcome in FetchAttempt.Outcome.values:
            fetches.add_metric([outcome], by_outcome.get(outcome, 0))
        yield fetches

        totals = FetchAttempt.objects.aggregate(
            new=Sum("items_new"), updated=Sum("items_updated"), bytes=Sum("bytes_received")
        )
        ingested = CounterMetricFamily("newsdesk_articles_ingested", "Articles stored by ingestion.", labels=["kind"])
        ingested.add_metric(["new"], totals["new"] or 0)
        ingested.add_metric(["updated"], totals["updated"] or 0)
        yield ingested
        yield CounterMetricFamily("newsdesk_feed_bytes", "Bytes of feed bodies received.", value=totals["bytes"] or 0)
        yield GaugeMetricFamily("newsdesk_articles", "Articles stored.", value=Article.objects.count())

        now = timezone.now()
        due = Feed.objects.filter(is_paused=False).filter(feed_due(now))
        oldest = due.aggregate(oldest=Min("next_check_at"))["oldest"]
        lag = (now - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("newsdesk_queue_lag_seconds", "How overdue the most overdue feed is.", value=lag)
        yield GaugeMetricFamily("newsdesk_feeds_due", "Feeds whose check time has come.", value=due.count())
        feeds = GaugeMetricFamily("newsdesk_feeds", "Feeds by state.", labels=["state"])
        feeds.add_metric(["active"], Feed.objects.filter(is_paused=False).count())
        feeds.add_metric(["paused"], Feed.objects.filter(is_paused=True).count())
        feeds.add_metric(["leased"], Feed.objects.filter(lease_expires_at__gt=now).count())
        feeds.add_metric(["failing"], Feed.objects.filter(consecutive_errors__gt=0).count())
        yield feeds
