from django.urls import path

from newsdesk.media.views import ImageServeView

app_name = "media"
urlpatterns = [path("<str:name>", ImageServeView.as_view(), name="image")]
