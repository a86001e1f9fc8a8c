from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "newsdesk.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from newsdesk.common.signals import target_replaced
        from newsdesk.community.services import comments_retarget

        target_replaced.connect(comments_retarget, dispatch_uid="community-target-replaced")
