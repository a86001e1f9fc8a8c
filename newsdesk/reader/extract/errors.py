"""Why a page could not be read as an article. The constants are the user-facing text."""

from __future__ import annotations

EMPTY_DOCUMENT = "empty document"
NOT_HTML = "not an HTML document"
PAGE_TOO_LARGE = "page too large to extract"
TOO_MANY_ELEMENTS = "page has too many elements to extract"
OUT_OF_TIME = "extraction took longer than its time budget"


class ExtractionError(ValueError):
    """A page we cannot extract anything from. `reason` is one of the module constants."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)
