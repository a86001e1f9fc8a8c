"""The append-only, hash-chained audit log of the takedown desk.

Each entry stores `entry_hash = sha256(prev_hash + canonical JSON of the entry)`, the first one chained to
GENESIS. Changing, removing or reordering any stored entry breaks the chain at that entry, which `audit_verify`
reports (and `newsdesk audit verify` exits nonzero on). Appends take the database's write turn and number the
entries with a unique `seq`, so two writers can never both extend the same head.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.common.database import writes_serialized
from newsdesk.rights.models import AuditEntry

GENESIS = "0" * 64
_APPEND_TRIES = 5

BROKEN_HASH = "entry #{seq} does not match its hash (altered after it was written)"
BROKEN_LINK = "entry #{seq} does not follow the entry before it (an entry was removed, inserted or reordered)"
BROKEN_SEQ = "entry #{seq} is out of sequence: expected #{expected} (an entry was removed)"


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    message: str


def _canonical(*, seq: int, at: datetime, action: str, actor: str, request_id: int | None, data: dict) -> bytes:
    entry = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": action,
        "actor": actor,
        "request": request_id,
        "data": data,
    }
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash_of(*, prev_hash: str, seq: int, at: datetime, action: str, actor: str, request_id, data) -> str:
    body = _canonical(seq=seq, at=at, action=action, actor=actor, request_id=request_id, data=data)
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def audit_append(
    *, action: str, actor: str = "", request_id: int | None = None, data: dict | None = None
) -> AuditEntry:
    """Append one entry at the head of the chain (inside the caller's transaction, if any)."""
    # JSON round trip: what is hashed is exactly what the database gives back (no tuples, no lazy strings).
    data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    at = timezone.now()
    for attempt in range(_APPEND_TRIES):
        with writes_serialized():
            head = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
            seq = head.seq + 1 if head else 1
            prev = head.entry_hash if head else GENESIS
            digest = entry_hash_of(
                prev_hash=prev, seq=seq, at=at, action=action, actor=actor, request_id=request_id, data=data
            )
            try:
                with transaction.atomic():
                    return AuditEntry.objects.create(
                        seq=seq,
                        at=at,
                        action=action,
                        actor=actor[:200],
                        request_id_ref=request_id,
                        data=data,
                        prev_hash=prev,
                        entry_hash=digest,
                    )
            except IntegrityError:  # another process appended first: chain onto its entry instead
                if attempt == _APPEND_TRIES - 1:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def audit_verify() -> AuditProblem | None:
    """The first broken entry of the chain, or None when every entry verifies."""
    prev = GENESIS
    expected = 1
    for entry in AuditEntry.objects.order_by("seq").iterator():
        if entry.seq != expected:
            return AuditProblem(entry.seq, BROKEN_SEQ.format(seq=entry.seq, expected=expected))
        if entry.prev_hash != prev:
            return AuditProblem(entry.seq, BROKEN_LINK.format(seq=entry.seq))
        digest = entry_hash_of(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            at=entry.at,
            action=entry.action,
            actor=entry.actor,
            request_id=entry.request_id_ref,
            data=entry.data,
        )
        if digest != entry.entry_hash:
            return AuditProblem(entry.seq, BROKEN_HASH.format(seq=entry.seq))
        prev = entry.entry_hash
        expected += 1
    return None
