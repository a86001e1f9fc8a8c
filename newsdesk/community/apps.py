from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "newsdesk.community"
    label = "community"
    verbose_name = "Community"
