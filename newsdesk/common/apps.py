from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "newsdesk.common"
    label = "common"
