"""Writes of articles, a module a topic: what the reader produced stored as attributable rows (upsert, with
fields and moves), an article's section and language (classify), a publisher's display policy (publishers) and the
search index (search_index). The services other apps call are importable from here."""

from newsdesk.articles.services.classify import article_reclassify
from newsdesk.articles.services.publishers import publisher_policy_set
from newsdesk.articles.services.search_index import search_index_rebuild, search_index_repair
from newsdesk.articles.services.upsert import UpsertResult, article_upsert

__all__ = [
    "UpsertResult",
    "article_reclassify",
    "article_upsert",
    "publisher_policy_set",
    "search_index_rebuild",
    "search_index_repair",
]
