"""The pipeline's ceiling: the ingest benchmark's own article pages through the same extractor on every core,
bytes in memory (no network, no database), measured in the same run as the cycles."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor

from newsdesk.reader.extract import ExtractOptions, extract_article
from newsdesk_bench.feed_world import article_page

ORIGIN = "http://127.0.0.1:8100"


def _extract_many(names: list[str]) -> int:
    options = ExtractOptions(allow_loopback=True)
    for name in names:
        page = article_page(name, ORIGIN).encode()
        extract_article(page, url=f"{ORIGIN}/a/{name}.html", headers={}, options=options)
    return len(names)


def extract_only_pages_per_s(*, pages: int = 2000, processes: int | None = None) -> float:
    processes = processes or os.cpu_count() or 1
    names = [f"{n}-0" for n in range(pages)]
    chunks = [names[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(_extract_many, [chunk[:20] for chunk in chunks]))  # start and warm every process
        started = time.perf_counter()
        done = sum(pool.map(_extract_many, chunks))
    return round(done / (time.perf_counter() - started), 1)
