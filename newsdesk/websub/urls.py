from django.urls import path

from newsdesk.websub.views import WebSubCallbackView

app_name = "websub"

urlpatterns = [
    path("callback/<int:subscription_id>/", WebSubCallbackView.as_view(), name="callback"),
]
