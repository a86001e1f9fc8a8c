from django.apps import AppConfig


class WorldConfig(AppConfig):
    name = "newsdesk.world"
    label = "world"
