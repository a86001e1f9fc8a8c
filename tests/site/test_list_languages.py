"""Category and publisher pages take `?lang=` as the home page does (and as their own feeds did already): only the
articles in that language, the heading saying which, the page links, feed links and an empty list's way back
keeping or dropping it, and a malformed value a 400 naming it."""

import re

import pytest

from newsdesk.articles.filters import FilterError, language_param
from tests.factories import make_article, make_category, make_publisher

pytestmark = pytest.mark.django_db

ITEM_LINK = re.compile(r'<h\d class="item-title"><a href="/article/(\d+)/')


@pytest.fixture
def mixed():
    """A section and a publisher with 31 French and 2 German articles."""
    category = make_category("World")
    publisher = make_publisher(name="Courrier Bilingue", language="fr")
    french = [make_article(publisher, title=f"Élection {n}", category=category, language="fr").pk for n in range(31)]
    german = [make_article(publisher, title=f"Wahl {n}", category=category, language="de").pk for n in range(2)]
    return {"paths": (category.get_absolute_url(), publisher.get_absolute_url()), "fr": french, "de": german}


def shown(html: str) -> set[int]:
    return {int(found) for found in ITEM_LINK.findall(html)}


@pytest.mark.parametrize("which", [0, 1])
def test_lang_keeps_the_articles_in_that_language_with_its_heading_links_and_feeds(client, mixed, which):
    path = mixed["paths"][which]

    german = client.get(path, {"lang": "de-AT"})
    french = client.get(path, {"lang": "fr"}).content.decode()
    second = client.get(path, {"lang": "fr", "page": "2"}).content.decode()

    assert german.status_code == 200
    assert shown(german.content.decode()) == set(mixed["de"])
    assert 'in German (<span lang="de">Deutsch</span>)</span>' in german.content.decode()
    assert shown(french) | shown(second) == set(mixed["fr"])
    assert 'href="?page=2&amp;lang=fr" rel="next"' in french
    assert 'href="?page=1&amp;lang=fr" rel="prev"' in second
    assert f'href="{path}rss.xml?lang=fr"' in french
    assert f'href="{path}rss.xml"' in client.get(path).content.decode()


@pytest.mark.parametrize("which", [0, 1])
def test_a_language_with_no_articles_says_so_and_leads_back_and_a_malformed_one_is_a_400(client, mixed, which):
    path = mixed["paths"][which]

    none = client.get(path, {"lang": "es"})
    malformed = client.get(path, {"lang": "not a language"})

    assert none.status_code == 200
    assert shown(none.content.decode()) == set()
    assert f'<a href="{path}">' in none.content.decode().split("No articles in Spanish", 1)[1]
    assert malformed.status_code == 400
    with pytest.raises(FilterError) as refused:
        language_param("not a language")
    assert str(refused.value) in malformed.content.decode()
