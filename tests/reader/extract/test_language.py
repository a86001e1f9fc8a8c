"""Language identification: the text's evidence wins when the model is sure; a declared code is a hint."""

from __future__ import annotations

import pytest

from newsdesk.reader.extract import extract_article
from newsdesk.reader.extract.language import identify_language, language_scores, normalise_language
from newsdesk_world import generate_world

FRENCH = (
    "Le gouvernement a présenté mardi un projet de loi sur les retraites qui prévoit de relever l'âge légal de "
    "départ. Les syndicats ont appelé à une journée de grève et de manifestations dans toute la France."
)
GERMAN = "Die Bundesregierung hat am Dienstag einen Gesetzentwurf vorgelegt, der die Rente neu regeln soll."


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        *[("en-US", "en"), ("fr_FR", "fr"), ("DE", "de"), ("es-419", "es"), ("en, fr", "en"), ("", ""), ("1234", "")],
        # BCP 47's canonical tag: the 2-letter code of a 3-letter one that has it, a withdrawn code's replacement.
        *[("eng", "en"), ("FRE-ca", "fr"), ("deu", "de"), ("iw", "he"), ("in", "id"), ("bcl", "bcl"), ("xyz", "xyz")],
    ],
)
def test_declared_codes_become_primary_subtags(code, expected):
    assert normalise_language(code) == expected


def test_confident_text_beats_the_declared_language():
    assert identify_language(FRENCH, hints=("en-US",)) == "fr"
    assert identify_language(GERMAN, hints=("es",)) == "de"


def test_a_short_headline_keeps_its_declared_language():
    text = "Brexit"
    assert language_scores(text)[1] < 0.95
    assert identify_language(text, hints=("", "de-AT")) == "de"


def test_without_a_hint_a_plausible_guess_or_nothing():
    assert identify_language(FRENCH) == "fr"
    assert identify_language("12 345 — 67") == ""
    assert language_scores("") == ("", 0.0)


def test_a_page_declaring_english_over_spanish_text_is_spanish():
    body = "".join(
        f"<p>El gobierno anunció este martes nuevas elecciones generales para el próximo otoño, párrafo {n}.</p>"
        for n in range(6)
    )
    page = f'<html lang="en-US"><head><title>Elecciones anticipadas</title></head><body><article>{body}</article></body></html>'

    assert extract_article(page, url="https://diario.example/a").language == "es"


def test_every_demo_world_article_is_identified_from_its_text_and_declared_language():
    world = generate_world(seed=7)
    declared = {
        p.slug: (f"{p.language}-{p.country}" if p.style.html_lang_region else p.language) for p in world.publishers
    }
    wrong = [
        (article.path, article.language)
        for article in world.articles
        if identify_language("\n".join([article.headline, *article.paragraphs]), hints=(declared[article.publisher],))
        != article.language
    ]
    assert len(world.articles) > 300
    assert wrong == []
