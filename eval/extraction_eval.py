"""Article-body extraction on a folder of pages with gold text: our extractor vs bare trafilatura.

    .venv/bin/python eval/extraction_eval.py                 # P/R/F1 (the corpus's score.py) and pages/s, both
    .venv/bin/python eval/extraction_eval.py --data DIR      # any folder laid out like the dev set
    .venv/bin/python eval/extraction_eval.py --json          # end with {"ours": {...}, "trafilatura": {...}}
    .venv/bin/python eval/extraction_eval.py --check         # also fail if ours is below the pinned floor
    .venv/bin/python eval/extraction_eval.py --update        # raise the floor to today's figure (never lowers it)
    .venv/bin/python eval/extraction_eval.py --cv 5          # k-fold cross-validation of the ensemble's choices

A data folder holds `html/<id>.html.gz` and `gold/<id>.json` ({"articleBody": ..., "url": ...}); the default is
../shared/eval/extraction/dev. The floor lives in eval/extraction_baseline.json together with the dev set's
sha256, so a changed corpus is noticed instead of silently moving the goalposts.

`--cv K` judges the ensemble's knobs (ensemble.EnsembleParams and whether boilerplate is pruned first) the
way they must be judged: the pages are split into K folds by a hash of their id; for each fold the setting
with the best F1 on the other K-1 folds is chosen and measured on the held-out fold, beside the shipped
defaults and bare trafilatura on the same fold.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import itertools
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "eval" / "extraction"
DEV = CORPUS / "dev"
SCORER = CORPUS / "score.py"
BASELINE = Path(__file__).resolve().with_name("extraction_baseline.json")
_F1 = re.compile(r"^F1 ([0-9.]+)$", re.M)
_FIELD = re.compile(r"^(precision|recall) ([0-9.]+)$", re.M)
NO_PAGES = "no pages in {data}: expected html/<id>.html.gz and gold/<id>.json"


@dataclass(frozen=True)
class Page:
    page_id: str
    html: bytes
    url: str
    gold: str


def corpus_ids(data: Path = DEV) -> list[str]:
    """The ids of a data folder: its ids.txt when it has one, else every gold/<id>.json."""
    listed = data / "ids.txt"
    if listed.exists():
        return listed.read_text().split()
    return sorted(path.name.removesuffix(".json") for path in (data / "gold").glob("*.json"))


def corpus_sha256(data: Path = DEV) -> str:
    """Hash of ids + gold files: the pages' identity, cheap to recompute."""
    if data.name != "dev" and (data / "dev").is_dir():  # the corpus root, as callers before --data passed it
        data = data / "dev"
    digest = hashlib.sha256()
    for page_id in corpus_ids(data):
        digest.update(page_id.encode())
        digest.update((data / "gold" / f"{page_id}.json").read_bytes())
    return digest.hexdigest()


def load_pages(data: Path = DEV) -> list[Page]:
    pages = []
    for page_id in corpus_ids(data):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        gold = json.loads((data / "gold" / f"{page_id}.json").read_text(encoding="utf-8"))
        pages.append(Page(page_id, html, gold.get("url") or "", gold.get("articleBody") or ""))
    return pages


def ours(html: bytes, url: str) -> str:
    from newsdesk.reader.extract import extract_article

    return extract_article(html, url=url).body_text


def bare_trafilatura(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url or None, include_comments=False) or ""


def score(extractor: Callable[[bytes, str], str], data: Path = DEV) -> dict[str, float]:
    """One extractor over a data folder, scored (see score_together)."""
    return score_together({"extractor": extractor}, data)["extractor"]


