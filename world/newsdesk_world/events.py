"""Seeded generation of the week's events and the named entities their articles share."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from faker import Faker

from .lexicon import lexicon_for
from .model import CATEGORIES, WIRE_AGENCIES, Event

EVENT_COUNT = 44
WIRE_EVENT_COUNT = 10
EVENTS_PER_CATEGORY_MIN = 5
WEEK = timedelta(days=7)

LOCALE_LANGUAGE = {"en_US": "en", "en_GB": "en", "fr_FR": "fr", "de_DE": "de", "es_ES": "es"}
# Where the week's news happens; English-speaking places get a little more weight, as in real wire output.
HOME_LOCALE_WEIGHTS = {"en_US": 3, "en_GB": 2, "fr_FR": 3, "de_DE": 3, "es_ES": 3}
# The language services each agency runs in the simulated world.
AGENCY_LANGUAGES = {"AFP": ("fr", "en", "de", "es"), "Reuters": ("en", "de", "es"), "AP": ("en", "es")}
IMPORTANCE_WEIGHTS = {"major": 25, "regular": 45, "minor": 30}


class _NamePool:
    """Hands out names that no other event uses, so each event's entities identify it."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake
        self.used: set[str] = set()

    def _fresh(self, make: Callable[[], str]) -> str:
        for _ in range(50):
            value = make()
            if value not in self.used and "," not in value:
                self.used.add(value)
                return value
        # Faker's lists can run dry (es_ES has few cities); a numbered variant keeps names unique.
        value = f"{make()} {len(self.used)}"
        self.used.add(value)
        return value

    def person(self, locale: str) -> tuple[str, str, str]:
        """(full name, surname, gender)."""
        faker = self.fake[locale]
        gender = self.rng.choice("mf")
        surname = self._fresh(faker.last_name)
        first = faker.first_name_male() if gender == "m" else faker.first_name_female()
        return f"{first} {surname}", surname, gender

    def city(self, locale: str) -> str:
        return self._fresh(self.fake[locale].city)

    def organisation(self, locale: str, category: str, city: str) -> str:
        pattern = lexicon_for(LOCALE_LANGUAGE[locale]).org_patterns[category]
        faker = self.fake[locale]
        if not pattern:
            return self._fresh(faker.company)
        if "{surname}" in pattern:
            return self._fresh(lambda: pattern.format(surname=faker.last_name(), city=city))
        return self._fresh(lambda: pattern.format(city=city, surname=""))


def _pick_topics(rng: random.Random) -> list[tuple[str, int]]:
    """(category, topic index) pairs: every category at least EVENTS_PER_CATEGORY_MIN times, no pair twice."""
    chosen: list[tuple[str, int]] = []
    spare: list[tuple[str, int]] = []
    for category in CATEGORIES:
        indices = list(range(len(lexicon_for("en").topics[category])))
        rng.shuffle(indices)
        chosen += [(category, i) for i in indices[:EVENTS_PER_CATEGORY_MIN]]
        spare += [(category, i) for i in indices[EVENTS_PER_CATEGORY_MIN:]]
    chosen += rng.sample(spare, EVENT_COUNT - len(chosen))
    return chosen


def generate_events(rng: random.Random, fake: Faker, anchor: datetime) -> tuple[Event, ...]:
    """The week's events, oldest first, about ten of them carried by a wire agency."""
    names = _NamePool(rng, fake)
    locales = list(HOME_LOCALE_WEIGHTS)
    drafts = []
    for category, topic_index in _pick_topics(rng):
        locale = rng.choices(locales, weights=list(HOME_LOCALE_WEIGHTS.values()))[0]
        person1, person2 = names.person(locale), names.person(locale)
        place = names.city(locale)
        place2 = names.city(rng.choice(locales))
        # Events start early enough that several days of coverage fit inside the week.
        starts_at = anchor - WEEK + timedelta(minutes=rng.randrange(60, 7 * 24 * 60 - 180))
        drafts.append(
            {
                "category": category,
                "home_locale": locale,
                "topic_index": topic_index,
                "starts_at": starts_at.replace(second=0, microsecond=0),
                "importance": rng.choices(list(IMPORTANCE_WEIGHTS), weights=list(IMPORTANCE_WEIGHTS.values()))[0],
                "people": (person1[0], person2[0]),
                "people_genders": (person1[2], person2[2]),
                "places": (place, place2),
                "organisations": (names.organisation(locale, category, place),),
                "figures": (
                    rng.randrange(12, 900) * 10,
                    rng.randint(3, 30),
                    rng.randint(4, 65),
                    rng.randint(15, 4800),
                ),
            }
        )
    drafts.sort(key=lambda d: d["starts_at"])
    # Wire agencies carry the bigger stories; the newest hours are left to staff reporting.
    candidates = [
        i for i, d in enumerate(drafts) if d["importance"] != "minor" and d["starts_at"] < anchor - timedelta(hours=8)
    ]
    wire_indices = set(rng.sample(candidates, min(WIRE_EVENT_COUNT, len(candidates))))
    events = []
    for index, draft in enumerate(drafts):
        agency = rng.choice(WIRE_AGENCIES) if index in wire_indices else ""
        events.append(Event(id=f"ev-{index + 1:02d}", wire_agency=agency, **draft))
    return tuple(events)
