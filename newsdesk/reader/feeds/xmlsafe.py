"""Parse XML without ever expanding a declared entity or touching the network.

Every XML byte we read goes through here. Entity declarations are refused outright instead of being
"safely" expanded: no feed needs them, and refusing is the only answer to billion-laughs, quadratic
blowup and XXE that does not depend on parser limits.
"""

from __future__ import annotations

import html.entities
import re
import threading

from lxml import etree

from newsdesk.reader.feeds.errors import (
    EMPTY_DOCUMENT,
    FORBIDDEN_ENTITY,
    MALFORMED_XML,
    NESTED_TOO_DEEPLY,
    FeedParseError,
)

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
    "strip_cdata": True,
    "collect_ids": False,
}


class _Parsers(threading.local):
    """One strict and one recovering parser per thread: an lxml parser serves one document at a time, so a
    module-wide pair would make threads parsing feeds wait for each other."""

    def __init__(self) -> None:
        self.strict = etree.XMLParser(**_PARSER_OPTIONS)
        self.recover = etree.XMLParser(recover=True, **_PARSER_OPTIONS)


_PARSERS = _Parsers()

# libxml2's XML_ERR_RESOURCE_LIMIT, which also reports "Excessive depth in document".
_RESOURCE_LIMIT = etree.ErrorTypes.ERR_RESOURCE_LIMIT
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_FIRST_ELEMENT = re.compile(rb"<\w")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # C0 controls XML forbids
# Named references other than XML's five (the callback would hand those back unchanged anyway).
_NAMED_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});")
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")
_XML_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_LEADING_DECL = re.compile(rb"<\?xml\b[^>]*\?>")
_ANY_DECL = re.compile(rb"<\?xml\s[^>]*\?>")
_NS_VALUE = re.compile(rb"""(xmlns(?::[\w.-]+)?\s*=\s*)(["'])([^"'<>]*?)\2""")
_USED_PREFIX = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
# A prefixed attribute, `\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*["']`, found from its colon: a regex
# starting at every whitespace byte of the document costs ten times more (see `_attribute_prefixes`).
_ATTR_AFTER_PREFIX = re.compile(rb""":[A-Za-z_][\w.-]*\s*=\s*["']""")
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_NAME_START_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_SPACE_BYTES = frozenset(b" \t\n\r\x0b\x0c")  # what \s matches in a bytes pattern
_DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_WHITESPACE = re.compile(rb"\s+")
_ROOT_START = re.compile(rb"<[A-Za-z_][\w.:-]*")
# Prefixes publishers use without declaring them; anything else gets a placeholder namespace.
WELL_KNOWN_NAMESPACES = {
    b"atom": b"http://www.w3.org/2005/Atom",
    b"content": b"http://purl.org/rss/1.0/modules/content/",
    b"dc": b"http://purl.org/dc/elements/1.1/",
    b"dcterms": b"http://purl.org/dc/terms/",
    b"media": b"http://search.yahoo.com/mrss/",
    b"itunes": b"http://www.itunes.com/dtds/podcast-1.0.dtd",
    b"rdf": b"http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    b"slash": b"http://purl.org/rss/1.0/modules/slash/",
    b"wfw": b"http://wellformedweb.org/CommentAPI/",
    b"sy": b"http://purl.org/rss/1.0/modules/syndication/",
    b"feedburner": b"http://rssnamespace.org/feedburner/ext/1.0",
    b"georss": b"http://www.georss.org/georss",
}


def refuse_entity_declarations(data: bytes) -> None:
    """Raise FORBIDDEN_ENTITY when the prolog (DOCTYPE internal subset) declares any entity."""
    end = _prolog_end(data)
    # Also up to the first thing that looks like an element: where the prolog itself is broken, recover mode
    # may read a declaration our prolog walk did not reach.
    loose = _FIRST_ELEMENT.search(data)
    end = max(end, loose.start() if loose else len(data))
    if _ENTITY_DECL.search(data, 0, end):
        raise FeedParseError(FORBIDDEN_ENTITY)


def _prolog_end(data: bytes) -> int:
    """Offset of the root element's "<", skipping the declaration, comments, PIs and the DOCTYPE."""
    pos, size = 0, len(data)
    while True:
        start = data.find(b"<", pos)
        if start < 0 or start + 1 >= size:
            return size
        nxt = data[start + 1 : start + 2]
        if nxt == b"?":
            end = data.find(b"?>", start + 2)
            pos = size if end < 0 else end + 2
        elif data.startswith(b"<!--", start):
            end = data.find(b"-->", start + 4)
            pos = size if end < 0 else end + 3
        elif nxt == b"!":
            pos = _doctype_end(data, start)
        else:
            return start


def strip_doctype(data: bytes) -> bytes:
    """Remove the DOCTYPE: with entity declarations refused it carries nothing we use, and an external
    subset makes libxml2 try (and, with no_network, fail) to load it when it meets an undefined entity."""
    start = _doctype_start(data)
    if start < 0:
        return data
    return data[:start] + data[_doctype_end(data, start) :]


def _doctype_start(data: bytes) -> int:
    """Offset of the prolog's DOCTYPE, or -1; "<!DOCTYPE" inside a prolog comment is not one."""
    pos, size = 0, len(data)
    while True:
        start = data.find(b"<", pos)
        if start < 0 or start + 1 >= size:
            return -1
        if data[start + 1 : start + 2] == b"?":
            end = data.find(b"?>", start + 2)
            pos = size if end < 0 else end + 2
        elif data.startswith(b"<!--", start):
            end = data.find(b"-->", start + 4)
            pos = size if end < 0 else end + 3
        elif data[start : start + 9].upper() == b"<!DOCTYPE":
            return start
        else:
            return -1


