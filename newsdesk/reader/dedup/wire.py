"""Wire-copy credit: which news agency (if any) a story says it comes from.

Only credit *shapes* count: a dateline "PARIS (AFP) —", a closing credit line "With AFP", a byline
"By Reuters". A sentence that merely mentions an agency ("Reuters reported on Monday") or a photo
credit ("(AP Photo/Jane Doe)") is not a credit, and short acronyms are matched case-sensitively on
word boundaries so "AP" never matches inside "CAPITAL" or "apple".
"""

from __future__ import annotations

import re

AGENCIES = ("AFP", "Reuters", "AP", "dpa", "EFE", "ANSA")

# Spelling -> canonical name. Acronyms are matched case-sensitively; full names case-insensitively.
_NAMES = {
    "AFP": "AFP",
    "Agence France-Presse": "AFP",
    "Agence France Presse": "AFP",
    "Reuters": "Reuters",
    "REUTERS": "Reuters",
    "Thomson Reuters": "Reuters",
    "AP": "AP",
    "Associated Press": "AP",
    "The Associated Press": "AP",
    "dpa": "dpa",
    "DPA": "dpa",
    "Deutsche Presse-Agentur": "dpa",
    "EFE": "EFE",
    "Agencia EFE": "EFE",
    "ANSA": "ANSA",
}
_LONG_NAMES = sorted(_NAMES, key=len, reverse=True)
_AGENCY = "(?:" + "|".join(re.escape(name) for name in _LONG_NAMES) + ")"
_AGENCY_CI = "(?i:" + "|".join(re.escape(name) for name in _LONG_NAMES if len(name) > 4) + ")"
_ANY_AGENCY = f"(?P<agency>{_AGENCY_CI}|{_AGENCY})"

# "PARIS (AFP) —", "(Reuters) -", "WASHINGTON, May 3 (AP) —", "Berlin (dpa) -", "Madrid, 5 ene (EFE).-",
# "(ANSA) - ROMA": an optional short place/date, the agency in parentheses, then a dash or colon.
_DATELINE = re.compile(
    r"^[^\n()]{0,80}?\(\s*" + _ANY_AGENCY + r"(?:\s*[/,]\s*[^()\n]{1,30}?)?\s*\)\s*(?:\.?\s*[-\u2013—:]|\.-)",
    re.M,
)
_CREDIT_LEADS = (
    r"(?i:with|avec(?:\s+l['\u2019])?|mit(?:\s+material\s+von)?|con(?:\s+informaci[oó]n\s+de)?|"
    r"source\s*:|quelle\s*:|fuente\s*:|fonte\s*:|©|\(c\)|copyright(?:\s+\d{4})?)"
)
# A whole short line that is only a credit: "With AFP", "— AFP", "Mit AFP", "Avec l'AFP", "Quelle: dpa",
# "Con información de Reuters", "(AFP)", "Agence France-Presse", "© 2024 The Associated Press".
_CREDIT_LINE = re.compile(
    r"^[\s\-\u2013—(*_]*(?:"
    + _CREDIT_LEADS
    + r"\s*)?(?:\d{4}\s+)?"
    + _ANY_AGENCY
    + r"(?:\s*(?:[/,&]|and|und|et|y)\s*[\w .'-]{1,40})?[\s)*_.]*$",
    re.M,
)
_CONTRIBUTED = re.compile(
    r"^\s*(?:" + _ANY_AGENCY + r"\s+(?:writers?|reporters?|correspondents?)?.{0,80}?contributed\s+to\s+this\s+report"
    r"|\(Reporting by\b[^)]*\))",
    re.M | re.I,
)
_BYLINE = re.compile(r"^\s*(?i:by|von|par|por|di)?\s*(?i:the\s+)?" + _ANY_AGENCY + r"(?:\s+(?i:staff|news|wire))?\s*$")
_BYLINE_PART = re.compile(r"\s*(?:,|;|/|\||\band\b|\bund\b|\bet\b|\by\b|&)\s*")
_LEAD_PARAGRAPHS = 3
_CLOSING_LINES = 4
_MAX_CREDIT_LINE = 120


def detect_wire_credit(text: str, byline: str = "", meta_author: str = "") -> str:
    """Canonical agency name ("AFP", "Reuters", "AP", "dpa", "EFE", "ANSA") the story credits, or ""."""
    paragraphs = [p.strip() for p in (text or "").splitlines() if p.strip()]
    for paragraph in paragraphs[:_LEAD_PARAGRAPHS]:
        match = _DATELINE.match(paragraph[:200])
        if match:
            return _canonical(match.group("agency"))
    for value in (byline, meta_author):
        agency = _agency_in_byline(value)
        if agency:
            return agency
    for paragraph in reversed(paragraphs[-_CLOSING_LINES:]):
        if len(paragraph) <= _MAX_CREDIT_LINE:
            match = _CREDIT_LINE.match(paragraph)
            if match:
                return _canonical(match.group("agency"))
        contributed = _CONTRIBUTED.search(paragraph)
        if contributed:
            return _canonical(contributed.group("agency")) if contributed.group("agency") else "Reuters"
    return ""


def _agency_in_byline(value: str) -> str:
    """'By AFP', 'Reuters Staff', 'Jane Doe, Associated Press', 'AFP / Jane Doe' -> the agency."""
    value = (value or "").strip()
    if not value or len(value) > 200:
        return ""
    for part in [value, *_BYLINE_PART.split(value)]:
        match = _BYLINE.match(part)
        if match:
            return _canonical(match.group("agency"))
    return ""


def _canonical(spelling: str) -> str:
    spelling = spelling.strip()
    if spelling in _NAMES:
        return _NAMES[spelling]
    lowered = spelling.lower()
    for name, canonical in _NAMES.items():
        if name.lower() == lowered and len(name) > 4:
            return canonical
    return ""
