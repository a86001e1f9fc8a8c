"""The fast path of feed parsing: a one-pass read-only element tree built by the C module `_litetree`.

`rss.py`, `atom.py` and `fields.py` read elements through a small part of lxml's API (tag, text, get(),
len(), iteration, indexing, iter(*tags), itertext(), base). `_litetree.Element` offers that part, so one
implementation of the feed semantics runs on either tree, and lxml stays the reference:

* `parse` returns None for anything outside plain well-formed namespaced UTF-8 XML (a DOCTYPE, an HTML
  entity, a control character, an undeclared prefix, a mismatched tag, ...). Those documents take the
  lxml path, with its repairs, exactly as before.
* `tests/feeds/test_litetree.py` parses every file of the shared feed corpus both ways and requires the
  same ParsedFeed.

The extension is optional (setup.py marks it so): where it could not be compiled, `AVAILABLE` is False and
everything goes through lxml. Set NEWSDESK_FEED_FAST_PATH=0 to turn it off (to compare, or to rule it out).
"""

from __future__ import annotations

import os

try:
    from newsdesk.reader.feeds import _litetree
except ImportError as error:  # no compiler at install time
    _litetree = None
    IMPORT_ERROR = str(error)
else:
    IMPORT_ERROR = ""

AVAILABLE = _litetree is not None
ENABLED = AVAILABLE and os.environ.get("NEWSDESK_FEED_FAST_PATH", "1") != "0"
Element = _litetree.Element if _litetree is not None else None


def parse(data: bytes, base_url: str):
    """(root element, whether the document uses xml:base), or None when the document is left to lxml (or
    the fast path is off)."""
    if not ENABLED:
        return None
    return _litetree.parse(data, base_url)
