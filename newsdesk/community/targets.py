"""What comments can hang on. A target is named "<app_label>.<model>" in URLs and resolved through the app
registry, so this app never imports the apps it serves: stories plug in by being listed here."""

from collections.abc import Callable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from newsdesk.common.signals import target_gone_asked

# A target model needs get_absolute_url(); the stories app is added by name and used once it is installed.
COMMENT_TARGETS = ("articles.article", "stories.story")


class UnknownTarget(Exception):
    """No such target type, or no such object."""


def target_label(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def target_model(label: str) -> type[models.Model]:
    if label not in COMMENT_TARGETS:
        raise UnknownTarget(label)
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        raise UnknownTarget(label) from None


def target_get(*, label: str, pk: int) -> models.Model:
    """The target `label` `pk`, if some surface shows it (the model's SHOWN condition): an article of a blocked or
    deactivated publisher, or a story none of whose outlets is shown, takes no comment and has no comments feed
    (whose title would name it)."""
    model = target_model(label)
    try:
        return model.objects.filter(getattr(model, "SHOWN", models.Q())).get(pk=pk)
    except model.DoesNotExist:
        raise UnknownTarget(f"{label} {pk}") from None


def target_successor(*, label: str, pk: int) -> int | None:
    """The pk of the target that took gone target `label` `pk`'s place (common.signals.target_replaced; its comments
    moved there), when its model keeps that (`successor_of`) and that one is shown; else None."""
    successor_of = _model_hook(label, "successor_of")
    return successor_of(pk) if successor_of is not None else None


def target_gone(*, label: str, pk: int) -> str:
    """Why target `label` `pk` is gone for good (410 Gone, not 404), as the app that removed it tells
    (common.signals.target_gone_asked: a takedown, a story merged into one taken down since); "" when none does."""
    try:
        model = target_model(label)
    except UnknownTarget:
        return ""
    return next((reason for _, reason in target_gone_asked.send(sender=model, pk=pk) if reason), "")


def _model_hook(label: str, name: str) -> Callable[[int], object] | None:
    """The classmethod `name` of model `label` when it has one (the apps below community offer them by name)."""
    try:
        return getattr(target_model(label), name, None)
    except UnknownTarget:
        return None


def target_type(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)
