"""Spelling normalisation for features only: kept lines are never rewritten.

Rule 4 of LABELS.md says spelling does not change a label, so hamza and alef forms, ta marbuta,
alef maqsura, Persian letters, tatweel, diacritics, Eastern digits, quotes, dashes and bullet
shapes are folded to one form before any feature looks at a line.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

import numpy as np

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


# -- the same for many texts at once ------------------------------------------------------------

#: The codec that reads numpy's native 32-bit integers as text, without a copy.
NATIVE_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"

_DELETED = -1
_EXPANDS = -2
_SPACE = 0x20
_JOIN = 0x0A


def _code_table() -> np.ndarray:
    """What _TABLE does to each code point, as an array numpy can index: the code point it
    becomes, _DELETED, or _EXPANDS for the few (presentation forms) that become several."""
    table = np.arange(0x110000, dtype=np.int32)
    for cp, value in _TABLE.items():
        table[cp] = _DELETED if not value else ord(value) if len(value) == 1 else _EXPANDS
    # Every other white space character (the newline too: it joins the texts) is a space: split()
    # treats them all alike, and lower() reads none of them as cased or case-ignorable. None lies
    # past U+3000 (tests/test_batch_fast_paths.py tries them all).
    spaces = [cp for cp in range(0x3001) if chr(cp).isspace() and table[cp] == cp]
    table[spaces] = _SPACE
    return table


_CODES = _code_table()
_CODES.flags.writeable = False


def code_points(text: str) -> np.ndarray:
    """The code points of `text` as a read-only uint32 array (lone surrogates pass through)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def normalize_many(texts: Sequence[str]) -> list[str]:
    """[normalize(t) for t in texts], folded in one pass of numpy over all of them."""
    if not texts:
        return []
    joined = "\n".join(texts)
    folded = _CODES[code_points(joined)]
    # The joins are set back after folding, which made every newline a space.
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    join_at = (sizes + 1).cumsum()[:-1] - 1
    folded[join_at] = _JOIN
    expanding = (folded == _EXPANDS).nonzero()[0]
    folded = folded[folded >= 0]
    # White space collapsed as " ".join(text.split()) does: a run of spaces stays (as one) only
    # between two visible characters of one text.
    space = folded == _SPACE
    visible = ~space & (folded != _JOIN)
    padded = np.concatenate(([False], space, [False]))
    edges = (padded[1:] != padded[:-1]).nonzero()[0]
    run_start, run_end = edges[::2], edges[1::2]  # run_end: one past the run
    inside = visible[run_start - 1] & (run_start > 0) & np.concatenate((visible, [False]))[run_end]
    keep = ~space
    keep[run_start[inside]] = True
    # Lower case last, on the whole: a join is neither cased nor case-ignorable, so a final sigma
    # reads the same context as in its own text.
    out = str(folded[keep], NATIVE_UTF32).lower().split("\n")
    if len(expanding):
        for i in np.unique(np.searchsorted(join_at, expanding)).tolist():
            out[i] = normalize(texts[i])
    return out
