"""Article-level leases: two workers never fetch one page at once; a dead worker's claim expires."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.ingest.models import PageClaim
from newsdesk.ingest.page_claims import page_claim, page_release

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
URL = "http://127.0.0.1:9/a/1"


def test_only_one_owner_holds_a_page_at_a_time():
    assert page_claim(url=URL, owner="a")
    assert page_claim(url=URL, owner="a")  # holding it already
    assert not page_claim(url=URL, owner="b")


def test_release_lets_the_next_worker_claim():
    page_claim(url=URL, owner="a")
    page_release(url=URL, owner="a")
    assert page_claim(url=URL, owner="b")
    assert PageClaim.objects.get().owner == "b"


def test_an_expired_claim_is_taken_over():
    page_claim(url=URL, owner="dead")
    PageClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert page_claim(url=URL, owner="b")
    page_release(url=URL, owner="dead")  # the dead worker coming back cannot drop b's claim
    assert PageClaim.objects.get().owner == "b"
