from django.urls import path, re_path

from newsdesk.api.articles import ArticleDetailApi, ArticleListApi
from newsdesk.api.docs import ApiDocsView, ApiSchemaApi
from newsdesk.api.responses import NotFoundApi, RedirectApi
from newsdesk.api.stories import StoryDetailApi, StoryListApi
from newsdesk.common.url_patterns import ZERO_LED_ID

app_name = "api"
urlpatterns = [
    path("", RedirectApi.as_view(to="api:docs", permanent=False), name="root"),
    path("articles", ArticleListApi.as_view(), name="article_list"),
    path("articles/", ArticleListApi.as_view()),
    # /api/articles/01 (and 01/): one address per article, as the site's pages; before the routes that take any text.
    path(f"articles/<{ZERO_LED_ID}:article_id>", RedirectApi.as_view(to="api:article_detail")),
    path(f"articles/<{ZERO_LED_ID}:article_id>/", RedirectApi.as_view(to="api:article_detail")),
    path("articles/<str:article_id>", ArticleDetailApi.as_view(), name="article_detail"),
    path("articles/<str:article_id>/", RedirectApi.as_view(to="api:article_detail")),
    path("stories", StoryListApi.as_view(), name="story_list"),
    path("stories/", StoryListApi.as_view()),
    path(f"stories/<{ZERO_LED_ID}:story_id>", RedirectApi.as_view(to="api:story_detail")),
    path(f"stories/<{ZERO_LED_ID}:story_id>/", RedirectApi.as_view(to="api:story_detail")),
    path("stories/<str:story_id>", StoryDetailApi.as_view(), name="story_detail"),
    path("stories/<str:story_id>/", RedirectApi.as_view(to="api:story_detail")),
    path("schema", ApiSchemaApi.as_view(), name="schema"),
    path("docs", ApiDocsView.as_view(), name="docs"),
    re_path(r"^.*$", NotFoundApi.as_view(), name="not_found"),
]
