"""WebSub (W3C Recommendation, 2018) subscriber side as pure functions: requests, intent checks, signatures.

Authenticated content distribution (section 8): the hub sends `X-Hub-Signature: method=signature`,
where method is sha1, sha256, sha384 or sha512 and signature is the lower-case hex HMAC of the raw
body keyed with the `hub.secret` we gave when subscribing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

SIGNATURE_METHODS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
MAX_SECRET_BYTES = 199  # the spec: "MUST be less than 200 bytes"
MODES = ("subscribe", "unsubscribe")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

HMAC_KEY_TOO_LONG = "hub.secret must be shorter than 200 bytes"
UNKNOWN_MODE = "hub.mode must be subscribe or unsubscribe"
BAD_LEASE = "hub.lease_seconds must be a positive whole number"


def sign_body(body: bytes, secret: str, method: str = "sha256") -> str:
    """The X-Hub-Signature value a hub sends for `body` (section 8): `method=hexdigest`."""
    digest = hmac.new(secret.encode("utf-8"), body, SIGNATURE_METHODS[method]).hexdigest()
    return f"{method}={digest}"


def verify_signature(body: bytes, secret: str, header: str) -> bool:
    """True when `header` is `method=hexdigest` with a supported method and the HMAC of `body` matches."""
    if not secret or not header:
        return False
    method, sep, signature = header.strip().partition("=")
    method = method.strip().lower()
    if not sep or method not in SIGNATURE_METHODS:
        return False
    claimed = f"{method}={signature.strip().lower()}"
    # As bytes: compare_digest refuses str with non-ASCII characters, and a header may carry any.
    return hmac.compare_digest(sign_body(body, secret, method).encode(), claimed.encode("utf-8", "replace"))


def subscription_form(
    *, mode: str, topic: str, callback: str, secret: str = "", lease_seconds: int | None = None
) -> dict[str, str]:
    """The hub.* fields of a subscription request (section 5.1). Raises ValueError on a bad field."""
    if mode not in MODES:
        raise ValueError(UNKNOWN_MODE)
    if len(secret.encode("utf-8")) > MAX_SECRET_BYTES:
        raise ValueError(HMAC_KEY_TOO_LONG)
    form = {"hub.callback": callback, "hub.mode": mode, "hub.topic": topic}
    if lease_seconds is not None:
        if lease_seconds <= 0:
            raise ValueError(BAD_LEASE)
        form["hub.lease_seconds"] = str(lease_seconds)
    if secret and mode == "subscribe":
        form["hub.secret"] = secret
    return form


def encode_form(form: Mapping[str, str]) -> bytes:
    """application/x-www-form-urlencoded body for a subscription request."""
    return urlencode(list(form.items())).encode("ascii")


@dataclass(frozen=True)
class IntentCheck:
    """What the hub's verification GET (section 5.3) asks us to confirm."""

    mode: str  # subscribe | unsubscribe | denied
    topic: str
    challenge: str = ""
    lease_seconds: int | None = None
    reason: str = ""  # only with mode=denied


def read_intent_check(params: Mapping[str, str]) -> IntentCheck | None:
    """The hub.* query parameters of a verification request, or None when they are incomplete."""
    mode, topic = params.get("hub.mode", ""), params.get("hub.topic", "")
    challenge = params.get("hub.challenge", "")
    if mode == "denied" and topic:
        return IntentCheck(mode=mode, topic=topic, reason=params.get("hub.reason", "")[:500])
    if mode not in MODES or not topic or not challenge:
        return None
    lease_text = params.get("hub.lease_seconds", "")
    lease = int(lease_text) if lease_text.isascii() and lease_text.isdigit() and len(lease_text) < 12 else None
    return IntentCheck(mode=mode, topic=topic, challenge=challenge, lease_seconds=lease)
