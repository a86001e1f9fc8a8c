from django.contrib import admin
from django.urls import include, path

from newsdesk.ingest.views import metrics_view

# A database outage met outside a view answers 503 too (newsdesk/common/health.py).
handler500 = "newsdesk.common.health.server_error"
# A malformed ?lang= or ?page=, a form too large to read: the site's page saying so (newsdesk/site/views/errors.py).
handler400 = "newsdesk.site.views.errors.bad_request"

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("newsdesk.community.account_urls")),
    path("comments/", include("newsdesk.community.urls")),
    path("api/", include("newsdesk.api.urls")),
    path("images/", include("newsdesk.media.urls")),
    path("websub/", include("newsdesk.websub.urls")),
    path("rights/", include("newsdesk.rights.urls")),
    path("", include("newsdesk.site.urls")),
]
