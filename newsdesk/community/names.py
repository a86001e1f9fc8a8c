"""Which characters a member's words may not hold: one rule for display names and comment bodies. Sign-up, the
Member admin and the comment forms refuse a name or a comment holding one (forms.display_name_checked,
forms.comment_body_checked); names and comments stored before they did are shown without them where no markup can
isolate them (a feed's plain-text titles and author names)."""

import re
import unicodedata

# Format characters real writing needs, which cannot turn other text around or hide a character: the joiners of
# Persian names (ZWNJ) and emoji sequences (ZWJ), and the direction marks of right-to-left text (LRM, RLM, the Arabic
# letter mark), which only say which way a neutral character such as a digit or a full stop runs. The overrides,
# embeddings and isolates (U+202A-202E, U+2066-2069) do turn text around, and zero-width spaces hide one name inside
# another: those stay refused, as does every control character.
_WRITING_MARKS = {"\u200c", "\u200d", "\u200e", "\u200f", "\u061c"}
# A subdivision flag (England's, Scotland's, Wales's) is the black flag, tag letters (format characters, invisible
# alone) and a cancel tag: allowed as that whole sequence, nowhere else.
_FLAG_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
# A comment is lines of text: its line breaks and tabs are its layout, not hidden characters.
_TEXT_LAYOUT = {"\n", "\r", "\t"}


def _is_hidden(character: str) -> bool:
    """A control character (Cc: a line break, a bell) or an invisible format character (Cf: a direction override
    such as U+202E, which turns the rest of the line the name stands in around, a zero-width space) other than the
    marks writing needs."""
    return unicodedata.category(character) in ("Cc", "Cf") and character not in _WRITING_MARKS


def holds_hidden_character(name: str) -> bool:
    """Whether `name` (one line: a display name) holds a hidden character outside a flag's tag sequence."""
    return any(_is_hidden(character) for character in _FLAG_TAG_SEQUENCE.sub("", name))


def holds_hidden_character_in_text(text: str) -> bool:
    """holds_hidden_character for text of several lines (a comment): line breaks and tabs are allowed."""
    return any(
        character not in _TEXT_LAYOUT and _is_hidden(character) for character in _FLAG_TAG_SEQUENCE.sub("", text)
    )


def without_hidden_characters(name: str) -> str:
    """`name` without its hidden characters ("Eve\u202e" -> "Eve"); a flag's tag sequence is kept whole."""
    kept, start = [], 0
    for flag in _FLAG_TAG_SEQUENCE.finditer(name):
        kept.append("".join(character for character in name[start : flag.start()] if not _is_hidden(character)))
        kept.append(flag.group())
        start = flag.end()
    kept.append("".join(character for character in name[start:] if not _is_hidden(character)))
    return "".join(kept)
