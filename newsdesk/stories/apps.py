from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"

    def ready(self) -> None:
        from newsdesk.stories import signals  # noqa: F401  (connects the deletion receivers)
