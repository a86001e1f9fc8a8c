from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "newsdesk.media"
    label = "media"
