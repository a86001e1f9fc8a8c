from django.apps import AppConfig


class WebSubConfig(AppConfig):
    name = "newsdesk.websub"
    label = "websub"
    verbose_name = "WebSub"
