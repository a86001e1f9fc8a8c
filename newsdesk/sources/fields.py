"""Model fields that keep a value in the one form we store it in, whoever writes it (a service, the admin, an
import, a queryset's update() or bulk_create): a normalising field cannot be bypassed the way a service can."""

from __future__ import annotations

from typing import Any

from django.db import models

from newsdesk.reader.languages import normalise_language, normalise_languages


class LanguageField(models.CharField):
    """A BCP 47 primary subtag ("en-US" is stored, and looked up, as "en"; junk as "")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        # Migrations see a plain CharField: the column is one, and a new field class would make SQLite rebuild the
        # table (dropping the search index's triggers) for no change in the schema.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return normalise_language(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        # The saved instance reads back what was stored, not what was given.
        value = self.get_prep_value(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class LanguageListField(models.JSONField):
    """A list of primary subtags, each once, in the given order (["en-US", "en", "fr_FR"] → ["en", "fr"])."""

    def deconstruct(self) -> tuple:
        name, _path, args, kwargs = super().deconstruct()  # a plain JSONField to migrations (see LanguageField)
        return name, "django.db.models.JSONField", args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and all(isinstance(code, str) for code in value):
            value = normalise_languages(value)
        return super().get_prep_value(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, list | tuple) and all(isinstance(code, str) for code in value):
            value = normalise_languages(value)
            setattr(model_instance, self.attname, value)
        return value
