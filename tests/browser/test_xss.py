"""The XSS corpus (../shared/eval/xss) posted as comment bodies, display names and takedown-form fields, rendered
in chromium.

Every vector is stored the way a posted comment is (rendered and sanitized by community.markup) and shown on
article and story pages, a few hundred per page; a sample also goes through the real forms, including the pages
that echo a refused comment or sign-up back with what was typed. On every page a hook records any call of
alert/confirm/prompt/print/open and every CSP violation, and a DOM scan looks for markup that could run script.
Pages are checked twice: with the site's CSP, and with the CSP bypassed, so the sanitizer alone must hold.
"""

import json

import pytest
from django.contrib.auth import get_user_model

from newsdesk.community.markup import comment_render, text_fingerprint
from newsdesk.community.models import Comment, Member
from newsdesk.community.targets import target_type
from tests.browser.helpers import hooked_context, page_findings
from tests.community.conftest import make_member
from tests.factories import make_article, make_publisher
from tests.shared_data import shared_eval_dir
from tests.stories.rows import make_story

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PER_PAGE = 450
# Vectors also typed into the real forms (every FORM_STRIDE-th one, and every one that closes a textarea).
FORM_STRIDE = 500
CLEAN = {"ran": [], "csp": [], "dom": []}
# Takedown notices stored from the sample (each also mails and audits, so a few are enough for the desk's lists).
STORED_NOTICES = 6
# Sets the fields in one round trip (page.fill per field costs more than the post itself); what is typed is the
# same, and the form is submitted by a real click.
SET_FIELDS = """
(values) => {
  for (const [selector, value] of Object.entries(values)) {
    const field = document.querySelector(selector);
    if (field.type === 'checkbox') field.checked = value; else field.value = value;
  }
}
"""


