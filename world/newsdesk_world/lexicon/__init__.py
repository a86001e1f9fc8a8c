"""Per-language sentence templates and page vocabulary for generated articles.

Topic and role lists are *parallel* across languages (index i means the same thing everywhere), so
one event reads as the same story in every language. Templates use `str.format` slots filled by
`newsdesk_world.writing`: {person} {person_last} {role} {person2} {person2_last} {role2} {org}
{place} {place2} {topic} {weekday} {number} {number2} {percent} {amount}, plus {Capitalised}
variants of each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    language: str
    section_names: dict[str, str]
    section_slugs: dict[str, str]
    topics: dict[str, tuple[str, ...]]
    roles: dict[
        str, tuple[str, str]
    ]  # per category: (role of person 1, role of person 2), "male|female" where gendered
    org_patterns: dict[str, str]  # per category; "" means "use a Faker company name"
    headlines: tuple[str, ...]
    category_headlines: dict[str, tuple[str, ...]]
    wire_headlines: tuple[str, ...]
    wire_verbs: tuple[str, ...]
    deks: tuple[str, ...]
    leads: tuple[str, ...]
    body: tuple[str, ...]
    category_body: dict[str, tuple[str, ...]]
    quotes: tuple[str, ...]
    quote_frames: tuple[str, ...]
    closings: tuple[str, ...]
    additions: tuple[str, ...]
    comments: tuple[str, ...]
    weekdays: tuple[str, ...]  # Monday first, as datetime.weekday() counts
    months: tuple[str, ...]
    dateline: str  # "{PLACE}" / "{place}" and "{agency}" slots
    amount_format: str  # "{value}" is the amount in millions, already localised
    thousands_sep: str
    decimal_sep: str
    ads: tuple[str, ...]
    ui: dict[str, str]


def lexicon_for(language: str) -> Lexicon:
    """The lexicon of one of the four simulated languages."""
    from . import de, en, es, fr

    return {"en": en.LEXICON, "fr": fr.LEXICON, "de": de.LEXICON, "es": es.LEXICON}[language]


def format_int(value: int, lexicon: Lexicon) -> str:
    """Group thousands the way the language does (1,250 / 1 250 / 1.250)."""
    return f"{value:,}".replace(",", lexicon.thousands_sep)


def format_amount(tenths_of_million: int, lexicon: Lexicon, currency: str = "") -> str:
    """An amount in millions with one decimal, e.g. "$4.2 million" or "4,2 millions d'euros"."""
    value = f"{tenths_of_million // 10}{lexicon.decimal_sep}{tenths_of_million % 10}"
    return lexicon.amount_format.format(value=value, currency=currency)
