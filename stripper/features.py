"""Line features: what a single line looks like, as hashed sparse tokens.

Only a bounded prefix and suffix of a line is read, so a 10 MB line costs what a short one does
beyond normalisation, and no pattern here can backtrack: every regular expression is a simple
character class run.
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import NamedTuple

import numpy as np
from scipy import sparse

from . import hashing
from .hashing import N_HASHED_FEATURES, hash_tokens
from .lexicon import CONTINUATION_PAIRS, CONTINUATION_WORDS, CUE_PHRASES, CUE_WORDS, MONTHS, WEEKDAYS
from .normalize import BULLET, NATIVE_UTF32, code_points, normalize, normalize_many

__all__ = ["FEATURE_VERSION", "N_HASHED_FEATURES", "LineFacts", "featurize", "line_facts", "line_matrix",
           "line_tokens", "topic_stems"]

#: Bump when the features change: a model trained on other features is refused, not misread.
FEATURE_VERSION = 9
#: How many leading characters of a line the features read.
PREFIX_CHARS = 160
#: How many trailing characters of a line the features read.
SUFFIX_CHARS = 40
#: How many leading tokens become word features.
PREFIX_TOKENS = 10
#: How many leading character trigrams become features.
TRIGRAMS = 20

_TOKEN = re.compile(r"\w+|[^\w\s]")
_URL = re.compile(r"https?://|www\.|\.com\b|\.net\b|\.org\b")
_HANDLE = re.compile(r"@\w")
_HASHTAG = re.compile(r"#\w")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# The same three without their leading \b, which keeps re from skipping ahead to a digit; the
# batch featuriser checks the character before each match instead. Each starts with one plain
# \d (or literal digits): "\d{1,2}" as "\d\d?" matches the same, but only a single class up
# front lets re scan for it with its fast first-character search (twice as fast here).
_DIGIT_LED = {_CLOCK: re.compile(r"\d\d?:\d{2}\b"), _DATE: re.compile(r"\d\d{0,3}[/.-]\d{1,2}[/.-]\d{1,4}\b"),
              _YEAR: re.compile(_YEAR.pattern[2:])}

#: How many leading characters of a line feed its vocabulary (topic overlap in context).
VOCAB_CHARS = 400
#: Function words that say nothing about a story's topic.
STOPWORDS = frozenset(
    "في من على الي عن ان مع هذا هذه التي الذي الذين كان كانت قال قالت وقال وقالت ذلك تلك بين بعد قبل عند "
    "حتي كما لكن او ثم اذا اي كل غير عدد خلال حيث وفي ومن وعلي الا لم لن ما لا هو هي هم انه انها وان "
    "اليوم امس العام وكان فيما منذ ضد لدي لها له لهم بها به عليه عليها الذي".split()
)
#: Letters in a run that makes a topical word.
_WORD_MIN = 3
_WORD = re.compile(rf"[^\W\d_]{{{_WORD_MIN},}}")

_SYMBOL = re.compile("[\u2190-\U0010ffff]")
# Counting character classes through one C-level translate is ten times faster than a loop:
# every ASCII letter becomes "l", digit "d", Arabic-block letter "a"; nothing else can be those.
_CLASS_TABLE = {c: "l" for c in range(0x41, 0x7B) if chr(c).isalpha()}
_CLASS_TABLE.update({c: "d" for c in range(0x30, 0x3A)})
_CLASS_TABLE.update({c: "a" for c in range(0x0600, 0x0700)})
# As a list (see normalize._TABLE_LIST): code points past its end are left as they are.
_CLASS_LIST: list[int | str] = [_CLASS_TABLE.get(c, c) for c in range(max(_CLASS_TABLE) + 1)]
#: Each cue phrase with the token it adds.
_PHRASE_TOKENS = tuple((phrase, "phrase=" + cue) for phrase, cue in CUE_PHRASES.items())

_LEN_EDGES = (1, 4, 8, 13, 20, 30, 45, 70, 110, 170, 260, 400, 700)
_WORD_EDGES = (1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 24, 35, 60)
_RATIO_EDGES = (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99)

# Tokens built once: every line has a length, word-count and ratio bucket.
_LEN_TOKENS = tuple(f"len={i}" for i in range(len(_LEN_EDGES) + 1))
_NW_TOKENS = tuple(f"nw={i}" for i in range(len(_WORD_EDGES) + 1))
_AR_TOKENS = tuple(f"ar={i}" for i in range(len(_RATIO_EDGES) + 1))
_LAT_TOKENS = tuple(f"lat={i}" for i in range(len(_RATIO_EDGES) + 1))
_DIG_TOKENS = tuple(f"dig={i}" for i in range(len(_RATIO_EDGES) + 1))
_TRIGRAM_SLICES = tuple(slice(i, i + 3) for i in range(TRIGRAMS))
# The edges as arrays, for the batch featuriser: numpy would convert a tuple on every call.
_LEN_EDGE_ARRAY, _WORD_EDGE_ARRAY, _RATIO_EDGE_ARRAY = map(np.array, (_LEN_EDGES, _WORD_EDGES, _RATIO_EDGES))


def _lead_cue_tokens(short: bool) -> dict[str, tuple[str, ...]]:
    """For each leading word with a meaning (month, weekday, cue), the tokens it adds."""
    out: dict[str, tuple[str, ...]] = {}
    for word in {*MONTHS, *WEEKDAYS, *CUE_WORDS}:
        tokens = ["month"] if word in MONTHS else ["weekday"] if word in WEEKDAYS else []
        cue = CUE_WORDS.get(word)
        if cue:
            tokens.append("cue=" + cue)
            if short:
                tokens.append("scue=" + cue)
        out[word] = tuple(tokens)
    return out


_LEAD_CUES = _lead_cue_tokens(short=True)
_LEAD_CUES_LONG = _lead_cue_tokens(short=False)

def _bucket(value: float, edges: Sequence[float]) -> int:
    return bisect_right(edges, value)


def _char_class(ch: str) -> str:
    if ch == BULLET:
        return "bullet"
    if ch.isdigit():
        return "digit"
    if "\u0600" <= ch <= "\u06ff":
        return "ar"
    if ch.isalpha():
        return "latin" if ch.isascii() else "alpha"
    if ch in ":|":
        return ch
    if ch in ".!?":
        return "stop"
    if ch in "-*>+":
        return "dash"
    if ch in "\"'()[]{}":
        return "quote"
    if ord(ch) >= 0x2190:
        return "symbol"
    return "punct"


def _first_visible(line: str) -> int:
    """Index of the first character that survives normalisation, or -1 when there is none."""
    step = PREFIX_CHARS
    for start in range(0, len(line), step):
        chunk = line[start : start + step]
        if normalize(chunk):
            return start + next(i for i, c in enumerate(chunk) if normalize(c))
    return -1


#: Clitics and endings folded off a topical word before comparing vocabularies, so that
#: «التغريدات», «وتغريداته» and «تغريدة» count as one word. Longest first.
_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("اتها", "اته", "ات", "ون", "ين", "ها", "هم", "ية", "ه", "ة", "ي")
#: A folded word keeps at least this many letters.
STEM_MIN = 3
#: Distinct words whose folded form is remembered: a word recurs across thousands of paragraphs.
STEM_CACHE = 200_000


# Candidates by the letter they start (end) with, in the same longest-first order: a word is
# checked against two or three affixes instead of eleven.
_PREFIXES_BY_FIRST = {c: tuple(p for p in _PREFIXES if p[0] == c) for c in {p[0] for p in _PREFIXES}}
_SUFFIXES_BY_LAST = {c: tuple(s for s in _SUFFIXES if s[-1] == c) for c in {s[-1] for s in _SUFFIXES}}


def _stem(word: str) -> str:
    for prefix in _PREFIXES_BY_FIRST.get(word[:1], ()):
        if word.startswith(prefix) and len(word) - len(prefix) >= STEM_MIN:
            word = word[len(prefix):]
            break
    for suffix in _SUFFIXES_BY_LAST.get(word[-1:], ()):
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN:
            return word[: -len(suffix)]
    return word


_stems: dict[str, str] = {}


def topic_stems(vocab: Iterable[str]) -> frozenset[str]:
    """Topical words with one leading clitic and one ending folded off (never below STEM_MIN letters)."""
    words = vocab if isinstance(vocab, (set, frozenset)) else frozenset(vocab)
    new = words.difference(_stems)  # one C-level pass; a plain dict's lookups stay C-level too
    if not new:
        return frozenset(map(_stems.__getitem__, words))
    if len(_stems) + len(new) > STEM_CACHE:
        return frozenset(_stems.get(w) or _stem(w) for w in words)  # full: remember no more
    _stems.update({w: _stem(w) for w in new})
    return frozenset(map(_stems.__getitem__, words))


class LineFacts(NamedTuple):
    """What the context and decode steps read of one line, computed once per distinct line."""

    shape: tuple[float, float, float, float]
    vocab: frozenset[str]
    #: Cells of a table row ("a | b | c": 3) when the line has two or more pipes, else 0.
    cells: int = 0
    #: Whether the line ends a sentence (".", "!"): paragraphs do, headlines seldom.
    sentence: bool = False
    #: Whether the line opens as a paragraph that goes on with a story does (lexicon.CONTINUATION_WORDS).
    continues: bool = False
    #: Whether the line is a row of MENU_MIN_ITEMS or more short items between separators, without
    #: a digit: a site's menu or section bar («الرئيسية | أخبار | رياضة | اقتصاد»).
    menu: bool = False


_BLANK = LineFacts((0.0, 0.0, 0.0, 0.0), frozenset())


def _read_head(line: str) -> str:
    """The normalised first VOCAB_CHARS of a line, from its first visible character; "" if none."""
    norm = normalize(line[:VOCAB_CHARS])
    if norm:
        return norm
    # Deep indentation or invisible marks can fill the prefix; read from the first visible text.
    start = _first_visible(line)
    return normalize(line[start : start + VOCAB_CHARS]) if start >= 0 else ""


class _Read(NamedTuple):
    """One non-blank line as the token features read it."""

    head: str  # normalised, at most PREFIX_CHARS
    tail: str  # normalised last SUFFIX_CHARS of a long line ("" for a short one)
    length: int
    words: int


def _read(line: str) -> tuple[LineFacts, _Read | None]:
    """A line's facts and what its tokens are made of (None when it is blank)."""
    norm = _read_head(line)
    stripped = line.strip()
    if not norm or not stripped:
        return _BLANK, None
    shape = (
        math.log1p(len(stripped)),
        math.log1p(stripped.count(" ") + 1),
        1.0 if norm[0] in (BULLET, "-", "*") else 0.0,
        1.0 if stripped.endswith((":", "：")) else 0.0,
    )
    vocab = frozenset(_WORD.findall(norm)).difference(STOPWORDS)
    pipes = stripped.count("|")
    facts = LineFacts(shape, vocab, pipes + 1 if pipes >= 2 else 0, stripped.endswith((".", "!")), _continues(norm),
                      _is_menu(stripped))
    head = norm[:PREFIX_CHARS]
    length = len(line)
    words = head.count(" ") + 1
    tail = ""
    if length > PREFIX_CHARS:
        # A long line can end in decoration that normalises to nothing (spaces, tatweel, RLM).
        tail = normalize(line[-SUFFIX_CHARS:]) or head
        words = max(words, line.count(" ") + 1)
    return facts, _Read(head, tail, length, words)


