"""Writes of the takedown desk: receive a notice, verify it, carry it out (remove + tombstone), reject or
reinstate it. Every step is written to the hash-chained audit log in the same transaction.

Removal deletes the articles: deleting is the one way to be sure no surface, search index or derived copy keeps
the text (pages, feeds, API, search and sitemaps all read the article table; the FTS index follows it by
trigger), and `content_version_bump()` then retires every cached response. Reinstating lifts the tombstones, so
the next ingest cycle may fetch the material again from the publisher.
"""

import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.common.content_version import content_version_bump
from newsdesk.common.database import writes_serialized
from newsdesk.rights.audit import audit_append
from newsdesk.rights.models import RemovedArticle, TakedownRequest, Tombstone
from newsdesk.rights.scope import (
    TakedownInvalid,
    articles_covered,
    image_renditions_delete,
    publisher_for,
    target_keys,
    tombstones_for,
)
from newsdesk.rights.selectors import takedowns_verified

log = logging.getLogger(__name__)

SLA = timedelta(hours=24)
MAX_URLS = 100

NO_TARGET = "Name at least one URL, or a whole domain or path prefix."
TOO_MANY_URLS = f"At most {MAX_URLS} URLs per notice: please split it into several notices."
BOTH_TARGETS = "Name either URLs or one domain / path prefix, not both."
STATEMENTS_MISSING = "Both statements (good faith and accuracy) are required for a valid notice."
SIGNATURE_MISSING = "Type your full name as your signature."
NOT_OPEN = "This request is {state}: it cannot be {action}."
REASONS_MISSING = "A statement of reasons is required."


def _with_scheme(url: str) -> str:
    """People type `news.example/sport/`: read a URL without a scheme as https (the scheme does not matter to a
    tombstone, which covers http and https alike)."""
    url = url.strip()
    return url if "://" in url or not url else f"https://{url}"


def takedown_request_create(
    *,
    requester_name: str,
    requester_email: str,
    signature: str,
    good_faith: bool,
    accurate: bool,
    urls: list[str] | None = None,
    prefix: str = "",
    organisation: str = "",
    contact: str = "",
    work: str = "",
    client_key: str = "",
    actor: str = "public form",
) -> TakedownRequest:
    """Record a notice as received (the SLA clock starts) and audit it."""
    urls = list(dict.fromkeys(_with_scheme(u) for u in (urls or []) if u.strip()))
    prefix = _with_scheme(prefix) if prefix.strip() else ""
    if not urls and not prefix:
        raise TakedownInvalid(NO_TARGET)
    if urls and prefix:
        raise TakedownInvalid(BOTH_TARGETS)
    if len(urls) > MAX_URLS:
        raise TakedownInvalid(TOO_MANY_URLS)
    target_keys(urls, prefix)
    if not (good_faith and accurate):
        raise TakedownInvalid(STATEMENTS_MISSING)
    if not signature.strip():
        raise TakedownInvalid(SIGNATURE_MISSING)
    now = timezone.now()
    publisher = publisher_for(urls, prefix)
    with writes_serialized(), transaction.atomic():
        request = TakedownRequest.objects.create(
            requester_name=requester_name.strip()[:200],
            requester_email=requester_email.strip()[:254],
            organisation=organisation.strip()[:200],
            contact=contact.strip(),
            work=work.strip(),
            urls=urls,
            prefix=prefix[:2000],
            publisher=publisher,
            good_faith=good_faith,
            accurate=accurate,
            signature=signature.strip()[:200],
            received_at=now,
            deadline=now + SLA,
            verification_token=secrets.token_urlsafe(24),
            client_key=client_key,
        )
        audit_append(
            action="received",
            actor=actor,
            request_id=request.pk,
            data={"targets": request.targets, "publisher": publisher.pk if publisher else None},
        )
    log.info("takedown received", extra={"request_id": request.pk, "targets": len(request.targets)})
    return request


def _require_state(request: TakedownRequest, states: tuple[str, ...], action: str) -> None:
    if request.state not in states:
        raise TakedownInvalid(NOT_OPEN.format(state=request.get_state_display().lower(), action=action))


