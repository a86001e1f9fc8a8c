from django.contrib import admin
from django.urls import include, path

from newsdesk.ingest.views import metrics_view

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api.urls")),
    path("websub/", include("newsdesk.websub.urls")),
    path("", include("newsdesk.site.urls")),
]
