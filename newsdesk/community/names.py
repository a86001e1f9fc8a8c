"""Which characters a member's words may not hold: one rule for display names and comment bodies. Sign-up, the
Member admin and the comment forms refuse a name or a comment holding one (forms.display_name_checked,
forms.comment_body_checked); names and comments stored before they did are shown without them where no markup can
isolate them (a feed's plain-text titles and author names)."""

import unicodedata

# Joiners that real names and emoji need (Persian ZWNJ, emoji sequences' ZWJ); every other format character is not.
_NAME_JOINERS = {"\u200c", "\u200d"}
# A comment is lines of text: its line breaks and tabs are its layout, not hidden characters.
_TEXT_LAYOUT = {"\n", "\r", "\t"}


def is_hidden_character(character: str) -> bool:
    """A control character (Cc: a line break, a bell) or an invisible format character (Cf: a direction override
    such as U+202E, which turns the rest of the line the name stands in around, a zero-width space) other than the
    joiners names need."""
    return unicodedata.category(character) in ("Cc", "Cf") and character not in _NAME_JOINERS


def is_hidden_in_text(character: str) -> bool:
    """is_hidden_character, but for text of several lines (a comment): line breaks and tabs are allowed."""
    return character not in _TEXT_LAYOUT and is_hidden_character(character)


def without_hidden_characters(name: str) -> str:
    """`name` without its hidden characters ("Eve\u202e" -> "Eve")."""
    return "".join(character for character in name if not is_hidden_character(character))
