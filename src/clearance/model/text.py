"""Text as people see it: characters that render as nothing are not part of a name.

A byte order mark pasted in front of "Putin", a zero-width space inside "Hik​vision",
a soft hyphen, a right-to-left mark copied from a web page: each is invisible on the
screen but is a character to a program, and each once changed what a name matched.
They are removed before a name is matched, compared or checked for being empty.
"""

from __future__ import annotations

import re

# Unicode format characters (general category Cf) and the other default-ignorable code
# points (Unicode's DerivedCoreProperties: Default_Ignorable_Code_Point), which render
# as nothing: soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers,
# Khmer inherent vowels, Mongolian variation selectors, zero-width space / joiners and
# directional marks, bidi embeddings and isolates, word joiner and invisible operators,
# variation selectors, the byte order mark, interlinear annotation marks, tags.
# Listed as ranges so importing costs nothing; tests/model checks it covers every Cf
# character of the running Python's Unicode database.
_INVISIBLE = re.compile(
    "["
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "]+"
)


def strip_format_characters(text: str) -> str:
    """`text` without its invisible format characters (BOM, zero-width, soft hyphen, bidi…)."""
    if text.isascii():  # no format character is ASCII: the common case costs one scan
        return text
    return _INVISIBLE.sub("", text)


def is_blank_name(text: str | None) -> bool:
    """True for a name with nothing visible in it: None, "", spaces, only format characters."""
    return text is None or not strip_format_characters(text).strip()


class BlankNameError(ValueError):
    """A name to screen has nothing visible in it: screening it would answer for nobody."""


def require_name(text: str | None, what: str = "name") -> str:
    """`text` if it has a visible character; else BlankNameError (exit 2, HTTP 422)."""
    if text is None or is_blank_name(text):
        raise BlankNameError(f"empty {what}: give a {what} with at least one visible character")
    return text
