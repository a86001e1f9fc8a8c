"""Stories (one event, all its coverage) and syndication groups (one wire text, all its copies).

Both are derived data: `newsdesk reprocess` can rebuild them from the stored articles at any time.
"""

from django.db import models

from newsdesk.articles.models import Article
from newsdesk.common.url_patterns import url_for
from newsdesk.sources.fields import LanguageField, LanguageListField


class Story(models.Model):
    """One event as the clustering sees it: its articles (through StoryMembership) and the state new articles are
    compared with."""

    headline = models.CharField(max_length=500)
    # The article whose headline and summary the story shows (the earliest original report in the story's main
    # language); its text is shown through the article display policy, never copied here.
    lead_article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The article whose image the story shows (the lead article's, or the next member with a showable image).
    image_article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    language = LanguageField(blank=True, help_text="Language of the headline (BCP 47 primary subtag).")
    languages = LanguageListField(default=list, help_text="Every language of its articles, most used first.")
    first_seen = models.DateTimeField(db_index=True)
    last_seen = models.DateTimeField(db_index=True)
    size = models.PositiveIntegerField(default=0, help_text="Articles in the story.")
    outlet_count = models.PositiveIntegerField(default=0, help_text="Publishers that covered it.")
    # Its articles readers are shown (of active, not blocked publishers: stories.counts.LISTED), what every surface
    # says it has; `size` counts every member, the clustering's bookkeeping.
    shown_size = models.PositiveIntegerField(default=0, help_text="Articles in the story that readers are shown.")
    # Collapsed size: wire copies of one text count once (what the home page ranks by).
    report_count = models.PositiveIntegerField(default=0)
    is_closed = models.BooleanField(default=False, help_text="Quiet for longer than the quiet period.")
    state = models.JSONField(default=dict, help_text="The clustering state (reader.cluster.StoryState.to_json).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The condition that some surface shows a story: one with members, of which one of an outlet readers are shown
    # (stories.counts counts those alone; a story all of whose publishers were deactivated or blocked keeps its
    # members, and shows again when one is shown again). Its reads filter by it, and so do comment targets.
    SHOWN = models.Q(size__gt=0, outlet_count__gt=0)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return url_for("site:story", self.pk)

    @classmethod
    def successor_of(cls, pk: int) -> int | None:
        """The shown story gone story `pk` became (stories.redirects), for the apps that cannot import this one
        (community.targets: its comments feed leads there as its page does)."""
        from newsdesk.stories.redirects import story_redirect_target

        return story_redirect_target(story_id=pk)


class StoryMembership(models.Model):
    """An article's story: one story per article."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="story_membership")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships")
    score = models.FloatField(default=0.0, help_text="Similarity to the story when it joined (0 for the opener).")
    joined_at = models.DateTimeField(auto_now_add=True)
    # What the article added to the document frequencies (DocumentFrequency) when it was counted, so that leaving
    # (an edit assigns it again, a removal deletes it) takes exactly that back: its text may have changed since.
    counted_names = models.JSONField(
        null=True,
        blank=True,
        help_text="The clustering names this article counts for in the document frequencies (null: counted before "
        "they were kept; the next recount sets them).",
    )

    class Meta:
        indexes = [models.Index(fields=["story", "article"])]

    def __str__(self) -> str:
        return f"article {self.article_id} in story {self.story_id}"


class SyndicationGroup(models.Model):
    """Copies of one wire text printed by several outlets, and the one we credit as the primary source."""

    primary = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, related_name="+")
    reasons = models.JSONField(default=list, help_text="Why the primary was chosen (reader.dedup.choose_primary).")
    wire_credit = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # What the primary choice needs of all its copies (reader.dedup.PrimaryTally.to_json), so a new copy is judged
    # against the primary and the copies it could lift, not every copy again; {} until the group is next recounted.
    tally = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"syndication group {self.pk} ({self.size} copies)"


class ArticleSignature(models.Model):
    """An article's near-duplicate signature and, once it has a copy elsewhere, its syndication group.

    `is_repeat` marks a copy that is not its group's primary: lists and feeds leave those out, so a wire story is
    shown once. Kept here (not derived in the query) so that filter is one indexed column.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="signature")
    signature = models.JSONField(help_text="reader.dedup.NearDupSignature.to_json")
    group = models.ForeignKey(SyndicationGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")
    is_repeat = models.BooleanField(default=False, db_index=True)

    def __str__(self) -> str:
        return f"signature of article {self.article_id}"


class SignatureBand(models.Model):
    """One LSH band key of an article's signature: articles sharing a key are near-duplicate candidates."""

    key = models.CharField(max_length=64, db_index=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "article"], name="stories_band_key_article_unique")]

    def __str__(self) -> str:
        return self.key


class StoryAssignmentTurn(models.Model):
    """A row every story assignment locks first (id 1), so two workers never assign at the same time: one could
    otherwise open a story for an event the other is opening too (a split), or both add one article (double
    count). Storing a signature locks another row (id 2), so two copies of one wire text stored at once meet in one
    group. On PostgreSQL the row lock (SELECT ... FOR UPDATE) is the turn; on SQLite the IMMEDIATE transaction
    already is, and these rows cost nothing."""

    id = models.PositiveSmallIntegerField(primary_key=True)

    def __str__(self) -> str:
        return "story assignment turn"


class StoryRedirect(models.Model):
    """The address of a story that is gone because another took its members (merged by an article matching both,
    or emptied at its close): its page, feed links and API item answer 301 to the story it became
    (stories.redirects). One hop: when that story goes in turn, its redirects follow it. A story deleted for any
    other reason (a takedown emptied it) leaves the redirects to it without a story: their addresses answer 410 Gone.
    A rebuild forgets the redirects to the stories it forgets."""

    old_id = models.PositiveBigIntegerField(unique=True, help_text="The id of the story that is gone.")
    story = models.ForeignKey(
        Story,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redirects_in",
        help_text="The story it became; empty once that one is gone too (the address answers 410 Gone).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"story {self.old_id} → story {self.story_id}"


class DocumentFrequency(models.Model):
    """How many assigned articles mention a clustering name (a term or an entity of reader.cluster.features: one
    namespace for every language, as the clusterer's); the row of the empty name counts the articles themselves.
    Every assignment and close scores with these figures (stories.frequencies), so each worker and host sees the
    document frequencies of every article in a story, as one clusterer over the whole stream does: each assignment
    adds its articles' names in its turn, and a membership that goes (an edit re-assigns the article, a removal
    deletes it) takes back the names it keeps (StoryMembership.counted_names) in the same transaction."""

    name = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=0)
    # Which rows changed since a worker last read them (stories.frequencies: its per-thread cache reads only those).
    changed = models.PositiveBigIntegerField(
        default=0,
        db_index=True,
        help_text="The table's version when this count last changed; on the row of all articles, the table's version.",
    )

    def __str__(self) -> str:
        return f"{self.name or 'all articles'}: {self.documents}"
