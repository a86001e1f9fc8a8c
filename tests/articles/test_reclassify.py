"""article_reclassify: language, stems and category derived again from a stored article's text."""

import pytest

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import article_search
from newsdesk.articles.services import article_reclassify
from tests.factories import make_article, make_category, make_publisher

pytestmark = pytest.mark.django_db

FRENCH_SPORT = (
    "L'attaquant a marqué deux buts et son équipe remporte la finale de la coupe devant un stade plein. "
    "L'entraîneur salue la victoire du club, qui retrouve la tête du championnat."
)


def test_a_mislabelled_article_gets_its_language_stems_and_category_from_its_text():
    publisher = make_publisher(language="en")
    article = make_article(
        publisher, title="Le club remporte la coupe", body_text=FRENCH_SPORT, summary="", language="en-US"
    )
    Article.objects.filter(pk=article.pk).update(search_stems="")
    article.refresh_from_db()

    changed = article_reclassify(article=article)

    article.refresh_from_db()
    assert sorted(changed) == ["category", "language", "search_stems"]
    assert article.language == "fr"
    assert article.category.slug == "sports"
    assert [a.pk for a in article_search("remportera", language="fr")] == [article.pk]


def test_an_article_already_right_is_left_alone():
    make_category("Sports", slug="sports")
    article = make_article(make_publisher(), title="Le club remporte la coupe", body_text=FRENCH_SPORT, language="fr")
    article_reclassify(article=article)
    article.refresh_from_db()
    stamp = article.updated_at

    assert article_reclassify(article=article) == []
    article.refresh_from_db()
    assert article.updated_at == stamp
