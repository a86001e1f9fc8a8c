"""Pick the article body among the candidates (candidates.py) by agreement, and say why.

Each extractor fails in its own way (trafilatura keeps a related-links rail, readability takes one wrong
container, a JSON-LD `articleBody` is a teaser), and they rarely fail the same way on the same page. So the
body chosen is the candidate that agrees most with the others, agreement being the F1 of their word 4-gram
multisets (the benchmark's own unit). Running every extractor on every page costs time, so it is a cascade:
trafilatura always runs; readability is asked only when trafilatura's body shows signs of doubt (`doubts`: short,
opening with a heading or with the page's own description, a paragraph that is a bare URL, a long body in one
block, a short line repeated down the body, the publisher's own text disagreeing): two of them, or alone a heading or
one block (`worth_a_second_opinion`);
when the two agree closely trafilatura's body is taken as it is, and only when they disagree is the tie broken with
more candidates (trafilatura favor_precision, the JSON-LD and feed bodies); not when readability's body holds all of
trafilatura's or none of it (the stricter runs could only confirm trafilatura) or only a fragment of it (the vote
would favour the shortest run). The thresholds, the signs of doubt and which extra sources vote were chosen by k-fold
cross-validation on the dev set (`eval/extraction_eval.py --cv 5`, figures in docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from newsdesk.reader.extract.candidates import (
    FEED,
    JSON_LD,
    READABILITY,
    TRAFILATURA,
    TRAFILATURA_PRECISION,
    BodyCandidate,
    lowered_words,
    words_of,
)

_URL_ONLY = re.compile(r"(?:https?://|www\.)\S+")
_REPEAT_WORDS = 8
_SHINGLE = 4
# Ties go to the source that is right most often on its own (trafilatura), then the publisher's own text.
_PRIORITY = (TRAFILATURA, TRAFILATURA_PRECISION, FEED, JSON_LD, READABILITY)


@dataclass(frozen=True)
class EnsembleParams:
    """The ensemble's knobs; the defaults are what cross-validation chose (see the module docstring)."""

    agree_threshold: float = 0.95  # trafilatura and readability at least this close: no tie-break needed
    outside_sources_vote: bool = True  # JSON-LD articleBody and the feed's content join the tie-break
    min_words: int = 25  # a candidate shorter than this is not a body (a teaser, a caption, a cookie notice)
    # At least this share of trafilatura's 4-grams inside readability's text (or none at all): no tie-break
    # (see choose_body); above 1 the tie-break always runs on disagreement.
    contained_share: float = 0.97
    # Less than this share of trafilatura's 4-grams inside readability's text: readability took a fragment (a panel,
    # a caption, a box), and no tie-break either (see choose_body); 0: the tie-break runs however little is shared.
    # Not chosen by cross-validation (no dev tie-break had readability holding under half of trafilatura's): set from
    # the tie-breaks of the five sets in docs/benchmarks.md, where the only one under a quarter lost F1.
    fragment_share: float = 0.25
    # The publisher's own full text (JSON-LD articleBody, the feed's content) at least this close to trafilatura's:
    # trafilatura's is kept without readability's opinion (above 1: readability always asked).
    outside_agree: float = 0.95
    # Readability is asked only when trafilatura's body shows a sign of doubt (see doubts); False: always asked.
    only_when_doubtful: bool = True
    doubt_words: int = 150  # a body shorter than this is doubtful (teasers, paywalls, a wrong container)
    # One of the body's first two paragraphs has (nearly) the words of the page's description (Jaccard at least
    # this): a standfirst trafilatura took for the article, or the article's first paragraph (above 1: no sign).
    doubt_lead: float = 0.95
    doubt_url: bool = True  # a paragraph that is only a URL (a share or "canonical" line) is a sign of doubt
    doubt_heading: bool = True  # a body opening with a heading (a headline, dek or kicker kept) is doubtful
    # All of a long body in one block: trafilatura's whole-page fallback (its `baseline`, taken in fast mode when its
    # own extraction finds no article; page chrome and all) or a page written without paragraphs.
    doubt_one_block: bool = True
    # The same short line (at most _REPEAT_WORDS words) this many times or more: reader comments' timestamps ("Hace 2
    # horas"), their buttons, a rail's labels kept after the article (0: no sign).
    doubt_repeats: int = 3
    # Readability is asked when at least this many signs show, or one of the two that are enough alone: a heading the
    # body opens with (a kept headline, dek or kicker: the failure readability's vote fixes most) and one block
    # (trafilatura found no article and fell back to the whole page). On the 203 pages of the five sets
    # (docs/benchmarks.md) the vote changed no body where one other sign showed alone: a short body, the description in
    # the lead, a URL line or the publisher's text differing, alone, cost readability's run (and at times a tie-break)
    # for nothing. 1: any sign.
    doubt_signs: int = 2


