from django.urls import path

from newsdesk.common.methods import read_only
from newsdesk.community.feeds import CommentsAtomFeed
from newsdesk.community.views.comments import CommentEditView, CommentPostView, CommentReportView

app_name = "community"

# <label> is a comment target such as "articles.article" (newsdesk/community/targets.py).
urlpatterns = [
    path("<str:label>/<int:pk>/post/", CommentPostView.as_view(), name="comment_post"),
    path("<str:label>/<int:pk>/feed.atom", read_only(CommentsAtomFeed()), name="comments_feed"),
    path("<int:comment_id>/edit/", CommentEditView.as_view(), name="comment_edit"),
    path("<int:comment_id>/report/", CommentReportView.as_view(), name="comment_report"),
]
