"""Line features: what a single line looks like, as hashed sparse tokens.

Only a bounded prefix and suffix of a line is read, so a 10 MB line costs what a short one does
beyond normalisation, and no pattern here can backtrack: every regular expression is a simple
character class run.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from scipy import sparse
from sklearn.feature_extraction import FeatureHasher

from .lexicon import CUE_PHRASES, CUE_WORDS, MONTHS, WEEKDAYS
from .normalize import BULLET, normalize

#: Bump when the features change: a model trained on other features is refused, not misread.
FEATURE_VERSION = 6
#: Hashed feature space; 2**18 keeps collisions rare while the model stays small.
N_HASHED_FEATURES = 2**18
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

#: How many leading characters of a line feed its vocabulary (topic overlap in context).
VOCAB_CHARS = 400
#: Function words that say nothing about a story's topic.
STOPWORDS = frozenset(
    "في من على الي عن ان مع هذا هذه التي الذي الذين كان كانت قال قالت وقال وقالت ذلك تلك بين بعد قبل عند "
    "حتي كما لكن او ثم اذا اي كل غير عدد خلال حيث وفي ومن وعلي الا لم لن ما لا هو هي هم انه انها وان "
    "اليوم امس العام وكان فيما منذ ضد لدي لها له لهم بها به عليه عليها الذي".split()
)
_WORD = re.compile(r"[^\W\d_]{3,}")

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

_hasher = FeatureHasher(n_features=N_HASHED_FEATURES, input_type="string", alternate_sign=False)


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
STEM_CACHE = 50_000


def _stem(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= STEM_MIN:
            word = word[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN:
            return word[: -len(suffix)]
    return word


class _StemMemo(dict[str, str]):
    """word -> stem, filled on first use up to STEM_CACHE words (a hit is one C-level lookup)."""

    def __missing__(self, word: str) -> str:
        stem = _stem(word)
        if len(self) < STEM_CACHE:
            self[word] = stem
        return stem


_stems = _StemMemo()


def topic_stems(vocab: Iterable[str]) -> frozenset[str]:
    """Topical words with one leading clitic and one ending folded off (never below STEM_MIN letters)."""
    return frozenset(map(_stems.__getitem__, vocab))


class LineFacts(NamedTuple):
    """What the models read of one line on its own, computed once per distinct line."""

    tokens: list[str]
    shape: tuple[float, float, float, float]
    vocab: frozenset[str]
    stems: frozenset[str]
    #: Cells of a table row ("a | b | c": 3) when the line has two or more pipes, else 0.
    cells: int = 0
    #: Whether the line ends a sentence (".", "!"): paragraphs do, headlines seldom.
    sentence: bool = False


def _read_head(line: str) -> str:
    """The normalised first VOCAB_CHARS of a line, from its first visible character; "" if none."""
    norm = normalize(line[:VOCAB_CHARS])
    if norm:
        return norm
    # Deep indentation or invisible marks can fill the prefix; read from the first visible text.
    start = _first_visible(line)
    return normalize(line[start : start + VOCAB_CHARS]) if start >= 0 else ""


def line_facts(line: str, extra: Iterable[str] = ()) -> LineFacts:
    """Tokens, shape row, vocabulary and its stems of one line, normalising its text once."""
    norm = _read_head(line)
    stripped = line.strip()
    if not norm or not stripped:
        return LineFacts(["blank"], (0.0, 0.0, 0.0, 0.0), frozenset(), frozenset())
    shape = (
        math.log1p(len(stripped)),
        math.log1p(stripped.count(" ") + 1),
        1.0 if norm[0] in (BULLET, "-", "*") else 0.0,
        1.0 if stripped.endswith((":", "：")) else 0.0,
    )
    vocab = frozenset(_WORD.findall(norm)).difference(STOPWORDS)
    pipes = stripped.count("|")
    return LineFacts(_tokens(line, norm[:PREFIX_CHARS], extra), shape, vocab, topic_stems(vocab),
                     pipes + 1 if pipes >= 2 else 0, stripped.endswith((".", "!")))


def line_tokens(line: str, extra: Iterable[str] = ()) -> list[str]:
    """The sparse tokens of one line's own text, plus `extra` ones (e.g. HTML structure)."""
    return line_facts(line, extra).tokens


def _tokens(line: str, head: str, extra: Iterable[str]) -> list[str]:
    length = len(line)
    # A long line can end in decoration that normalises to nothing (spaces, tatweel, RLM).
    tail = (normalize(line[-SUFFIX_CHARS:]) if length > PREFIX_CHARS else "") or head
    tokens = _TOKEN.findall(head)
    n_words = len(head.split())
    if length > PREFIX_CHARS:
        n_words = max(n_words, line.count(" ") + 1)
    first, last = _char_class(head[0]), _char_class(tail[-1])
    lead = tokens[:PREFIX_TOKENS]
    out = [
        _LEN_TOKENS[_bucket(length, _LEN_EDGES)],
        _NW_TOKENS[_bucket(n_words, _WORD_EDGES)],
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
    short = length <= 60
    if short:
        out.extend(map("s=".__add__, lead))
        out.append("whole=" + head[:60])
    out.extend(map("c3=".__add__, map(head.__getitem__, _TRIGRAM_SLICES[: max(len(head) - 2, 0)])))

    sample = head if length <= PREFIX_CHARS else head + " " + tail
    n = len(sample)
    classes = sample.translate(_CLASS_LIST)
    out.append(_AR_TOKENS[_bucket(classes.count("a") / n, _RATIO_EDGES)])
    out.append(_LAT_TOKENS[_bucket(classes.count("l") / n, _RATIO_EDGES)])
    out.append(_DIG_TOKENS[_bucket(classes.count("d") / n, _RATIO_EDGES)])
    if _SYMBOL.search(sample):
        out.append("emoji")
    if _URL.search(sample):
        out.append("url")
    if "@" in sample and _HANDLE.search(sample):
        out.append("handle")
    if "#" in sample:
        hashtags = len(_HASHTAG.findall(sample))
        if hashtags:
            out.append(f"hashtags={min(hashtags, 4)}")
    if "|" in sample:
        out.append("pipe")
    if "d" in classes:  # clocks, dates and years all need a digit
        if ":" in sample and _CLOCK.search(sample):
            out.append("clock")
        if _DATE.search(sample):
            out.append("date")
        if _YEAR.search(sample):
            out.append("year")
    if head.endswith(":"):
        out.append("endcolon")
    colon = head.find(":")
    if 0 < colon <= 25:
        out.append("colon@" + head[:colon].strip()[:25])
    if "..." in tail or "…" in tail:
        out.append("ellipsis")

    for t in lead:
        if t in _LEAD_CUES:
            out.extend(_LEAD_CUES[t] if short else _LEAD_CUES_LONG[t])
    # Every occurrence of every phrase, once each: no phrase starts another, so this finds what
    # a scan position by position finds, with one C-level search per phrase.
    out.extend([token for phrase, token in _PHRASE_TOKENS if phrase in head])
    out.extend(extra)
    return out


def line_matrix(token_lists: Iterable[list[str]]) -> sparse.csr_matrix:
    """Hash token lists into the model's sparse feature matrix."""
    return _hasher.transform(token_lists)


def shape_row(line: str) -> tuple[float, float, float, float]:
    """Dense per-line numbers the context model uses: log length, log words, bullet, colon end."""
    return line_facts(line).shape


def line_vocabulary(line: str) -> frozenset[str]:
    """The topical words of a line (normalised, 3+ letters, no function words), from its head."""
    return line_facts(line).vocab
