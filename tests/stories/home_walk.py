"""The home page read the way a reader pages through it, for the world tests' "the home page shows no duplicate"."""

from __future__ import annotations

import re

from newsdesk.stories.models import ArticleSignature, Story

STORY_LINK = re.compile(r'<h2 class="item-title"><a href="/stories/(\d+)/')
ARTICLE_LINK = re.compile(r'href="/article/(\d+)/"')
NEXT = re.compile(r'rel="next" href="\?page=(\d+)"')


def assert_home_shows_each_story_and_wire_text_once(client) -> int:
    """Page through the home page by its "More stories" link: every story with articles on one card, none twice
    on any page or across pages; the article sections never show a wire copy whose primary is shown, nor two copies
    of one text. Returns how many stories it showed."""
    stories: list[int] = []
    articles: list[int] = []
    page = "/"
    while page:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        stories += [int(pk) for pk in STORY_LINK.findall(html)]
        on_page = [int(pk) for pk in ARTICLE_LINK.findall(html)]
        assert len(on_page) == len(set(on_page)), page
        articles += on_page
        following = NEXT.search(html)
        page = f"/?page={following.group(1)}" if following else ""
    assert len(stories) == len(set(stories))
    assert set(stories) == set(Story.objects.filter(size__gt=0).values_list("pk", flat=True))
    shown = ArticleSignature.objects.filter(article_id__in=articles, group__isnull=False)
    assert not shown.filter(is_repeat=True).exists()
    groups = list(shown.values_list("group_id", flat=True))
    assert len(groups) == len(set(groups))
    return len(stories)
