"""One reading of `?lang=` on every surface (site pages, article and story feeds, search, the API): a code of a real
language with no articles is an empty list; a well-formed code that names no language (`xx`, `und`, `mul`, `zxx`,
`qaa`, `zz`) is a 400 saying so — the site's error page, or the API's JSON error."""

import json

import pytest

from newsdesk.articles.filters import ERROR_NO_LANGUAGE, language_param
from newsdesk.reader.languages import names_a_language
from tests.factories import make_article, make_category, make_publisher
from tests.stories.rows import make_story

NO_LANGUAGE = ["xx", "und", "mul", "zxx", "mis", "qaa", "qtz", "zz", "sla", "XX-US"]
# Real languages none of the fixture's articles is in: ISO 639-1, 639-3 only (Central Bikol, Cantonese), historical
# (Latin), constructed (Klingon), a withdrawn 639-1 code BCP 47 still registers (Hebrew's old "iw"), a region.
REAL_LANGUAGES = ["es", "bcl", "yue", "la", "tlh", "iw", "pt-BR"]


@pytest.fixture
def world(db):
    publisher = make_publisher(name="Planet", slug="planet")
    category = make_category("World", slug="world")
    article = make_article(publisher, category=category, title="Quake hits coast", language="en")
    story = make_story([article])
    return {"story": f"/stories/{story.pk}/"}


def surfaces(world) -> list[str]:
    return [
        "/",
        "/category/world/",
        "/publisher/planet/",
        "/search/?q=quake",
        world["story"],
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/category/world/feed.json",
        "/publisher/planet/rss.xml",
        "/stories/rss.xml",
        "/stories/atom.xml",
        "/stories/feed.json",
    ]


def with_lang(path: str, code: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={code}"


@pytest.mark.parametrize("code", NO_LANGUAGE)
def test_a_code_that_names_no_language_is_a_400_saying_so_on_every_page_and_feed(client, world, code):
    for path in surfaces(world):
        response = client.get(with_lang(path, code))

        assert response.status_code == 400, path
        assert ERROR_NO_LANGUAGE in response.content.decode(), path
        assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("code", NO_LANGUAGE)
@pytest.mark.parametrize("path", ["/api/articles", "/api/articles?q=quake", "/api/stories"])
def test_the_api_answers_a_code_that_names_no_language_with_a_json_400(client, world, path, code):
    response = client.get(with_lang(path, code))

    assert response.status_code == 400
    assert json.loads(response.content) == {"error": ERROR_NO_LANGUAGE}


@pytest.mark.parametrize("code", REAL_LANGUAGES)
def test_a_real_language_with_no_articles_is_an_empty_list_everywhere(client, world, code):
    for path in [*surfaces(world), "/api/articles", "/api/stories"]:
        response = client.get(with_lang(path, code))

        assert response.status_code == 200, path
        assert "Quake hits coast" not in response.content.decode() or path == world["story"], path


@pytest.mark.parametrize("code", ["en", "eng", "ENG", "eng-GB"])
def test_a_3_letter_code_of_a_language_with_a_2_letter_one_finds_what_the_2_letter_one_finds(client, world, code):
    # Articles store the shortest code (BCP 47's canonical tag): "eng" asks for what is stored as "en".
    for path in [*surfaces(world), "/api/articles", "/api/articles?q=quake", "/api/stories"]:
        response = client.get(with_lang(path, code))

        assert response.status_code == 200, path
        assert "Quake hits coast" in response.content.decode(), path


def test_the_code_is_read_by_its_primary_subtag_in_any_case():
    assert language_param("FR-ca") == "fr"
    assert language_param("yue-Hant-HK") == "yue"
    # The shortest code of the language: ISO 639-3 (= 639-2/T) and 639-2/B codes of a language that has a 639-1 one;
    # a withdrawn 639-1 code as its registered replacement.
    assert [language_param(code) for code in ("eng", "fra", "fre", "deu", "ger", "zho", "heb", "bcl", "iw")] == [
        *("en", "fr", "fr", "de", "de", "zh", "he", "bcl", "he")
    ]
    assert [code for code in ("en", "eng", "sh", "iw", "und", "qaa", "sla") if names_a_language(code)] == [
        "en",
        "eng",
        "sh",
        "iw",
    ]
