"""A hostile publisher: script in every field it controls. After ingest, no surface of ours carries active content."""

import json
from html import escape

import lxml.html
import pytest
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.services import feed_refresh
from tests.ci import ci_enabled
from tests.factories import make_feed, make_publisher
from tests.shared_data import SHARED_EVAL
from tests.sources.conftest import serve  # noqa: F401 - loopback server fixture
from tests.sources.loopback import Reply

pytestmark = pytest.mark.django_db

OWN_VECTORS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="http://127.0.0.1:9/evil"></iframe>',
    '<form action="http://127.0.0.1:9/steal"><input name=x></form>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<object data="http://127.0.0.1:9/x.swf"></object>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
]


def _vectors() -> list[str]:
    vectors = list(OWN_VECTORS)
    corpus = SHARED_EVAL / "xss" / "vectors.jsonl"
    if corpus.exists():  # the public corpus too, when it is beside the repo (CI has it)
        with corpus.open() as lines:
            vectors += [json.loads(line)["payload"] for _, line in zip(range(300), lines, strict=False)]
    elif ci_enabled():
        pytest.fail(f"{corpus} is missing: under CI the public XSS corpus must be part of this test")
    return vectors


def _page(base: str, vectors: list[str]) -> bytes:
    body = "".join(f"<p>Paragraph {n} of the story about the harbour.</p>{v}" for n, v in enumerate(vectors))
    return f"""<!doctype html><html lang="en"><head>
<title>Harbour story &lt;script&gt;alert(1)&lt;/script&gt;</title>
<meta property="og:image" content="javascript:alert(1)">
<meta name="author" content="&lt;img src=x onerror=alert(1)&gt;">
<link rel="canonical" href="http://127.0.0.1:9/someone-elses-url">
<script>alert("page")</script></head>
<body onload="alert(1)"><article><h1>Harbour story</h1>{body}</article></body></html>""".encode()


def _feed(base: str) -> bytes:
    hostile = escape('<script>alert("feed")</script><img src=x onerror=alert(2)>')
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title><link>{base}/</link>
<item><title>Harbour &lt;b onmouseover=alert(3)&gt;story</title><link>{base}/story</link>
<description>{hostile}</description><author>x@y (&lt;script&gt;alert(4)&lt;/script&gt;)</author></item>
</channel></rss>""".encode()


def _active_content(html: str) -> list[str]:
    """Everything in a page that could run script or load a foreign frame."""
    found = []
    root = lxml.html.fromstring(html)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "iframe", "object", "embed", "frame", "base"}:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag}[{name}]")
            is_url = name.lower() in {"href", "src", "action", "formaction", "xlink:href"}
            if is_url and value.strip().lower().startswith(("javascript:", "vbscript:", "data:text/html")):
                found.append(f"{element.tag}[{name}={value[:40]}]")
        if element.tag == "form" and element.get("action") != "/search/":
            found.append(f"<form action={element.get('action')}>")
    return found


def test_the_detector_sees_the_active_content_of_the_raw_page():
    found = _active_content(_page("http://127.0.0.1:1", OWN_VECTORS).decode())
    assert {"<script>", "<iframe>", "<object>", "img[onerror]", "a[href=javascript:alert(1)]"} <= set(found)


@pytest.mark.parametrize("surface", ["page", "home", "publisher", "api", "rss", "atom", "jsonfeed", "search"])
def test_no_surface_carries_active_content_from_a_hostile_publisher(serve, surface):  # noqa: F811
    server = serve({})
    server.routes["/feed.xml"] = Reply(body=_feed(server.base), content_type="application/rss+xml")
    server.routes["/story"] = Reply(body=_page(server.base, _vectors()))
    publisher = make_publisher(policy="full", homepage=server.base + "/", slug="evil")
    feed_refresh(
        feed=make_feed(publisher, url=server.base + "/feed.xml"),
        context=IngestContext.from_settings(allow_loopback=True),
    )
    article = Article.objects.get()
    # A page may not claim another site's URL as its canonical one.
    assert article.canonical_url == server.base + "/story"
    assert article.image_url == ""

    client = Client()
    url = {
        "page": article.get_absolute_url(),
        "home": "/",
        "publisher": "/publisher/evil/",
        "api": f"/api/articles/{article.pk}",
        "rss": "/feeds/rss.xml",
        "atom": "/feeds/atom.xml",
        "jsonfeed": "/feeds/feed.json",
        "search": "/search/?q=harbour",
    }[surface]
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    if surface == "api":
        text = json.loads(text)["body_html"]
    elif surface == "jsonfeed":
        text = "".join(item.get("content_html", "") for item in json.loads(text)["items"])
    elif surface in ("rss", "atom"):
        # Feed readers render the (escaped) description as HTML: check what they would render.
        root = lxml.etree.fromstring(response.content)
        text = "".join(
            node.text or "" for node in root.iter("{*}description", "description", "{*}content", "{*}summary")
        )
    # Every surface shows the story (so the check below has something to check): listings link it, the others carry
    # its text. And none of it is active.
    shown = (
        f'href="{article.get_absolute_url()}"'
        if surface in ("home", "publisher")
        else "of the story about the harbour."
    )
    assert shown in text, surface
    assert _active_content(text) == [], surface
    # The story's own text survives (broken hostile markup may swallow some paragraphs, as in a browser).
    assert "of the story about the harbour." in client.get(article.get_absolute_url()).content.decode()
