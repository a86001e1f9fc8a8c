from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"

    def ready(self) -> None:
        from newsdesk.stories import signals  # noqa: F401  (the deletion receivers)

        checks.register(cluster_model_check)


def cluster_model_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """The NEWSDESK_CLUSTER_MODEL check (newsdesk.stories.embedding), which imports numpy and the clustering code
    only when a model is set: every `newsdesk` process runs the checks, and most never cluster."""
    if not settings.NEWSDESK_CLUSTER_MODEL:
        return []
    from newsdesk.stories import embedding

    return embedding.cluster_model_check(app_configs, **kwargs)
