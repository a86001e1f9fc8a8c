from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api.urls")),
    path("websub/", include("newsdesk.websub.urls")),
    path("", include("newsdesk.site.urls")),
]
