"""feedparser and fastfeedparser are the `bench` extra: comparisons for the parse benchmark and references for
the parity tests. No runtime module imports them, and parsing works where they are not installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

# Every import statement, including those inside functions (ast.walk), by its top-level name.
from tests.reader.test_no_django import imported_top_level_names

REPO = Path(__file__).resolve().parents[3]
BENCH_ONLY = frozenset({"feedparser", "fastfeedparser"})
# The benchmarks compare against them; nothing else may.
BENCHMARK_MODULES = (REPO / "newsdesk" / "bench", REPO / "newsdesk" / "reader" / "feeds" / "benchmark.py")


def runtime_modules() -> list[Path]:
    return sorted(
        p
        for p in (REPO / "newsdesk").rglob("*.py")
        if "__pycache__" not in p.parts and not any(p == b or b in p.parents for b in BENCHMARK_MODULES)
    )


def test_no_runtime_module_imports_feedparser_or_fastfeedparser():
    modules = runtime_modules()
    assert any(p.name == "parse.py" for p in modules)  # the parser itself is among those checked
    offenders = {str(p.relative_to(REPO)): sorted(imported_top_level_names(p) & BENCH_ONLY) for p in modules}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_they_are_the_bench_extra_not_runtime_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {requirement.split("==")[0].split("[")[0] for requirement in project["dependencies"]}
    assert names & BENCH_ONLY == set()
    assert {r.split("==")[0] for r in project["optional-dependencies"]["bench"]} == BENCH_ONLY
    assert "newsdesk[bench]" in project["optional-dependencies"]["test"]


BLOCKED_IMPORT = """
import importlib.abc, json, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"feedparser", "fastfeedparser"}:
            raise ImportError("not installed: " + name)
sys.meta_path.insert(0, Refuse())
from pathlib import Path

# Every import statement, including those inside functions (ast.walk), by its top-level name.
from tests.reader.test_no_django import imported_top_level_names
from newsdesk.reader.feeds import FeedParseError, parse_feed
kinds = []
for path in sorted(Path("tests/data/feeds").iterdir()):
    data = path.read_bytes()
    for document in (data, data[: len(data) * 2 // 3]):  # whole, and truncated (the recovery paths)
        try:
            kinds.append(parse_feed(document, url="https://example.com/feed").kind)
        except FeedParseError as error:
            kinds.append(error.reason)
assert not {"feedparser", "fastfeedparser"} & set(sys.modules), sorted(sys.modules)
print(json.dumps(sorted(set(kinds))))
"""


def test_feeds_parse_where_feedparser_cannot_be_imported():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert {"rss", "atom", "jsonfeed", "sitemap", "sitemapindex"} <= set(json.loads(result.stdout))