class _Reads(NamedTuple):
    """The non-blank lines of a batch as the token features read them, one sequence per field
    of `_Read` (what `_read` gives one line), and where each line is in the batch."""

    live: list[int]
    heads: list[str]
    tails: list[str]
    lengths: np.ndarray
    words: np.ndarray


#: Builds a LineFacts from a tuple of its fields without a Python-level call (map-able).
_facts_from = functools.partial(tuple.__new__, LineFacts)
_BULLET_LEADS = (BULLET, "-", "*")


def _read_many(lines: Sequence[str]) -> tuple[list[LineFacts], _Reads]:
    """`_read` of every line: heads and tails normalised in one pass, the rest field by field
    with C-level maps and numpy (a line costs a few hundred ns of Python instead of a few µs)."""
    n = len(lines)
    sizes = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    long_lines = (sizes > PREFIX_CHARS).nonzero()[0].tolist()
    folded = normalize_many([line[:VOCAB_CHARS] for line in lines]
                            + [lines[i][-SUFFIX_CHARS:] for i in long_lines])
    norms = folded[:n]
    tail_of = dict(zip(long_lines, folded[n:]))
    for i in [i for i, norm in enumerate(norms) if not norm]:
        norms[i] = _read_head(lines[i])  # rare: invisible marks fill the prefix
    stripped = list(map(str.strip, lines))
    live = [i for i, (norm, text) in enumerate(zip(norms, stripped)) if norm and text]
    if len(live) < n:
        lines = [lines[i] for i in live]
        norms = [norms[i] for i in live]
        stripped = [stripped[i] for i in live]
        sizes = sizes[live]
        tail_of = {k: tail_of[i] for k, i in enumerate(live) if i in tail_of}
    pipes = _counts(stripped, "|")
    shapes = zip(
        map(math.log1p, map(len, stripped)),
        map(math.log1p, (_counts(stripped, " ") + 1).tolist()),
        [1.0 if norm[0] in _BULLET_LEADS else 0.0 for norm in norms],
        [1.0 if text.endswith((":", "：")) else 0.0 for text in stripped],
    )
    cells = np.where(pipes >= 2, pipes + 1, 0).tolist()
    sentence = map(str.endswith, stripped, repeat((".", "!")))
    if sum(map(len, norms)) > SMALL_BATCH_CHARS:
        vocabularies = _vocabularies(norms)
    else:  # what _vocabularies gives, by its definition: cheaper for a few lines
        vocabularies = [frozenset(_WORD.findall(norm)).difference(STOPWORDS) for norm in norms]
    live_facts = list(map(_facts_from, zip(shapes, vocabularies, cells, sentence, map(_continues, norms),
                                           map(_is_menu, stripped))))
    if len(live) < n:
        facts = [_BLANK] * n
        for i, fact in zip(live, live_facts):
            facts[i] = fact
    else:
        facts = live_facts

    heads = [norm[:PREFIX_CHARS] for norm in norms]
    words = _counts(heads, " ") + 1
    tails = [""] * len(heads)
    # A long line can end in decoration that normalises to nothing (spaces, tatweel, RLM).
    for i, tail in tail_of.items():
        tails[i] = tail or heads[i]
    long_live = list(tail_of)
    words[long_live] = np.maximum(words[long_live], _counts([lines[i] for i in long_live], " ") + 1)
    return facts, _Reads(live, heads, tails, sizes, words)


