"""Leases on single article URLs (see PageClaim). Rows are deleted when the page is done; an expired row (its
worker died) is simply taken over by the next claimer."""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.common.database import writes_serialized
from newsdesk.ingest.models import PageClaim

PAGE_LEASE_S = 120


def url_key(url: str) -> str:
    """The fixed-length key a URL's rows are found by (page claims, entry failures): URLs can exceed an index."""
    return hashlib.sha256(url.encode()).hexdigest()


def page_claim(*, url: str, owner: str, lease_s: int = PAGE_LEASE_S) -> bool:
    """True when `owner` may fetch `url` now (it held, took over an expired, or created the claim)."""
    now = timezone.now()
    key, expires = url_key(url), now + timedelta(seconds=lease_s)
    with writes_serialized():
        try:  # the common case: nobody holds the page
            with transaction.atomic():
                PageClaim.objects.create(key=key, url=url[:2000], owner=owner, expires_at=expires)
            return True
        except IntegrityError:
            pass
        if PageClaim.objects.filter(key=key).filter(expires_at__lt=now).update(owner=owner, expires_at=expires):
            return True  # its worker died: the claim had expired
    return PageClaim.objects.filter(key=key, owner=owner).exists()


def page_release(*, url: str, owner: str) -> None:
    with writes_serialized():
        PageClaim.objects.filter(key=url_key(url), owner=owner).delete()
