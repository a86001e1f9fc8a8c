from django.contrib import admin, messages
from django.http import HttpRequest

from newsdesk.articles.models import Article, Category
from newsdesk.articles.policy import EXCERPT_WORDS_MAX, EXCERPT_WORDS_MIN
from newsdesk.articles.services import publisher_policy_set
from newsdesk.articles.signals import copy_facts_changed
from newsdesk.common.autocomplete_admin import CheckedAutocompleteAdminMixin
from newsdesk.sources.admin import URL_FIELDS_HTTPS, FeedInline
from newsdesk.sources.models import Publisher

SEARCH_REINDEX_QUEUED = "Search follows the new policy once a worker has reindexed the articles of this publisher."


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(CheckedAutocompleteAdminMixin, admin.ModelAdmin):
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

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"wire_credit", "publisher"} & set(form.changed_data):
            copy_facts_changed.send(sender=Article, article_ids=[obj.pk])


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    """Publishers are administered here, above `sources`, because their display policy decides what readers see
    of their articles: a changed policy goes through `publisher_policy_set`, which asks a worker to re-derive the
    search index (the request does not reindex the articles itself)."""

    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("name", "country", "language", "display_policy", "is_active")
    list_filter = ("display_policy", "is_active", "country", "language")
    search_fields = ("name", "slug", "homepage", "contact_domain")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    inlines = [FeedInline]

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        """The excerpt length within what publisher_policy_set takes: the form says so, where a change beyond it
        was a 500 and an added publisher kept it."""
        if db_field.name == "excerpt_words":
            kwargs.update(min_value=EXCERPT_WORDS_MIN, max_value=EXCERPT_WORDS_MAX)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Publisher, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"display_policy", "excerpt_words", "is_active"} & set(form.changed_data):
            shown_before = (form.initial["display_policy"], form.initial["excerpt_words"])
            publisher_policy_set(
                publisher=obj,
                display_policy=obj.display_policy,
                excerpt_words=obj.excerpt_words,
                shown_before=shown_before,
            )
            if shown_before != (obj.display_policy, obj.excerpt_words):
                self.message_user(request, SEARCH_REINDEX_QUEUED, messages.INFO)
        if change and "name" in form.changed_data:
            # A subquery, not a list of ids: a publisher can have more articles than a query takes parameters.
            copy_facts_changed.send(sender=Publisher, article_ids=obj.articles.values_list("pk", flat=True))
