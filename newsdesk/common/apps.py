from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "newsdesk.common"
    label = "common"

    def ready(self) -> None:
        from newsdesk.common import login_throttle  # noqa: F401  (connects the login log receivers)
