"""The simulated world ingested as the demo does, then backed up, restored and copied both ways: every table
(publishers' policies, feeds, fetch log, claims, stories, articles) comes back the same, and search answers the same.
"""

import io
import re
import subprocess
from collections import Counter

import pytest
from django.core.management import call_command

from newsdesk.articles.models import Article
from newsdesk.articles.selectors import article_search
from newsdesk.backup.selectors import table_row_counts
from tests.backup.conftest import article_rows
from tests.postgres.subprocess_db import REPO, child_env, current_database_url, python_argv

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _queries(limit: int = 6) -> list[str]:
    """The most common longer title words of the ingested articles: queries that find several articles each."""
    words = Counter(
        w.lower() for title in Article.objects.values_list("title", flat=True) for w in re.findall(r"\w{6,}", title)
    )
    return [word for word, _ in words.most_common(limit)]


def _answers(queries: list[str]) -> dict[str, list[int]]:
    return {query: [a.pk for a in article_search(query, limit=500)] for query in queries}


def test_the_demo_world_survives_backup_restore_and_a_copy_both_ways(data_dir, world11_ingested, tmp_path):
    world_server, _, ingested = world11_ingested
    ingested.restore()  # world 11 as `newsdesk demo` ingests it (once per run, tests/conftest.py)
    rows, counts = article_rows(), table_row_counts()
    queries = _queries()
    answers = _answers(queries)
    assert len(rows) == len(world_server.world.articles) >= 300
    assert counts["sources_publisher"] >= 12
    assert counts["ingest_fetchattempt"] > 0
    assert all(answers.values()), answers

    out = io.StringIO()
    call_command("backup", stdout=out)
    call_command("flush", interactive=False, verbosity=0)
    assert Article.objects.count() == 0
    call_command("restore", out.getvalue().strip(), stdout=io.StringIO())

    assert article_rows() == rows
    assert table_row_counts() == counts
    assert _answers(queries) == answers

    target = tmp_path / "world.sqlite3"
    call_command("db", "copy", "--to", f"sqlite:///{target}", "--no-progress", stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    back = subprocess.run(
        python_argv("-m", "newsdesk", "db", "copy", "--to", current_database_url(), "--force", "--no-progress"),
        cwd=REPO, env=child_env(NEWSDESK_DATABASE_URL=f"sqlite:///{target}", NEWSDESK_DATA_DIR=str(data_dir)),
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert back.returncode == 0, back.stderr

    assert article_rows() == rows
    assert table_row_counts() == counts
    assert _answers(queries) == answers