def _doctype_end(data: bytes, start: int) -> int:
    bracket = data.find(b"[", start)
    close = data.find(b">", start)
    if close < 0:
        return len(data)
    if 0 <= bracket < close:
        subset_end = data.find(b"]", bracket)
        if subset_end < 0:
            return len(data)
        close = data.find(b">", subset_end)
        return len(data) if close < 0 else close + 1
    return close + 1


def parse_xml(data: bytes, *, base_url: str = "") -> etree._Element:
    """Parse UTF-8 XML strictly, then once more after repairing the usual publisher mistakes.

    Raises FeedParseError(MALFORMED_XML) when even the repaired document is not well-formed; callers
    that can do better with a tag-soup parser catch that.
    """
    refuse_entity_declarations(data)
    return parse_checked_xml(data, base_url=base_url)


def parse_checked_xml(data: bytes, *, base_url: str = "") -> etree._Element:
    """`parse_xml` for callers that have already run `refuse_entity_declarations` on these bytes."""
    if data[:1].isspace():
        data = data.lstrip()
    if not data:
        raise FeedParseError(EMPTY_DOCUMENT)
    if b"<!" in data[:4096]:
        data = strip_doctype(data)
    try:
        return _fromstring(data, _PARSERS.strict, base_url)
    except etree.XMLSyntaxError as first_error:
        repaired = repair_xml(data)
        try:
            return _fromstring(repaired, _PARSERS.strict, base_url)
        except etree.XMLSyntaxError:
            raise FeedParseError(MALFORMED_XML, str(first_error)) from None


def parse_xml_recovering(data: bytes, *, base_url: str = "") -> etree._Element | None:
    """libxml2's recover mode on the repaired document; None when nothing usable comes back."""
    refuse_entity_declarations(data)
    try:
        root = _fromstring(repair_xml(data.lstrip()), _PARSERS.recover, base_url)
    except etree.XMLSyntaxError:
        return None
    return root


def _fromstring(data: bytes, parser: etree.XMLParser, base_url: str) -> etree._Element:
    try:
        root = etree.fromstring(data, parser, base_url=base_url or None)
    except etree.XMLSyntaxError:
        _refuse_excessive_depth(parser)
        raise
    # Recover mode stops at the depth limit too, but returns what it read instead of raising.
    _refuse_excessive_depth(parser)
    if root is None:
        raise etree.XMLSyntaxError("no root element", None, 0, 0)
    return root


def _refuse_excessive_depth(parser: etree.XMLParser) -> None:
    """NESTED_TOO_DEEPLY when libxml2 stopped at its depth limit (MAX_DEPTH without huge_tree).

    Such a document is refused outright: repairing it or reading it again in recover mode would only parse
    the same bytes more times, and no tag-soup reading of it is a feed worth having.
    """
    for error in parser.error_log:
        if error.type == _RESOURCE_LIMIT and "depth" in error.message:
            raise FeedParseError(NESTED_TOO_DEEPLY, error.message.strip())


def repair_xml(data: bytes) -> bytes:
    """Fix what real feeds get wrong: control characters, HTML named entities, bare ampersands,
    stray XML declarations and BOMs after a leading comment, undeclared or space-padded namespaces."""
    data = data.translate(None, _CONTROL_BYTES).replace(b"\xef\xbb\xbf", b"")
    lead = _LEADING_DECL.match(data)
    keep = lead.end() if lead else 0
    data = data[:keep] + _ANY_DECL.sub(b"", data[keep:])
    data = _NAMED_REF.sub(_numeric_reference, data)
    data = _BARE_AMP.sub(b"&amp;", data)
    data = _NS_VALUE.sub(lambda m: m.group(1) + m.group(2) + _WHITESPACE.sub(b"", m.group(3)) + m.group(2), data)
    return _declare_missing_prefixes(data)


def _declare_missing_prefixes(data: bytes) -> bytes:
    used = set(_USED_PREFIX.findall(data)) | _attribute_prefixes(data)
    missing = used - set(_DECLARED_PREFIX.findall(data)) - {b"xml", b"xmlns"}
    root = _ROOT_START.search(data, _prolog_end(data))
    if not missing or root is None:
        return data
    declarations = b"".join(
        b' xmlns:%s="%s"' % (prefix, WELL_KNOWN_NAMESPACES.get(prefix, b"urn:undeclared:" + prefix))
        for prefix in sorted(missing)
    )
    return data[: root.end()] + declarations + data[root.end() :]


def _attribute_prefixes(data: bytes) -> set[bytes]:
    r"""The prefixes `\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*["']` finds: the name before the colon is
    the whole run of name bytes there, so it is read backwards from each colon the tail pattern matches."""
    found: set[bytes] = set()
    for match in _ATTR_AFTER_PREFIX.finditer(data):
        end = start = match.start()
        while start > 0 and data[start - 1] in _NAME_BYTES:
            start -= 1
        if start < end and start > 0 and data[start] in _NAME_START_BYTES and data[start - 1] in _SPACE_BYTES:
            found.add(data[start:end])
    return found


def _numeric_reference(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _XML_PREDEFINED:
        return match.group(0)
    codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
    if codepoint is None:
        # Unknown name: keep the text visible rather than fail the whole feed.
        return b"&amp;" + name + b";"
    return b"&#%d;" % codepoint
