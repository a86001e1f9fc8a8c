from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "newsdesk.rights"
    label = "rights"
    verbose_name = "Rights and takedowns"

    def ready(self) -> None:
        from newsdesk.common.signals import target_gone_asked
        from newsdesk.rights.selectors import article_gone_reason

        target_gone_asked.connect(article_gone_reason, dispatch_uid="rights-target-gone")
