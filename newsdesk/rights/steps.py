"""The rights step every worker cycle runs before refreshing feeds:

1. check the ownership proofs (DNS TXT, meta tag, well-known file) of received requests whose requester confirmed
   their email, at most once a minute each, and verify those that show one;
2. carry out every verified request — so removal happens within one worker cycle of verification;
3. remind the operators of open requests whose 24 h deadline is near.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from newsdesk.rights import services
from newsdesk.rights.models import TakedownRequest
from newsdesk.rights.notify import operators_notify
from newsdesk.rights.selectors import takedowns_needing_reminder
from newsdesk.rights.verification import NO_PROOF, Checker, ownership_proof

log = logging.getLogger(__name__)

RECHECK = timedelta(seconds=60)
CHECKS_PER_STEP = 500  # bounds one step's proof checks (each a DNS query or two loopback-cheap GETs)


@dataclass
class RightsStepResult:
    verified: list[int] = field(default_factory=list)  # request ids whose proof was found now
    removed: list[int] = field(default_factory=list)  # request ids carried out
    reminded: list[int] = field(default_factory=list)


def _proofs_check(result: RightsStepResult, checkers: tuple[Checker, ...] | None) -> None:
    now = timezone.now()
    due = (
        TakedownRequest.objects.filter(state=TakedownRequest.State.RECEIVED, email_confirmed_at__isnull=False)
        .filter(Q(last_check_at__isnull=True) | Q(last_check_at__lte=now - RECHECK))
        .select_related("publisher")
        .order_by("deadline")[:CHECKS_PER_STEP]
    )
    for request in due:
        try:
            proof = ownership_proof(request, checkers=checkers)
        except Exception:  # a check that breaks is retried next cycle; the other requests go on
            log.exception("takedown proof check failed", extra={"request_id": request.pk})
            continue
        if proof is None:
            services.takedown_check_record(request=request, result=NO_PROOF)
            continue
        services.takedown_verify(request=request, method=proof.method, actor="worker", detail=proof.detail)
        result.verified.append(request.pk)


def _reminders_send(result: RightsStepResult) -> None:
    before = timedelta(hours=settings.NEWSDESK_TAKEDOWN_REMIND_HOURS)
    for request in takedowns_needing_reminder(now=timezone.now(), before=before):
        operators_notify(
            subject=f"takedown #{request.pk} due {request.deadline:%Y-%m-%d %H:%M} UTC",
            template="rights/email_operator_reminder.txt",
            request=request,
        )
        services.takedown_reminded(request=request)
        result.reminded.append(request.pk)


def rights_step(*, checkers: tuple[Checker, ...] | None = None) -> RightsStepResult:
    """One pass of the takedown desk's automatic work (see the module docstring)."""
    result = RightsStepResult()
    _proofs_check(result, checkers)
    result.removed = services.takedowns_carry_out_verified()
    _reminders_send(result)
    return result
