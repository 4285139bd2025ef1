"""Characters a cell may hold that nobody sees: zero-width marks, and spaces other than the space.

Offices' files carry them in from web forms, WeChat and copy-paste: a zero-width space after a
number (150 + U+200B), a byte-order mark inside a cell (U+FEFF + 60), a no-break or narrow
no-break space as a thousands separator (1 U+00A0 800, 5 U+202F 140). Wherever text is compared or parsed
(values, community names, header cells) the zero-width marks are dropped and the odd spaces
read as spaces; when a reason quotes a cell, each zero-width mark is written `<U+200B>`.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting marks (soft hyphen, Mongolian vowel separator, zero-width space,
# non-joiner, joiner, left-to-right and right-to-left marks and embeddings, word joiner and the
# invisible operators, byte-order mark / zero-width no-break space).
ZERO_WIDTH = "".join(
    chr(c) for c in (0x00AD, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), 0xFEFF)
)
# Spaces that look like a space: no-break, Ogham, en/em/figure/thin/hair …, narrow no-break, math.
ODD_SPACES = "".join(chr(c) for c in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F))

_TABLE = str.maketrans(dict.fromkeys(ZERO_WIDTH, None) | dict.fromkeys(ODD_SPACES, " "))
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")


def visible(text: str) -> str:
    """`text` without zero-width marks, odd spaces made spaces."""
    return text.translate(_TABLE)


def escaped(text: str) -> str:
    """`text` with every zero-width mark written as `<U+XXXX>`, for a message."""
    return _ZERO_WIDTH_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def compact(text: str) -> str:
    """The comparison form of a header cell or a name: invisible characters dropped, NFKC
    (full-width → half-width, （）→ (), ㎡ → m2), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", visible(text)))
