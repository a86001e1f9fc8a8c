"""`newsdesk db copy --to URL`: from the database of the run into an SQLite file and back through a real process.

In the PostgreSQL pass that is PostgreSQL → SQLite, then SQLite → PostgreSQL; in the SQLite pass both ends are
SQLite. Either way: the same rows (timestamps and ids included), the same search results, sequences that go on
after the copied ids, and a target left as it was when anything fails.
"""

import io
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from newsdesk.articles.models import Article
from newsdesk.articles.search import fts5_match_expression, query_terms
from newsdesk.articles.selectors import article_search
from newsdesk.backup import copy_services
from newsdesk.backup.copy_services import database_alias
from newsdesk.backup.selectors import table_row_counts
from tests.backup.conftest import article_rows
from tests.factories import make_article, make_publisher
from tests.postgres.subprocess_db import REPO, child_env, current_database_url, python_argv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases="__all__")]

QUERIES = ["zeppelin", "cafe", "東京", "über", "summit opens"]


def _copy(url: str, *flags: str) -> str:
    out = io.StringIO()
    call_command("db", "copy", "--to", url, *flags, stdout=out)
    return out.getvalue()


def _sqlite_file_articles(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT id, title FROM articles_article ORDER BY id").fetchall()


def _sqlite_file_search(path: Path, query: str) -> set[int]:
    with closing(sqlite3.connect(path)) as db:
        sql = "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH ?"
        return {row[0] for row in db.execute(sql, [fts5_match_expression(query_terms(query))])}


def test_copy_to_sqlite_and_back_gives_the_same_rows_search_and_sequences(data_dir, newsroom, tmp_path):
    rows, counts = article_rows(), table_row_counts()
    found = {query: [a.pk for a in article_search(query)] for query in QUERIES}
    target = tmp_path / "moved.sqlite3"

    said = _copy(f"sqlite:///{target}")

    assert said.splitlines()[-1] == (
        f"copied {sum(counts.values())} rows of {len(counts)} tables to sqlite:///{target} (sqlite); "
        "row counts match the source"
    )
    assert "  articles_article " in said
    with database_alias(f"sqlite:///{target}") as alias:
        assert table_row_counts(using=alias) == counts
        assert list(Article.objects.using(alias).order_by("pk").values_list("pk", "title", "created_at")) == [
            (pk, title, created) for pk, title, _, _, _, created, _ in rows
        ]
    for query, pks in found.items():
        assert _sqlite_file_search(target, query) == set(pks), query

    # Back again, by a real process whose database is the copy, over a database that changed meanwhile.
    Article.objects.filter(pk=newsroom[0].pk).delete()
    make_article(make_publisher(), title="Zeppelin written after the copy")
    back = subprocess.run(
        python_argv("-m", "newsdesk", "db", "copy", "--to", current_database_url(), "--force", "--no-progress"),
        cwd=REPO, env=child_env(NEWSDESK_DATABASE_URL=f"sqlite:///{target}", NEWSDESK_DATA_DIR=str(data_dir)),
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert back.returncode == 0, back.stderr
    assert "row counts match the source" in back.stdout

    assert article_rows() == rows
    assert table_row_counts() == counts
    assert {query: [a.pk for a in article_search(query)] for query in QUERIES} == found
    assert make_article(make_publisher(), title="After the move").pk > max(pk for pk, *_ in rows)


def test_a_target_that_holds_data_is_refused_without_force(data_dir, newsroom, tmp_path):
    target = tmp_path / "t.sqlite3"
    _copy(f"sqlite:///{target}", "--no-progress")
    before = _sqlite_file_articles(target)
    make_article(make_publisher(), title="Only in the source")

    with pytest.raises(CommandError) as refused:
        _copy(f"sqlite:///{target}", "--no-progress")

    assert str(refused.value) == copy_services.TARGET_HOLDS_DATA
    assert _sqlite_file_articles(target) == before


def test_a_copy_that_fails_midway_leaves_the_target_as_it_was(data_dir, newsroom, tmp_path, monkeypatch):
    target = tmp_path / "t.sqlite3"
    _copy(f"sqlite:///{target}", "--no-progress")
    before = _sqlite_file_articles(target)
    make_article(make_publisher(), title="Only in the source")
    copy_table = copy_services._copy_table

    def failing(model, alias, **kwargs):
        copy_table(model, alias, **kwargs)
        if model is Article:
            raise DatabaseError("disk full")

    monkeypatch.setattr(copy_services, "_copy_table", failing)

    with pytest.raises(CommandError) as refused:
        _copy(f"sqlite:///{target}", "--force", "--no-progress")

    assert str(refused.value) == "the copy failed and the target is unchanged: disk full"
    assert _sqlite_file_articles(target) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@db.example/news", "--to names a mysql database: newsdesk runs on PostgreSQL and SQLite"),
        ("no-scheme", "--to 'no-scheme' is not a database URL"),
        ("postgresql://user:hunter2@127.0.0.1:5432/", "--to 'postgresql://user:***@127.0.0.1:5432/' is not a"),
        ("sqlite:////nonexistent-dir/x.sqlite3", "the directory /nonexistent-dir of the target SQLite file"),
        ("postgresql://user:pw@127.0.0.1:1/news", "cannot reach the target database: "),
    ],
)
def test_a_bad_target_is_one_line_naming_the_problem(data_dir, url, message):
    with pytest.raises(CommandError) as refused:
        _copy(url, "--no-progress")

    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_the_database_in_use_is_not_a_target(data_dir):
    with pytest.raises(CommandError) as refused:
        _copy(current_database_url(), "--force")

    assert str(refused.value) == copy_services.SAME_DATABASE


def test_tables_are_copied_parents_first_with_the_progress_bar_on(data_dir, newsroom, tmp_path, monkeypatch):
    seen = []
    progress = copy_services._copy_table

    def watched(model, alias, **kwargs):
        seen.append(model._meta.db_table)
        progress(model, alias, **kwargs)

    monkeypatch.setattr(copy_services, "_copy_table", watched)

    _copy(f"sqlite:///{tmp_path / 'p.sqlite3'}", "--batch", "2")

    # Parents first: every article after its publisher, every membership after its group and user.
    assert seen.index("sources_publisher") < seen.index("articles_article")
    assert seen.index("auth_group") < seen.index("auth_user_groups") > seen.index("auth_user")


def test_safe_url_hides_only_the_password():
    assert copy_services.safe_url("postgresql://app:s3cr3t@db:5432/news") == "postgresql://app:***@db:5432/news"
    assert copy_services.safe_url("postgresql://app@db/news") == "postgresql://app@db/news"
    assert copy_services.safe_url("sqlite:////var/lib/newsdesk/db.sqlite3") == "sqlite:////var/lib/newsdesk/db.sqlite3"
