from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views import View

from newsdesk.community.targets import target_label
from newsdesk.site.languages import language_asked
from newsdesk.site.page_cache import page_response
from newsdesk.site.story_page import STORY_DETAIL, story_page
from newsdesk.site.syndication import STORIES, FeedLink, feed_links
from newsdesk.stories.models import Story

COMMENTS_FEED_TITLE = "Comments on “{headline}” (Atom)"


class StoryDetailView(View):
    def get(self, request: HttpRequest, story_id: int) -> HttpResponse:
        found = story_page(story_id, language=language_asked(request))
        if found is None:
            raise Http404("No such story")
        key, identity, page, headline = found
        # What the comments need of their target: its identity (they are rendered for their reader).
        story = Story(pk=key.id)
        comments_feed = FeedLink(
            COMMENTS_FEED_TITLE.format(headline=headline),
            "application/atom+xml",
            reverse("community:comments_feed", args=[target_label(story), story.pk]),
        )
        context = {"page": page, "story": story, "feeds": [comments_feed, *feed_links(STORIES)]}
        return page_response(request, STORY_DETAIL, context, blocks=identity, target=story)
