"""Bytes to text for HTML pages: BOM, then the declared charset checked against the bytes, then a guess.

Arabic pages often come in windows-1256 or ISO-8859-6, undeclared or declared wrongly (a UTF-8
page still saying windows-1256 after a CMS migration is common). A declaration is therefore a
hint, not a fact: UTF-8 is recognised by its structure, which text in a single-byte encoding
practically never has by accident, and the two Arabic single-byte encodings are told apart by
how Arabic the text they give looks. Everything here is bounded: the declaration is looked for
in the page's head only, and the scoring reads a fixed-size sample.
"""

from __future__ import annotations

import codecs
import re

#: How many leading bytes are searched for a `<meta charset>` or XML encoding declaration.
DECLARATION_SCAN_BYTES = 32_768
#: How many bytes, starting at the first non-ASCII byte, the candidate encodings are scored on.
SCORE_SAMPLE_BYTES = 65_536
#: Bytes of context kept before the first non-ASCII byte in the scoring sample.
SAMPLE_LEAD_BYTES = 64
#: Invalid UTF-8 sequences tolerated per non-ASCII byte before the bytes stop counting as UTF-8:
#: real UTF-8 pages carry stray bytes (a pasted snippet, a cut character), while single-byte
#: Arabic text read as UTF-8 fails on nearly every letter (a share near 1).
UTF8_MAX_BAD_SHARE = 0.05
#: Weight of each "ال" (the definite article, in almost every Arabic sentence) in an Arabic score:
#: the wrong Arabic code page still gives Arabic letters, but rarely this pair.
ALEF_LAM_WEIGHT = 10.0
#: Weight of each mojibake sign (replacement char, C1 control, accented Latin letter) in a score.
MOJIBAKE_WEIGHT = 5.0
#: A non-declared candidate replaces the declared encoding only when it scores this many times
#: higher, and at least MIN_OVERRIDE_GAIN higher: a declaration wins every close call.
OVERRIDE_RATIO = 1.5
MIN_OVERRIDE_GAIN = 20.0
#: Share of the sample's non-ASCII characters that must be Arabic letters for an Arabic guess
#: to beat windows-1252 when nothing is declared.
ARABIC_MIN_SHARE = 0.5

UTF8 = "utf-8"
CP1256 = "windows-1256"
ISO_8859_6 = "iso-8859-6"
CP1252 = "windows-1252"

#: Python codec for each encoding name this module returns or accepts.
_CODEC = {UTF8: "utf-8", CP1256: "cp1256", ISO_8859_6: "iso8859-6", CP1252: "cp1252"}
#: Declared labels as browsers read them (WHATWG Encoding Standard): ASCII and Latin-1 labels
#: mean windows-1252, every ISO-8859-6 alias means ISO-8859-6.
_LABELS = {
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"), UTF8),
    **dict.fromkeys(("windows-1256", "cp1256", "x-cp1256", "ms-arab"), CP1256),
    **dict.fromkeys(("iso-8859-6", "iso8859-6", "iso_8859-6", "iso88596", "iso-8859-6-i", "iso-8859-6-e",
                     "iso_8859-6:1987", "arabic", "asmo-708", "ecma-114", "iso-ir-127", "csiso88596e",
                     "csiso88596i", "csisolatinarabic"), ISO_8859_6),
    **dict.fromkeys(("windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1",
                     "l1", "cp819", "ibm819", "us-ascii", "ascii", "ansi_x3.4-1968", "iso-ir-100",
                     "csisolatin1"), CP1252),
}
#: Byte order marks, longest first so that UTF-32 LE is not taken for UTF-16 LE.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, UTF8),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(rb"<meta\b[^>]{0,1024}?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9][A-Za-z0-9_.:\-]{0,39})",
                           re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:\-]{1,40})")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_FIRST_HIGH = re.compile(rb"[\x80-\xff]")
# Runs of two or more: Arabic words are, while a Latin page's accented letters read in an Arabic
# code page come out as lone Arabic letters between ASCII ones.
_ARABIC_RUN = re.compile("[\u0621-\u064a]{2,}")
_MOJIBAKE_RUN = re.compile("[\ufffd\u0080-\u009f\u00c0-\u00ff]+")
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")


def normalize_label(label: str) -> str | None:
    """The encoding a declared charset label means, or None when Python has no codec for it."""
    label = label.strip().lower()
    if label in _LABELS:
        return _LABELS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A meta tag that can be read as ASCII cannot be in UTF-16/32: browsers read it as UTF-8.
    if name.startswith(("utf-16", "utf-32")):
        return UTF8
    return _LABELS.get(name, name)


