"""The pruning done once before the body candidates run: inert markup goes, chrome containers go, text stays."""

from __future__ import annotations

import lxml.html

from newsdesk.reader.extract.boilerplate import prune_boilerplate, strip_inert

PAGE = """<html><head><title>T</title><meta name="x" content="y"><link rel="stylesheet" href="/s.css">
<script type="application/ld+json">{"@type": "NewsArticle"}</script><script>var tracking = 1;</script>
<style>p { color: red }</style></head><body>
<p>Before<script>alert(1)</script> after the script.</p>
<p>An icon <svg><title>Share icon</title><path d="M0"/></svg>then the sentence goes on.</p>
<noscript>Please enable JavaScript.</noscript><template><p>Hidden</p></template>
<div class="related-stories"><p>Another story</p></div>
<div class="cookie-banner"><p>We use cookies</p></div>
<article class="share"><p>The article itself, whatever its class.</p></article>
</body></html>"""


def test_strip_inert_removes_what_no_candidate_reads_and_keeps_the_text_around_it():
    tree = lxml.html.document_fromstring(PAGE)
    strip_inert(tree)
    text = tree.text_content()
    assert "Before after the script." in text
    assert "An icon then the sentence goes on." in text
    for gone in ("tracking", "color: red", "Share icon", "enable JavaScript", "Hidden"):
        assert gone not in text
    assert tree.xpath("count(//meta | //link | //style | //svg | //noscript | //template)") == 0
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]  # trafilatura reads JSON-LD


def test_prune_boilerplate_removes_chrome_containers_but_never_the_article():
    tree = lxml.html.document_fromstring(PAGE)
    removed = prune_boilerplate(tree)
    text = tree.text_content()
    assert removed == 2
    assert "Another story" not in text
    assert "We use cookies" not in text
    assert "The article itself" in text