def _lock_in_state(request: TakedownRequest, states: tuple[str, ...], action: str) -> None:
    """Inside the step's transaction: lock the request's row and check its state as stored now, so two workers (or
    a worker and an operator) cannot both carry out, verify or reject one request. `request` gets the fresh row."""
    fresh = TakedownRequest.objects.select_for_update().get(pk=request.pk)
    for field in TakedownRequest._meta.concrete_fields:
        setattr(request, field.attname, getattr(fresh, field.attname))
    _require_state(request, states, action)


def takedown_verify(*, request: TakedownRequest, method: str, actor: str, detail: str = "") -> TakedownRequest:
    """Mark ownership as shown (by `method`); the worker carries verified requests out. The SLA clock restarts
    at verified + 24 h (never earlier than the first deadline)."""
    if method not in TakedownRequest.Method.values or not method:
        raise TakedownInvalid(f"unknown verification method {method!r}")
    _require_state(request, (TakedownRequest.State.RECEIVED,), "verified")
    now = timezone.now()
    with writes_serialized(), transaction.atomic():
        _lock_in_state(request, (TakedownRequest.State.RECEIVED,), "verified")
        request.state = TakedownRequest.State.VERIFIED
        request.verification_method = method
        request.verified_at = now
        request.deadline = max(request.deadline, now + SLA)
        request.last_check_at = now
        request.last_check_result = (detail or f"verified by {method}")[:500]
        request.save()
        audit_append(action="verified", actor=actor, request_id=request.pk, data={"method": method, "detail": detail})
    return request


def takedown_check_record(*, request: TakedownRequest, result: str) -> None:
    """Remember the last verification attempt that did not succeed (shown to operators)."""
    TakedownRequest.objects.filter(pk=request.pk).update(last_check_at=timezone.now(), last_check_result=result[:500])


def takedown_reject(*, request: TakedownRequest, reasons: str, actor: str) -> TakedownRequest:
    """Reject an open request with a statement of reasons (DSA Art. 17)."""
    if not reasons.strip():
        raise TakedownInvalid(REASONS_MISSING)
    _require_state(request, (TakedownRequest.State.RECEIVED, TakedownRequest.State.VERIFIED), "rejected")
    with writes_serialized(), transaction.atomic():
        _lock_in_state(request, (TakedownRequest.State.RECEIVED, TakedownRequest.State.VERIFIED), "rejected")
        request.state = TakedownRequest.State.REJECTED
        request.rejected_at = timezone.now()
        request.reasons = reasons.strip()
        request.save()
        audit_append(action="rejected", actor=actor, request_id=request.pk, data={"reasons": request.reasons})
    return request


def takedown_carry_out(*, request: TakedownRequest, actor: str = "worker") -> int:
    """Remove what a verified request names from every surface at once and tombstone it; returns the number of
    articles removed. Search and caches follow: the FTS index by trigger, whole-response caches by the content
    version bumped after the commit."""
    _require_state(request, (TakedownRequest.State.VERIFIED,), "carried out")
    with writes_serialized(), transaction.atomic():
        _lock_in_state(request, (TakedownRequest.State.VERIFIED,), "carried out")
        articles = articles_covered(request)
        image_keys = set(
            Article.objects.filter(pk__in=[a.pk for a in articles])
            .exclude(image_key="")
            .values_list("image_key", flat=True)
        )
        tombstones = Tombstone.objects.bulk_create(tombstones_for(request, articles))
        Article.objects.filter(pk__in=[a.pk for a in articles]).delete()
        now = timezone.now()
        RemovedArticle.objects.bulk_create(
            [RemovedArticle(article_id=a.pk, request=request, removed_at=now) for a in articles], ignore_conflicts=True
        )
        request.state = TakedownRequest.State.REMOVED
        request.removed_at = now
        request.articles_removed = len(articles)
        request.save()
        audit_append(
            action="removed",
            actor=actor,
            request_id=request.pk,
            data={
                "articles": [{"id": a.pk, "url": a.canonical_url} for a in articles],
                "tombstones": [{"kind": t.kind, "key": t.key} for t in tombstones],
            },
        )
    content_version_bump()
    image_renditions_delete(image_keys)
    log.info("takedown carried out", extra={"request_id": request.pk, "articles": len(articles)})
    return len(articles)


