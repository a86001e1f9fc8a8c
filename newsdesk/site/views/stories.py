from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from newsdesk.common.url_patterns import moved_permanently, url_for
from newsdesk.community.targets import target_label
from newsdesk.site.languages import language_asked
from newsdesk.site.page_cache import page_response
from newsdesk.site.story_page import STORY_DETAIL, story_page
from newsdesk.site.syndication import STORIES, FeedLink, feed_links
from newsdesk.stories.models import Story
from newsdesk.stories.redirects import story_gone, story_redirect_target

STORY_GONE_TEMPLATE = "site/story_gone.html"
COMMENTS_FEED_TITLE = "Comments on “{headline}” (Atom)"


class StoryDetailView(View):
    def get(self, request: HttpRequest, story_id: int) -> HttpResponse:
        language = language_asked(request)
        found = story_page(story_id, language=language)
        if found is None:
            # A story merged into another (or emptied at its close): its address leads to the one it became.
            target = story_redirect_target(story_id=story_id)
            if target is None and story_gone(story_id=story_id):
                # What it became was removed since (a takedown): gone for good, not a mistyped address.
                return render(request, STORY_GONE_TEMPLATE, status=410)
            if target is None:
                raise Http404("No such story")
            return moved_permanently(request, url_for("site:story", target))
        key, identity, page, headline = found
        # What the comments need of their target: its identity (they are rendered for their reader).
        story = Story(pk=key.id)
        comments_feed = FeedLink(
            COMMENTS_FEED_TITLE.format(headline=headline),
            "application/atom+xml",
            reverse("community:comments_feed", args=[target_label(story), story.pk]),
        )
        context = {"page": page, "story": story, "feeds": [comments_feed, *feed_links(STORIES, language=language)]}
        # Its feed links follow the reader's `?lang=`: one cached page per reading, even where the blocks are shared.
        blocks = (identity[0], (*identity[1], language)) if language else identity
        return page_response(request, STORY_DETAIL, context, blocks=blocks, target=story)
