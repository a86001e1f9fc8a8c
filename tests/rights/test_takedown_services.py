"""The takedown desk's services: a notice, an operator's decision, removal from every surface, tombstones that
cover every variant, reinstatement, and the audit chain with its tamper check."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version
from newsdesk.rights import scope, services
from newsdesk.rights.audit import BROKEN_HASH, BROKEN_LINK, audit_verify
from newsdesk.rights.models import AuditEntry, TakedownRequest, Tombstone
from newsdesk.rights.selectors import (
    takedowns_open_by_deadline,
    text_is_tombstoned,
    tombstoned_urls,
    transparency_figures,
)
from tests.factories import make_article, make_publisher
from tests.site.sitemap_pages import sitemap_text

pytestmark = pytest.mark.django_db


def _notice(**fields) -> TakedownRequest:
    values = {
        "requester_name": "Rita Owner",
        "requester_email": "rita@publisher.example",
        "signature": "Rita Owner",
        "good_faith": True,
        "accurate": True,
    }
    values.update(fields)
    return services.takedown_request_create(**values)


def test_a_notice_is_received_with_a_24_hour_deadline_and_its_publisher():
    publisher = make_publisher(homepage="https://daily.example/")
    article = make_article(
        publisher, canonical_url="https://daily.example/news/a", original_url="https://daily.example/news/a"
    )

    request = _notice(urls=[article.canonical_url + "?utm_source=x"])

    assert request.state == TakedownRequest.State.RECEIVED
    assert request.publisher == publisher
    assert (request.deadline - request.received_at).total_seconds() == 24 * 3600
    assert list(takedowns_open_by_deadline()) == [request]
    assert AuditEntry.objects.get().action == "received"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"urls": []}, services.NO_TARGET),
        ({"urls": ["https://a.example/x"], "prefix": "https://a.example/"}, services.BOTH_TARGETS),
        ({"urls": ["ftp://a.example/x"]}, scope.BAD_URL.format(url="ftp://a.example/x")),
        # A line that is no address at all read as https://…: its host cannot exist.
        ({"urls": ["not a url"]}, scope.BAD_URL.format(url="https://not a url")),
        ({"urls": ["https://a.example/x", "https://a..example/y"]}, scope.BAD_URL.format(url="https://a..example/y")),
        ({"prefix": "%20/sport/"}, scope.BAD_URL.format(url="https://%20/sport/")),
        # urlsplit's ValueError (an unclosed IPv6 bracket) was a 500; a port that is no port number was accepted.
        ({"urls": ["http://[::1"]}, scope.BAD_URL.format(url="http://[::1")),
        ({"prefix": "http://[2001:db8::1/sport/"}, scope.BAD_URL.format(url="http://[2001:db8::1/sport/")),
        ({"prefix": "javascript:alert(1)"}, scope.BAD_URL.format(url="https://javascript:alert(1)")),
        ({"urls": ["https://a.example:99999/x"]}, scope.BAD_URL.format(url="https://a.example:99999/x")),
        ({"urls": ["https://a.example:abc/x"]}, scope.BAD_URL.format(url="https://a.example:abc/x")),
        ({"urls": ["https://a.example/x"], "good_faith": False}, services.STATEMENTS_MISSING),
        ({"urls": ["https://a.example/x"], "signature": "  "}, services.SIGNATURE_MISSING),
        ({"urls": [f"https://a.example/{n}" for n in range(101)]}, services.TOO_MANY_URLS),
    ],
)
def test_an_incomplete_notice_is_refused_with_a_clear_message(fields, message):
    with pytest.raises(services.TakedownInvalid) as error:
        _notice(**fields)
    assert str(error.value) == message
    assert TakedownRequest.objects.count() == 0


def test_removal_takes_the_article_off_page_api_search_sitemap_and_bumps_the_content_version():
    publisher = make_publisher(homepage="https://daily.example/")
    gone = make_article(publisher, title="Zeppelin secret revealed", canonical_url="https://daily.example/news/z")
    kept = make_article(publisher, title="Zeppelin weather report", canonical_url="https://daily.example/news/w")
    client = Client()
    assert client.get(gone.get_absolute_url()).status_code == 200
    version = content_version()
    request = _notice(urls=["http://www.daily.example/amp/news/z/"])

    removed = services.takedown_operator_remove(request=request, actor="operator ann")

    assert removed == 1
    request.refresh_from_db()
    assert request.state == TakedownRequest.State.REMOVED
    assert request.verification_method == TakedownRequest.Method.OPERATOR
    assert not Article.objects.filter(pk=gone.pk).exists()
    assert Article.objects.filter(pk=kept.pk).exists()
    assert content_version() > version
    assert client.get(f"/article/{gone.pk}/").status_code == 410
    assert client.get(f"/api/articles/{gone.pk}").status_code == 410
    search = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "secret revealed" not in search
    assert "weather report" in search
    assert f"/article/{gone.pk}/" not in sitemap_text(client)
    assert f"/article/{kept.pk}/" in sitemap_text(client)
    feed = client.get("/feeds/rss.xml").content.decode()
    assert "secret revealed" not in feed
    assert "weather report" in feed


@pytest.mark.parametrize(
    "variant",
    [
        "https://daily.example/news/z",
        "http://daily.example/news/z/",
        "https://www.daily.example/news/z?utm_source=rss&utm_medium=feed",
        "https://m.daily.example/news/z",
        "https://amp.daily.example/news/z",
        "https://daily.example/amp/news/z",
        "https://daily.example/news/z/amp",
        "https://daily.example/news/z.amp",
        "https://daily.example/news/z?amp=1",
        "https://daily.example/news/z#comments",
    ],
)
def test_the_tombstone_covers_every_variant_of_the_url(variant):
    publisher = make_publisher(homepage="https://daily.example/")
    make_article(publisher, canonical_url="https://daily.example/news/z", original_url="https://daily.example/news/z")
    services.takedown_operator_remove(request=_notice(urls=["https://daily.example/news/z"]), actor="op")

    assert tombstoned_urls([variant, "https://daily.example/news/other"]) == {variant}


def test_a_prefix_tombstone_covers_everything_under_it_and_nothing_beside_it():
    publisher = make_publisher(homepage="https://daily.example/")
    inside = make_article(publisher, canonical_url="https://daily.example/sport/a")
    outside = make_article(publisher, canonical_url="https://daily.example/sports-extra/b")

    removed = services.takedown_operator_remove(request=_notice(prefix="https://daily.example/sport/"), actor="op")

    assert removed == 1
    assert not Article.objects.filter(pk=inside.pk).exists()
    assert Article.objects.filter(pk=outside.pk).exists()
    assert tombstoned_urls(["https://www.daily.example/sport/2026/new-one", "https://daily.example/sportsx"]) == {
        "https://www.daily.example/sport/2026/new-one"
    }


def test_wire_copies_of_the_text_at_the_same_publisher_go_too_but_not_elsewhere():
    publisher = make_publisher(homepage="https://daily.example/")
    other = make_publisher(homepage="https://other.example/")
    original = make_article(publisher, canonical_url="https://daily.example/a", body_text="AFP wire text")
    copy_here = make_article(publisher, canonical_url="https://daily.example/b", body_text="AFP wire text")
    copy_elsewhere = make_article(other, canonical_url="https://other.example/a", body_text="AFP wire text")

    removed = services.takedown_operator_remove(request=_notice(urls=[original.canonical_url]), actor="op")

    assert removed == 2
    assert not Article.objects.filter(pk__in=[original.pk, copy_here.pk]).exists()
    assert Article.objects.filter(pk=copy_elsewhere.pk).exists()
    assert text_is_tombstoned(publisher=publisher, content_hash=original.content_hash)
    assert not text_is_tombstoned(publisher=other, content_hash=original.content_hash)


def test_reinstatement_lifts_the_tombstones_with_a_reason_and_a_counter_notice_is_recorded():
    publisher = make_publisher(homepage="https://daily.example/")
    make_article(publisher, canonical_url="https://daily.example/news/z")
    request = _notice(urls=["https://daily.example/news/z"])
    services.takedown_operator_remove(request=request, actor="op")

    with pytest.raises(services.TakedownInvalid, match="reasons"):
        services.takedown_reinstate(request=request, reason=" ", actor="op")
    services.takedown_counter_notice(request=request, text="I wrote it myself.", actor="op")
    lifted = services.takedown_reinstate(request=request, reason="Counter-notice accepted.", actor="op")

    assert lifted >= 1
    assert request.state == TakedownRequest.State.REINSTATED
    assert tombstoned_urls(["https://daily.example/news/z"]) == set()
    assert not Tombstone.objects.filter(is_active=True).exists()
    assert [e.action for e in AuditEntry.objects.all()] == [
        "received",
        "verified",
        "removed",
        "counter-notice",
        "reinstated",
    ]


def test_a_rejection_needs_reasons_and_closes_the_request():
    request = _notice(urls=["https://daily.example/news/z"])
    with pytest.raises(services.TakedownInvalid) as error:
        services.takedown_reject(request=request, reasons="", actor="op")
    assert str(error.value) == services.REASONS_MISSING

    services.takedown_reject(request=request, reasons="Not the owner of the text.", actor="op")

    assert request.state == TakedownRequest.State.REJECTED
    with pytest.raises(services.TakedownInvalid, match="rejected"):
        services.takedown_operator_remove(request=request, actor="op")
    assert list(takedowns_open_by_deadline()) == []


def test_transparency_counts_outcomes_and_times_to_removal():
    make_article(make_publisher(homepage="https://daily.example/"), canonical_url="https://daily.example/a")
    services.takedown_operator_remove(request=_notice(urls=["https://daily.example/a"]), actor="op")
    services.takedown_reject(request=_notice(urls=["https://daily.example/b"]), reasons="no", actor="op")
    _notice(urls=["https://daily.example/c"])

    figures = transparency_figures()

    assert figures.by_outcome["removed"] == 1
    assert figures.by_outcome["rejected"] == 1
    assert figures.by_outcome["received"] == 1
    assert figures.total == 3
    assert figures.removed == 1
    assert figures.median_removal is not None
    assert figures.median_removal == figures.max_removal


def test_the_worker_step_carries_out_verified_requests():
    from newsdesk.rights.steps import rights_step

    article = make_article(make_publisher(homepage="https://daily.example/"), canonical_url="https://daily.example/a")
    request = _notice(urls=[article.canonical_url])
    services.takedown_verify(request=request, method=TakedownRequest.Method.DNS, actor="checker")

    result = rights_step()

    assert result.removed == [request.pk]
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_audit_chain_verifies_and_detects_an_altered_entry(capsys):
    make_article(make_publisher(homepage="https://daily.example/"), canonical_url="https://daily.example/a")
    services.takedown_operator_remove(request=_notice(urls=["https://daily.example/a"]), actor="op")
    assert audit_verify() is None
    call_command("audit", "verify")
    assert "audit log verified: 3 entries" in capsys.readouterr().out

    AuditEntry.objects.filter(seq=2).update(actor="someone else")

    problem = audit_verify()
    assert problem is not None
    assert problem.seq == 2
    assert problem.message == BROKEN_HASH.format(seq=2)
    with pytest.raises(CommandError, match="broken at entry #2"):
        call_command("audit", "verify")


def test_the_audit_chain_detects_a_removed_entry():
    _notice(urls=["https://daily.example/a"])
    _notice(urls=["https://daily.example/b"])
    _notice(urls=["https://daily.example/c"])
    AuditEntry.objects.filter(seq=2).delete()
    AuditEntry.objects.filter(seq=3).update(seq=2)  # renumbered to hide the gap: the link still breaks

    problem = audit_verify()

    assert problem is not None
    assert problem.message == BROKEN_LINK.format(seq=2)
