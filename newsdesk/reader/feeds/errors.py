"""Why a document was refused as a feed. The constants are the user-facing text; tests assert them exactly."""

from __future__ import annotations

EMPTY_DOCUMENT = "empty document"
NOT_A_FEED = "not a feed: no RSS, Atom, JSON Feed or sitemap found"
HTML_PAGE = "an HTML page, not a feed (look for <link rel=alternate> feeds instead)"
MALFORMED_XML = "malformed XML that could not be recovered"
MALFORMED_JSON = "malformed JSON"
FORBIDDEN_ENTITY = "XML entity declarations are refused (entity expansion / external entities)"


class FeedParseError(ValueError):
    """A document that is not a feed we can read. `reason` is one of the module constants."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)
