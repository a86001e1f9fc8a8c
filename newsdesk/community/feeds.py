"""The comments feed of one target (Atom): its approved comments, newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed

from newsdesk.community.models import Comment
from newsdesk.community.selectors import author_name, comment_feed_items
from newsdesk.community.targets import UnknownTarget, target_get


class CommentsAtomFeed(Feed):
    feed_type = Atom1Feed

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
        return f"{author_name(item)}: {item.body[:80]}"

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
