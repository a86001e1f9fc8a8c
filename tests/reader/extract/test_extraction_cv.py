"""The cross-validation (eval/extraction_eval.py --cv) scores a gated setting without re-running the vote: where
the gate asks readability the outcome is the ungated setting's, elsewhere trafilatura's body. That shortcut is only
right while `_asks_readability` says exactly what choose_body does; this holds the two together."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from newsdesk.reader.extract.candidates import JSON_LD, READABILITY, TRAFILATURA, text_candidate
from newsdesk.reader.extract.ensemble import choose_body
from tests.reader.extract.test_extraction_floor import load_eval_module

ARTICLE = " ".join(f"Sentence {i} of the article tells what happened in the town on day {i}." for i in range(12))
DESCRIPTION = "The council voted on Tuesday to reopen the harbour after a year of repairs."
RAIL = " ".join(f"Related headline {i} about something else entirely from another desk." for i in range(12))


@pytest.fixture(scope="module")
def extraction_eval():
    return load_eval_module()


def _pages(extraction_eval):
    main = text_candidate(TRAFILATURA, ARTICLE)
    bodies = {
        "sure": main,
        "short": text_candidate(TRAFILATURA, " ".join(ARTICLE.split()[:60])),
        "standfirst": text_candidate(TRAFILATURA, f"{DESCRIPTION}\n\n{ARTICLE}"),
        "heading": dataclasses.replace(main, opens_with_heading=True),
        "url": text_candidate(TRAFILATURA, f"{ARTICLE}\n\nhttps://news.example/a.php"),
    }
    outside = {"none": [], "agrees": [text_candidate(JSON_LD, ARTICLE)], "differs": [text_candidate(JSON_LD, RAIL)]}
    for (name, body), (kind, extra) in itertools.product(bodies.items(), outside.items()):
        found = [body, *extra]
        yield f"{name}/{kind}", extraction_eval.Candidates(found, [text_candidate(READABILITY, RAIL)], [], DESCRIPTION)


def test_the_cv_shortcut_asks_readability_exactly_where_choose_body_does(extraction_eval):
    grid = extraction_eval.settings_grid()
    gated = [s for s in grid if s.only_when_doubtful]
    assert len(gated) > len(grid) / 2  # every vote setting with every gate
    checked = 0
    for setting in [*gated[:: max(1, len(gated) // 400)], extraction_eval.default_setting()]:
        for name, candidates in _pages(extraction_eval):
            asked = []
            choice = choose_body(
                list(candidates.found),
                second_opinion=lambda asked=asked, c=candidates: asked.append(1) or list(c.second),
                params=setting.params(),
                description=candidates.description,
            )
            if asked:
                assert extraction_eval._asks_readability(setting, candidates), (name, setting.label())
            else:
                # Not asked: either an outside source agreed (the ungated outcome is trafilatura's too) or the gate
                # kept trafilatura; the shortcut gives trafilatura's body in both.
                assert choice.source == TRAFILATURA, (name, setting.label())
                ungated = choose_body(
                    list(candidates.found),
                    second_opinion=lambda c=candidates: list(c.second),
                    params=setting.ungated().params(),
                )
                shortcut_asks = extraction_eval._asks_readability(setting, candidates)
                assert not shortcut_asks or ungated.source == TRAFILATURA, (name, setting.label())
            checked += 1
    assert checked > 1000


def test_the_default_setting_is_in_the_grid_and_labelled_with_its_gate(extraction_eval):
    default = extraction_eval.default_setting()
    assert default in extraction_eval.settings_grid()
    assert "readability when doubtful" in default.label()
    assert default.ungated() in extraction_eval.settings_grid()
    assert "readability always" in default.ungated().label()
