"""Extraction in worker processes: the same result as on the refresh thread, a memory cap in every process, and
a stuck or dead process replaced with the page recorded as that entry's error."""

import resource

import pytest

from newsdesk.ingest.context import IngestContext
from newsdesk.ingest.extraction import EXTRACTION_PROCESS_DIED, ExtractionPool
from newsdesk.reader.extract import ExtractionError, ExtractOptions, extract_article
from newsdesk.reader.fetcher import FetchOptions

PAGE = b"""<!doctype html><html lang="en"><head><title>Harbour vote</title>
<link rel="canonical" href="https://gazette.example/news/harbour-vote"></head><body><article><h1>Harbour vote</h1>
<p>Councillors met on Monday evening to debate the harbour budget, which has divided the town for months.</p>
<p>The mayor said the vote would decide whether the old pier is repaired before the winter storms arrive.</p>
</article></body></html>"""
URL = "https://gazette.example/news/harbour-vote"
MEMORY_CAP = 1024 * 1024 * 1024


@pytest.fixture
def pool():
    extraction = ExtractionPool(processes=1, memory_limit_bytes=MEMORY_CAP)
    yield extraction
    extraction.close()


def test_a_page_extracted_in_a_process_equals_the_one_extracted_in_place(pool):
    options = ExtractOptions()
    assert pool.extract(PAGE, url=URL, headers={}, options=options) == extract_article(
        PAGE, url=URL, headers={}, options=options
    )


def test_every_extraction_process_has_its_address_space_capped(pool):
    pool.extract(PAGE, url=URL, headers={}, options=ExtractOptions())  # starts the process
    assert pool._current().submit(resource.getrlimit, resource.RLIMIT_AS).result() == (MEMORY_CAP, MEMORY_CAP)


def test_a_process_that_overruns_its_time_is_replaced_and_the_next_page_is_extracted(pool):
    # A budget below zero leaves the pool no time at all past its grace: the first page (which also pays for
    # starting the process) overruns it.
    with pytest.raises(ExtractionError, match="longer than its time budget"):
        pool.extract(PAGE, url=URL, headers={}, options=ExtractOptions(time_budget_s=-4.999))
    assert pool.extract(PAGE, url=URL, headers={}, options=ExtractOptions()).title == "Harbour vote"


def _first_refusal(pool: ExtractionPool) -> ExtractionError | None:
    for _ in range(3):  # the pool notices a dead process at the next submission or result
        try:
            pool.extract(PAGE, url=URL, headers={}, options=ExtractOptions())
        except ExtractionError as refusal:
            return refusal
    return None


def test_a_process_that_dies_is_replaced_and_the_page_is_an_extraction_error(pool):
    pool.extract(PAGE, url=URL, headers={}, options=ExtractOptions())
    for process in pool._current()._processes.values():
        process.kill()  # as the kernel does to a process past its memory cap
    refusal = _first_refusal(pool)
    assert str(refusal) == EXTRACTION_PROCESS_DIED.format(megabytes=MEMORY_CAP >> 20)
    assert pool.extract(PAGE, url=URL, headers={}, options=ExtractOptions()).title == "Harbour vote"


def test_a_context_without_a_pool_extracts_in_place_and_one_with_a_pool_uses_it(pool):
    in_place = IngestContext(options=FetchOptions())
    pooled = IngestContext(options=FetchOptions(), extraction=pool)
    assert in_place.extract(PAGE, url=URL, headers={}, options=ExtractOptions()) == pooled.extract(
        PAGE, url=URL, headers={}, options=ExtractOptions()
    )
    assert pool._pool is not None
