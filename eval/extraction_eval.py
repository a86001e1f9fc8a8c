"""Article-body extraction F1 on ../shared/eval/extraction/dev: our extractor vs bare trafilatura.

    .venv/bin/python eval/extraction_eval.py            # print both F1s (per the corpus's score.py)
    .venv/bin/python eval/extraction_eval.py --check    # also fail if ours is below the pinned floor
    .venv/bin/python eval/extraction_eval.py --update   # raise the floor to today's figure (never lowers it)

The floor lives in eval/extraction_baseline.json together with the corpus sha256, so a changed corpus is
noticed instead of silently moving the goalposts.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "eval" / "extraction"
BASELINE = Path(__file__).resolve().with_name("extraction_baseline.json")
_F1 = re.compile(r"^F1 ([0-9.]+)$", re.M)
_FIELD = re.compile(r"^(precision|recall) ([0-9.]+)$", re.M)


def corpus_ids(corpus: Path = CORPUS) -> list[str]:
    return (corpus / "dev" / "ids.txt").read_text().split()


def corpus_sha256(corpus: Path = CORPUS) -> str:
    """Hash of ids + gold files: the pages' identity, cheap to recompute."""
    digest = hashlib.sha256()
    for page_id in corpus_ids(corpus):
        digest.update(page_id.encode())
        digest.update((corpus / "dev" / "gold" / f"{page_id}.json").read_bytes())
    return digest.hexdigest()


def _page(corpus: Path, page_id: str) -> tuple[bytes, str]:
    html = gzip.decompress((corpus / "dev" / "html" / f"{page_id}.html.gz").read_bytes())
    gold = json.loads((corpus / "dev" / "gold" / f"{page_id}.json").read_text(encoding="utf-8"))
    return html, gold.get("url") or ""


def ours(html: bytes, url: str) -> str:
    from newsdesk.reader.extract import extract_article

    return extract_article(html, url=url).body_text


def bare_trafilatura(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url or None, include_comments=False) or ""


def score(extractor: Callable[[bytes, str], str], corpus: Path = CORPUS) -> dict[str, float]:
    """Run one extractor over the dev set and score it with the corpus's own score.py."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ids = corpus_ids(corpus)
        for page_id in ids:
            html, url = _page(corpus, page_id)
            try:
                text = extractor(html, url)
            except Exception as error:  # a crash on one page scores as an empty prediction
                print(f"  {page_id}: {type(error).__name__}: {error}", file=sys.stderr)
                text = ""
            Path(tmp, f"{page_id}.json").write_text(json.dumps({"articleBody": text}), encoding="utf-8")
        elapsed = time.perf_counter() - started
        output = subprocess.run(
            [sys.executable, str(corpus / "score.py"), tmp, str(corpus / "dev" / "gold")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    match = _F1.search(output)
    if match is None:
        raise RuntimeError(f"score.py printed no F1 line:\n{output}")
    result = {"f1": float(match.group(1)), "pages": len(ids), "pages_per_s": len(ids) / elapsed}
    result.update({name: float(value) for name, value in _FIELD.findall(output)})
    return result


def load_baseline() -> dict[str, object]:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if our F1 is below the pinned floor")
    parser.add_argument("--update", action="store_true", help="raise the pinned floor (never lowers it)")
    parser.add_argument("--skip-trafilatura", action="store_true", help="only run our extractor")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    args = parser.parse_args(argv)
    if not (CORPUS / "dev" / "ids.txt").exists():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    mine = score(ours)
    print(f"ours         F1 {mine['f1']:.4f}  P {mine['precision']:.4f}  R {mine['recall']:.4f}  "
          f"({mine['pages']} pages, {mine['pages_per_s']:.0f} pages/s)")  # fmt: skip
    reference = None
    if not args.skip_trafilatura:
        reference = score(bare_trafilatura)
        print(f"trafilatura  F1 {reference['f1']:.4f}  P {reference['precision']:.4f}  R {reference['recall']:.4f}  "
              f"({reference['pages']} pages, {reference['pages_per_s']:.0f} pages/s)")  # fmt: skip
    if args.json:
        figures = {"extract_f1": round(mine["f1"], 4), "extract_pages": mine["pages"]}
        if reference:
            figures["trafilatura_f1"] = round(reference["f1"], 4)
            figures["extract_f1_vs_trafilatura"] = round(mine["f1"] / reference["f1"], 4)
        print(json.dumps(figures))
    baseline = load_baseline()
    floor = float(baseline.get("f1_floor", 0.0))
    sha = corpus_sha256()
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
        print(f"floor {floor:.4f} -> {new_floor:.4f}")
    if args.check and mine["f1"] < floor:
        print(f"FAIL: F1 {mine['f1']:.4f} is below the pinned floor {floor:.4f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