def takedown_operator_remove(*, request: TakedownRequest, actor: str, note: str = "") -> int:
    """An operator's decision: verify (if still open) and carry out at once."""
    if request.state == TakedownRequest.State.RECEIVED:
        takedown_verify(request=request, method=TakedownRequest.Method.OPERATOR, actor=actor, detail=note)
    return takedown_carry_out(request=request, actor=actor)


def takedown_counter_notice(*, request: TakedownRequest, text: str, actor: str) -> TakedownRequest:
    """Record a counter-notice from the person whose material was removed (it does not reinstate by itself)."""
    if not text.strip():
        raise TakedownInvalid(REASONS_MISSING)
    with writes_serialized(), transaction.atomic():
        request.counter_notice = text.strip()
        request.counter_notice_at = timezone.now()
        request.save(update_fields=["counter_notice", "counter_notice_at"])
        audit_append(action="counter-notice", actor=actor, request_id=request.pk, data={"text": request.counter_notice})
    return request


def takedown_reinstate(*, request: TakedownRequest, reason: str, actor: str) -> int:
    """Lift a removed request's tombstones (with a reason) so the material may be ingested again; returns the
    number of tombstones lifted."""
    if not reason.strip():
        raise TakedownInvalid(REASONS_MISSING)
    _require_state(request, (TakedownRequest.State.REMOVED,), "reinstated")
    with writes_serialized(), transaction.atomic():
        _lock_in_state(request, (TakedownRequest.State.REMOVED,), "reinstated")
        now = timezone.now()
        lifted = Tombstone.objects.filter(request=request, is_active=True).update(is_active=False, lifted_at=now)
        request.state = TakedownRequest.State.REINSTATED
        request.reinstated_at = now
        request.reasons = reason.strip()
        request.save()
        audit_append(
            action="reinstated", actor=actor, request_id=request.pk, data={"reason": request.reasons, "lifted": lifted}
        )
    content_version_bump()
    return lifted


def takedowns_carry_out_verified(*, actor: str = "worker") -> list[int]:
    """Carry out every verified request (the worker's rights step); returns their ids. One failing request is
    logged and left verified for the next cycle, the others go ahead."""
    done = []
    for request in takedowns_verified():
        try:
            takedown_carry_out(request=request, actor=actor)
        except TakedownInvalid:
            continue  # another worker (or an operator) got to it first
        except Exception:
            log.exception("takedown not carried out", extra={"request_id": request.pk})
        else:
            done.append(request.pk)
    return done


def takedown_email_confirm(*, request: TakedownRequest) -> TakedownRequest:
    """The requester followed the link we emailed. When their address is at the publisher's own domain, that is
    the email proof of ownership and the request is verified."""
    if request.email_confirmed_at is not None:
        return request
    with writes_serialized(), transaction.atomic():
        request.email_confirmed_at = timezone.now()
        request.save(update_fields=["email_confirmed_at"])
        audit_append(action="email confirmed", actor=request.requester_email, request_id=request.pk)
    if request.state == TakedownRequest.State.RECEIVED and email_at_publisher_domain(request):
        takedown_verify(
            request=request,
            method=TakedownRequest.Method.EMAIL,
            actor=request.requester_email,
            detail=f"confirmed address at {request.publisher.contact_domain}",
        )
    return request


def email_at_publisher_domain(request: TakedownRequest) -> bool:
    domain = (request.publisher.contact_domain if request.publisher else "").strip().lower().rstrip(".")
    email_domain = request.requester_email.rpartition("@")[2].strip().lower().rstrip(".")
    return bool(domain) and (email_domain == domain or email_domain.endswith("." + domain))


def takedown_reminded(*, request: TakedownRequest) -> None:
    with writes_serialized(), transaction.atomic():
        request.reminded_at = timezone.now()
        request.save(update_fields=["reminded_at"])
        audit_append(
            action="reminder sent",
            actor="worker",
            request_id=request.pk,
            data={"deadline": request.deadline.isoformat()},
        )
