"""An article's section and language: the sections we file under, the labels that name them, and a stored article
classified again."""

from django.utils.text import slugify

from newsdesk.articles.models import Article, Category
from newsdesk.articles.search import article_stems
from newsdesk.reader.categorize import choose_category
from newsdesk.reader.extract.language import identify_language

# Sections we file articles under; feed categories outside this list are mapped by their slug if it matches.
KNOWN_CATEGORIES = {
    "politics": "Politics",
    "business": "Business",
    "technology": "Technology",
    "science": "Science",
    "sports": "Sports",
    "culture": "Culture",
    "world": "World",
    "health": "Health",
}


# Common synonyms publishers use for those sections (several languages).
CATEGORY_SYNONYMS = {
    "economy": "business",
    "economie": "business",
    "wirtschaft": "business",
    "economia": "business",
    "tech": "technology",
    "technologie": "technology",
    "tecnologia": "technology",
    "digital": "technology",
    "sport": "sports",
    "deportes": "sports",
    "politique": "politics",
    "politik": "politics",
    "politica": "politics",
    "international": "world",
    "monde": "world",
    "welt": "world",
    "mundo": "world",
    "ausland": "world",
    "internacional": "world",
    "sante": "health",
    "gesundheit": "health",
    "salud": "health",
    "kultur": "culture",
    "cultura": "culture",
    "wissenschaft": "science",
    "ciencia": "science",
    "sciences": "science",
}


def section_slug(labels: tuple[str, ...] | list[str]) -> str:
    """The first of the feed's or page's labels that names one of our sections, as its slug; "" for none."""
    for label in labels:
        slug = slugify(label)
        slug = CATEGORY_SYNONYMS.get(slug, slug)
        if slug in KNOWN_CATEGORIES:
            return slug
    return ""


def category_for(labels: tuple[str, ...] | list[str], *, text: str = "", language: str = "") -> Category | None:
    """The article's section as a Category row (created on first use): the category model's answer for `text`
    when it is confident, else the first label naming one of our sections (the publisher's section is a hint),
    else the model's plausible guess, else None."""
    slug = choose_category(text, language=language, section=section_slug(labels))
    if slug not in KNOWN_CATEGORIES:
        return None
    category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": KNOWN_CATEGORIES[slug]})
    return category


def article_reclassify(*, article: Article) -> list[str]:
    """Identify a stored article's language, stems and category again from its stored text (what a batch
    `reprocess` calls after the models change). The stored language and category act as the hints the page's
    declaration and the publisher's section were at ingest. Saves and returns the changed field names; the
    caller bumps common.content_version once for its whole batch."""
    text = f"{article.title}\n{article.summary}\n{article.body_text}"
    language = identify_language(text, hints=(article.language, article.publisher.language))
    current = article.category.slug if article.category_id else ""
    category = category_for([current] if current else [], text=text, language=language)
    new = {
        "language": language,
        "search_stems": article_stems(title=article.title, search_text=article.search_text, language=language),
        "category": category,
    }
    changed = [name for name, value in new.items() if getattr(article, name) != value]
    for name in changed:
        setattr(article, name, new[name])
    if changed:
        article.save(update_fields=[*changed, "updated_at"])
    return changed
