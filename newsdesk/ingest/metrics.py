"""Prometheus metrics, computed from the database at scrape time.

Workers run as separate processes (maybe on other hosts), so in-process counters in the web server would see
none of their work. The fetch log and the feed table are the shared truth; we read them at each scrape.
"""

from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from newsdesk.ingest.selectors import ingest_figures


class IngestCollector(Collector):
    def collect(self) -> Iterator:
        now = timezone.now()
        figures = ingest_figures(now=now)
        fetches = CounterMetricFamily("newsdesk_feed_fetches", "Feed fetches by outcome.", labels=["outcome"])
        for outcome, count in figures.fetches_by_outcome.items():
            fetches.add_metric([outcome], count)
        yield fetches
        ingested = CounterMetricFamily("newsdesk_articles_ingested", "Articles stored by ingestion.", labels=["kind"])
        ingested.add_metric(["new"], figures.items_new)
        ingested.add_metric(["updated"], figures.items_updated)
        yield ingested
        yield CounterMetricFamily("newsdesk_feed_bytes", "Bytes of feed bodies received.", value=figures.bytes_received)
        yield GaugeMetricFamily("newsdesk_articles", "Articles stored.", value=figures.articles)
        lag = (now - figures.oldest_due_at).total_seconds() if figures.oldest_due_at else 0.0
        yield GaugeMetricFamily("newsdesk_queue_lag_seconds", "How overdue the most overdue feed is.", value=lag)
        yield GaugeMetricFamily("newsdesk_feeds_due", "Feeds whose check time has come.", value=figures.feeds_due)
        feeds = GaugeMetricFamily("newsdesk_feeds", "Feeds by state.", labels=["state"])
        feeds.add_metric(["active"], figures.feeds_active)
        feeds.add_metric(["paused"], figures.feeds_paused)
        feeds.add_metric(["leased"], figures.feeds_leased)
        feeds.add_metric(["failing"], figures.feeds_failing)
        yield feeds
