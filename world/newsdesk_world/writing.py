"""Turning an event into article text in one language: slot values, headlines, paragraphs, comments."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime, timedelta

from .lexicon import Lexicon, format_amount, format_int
from .model import Event

CURRENCY_BY_COUNTRY = {"US": "$", "GB": "£"}
MAX_SLUG_LENGTH = 70

Paragraphs = list[list[str]]  # paragraphs as lists of sentences, so wire edits can reorder sentences


def _gendered(role: str, gender: str) -> str:
    """Pick the male or female form of a "male|female" role noun."""
    male, _, female = role.partition("|")
    return female if gender == "f" and female else male


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def event_slots(event: Event, lexicon: Lexicon, country: str = "") -> dict[str, str]:
    """Every template slot for one event in one language, plus {Capitalised} variants."""
    number, number2, percent, amount = event.figures
    role1, role2 = lexicon.roles[event.category]
    slots = {
        "person": event.people[0],
        "person_last": event.people[0].split(" ", 1)[-1],
        "role": _gendered(role1, event.people_genders[0]),
        "person2": event.people[1],
        "person2_last": event.people[1].split(" ", 1)[-1],
        "role2": _gendered(role2, event.people_genders[1]),
        "org": event.organisations[0],
        "place": event.places[0],
        "place2": event.places[1],
        "topic": lexicon.topics[event.category][event.topic_index],
        "weekday": lexicon.weekdays[event.starts_at.weekday()],
        "number": format_int(number, lexicon),
        "number2": str(number2),
        "percent": str(percent),
        "amount": format_amount(amount, lexicon, CURRENCY_BY_COUNTRY.get(country, "€")),
    }
    slots.update({_capitalise(key): _capitalise(value) for key, value in list(slots.items())})
    return slots


def fill(template: str, slots: dict[str, str]) -> str:
    return _capitalise(template.format_map(slots))


def quote_sentence(rng: random.Random, lexicon: Lexicon, slots: dict[str, str], used: set[int]) -> str:
    """A quotation in a reporting frame, never repeating a quote within one article."""
    choices = [i for i in range(len(lexicon.quotes)) if i not in used] or list(range(len(lexicon.quotes)))
    index = rng.choice(choices)
    used.add(index)
    quote = lexicon.quotes[index].format_map(slots)
    return fill(rng.choice(lexicon.quote_frames), {**slots, "quote": quote})


def compose_paragraphs(
    rng: random.Random, lexicon: Lexicon, slots: dict[str, str], category: str, count: int
) -> Paragraphs:
    """A lead paragraph, `count - 2` body paragraphs with a quote every third one, and a closing paragraph."""
    pool = [*lexicon.body, *lexicon.category_body[category]]
    rng.shuffle(pool)
    used_quotes: set[int] = set()
    paragraphs: Paragraphs = [[fill(rng.choice(lexicon.leads), slots)]]
    if rng.random() < 0.5:
        paragraphs[0].append(fill(pool.pop(), slots))
    for index in range(1, count - 1):
        sentences = []
        if index % 3 == 2:
            sentences.append(quote_sentence(rng, lexicon, slots, used_quotes))
        for _ in range(rng.randint(1 if sentences else 2, 3)):
            if pool:
                sentences.append(fill(pool.pop(), slots))
        paragraphs.append(sentences or [quote_sentence(rng, lexicon, slots, used_quotes)])
    paragraphs.append([fill(rng.choice(lexicon.closings), slots)])
    return paragraphs


def pick_headline(rng: random.Random, lexicon: Lexicon, slots: dict[str, str], category: str) -> str:
    return fill(rng.choice([*lexicon.headlines, *lexicon.category_headlines[category]]), slots)


def pick_dek(rng: random.Random, lexicon: Lexicon, slots: dict[str, str]) -> str:
    return fill(rng.choice(lexicon.deks), slots)


def join_paragraphs(paragraphs: Paragraphs) -> tuple[str, ...]:
    return tuple(" ".join(sentences) for sentences in paragraphs)


def slugify(text: str) -> str:
    """ASCII URL slug of a headline: accents folded, punctuation dropped, cut on a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0]
    return slug or "article"


def article_tags(rng: random.Random, lexicon: Lexicon, event: Event) -> tuple[str, ...]:
    """Section name plus two or three of the event's entities, as a newsroom CMS would tag them."""
    entities = [event.places[0], event.people[0], event.organisations[0], event.people[1]]
    return (lexicon.section_names[event.category], *rng.sample(entities, rng.randint(2, 3)))


def comment_texts(rng: random.Random, lexicon: Lexicon, slots: dict[str, str], count: int) -> list[str]:
    return [fill(template, slots) for template in rng.sample(lexicon.comments, count)]


def published_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A minute-precise time in [start, end)."""
    span_minutes = max(1, int((end - start).total_seconds() // 60))
    return start.replace(second=0, microsecond=0) + timedelta(minutes=rng.randrange(span_minutes))
