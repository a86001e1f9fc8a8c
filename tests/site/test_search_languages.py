"""The search page finds inflected forms, narrows to `?lang=`, and each result carries its own lang."""

import pytest

from newsdesk.site.languages import language_name, language_own_name
from tests.factories import make_article, make_publisher
from tests.stories.rows import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_languages():
    publisher = make_publisher()
    make_article(publisher, title="Snap elections called", body_text="Voters go to the polls.", language="en")
    make_article(publisher, title="Elecciones anticipadas", body_text="Los votantes acuden a las urnas.", language="es")


def test_inflected_forms_are_found_and_results_carry_their_language(client, two_languages):
    html = client.get("/search/", {"q": "elección"}).content.decode()

    assert "Elecciones anticipadas" in html
    assert '<li class="item" lang="es">' in html


def test_lang_narrows_the_results_and_is_kept_in_the_form(client, two_languages):
    html = client.get("/search/", {"q": "election", "lang": "en-GB"}).content.decode()

    assert "Snap elections called" in html
    assert "Elecciones anticipadas" not in html
    # The menu lists each language in itself, the code as value and lang; the heading's sentence names it in English.
    assert '<option value="en" lang="en" selected>English</option>' in html
    assert '<option value="fr" lang="fr">Français</option>' in html
    assert "in English" in html


def test_the_results_heading_names_the_language_as_the_menu_does(client, two_languages):
    html = client.get("/search/", {"q": "elección", "lang": "es"}).content.decode()

    assert '<option value="es" lang="es" selected>Español</option>' in html
    assert 'for “elección” in Spanish (<span lang="es">Español</span>)</h2>' in html


def test_a_junk_lang_is_a_clear_message(client, two_languages):
    response = client.get("/search/", {"q": "elections", "lang": "<script>"})
    html = response.content.decode()

    assert response.status_code == 400
    assert "lang must be a language code such as en, fr or pt-BR" in html
    assert "Snap elections called" not in html
    assert "<script>" not in html.split("</header>", 1)[1]


def test_language_names_on_cards_story_page_and_publisher_page(client):
    publisher = make_publisher(name="Rundschau", language="de")
    article = make_article(publisher, title="Wahl in Valdeluna", body_text="Die Wähler gehen zur Urne.", language="de")
    story = make_story([article])

    home = client.get("/").content.decode()
    page = client.get(story.get_absolute_url()).content.decode()
    about = client.get(publisher.get_absolute_url()).content.decode()

    assert '<span class="badge language" lang="de">Deutsch</span>' in home
    assert '<span class="badge language" lang="de">Deutsch</span>' in page
    assert ">de<" not in page
    assert '<dd lang="de">Deutsch</dd>' in about
    assert (language_own_name("es"), language_name("es")) == ("Español", "Spanish")
    # A well-formed code no language is known by is shown as given.
    assert (language_own_name("zz"), language_name("zz")) == ("zz", "zz")


@pytest.mark.parametrize(
    ("code", "english", "own"),
    [
        ("fr", "French", "Français"),  # Django's names
        ("zh", "Chinese", "中文"),  # no Django name: CLDR's (py3langid identifies it; it is stored so)
        ("yue", "Cantonese", "粵語"),
        ("und", "und", "und"),  # no guess by likely subtags: "undetermined" is no language
        ("zz", "zz", "zz"),  # well-formed, no language: the code
    ],
)
def test_a_language_django_has_no_name_for_is_named_by_cldr_else_by_its_code(code, english, own):
    assert (language_name(code), language_own_name(code)) == (english, own)


def test_a_chinese_story_s_badge_and_the_home_heading_name_chinese(client):
    make_story([make_article(make_publisher(language="zh"), title="瓦尔德卢纳选举", language="zh")])

    html = client.get("/?lang=zh").content.decode()

    assert 'Top stories <span class="muted-heading">in Chinese (<span lang="zh">中文</span>)</span>' in html
    assert '<span class="badge language" lang="zh">中文</span>' in html
