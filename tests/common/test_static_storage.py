"""Static files get content-hashed names once collected (and plain names before), and hashed ones are served for a
year."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command

HASHED = "newsdesk.common.static_storage.HashedStaticStorage"


@pytest.fixture
def hashed_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": HASHED}}
    return tmp_path / "static"


def test_before_collectstatic_the_plain_name_is_linked(hashed_storage):
    assert staticfiles_storage.url("site/site.css") == "/static/site/site.css"


def test_after_collectstatic_the_name_carries_the_content_hash(hashed_storage):
    call_command("collectstatic", interactive=False, verbosity=0)

    url = staticfiles_storage.url("site/site.css")

    assert re.fullmatch(r"/static/site/site\.[0-9a-f]{12}\.css", url)
    assert (hashed_storage / url.removeprefix("/static/")).is_file()
    assert (hashed_storage / "staticfiles.json").is_file()
