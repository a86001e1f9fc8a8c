"""Every `newsdesk` process (worker, serve, each command the tests start by the hundred) sets Django up; the heavy
libraries only some of them use are imported on first use, not at setup: trafilatura (extracting a page),
py3langid (identifying a language), scikit-learn (training the category model), model2vec (story clustering with
NEWSDESK_CLUSTER_MODEL set); numpy and markdown-it-py are not imported by a process that only sets Django up, runs
the checks and loads the URLs (`newsdesk serve`, `check` and the many argument errors) either."""

import json
import subprocess
import sys

from tests.postgres.subprocess_db import REPO, child_env

LAZY = ["trafilatura", "py3langid", "sklearn", "model2vec", "wordllama", "safetensors"]
SETUP = f"""
import json, sys, django
django.setup()
import newsdesk.reader.extract, newsdesk.reader.extract.language, newsdesk.articles.services, newsdesk.ingest.context
import newsdesk.stories.services
print(json.dumps([name for name in {LAZY!r} if name in sys.modules]))
"""


def test_setting_django_up_imports_none_of_the_libraries_used_on_first_use():
    done = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


CHECKS = """
import io, json, sys, django
django.setup()
from django.core.management import call_command
from django.urls import get_resolver
call_command("check", stdout=io.StringIO())
get_resolver().url_patterns
print(json.dumps([name for name in ("numpy", "markdown_it") if name in sys.modules]))
"""


def test_the_checks_and_the_urls_import_neither_numpy_nor_markdown_it_without_a_cluster_model():
    done = subprocess.run(
        [sys.executable, "-c", CHECKS], cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_a_comment_is_rendered_with_markdown_it_imported_on_first_use():
    from newsdesk.community.markup import comment_render

    assert comment_render("*quiet* [harbour](https://harbour.example/)") == (
        '<p><em>quiet</em> <a href="https://harbour.example/" rel="nofollow ugc noopener">harbour</a></p>\n'
    )
    assert "markdown_it" in sys.modules


def test_extracting_a_page_and_identifying_its_language_import_them_when_used():
    from newsdesk.reader.extract import extract_article
    from newsdesk.reader.extract.language import identify_language

    paragraph = "The harbour authority opened the new ferry terminal on Monday after three years of building work. "
    html = "<html><head><title>Ferry terminal opens</title></head><body><article><h1>Ferry terminal opens</h1>"
    html += "".join(f"<p>{paragraph * 2}</p>" for _ in range(4)) + "</article></body></html>"

    article = extract_article(html.encode(), url="https://harbour.example/ferry")

    assert "ferry terminal" in article.body_text
    assert identify_language(paragraph * 3) == "en"
    assert {"trafilatura", "py3langid"} <= set(sys.modules)
