"""A data dir of the test's own (backups and the secret key file go there) and a small newsroom of rows."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from newsdesk.articles.models import Article
from newsdesk.common.secret_key import secret_key_path
from tests.factories import make_article, make_category, make_feed, make_publisher

KEY = "the-key-these-rows-were-signed-with"


@pytest.fixture
def data_dir(tmp_path: Path, settings) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    secret_key_path(directory).write_text(KEY)
    settings.DATA_DIR = directory
    return directory


@pytest.fixture
def newsroom(transactional_db) -> list[Article]:
    """Two publishers (one French), feeds, a category, articles, a user in a group (a many-to-many row) with accents and non-Latin titles."""
    english = make_publisher(name="Daily Planet")
    french = make_publisher(name="Le Quotidien", language="fr")
    make_feed(english)
    make_feed(french)
    section = make_category("Science")
    articles = [
        make_article(english, title="Zeppelin lands safely in Lakehurst", category=section),
        make_article(english, title="Tokyo 東京 summit opens"),
        make_article(french, title="Le café rouvre au centre-ville", language="fr"),
        make_article(french, title="Über die Brücke", language="de"),
    ]
    editors = Group.objects.create(name="editors")
    User.objects.create_user("editor", "editor@example.org", "a-long-password").groups.add(editors)
    return articles


def article_rows() -> list[tuple]:
    """What a reader sees of every article, in id order: what a restore or copy must give back unchanged."""
    return list(
        Article.objects.order_by("pk").values_list(
            "pk", "title", "canonical_url", "publisher__name", "published_at", "created_at", "search_text"
        )
    )
