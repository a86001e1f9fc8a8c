"""`{{ code|language_own_name }}`: a language code shown to readers as the language's own name ("fr" → "Français");
the code stays the value and the `lang` attribute."""

from django import template

from newsdesk.site.languages import language_own_name as own_name

register = template.Library()


@register.filter
def language_own_name(code: str) -> str:
    """The language's name in itself, or the code for one no language is known by (see site.languages)."""
    return own_name(code or "")