# A continuation word or pair opening a normalised line, with any punctuation after it, then
# the end of its word: one C-level match a line.
_CONTINUES = re.compile(
    "(?:" + "|".join(map(re.escape, sorted(CONTINUATION_WORDS | CONTINUATION_PAIRS, key=len, reverse=True)))
    + ")[,.:;]*(?= |$)"
)


#: A menu has at least this many items...
MENU_MIN_ITEMS = 4
#: ...of at most this many words each.
MENU_ITEM_WORDS = 3
#: ...of at most this many characters each.
MENU_WORD_CHARS = 24
_MENU_SEPARATORS = "|/\\-–—،•·>»"
# An item has no digit and no colon: «الدفاع: {name} - {name} - ...» is a line-up, not a menu.
# Its words are bounded too, so that a search never rescans a long run of letters.
_MENU_WORD = rf"[^\d\s:{_MENU_SEPARATORS}]{{1,{MENU_WORD_CHARS}}}"
_MENU_ITEM = rf"{_MENU_WORD}(?: {_MENU_WORD}){{0,{MENU_ITEM_WORDS - 1}}}"
# Pipes, bullets and guillemets part items with or without a space; a slash or dash only between
# spaces (one each: _is_menu collapses white space first, and a bound keeps a search linear).
_MENU_SEPARATOR = r"(?: ?[|•·»] ?| [/\\\-–—،>] )"
_MENU = re.compile(
    rf"{_MENU_SEPARATOR}?{_MENU_ITEM}(?:{_MENU_SEPARATOR}{_MENU_ITEM}){{{MENU_MIN_ITEMS - 1},}}{_MENU_SEPARATOR}?")


# A menu's first item and separator, whatever the white space: a paragraph fails within its
# first words, so most lines cost one short match.
_MENU_START = re.compile(
    rf"[{_MENU_SEPARATORS}]?\s{{0,3}}{_MENU_WORD}(?:\s{{1,3}}{_MENU_WORD}){{0,{MENU_ITEM_WORDS - 1}}}"
    rf"\s{{0,3}}[{_MENU_SEPARATORS}]")


def _is_menu(stripped: str) -> bool:
    """Whether a stripped line is a menu row (LineFacts.menu); most lines fail a short match first."""
    if _MENU_START.match(stripped) is None:
        return False
    return _MENU.fullmatch(" ".join(stripped.split())) is not None


def _continues(norm: str) -> bool:
    """Whether a normalised line opens with a continuation word or pair (LineFacts.continues)."""
    return _CONTINUES.match(norm) is not None


def _counts(texts: Sequence[str], char: str) -> np.ndarray:
    """How often `char` occurs in each text."""
    return np.fromiter(map(str.count, texts, repeat(char)), dtype=np.int64, count=len(texts))


def _vocabularies(norms: Sequence[str]) -> list[frozenset[str]]:
    """frozenset(_WORD.findall(norm)).difference(STOPWORDS) of each normalised text, for all
    texts at once: numpy finds the words (re spends ~30 ns a character on _WORD's class) and
    drops the function words, so that only the topical words are ever built as strings."""
    if not norms:
        return []
    joined = "\n".join(norms)
    codes = code_points(joined)
    tables = _tables()
    letter = tables.lookup(tables.letter, codes, _is_letter)
    padded = np.concatenate(([False], letter, [False]))
    edges = (padded[1:] != padded[:-1]).nonzero()[0]
    run_starts, run_sizes = edges[::2], edges[1::2] - edges[::2]
    is_word = run_sizes >= _WORD_MIN
    is_word[is_word] = ~_are_stopwords(codes, run_starts[is_word], run_sizes[is_word])
    # The letters of the other runs become spaces, like every character that is not a letter.
    in_word = letter.copy()
    in_word[letter] = is_word.repeat(run_sizes)
    words_only = np.where(in_word | (codes == 0x0A), codes, np.uint32(0x20))
    pieces = str(words_only, NATIVE_UTF32).split("\n")
    return [frozenset(piece.split()) for piece in pieces]


def _stopword_key(codes: Sequence[int]) -> int:
    """A word of at most _STOP_CHARS Arabic-block letters as one number: its length, then one
    byte a letter (its offset in the block)."""
    key = len(codes)
    for j, code in enumerate(codes):
        key |= (code - 0x0600) << (8 * (j + 1))
    return key


_STOP_CHARS = max(map(len, STOPWORDS))
assert all(0x0600 <= ord(c) <= 0x06FF for word in STOPWORDS for c in word)
_STOP_KEYS = np.array(sorted(_stopword_key(list(map(ord, w))) for w in STOPWORDS), dtype=np.int64)


