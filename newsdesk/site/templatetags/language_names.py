"""`{{ code|language_own_name }}`: a language code shown to readers as the language's own name ("fr" → "Français");
the code stays the value and the `lang` attribute. `{{ code|language_named }}`: the language named in a sentence of
the pages ("Top stories in …"): its English name, then the name the language menu and badges show, marked with its
`lang` ("French (<span lang="fr">Français</span>)"); once where the two are the same (English, an unknown code)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newsdesk.site.languages import language_name
from newsdesk.site.languages import language_own_name as own_name

register = template.Library()


@register.filter
def language_own_name(code: str) -> str:
    """The language's name in itself, or the code for one no language is known by (see site.languages)."""
    return own_name(code or "")


@register.filter
def language_named(code: str) -> SafeString:
    """The language's English name with its own name after it (see the module docstring)."""
    english, own = language_name(code or ""), own_name(code or "")
    if own == english:
        return format_html("{}", english)
    return format_html('{} (<span lang="{}">{}</span>)', english, code, own)
