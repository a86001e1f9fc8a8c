"""The takedown desk's edges: a broken chain's sequence, an empty log, failing mail and failing steps, proofs
for a notice without a known publisher, a home page that is not HTML, durations as text."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from newsdesk.articles.models import Article
from newsdesk.rights import services, steps, verification
from newsdesk.rights.audit import BROKEN_SEQ, audit_verify
from newsdesk.rights.models import AuditEntry, TakedownRequest
from newsdesk.rights.selectors import duration_text
from newsdesk.rights.verification import _has_meta, proof_domain, proof_origins
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db


def _notice(url: str = "https://www.daily.example/a") -> TakedownRequest:
    return services.takedown_request_create(
        requester_name="R", requester_email="r@x.example", signature="R", good_faith=True, accurate=True, urls=[url]
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (timedelta(seconds=42), "42 s"),
        (timedelta(seconds=725), "12 min 5 s"),
        (timedelta(hours=3.5), "3 h 30 min"),
    ],
)
def test_durations_read_as_text(value, text):
    assert duration_text(value) == text


def test_an_empty_log_verifies_and_a_gap_at_the_start_is_reported():
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == "audit log verified: no entries yet"

    _notice()
    _notice()
    AuditEntry.objects.filter(seq=1).delete()

    problem = audit_verify()
    assert problem is not None
    assert problem.message == BROKEN_SEQ.format(seq=2, expected=1)


def test_a_notice_for_an_unknown_site_proves_on_the_targets_own_host_and_origin():
    notice = _notice("https://www.unknown.example/news/a?utm_source=x")

    assert notice.publisher is None
    assert proof_domain(notice) == "unknown.example"
    assert proof_origins(notice) == ["https://www.unknown.example"]


def test_a_home_page_that_is_not_html_carries_no_meta_proof():
    assert _has_meta(b"", "token") is False
    assert _has_meta(b'<html><head><meta name="newsdesk-takedown" content="token"></head></html>', "token") is True


def test_the_system_resolver_is_used_when_no_nameserver_is_configured(settings):
    settings.NEWSDESK_DNS_NAMESERVERS = []
    assert verification._resolver().lifetime == verification.DNS_TIMEOUT_S


def test_a_mail_server_that_fails_leaves_the_notice_stored_and_says_so(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("newsdesk.rights.views.requester_confirmation_send", broken)
    response = client.post(
        "/rights/takedown",
        {
            "requester_name": "Rita",
            "requester_email": "rita@daily.example",
            "contact": "1 Main Street",
            "work": "Our story",
            "urls": "https://daily.example/a",
            "good_faith": "on",
            "accurate": "on",
            "signature": "Rita",
        },
    )

    assert response.status_code == 201
    assert "could not be sent" in response.content.decode()
    assert TakedownRequest.objects.count() == 1


def test_a_failing_proof_check_or_removal_is_left_for_the_next_cycle(monkeypatch):
    checked = _notice()
    services.takedown_email_confirm(request=checked)
    article = make_article(make_publisher(homepage="https://other.example/"), canonical_url="https://other.example/b")
    removed = _notice(article.canonical_url)
    services.takedown_verify(request=removed, method=TakedownRequest.Method.DNS, actor="t")

    def broken_proof(request, checkers=None):
        raise OSError("resolver exploded")

    def broken_removal(*, request, actor):
        raise RuntimeError("disk full")

    monkeypatch.setattr(steps, "ownership_proof", broken_proof)
    monkeypatch.setattr(services, "takedown_carry_out", broken_removal)
    result = steps.rights_step()

    assert result.verified == []
    assert result.removed == []
    assert Article.objects.filter(pk=article.pk).exists()
    assert TakedownRequest.objects.get(pk=removed.pk).state == TakedownRequest.State.VERIFIED


def test_removal_deletes_the_stored_image_renditions_unless_another_article_shows_them(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "images": {**settings.STORAGES["images"], "OPTIONS": {"location": tmp_path}},
    }
    storages._storages = {}  # forget the storage built for the old location
    storage = storages["images"]
    for name in ("a" * 32 + "-card.webp", "a" * 32 + "-lead.webp", "b" * 32 + "-card.webp"):
        storage.save(name, ContentFile(b"webp"))
    publisher = make_publisher(homepage="https://daily.example/")
    gone = make_article(publisher, canonical_url="https://daily.example/a", image_key="a" * 32)
    shared = make_article(publisher, canonical_url="https://daily.example/b", image_key="b" * 32)
    make_article(publisher, canonical_url="https://daily.example/c", image_key="b" * 32)

    services.takedown_operator_remove(request=_notice(gone.canonical_url), actor="op")
    services.takedown_operator_remove(request=_notice(shared.canonical_url), actor="op")

    assert sorted(storage.listdir("")[1]) == ["b" * 32 + "-card.webp"]
    storages._storages = {}


def test_a_request_another_worker_already_carried_out_is_not_carried_out_twice():
    article = make_article(make_publisher(homepage="https://daily.example/"), canonical_url="https://daily.example/a")
    notice = _notice(article.canonical_url)
    services.takedown_verify(request=notice, method=TakedownRequest.Method.DNS, actor="t")
    stale = TakedownRequest.objects.get(pk=notice.pk)  # what a second worker read before the first one finished

    services.takedown_carry_out(request=notice, actor="worker a")

    with pytest.raises(services.TakedownInvalid, match="removed: it cannot be carried out"):
        services.takedown_carry_out(request=stale, actor="worker b")
    assert AuditEntry.objects.filter(action="removed").count() == 1
    assert stale.state == TakedownRequest.State.REMOVED


def test_addresses_typed_without_a_scheme_are_read_as_web_addresses():
    notice = services.takedown_request_create(
        requester_name="R",
        requester_email="r@x.example",
        signature="R",
        good_faith=True,
        accurate=True,
        prefix="www.daily.example/sport/",
    )
    assert notice.prefix == "https://www.daily.example/sport/"
    listed = _notice("daily.example/news/a")
    assert listed.urls == ["https://daily.example/news/a"]