def declared_charset(data: bytes) -> str | None:
    """The encoding named by the page's XML declaration or first usable `<meta>` charset, if any."""
    head = data[:DECLARATION_SCAN_BYTES]
    found = _XML_ENCODING.match(head)
    labels = [found.group(1)] if found else []
    labels.extend(m.group(1) for m in _META_CHARSET.finditer(head))
    for raw in labels:
        name = normalize_label(raw.decode("ascii", "replace"))
        if name is not None:
            return name
    return None


def _codec(name: str) -> str:
    return _CODEC.get(name, name)


def _utf8(data: bytes) -> str | None:
    """The text when `data` is UTF-8 (a cut last character and rare stray bytes allowed), else None."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # A page cut off mid-character is still UTF-8; only its last character is lost.
            try:
                return data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                pass
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return text if bad <= UTF8_MAX_BAD_SHARE * high else None


def _sample(data: bytes) -> bytes:
    first = _FIRST_HIGH.search(data)
    if first is None:
        return b""
    start = max(0, first.start() - SAMPLE_LEAD_BYTES)
    return data[start : start + SCORE_SAMPLE_BYTES]


def _run_chars(pattern: re.Pattern[str], text: str) -> int:
    return sum(len(run) for run in pattern.findall(text))


def arabic_score(text: str) -> float:
    """How much `text` reads as correctly decoded Arabic: letters and articles, minus mojibake signs."""
    letters = _run_chars(_ARABIC_RUN, text)
    return letters + ALEF_LAM_WEIGHT * text.count("ال") - MOJIBAKE_WEIGHT * _run_chars(_MOJIBAKE_RUN, text)


def _scores(sample: bytes, names: tuple[str, ...]) -> dict[str, float]:
    return {name: arabic_score(sample.decode(_codec(name), errors="replace")) for name in names}


def _guess_single_byte(sample: bytes) -> str:
    """windows-1256, ISO-8859-6 or windows-1252 for bytes that are not UTF-8."""
    scores = _scores(sample, (CP1256, ISO_8859_6))
    best = max(scores, key=lambda name: scores[name])
    text = sample.decode(_codec(best), errors="replace")
    non_ascii = _run_chars(_NON_ASCII_RUN, text)
    arabic = _run_chars(_ARABIC_RUN, text)
    if non_ascii and arabic >= ARABIC_MIN_SHARE * non_ascii:
        return best
    return CP1252


def _check_declared(declared: str, sample: bytes) -> str:
    """The declared single-byte encoding, unless another Arabic candidate reads far better."""
    if declared not in (CP1256, ISO_8859_6, CP1252):
        # Only Arabic pages are second-guessed: scoring Cyrillic or CJK bytes for Arabic letters
        # would find some, so another declared script is taken at its word.
        return declared
    scores = _scores(sample, tuple(dict.fromkeys((declared, CP1256, ISO_8859_6))))
    best = max(scores, key=lambda name: scores[name])
    own = max(scores[declared], 0.0)
    if best != declared and scores[best] >= OVERRIDE_RATIO * own + MIN_OVERRIDE_GAIN:
        return best
    return declared


def _decode(data: bytes, name: str) -> str:
    return data.decode(_codec(name), errors="replace")


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding used: BOM, else the verified declaration, else a guess."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"decode_html expects bytes, got {type(data).__name__}")
    data = bytes(data)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    declared = declared_charset(data)
    has_high = _FIRST_HIGH.search(data) is not None
    if not has_high:
        # Pure ASCII reads the same in every encoding this module picks; keep the page's own word.
        name = declared if declared in (UTF8, CP1256, ISO_8859_6, CP1252) else UTF8
        return data.decode("ascii"), name
    utf8 = _utf8(data)
    if utf8 is not None:
        # Also overrides a single-byte declaration: Arabic in windows-1256 or ISO-8859-6 is never
        # valid UTF-8, so bytes that are valid UTF-8 were written as UTF-8 whatever the page says.
        return utf8, UTF8
    sample = _sample(data)
    # A UTF-8 declaration the bytes break is no information at all.
    trusted = declared is not None and declared != UTF8
    name = _check_declared(declared, sample) if trusted else _guess_single_byte(sample)  # type: ignore[arg-type]
    return _decode(data, name), name
