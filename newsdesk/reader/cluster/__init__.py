"""Streaming story clustering (stories) over folded terms and entities (features)."""

from newsdesk.reader.cluster.features import ArticleFeatures, article_features
from newsdesk.reader.cluster.state import ClusterOptions, StoryState
from newsdesk.reader.cluster.stories import Assignment, StoryClusterer, clustering_features, document_names

__all__ = [
    "ArticleFeatures",
    "Assignment",
    "ClusterOptions",
    "StoryClusterer",
    "StoryState",
    "article_features",
    "clustering_features",
    "document_names",
]