def score_together(extractors: dict[str, Callable[[bytes, str], str]], data: Path = DEV) -> dict[str, dict]:
    """Run the extractors over a data folder and score each with the corpus's own score.py.

    pages_per_s is pages per second of the process's CPU time spent in the extractor's own calls: the extractors
    take turns page by page (in alternating order) after one warm-up page each, so imports are not timed and
    the other work of a shared machine neither counts nor favours the one that happened to run while it was
    quiet. On an idle machine it is the wall-clock rate (one thread, no I/O).
    """
    if data.name != "dev" and (data / "dev").is_dir():
        data = data / "dev"
    pages = load_pages(data)
    if not pages:
        raise ValueError(NO_PAGES.format(data=data))
    names = list(extractors)
    for name in names:
        _run(extractors[name], pages[0])
    texts: dict[str, dict[str, str]] = {name: {} for name in names}
    cpu = dict.fromkeys(names, 0.0)
    for number, page in enumerate(pages):
        for name in names if number % 2 == 0 else reversed(names):
            started = time.process_time()
            texts[name][page.page_id] = _run(extractors[name], page)
            cpu[name] += time.process_time() - started
    return {name: _scored(texts[name], data, len(pages), cpu[name]) for name in names}


def _scored(texts: dict[str, str], data: Path, pages: int, cpu_s: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        for page_id, text in texts.items():
            Path(tmp, f"{page_id}.json").write_text(json.dumps({"articleBody": text}), encoding="utf-8")
        output = subprocess.run(
            [sys.executable, str(SCORER), tmp, str(data / "gold")], capture_output=True, text=True, check=True
        ).stdout
    match = _F1.search(output)
    if match is None:
        raise RuntimeError(f"score.py printed no F1 line:\n{output}")
    result = {"f1": float(match.group(1)), "pages": pages, "pages_per_s": pages / max(cpu_s, 1e-9)}
    result.update({name: float(value) for name, value in _FIELD.findall(output)})
    return result


def _run(extractor: Callable[[bytes, str], str], page: Page) -> str:
    try:
        return extractor(page.html, page.url)
    except Exception as error:  # a crash on one page scores as an empty prediction
        print(f"  {page.page_id}: {type(error).__name__}: {error}", file=sys.stderr)
        return ""


def load_baseline() -> dict[str, object]:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


# --- cross-validation -----------------------------------------------------------------------------------------


def _scorer_module():
    spec = importlib.util.spec_from_file_location("extraction_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_f1(pairs: list[tuple[float | None, float | None]]) -> float:
    """score.py's corpus F1 from per-page (precision, recall): harmonic mean of the two means."""
    precisions = [p for p, _ in pairs if p is not None]
    recalls = [r for _, r in pairs if r is not None]
    if not precisions or not recalls:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * p * r / (p + r) if p + r else 0.0


def fold_of(page_id: str, k: int) -> int:
    return int(hashlib.sha256(page_id.encode()).hexdigest(), 16) % k


@dataclass(frozen=True)
class Setting:
    prune: bool
    agree_threshold: float
    outside_sources_vote: bool
    min_words: int
    contained_share: float
    outside_agree: float
    only_when_doubtful: bool = False
    doubt_words: int = 0
    doubt_lead: float = 1.01
    doubt_url: bool = False
    doubt_heading: bool = False
    doubt_signs: int = 1

    def label(self) -> str:
        gate = (
            f"readability when doubtful (words<{self.doubt_words} lead>={self.doubt_lead:g} "
            f"url={'on' if self.doubt_url else 'off'} heading={'on' if self.doubt_heading else 'off'} "
            f"signs>={self.doubt_signs})"
            if self.only_when_doubtful
            else "readability always"
        )
        return (
            f"prune={'on' if self.prune else 'off'} agree>={self.agree_threshold:g} "
            f"outside_vote={'on' if self.outside_sources_vote else 'off'} min_words={self.min_words} "
            f"contained>={self.contained_share:g} outside_agree>={self.outside_agree:g} {gate}"
        )

    def params(self):
        from newsdesk.reader.extract.ensemble import EnsembleParams

        return EnsembleParams(**{name: getattr(self, name) for name in _PARAM_FIELDS})

    def ungated(self) -> Setting:
        return replace(
            self,
            only_when_doubtful=False,
            doubt_words=0,
            doubt_lead=1.01,
            doubt_url=False,
            doubt_heading=False,
            doubt_signs=1,
        )


_PARAM_FIELDS = (
    "agree_threshold",
    "outside_sources_vote",
    "min_words",
    "contained_share",
    "outside_agree",
    "only_when_doubtful",
    "doubt_words",
    "doubt_lead",
    "doubt_url",
    "doubt_heading",
    "doubt_signs",
)


def settings_grid() -> list[Setting]:
    """The vote's knobs, each combined with readability always asked or asked only on the signs of doubt."""
    votes = [
        Setting(prune, threshold, vote, min_words, contained, outside)
        for prune, threshold, vote, min_words, contained, outside in itertools.product(
            (True, False), (0.0, 0.8, 0.9, 0.95, 0.98, 1.01), (True, False), (0, 25), (0.9, 0.97, 1.01), (0.95, 1.01)
        )
    ]
    gates = [
        {
            "only_when_doubtful": True,
            "doubt_words": words,
            "doubt_lead": lead,
            "doubt_url": url,
            "doubt_heading": head,
            "doubt_signs": signs,
        }
        for words, lead, url, head, signs in itertools.product(
            (0, 100, 150, 250), (0.8, 0.95, 1.01), (True, False), (True, False), (1, 2)
        )
    ]
    return votes + [replace(vote, **gate) for vote in votes for gate in gates]


def default_setting() -> Setting:
    from newsdesk.reader.extract.ensemble import DEFAULT_PARAMS

    return Setting(True, **{name: getattr(DEFAULT_PARAMS, name) for name in _PARAM_FIELDS})


@dataclass(frozen=True)
class Candidates:
    """Every candidate the ensemble may see for one page."""

    found: list  # always run: trafilatura, JSON-LD, feed
    second: list  # readability
    extra: list  # the tie-breakers
    description: str  # the page's meta description (a sign of doubt reads it)


def page_candidates(page: Page, *, prune: bool) -> Candidates:
    import lxml.html

    from newsdesk.reader.extract import article
    from newsdesk.reader.extract.decode import decode_html
    from newsdesk.reader.extract.metadata import read_metadata

    document = lxml.html.document_fromstring(decode_html(page.html), parser=article._HTML_PARSER)
    meta = read_metadata(document, url=page.url, headers={})
    found, second_opinion, tie_breakers = article._body_candidates(
        document,
        url=page.url,
        title=meta.title,
        base_url=meta.canonical_url or page.url,
        allow_loopback=False,
        article_body=meta.article_body,
        feed_html="",
        prune=prune,
    )
    return Candidates(found, second_opinion(), tie_breakers(), meta.description)


def _asks_readability(setting: Setting, candidates: Candidates) -> bool:
    """Whether choose_body with `setting` asks for readability (given trafilatura's body and no outside agreement):
    the same test as choose_body's, so a gated setting's outcome is the ungated one where it asks, else
    trafilatura's body (tests/reader/extract/test_extraction_floor.py holds that against choose_body itself)."""
    from newsdesk.reader.extract.candidates import FEED, JSON_LD, TRAFILATURA
    from newsdesk.reader.extract.ensemble import PUBLISHER_DIFFERS, doubts, worth_a_second_opinion

    params = setting.params()
    main = next((c for c in candidates.found if c.source == TRAFILATURA), None)
    if not setting.only_when_doubtful or main is None or main.words < setting.min_words:
        return True
    outside = setting.outside_sources_vote and any(
        c.source in (JSON_LD, FEED) and c.words >= setting.min_words and not c.truncated for c in candidates.found
    )
    signs = doubts(main, candidates.description, params) + ([PUBLISHER_DIFFERS] if outside else [])
    return worth_a_second_opinion(signs, params)


def cross_validate(pages: list[Page], k: int, say: Callable[[str], None] = print) -> dict[str, object]:
    from newsdesk.reader.extract.candidates import TRAFILATURA
    from newsdesk.reader.extract.ensemble import choose_body

    scorer = _scorer_module()
    say(f"computing every candidate of {len(pages)} pages (pruned and not) …")
    pool = {page.page_id: {prune: page_candidates(page, prune=prune) for prune in (True, False)} for page in pages}
    reference = {page.page_id: bare_trafilatura(page.html, page.url) for page in pages}
    grid = settings_grid()
    # per setting, per page: (precision, recall) of the body the ensemble keeps
    outcome: dict[Setting, dict[str, tuple]] = {}
    asked: dict[Setting, float] = {}  # share of pages readability is asked on
    alone: dict[tuple[str, bool], tuple] = {}  # trafilatura's body as it is
    gated: dict[tuple, bool] = {}  # whether the gate asks readability
    for setting in [*grid, default_setting()]:
        if setting in outcome:
            continue
        per_page, asks = {}, 0
        # the gate reads only these of a setting: one answer per page for each combination of them
        gate = (setting.prune, setting.min_words, setting.outside_sources_vote, setting.only_when_doubtful)
        gate += (setting.doubt_words, setting.doubt_lead, setting.doubt_url, setting.doubt_heading, setting.doubt_signs)
        for page in pages:
            candidates = pool[page.page_id][setting.prune]
            if (page.page_id, gate) not in gated:
                gated[page.page_id, gate] = _asks_readability(setting, candidates)
            if gated[page.page_id, gate]:
                asks += 1
                per_page[page.page_id] = _outcome(setting.ungated(), candidates, page, scorer, outcome, choose_body)
            else:
                key = (page.page_id, setting.prune)
                if key not in alone:
                    main = next(c for c in candidates.found if c.source == TRAFILATURA).finished()
                    alone[key] = scorer.compare(page.gold, main.text if main else "", 4)[:2]
                per_page[page.page_id] = alone[key]
        outcome[setting], asked[setting] = per_page, asks / len(pages)
    bare = {page.page_id: scorer.compare(page.gold, reference[page.page_id], 4)[:2] for page in pages}
    folds = []
    for fold in range(k):
        held = [p.page_id for p in pages if fold_of(p.page_id, k) == fold]
        train = [p.page_id for p in pages if fold_of(p.page_id, k) != fold]
        best = max(grid, key=lambda s: (corpus_f1([outcome[s][i] for i in train]), s == default_setting()))
        folds.append(
            {
                "fold": fold,
                "pages": len(held),
                "chosen": best.label(),
                "chosen_f1": round(corpus_f1([outcome[best][i] for i in held]), 4),
                "default_f1": round(corpus_f1([outcome[default_setting()][i] for i in held]), 4),
                "trafilatura_f1": round(corpus_f1([bare[i] for i in held]), 4),
            }
        )
    mean = {key: round(sum(f[key] for f in folds) / k, 4) for key in ("chosen_f1", "default_f1", "trafilatura_f1")}
    return {
        "k": k,
        "folds": folds,
        "mean": mean,
        "default": default_setting().label(),
        "default_readability_share": round(asked[default_setting()], 3),
    }


def _outcome(setting: Setting, candidates: Candidates, page: Page, scorer, outcome: dict, choose_body) -> tuple:
    """(precision, recall) of one page's body under an ungated setting (taken from `outcome` once computed)."""
    if setting in outcome:
        return outcome[setting][page.page_id]
    choice = choose_body(
        list(candidates.found),
        second_opinion=lambda: list(candidates.second),
        tie_breakers=lambda: list(candidates.extra),
        params=setting.params(),
        description=candidates.description,
    )
    chosen = choice.candidate.finished() if choice.candidate else None
    return scorer.compare(page.gold, chosen.text if chosen else "", 4)[:2]


# --- command line ----------------------------------------------------------------------------------------------


def _line(name: str, figures: dict[str, float]) -> str:
    return (
        f"{name:12} F1 {figures['f1']:.4f}  P {figures['precision']:.4f}  R {figures['recall']:.4f}  "
        f"({figures['pages']} pages, {figures['pages_per_s']:.1f} pages per CPU second)"
    )


def _public(figures: dict[str, float]) -> dict[str, float]:
    return {
        "precision": round(figures["precision"], 4),
        "recall": round(figures["recall"], 4),
        "f1": round(figures["f1"], 4),
        "pages_per_s": round(figures["pages_per_s"], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV, help="folder with html/<id>.html.gz and gold/<id>.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if our F1 is below the pinned floor")
    parser.add_argument("--update", action="store_true", help="raise the pinned floor (never lowers it)")
    parser.add_argument("--skip-trafilatura", action="store_true", help="only run our extractor")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument("--cv", type=int, metavar="K", help="k-fold cross-validation of the ensemble's settings")
    args = parser.parse_args(argv)
    data: Path = args.data
    if not SCORER.exists():
        print(f"scorer not found at {SCORER}", file=sys.stderr)
        return 2
    if not (data / "gold").is_dir() or not corpus_ids(data):
        print(NO_PAGES.format(data=data), file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    if args.cv is not None:
        if args.cv < 2:
            print("--cv needs at least 2 folds", file=sys.stderr)
            return 2
        result = cross_validate(load_pages(data), args.cv, say=(lambda _: None) if args.json else print)
        if args.json:
            print(json.dumps(result))
        else:
            for fold in result["folds"]:
                print(f"fold {fold['fold']} ({fold['pages']} pages): chosen {fold['chosen_f1']:.4f} "
                      f"default {fold['default_f1']:.4f} trafilatura {fold['trafilatura_f1']:.4f}  [{fold['chosen']}]")  # fmt: skip
            mean = result["mean"]
            print(f"mean: chosen {mean['chosen_f1']:.4f} default {mean['default_f1']:.4f} "
                  f"trafilatura {mean['trafilatura_f1']:.4f}  (default: {result['default']}; readability asked "
                  f"on {result['default_readability_share']:.0%} of pages)")  # fmt: skip
        return 0
    extractors = {"ours": ours} if args.skip_trafilatura else {"ours": ours, "trafilatura": bare_trafilatura}
    figures_of = score_together(extractors, data)
    mine, reference = figures_of["ours"], figures_of.get("trafilatura")
    if not args.json:
        print(_line("ours", mine))
        if reference:
            print(_line("trafilatura", reference))
            print(f"speed ratio ours / trafilatura: {mine['pages_per_s'] / reference['pages_per_s']:.2f}")
    if args.json:
        figures = {"ours": _public(mine)}
        if reference:
            figures["trafilatura"] = _public(reference)
        print(json.dumps(figures))
    if data.resolve() != DEV.resolve():
        return 0  # the floor is about the dev set only
    baseline = load_baseline()
    floor = float(baseline.get("f1_floor", 0.0))
    sha = corpus_sha256(data)
    if baseline and baseline.get("corpus_sha256") != sha:
        print("warning: corpus changed since the floor was pinned", file=sys.stderr)
    if args.update:
        new_floor = max(floor, round(mine["f1"] - 0.002, 4))  # a hair of slack for float noise only
        baseline = {
            "corpus": "shared/eval/extraction/dev",
            "corpus_sha256": sha,
            "pages": mine["pages"],
            "f1_floor": new_floor,
            "ours_f1": mine["f1"],
            "trafilatura_f1": reference["f1"] if reference else baseline.get("trafilatura_f1"),
        }
        BASELINE.write_text(json.dumps(baseline, indent=2) + "\n")
        print(f"floor {floor:.4f} -> {new_floor:.4f}", file=sys.stderr if args.json else sys.stdout)
    if args.check and mine["f1"] < floor:
        print(f"FAIL: F1 {mine['f1']:.4f} is below the pinned floor {floor:.4f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
