from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views import View

from newsdesk.community.targets import target_label
from newsdesk.site.syndication import STORIES, FeedLink, feed_links
from newsdesk.stories.presentation import story_card
from newsdesk.stories.selectors import story_coverage, story_get

COMMENTS_FEED_TITLE = "Comments on “{headline}” (Atom)"


class StoryDetailView(View):
    def get(self, request: HttpRequest, story_id: int) -> HttpResponse:
        story = story_get(story_id=story_id)
        if story is None:
            raise Http404("No such story")
        card = story_card(story)
        comments_feed = FeedLink(
            COMMENTS_FEED_TITLE.format(headline=card.headline),
            "application/atom+xml",
            reverse("community:comments_feed", args=[target_label(story), story.pk]),
        )
        context = {
            "story": story,
            "card": card,
            "coverage": story_coverage(story),
            "feeds": [comments_feed, *feed_links(STORIES)],
        }
        response = render(request, "site/story_detail.html", context)
        if request.user.is_authenticated:
            # Their page carries their name, their pending comments and a CSRF token: no shared cache may keep it.
            patch_cache_control(response, private=True, no_store=True)
        return response
