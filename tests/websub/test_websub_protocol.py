"""reader.feeds.websub: signatures, subscription forms, intent checks. No Django."""

import hashlib
import hmac

import pytest

from newsdesk.reader.feeds.websub import (
    BAD_LEASE,
    HMAC_KEY_TOO_LONG,
    UNKNOWN_MODE,
    IntentCheck,
    encode_form,
    read_intent_check,
    sign_body,
    subscription_form,
    verify_signature,
)

BODY = b"<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title></feed>"
SECRET = "s3cret-key"


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_each_spec_method_verifies_its_own_hmac(method):
    digest = hmac.new(SECRET.encode(), BODY, getattr(hashlib, method)).hexdigest()

    assert verify_signature(BODY, SECRET, f"{method}={digest}")
    assert sign_body(BODY, SECRET, method) == f"{method}={digest}"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (sign_body(BODY, SECRET), True),
        (sign_body(BODY, SECRET).upper(), True),  # method and hex digits are case-insensitive
        (" " + sign_body(BODY, SECRET) + " ", True),
        (sign_body(BODY, "other secret"), False),
        (sign_body(BODY + b" ", SECRET), False),
        ("md5=" + hmac.new(SECRET.encode(), BODY, hashlib.md5).hexdigest(), False),
        (sign_body(BODY, SECRET).partition("=")[2], False),  # no method
        ("sha256=", False),
        ("", False),
        ("sha256=zz", False),
        ("sha256=\u00e9" + sign_body(BODY, SECRET)[8:], False),  # non-ASCII, as Django decodes a header (latin-1)
    ],
)
def test_signature_headers_are_accepted_only_when_exact(header, expected):
    assert verify_signature(BODY, SECRET, header) is expected


def test_an_empty_secret_never_verifies():
    assert not verify_signature(BODY, "", sign_body(BODY, ""))


def test_subscription_form_carries_the_spec_fields():
    form = subscription_form(
        mode="subscribe", topic="https://t.test/feed", callback="https://me.test/cb/1/", secret="k", lease_seconds=3600
    )

    assert form == {
        "hub.callback": "https://me.test/cb/1/",
        "hub.mode": "subscribe",
        "hub.topic": "https://t.test/feed",
        "hub.lease_seconds": "3600",
        "hub.secret": "k",
    }
    assert encode_form(form).startswith(b"hub.callback=https%3A%2F%2Fme.test%2Fcb%2F1%2F&hub.mode=subscribe")


def test_unsubscribe_requests_never_send_the_secret():
    form = subscription_form(mode="unsubscribe", topic="https://t.test/f", callback="https://me.test/cb", secret="k")

    assert "hub.secret" not in form


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "publish"}, UNKNOWN_MODE),
        ({"secret": "x" * 200}, HMAC_KEY_TOO_LONG),
        ({"lease_seconds": 0}, BAD_LEASE),
    ],
)
def test_bad_subscription_fields_are_refused(fields, message):
    values = {"mode": "subscribe", "topic": "https://t.test/f", "callback": "https://me.test/cb", **fields}

    with pytest.raises(ValueError, match=message):
        subscription_form(**values)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"hub.mode": "subscribe", "hub.topic": "T", "hub.challenge": "c", "hub.lease_seconds": "86400"},
            IntentCheck(mode="subscribe", topic="T", challenge="c", lease_seconds=86400),
        ),
        (
            {"hub.mode": "unsubscribe", "hub.topic": "T", "hub.challenge": "c", "hub.lease_seconds": "-5"},
            IntentCheck(mode="unsubscribe", topic="T", challenge="c"),
        ),
        (
            {"hub.mode": "denied", "hub.topic": "T", "hub.reason": "no"},
            IntentCheck(mode="denied", topic="T", reason="no"),
        ),
        ({"hub.mode": "subscribe", "hub.topic": "T"}, None),
        ({"hub.mode": "subscribe", "hub.challenge": "c"}, None),
        ({"hub.mode": "publish", "hub.topic": "T", "hub.challenge": "c"}, None),
        ({}, None),
    ],
)
def test_intent_checks_are_read_from_the_query(params, expected):
    assert read_intent_check(params) == expected
