from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from newsdesk.reader.packaged_model import PACKAGED, EmbeddingError, packaged_model_folder

MODEL_CHECK_ID = "stories.E001"
CHECK_HINT = "reinstall newsdesk's dependencies, build a folder with scripts/build-cluster-model.sh, or set it to none"


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"

    def ready(self) -> None:
        from newsdesk.common.signals import target_gone_asked, target_replaced
        from newsdesk.stories import signals  # noqa: F401  (the deletion receivers)
        from newsdesk.stories.redirects import story_gone_reason, story_redirect_record

        target_replaced.connect(story_redirect_record, dispatch_uid="stories-target-replaced")
        target_gone_asked.connect(story_gone_reason, dispatch_uid="stories-target-gone")

        checks.register(cluster_model_check)


def cluster_model_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """The NEWSDESK_CLUSTER_MODEL check (newsdesk.stories.embedding), which imports numpy and the clustering code
    only when a model is set: every `newsdesk` process runs the checks, and most never cluster."""
    if not settings.NEWSDESK_CLUSTER_MODEL:
        return []
    if settings.NEWSDESK_CLUSTER_MODEL in PACKAGED:
        # A model inside a wheel (the default's among them): only whether its files are there, not a load (no numpy
        # for `serve` and the rest; the multilingual model's load takes about a CPU second and 170 MB).
        try:
            packaged_model_folder(settings.NEWSDESK_CLUSTER_MODEL)
        except EmbeddingError as exc:
            return [checks.Error(f"NEWSDESK_CLUSTER_MODEL: {exc}", hint=CHECK_HINT, id=MODEL_CHECK_ID)]
        return []
    from newsdesk.stories import embedding

    return embedding.cluster_model_check(app_configs, **kwargs)
