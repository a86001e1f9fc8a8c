"""Extraction stage: article HTML in, `ExtractedArticle` (sanitized body + metadata) out."""

from newsdesk.reader.extract.article import ExtractOptions, extract_article
from newsdesk.reader.extract.errors import ExtractionError
from newsdesk.reader.extract.sanitize import html_to_text, sanitize_html

__all__ = ["ExtractOptions", "ExtractionError", "extract_article", "html_to_text", "sanitize_html"]
