"""What the story clustering compares: content terms and the named things (people, places, organisations,
numbers and dates) an article mentions, both folded so they match across languages and inflections.

Terms are lower-cased, accent-free word prefixes (a crude, language-free stemmer: "elections"/"election",
"ministre"/"minister" meet), without the function words of the four demo languages. Entities are the capitalized
words that do not start a sentence, plus numbers of two or more digits: names and places are spelled the same in
every language, so they are what ties an event's English, French, German and Spanish reports together, and what
tells two similar events (two floods, two mergers) apart. Runs of two or more capitalized words are also kept whole
(phrases: "Goldenmouth Reform Alliance"), so that a word two names share does not make them one participant.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from newsdesk.reader.cluster.stopwords import STOPWORDS

STEM_CHARS = 6
MIN_TERM_CHARS = 3
# Headlines say what the story is: their terms count this many times the body's.
TITLE_WEIGHT = 2.0
BODY_CHARS = 3000  # the lead carries the event; the rest adds noise and time
# The numbers of the headline and the body's first sentences are the event's own (23 pirates, $2.6 million, 2011);
# further down come the background's (earlier attacks, last year's heist).
LEAD_CHARS = 300


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Month names and abbreviations of the four demo languages (accented and plain; "May" capitalized only: "may 12").
_MONTHS = (
    "jan|january|janvier|januar|enero|feb|february|fevrier|février|februar|febrero|mar|march|mars|märz|marz|marzo"
    "|apr|april|avril|abril|(?-i:May)|mai|mayo|jun|june|juin|juni|junio|jul|july|juillet|juli|julio|aug|august|aout|août"
    "|agosto|sep|sept|september|septembre|septiembre|oct|october|octobre|oktober|octubre|nov|november|novembre"
    "|noviembre|dec|december|decembre|décembre|dezember|diciembre"
)
# A day of the month next to its month ("Nov 11", "11 November", "le 4 août", "4. August", "4 de agosto"): the
# day a report was written, not a fact of the event (the year, kept, is one). Checked around short numbers only.
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*", re.UNICODE)
# The words of _TOKEN, the marks that end a name between two of them, and the white space that ends a sentence
# (after its closing mark, or a line break): one pass over the text reads all three, in order (no token holds white
# space, so the words are those of each sentence in turn).
_NAME_BREAKS = frozenset(",;()[]/\u2013\u2014-")
_SENTENCE_END = r"(?<=[.!?:;\"“”«»„])\s+|\n+"
_TOKEN_BREAK_OR_END = re.compile(
    rf"[^\W_]+(?:['\u2019\-][^\W_]+)*|[,;()\[\]/\u2013\u2014-]|{_SENTENCE_END}", re.UNICODE
)
# A URL path segment is a slug when it has this many words of letters alone, between hyphens or underscores: fewer
# is a section name ("business", "the-bachelor"), a word with a digit is an id, a date or a hash.
SLUG_MIN_WORDS = 3
_PAGE_SUFFIX = re.compile(r"\.[a-z]{2,5}$", re.IGNORECASE)  # .html, .shtml, .php, .aspx, .ece
_SLUG_SPLIT = re.compile(r"[-_+.,]")
_WORD_PARTS = re.compile(r"[^\w\-]+|_")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without accents: 'Élysée' -> 'elysee'."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word).casefold()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


@dataclass(frozen=True)
class ArticleFeatures:
    """Weighted terms and entities of one article (weights before IDF)."""

    terms: dict[str, float]
    entities: dict[str, float]
    numbers: frozenset[str] = frozenset()  # see lead_numbers
    year: int | None = None  # see written_year
    # Multi-word names ("goldenmouth reform alliance": runs of two or more capitalized words, the run opening a
    # sentence too) -> weighted count. Their words are entities as well (a later "Capaldi" is "Peter Capaldi"); the
    # name as a whole says which participant a shared word belongs to (score_shifts.names_apart).
    phrases: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[str | None, str | None]:
    """(the term a word counts as, the entity it names if it stands inside a sentence), either None."""
    folded = fold(word)
    if folded.isdigit():
        return None, ("#" + folded if len(folded) >= 2 else None)
    if len(folded) < MIN_TERM_CHARS or folded in _FOLDED_STOPWORDS:
        return None, None
    return folded[:STEM_CHARS], (folded if word[0].isupper() else None)


# What a token of _TOKEN_BREAK_OR_END is: a word, a mark that ends a name, or the end of a sentence.
_IS_WORD, _IS_BREAK, _IS_END = 0, 1, 2
# token -> (its kind, the term it counts as, the entity it names, that entity as part of a multi-word name): filled
# as tokens are met, emptied past TOKENS_KEPT entries (a dict lookup is several times cheaper than an lru_cache call).
_TOKENS: dict[str, tuple[int, str | None, str | None, str | None]] = {}
TOKENS_KEPT = 200_000


def _token(word: str) -> tuple[int, str | None, str | None, str | None]:
    if word in _NAME_BREAKS:
        found = (_IS_BREAK, None, None, None)
    elif word[0].isspace():
        found = (_IS_END, None, None, None)
    else:
        stem, name = _word(word)
        # "Matt Smith's" is Matt Smith.
        whole = name.removesuffix("'s").removesuffix("\u2019s") if name is not None else None
        found = (_IS_WORD, stem, name, whole)
    if len(_TOKENS) >= TOKENS_KEPT:
        _TOKENS.clear()
    _TOKENS[word] = found
    return found


def _scan(
    text: str,
    weight: float,
    terms: dict[str, float],
    entities: dict[str, float],
    phrases: dict[str, float],
    *,
    title: bool,
) -> None:
    # In a Title Case headline every word is capitalized: capitals there name nothing.
    capitals_name_things = not (title and _is_title_case(text))
    stems: list[str] = []
    names: list[str] = []
    runs: list[str] = []
    run: list[str] = []
    position = 0  # of the word in its sentence
    known = _TOKENS
    for word in _TOKEN_BREAK_OR_END.findall(text):
        kind, stem, name, whole = known.get(word) or _token(word)
        if name is None:  # most tokens: a lower-case word, a stop word, a mark or the end of a sentence
            if kind:
                # A comma or a dash between two names ("Jessica Becker, Lauren Edwards") ends the first one; the end
                # of a sentence ends it too, and the next word opens a sentence.
                if kind == _IS_END:
                    position = 0
            else:
                if stem is not None:
                    stems.append(stem)
                position += 1
            if run:
                if len(run) >= 2:
                    runs.append(" ".join(run))
                run = []
            continue
        if stem is not None:
            stems.append(stem)
        # Numbers name things anywhere; a capital at the start of a sentence says nothing.
        if stem is None or (capitals_name_things and position):
            names.append(name)
        position += 1
        # A run of capitalized words is one name, a run opening the sentence too ("Goldenmouth Reform Alliance
        # and Sanchez at odds").
        if stem is not None and capitals_name_things:
            run.append(whole)
            continue
        if run:
            if len(run) >= 2:
                runs.append(" ".join(run))
            run = []
    if len(run) >= 2:
        runs.append(" ".join(run))
    for bag, found in ((terms, stems), (entities, names), (phrases, runs)):
        for key, count in Counter(found).items():
            bag[key] = bag.get(key, 0.0) + count * weight


def _is_title_case(text: str) -> bool:
    words = [w for w in _TOKEN.findall(text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def article_features(title: str, text: str = "", url: str = "", url_weight: float = 0.0) -> ArticleFeatures:
    """Terms and entities of a headline and (the lead of) its body; with a `url_weight`, the words of the URL's
    slug that the headline lacks count as terms of that weight each (url_words)."""
    terms: dict[str, float] = {}
    entities: dict[str, float] = {}
    phrases: dict[str, float] = {}
    _scan(title or "", TITLE_WEIGHT, terms, entities, phrases, title=True)
    if text:
        _scan(text[:BODY_CHARS], 1.0, terms, entities, phrases, title=False)
    if not entities and title and _is_title_case(title):
        # A Title Case headline alone: its distinctive words stand in for names.
        for key, weight in terms.items():
            entities["~" + key] = weight
    features = ArticleFeatures(
        terms=terms,
        entities=entities,
        numbers=lead_numbers(title, text),
        year=written_year(text),
        phrases=phrases,
    )
    return with_url_words(features, url, url_weight, title or "") if url and url_weight else features


def url_words(url: str) -> list[str]:
    """The words of a URL's slug (its longest path segment of SLUG_MIN_WORDS or more words of letters), lower case:
    an editor writes it from the first headline and it often says what a later, shorter headline leaves out
    ("…/microsoft-corporation-msft-news-analysis-titanfall-to-be-savior-for-xbox-one…" for "Titanfall to Revive
    Microsoft's Xbox One Sales")."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return []
    best: list[str] = []
    for segment in path.split("/"):
        words = [word for word in _SLUG_SPLIT.split(_PAGE_SUFFIX.sub("", segment)) if word.isalpha()]
        if len(words) >= SLUG_MIN_WORDS and len(words) > len(best):
            best = words
    return [word.lower() for word in best]


def with_url_words(features: ArticleFeatures, url: str, weight: float, title: str = "") -> ArticleFeatures:
    """`features` plus the slug's terms they lack, each of `weight`: only as terms, never as entities or numbers
    (the slug is lower case and its numbers are ids and dates). A slug splits an elision ("l'accord" -> "l", "accord"):
    that is the headline's own word again. A hyphenated word is one headline term of its first letters
    ("Comcast-Time" -> "comcas"), so the slug's "time" is new."""
    own = set(features.terms)
    own.update(_word(part)[0] for part in _WORD_PARTS.split(title) if part)
    added = {}
    for word in url_words(url):
        stem, _ = _word(word)
        if stem is not None and stem not in own:
            added[stem] = weight
    return replace(features, terms={**features.terms, **added}) if added else features


def lead_numbers(title: str, text: str = "") -> frozenset[str]:
    """The numbers of a headline and its body's lead, separators dropped ("1,200", "1.200" and "1200" meet across
    languages), days of the month left out; 0 and 1 say nothing about which event it is."""
    lead = f"{title or ''} \n {(text or '')[:LEAD_CHARS]}"
    found = set()
    for match in _NUMBER.finditer(lead):
        number = match.group()
        start, end = match.span()
        if len(number) <= 2 and (
            _MONTH_AFTER.match(lead, end, end + 20) or _MONTH_BEFORE.search(lead, max(0, start - 12), start)
        ):
            continue
        found.add(re.sub(r"\D", "", number).lstrip("0"))
    return frozenset(number for number in found if number not in ("", "1"))


# A written date with its year: "July 13, 2009", "Tuesday, 12 March 2013", "le 4 août 2013", "4. August 2013",
# "4 de agosto de 2013", "2013-03-12", "12/03/2013" (and ECB+'s tokenized "4 / 9 / 2007", "2012. 08. 08"). Found
# from the years: the text's four-digit years first (one cheap scan), then the date forms around each, so the month
# names are not tried at every position of the text.
_WRITTEN_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?!\d)")
_DAY = r"\d{1,2}(?:st|nd|rd|th|er)?\.?"
_BEFORE_YEAR = re.compile(
    rf"(?:\b(?:{_MONTHS})\.?\s+{_DAY},?\s+|\b{_DAY}\s+(?:de\s+|of\s+)?(?:{_MONTHS})\.?,?\s+(?:de\s+)?"
    rf"|\b\d\d?\s?[/.]\s?\d\d?\s?[/.]\s?)$",
    re.IGNORECASE,
)
_AFTER_YEAR = re.compile(r"\s?[-/.]\s?\d\d?\s?[-/.]\s?\d\d?(?!\d)")
# A dateline or "Published: ..." line sits at the top; a date further down is more often the background's.
DATE_CHARS = 600


def written_year(text: str) -> int | None:
    """The year an article was written in, read from its text: the year of the first written date near the top (a
    dateline, "Published: July 13, 2009"), None when there is none. Read for every article, dated or not: the
    clusterer compares what texts say (ECB+'s come with no publish time), and a publish time is not consulted."""
    text = text or ""
    for found in _WRITTEN_YEAR.finditer(text, 0, DATE_CHARS):
        start, end = found.span()
        if _BEFORE_YEAR.search(text, max(0, start - 30), start) or _AFTER_YEAR.match(text, end, end + 12):
            return int(found.group())
    return None
