"""PostgreSQL: an index of each article's adjacent word pairs, so a quoted phrase is an index lookup.

The GIN index over the stored vector knows which articles hold a word, not where: for a phrase it hands over every
article holding all its words, and each is read and checked for the words side by side. At a million articles a
phrase of two common words ("a b", each in 20 % of the articles) meant rechecking ~50,000 rows for the newest 1,000
that have them together. This adds a GIN expression index over `newsdesk_bigrams(search_vector)`: a hash (20 bits)
of every pair of words at neighbouring positions of the title and text (weights A and B, the ones a phrase
matches), read from the stored vector, so a pair is in it exactly when the vector's positions make `a <-> b` true.
A phrase search asks the index for the articles holding all of the phrase's pairs, then checks the phrase on
those rows only (articles.search.pg_match_sql). A hash collision only adds a row the check then drops; a pair is
never missing, so the results are the same.

`newsdesk_phrase_bigrams(words)` gives the same hashes for the words of a quoted phrase, tokenised by the same
parser, or no hash at all (the index then narrows nothing) when the words do not come out one token each as the
search's to_tsquery reads them.

No table rewrite: the index is built from the stored vectors (26 minutes and 588 MB at a million articles on a
loaded 2-core machine; each later ANALYZE of the table computes the pairs of its sampled rows, ~4 minutes there).
"""

import importlib

from django.db import migrations

_STEMS = importlib.import_module("newsdesk.articles.migrations.0006_search_stems")

POSTGRES_FORWARD = [
    # COST: a row is ~0.3 ms; told so, the planner never evaluates it row by row where an index scan would do.
    """CREATE OR REPLACE FUNCTION newsdesk_bigrams(doc tsvector) RETURNS integer[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
      WITH p AS (
        SELECT u.lexeme, x.pos FROM unnest(doc) AS u, unnest(u.positions, u.weights) AS x(pos, weight)
        WHERE x.weight IN ('A', 'B')
      )
      SELECT coalesce(array_agg(DISTINCT (hashtextextended(a.lexeme || ' ' || b.lexeme, 0) & 1048575)::integer), '{}')
      FROM p AS a JOIN p AS b ON b.pos = a.pos + 1
    $$""",
    # Each word must be one token on its own (then the words joined by spaces are the same tokens in order).
    """CREATE OR REPLACE FUNCTION newsdesk_phrase_bigrams(words text[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT CASE WHEN (
          SELECT bool_and((SELECT count(*) FROM unnest(to_tsvector('simple', public.newsdesk_unaccent(w))) AS u,
                           unnest(u.positions) AS x) = 1)
          FROM unnest(words) AS w)
        THEN public.newsdesk_bigrams(
          setweight(to_tsvector('simple', public.newsdesk_unaccent(array_to_string(words, ' '))), 'A'))
        ELSE '{}' END
    $$""",
    "CREATE INDEX IF NOT EXISTS articles_article_bigram_gin ON articles_article "
    "USING GIN (newsdesk_bigrams(search_vector))",
    "ANALYZE articles_article",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_bigram_gin",
    "DROP FUNCTION IF EXISTS newsdesk_phrase_bigrams(text[])",
    "DROP FUNCTION IF EXISTS newsdesk_bigrams(tsvector)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_article_feed_entry_hash"),
    ]

    operations = [
        migrations.RunPython(_STEMS._run("postgresql", POSTGRES_FORWARD), _STEMS._run("postgresql", POSTGRES_BACKWARD))
    ]
