"""An operator's edit of what decides a wire text's primary — a publisher's name, an article's publisher or wire
credit, made on their admin pages — re-chooses the group's primary at once, and the group's tally (what one more copy
is judged against) follows: a copy arriving later is judged against the facts as they are now."""

from datetime import timedelta

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.stories.models import ArticleSignature, SyndicationGroup
from newsdesk.stories.services import articles_stories_update
from newsdesk.stories.syndication_services import groups_recount
from tests.factories import make_article, make_publisher

pytestmark = pytest.mark.django_db

BODY = (
    "GENEVA (AFP) — Ministers agreed overnight to extend the grain corridor through the northern ports after talks "
    "in the capital that lasted eleven hours, officials said. The deal covers fertiliser shipments, insurance for "
    "vessels and joint inspections at the ports, and it runs until the end of the next harvest season. Shipping "
    "companies welcomed the extension, which keeps freight rates steady, while farmers' unions asked for faster "
    "inspections at the border crossings where lorries have queued for days since the spring."
)


@pytest.fixture
def copies():
    """Three copies of one AFP text by three outlets, a minute apart, grouped through the service."""
    base = timezone.now() - timedelta(days=1)
    made = []
    for n in range(3):
        publisher = make_publisher(name=f"Outlet {n}", homepage=f"https://outlet{n}.example/")
        url = f"https://outlet{n}.example/world/grain-{n}"
        made.append(
            make_article(
                publisher,
                canonical_url=url,
                original_url=url,
                title="Grain corridor extended after overnight talks",
                body_text=BODY,
                summary="",
                wire_credit="AFP",
                published_at=base + timedelta(minutes=n),
            )
        )
        articles_stories_update(articles=[made[-1]])
    return made


def _group(article: Article) -> SyndicationGroup:
    return SyndicationGroup.objects.get(copies__article=article)


def _originals(group: SyndicationGroup) -> list[int]:
    return list(ArticleSignature.objects.filter(group=group, is_repeat=False).values_list("article_id", flat=True))


def _admin_post(client, path: str, form_id: str, **changes: str):
    """Submit an admin change form as a browser would, with only these fields changed."""
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests")
    client.force_login(admin)
    form = lxml.html.fromstring(client.get(path).content).get_element_by_id(form_id)
    response = client.post(path, {**dict(form.form_values()), **changes})
    client.logout()
    return response


def test_renaming_an_outlet_to_the_credited_agency_makes_its_copy_the_primary_at_once(client, copies):
    first, _, third = copies
    assert _group(first).primary_id == first.pk  # the earliest copy

    response = _admin_post(
        client, f"/admin/sources/publisher/{third.publisher_id}/change/", "publisher_form", name="AFP"
    )

    assert response.status_code == 302
    group = _group(first)
    assert (group.primary_id, group.reasons[0]) == (third.pk, "published by the credited agency (AFP)")
    assert _originals(group) == [third.pk]


def test_moving_an_article_to_the_agency_publisher_re_chooses_and_a_later_copy_is_judged_by_the_new_facts(
    client, copies
):
    first, second, _ = copies
    agency = make_publisher(name="AFP", homepage="https://agency-feed.example/")

    response = _admin_post(
        client, f"/admin/articles/article/{second.pk}/change/", "article_form", publisher=str(agency.pk)
    )

    assert response.status_code == 302
    assert _group(first).primary_id == second.pk
    # One more copy, judged against the group's tally: the agency's copy keeps the credit.
    late = make_article(
        make_publisher(name="Outlet late", homepage="https://late.example/"),
        original_url="https://late.example/grain",
        canonical_url="https://late.example/grain",
        title="Grain corridor extended after overnight talks",
        body_text=BODY,
        summary="",
        wire_credit="AFP",
        published_at=first.published_at - timedelta(minutes=5),  # earlier than all, but not the agency
    )
    articles_stories_update(articles=[late])
    group = _group(first)
    assert group.size == 4
    assert _originals(group) == [second.pk]


def test_an_edit_that_does_not_touch_the_copy_facts_recounts_nothing(client, copies):
    first, second, _ = copies
    before = _group(first).tally

    response = _admin_post(client, f"/admin/articles/article/{second.pk}/change/", "article_form", title="Edited")

    assert response.status_code == 302
    assert Article.objects.get(pk=second.pk).title == "Edited"
    assert _group(first).tally == before
    assert groups_recount(article_ids=[second.pk]) == 1  # what the edit of a copy fact would have done
    assert groups_recount(article_ids=[]) == 0
