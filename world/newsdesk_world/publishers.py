"""The sixteen fictional publishers of the simulated world and how each one marks up its site.

Four per language, from several countries. Each gets its own mix of layout family, class names,
URL scheme, date format, feed flavour and wire-credit habit, so that extraction and wire
detection meet the variety real sites have.
"""

from __future__ import annotations

from dataclasses import replace

from .model import PageStyle, Publisher

# Canonical article paths. {section} is the localised section slug, {num} a per-publisher serial number.
ARTICLE_PATH_PATTERNS = {
    "dated_html": "/{yyyy}/{mm}/{dd}/{slug}.html",
    "news_section": "/news/{section}/{slug}-{num}",
    "article_num": "/article/{num}/{slug}",
    "section_dated": "/{section}/{yyyy}-{mm}-{dd}/{slug}/",
    "story_html": "/story/{slug}-{num}.html",
    "articles_section": "/articles/{section}/{slug}",
    "nota": "/nota/{num}-{slug}",
}
# The publisher whose robots.txt forbids article pages keeps them all under this prefix.
ROBOTS_BLOCKED_PREFIX = "/articles/"

_DEFAULT_STYLE = PageStyle(
    layout="classic",
    css_prefix="site",
    article_path="dated_html",
    image_format="png",
    image_dir="/img",
    byline_position="top",
    json_ld=True,
    og_tags=True,
    machine_time=True,
    html_lang_region=False,
    absolute_alternates=False,
    title_separator=" | ",
    rss_content_encoded=False,
    rss_media="media",
    guid_permalink=True,
    atom_content=False,
    json_content_html=False,
    feed_link_query="",
    wire_dateline=False,
    wire_tail="",
    wire_byline="{agency}",
    wire_meta_author=False,
)


def _style(**changes: object) -> PageStyle:
    return replace(_DEFAULT_STYLE, **changes)


def _publisher(
    slug: str,
    name: str,
    country: str,
    language: str,
    locale: str,
    policy: str,
    feed: str,
    offset: int,
    tz: str,
    style: PageStyle,
    *,
    robots_blocks: bool = False,
    noarchive: bool = False,
) -> Publisher:
    return Publisher(
        slug=slug,
        name=name,
        country=country,
        language=language,
        locale=locale,
        contact_domain=f"{slug}.example",
        display_policy_hint=policy,
        primary_feed_kind=feed,
        robots_disallows_articles=robots_blocks,
        noarchive=noarchive,
        utc_offset_hours=offset,
        tz_label=tz,
        style=style,
    )