DEFAULT_PARAMS = EnsembleParams()


class Doubt(Enum):
    """The signs of doubt about trafilatura's body (see doubts), each with the words a reason says it in."""

    SHORT = "{words} words"
    DESCRIPTION_LEADS = "opens with the page's description"
    HEADING = "opens with a heading"
    ONE_BLOCK = "one block of {words} words"
    URL_LINE = "a paragraph that is only a URL"
    REPEATED_LINE = "a line repeated {times} times ({line})"
    PUBLISHER_DIFFERS = "the publisher's own text differs"


@dataclass(frozen=True)
class DoubtSign:
    """One sign of doubt: which (`kind`) and how the reasons say it (`text`, also its str)."""

    kind: Doubt
    text: str

    @classmethod
    def of(cls, kind: Doubt, **details: object) -> DoubtSign:
        return cls(kind, kind.value.format(**details))

    def __str__(self) -> str:
        return self.text


# The two signs that ask for readability alone (EnsembleParams.doubt_signs says why).
ENOUGH_ALONE = frozenset({Doubt.HEADING, Doubt.ONE_BLOCK})
PUBLISHER_DIFFERS = DoubtSign.of(Doubt.PUBLISHER_DIFFERS)


@dataclass(frozen=True)
class BodyChoice:
    candidate: BodyCandidate | None
    reasons: tuple[str, ...]

    @property
    def source(self) -> str:
        return self.candidate.source if self.candidate else ""


