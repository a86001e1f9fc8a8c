"""What the page's robots directives (meta robots and the X-Robots-Tag header) allow us to keep and show."""

from __future__ import annotations

import re

from newsdesk.reader.extract.metadata.fields import MetaValues

# Directives that limit what we may show: tokens we keep, and max-snippet with its number.
_DISPLAY_FLAGS = ("noarchive", "nosnippet", "noimageindex")
_MAX_SNIPPET = re.compile(r"max-snippet\s*:\s*(-?\d+)")


def robots_values(meta: MetaValues, headers: dict[str, str]) -> list[str]:
    """The robots <meta> contents addressed to any crawler, and the X-Robots-Tag header (lower-cased names)."""
    values = [v for key in ("robots", "googlebot", "bingbot", "newsdesk") for v in meta.get(key, ())]
    values.append(headers.get("x-robots-tag", ""))
    return values


def display_directives(values: list[str]) -> str:
    """The display-limiting robots directives in `values` (meta robots contents and X-Robots-Tag headers), as
    one normalised string: flags in a fixed order, then `max-snippet:N` (the smallest N when several disagree,
    -1 meaning no limit is left out). `none` counts as noarchive, as it does for `PageMetadata.noarchive`. Any
    agent's scope counts: a publisher that limits one crawler shows what it wants shown."""
    flags: set[str] = set()
    snippets: list[int] = []
    for value in values:
        lowered = value.lower()
        tokens = set(re.split(r"[\s,:]+", lowered))
        flags.update(flag for flag in _DISPLAY_FLAGS if flag in tokens)
        if "none" in tokens:
            flags.add("noarchive")
        snippets.extend(int(n) for n in _MAX_SNIPPET.findall(lowered) if int(n) >= 0)
    parts = [flag for flag in _DISPLAY_FLAGS if flag in flags]
    if snippets:
        parts.append(f"max-snippet:{min(snippets)}")
    return " ".join(parts)


def is_noarchive(values: list[str]) -> bool:
    """Whether any of `values` (as from robots_values) forbids keeping a copy: noarchive, or none."""
    for value in values:
        # X-Robots-Tag may carry a user-agent prefix ("googlebot: noarchive"); any agent counts.
        tokens = re.split(r"[\s,:]+", value.lower())
        if "noarchive" in tokens or "none" in tokens:
            return True
    return False
