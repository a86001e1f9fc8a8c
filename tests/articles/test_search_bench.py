"""`newsdesk bench search` on a small scale: the build loads every article with a working index, and every query
of the mix is measured through the selector and bare."""

import pytest
from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.articles.search import article_stems
from newsdesk.articles.selectors import article_search
from newsdesk_bench.search_bench import LANGUAGES, query_mix, search_bench, vocabulary

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_search_benchmark_builds_a_searchable_corpus_and_measures_the_mix():
    advanced: list[int] = []

    figures = search_bench(articles=600, repeats=2, progress=advanced.append).as_dict()

    assert sum(advanced) == Article.objects.count() == 600
    assert set(Article.objects.values_list("language", flat=True)) == set(LANGUAGES)
    assert figures["engine"] == connection.vendor
    assert figures["articles"] == 600
    names = {query.name for query in query_mix(1)}
    assert set(figures["per_query_p95_ms"]) == set(figures["per_query_raw_p95_ms"]) == names
    assert figures["per_query_hits"]["common_term"] == 50  # a common word: the page is full
    assert figures["per_query_hits"]["publisher_filter"] > 0
    assert 0 < figures["per_query_hits"]["phrase_common"] < figures["per_query_hits"]["common_term"]
    assert figures["per_query_hits"]["short_prefix"] >= figures["per_query_hits"]["prefix"] > 0
    # The build's stems come from a per-word table: exactly what the write path stores.
    for article in Article.objects.order_by("?")[:50]:
        assert article.search_stems == article_stems(
            title=article.title, search_text=article.search_text, language=article.language
        )
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["p95_vs_raw"] > 0
    # The index was rebuilt after the bulk load and still follows writes (triggers/GIN index back in place).
    word = vocabulary("en")[2]
    assert article_search(word)
    fresh = Article.objects.filter(language="en").first()
    Article.objects.filter(pk=fresh.pk).update(title="Quetzalcoatl", search_text="quetzalcoatl")
    assert [a.pk for a in article_search("quetzalcoatl")] == [fresh.pk]


def test_vocabularies_are_stable_and_disjoint():
    assert vocabulary("en", 50) == vocabulary("en", 50)
    assert not set(vocabulary("en", 500)) & set(vocabulary("fr", 500))


@pytest.mark.parametrize("engines", ["mysql", "", "sqlite,oracle"])
def test_an_unknown_engine_is_a_one_line_error(engines):
    from django.core.management.base import CommandError

    from newsdesk_bench.search_command import ERROR_ENGINES, search_command

    options = {"in_place": False, "engines": engines, "articles": 10, "repeats": 1}
    with pytest.raises(CommandError, match=ERROR_ENGINES):
        search_command(options, lambda *_: None)


def test_a_kept_corpus_is_measured_again_without_building_and_a_different_size_is_refused():
    from django.core.management.base import CommandError

    first = search_bench(articles=300, repeats=1)
    again = search_bench(articles=300, repeats=1, reuse=True)

    assert not first.reused
    assert first.build_s > 0
    assert again.reused
    assert again.build_s == again.index_s == 0
    assert Article.objects.count() == 300  # nothing inserted twice
    assert again.per_query_hits == first.per_query_hits
    with pytest.raises(CommandError, match="holds 300 articles, not 400"):
        search_bench(articles=400, repeats=1, reuse=True)


def test_bench_search_keep_builds_once_into_the_dir_and_reuses_it(tmp_path):
    from newsdesk_bench.search_command import search_command

    options = {"in_place": False, "engines": "sqlite", "articles": 200, "repeats": 1, "keep": str(tmp_path)}
    said: list[str] = []

    first = search_command(options, said.append)
    again = search_command(options, said.append)

    assert (tmp_path / "sqlite" / "newsdesk.sqlite3").is_file()
    assert first["engines"]["sqlite"]["reused"] is False
    assert again["engines"]["sqlite"]["reused"] is True
    assert again["engines"]["sqlite"]["per_query_hits"] == first["engines"]["sqlite"]["per_query_hits"]
    assert said[0] == f"sqlite: 200 articles in {tmp_path.resolve() / 'sqlite'}"