def publisher_catalogue() -> tuple[Publisher, ...]:
    """The publishers without staff rosters (the generator adds seeded names)."""
    # fmt: off
    # One publisher per block reads as a table; the formatter would spread each over thirty lines.
    return (
        # --- English ---
        _publisher("northbridge-courier", "The Northbridge Courier", "GB", "en", "en_GB", "full", "rss", 0, "GMT",
                   _style(layout="classic", css_prefix="nbc", article_path="dated_html", rss_content_encoded=True,
                          feed_link_query="?utm_source=rss&utm_medium=feed", wire_dateline=True,
                          wire_byline="{agency}", wire_meta_author=True)),
        _publisher("lakeshore-ledger", "The Lakeshore Ledger", "US", "en", "en_US", "excerpt", "atom", -5, "ET",
                   _style(layout="storybody", css_prefix="ledger", article_path="articles_section",
                          image_dir="/media/images", byline_position="bottom", json_ld=False, machine_time=False,
                          html_lang_region=True, title_separator=" - ", wire_tail="With {agency}",
                          wire_byline="Ledger staff and wire reports"),
                   robots_blocks=True),
        _publisher("harbour-point-herald", "The Harbour Point Herald", "IE", "en", "en_GB", "headline", "sitemap", 0,
                   "GMT",
                   _style(layout="portal", css_prefix="hph", article_path="news_section", image_format="svg",
                          image_dir="/static/photos", json_ld=False, og_tags=False, guid_permalink=False,
                          wire_tail="\u2014 {agency}", wire_byline="Herald reporter")),
        _publisher("pinecrest-observer", "The Pinecrest Observer", "US", "en", "en_US", "full", "jsonfeed", -5, "ET",
                   _style(layout="modern", css_prefix="pco", article_path="story_html", html_lang_region=True,
                          absolute_alternates=True, json_content_html=True, atom_content=True,
                          feed_link_query="?ref=feed", wire_dateline=True, wire_byline="{agency}",
                          wire_meta_author=True)),
        # --- French ---
        _publisher("veilleur-montfleury", "Le Veilleur de Montfleury", "FR", "fr", "fr_FR", "excerpt", "rss", 1, "CET",
                   _style(layout="classic", css_prefix="vdm", article_path="section_dated", rss_media="enclosure",
                          title_separator=" \u2013 ", wire_tail="Avec {agency}", wire_byline="La rédaction")),
        _publisher("gazette-des-tilleuls", "La Gazette des Tilleuls", "FR", "fr", "fr_FR", "full", "atom", 1, "CET",
                   _style(layout="magazine", css_prefix="gdt", article_path="dated_html", image_format="svg",
                          image_dir="/wp-content/uploads", og_tags=False, atom_content=True,
                          rss_content_encoded=True, feed_link_query="?xtor=RSS-1", wire_dateline=True,
                          wire_byline="{agency}")),
        _publisher("echo-deux-rives", "L'Écho des Deux Rives", "BE", "fr", "fr_FR", "excerpt", "sitemap", 1, "CET",
                   _style(layout="storybody", css_prefix="edr", article_path="article_num", html_lang_region=True,
                          byline_position="bottom", guid_permalink=False, wire_tail="(Avec {agency})",
                          wire_byline="La rédaction")),
        _publisher("quotidien-du-lac", "Le Quotidien du Lac", "CH", "fr", "fr_FR", "full", "jsonfeed", 1, "CET",
                   _style(layout="portal", css_prefix="qdl", article_path="nota", json_ld=False, machine_time=False,
                          html_lang_region=True, json_content_html=True, wire_tail="({agency})",
                          wire_byline="{agency}", wire_meta_author=True)),
        # --- German ---
        _publisher("nordstaedter-rundschau", "Nordstädter Rundschau", "DE", "de", "de_DE", "full", "rss", 1, "MEZ",
                   _style(layout="modern", css_prefix="nsr", article_path="section_dated", rss_content_encoded=True,
                          feed_link_query="?utm_source=rss&utm_campaign=feed", wire_tail="Mit {agency}",
                          wire_byline="Redaktion"),
                   noarchive=True),
        _publisher("tannenfelder-anzeiger", "Tannenfelder Anzeiger", "DE", "de", "de_DE", "excerpt", "atom", 1, "MEZ",
                   _style(layout="classic", css_prefix="ta", article_path="article_num", image_dir="/bilder",
                          og_tags=False, wire_dateline=True, wire_byline="{agency}", wire_meta_author=True)),
        _publisher("alpenblick-allgemeine", "Alpenblick Allgemeine", "AT", "de", "de_DE", "full", "sitemap", 1, "MEZ",
                   _style(layout="magazine", css_prefix="aba", article_path="story_html", image_format="svg",
                          image_dir="/uploads", html_lang_region=True, atom_content=True, rss_media="enclosure",
                          wire_tail="({agency}/red)", wire_byline="red")),
        _publisher("seelaender-tagespost", "Seeländer Tagespost", "CH", "de", "de_DE", "headline", "rss", 1, "MEZ",
                   _style(layout="storybody", css_prefix="stp", article_path="news_section", json_ld=False,
                          machine_time=False, byline_position="bottom", guid_permalink=False,
                          wire_tail="Mit {agency}", wire_byline="{agency}")),
        # --- Spanish ---
        _publisher("faro-de-valdeluna", "El Faro de Valdeluna", "ES", "es", "es_ES", "full", "rss", 1, "CET",
                   _style(layout="classic", css_prefix="fdv", article_path="nota", rss_content_encoded=True,
                          feed_link_query="?utm_source=rss", wire_tail="Con información de {agency}",
                          wire_byline="Redacción")),
        _publisher("diario-la-brujula", "Diario La Brújula", "ES", "es", "es_ES", "excerpt", "atom", 1, "CET",
                   _style(layout="magazine", css_prefix="dlb", article_path="section_dated", image_dir="/imagenes",
                          wire_dateline=True, wire_byline="{agency}")),
        _publisher("heraldo-sierra-alta", "El Heraldo de Sierra Alta", "MX", "es", "es_ES", "full", "jsonfeed", -6,
                   "CST",
                   _style(layout="modern", css_prefix="hsa", article_path="article_num", html_lang_region=True,
                          json_content_html=True, wire_tail="({agency})", wire_byline="{agency}",
                          wire_meta_author=True)),
        _publisher("cronica-rio-manso", "Crónica del Río Manso", "AR", "es", "es_ES", "excerpt", "rss", -3, "ART",
                   _style(layout="portal", css_prefix="crm", article_path="dated_html", image_format="svg",
                          image_dir="/fotos", json_ld=False, rss_media="enclosure",
                          wire_tail="Con información de {agency}", wire_byline="Redacción")),
    )
    # fmt: on
