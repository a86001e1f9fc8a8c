"""Wire stories: one agency original per language, republished by outlets with small edits and a credit."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import datetime

from .lexicon import Lexicon, lexicon_for
from .model import Event, Publisher, WireOriginal
from .writing import Paragraphs, compose_paragraphs, event_slots, fill, join_paragraphs, pick_dek

# The agency's house currency when its copy quotes amounts.
AGENCY_COUNTRY = {"AFP": "FR", "Reuters": "GB", "AP": "US"}
EDITS = ("headline_word", "drop_paragraph", "add_paragraph", "swap_sentences")


@dataclass(frozen=True)
class WireDraft:
    """An agency story before any outlet touches it."""

    event: Event
    agency: str
    language: str
    template_index: int
    verb_index: int
    paragraphs: Paragraphs
    slots: dict[str, str]
    published: datetime

    @property
    def lexicon(self) -> Lexicon:
        return lexicon_for(self.language)

    def headline(self, verb_index: int | None = None) -> str:
        verb = self.lexicon.wire_verbs[self.verb_index if verb_index is None else verb_index]
        return fill(self.lexicon.wire_headlines[self.template_index], {**self.slots, "verb": verb})

    def original(self) -> WireOriginal:
        return WireOriginal(
            event=self.event.id,
            agency=self.agency,
            language=self.language,
            headline=self.headline(),
            paragraphs=join_paragraphs(self.paragraphs),
            published=self.published,
        )


def draft_wire_story(rng: random.Random, event: Event, agency: str, language: str, published: datetime) -> WireDraft:
    lexicon = lexicon_for(language)
    slots = event_slots(event, lexicon, AGENCY_COUNTRY[agency])
    return WireDraft(
        event=event,
        agency=agency,
        language=language,
        template_index=rng.randrange(len(lexicon.wire_headlines)),
        verb_index=rng.randrange(len(lexicon.wire_verbs)),
        paragraphs=compose_paragraphs(rng, lexicon, slots, event.category, rng.randint(6, 9)),
        slots=slots,
        published=published,
    )


@dataclass(frozen=True)
class WireCopy:
    headline: str
    dek: str
    paragraphs: tuple[str, ...]
    byline: str
    edits: tuple[str, ...]


def _apply_edit(rng: random.Random, edit: str, paragraphs: Paragraphs, lexicon: Lexicon) -> bool:
    """Apply one paragraph-level edit in place; False when the text is too short for it."""
    if edit == "drop_paragraph" and len(paragraphs) > 4:
        del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
        return True
    if edit == "add_paragraph":
        paragraphs.insert(len(paragraphs) - 1, [rng.choice(lexicon.additions)])
        return True
    if edit == "swap_sentences":
        multi = [p for p in paragraphs[1:] if len(p) >= 2]
        if multi:
            sentences = rng.choice(multi)
            i, j = rng.sample(range(len(sentences)), 2)
            sentences[i], sentences[j] = sentences[j], sentences[i]
            return True
        if len(paragraphs) > 3:
            paragraphs[1], paragraphs[2] = paragraphs[2], paragraphs[1]
            return True
    return False


def republish(rng: random.Random, draft: WireDraft, publisher: Publisher) -> WireCopy:
    """One outlet's version of the agency story: 1-3 small edits plus the outlet's usual credit."""
    lexicon = draft.lexicon
    style = publisher.style
    paragraphs = copy.deepcopy(draft.paragraphs)
    verb_index = draft.verb_index
    applied = []
    for edit in rng.sample(EDITS, rng.randint(1, 3)):
        if edit == "headline_word":
            verb_index = (draft.verb_index + rng.randrange(1, len(lexicon.wire_verbs))) % len(lexicon.wire_verbs)
            applied.append(edit)
        elif _apply_edit(rng, edit, paragraphs, lexicon):
            applied.append(edit)
    if applied in ([], ["headline_word"]):
        # Every outlet touches the body at least a little; an added paragraph always applies.
        _apply_edit(rng, "add_paragraph", paragraphs, lexicon)
        applied.append("add_paragraph")
    if style.wire_dateline:
        dateline = lexicon.dateline.format(
            PLACE=draft.event.places[0].upper(), place=draft.event.places[0], agency=draft.agency
        )
        paragraphs[0][0] = dateline + paragraphs[0][0]
    if style.wire_tail:
        paragraphs.append([style.wire_tail.format(agency=draft.agency)])
    return WireCopy(
        headline=draft.headline(verb_index),
        dek=pick_dek(rng, lexicon, draft.slots),
        paragraphs=join_paragraphs(paragraphs),
        byline=style.wire_byline.format(agency=draft.agency),
        edits=tuple(applied),
    )
