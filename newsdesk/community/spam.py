"""Anti-spam checks run before a comment is stored: honeypot, timing, links, rate and duplicate text.

Each check raises SpamRejected with a message meant for the person who typed the comment (the form shows it and
keeps what they wrote). The limits come from settings (COMMUNITY_*, in config/settings/base.py) so tests and
deployments can tune them.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.template.defaultfilters import pluralize
from django.utils import timezone

from newsdesk.community.markup import link_count, text_fingerprint
from newsdesk.community.models import Comment

HONEYPOT_FILLED = "This comment looks automated and was not posted."
TOO_FAST = "That was quick: please take a few seconds to read your comment over, then post it again."
FORM_EXPIRED = "This form is too old or was altered: please post your comment again."
TOO_MANY_LINKS = "A comment may carry at most {limit} link{s}."  # s: pluralize(limit)
RATE_LIMITED = "You have posted {count} comments in the last {minutes} minutes: please wait before posting again."
DUPLICATE_TEXT = "This exact comment was already posted."

_STARTED_SALT = "newsdesk.community.comment-started"


class SpamRejected(Exception):
    """The comment was refused; str(exc) is the message for its author."""


def form_started_token() -> str:
    """A signed timestamp the comment form carries, so the post can tell how long the form was open."""
    return signing.dumps(timezone.now().timestamp(), salt=_STARTED_SALT)


def check_honeypot(value: str) -> None:
    # A field hidden from people: only a bot that fills every field fills it.
    if value:
        raise SpamRejected(HONEYPOT_FILLED)


def check_timing(started_token: str) -> None:
    """Refuse forms posted faster than a person types, and tokens that are forged or older than a day."""
    try:
        started = signing.loads(started_token, salt=_STARTED_SALT, max_age=timedelta(days=1))
    except (signing.BadSignature, TypeError, ValueError):
        raise SpamRejected(FORM_EXPIRED) from None
    if timezone.now().timestamp() - float(started) < settings.COMMUNITY_MIN_COMPOSE_SECONDS:
        raise SpamRejected(TOO_FAST)


def check_links(text: str) -> None:
    limit = settings.COMMUNITY_MAX_LINKS
    if link_count(text) > limit:
        raise SpamRejected(TOO_MANY_LINKS.format(limit=limit, s=pluralize(limit)))


def check_rate(*, author_id: int) -> None:
    count, window_s = settings.COMMUNITY_RATE_LIMIT
    since = timezone.now() - timedelta(seconds=window_s)
    posted = Comment.objects.filter(author_id=author_id, created_at__gte=since).count()
    if posted >= count:
        raise SpamRejected(RATE_LIMITED.format(count=posted, minutes=max(1, window_s // 60)))


def check_duplicate(*, author_id: int, text: str, exclude_id: int | None = None) -> None:
    """The same text (spacing and case aside) from this author ever, or from anyone within the last day."""
    fingerprint = text_fingerprint(text)
    same = Comment.objects.filter(body_fingerprint=fingerprint).exclude(pk=exclude_id)
    recent = timezone.now() - timedelta(days=1)
    if same.filter(author_id=author_id).exists() or same.filter(created_at__gte=recent).exists():
        raise SpamRejected(DUPLICATE_TEXT)
