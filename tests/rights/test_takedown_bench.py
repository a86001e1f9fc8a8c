"""`newsdesk bench takedown` on a small scale: every notice removed, nothing back after the extra cycles."""

import pytest

from newsdesk.articles.models import Article
from newsdesk_bench.takedown_bench import takedown_bench

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_takedown_benchmark_reports_removals_and_zero_reappearances():
    # Four publishers of the world's 16, two notices each (the targets go round them): a fifth of the CPU time.
    figures = takedown_bench(takedowns=8, cycles=2, seed=3, publishers=4, progress=lambda *_: None)

    assert figures["takedowns"] == figures["removed"] == 8
    assert figures["removal_worker_cycles"] == 1
    assert figures["removed_in_first_cycle"] == 8
    assert figures["articles_removed"] >= 8
    assert figures["articles_after"] == figures["articles_before"] - figures["articles_removed"]
    assert figures["reappearances"] == 0
    assert figures["copy_pages_fetched"] >= 1
    assert 0 <= figures["median_removal_s"] <= figures["max_removal_s"]
    assert figures["audit_chain_valid"] is True
    assert set(figures["proofs"]) == {"dns", "meta", "file"}
    assert Article.objects.values("publisher").distinct().count() == 4
