"""Article-level leases: two workers never fetch one page at once; a dead worker's claim expires."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_a_claim_of_a_free_or_expired_page_is_one_statement():
    with CaptureQueriesContext(connection) as free:
        assert page_claim(url=URL, owner="dead")
    PageClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with CaptureQueriesContext(connection) as expired:
        assert page_claim(url=URL, owner="b")
    with CaptureQueriesContext(connection) as held:
        assert not page_claim(url=URL, owner="c")
    # No savepoint around it (a conflict is no error), no UPDATE after it; a held page is asked once more. Before,
    # an INSERT in a savepoint, then an UPDATE on a conflict: 3, 5 and 6 statements.
    assert (len(free), len(expired), len(held)) == (1, 1, 2)
    assert PageClaim.objects.get().owner == "b"
