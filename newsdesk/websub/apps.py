from django.apps import AppConfig


class WebSubConfig(AppConfig):
    name = "newsdesk.websub"
    label = "websub"
    verbose_name = "WebSub"

    def ready(self) -> None:
        from newsdesk.ingest.signals import hub_found
        from newsdesk.websub.receivers import hub_subscribe

        hub_found.connect(hub_subscribe, dispatch_uid="websub.hub_subscribe")
