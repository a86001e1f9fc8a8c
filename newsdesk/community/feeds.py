"""The comments feed of one target (Atom): its approved comments, newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseGone
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from newsdesk.common.url_patterns import moved_permanently
from newsdesk.community.models import Comment
from newsdesk.community.selectors import author_name, comment_feed_items, comment_title
from newsdesk.community.targets import UnknownTarget, target_get, target_gone, target_successor


class CommentsAtomFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, label: str, pk: int) -> HttpResponse:
        try:
            return super().__call__(request, label=label, pk=pk)
        except Http404:
            # A story merged into another: its comments moved there, and so does its feed's address.
            successor = target_successor(label=label, pk=pk)
            if successor is None and (reason := target_gone(label=label, pk=pk)):
                # Removed for good (a takedown, or a story merged into one taken down since): gone, as its page is.
                return HttpResponseGone(f"Gone: {reason}", content_type="text/plain")
            if successor is None:
                raise
            return moved_permanently(request, reverse("community:comments_feed", args=[label, successor]))

    def get_object(self, request: HttpRequest, label: str, pk: int):
        try:
            return target_get(label=label, pk=pk)
        except UnknownTarget:
            raise Http404("Nothing to comment on here") from None

    def title(self, obj) -> str:
        return f"Comments on “{obj}” — {settings.SITE_NAME}"

    def link(self, obj) -> str:
        return obj.get_absolute_url() + "#comments"

    def subtitle(self, obj) -> str:
        return f"Readers' comments on {obj}"

    def items(self, obj) -> list[Comment]:
        return comment_feed_items(target=obj)

    def item_title(self, item: Comment) -> str:
        return comment_title(item)

    def item_description(self, item: Comment) -> str:
        return item.body_html  # rendered from the Markdown subset and sanitized by nh3 (markup.py)

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Comment) -> str:
        return author_name(item)

    def item_pubdate(self, item: Comment):
        return item.created_at

    def item_updateddate(self, item: Comment):
        return item.edited_at or item.created_at
