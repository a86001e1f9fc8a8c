from django.contrib import admin
from django.db import models

from newsdesk.articles.models import Article, Category

# Typed URLs without a scheme mean https (Django 6's default), not http.
URL_FIELDS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("title", "publisher", "published_at", "wire_credit", "language")
    list_filter = ("publisher", "category", "language", "noarchive")
    list_select_related = ("publisher",)
    search_fields = ("title",)
    date_hierarchy = "published_at"
    autocomplete_fields = ("publisher",)
    raw_id_fields = ("feed",)
    # What ingestion fetched is a record of the source: view it here, change it only by re-fetching.
    readonly_fields = (
        "canonical_url",
        "original_url",
        "guid",
        "original_title",
        "byline",
        "published_at",
        "fetched_at",
        "summary",
        "body_html",
        "body_text",
        "image_url",
        "content_hash",
        "noarchive",
        "search_text",
        "created_at",
        "updated_at",
    )
