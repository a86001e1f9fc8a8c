"""The URL-bearing records of ../shared/eval/xss/vectors.jsonl, and a page that carries them where a page names
URLs about itself: <link rel=canonical>, og:url, <base href>, og:image and the JSON-LD article's `url`."""

import json
import re
from html import escape

from tests.shared_data import shared_eval_dir

# A payload bears a URL when it names a scheme, a protocol-relative URL, or a URL-valued attribute or CSS url().
URL_BEARING = re.compile(
    r"(?i)(?:https?:|javascript:|vbscript:|data:|//"
    r"|\b(?:href|src|action|formaction|background|poster|data|xlink:href|url)\s*[=(])"
)
POISON = "http://www.google<script .com>alert(1)</script"  # the one that stopped all ingestion (issue 8)


def url_bearing_vectors() -> list[str]:
    """Every URL-bearing payload of the shared XSS corpus (skips the test without ../shared/eval)."""
    corpus = shared_eval_dir("xss") / "vectors.jsonl"
    with corpus.open(encoding="utf-8") as lines:
        payloads = [json.loads(line)["payload"] for line in lines]
    return [POISON] + [p for p in payloads if URL_BEARING.search(p) and p != POISON]


def page_carrying(vectors: list[str], *, title: str, body: str) -> bytes:
    """An article page whose every self-describing URL slot holds the vectors, the first one first in each."""
    attr = [escape(v, quote=True) for v in vectors]
    jsonld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "url": vectors[0]}
    ).replace("</", "<\\/")
    head = "".join(
        [f'<base href="{a}">' for a in attr[:1]]
        + [f'<link rel="canonical" href="{a}">' for a in attr]
        + [f'<meta property="og:url" content="{a}">' for a in attr]
        + [f'<meta property="og:image" content="{a}">' for a in attr]
        + [f'<script type="application/ld+json">{jsonld}</script>']
    )
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title>{head}</head>"
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()
