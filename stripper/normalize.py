"""Spelling normalisation for features only: kept lines are never rewritten.

Rule 4 of LABELS.md says spelling does not change a label, so hamza and alef forms, ta marbuta,
alef maqsura, Persian letters, tatweel, diacritics, Eastern digits, quotes, dashes and bullet
shapes are folded to one form before any feature looks at a line.
"""

from __future__ import annotations

import unicodedata

#: Every bullet-like glyph real sites print before list items is folded to this one.
BULLET = "•"

_DELETE = (
    [0x0640]  # tatweel
    + list(range(0x064B, 0x0660))  # harakat, shadda, sukun, madda and hamza marks
    + [0x0670]  # superscript alef
    + list(range(0x06D6, 0x06EE))  # Quranic annotation marks
    + list(range(0x200B, 0x2010))  # zero-width spaces, joiners, direction marks
    + list(range(0x202A, 0x202F))  # bidi embeddings and overrides
    + list(range(0x2066, 0x206A))  # bidi isolates
    + [0xFEFF, 0x061C, 0x00AD]
)

_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي", "ۍ": "ي", "ې": "ي",
    "ؤ": "و",
    "ة": "ه", "ۃ": "ه", "ە": "ه", "ھ": "ه",
    "ک": "ك", "ڪ": "ك", "گ": "ك",
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "′": "'",
    "–": "-", "—": "-", "‒": "-", "―": "-", "ـ": "",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ",
    "\t": " ", "\r": " ", "\x00": " ",
}
for _bullet in "•●▪■►▶◄◀◆◇○◦∙·⁃✓✔➤➜➢➔▸▹►♦❖✅🔹🔸🔺🔻📌👈👉⬅➡":
    _MAP.setdefault(_bullet, BULLET)
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)
    _MAP[chr(0x06F0 + _i)] = str(_i)

_TABLE: dict[int, int | str | None] = {ord(k): v for k, v in _MAP.items()}
_TABLE.update({cp: None for cp in _DELETE})
# Arabic presentation forms (glyphs some templates print) fold to the letters they draw, and
# those letters are folded in turn (a lam-alef-hamza ligature is "لا", not "لأ").
for _cp in (*range(0xFB50, 0xFDFE), *range(0xFE70, 0xFEFD)):
    _folded = unicodedata.normalize("NFKC", chr(_cp))
    if _folded != chr(_cp):
        _TABLE[_cp] = _folded.translate(_TABLE)
# Lone surrogates cannot be encoded for hashing; they carry no signal, so they become U+FFFD.
_TABLE.update({cp: "\ufffd" for cp in range(0xD800, 0xE000)})

# The same table as a list indexed by code point: translate looks a list up about twice as fast
# as a dict, and a code point past its end raises IndexError, which translate reads as "keep".
_TABLE_LIST: list[int | str | None] = [_TABLE.get(cp, cp) for cp in range(max(_TABLE) + 1)]


def normalize(text: str) -> str:
    """Fold spelling variants, lower-case Latin letters and collapse white space."""
    return " ".join(text.translate(_TABLE_LIST).lower().split())