def xss_vectors() -> list[dict]:
    path = shared_eval_dir("xss") / "vectors.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def store_as_comments(vectors: list[dict], targets: list) -> None:
    """One author per vector, named with it; the vector as that author's approved comment, spread over targets."""
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"xss-{n}", email=f"xss-{n}@example.org", password="!") for n in range(len(vectors))]
    )
    users = list(get_user_model().objects.filter(username__startswith="xss-").order_by("pk"))
    Member.objects.bulk_create(
        # display_name is 80 characters at most (as the sign-up form allows); the body keeps the whole vector.
        [
            Member(user=user, display_name=v["payload"][:80] or "empty", is_trusted=True)
            for user, v in zip(users, vectors, strict=True)
        ]
    )
    comments = []
    for n, (user, vector) in enumerate(zip(users, vectors, strict=True)):
        target = targets[n // PER_PAGE]
        comments.append(
            Comment(
                target_type=target_type(target),
                target_id=target.pk,
                author=user,
                body=vector["payload"],
                body_html=comment_render(vector["payload"]),
                body_fingerprint=text_fingerprint(vector["payload"]),
                status=Comment.Status.APPROVED,
            )
        )
    Comment.objects.bulk_create(comments, batch_size=500)


def visit(page, url: str) -> dict[str, list[str]]:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    return page_findings(page)


def test_no_vector_runs_as_a_comment_or_a_name_on_article_and_story_pages(live_server, browser):
    vectors = xss_vectors()
    assert len(vectors) > 2000
    publisher = make_publisher(name="Corpus Gazette")
    pages = -(-len(vectors) // PER_PAGE)
    articles = [make_article(publisher, title=f"Corpus page {n}", image_url="") for n in range(pages)]
    # Half the pages are stories: both page types carry the same comment section.
    targets = [make_story([a]) if n % 2 else a for n, a in enumerate(articles)]
    store_as_comments(vectors, targets)

    for bypass_csp in (False, True):
        context = hooked_context(browser, base_url=live_server.url, bypass_csp=bypass_csp)
        page = context.new_page()
        for target in targets:
            url = live_server.url + target.get_absolute_url()
            findings = visit(page, url)
            assert findings == CLEAN, (url, bypass_csp, findings)
            shown = page.locator(".comment").count()
            assert shown == Comment.objects.filter(target_type=target_type(target), target_id=target.pk).count()
            assert page.url == url  # nothing navigated away
        context.close()


def test_vectors_typed_into_the_forms_and_echoed_back_run_nothing(live_server, browser, settings):
    settings.COMMUNITY_MIN_COMPOSE_SECONDS = 0
    settings.COMMUNITY_RATE_LIMIT = (10_000, 600)
    vectors = xss_vectors()
    # The echo pages put the text back into a <textarea>: the vectors that try to close it are the ones that matter.
    closers = [v for v in vectors if "</textarea" in v["payload"].lower()]
    sample = [v for n, v in enumerate(vectors) if n % FORM_STRIDE == 0] + closers
    article = make_article(make_publisher(name="Form Gazette"), title="Forms page", image_url="")
    author = make_member(trusted=True)
    context = hooked_context(browser, base_url=live_server.url, user=author)
    page = context.new_page()
    post_url = f"{live_server.url}/comments/articles.article/{article.pk}/post/"
    posted = refused = 0

    page.goto(post_url)
    for vector in sample:
        # The next vector goes into the form on the page this post led to (the echo, or the article's own form).
        page.evaluate(SET_FIELDS, {"#id_body": vector["payload"][:5000]})
        with page.expect_navigation() as navigation:
            page.click("form.comment-form button[type=submit]")
        status = navigation.value.status
        findings = page_findings(page)
        assert findings == CLEAN, (vector["id"], findings)
        if status == 400:  # refused (links, duplicates...): the page echoes the text in the textarea
            refused += 1
            assert page.input_value("#id_body") == vector["payload"][:5000].replace("\r\n", "\n")
        else:
            posted += 1
            assert status == 200, (vector["id"], status)
            assert "#comment-" in page.url, (vector["id"], page.url)
    # Both the comment and the echo paths were exercised.
    assert posted > 0
    assert refused > 0

    signup = live_server.url + "/accounts/signup/"
    for n, vector in enumerate(sample[:6]):
        page.goto(signup)
        # Refused (the passwords differ): the form comes back with the name typed.
        fields = {
            "#id_username": f"signup{n}",
            "#id_email": f"signup{n}@example.org",
            "#id_display_name": vector["payload"][:80],
            "#id_password1": "a-long-enough-password-7",
            "#id_password2": "not-the-same-password-8",
        }
        page.evaluate(SET_FIELDS, fields)
        with page.expect_navigation() as navigation:
            page.click("form.account-form button[type=submit]")
        assert navigation.value.status == 400
        assert page_findings(page) == CLEAN, vector["id"]
    context.close()


TAKEDOWN_TEXT_FIELDS = {  # field id: its max_length in rights.forms.TakedownForm
    "#id_requester_name": 200,
    "#id_organisation": 200,
    "#id_contact": 1000,
    "#id_work": 5000,
    "#id_signature": 200,
}


def fill_takedown(page, payload: str, *, n: int, complete: bool) -> None:
    values = {field: payload[:limit] for field, limit in TAKEDOWN_TEXT_FIELDS.items()}
    values["#id_requester_email"] = f"legal{n}@harbour.example"
    values["#id_urls"] = f"https://harbour.example/news/{n}" if complete else payload[:50_000]
    values["#id_prefix"] = "" if complete else payload[:2000]
    values["#id_good_faith"] = values["#id_accurate"] = complete
    page.evaluate(SET_FIELDS, values)


def test_vectors_in_the_takedown_form_its_echo_and_the_desk_run_nothing(live_server, browser, settings):
    settings.NEWSDESK_TAKEDOWN_RATE_LIMIT = 10_000
    vectors = xss_vectors()
    sample = [v for n, v in enumerate(vectors) if n % FORM_STRIDE == 0] + [
        v for v in vectors if "</textarea" in v["payload"].lower()
    ]
    context = hooked_context(browser, base_url=live_server.url)
    page = context.new_page()
    form_url = live_server.url + "/rights/takedown"
    page.goto(form_url)
    for n, vector in enumerate(sample):
        # Refused (the boxes unticked): the next vector goes into the echoed form, which keeps everything typed.
        fill_takedown(page, vector["payload"], n=n, complete=False)
        with page.expect_navigation() as navigation:
            page.click("form.takedown-form button[type=submit]")
        assert navigation.value.status == 400, vector["id"]
        assert page_findings(page) == CLEAN, vector["id"]
        assert page.input_value("#id_work").strip() == vector["payload"][:5000].replace("\r\n", "\n").strip()
    stored = 0
    for n, vector in enumerate(sample[:STORED_NOTICES]):
        page.goto(form_url)
        fill_takedown(page, vector["payload"], n=n, complete=True)
        with page.expect_navigation() as navigation:
            page.click("form.takedown-form button[type=submit]")
        assert page_findings(page) == CLEAN, vector["id"]
        stored += navigation.value.status == 201
    context.close()
    assert stored > 0

    staff = make_member(staff=True, trusted=True, name="Operator")
    context = hooked_context(browser, base_url=live_server.url, user=staff)
    page = context.new_page()
    for path in ("/admin/", "/admin/rights/takedownrequest/", "/rights/transparency"):
        assert visit(page, live_server.url + path) == CLEAN, path
    context.close()


def test_moderators_see_every_vector_in_the_admin_lists_without_anything_running(live_server, browser, monkeypatch):
    from django.contrib import admin

    vectors = xss_vectors()
    article = make_article(make_publisher(name="Admin Gazette"), title="Admin page", image_url="")
    store_as_comments(vectors, [article] * (len(vectors) // PER_PAGE + 1))
    for model in (Comment, Member):
        monkeypatch.setattr(admin.site._registry[model], "list_per_page", len(vectors) + 10)
    moderator = make_member(staff=True, trusted=True, name="Mod")
    context = hooked_context(browser, base_url=live_server.url, user=moderator)
    page = context.new_page()

    for path, rows in (("/admin/community/comment/?queue=all", len(vectors)), ("/admin/community/member/", None)):
        findings = visit(page, live_server.url + path)
        assert findings == CLEAN, (path, findings)
        if rows is not None:
            assert page.locator("#result_list tbody tr").count() == rows
    context.close()


def test_the_hooks_catch_a_payload_that_was_not_sanitized(live_server, browser):
    # The detector itself: a comment stored raw (as a broken sanitizer would) must be reported in both modes.
    article = make_article(make_publisher(name="Canary Gazette"), title="Canary page", image_url="")
    author = make_member(trusted=True)
    raw = '<img src="/nothing.png" onerror="alert(1)"><a href="javascript:alert(2)">x</a>'
    Comment.objects.create(
        target_type=target_type(article),
        target_id=article.pk,
        author=author,
        body=raw,
        body_html=raw,
        body_fingerprint=text_fingerprint(raw),
        status=Comment.Status.APPROVED,
    )
    for bypass_csp in (False, True):
        context = hooked_context(browser, base_url=live_server.url, bypass_csp=bypass_csp)
        page = context.new_page()
        page.goto(live_server.url + article.get_absolute_url())
        page.wait_for_timeout(300)  # the broken image's error event
        findings = page_findings(page)
        assert any("onerror" in problem for problem in findings["dom"])
        assert any("javascript:" in problem for problem in findings["dom"])
        if bypass_csp:
            assert findings["ran"] == ["alert(1)"]
        else:
            assert findings["ran"] == []
            assert findings["csp"]
        context.close()
