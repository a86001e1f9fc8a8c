from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"

    def ready(self) -> None:
        from newsdesk.stories import embedding, signals  # noqa: F401  (the model check; the deletion receivers)
