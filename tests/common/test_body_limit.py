"""RequestBodyLimitMiddleware: 413 before reading an oversized body, 400 for a malformed length, and a chunked body
within the limit reaches the view as an ordinary one."""

import io

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from newsdesk.common.middleware import REQUEST_TOO_LARGE, RequestBodyLimitMiddleware
from newsdesk.common.response_cache import CachedResponse, _LocalEntries


class _Unreadable(io.RawIOBase):
    def read(self, size=-1):
        raise AssertionError("the body was read")


def _middleware():
    return RequestBodyLimitMiddleware(lambda request: HttpResponse(request.body, content_type="text/plain"))


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.NEWSDESK_MAX_REQUEST_BYTES = 10


def test_an_oversized_content_length_gets_413_without_reading_the_body():
    request = RequestFactory().post("/", data=b"", content_type="text/plain")
    request.META.update(CONTENT_LENGTH="11")
    request.META["wsgi.input"] = _Unreadable()

    response = _middleware()(request)

    assert response.status_code == 413
    assert response.content.decode() == REQUEST_TOO_LARGE.format(limit=10)


def test_a_malformed_content_length_gets_400():
    request = RequestFactory().post("/", data=b"x", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = "lots"

    assert _middleware()(request).status_code == 400


@pytest.mark.parametrize(("body", "status"), [(b"0123456789", 200), (b"0123456789a", 413)])
def test_a_chunked_body_is_read_up_to_the_limit(body, status):
    request = RequestFactory().generic("POST", "/", content_type="text/plain")
    request.META.pop("CONTENT_LENGTH", None)
    request.META.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body)})

    response = _middleware()(request)

    assert response.status_code == status
    if status == 200:
        assert response.content == body


def test_a_local_entry_expires_and_the_least_recently_used_goes():
    entries = _LocalEntries(2)
    entry = CachedResponse(200, (), b"x", '"e"', 0)
    entries.put("a", entry, ttl=60)
    assert entries.get("a") is entry
    entries.put("b", entry, ttl=-1)
    assert entries.get("b") is None
    entries.put("c", entry, ttl=60)
    entries.put("d", entry, ttl=60)
    assert entries.get("a") is None  # the least recently used one went
