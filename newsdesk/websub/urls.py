from django.urls import path

from newsdesk.websub.views import WebSubCallbackView

app_name = "websub"

urlpatterns = [
    # The token makes the URL unguessable (ids are sequential); a URL without it matches nothing: 404.
    path("callback/<int:subscription_id>/<str:token>/", WebSubCallbackView.as_view(), name="callback"),
]
