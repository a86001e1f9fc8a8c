"""Every URL of the URL conf refuses a POST without a CSRF token (403; a view that takes no POST answers its 405
first), except the few documented as exempt; every public form answers bad input with a clear message and gives
back what was typed."""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from newsdesk.common.methods import view_methods
from newsdesk.community.forms import EMAIL_TAKEN, EMPTY_COMMENT
from newsdesk.community.services import comment_create
from newsdesk.community.spam import form_started_token
from newsdesk.rights.forms import TakedownForm
from newsdesk.site.views.errors import FORM_EXPIRED
from tests.community.conftest import make_member
from tests.factories import make_article, make_publisher

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Views that take POSTs from something that cannot hold a CSRF token, and what protects them instead.
READ_ONLY_API = "the read-only JSON API: a write gets its JSON 405 (tests/api), nothing changes, nothing to forge"
CSRF_EXEMPT = {
    "websub:callback": "hubs push content; each push is checked against the subscription's HMAC secret",
    **dict.fromkeys(
        (
            "api:article_list",
            "api:newsdesk.api.articles.ArticleListApi",  # /api/articles/
            "api:article_detail",
            "api:story_list",
            "api:newsdesk.api.stories.StoryListApi",  # /api/stories/
            "api:story_detail",
            "api:schema",
            "api:docs",
            "api:not_found",
            "api:root",
            "api:newsdesk.api.responses.RedirectApi",  # /api/articles/<id>/ and /api/stories/<id>/
        ),
        READ_ONLY_API,
    ),
}
SAMPLE_BY_CONVERTER = {
    "int": "1",
    "zero_led_id": "01",
    "str": "x",
    "slug": "x",
    "path": "x/y",
    "uuid": str(uuid.UUID(int=1)),
}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_ALTERNATIVES = re.compile(r"\(\?P<\w+>([\w-]+)(?:\|[\w|-]+)?\)")
_REGEX_ANY = re.compile(r"\(\?P<\w+>[^)]*\)")


def _sample_path(pattern) -> str:
    """A concrete path that the pattern matches: parameters get sample values of their converter's kind."""
    text = str(pattern)
    if text.startswith("^") or text.endswith("$") or "(?P<" in text:
        text = _REGEX_ALTERNATIVES.sub(r"\1", text)  # (?P<app_label>auth|sources) -> auth
        text = _REGEX_ANY.sub("1", text)
        return text.lstrip("^").rstrip("$").replace("\\", "")
    return _ROUTE_PARAM.sub(lambda m: SAMPLE_BY_CONVERTER.get(m["converter"] or "str", "x"), text)


