"""A takedown of a story's lead, of a wire text's primary and of a story's only article, seen from the story
surfaces (issue 11 and the rights desk), with whole-response caching on: the home page, the story page, the story feeds, the
story API, search and the sitemap show nothing of what was removed, the story is re-led and recounted from what is
left, the wire text's remaining copy is shown, and the emptied story is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.counts import story_counts_refresh
from newsdesk.stories.models import ArticleSignature, Story
from tests.factories import make_article, make_publisher
from tests.rights.removal import operator_takedown
from tests.stories.rows import make_group, make_story

pytestmark = pytest.mark.django_db(transaction=True)

SURFACES = (
    "/",
    "/stories/rss.xml",
    "/stories/atom.xml",
    "/stories/feed.json",
    "/api/stories",
    "/search/?q=harbour",
    "/sitemap-articles.xml",
    "/sitemap-stories.xml",
)


def _report(name: str, title: str, hours: int, marker: str):
    return make_article(
        make_publisher(name=name),
        title=title,
        summary=f"{marker} summary of the harbour storm.",
        body_text=f"{marker} body: the harbour closed after the storm.",
        published_at=timezone.now() - timedelta(hours=hours),
    )


def test_a_takedown_of_a_lead_a_primary_and_an_only_article_leaves_no_trace_on_the_story_surfaces(client, settings):
    lead = _report("Courier", "Harbour bridge zqxlead closes", 5, "Zqxlead")
    primary = _report("Wire Post", "Storm zqxwire shuts the harbour", 4, "Zqxwire")
    copy = _report("Herald", "Storm shuts the harbour", 3, "Herald's")
    make_group(primary, [copy])
    story = make_story([lead, primary, copy])
    story_counts_refresh(story)
    only = _report("Gazette", "Harbour ferry zqxonly cancelled", 2, "Zqxonly")
    alone = make_story([only])
    settings.RESPONSE_CACHE_ENABLED = True
    pages = {path: client.get(path).content.decode() for path in SURFACES}
    assert all("zqxlead" in html.lower() for path, html in pages.items() if "sitemap" not in path)
    assert lead.get_absolute_url() in pages["/sitemap-articles.xml"]
    assert alone.get_absolute_url() in pages["/sitemap-stories.xml"]
    assert client.get(f"/stories/{alone.pk}/").status_code == 200

    assert operator_takedown(lead.canonical_url, primary.canonical_url, only.canonical_url) == 3

    story.refresh_from_db()
    assert (story.lead_article_id, story.headline, story.image_article_id) == (copy.pk, copy.title, copy.pk)
    assert (story.size, story.outlet_count, story.report_count) == (1, 1, 1)
    assert not ArticleSignature.objects.get(article=copy).is_repeat  # the copy left is shown, not hidden
    assert not Story.objects.filter(pk=alone.pk).exists()
    for path in (f"/stories/{alone.pk}/", f"/api/stories/{alone.pk}"):
        assert client.get(path).status_code == 404, path
    assert alone.get_absolute_url() not in client.get("/sitemap-stories.xml").content.decode()
    for path in (*SURFACES, f"/stories/{story.pk}/", f"/api/stories/{story.pk}"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "zqx" not in html.lower(), path
        for removed in (lead, primary, only):
            assert removed.image_key not in html, path
            assert removed.get_absolute_url() not in html, path
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert f'href="{copy.get_absolute_url()}"' in page
    assert "1 outlet · 1 article" in page
