"""Members' display names: which characters a name may not hold. Sign-up and the Member admin refuse a name holding
one (forms.display_name_checked); names stored before they did are shown without them where no markup can isolate
them (a feed's plain-text titles and author names)."""

import unicodedata

# Joiners that real names and emoji need (Persian ZWNJ, emoji sequences' ZWJ); every other format character is not.
_NAME_JOINERS = {"\u200c", "\u200d"}


def is_hidden_character(character: str) -> bool:
    """A control character (Cc: a line break, a bell) or an invisible format character (Cf: a direction override
    such as U+202E, which turns the rest of the line the name stands in around, a zero-width space) other than the
    joiners names need."""
    return unicodedata.category(character) in ("Cc", "Cf") and character not in _NAME_JOINERS


def without_hidden_characters(name: str) -> str:
    """`name` without its hidden characters ("Eve\u202e" -> "Eve")."""
    return "".join(character for character in name if not is_hidden_character(character))