def _are_stopwords(codes: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Whether each run of letters codes[start : start + size] is one of STOPWORDS."""
    out = np.zeros(len(starts), dtype=bool)
    short = np.flatnonzero(sizes <= _STOP_CHARS)
    starts, sizes = starts[short], sizes[short]
    keys = sizes.astype(np.int64)
    arabic = np.ones(len(short), dtype=bool)
    for j in range(_STOP_CHARS):
        inside = j < sizes
        offset = codes[np.where(inside, starts + j, 0)].astype(np.int64) - 0x0600
        arabic &= ~inside | ((offset >= 0) & (offset <= 0xFF))
        keys |= np.where(inside & arabic, offset, 0) << (8 * (j + 1))
    slot = np.minimum(np.searchsorted(_STOP_KEYS, keys), len(_STOP_KEYS) - 1)
    out[short] = arabic & (_STOP_KEYS[slot] == keys)
    return out


def line_facts(line: str) -> LineFacts:
    """Shape row, vocabulary, table cells and sentence end of one line."""
    return _read(line)[0]


def shape_row(line: str) -> tuple[float, float, float, float]:
    """Dense per-line numbers the context model uses: log length, log words, bullet, colon end."""
    return line_facts(line).shape


def line_vocabulary(line: str) -> frozenset[str]:
    """The topical words of a line (normalised, 3+ letters, no function words), from its head."""
    return line_facts(line).vocab


def line_tokens(line: str, extra: Iterable[str] = ()) -> list[str]:
    """The sparse tokens of one line's own text, plus `extra` ones (e.g. HTML structure), as
    strings: the readable definition of what `featurize` hashes straight from code points."""
    read = _read(line)[1]
    if read is None:
        return ["blank", *extra]
    return _tokens(read, extra)


def featurize(lines: Sequence[str], extras: Sequence[Sequence[str]] | None = None
              ) -> tuple[list[LineFacts], sparse.csr_matrix]:
    """Facts of each line and the hashed token matrix (one row per line), normalising each once."""
    facts: list[LineFacts] = []
    parts: list[sparse.csr_matrix] = []
    # In slices: the code-point arrays of a slice take ~50 bytes a character.
    for start in range(0, len(lines), BATCH_LINES):
        batch = lines[start : start + BATCH_LINES]
        batch_facts, reads = _read_many(batch)
        facts.extend(batch_facts)
        parts.append(_token_matrix(len(batch), reads, extras[start : start + BATCH_LINES] if extras else None))
    if len(parts) == 1:
        return facts, parts[0]
    if not parts:
        nothing = np.zeros(0, dtype=np.int64)
        return facts, hashing.row_matrix(nothing, nothing, 0)
    return facts, sparse.vstack(parts, format="csr")


def _tokens(read: _Read, extra: Iterable[str]) -> list[str]:
    """The token strings of one non-blank line (the reference `_token_matrix` reproduces)."""
    head, length = read.head, read.length
    tail = read.tail or head
    tokens = _TOKEN.findall(head)
    first, last = _char_class(head[0]), _char_class(tail[-1])
    lead = tokens[:PREFIX_TOKENS]
    out = [
        _LEN_TOKENS[_bucket(length, _LEN_EDGES)],
        _NW_TOKENS[_bucket(read.words, _WORD_EDGES)],
        "first=" + first,
        "last=" + last,
        f"firstlast={first}|{last}",
        *map("w=".__add__, lead),
    ]
    if lead:
        out.append("w0=" + lead[0])
        if len(lead) > 1:
            out.append(f"w01={lead[0]} {lead[1]}")
            out.extend(map("b={} {}".format, lead, lead[1:6]))
    out.extend(map("t=".__add__, _TOKEN.findall(tail)[-3:]))
    short = length <= SHORT_CHARS
    if short:
        out.extend(map("s=".__add__, lead))
        out.append("whole=" + head[:SHORT_CHARS])
    out.extend(map("c3=".__add__, map(head.__getitem__, _TRIGRAM_SLICES[: max(len(head) - 2, 0)])))

    sample = head + " " + read.tail if read.tail else head
    n = len(sample)
    classes = sample.translate(_CLASS_LIST)
    out.append(_AR_TOKENS[_bucket(classes.count("a") / n, _RATIO_EDGES)])
    out.append(_LAT_TOKENS[_bucket(classes.count("l") / n, _RATIO_EDGES)])
    out.append(_DIG_TOKENS[_bucket(classes.count("d") / n, _RATIO_EDGES)])
    if _SYMBOL.search(sample):
        out.append("emoji")
    for name, pattern in _FLAGS:
        if pattern.search(sample):
            out.append(name)
    hashtags = len(_HASHTAG.findall(sample))
    if hashtags:
        out.append(f"hashtags={min(hashtags, MAX_HASHTAGS)}")
    if "|" in sample:
        out.append("pipe")
    if head.endswith(":"):
        out.append("endcolon")
    colon = head.find(":")
    if 0 < colon <= COLON_CHARS:
        out.append("colon@" + head[:colon].rstrip(" "))
    if "..." in tail or "…" in tail:
        out.append("ellipsis")

    for t in lead:
        if t in _LEAD_CUES:
            out.extend(_LEAD_CUES[t] if short else _LEAD_CUES_LONG[t])
    # Every phrase found, once each (a phrase found twice still adds its token once).
    out.extend([token for phrase, token in _PHRASE_TOKENS if phrase in head])
    out.extend(extra)
    return out


def line_matrix(token_lists: Iterable[Sequence[str]]) -> sparse.csr_matrix:
    """Hash token lists (as `line_tokens` gives them) into the model's sparse feature matrix."""
    return hash_tokens(token_lists)


# -- the same tokens, hashed for a whole batch of lines at once --------------------------------

#: A batch of at most this many characters (a page or two) takes the plain re routes where the
#: numpy ones cost more in fixed per-call overhead than they save on its few characters.
SMALL_BATCH_CHARS = 8_000
#: Lines featurised together: large enough that numpy's per-call cost vanishes, small enough
#: that the code-point arrays of a slice stay a few tens of MB.
BATCH_LINES = 4096
#: Lines up to this long are "short": their lead words and whole text become features too.
SHORT_CHARS = 60
#: A colon this close to the start names a field ("المصدر:", "تصوير:").
COLON_CHARS = 25
#: Hashtag counts are capped here.
MAX_HASHTAGS = 4
#: Patterns whose presence anywhere in the sample is a feature, by token.
_FLAGS = (("url", _URL), ("handle", _HANDLE), ("clock", _CLOCK), ("date", _DATE), ("year", _YEAR))
#: What a flag pattern cannot match without: a \d digit, or an ASCII letter ("http", "www", ".com").
_PATTERN_NEEDS = {"url": "latin", "clock": "digit", "date": "digit", "year": "digit"}
_CLASS_NAMES = ("bullet", "digit", "ar", "latin", "alpha", ":", "|", "stop", "dash", "quote", "symbol", "punct")
_CLASS_INDEX = {name: i for i, name in enumerate(_CLASS_NAMES)}
_BMP = 0x10000
# Kinds of character the ratio, emoji and pipe tokens count in a sample (0: anything else).
_KIND_ARABIC, _KIND_LATIN, _KIND_DIGIT, _KIND_SYMBOL, _KIND_PIPE = 1, 2, 3, 4, 5
_N_KINDS = 6
# Bits of a character's traits (_traits_of); its kind is stored above them.
_WORD_BIT, _DECIMAL_BIT, _KIND_SHIFT = 1, 2, 2


class _Tables:
    """Per-code-point lookups and token columns, built once on first use (about 50 ms)."""

    def __init__(self) -> None:
        chars = [chr(c) for c in range(_BMP)]
        # re's \\w is str.isalnum() or "_", and \\d str.isdecimal(): the same sets, as arrays.
        # The letters a topical word is made of ([^\W\d_]):
        self.letter = np.array([_is_letter(c) for c in chars], dtype=bool)
        # What the token features ask of a character, in one table so that a batch is looked
        # up once: \w, \d, and its kind (see _traits_of).
        self.traits = np.array([_traits_of(c) for c in chars], dtype=np.uint8)
        self.char_class = np.array([_class_of(c) for c in chars], dtype=np.int64)
        col = hashing.token_column
        self.len = np.array([col(t) for t in _LEN_TOKENS])
        self.nw = np.array([col(t) for t in _NW_TOKENS])
        self.ratio = [np.array([col(t) for t in family]) for family in (_AR_TOKENS, _LAT_TOKENS, _DIG_TOKENS)]
        self.first = np.array([col("first=" + c) for c in _CLASS_NAMES])
        self.last = np.array([col("last=" + c) for c in _CLASS_NAMES])
        self.firstlast = np.array([[col(f"firstlast={a}|{b}") for b in _CLASS_NAMES] for a in _CLASS_NAMES])
        self.flag = {name: col(name) for name in ("blank", "emoji", "pipe", "endcolon", "ellipsis",
                                                  *(name for name, _ in _FLAGS))}
        self.hashtags = np.array([col(f"hashtags={i}") for i in range(MAX_HASHTAGS + 1)])
        self.phrases = [(phrase, col(token)) for phrase, token in _PHRASE_TOKENS]
        # The phrases by the hash of their first PHRASE_KEY characters, which _phrase_starts
        # compares with the hash at every position of a batch instead of searching each phrase.
        by_key: dict[int, list[tuple[int, str]]] = {}
        for index, (phrase, _) in enumerate(self.phrases):
            by_key.setdefault(hashing.string_hash(phrase[:PHRASE_KEY]), []).append((index, phrase))
        self.phrase_keys = np.array(sorted(by_key), dtype=np.uint64)
        self.phrase_groups = [by_key[key] for key in self.phrase_keys.tolist()]
        self.phrase_sieve = np.zeros(1 << 16, dtype=bool)
        self.phrase_sieve[_sieve_bits(self.phrase_keys)] = True
        self.family = {p: hashing.Prefixed(p) for p in
                       ("w=", "w0=", "w01=", "b=", "t=", "s=", "whole=", "c3=", "colon@")}
        cues = sorted(_LEAD_CUES, key=hashing.string_hash)
        self.cue_hashes = np.array([hashing.string_hash(w) for w in cues], dtype=np.uint64)
        width = max(len(t) for t in _LEAD_CUES.values())
        self.cue_short = np.full((len(cues), width), -1, dtype=np.int64)
        self.cue_long = np.full((len(cues), width), -1, dtype=np.int64)
        for i, word in enumerate(cues):
            for j, token in enumerate(_LEAD_CUES[word]):
                self.cue_short[i, j] = col(token)
            for j, token in enumerate(_LEAD_CUES_LONG[word]):
                self.cue_long[i, j] = col(token)

    def lookup(self, table: np.ndarray, codes: np.ndarray, slow: Callable[[str], object]) -> np.ndarray:
        """table[code] for every code, with code points past the BMP (rare) computed one by one."""
        if not len(codes) or codes.max() < _BMP:  # nearly always: one check instead of three calls
            return table[codes]
        out = table[np.minimum(codes, _BMP - 1)]
        astral = np.flatnonzero(codes >= _BMP)
        if len(astral):
            values = {c: slow(chr(c)) for c in np.unique(codes[astral]).tolist()}
            out[astral] = [values[c] for c in codes[astral].tolist()]
        return out


#: Characters of a cue phrase hashed to find where it may start (no phrase is shorter).
PHRASE_KEY = 4
assert min(map(len, CUE_PHRASES)) >= PHRASE_KEY


def _sieve_bits(hashes: np.ndarray) -> np.ndarray:
    """16 middle bits of polynomial hashes (they separate Arabic 4-grams well), as an index."""
    return (hashes >> np.uint64(40)) & np.uint64(0xFFFF)


def _phrase_starts(tables: _Tables, text: str, cp: hashing.CodePoints, end: int) -> list[list[int]]:
    """Where each cue phrase (in the order of tables.phrases) starts in text[:end], every
    occurrence as text.find would give them: one pass of numpy instead of a find per phrase."""
    found: list[list[int]] = [[] for _ in tables.phrases]
    at_most = end - PHRASE_KEY + 1
    if at_most <= 0:
        return found
    keys = (cp.prefix[PHRASE_KEY : end + 1] - cp.prefix[:at_most]) * cp.inverse[:at_most]
    # A 16-bit sieve drops nearly every position, the full hash most of the rest; the text decides.
    maybe = tables.phrase_sieve[_sieve_bits(keys)].nonzero()[0]
    maybe_keys = keys[maybe]
    slot = np.minimum(tables.phrase_keys.searchsorted(maybe_keys), len(tables.phrase_keys) - 1)
    same = tables.phrase_keys[slot] == maybe_keys
    startswith = text.startswith
    for at, key_slot in zip(maybe[same].tolist(), slot[same].tolist()):
        for index, phrase in tables.phrase_groups[key_slot]:
            if startswith(phrase, at, end):
                found[index].append(at)
    return found


@functools.cache
def _tables() -> _Tables:
    return _Tables()


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _traits_of(ch: str) -> int:
    """A character's bits: \\w (_WORD_BIT), \\d (_DECIMAL_BIT), then its kind."""
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF:
        kind = _KIND_ARABIC
    elif ch.isascii() and ch.isalpha():
        kind = _KIND_LATIN
    elif "0" <= ch <= "9":
        kind = _KIND_DIGIT
    elif code >= 0x2190:
        kind = _KIND_SYMBOL
    elif ch == "|":
        kind = _KIND_PIPE
    else:
        kind = 0
    return (_WORD_BIT if _is_word(ch) else 0) | (_DECIMAL_BIT if ch.isdecimal() else 0) | kind << _KIND_SHIFT


def _is_letter(ch: str) -> bool:
    # re's [^\W\d_]: a word character that is neither a decimal digit nor "_".
    return ch.isalnum() and not ch.isdecimal()


def _class_of(ch: str) -> int:
    return _CLASS_INDEX[_char_class(ch)]


class _Sink:
    """(line, column) pairs as families hand them over, joined with few numpy calls at the end."""

    def __init__(self) -> None:
        self.lines: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.const_lines: list[np.ndarray] = []
        self.const_cols: list[int] = []
        self.hashed_lines: list[np.ndarray] = []
        self.hashed: list[np.ndarray] = []
        self.once_lines: list[np.ndarray] = []
        self.once_cols: list[int] = []

    def columns(self, lines: np.ndarray, cols: np.ndarray) -> None:
        """Line lines[i] has column cols[i]."""
        self.lines.append(lines)
        self.cols.append(cols)

    def constant(self, lines: np.ndarray, col: int) -> None:
        """Every line in `lines` has column `col` (once per entry)."""
        self.const_lines.append(lines)
        self.const_cols.append(col)

    def prefixed(self, family: hashing.Prefixed, lines: np.ndarray, value_hashes: np.ndarray) -> None:
        """Line lines[i] has the token family.prefix + value i (mixed into columns at the end)."""
        self.hashed_lines.append(lines)
        self.hashed.append(family.hashes(value_hashes))

    def once(self, lines: np.ndarray | list[int], col: int) -> None:
        """Each line in `lines` has column `col` once, however often it is listed."""
        self.once_lines.append(np.asarray(lines, dtype=np.int64))
        self.once_cols.append(col)

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """All (line, column) pairs handed over."""
        lines, cols = list(self.lines), list(self.cols)
        if self.const_lines:
            lines.extend(self.const_lines)
            sizes = [len(x) for x in self.const_lines]
            cols.append(np.asarray(self.const_cols, dtype=np.int64).repeat(sizes))
        if self.hashed:
            lines.extend(self.hashed_lines)
            cols.append(hashing.mix(np.concatenate(self.hashed)))
        if self.once_lines:
            sizes = [len(x) for x in self.once_lines]
            keys = np.concatenate(self.once_lines) * N_HASHED_FEATURES + np.asarray(
                self.once_cols, dtype=np.int64).repeat(sizes)
            keys.sort()  # then each once: np.unique, without its cost on a page's few keys
            if len(keys):
                keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
            lines.append(keys // N_HASHED_FEATURES)
            cols.append(keys % N_HASHED_FEATURES)
        if not lines:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(lines).astype(np.int64, copy=False), np.concatenate(cols).astype(np.int64, copy=False)


def _token_matrix(n_lines: int, reads: _Reads, extras: Sequence[Sequence[str]] | None) -> sparse.csr_matrix:
    """Exactly what hashing each line's `line_tokens` gives, computed for all lines at once on
    one array of code points: tokens are found and hashed by position, never built as strings."""
    tables = _tables()
    rows_parts: list[np.ndarray] = []
    cols_parts: list[np.ndarray] = []
    if len(reads.live) < n_lines:
        blank = np.ones(n_lines, dtype=bool)
        blank[reads.live] = False
        rows_parts.append(blank.nonzero()[0])
        cols_parts.append(np.full(len(rows_parts[0]), tables.flag["blank"], dtype=np.int64))
    if reads.live:
        sink = _Sink()
        _live_tokens(tables, reads, sink)
        lines, cols = sink.pairs()
        # Lines are numbered among the live ones; nearly always those are all of them.
        rows_parts.append(lines if len(reads.live) == n_lines else np.asarray(reads.live, dtype=np.int64)[lines])
        cols_parts.append(cols)
    if extras:
        per_line = np.fromiter(map(len, extras), dtype=np.int64, count=len(extras))
        rows_parts.append(np.arange(len(extras)).repeat(per_line))
        cols_parts.append(np.asarray(_extra_columns_of([t for e in extras for t in e]), dtype=np.int64))
    if not rows_parts:
        rows_parts = cols_parts = [np.zeros(0, dtype=np.int64)]
    return hashing.row_matrix(np.concatenate(rows_parts), np.concatenate(cols_parts), n_lines)


#: Structural tokens remembered with their columns: a site's pages repeat the same few hundred.
EXTRA_CACHE = 10_000
_extra_columns: dict[str, int] = {}


def _extra_column(token: str) -> int:
    col = _extra_columns.get(token)
    if col is None:
        col = hashing.token_column(token)
        if len(_extra_columns) < EXTRA_CACHE:
            _extra_columns[token] = col
    return col


def _extra_columns_of(tokens: list[str]) -> list[int]:
    """The column of each structural token: one C-level pass of lookups when all are remembered."""
    cols = list(map(_extra_columns.get, tokens))
    if None in cols:
        return [_extra_column(token) for token in tokens]
    return cols


def _starts(pattern: re.Pattern[str], text: str, word: np.ndarray) -> list[int]:
    """Where `pattern` matches in `text` (at least once wherever `pattern.search` would)."""
    fast = _DIGIT_LED.get(pattern)
    if fast is None:
        return [m.start() for m in pattern.finditer(text)]
    # \b before a digit (a word character) means: no word character just before it. A match
    # refused for that is searched again one character on, so no later match is missed.
    out: list[int] = []
    at = 0
    search = fast.search
    while (m := search(text, at)) is not None:
        start = m.start()
        if start and word[start - 1]:
            at = start + 1
        else:
            out.append(start)
            at = m.end()
    return out


def _segment_subset(texts: Sequence[str], segs: np.ndarray, seg_start: np.ndarray, seg_len: np.ndarray,
                    word: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """The segments `segs` of a batch joined alone (as all are joined), where each of its
    characters is in the full join (a join: the newline after its segment), and \\w there."""
    text = "\n".join([texts[i] for i in segs.tolist()])
    sizes = seg_len[segs] + 1
    shift = seg_start[segs] - (np.cumsum(sizes) - sizes)
    text_at = np.arange(len(text)) + np.repeat(shift, sizes)[: len(text)]
    return text, text_at, word[text_at]


#: Texts that a match of a flag pattern contains one of: a batch with none needs no search.
_FLAG_PARTS = {"url": ("http", "www.", ".com", ".net", ".org"), "handle": ("@",)}


def _flag_hits(texts: Sequence[str], joined: str, word: np.ndarray, traits: np.ndarray, counts: np.ndarray,
               seg_of: np.ndarray, seg_start: np.ndarray, seg_len: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """Each flag pattern found in the segments `texts` (joined: `joined`), with where it starts
    in `joined`: at least one position in every segment it matches, none elsewhere."""
    # A pattern that needs a digit or an ASCII letter is searched for only in the segments that
    # have one: re tests every character it passes, and most lines of a page have neither.
    has_digit = np.zeros(len(texts), dtype=bool)
    has_digit[seg_of[(traits & _DECIMAL_BIT).astype(bool)]] = True
    if len(joined) <= SMALL_BATCH_CHARS:
        # A few lines: each segment with a digit is searched on its own (cheaper than joining
        # them), and a pattern without one of its parts anywhere not at all.
        digit_segments = has_digit.nonzero()[0].tolist()
        starts = seg_start.tolist()
        for name, pattern in _FLAGS:
            if _PATTERN_NEEDS.get(name) == "digit":
                hits = []
                for i in digit_segments:
                    found = _starts(pattern, texts[i], word[starts[i]:])
                    if found:
                        hits.append(starts[i] + found[0])  # one a segment is enough
            elif any(part in joined for part in _FLAG_PARTS[name]):
                hits = _starts(pattern, joined, word)
            else:
                continue
            if hits:
                yield name, np.asarray(hits, dtype=np.int64)
        return
    segments_with = {"digit": has_digit, "latin": counts[:, _KIND_LATIN] > 0}
    subsets: dict[str, tuple[str, np.ndarray, np.ndarray]] = {}
    for name, pattern in _FLAGS:
        need = _PATTERN_NEEDS.get(name)
        if need is None:
            found = np.asarray(_starts(pattern, joined, word), dtype=np.int64)
        else:
            if need not in subsets:
                subsets[need] = _segment_subset(texts, segments_with[need].nonzero()[0], seg_start, seg_len, word)
            text, text_at, text_word = subsets[need]
            found = text_at[_starts(pattern, text, text_word)]
        if len(found):
            yield name, found


def _field_names(heads: Sequence[str], joined: str, codes: np.ndarray, seg_of: np.ndarray, seg_start: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The heads (numbered as segments) whose first colon is within COLON_CHARS, not at the
    start, and where in `joined` the name before it ends: head[:colon].rstrip(" ")."""
    if len(joined) <= SMALL_BATCH_CHARS:
        # A few heads: str.find, bounded to COLON_CHARS, costs less than numpy's calls.
        first_colons = list(map(str.find, heads, repeat(":"), repeat(0), repeat(COLON_CHARS + 1)))
        lines = [i for i, at in enumerate(first_colons) if at > 0]
        # Normalised text has single spaces, so at most one goes before the colon.
        sizes = [first_colons[i] - (heads[i][first_colons[i] - 1] == " ") for i in lines]
        field_lines = np.array(lines, dtype=np.int64)
        return field_lines, seg_start[field_lines] + np.array(sizes, dtype=np.int64)
    colons = (codes == 0x3A).nonzero()[0]
    if not len(colons):
        return colons, colons
    # The first colon of each segment (colons are in order, so are their segments).
    colon_segs = seg_of[colons]
    first = np.concatenate(([True], colon_segs[1:] != colon_segs[:-1]))
    colon_seg, at = colon_segs[first], colons[first]
    ok = (colon_seg < len(heads)) & (at > seg_start[colon_seg]) & (at - seg_start[colon_seg] <= COLON_CHARS)
    colon_seg, at = colon_seg[ok], at[ok]
    return colon_seg, at - (codes[at - 1] == 32)


def _find_all(text: str, needle: str) -> list[int]:
    """Where `needle` starts in `text`, occurrences not overlapping."""
    out: list[int] = []
    find = text.find
    at = find(needle)
    while at >= 0:
        out.append(at)
        at = find(needle, at + len(needle))
    return out


def _live_tokens(tables: _Tables, reads: _Reads, sink: _Sink) -> None:
    """Hand `sink` the (line, column) pairs of every token of the non-blank lines `reads`
    (numbered in the order of reads.live)."""
    n = len(reads.live)
    long_lines = [i for i, tail in enumerate(reads.tails) if tail]
    # Segments: every head, then the tail of every long line, joined by a separator that no
    # token or pattern crosses (heads and tails are normalised: their only white space is " ").
    texts = reads.heads + [reads.tails[i] for i in long_lines]
    seg_len = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    seg_start = (seg_len + 1).cumsum() - seg_len - 1
    joined = "\n".join(texts)
    cp = hashing.CodePoints(joined)
    codes = cp.codes
    n_segs = len(texts)
    seg_of = np.arange(n_segs).repeat(seg_len + 1)[: len(codes)]
    seg_line = np.concatenate((np.arange(n), np.asarray(long_lines, dtype=np.int64)))
    # The segment whose last tokens and characters are the line's end: its tail, else its head.
    tail_seg = np.arange(n)
    tail_seg[long_lines] = n + np.arange(len(long_lines))
    is_tail = np.zeros(n_segs, dtype=bool)
    is_tail[tail_seg] = True
    lengths = reads.lengths
    short = lengths <= SHORT_CHARS
    every = np.arange(n)
    fam = tables.family

    # Tokens (\w+ runs and single other visible characters), by position.
    traits = tables.lookup(tables.traits, codes, _traits_of)
    word = (traits & _WORD_BIT).astype(bool)
    space = (codes == 32) | (codes == 10)
    prev_word = np.concatenate(([False], word[:-1]))
    word_start = word & ~prev_word
    word_end = (word & ~np.concatenate((word[1:], [False]))).nonzero()[0] + 1
    t_start = (word_start | (~word & ~space)).nonzero()[0]
    run = word_start.cumsum() - 1
    # A non-word token reads run -1, the appended 0: np.where discards it.
    t_end = np.where(word[t_start], np.concatenate((word_end, [0]))[run[t_start]], t_start + 1)
    t_seg = seg_of[t_start]
    t_count = np.bincount(t_seg, minlength=n_segs)
    rank = np.arange(len(t_start)) - (t_count.cumsum() - t_count)[t_seg]
    t_hash = cp.hashes(t_start, t_end)
    t_len = t_end - t_start

    words = reads.words
    first = tables.lookup(tables.char_class, codes[seg_start[:n]], _class_of)
    last = tables.lookup(tables.char_class, codes[seg_start[tail_seg] + seg_len[tail_seg] - 1], _class_of)
    # The sample (head, and " " + tail for a long line): one class per character, counted per
    # segment in one pass (Arabic, Latin, digit, symbol and pipe are disjoint ranges).
    kind = traits >> _KIND_SHIFT
    counts = np.bincount(seg_of * _N_KINDS + kind, minlength=n_segs * _N_KINDS).reshape(n_segs, _N_KINDS)
    per_line = counts[:n].copy()
    per_line[long_lines] += counts[n:]
    size = seg_len[:n].astype(float)
    size[long_lines] += 1 + seg_len[n:]
    ratios = _RATIO_EDGE_ARRAY.searchsorted((per_line[:, 1:4] / size[:, None]).ravel(), side="right").reshape(n, 3)
    sink.columns(np.arange(8 * n) % n, np.concatenate((  # eight columns for every line
        tables.len[_LEN_EDGE_ARRAY.searchsorted(lengths, side="right")],
        tables.nw[_WORD_EDGE_ARRAY.searchsorted(words, side="right")],
        tables.first[first], tables.last[last], tables.firstlast[first, last],
        tables.ratio[0][ratios[:, 0]], tables.ratio[1][ratios[:, 1]], tables.ratio[2][ratios[:, 2]])))
    sink.constant(per_line[:, 4].nonzero()[0], tables.flag["emoji"])
    sink.constant(per_line[:, 5].nonzero()[0], tables.flag["pipe"])

    in_head = t_seg < n
    lead = (in_head & (rank < PREFIX_TOKENS)).nonzero()[0]
    lead_line = t_seg[lead]
    sink.prefixed(fam["w="], lead_line, t_hash[lead])
    w0 = lead[rank[lead] == 0]
    sink.prefixed(fam["w0="], t_seg[w0], t_hash[w0])
    # Pairs of neighbouring lead tokens, "a b": the hash of a, then of " " shifted past a, then b.
    pairs = lead[(rank[lead] < 5) & (rank[lead] + 1 < np.minimum(t_count[lead_line], PREFIX_TOKENS))]
    pair_hash = t_hash[pairs] + cp.powers[t_len[pairs]] * (np.uint64(33) + np.uint64(hashing.BASE) * t_hash[pairs + 1])
    opening = rank[pairs] == 0
    sink.prefixed(fam["w01="], t_seg[pairs[opening]], pair_hash[opening])
    sink.prefixed(fam["b="], t_seg[pairs], pair_hash)
    ends = (is_tail[t_seg] & (rank >= t_count[t_seg] - 3)).nonzero()[0]
    sink.prefixed(fam["t="], seg_line[t_seg[ends]], t_hash[ends])
    lead_short = lead[short[lead_line]]
    sink.prefixed(fam["s="], t_seg[lead_short], t_hash[lead_short])
    shorts = short.nonzero()[0]
    whole = cp.hashes(seg_start[shorts], seg_start[shorts] + np.minimum(seg_len[shorts], SHORT_CHARS))
    sink.prefixed(fam["whole="], shorts, whole)
    grams = np.minimum(np.maximum(seg_len[:n] - 2, 0), TRIGRAMS)  # np.clip costs more on few lines
    gram_line = every.repeat(grams)
    gram_at = seg_start[gram_line] + np.arange(len(gram_line)) - (grams.cumsum() - grams).repeat(grams)
    sink.prefixed(fam["c3="], gram_line, cp.hashes(gram_at, gram_at + 3))

    for name, hits in _flag_hits(texts, joined, word, traits, counts, seg_of, seg_start, seg_len):
        sink.once(seg_line[seg_of[hits]], tables.flag[name])
    tags = [m.start() for m in _HASHTAG.finditer(joined)]
    if tags:
        count = np.bincount(seg_line[seg_of[tags]], minlength=n)
        has = count.nonzero()[0]
        sink.columns(has, tables.hashtags[np.minimum(count[has], MAX_HASHTAGS)])
    head_end = seg_start[:n] + seg_len[:n]
    sink.constant((codes[head_end - 1] == 0x3A).nonzero()[0], tables.flag["endcolon"])
    field_lines, field_ends = _field_names(reads.heads, joined, codes, seg_of, seg_start)
    if len(field_lines):
        sink.prefixed(fam["colon@"], field_lines, cp.hashes(seg_start[field_lines], field_ends))
    # Which segments have "..." or "…" (str.find skips ahead faster than re's search for either).
    marks = [*_find_all(joined, "..."), *_find_all(joined, "…")]
    if marks:
        ell = seg_of[marks]
        sink.once(seg_line[ell[is_tail[ell]]], tables.flag["ellipsis"])

    # Cue words among the lead tokens, and cue phrases anywhere in the head.
    slot = np.minimum(tables.cue_hashes.searchsorted(t_hash[lead]), len(tables.cue_hashes) - 1)
    found = tables.cue_hashes[slot] == t_hash[lead]
    if found.any():
        cue_tok, cue_slot = lead[found], slot[found]
        cue_cols = np.where(short[t_seg[cue_tok]][:, None], tables.cue_short[cue_slot], tables.cue_long[cue_slot])
        cue_lines = t_seg[cue_tok].repeat(cue_cols.shape[1])
        flat = cue_cols.ravel()
        sink.columns(cue_lines[flat >= 0], flat[flat >= 0])
    starts = _phrase_starts(tables, joined, cp, int(head_end[-1]))
    for (_, col), hits_at in zip(tables.phrases, starts):
        if hits_at:
            # Once per phrase and line, not per column: two phrases of one label add its token
            # twice. A phrase's starts are in order, so its lines come out sorted (as np.unique).
            lines_with = dict.fromkeys(seg_of[hits_at].tolist())
            sink.constant(np.fromiter(lines_with, dtype=np.int64, count=len(lines_with)), col)