def choose_body(
    candidates: list[BodyCandidate],
    *,
    second_opinion: Callable[[], list[BodyCandidate]] = list,
    tie_breakers: Callable[[], list[BodyCandidate]] = list,
    params: EnsembleParams = DEFAULT_PARAMS,
    description: str = "",
) -> BodyChoice:
    """The body among `candidates` (trafilatura's, outside sources, readability's when given) and what
    `second_opinion` returns (readability's), which is not asked for when the publisher's own text (JSON-LD
    articleBody, the feed's content) already agrees with trafilatura's or when trafilatura's body shows no sign of
    doubt (`description`: the page's meta description, see doubts); `tie_breakers` is called, at most once, for
    more candidates when trafilatura and readability disagree. Equal agreement goes to the source ranked first
    (_PRIORITY), but never to trafilatura's whole-page fallback (see _last_resort)."""
    reasons: list[str] = []
    pool = [c for c in candidates if _usable(c, params, reasons)]
    main = next((c for c in pool if c.source == TRAFILATURA), None)
    outside_differs = False
    if main is not None and params.outside_sources_vote:
        for outside in (c for c in pool if c.source in (JSON_LD, FEED)):
            agreement = similarity(main.text, outside.text)
            if agreement >= params.outside_agree:
                reasons.append(f"{TRAFILATURA}: agrees with {outside.source} ({agreement:.2f})")
                return BodyChoice(main, tuple(reasons))
            outside_differs = True
    if main is not None and params.only_when_doubtful and all(c.source != READABILITY for c in pool):
        signs = doubts(main, description, params)
        if outside_differs:
            signs.append(PUBLISHER_DIFFERS)
        if not signs:
            reasons.append(f"{TRAFILATURA}: no sign of doubt, {READABILITY} not asked")
            return BodyChoice(main, tuple(reasons))
        if not worth_a_second_opinion(signs, params):
            reasons.append(f"{TRAFILATURA}: one sign of doubt alone ({signs[0]}), {READABILITY} not asked")
            return BodyChoice(main, tuple(reasons))
        reasons.append(f"{TRAFILATURA} doubtful ({'; '.join(map(str, signs))}): {READABILITY} asked")
    pool += [c for c in second_opinion() if _usable(c, params, reasons)]
    by_source = {c.source: c for c in pool}
    main, readable = by_source.get(TRAFILATURA), by_source.get(READABILITY)
    outside = params.outside_sources_vote and any(c.source in (JSON_LD, FEED) for c in pool)
    if main is not None and readable is None and not outside and not _last_resort(main):
        # Left to vote: trafilatura and its stricter runs, whose agreement with each other is the same both ways,
        # so the tie goes to trafilatura (_PRIORITY): the stricter run would be made for nothing.
        reasons.append(f"{TRAFILATURA}: kept, no other body to weigh it against: a tie-break could only confirm it")
        return BodyChoice(main, tuple(reasons))
    if main is not None and readable is not None:
        ours, theirs = _shingles(main.text), _shingles(readable.text)
        shared = _shared(ours, theirs)
        agreement = _f1_of(shared, ours, theirs)
        if agreement >= params.agree_threshold:
            reasons.append(f"{TRAFILATURA}: agrees with {READABILITY} ({agreement:.2f})")
            return BodyChoice(main, tuple(reasons))
        inside = shared / (ours.total() or 1)
        if not outside and (inside >= params.contained_share or not shared):
            # The tie-breakers are stricter trafilatura runs: text taken out of trafilatura's. Such a text agrees
            # no better with a readability text that holds all of trafilatura's (or none of it) than
            # trafilatura's own does, so the vote could only keep trafilatura: it is not asked for.
            how = f"{inside:.0%} of it inside {READABILITY}'s" if shared else f"nothing shared with {READABILITY}"
            reasons.append(f"{TRAFILATURA}: kept, {how} ({agreement:.2f}): a tie-break could only confirm it")
            return BodyChoice(main, tuple(reasons))
        if not outside and inside < params.fragment_share:
            # Readability holds a small part of trafilatura's text: a fragment of the page, not another reading of
            # the article. Against a fragment the vote favours whichever trafilatura run is shortest, whatever it
            # left out (Mozilla's product page: the precision run dropped two of its panels, 0.835 -> 0.736 F1),
            # so it is no evidence; the tie-breaks that fixed a body gave readability at least half of it.
            reasons.append(
                f"{TRAFILATURA}: kept, {inside:.0%} of it inside {READABILITY}'s, a fragment ({agreement:.2f}): "
                "no tie-break"
            )
            return BodyChoice(main, tuple(reasons))
        reasons.append(f"{TRAFILATURA} and {READABILITY} disagree ({agreement:.2f}): tie-break")
    pool += [c for c in tie_breakers() if _usable(c, params, reasons)]
    if not params.outside_sources_vote:
        pool = [c for c in pool if c.source not in (JSON_LD, FEED)]
    if not pool:
        reasons.append("no candidate body")
        return BodyChoice(None, tuple(reasons))
    if len(pool) == 1:
        reasons.append(f"{pool[0].source}: the only candidate")
        return BodyChoice(pool[0], tuple(reasons))
    shingles = {id(c): _shingles(c.text) for c in pool}
    scores = {
        id(c): sum(_f1(shingles[id(c)], shingles[id(o)]) for o in pool if o is not c) / (len(pool) - 1) for c in pool
    }
    best = max(pool, key=lambda c: (round(scores[id(c)], 6), not _last_resort(c), -_rank(c.source)))
    others = ", ".join(f"{c.source} {scores[id(c)]:.2f}" for c in pool if c is not best)
    reasons.append(f"{best.source}: most agreement ({scores[id(best)]:.2f}; {others})")
    return BodyChoice(best, tuple(reasons))


def similarity(a: str, b: str) -> float:
    """F1 of the two texts' word 4-gram multisets: 1.0 for the same words in the same order."""
    return _f1(_shingles(a), _shingles(b))


def doubts(body: BodyCandidate, description: str, params: EnsembleParams = DEFAULT_PARAMS) -> list[DoubtSign]:
    """Signs that trafilatura's body may be wrong, read from its text and first element (cheap next to readability's
    run): the failures the vote fixed on the dev set were a headline, standfirst or kicker kept at the top (so the
    body opens with a heading or with the page's description), related headlines after a short article and a bare
    URL line; a body this short is where teasers and wrong containers show."""
    signs = []
    if not body.has_words(params.doubt_words):
        signs.append(DoubtSign.of(Doubt.SHORT, words=body.words))
    paragraphs = [p for p in body.text.split("\n\n") if p.strip()]
    lead = _word_set(description)
    if lead and any(_jaccard(_word_set(p), lead) >= params.doubt_lead for p in paragraphs[:2]):
        signs.append(DoubtSign.of(Doubt.DESCRIPTION_LEADS))
    if params.doubt_heading and body.opens_with_heading:
        signs.append(DoubtSign.of(Doubt.HEADING))
    if params.doubt_one_block and body.one_block and body.has_words(params.doubt_words):
        signs.append(DoubtSign.of(Doubt.ONE_BLOCK, words=body.words))
    if params.doubt_url and any(_URL_ONLY.fullmatch(p.strip()) for p in paragraphs):
        signs.append(DoubtSign.of(Doubt.URL_LINE))
    if params.doubt_repeats and (repeated := _repeated_line(paragraphs, params.doubt_repeats)):
        signs.append(DoubtSign.of(Doubt.REPEATED_LINE, times=repeated[1], line=repeated[0][:40]))
    return signs


