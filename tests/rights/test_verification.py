"""Ownership proofs checked by the worker's rights step against the simulated world: a DNS TXT record on the
world's loopback DNS, a meta tag on the home page, a well-known file; none → the request waits (and the
operators are reminded well before the 24 h deadline)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsdesk.rights import services
from newsdesk.rights.models import AuditEntry, TakedownRequest
from newsdesk.rights.steps import rights_step
from newsdesk.rights.verification import NO_PROOF, dns_proof, site_proof
from newsdesk.sources.models import Publisher
from newsdesk_world.generator import generate_world
from newsdesk_world.server import serve_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world_server():
    server = serve_world(generate_world(seed=5, slow_delay_s=0.2))
    yield server
    server.stop()


@pytest.fixture
def world_settings(settings, world_server):
    settings.NEWSDESK_ALLOW_LOOPBACK = True
    settings.NEWSDESK_DNS_NAMESERVERS = [world_server.dns.nameserver]
    return settings


def _notice(world_server, slug: str, *, confirmed: bool = True) -> TakedownRequest:
    world = world_server.world
    publisher = world.publisher(slug)
    Publisher.objects.get_or_create(
        slug=slug,
        defaults={
            "name": publisher.name,
            "homepage": world_server.publisher_base_url(slug) + "/",
            "contact_domain": publisher.contact_domain,
        },
    )
    article = world.articles_of(slug)[0]
    notice = services.takedown_request_create(
        requester_name="Rita",
        requester_email="rita@gmail.example",
        signature="Rita",
        good_faith=True,
        accurate=True,
        urls=[world_server.article_url(article)],
    )
    if confirmed:
        services.takedown_email_confirm(request=notice)
    return notice


@pytest.mark.parametrize("via", ["dns", "meta", "file"])
def test_a_proof_the_publisher_publishes_verifies_the_notice_and_the_same_step_carries_it_out(
    world_server, world_settings, via
):
    slug = world_server.world.publishers[{"dns": 0, "meta": 1, "file": 2}[via]].slug
    notice = _notice(world_server, slug)
    assert rights_step().verified == []
    notice.refresh_from_db()
    assert notice.state == TakedownRequest.State.RECEIVED
    assert notice.last_check_result == NO_PROOF

    world_server.takedown_proof_publish(slug, notice.verification_token, via=via)
    TakedownRequest.objects.filter(pk=notice.pk).update(last_check_at=None)  # as if a minute had passed
    result = rights_step()

    assert result.verified == [notice.pk]
    assert result.removed == [notice.pk]
    notice.refresh_from_db()
    assert notice.state == TakedownRequest.State.REMOVED
    assert notice.verification_method == via


def test_another_notices_token_is_no_proof(world_server, world_settings):
    slug = world_server.world.publishers[3].slug
    notice = _notice(world_server, slug)
    world_server.takedown_proof_publish(slug, "someone-elses-token", via="dns")
    world_server.takedown_proof_publish(slug, "someone-elses-token", via="meta")

    assert dns_proof(notice) is None
    assert site_proof(notice) is None


def test_unconfirmed_requesters_are_not_checked(world_server, world_settings):
    slug = world_server.world.publishers[4].slug
    notice = _notice(world_server, slug, confirmed=False)
    world_server.takedown_proof_publish(slug, notice.verification_token, via="dns")

    assert rights_step().verified == []
    notice.refresh_from_db()
    assert notice.last_check_at is None


def test_operators_are_reminded_once_when_the_deadline_nears(world_server, world_settings):
    world_settings.NEWSDESK_TAKEDOWN_OPERATORS = ["desk@newsdesk.example"]
    world_settings.NEWSDESK_TAKEDOWN_REMIND_HOURS = 12
    notice = _notice(world_server, world_server.world.publishers[5].slug)
    assert rights_step().reminded == []

    TakedownRequest.objects.filter(pk=notice.pk).update(deadline=timezone.now() + timedelta(hours=11))
    first = rights_step()
    second = rights_step()

    assert first.reminded == [notice.pk]
    assert second.reminded == []
    reminders = [m for m in mail.outbox if "due" in m.subject]
    assert len(reminders) == 1
    assert reminders[0].to == ["desk@newsdesk.example"]
    assert f"/admin/rights/takedownrequest/{notice.pk}/change/" in reminders[0].body
    assert AuditEntry.objects.filter(action="reminder sent", request_id_ref=notice.pk).count() == 1