def url_conf_entries(patterns=None, prefix: str = "", namespace: str = ""):
    """(name, path, view) for every URL pattern of the URL conf, with a sample path for each."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_conf_entries(entry.url_patterns, prefix + _sample_path(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.lookup_str}", "/" + prefix + _sample_path(entry.pattern), entry


def view_is_csrf_exempt(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    dispatch = getattr(view_class, "dispatch", None)
    return getattr(callback, "csrf_exempt", False) or getattr(dispatch, "csrf_exempt", False)


def test_every_url_refuses_a_post_without_a_csrf_token(db):
    staff = get_user_model().objects.create_superuser("csrf-admin", "csrf@example.org", "pw-for-tests")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    checked, exempt, unreachable = [], {}, []
    for name, path, pattern in url_conf_entries():
        try:
            match = resolve(path)
        except Resolver404:
            unreachable.append((name, path))
            continue
        if match.func is not pattern.callback:  # the sample path reached another pattern: this one went unchecked
            unreachable.append((name, path, match.view_name))
            continue
        if view_is_csrf_exempt(match.func):
            exempt[match.view_name] = path
            continue
        response = client.post(path, {"anything": "1"})
        allowed = view_methods(match.func)
        refused_by = 405 if allowed is not None and "POST" not in allowed else 403  # never the view's own answer
        assert response.status_code == refused_by, (name, path, response.status_code)
        checked.append(name)

    assert set(exempt) == set(CSRF_EXEMPT), exempt
    assert unreachable == []
    assert len(checked) > 100  # the admin's pages, accounts, comments, rights, site, API
    for form_view in ("accounts:signup", "accounts:login", "community:comment_post", "rights:takedown", "admin:login"):
        assert form_view in checked


# --- bad input: a clear message, and nothing typed is lost --------------------------------------------------------


def page_of(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return response.content.decode()


def test_sign_up_with_a_taken_email_says_so_and_keeps_the_rest(client):
    make_member(email="taken@example.org")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "harbourfan",
            "email": "taken@example.org",
            "display_name": "Harbour Fan",
            "password1": "a-long-enough-password-7",
            "password2": "a-long-enough-password-7",
        },
    )

    page = page_of(response)
    assert response.status_code == 400
    assert EMAIL_TAKEN in page
    assert 'value="harbourfan"' in page
    assert 'value="Harbour Fan"' in page
    assert 'value="taken@example.org"' in page


def test_a_wrong_password_says_so_and_keeps_the_username(client):
    make_member(username="keeper")
    response = client.post("/accounts/login/", {"username": "keeper", "password": "wrong-password-1"})

    page = page_of(response)
    assert response.status_code == 400
    assert "Please enter a correct username and password" in page
    assert 'value="keeper"' in page


def test_a_password_reset_for_a_malformed_address_says_so_and_keeps_it(client):
    page = page_of(client.post("/accounts/password-reset/", {"email": "not-an-address"}))

    assert "Enter a valid email address." in page
    assert 'value="not-an-address"' in page


def test_an_empty_comment_says_so_and_keeps_the_reply_target(client):
    article = make_article(make_publisher(name="Form Times"), title="Forms", image_url="")
    author = make_member(trusted=True)
    top = comment_create(author=author, target=article, body="The thread")
    client.force_login(author)

    response = client.post(
        f"/comments/articles.article/{article.pk}/post/",
        {"body": "   ", "started": form_started_token(), "website": "", "parent": str(top.pk)},
    )

    page = page_of(response)
    assert response.status_code == 400
    assert EMPTY_COMMENT in page
    assert f'name="parent" value="{top.pk}"' in page


def test_a_comment_with_too_many_links_says_so_and_keeps_the_text(client, settings):
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 0
    article = make_article(make_publisher(name="Form Times"), title="Forms", image_url="")
    client.force_login(make_member(trusted=True))
    body = "See https://a.example and https://b.example and https://c.example for more"

    response = client.post(
        f"/comments/articles.article/{article.pk}/post/",
        {"body": body, "started": form_started_token(), "website": ""},
    )

    page = page_of(response)
    assert response.status_code == 400
    assert "A comment may carry at most 2 links." in page
    assert body in page


def test_a_takedown_notice_without_the_statements_says_so_and_keeps_everything(client):
    typed = {
        "requester_name": "Jane Counsel",
        "requester_email": "legal@harbour.example",
        "organisation": "Harbour Gazette",
        "contact": "1 Quay Street, Harbourtown",
        "work": "Our photo essay on the harbour",
        "urls": "https://harbour.example/news/essay",
        "prefix": "",
        "signature": "Jane Counsel",
    }

    response = client.post("/rights/takedown", typed)

    page = page_of(response)
    assert response.status_code == 400
    assert str(TakedownForm.base_fields["good_faith"].error_messages["required"]) in page
    for value in typed.values():
        assert value in page


@pytest.mark.parametrize("path", ["/rights/takedown", "/accounts/login/", "/comments/articles.article/1/post/"])
def test_a_post_that_fails_the_csrf_check_gets_the_sites_page_saying_what_to_do(path):
    """A form left open while the reader signed in elsewhere (a new CSRF token), or cookies blocked: the site's own
    403 page with the way out, not Django's bare "CSRF verification failed" page."""
    response = Client(enforce_csrf_checks=True).post(path, {"anything": "1"})

    page = response.content.decode()
    assert response.status_code == 403
    assert FORM_EXPIRED in page
    assert 'class="site-header"' in page
    assert "DEBUG=True" not in page
