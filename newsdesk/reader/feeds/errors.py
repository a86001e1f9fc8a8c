"""Why a document was refused as a feed. The constants are the user-facing text; tests assert them exactly."""

from __future__ import annotations

# libxml2's own element-depth limit while `huge_tree` is off (it stops reading at the 257th level, so a deep
# document costs microseconds however long it is). No real feed nests a tenth as deep.
MAX_DEPTH = 256

EMPTY_DOCUMENT = "empty document"
NOT_A_FEED = "not a feed: no RSS, Atom, JSON Feed or sitemap found"
HTML_PAGE = "an HTML page, not a feed (look for <link rel=alternate> feeds instead)"
MALFORMED_XML = "malformed XML that could not be recovered"
MALFORMED_JSON = "malformed JSON"
FORBIDDEN_ENTITY = "XML entity declarations are refused (entity expansion / external entities)"
NESTED_TOO_DEEPLY = f"elements or values nested deeper than {MAX_DEPTH} levels"
OVER_BUDGET = "parsing used up its CPU-time budget"


class FeedParseError(ValueError):
    """A document that is not a feed we can read. `reason` is one of the module constants."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)
