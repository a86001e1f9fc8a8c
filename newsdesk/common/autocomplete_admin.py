"""Admin autocomplete fields that survive a tampered value.

A refused change form is shown again with what was posted, and Django's AutocompleteSelect looks the posted value up
as it came: `publisher=99999999999999999999` (past the column's range) or `abc` made that lookup fail and the page a
500, where the form had already said "Select a valid choice". Values the key cannot hold are left out of that lookup.
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.http import HttpRequest


def field_holds(field: Field, value: object) -> bool:
    """Whether `value` is one the database column of `field` can hold (a key that could be looked up)."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name: str, value: list, attr: dict | None = None) -> list:
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if field_holds(target, v)], attr)


class CheckedAutocompleteAdminMixin:
    """Put before admin.ModelAdmin: its `autocomplete_fields` use CheckedAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
