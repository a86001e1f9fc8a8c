"""Leases on single article URLs (see PageClaim). Rows are deleted when the page is done; an expired row (its
worker died) is simply taken over by the next claimer."""

import hashlib
from datetime import datetime, timedelta

from django.db import connection
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
    # One statement creates the claim or takes over an expired one (its worker died), on SQLite as on PostgreSQL.
    # A conflict is no error in it, so it needs no transaction of its own: the plain INSERT it replaces did (a
    # savepoint and its release inside a transaction, BEGIN and COMMIT outside), two round trips more per entry of
    # a refresh, and an UPDATE after it on a conflict.
    with writes_serialized(), connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [key, url[:2000], owner, _when(expires), _when(now)])
        if cursor.fetchone() is not None:
            return True
    return PageClaim.objects.filter(key=key, owner=owner).exists()


def _claim_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(PageClaim._meta.db_table)
    key, url, owner, expires_at = (quote(PageClaim._meta.get_field(name).column) for name in _CLAIM_FIELDS)
    return (
        f"INSERT INTO {table} ({key}, {url}, {owner}, {expires_at}) VALUES (%s, %s, %s, %s) "  # noqa: S608 (names from the model, values as parameters)
        f"ON CONFLICT ({key}) DO UPDATE SET {owner} = excluded.{owner}, {expires_at} = excluded.{expires_at} "
        f"WHERE {table}.{expires_at} < %s RETURNING {quote(PageClaim._meta.pk.column)}"
    )


_CLAIM_FIELDS = ("key", "url", "owner", "expires_at")


def _when(moment: datetime) -> object:
    """A time as the expires_at column stores it (on SQLite, text in UTC)."""
    return PageClaim._meta.get_field("expires_at").get_db_prep_save(moment, connection)


def page_release(*, url: str, owner: str) -> None:
    with writes_serialized():
        PageClaim.objects.filter(key=url_key(url), owner=owner).delete()