def worth_a_second_opinion(signs: list[DoubtSign], params: EnsembleParams = DEFAULT_PARAMS) -> bool:
    """Whether these signs of doubt (doubts, and PUBLISHER_DIFFERS) are worth readability's run: `doubt_signs` of them,
    or one of the two that are enough alone (ENOUGH_ALONE, see EnsembleParams.doubt_signs), told by their kind."""
    return len(signs) >= params.doubt_signs or any(sign.kind in ENOUGH_ALONE for sign in signs)


def _repeated_line(paragraphs: list[str], times: int) -> tuple[str, int] | None:
    """The first short paragraph found at least `times` times, and how many times."""
    seen: Counter[str] = Counter()
    for paragraph in paragraphs:
        if len(paragraph) > 40 * _REPEAT_WORDS:  # no short line: not worth splitting into words
            continue
        line = " ".join(paragraph.split(None, _REPEAT_WORDS))
        if line.count(" ") >= _REPEAT_WORDS:
            continue
        seen[line] += 1
        if seen[line] >= times:
            return line, sum(1 for p in paragraphs if " ".join(p.split()) == line)
    return None


def _word_set(text: str) -> set[str]:
    return set(lowered_words(text))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _usable(candidate: BodyCandidate, params: EnsembleParams, reasons: list[str]) -> bool:
    if not candidate.has_words(params.min_words):
        reasons.append(f"{candidate.source}: too short ({candidate.words} words)")
        return False
    if candidate.truncated and candidate.source in (JSON_LD, FEED):
        reasons.append(f"{candidate.source}: ends in an ellipsis (a teaser)")
        return False
    return True


def _last_resort(candidate: BodyCandidate) -> bool:
    """trafilatura's body in one block: its whole-page fallback, which trafilatura itself (out of fast mode) takes
    only after readability's and justext's; so on a tie it yields to readability (Donga's page: the whole page,
    menus and all, against readability's article)."""
    return candidate.source == TRAFILATURA and candidate.one_block


def _rank(source: str) -> int:
    return _PRIORITY.index(source) if source in _PRIORITY else len(_PRIORITY)


@lru_cache(maxsize=16)
def _shingles(text: str) -> Counter[str]:
    """Cached: trafilatura's text is shingled for the first agreement check and again for a tie-break. Callers
    never change the Counter they get.

    A 4-gram is its words joined by spaces (a word holds none, so two grams are equal exactly when their words
    are), not a tuple: a tuple is an object the garbage collector tracks, and the thousands a long body makes, alive
    at once, set off its collections (in a pass over the readability set, 22 of the 39 young ones made in our calls,
    and the full one, 18 ms, that then fell inside our call); a string is not tracked."""
    words = words_of(text)
    if len(words) < _SHINGLE:
        return Counter([" ".join(words)]) if words else Counter()
    # zip stops at the shortest: the last 4-gram; it reuses its tuple when join has let go of it.
    return Counter(map(" ".join, zip(*(words[i:] for i in range(_SHINGLE)), strict=False)))


def _f1(a: Counter, b: Counter) -> float:
    return _f1_of(_shared(a, b), a, b)


def _shared(a: Counter, b: Counter) -> int:
    """sum((a & b).values()) without building the intersection: Counter.__and__ stores each shared 4-gram in a new
    Counter (hashing its tuple again); this walks the smaller one and looks each up in the other, half the time."""
    if len(a) > len(b):
        a, b = b, a
    shared = 0
    other = b.get
    for gram, count in a.items():
        theirs = other(gram)
        if theirs:
            shared += count if count < theirs else theirs
    return shared


def _f1_of(shared: int, a: Counter, b: Counter) -> float:
    if not shared:
        return 0.0
    precision, recall = shared / a.total(), shared / b.total()
    return 2 * precision * recall / (precision + recall)
