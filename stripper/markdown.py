"""Which lines of a Markdown file are prose that the stripper may judge.

Structure is never the stripper's business: YAML/TOML front matter, fenced and indented code,
tables, headings, thematic breaks, HTML blocks and link reference definitions are reported as not
prose, so the caller keeps them verbatim. Everything else that is not blank (paragraphs, list
items, block quotes) is prose. When a construct is ambiguous the line is treated as structure,
because a kept junk line costs less than a lost piece of the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

#: File name endings treated as Markdown.
MARKDOWN_SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")

_FRONT_MATTER_OPEN = {"---": ("---", "..."), "+++": ("+++",)}
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TABLE_ROW = re.compile(r"^ {0,3}\|")
# A delimiter row: cells of dashes (optionally colon-aligned) separated by pipes.
_CELL = r"[ \t]*:?-+:?[ \t]*"
_TABLE_DELIMITER = re.compile(rf"^ {{0,3}}\|?{_CELL}(?:\|{_CELL})+\|?[ \t]*$|^ {{0,3}}\|{_CELL}\|[ \t]*$")
_LINK_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# HTML block starts (CommonMark types 1-7), each with the text that ends it; None = a blank line.
_HTML_STARTS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.I),
     re.compile(r"</(?:script|pre|style|textarea)>", re.I)),
    (re.compile(r"^ {0,3}<!--"), re.compile(r"-->")),
    (re.compile(r"^ {0,3}<\?"), re.compile(r"\?>")),
    (re.compile(r"^ {0,3}<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"^ {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(r"^ {0,3}</?[A-Za-z][A-Za-z0-9-]*(?:\s|/?>|$)"), None),
)


def is_markdown_path(path: str | PurePath) -> bool:
    """True when the file name says Markdown."""
    return PurePath(path).suffix.lower() in MARKDOWN_SUFFIXES


def _blank(line: str) -> bool:
    return not line.strip()


def _front_matter_end(lines: Sequence[str]) -> int:
    """Index just past the front matter block at the top, or 0 when there is none."""
    if not lines:
        return 0
    first = lines[0].lstrip("\ufeff").rstrip()
    closers = _FRONT_MATTER_OPEN.get(first)
    if closers is None:
        return 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in closers:
            return i + 1
    # An unclosed opener is a thematic break, not front matter: the rest is ordinary Markdown.
    return 0


def prose_lines(lines: Sequence[str]) -> list[bool]:
    """For each line (text without its ending), True when it is prose the stripper may judge."""
    n = len(lines)
    prose = [False] * n
    i = _front_matter_end(lines)
    previous_blank = True
    in_list = False
    while i < n:
        line = lines[i]
        if _blank(line):
            previous_blank = True
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence and not (fence["fence"][0] == "`" and "`" in fence["info"]):
            # Everything up to the closing fence (or the end, if it never closes) is code.
            char, length = fence["fence"][0], len(fence["fence"])
            closing = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{length},}}[ \t]*$")
            i += 1
            while i < n and not closing.match(lines[i]):
                i += 1
            i += 1
            previous_blank = False
            continue
        html_end = _html_block_end(lines, i)
        if html_end is not None:
            i = html_end
            previous_blank = False
            continue
        if _INDENTED.match(line) and previous_blank and not in_list:
            # Indented code runs over blank lines until a line that is not indented.
            while i < n and (_blank(lines[i]) or _INDENTED.match(lines[i])):
                i += 1
            previous_blank = _blank(lines[i - 1])
            continue
        if _TABLE_DELIMITER.match(line) and i > 0 and not _blank(lines[i - 1]) and "|" in lines[i - 1]:
            # A pipe table without leading pipes: its header is the line above, its rows follow.
            prose[i - 1] = False
            while i < n and not _blank(lines[i]):
                i += 1
            previous_blank = False
            continue
        if _SETEXT_UNDERLINE.match(line) and not previous_blank and i > 0 and prose[i - 1]:
            # The paragraph above is a setext heading: un-prose it back to its start.
            j = i - 1
            while j >= 0 and prose[j]:
                prose[j] = False
                j -= 1
            previous_blank = False
            i += 1
            continue
        if _LIST_ITEM.match(line) and not _THEMATIC_BREAK.match(line):
            in_list = True
        elif not _INDENTED.match(line) and previous_blank:
            in_list = False
        prose[i] = not (
            _ATX_HEADING.match(line)
            or _THEMATIC_BREAK.match(line)
            or _TABLE_ROW.match(line)
            or _LINK_REFERENCE.match(line)
        )
        previous_blank = False
        i += 1
    return prose


def _html_block_end(lines: Sequence[str], start: int) -> int | None:
    """Index just past the HTML block that starts at `start`, or None when none starts there."""
    line = lines[start]
    for opener, closer in _HTML_STARTS:
        if not opener.match(line):
            continue
        i = start
        if closer is None:
            while i < len(lines) and not _blank(lines[i]):
                i += 1
            return i
        while i < len(lines):
            # The closing text may sit on the opening line itself.
            tail = line[opener.match(line).end():] if i == start else lines[i]  # type: ignore[union-attr]
            if closer.search(tail):
                return i + 1
            i += 1
        return i
    return None
