"""Article extraction off the refresh threads, in a pool of processes.

Extraction is CPU work (about 5 ms for a short page, seconds for a hostile one): on the refresh threads it holds
the interpreter lock that fetching and storing need, and a thread holding the database's write turn then waits
for it too. In worker processes it runs on every core while the threads fetch and store. Each process also caps
its address space, so the memory one page can take is bounded by the operating system, not only by the
extractor's own caps; a process that dies or overruns its time is replaced and the page is that entry's error.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from newsdesk.reader.extract import ExtractionError, ExtractOptions, extract_article
from newsdesk.reader.extract.language import language_scores
from newsdesk.reader.types import ExtractedArticle

EXTRACTION_TIMED_OUT = "extraction took longer than its time budget ({seconds:.0f} s); its process was replaced"
EXTRACTION_PROCESS_DIED = "the extraction process died (memory cap of {megabytes} MiB?); it was replaced"
# Past the extractor's own budget (checked between its stages), the time a stage already begun may take.
GRACE_S = 5.0
# How long new processes may take to start and load their models (not charged to any page; see _warmed).
STARTUP_S = 120.0


def _cap_memory(limit_bytes: int) -> None:
    """Run in each pool process before any work: a page that needs more memory fails in that process only."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def _warm_up() -> None:
    """Load what the first page would otherwise pay for: the language model (1.5-4 s to decompress)."""
    language_scores("warm up the language model")


def _extract(body: bytes, url: str, headers: dict[str, str], options: ExtractOptions) -> ExtractedArticle:
    try:
        return extract_article(body, url=url, headers=headers, options=options)
    except MemoryError:
        raise ExtractionError("the page needed more memory than extraction may use") from None


class ExtractionPool:
    """`extract()` runs `extract_article` in one of `processes` worker processes (started on first use)."""

    def __init__(self, *, processes: int, memory_limit_bytes: int) -> None:
        self.processes, self.memory_limit_bytes = processes, memory_limit_bytes
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the refresh process has threads and database connections a fork would copy mid-use.
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_cap_memory,
                    initargs=(self.memory_limit_bytes,),
                )
                self._warmed(self._pool)
            return self._pool

    def _warmed(self, pool: ProcessPoolExecutor) -> None:
        """Start every process and load its models before a page is timed: the per-page deadline is for the
        page's own work, and a process's start (imports, the language model) took longer than that under load."""
        warming = [pool.submit(_warm_up) for _ in range(self.processes)]
        for future in warming:
            try:
                future.result(timeout=STARTUP_S)
            except (FutureTimeout, BrokenProcessPool, ExtractionError, MemoryError):
                return  # the first page then meets the same trouble and reports it as that page's error

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        for process in list(getattr(broken, "_processes", {}).values()):
            process.kill()  # a stuck extraction cannot be cancelled: its process goes
        broken.shutdown(wait=False, cancel_futures=True)

    def extract(self, body: bytes, *, url: str, headers: dict[str, str], options: ExtractOptions) -> ExtractedArticle:
        pool = self._current()
        try:
            future = pool.submit(_extract, body, url, headers, options)
            return future.result(timeout=options.time_budget_s + GRACE_S)
        except FutureTimeout:
            self._replace(pool)
            raise ExtractionError(EXTRACTION_TIMED_OUT.format(seconds=options.time_budget_s + GRACE_S)) from None
        except BrokenProcessPool:
            self._replace(pool)
            raise ExtractionError(EXTRACTION_PROCESS_DIED.format(megabytes=self.memory_limit_bytes >> 20)) from None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
