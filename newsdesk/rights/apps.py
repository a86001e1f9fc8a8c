from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "newsdesk.rights"
    label = "rights"
    verbose_name = "Rights and takedowns"
