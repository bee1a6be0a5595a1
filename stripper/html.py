"""HTML input: trafilatura finds the main content, lxml says where each of its lines sat in the page.

trafilatura is good at finding the article container but keeps what sits inside it: read-also
teasers, app banners, tag lines. So each line it extracts is traced back to the page element it
came from, and that element's surroundings (tag, link density, enclosing `li`/`aside`/`nav`...,
class and id words, whether it is inside the article container) become extra `h:` tokens for
the same line model that reads plain text. Lines from HTML always carry `h:html`; plain text
never does, so one model serves both. trafilatura also drops the top of the article (headline,
byline, standfirst, which LABELS.md counts as body), so the page's headline and the few units
between it and the first extracted line are added back for the model to judge.

Cost is linear in the page: one parse (the tree is handed to trafilatura, which copies it
instead of parsing again) and one walk over the tree that cuts it into text units; tracing a
line back is a dictionary lookup, and only the few elements behind extracted lines get their
ancestors read, a bounded number of levels up.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import trafilatura
from lxml import etree
from trafilatura.utils import handle_compressed_file, load_html

from .charset import decode_html
from .core import Stripper, default_stripper
from .decode import decide
from .labels import check_keep

logger = logging.getLogger(__name__)

#: Token on every line that comes from HTML.
HTML_TOKEN = "h:html"
#: Token on a line whose element sits inside the detected main article container.
BODY_TOKEN = "h:body"
#: Token on a line that could not be traced back to a page element.
UNMATCHED_TOKEN = "h:nomatch"
#: At most this many structural tokens per line.
MAX_TOKENS_PER_LINE = 8
#: At most this many `h:in=` and `h:cls=` tokens per line (nearest elements first).
MAX_IN_TOKENS = 2
MAX_CLASS_TOKENS = 3
#: Levels above a line's own element that are read for `h:in=`, `h:cls=` and the container.
MAX_ANCESTORS = 12
#: Link density bucket edges: share of a line's characters inside `<a>`.
LINK_DENSITY_EDGES = (0.05, 0.35, 0.65, 0.95)
#: The article container is the deepest element holding this share of the extracted text...
CONTAINER_SHARE = 0.6
#: ...spread over at least this many extracted lines.
CONTAINER_MIN_LINES = 2
#: Leading characters (whitespace removed) used to trace a line that matches no element exactly.
MATCH_PREFIX_CHARS = 24
#: A line that matches no unit is traced to the longest unit its text starts with, looking at
#: prefixes of at most this many characters and at least MIN_PIECE_CHARS (trafilatura sometimes
#: joins a date and a counter, or a label and a headline, that the page keeps apart).
MAX_PIECE_CHARS = 200
MIN_PIECE_CHARS = 2
#: Between the headline and the first extracted line, page units (byline, standfirst, dateline,
#: and the date and share chrome the model is there to drop) are added when there are at most
#: this many and they share a box with the article below <body>; 0 turns this off. The model,
#: trained with the h: structure tokens, drops that zone's chrome. Chosen on the project's HTML
#: pages (0, 4, 8 tried: 260, 270, 274 gold lines kept; 11, 14, 17 junk lines left), so the HTML
#: table is not held out for this knob.
HEADER_ZONE_MAX_UNITS = 8
#: A headline has at least this many words; fewer is a logo or a section name.
MIN_HEADLINE_WORDS = 3
#: Headline candidates looked at, in page order.
MAX_HEADLINE_CANDIDATES = 20
#: Line candidates weighed on each side of the previous line's unit when a text repeats.
MAX_CANDIDATES = 64
#: How trafilatura is asked to extract: no comments or tables (the issue's baseline settings),
#: recall first because the model removes what trafilatura should not have kept, and without
#: its fallback extractors (readability and jusText, run to second-guess its own result): they
#: cost about a quarter of its time, and on the project's HTML pages the model kept more body
#: without them (275 against 271 of 286 gold lines; 20 against 19 junk lines left).
TRAFILATURA_OPTIONS: dict[str, object] = {
    "include_comments": False, "include_tables": False, "favor_recall": True, "with_metadata": False,
    "fast": True, "output_format": "python",
}
#: Largest input accepted, in bytes or characters (trafilatura's own default ceiling).
MAX_INPUT_SIZE = 20_000_000

#: Page elements whose start and end break lines, as a browser lays them out.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "marquee", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
#: Elements whose content is never shown as text.
SKIP_TAGS = frozenset({
    "canvas", "embed", "head", "iframe", "math", "noscript", "object", "script", "select", "style", "svg",
    "template", "textarea",
})
#: Block elements of trafilatura's output tree (plus page tags its fallback extractors keep).
OUTPUT_BLOCK_TAGS = BLOCK_TAGS | {"cell", "code", "doc", "head", "item", "list", "quote", "row"}
#: Tag names kept as they are in `h:tag=`; any other owner element is `h:tag=other`.
TAG_NAMES = frozenset({"p", "div", "li", "h1", "h2", "h3", "blockquote", "figcaption", "td", "th", "span",
                       "section", "article", "header", "footer", "aside", "nav", "form", "dd", "dt", "pre",
                       "marquee", "figure", "center"})
#: Heading levels below h3 are rare enough to share one tag token.
_TAG_ALIASES = {"h4": "h4", "h5": "h4", "h6": "h4", "th": "td", "dt": "dd"}
#: Enclosing elements reported as `h:in=`.
IN_TAGS = frozenset({"a", "li", "aside", "nav", "footer", "figure", "header", "form"})

#: Class and id words (split at case changes and punctuation, lower-cased; adjacent pairs are
#: also tried joined, so `mostRead` and `most-read` both give `mostread`) mapped to the `h:cls=`
#: token they stand for. Built from the 32 data/html templates, the shared CNN page and common
#: CMS themes (WordPress/JNews, Drupal, Quintype, BBC, CSS modules).
CLASS_VOCABULARY: dict[str, str] = {
    **dict.fromkeys(("related", "relate", "rel", "similar", "suggested", "suggest", "recommended", "recommend",
                     "recommendation", "readmore", "readalso", "alsoread", "seealso", "also", "more", "other",
                     "others", "teaser", "mayalso", "maylike", "youmaylike", "interest", "morenews",
                     "relatednews", "relatedlist", "inpost", "inarticle", "watch"), "related"),
    **dict.fromkeys(("read",), "read"),
    **dict.fromkeys(("mostread", "popular", "trending", "trends", "mostviewed", "mostpopular", "mostcommented",
                     "most", "top10", "latest", "editorchoice", "choice", "picks", "featured"), "mostread"),
    **dict.fromkeys(("share", "sharing", "sharer", "social", "sns", "print", "tools", "toolbar", "bbtools",
                     "font", "fontsize", "fontup", "fontdown", "facebook", "twitter", "fb", "tw", "wa",
                     "whatsapp", "linkedin", "gplus", "plusone", "email", "sharedaddy", "btntools",
                     "strybtntools", "icons", "save"), "share"),
    **dict.fromkeys(("tags", "tag", "keyword", "keywords", "topics", "topic", "hashtag", "hashtags",
                     "taxonomy", "relatedwords", "labels", "category", "cat"), "tags"),
    **dict.fromkeys(("ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "gpt", "dfp",
                     "adsense", "adslot", "adunit", "adbox", "adtitle", "adfox", "sponsor", "sponsored", "mpu",
                     "inread", "leaderboard", "billboard", "outbrain", "taboola", "stryad", "adcntr",
                     "commercial"), "ad"),
    **dict.fromkeys(("promo", "promotion", "podcastpromo", "podcast", "app", "apps", "download", "cta",
                     "premium", "paywall", "donate", "donation", "support", "telegram", "gnews", "subscribe",
                     "subscription", "signup", "follow", "followus"), "promo"),
    **dict.fromkeys(("newsletter", "newsletters", "mailing", "mailinglist"), "newsletter"),
    **dict.fromkeys(("banner", "appbanner", "masthead"), "banner"),
    **dict.fromkeys(("widget", "widgets", "sidebar", "side", "weather", "prayer", "currency", "markets",
                     "slider"), "widget"),
    **dict.fromkeys(("comment", "comments", "disqus", "reply", "respond", "discussion", "disclaimer",
                     "rules", "policy", "fbcomments"), "comment"),
    **dict.fromkeys(("breadcrumb", "breadcrumbs", "crumb", "crumbs"), "breadcrumb"),
    **dict.fromkeys(("author", "authors", "byline", "writer", "writeby", "reporter", "athr", "stryathrtmp",
                     "editor"), "author"),
    **dict.fromkeys(("date", "dates", "time", "timestamp", "datetime", "pubdate", "published", "publish",
                     "posted", "updated", "dateline", "pdate", "hdate", "tmstmp", "strytmstmp", "views",
                     "view", "count", "counter", "reads", "reading", "meta", "info", "subinfo", "pinfo",
                     "stats"), "meta"),
    **dict.fromkeys(("caption", "figcaption", "desc", "imgdesc", "credit", "credits", "photo", "image",
                     "img", "pic", "picture", "media", "gallery", "thumbnail", "thumb", "stryimg",
                     "attribution"), "caption"),
    **dict.fromkeys(("source", "sources", "permalink", "shortlink", "via"), "source"),
    **dict.fromkeys(("ticker", "breaking", "breakingnews", "urgent", "marquee", "flash", "newsbar", "live"),
                    "ticker"),
    **dict.fromkeys(("nav", "navbar", "navigation", "menu", "mainmenu", "mainnav", "header", "topbar",
                     "topheader", "hdr", "footer", "ftr", "colophon", "logo", "brand", "branding", "copyright",
                     "copy", "rights", "sitemap", "skip", "lang", "language", "edition", "editions", "switch",
                     "search", "login", "cookie", "consent"), "nav"),
    **dict.fromkeys(("content", "body", "text", "article", "articles", "story", "entry", "post", "details",
                     "detail", "wysiwyg", "main", "inner", "articlebody", "bodytext", "newsbody", "storycontent",
                     "articledetails", "articletext", "newsstory", "eventcontent", "cntnt", "strycntntrgt",
                     "maintext", "txt", "ptext"), "content"),
    **dict.fromkeys(("title", "headline", "heading", "subhead", "hero"), "title"),
    **dict.fromkeys(("lead", "summary", "excerpt", "standfirst", "subtitle", "intro", "abstract", "brief",
                     "chapo", "strapline"), "lead"),
}

#: A class name starting with one of these words describes a state or a page type, not a region
#: (`no-share`, `has-post-thumbnail`, `status-publish`, `type-post`, `page-node-type-article`).
STATE_WORDS = frozenset({"no", "not", "has", "is", "status", "format", "type", "page", "postid", "single",
                         "hidden", "hide", "show", "js"})
#: Page-wide elements whose classes name the page type, not a region of it.
PAGE_TAGS = frozenset({"html", "body"})

# The opening tag of an element whose content is raw text, not markup; its attributes are
# bounded so that a stray "<script" with no ">" cannot make the search scan the page again.
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b[^<>]{0,4096}>")
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
#: The invisible marks (soft hyphen, zero-width and direction marks, BOM) that, like white space,
#: differ between a page and its extraction without changing a line.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2066-\u2069\ufeff]+")


class HtmlLine(NamedTuple):
    """One extracted line and the structural `h:` tokens of the element it came from."""

    text: str
    tokens: tuple[str, ...]


class TextUnit:
    """A run of page text between two block boundaries, with the block element it belongs to."""

    __slots__ = ("key", "link", "owner", "text")

    def __init__(self, owner: etree._Element, text: str, key: str, link: int) -> None:
        """A unit of `owner` with its collapsed text, matching key and characters inside links."""
        self.owner = owner
        self.text = text
        self.key = key
        self.link = link


def _key(text: str) -> str:
    """Matching key: no whitespace, no invisible marks, so layout differences do not matter."""
    # str.split() and re's \s agree on every code point; splitting is four times faster.
    return _INVISIBLE.sub("", "".join(text.split()))


def _collapse(text: str) -> str:
    text = " ".join(text.split())
    # An invisible U+FEFF opening a paragraph would read as a BOM once it starts the output.
    return text.lstrip("\ufeff").strip() if text.startswith("\ufeff") else text


def page_units(root: etree._Element) -> list[TextUnit]:
    """Cut the page into text units in document order, in one walk over the tree."""
    units: list[TextUnit] = []
    # Each open block holds [element, text parts, link characters].
    stack: list[list] = []
    link_depth = 0

    def add(text: str | None) -> None:
        if text and stack:
            top = stack[-1]
            top[1].append(text)
            if link_depth:
                top[2] += len(text.strip())

    def flush(entry: list) -> None:
        if entry[1]:
            text = _collapse("".join(entry[1]))
            key = _key(text)
            if key:
                units.append(TextUnit(entry[0], text, key, entry[2]))
            entry[1] = []
            entry[2] = 0

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower()
        if tag in SKIP_TAGS:
            if event == "start":
                walker.skip_subtree()
            else:
                add(el.tail)
            continue
        block = tag in BLOCK_TAGS
        if event == "start":
            if block:
                if stack:
                    flush(stack[-1])
                stack.append([el, [], 0])
            elif tag == "a":
                link_depth += 1
            elif tag == "br":
                add(" ")
            add(el.text)
        else:
            if block:
                flush(stack.pop())
            elif tag == "a":
                link_depth -= 1
            add(el.tail)
    while stack:
        flush(stack.pop())
    return units


def output_lines(body: etree._Element | None) -> list[str]:
    """trafilatura's extracted tree as lines: one per paragraph, heading, list item or quote."""
    if body is None:
        return []
    lines: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        if parts:
            text = _collapse("".join(parts))
            if _key(text):
                lines.append(text)
            parts.clear()

    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        block = tag in OUTPUT_BLOCK_TAGS
        if event == "start":
            if block:
                flush()
            elif tag in ("lb", "br"):
                # A line break inside a paragraph is layout, not a new paragraph.
                parts.append(" ")
            if el.text:
                parts.append(el.text)
        else:
            if block:
                flush()
            if el.tail:
                parts.append(el.tail)
    flush()
    return lines


def class_words(name: str) -> list[str]:
    """The vocabulary tokens one class name stands for: a whole-name or two-word match first
    (`relatedWords` is a tag list, `mostRead` a most-read box), then the words left over."""
    words = [w.lower() for w in _CLASS_WORD.findall(name)]
    if not words or words[0] in STATE_WORDS:
        return []
    joined = CLASS_VOCABULARY.get("".join(words)) if len(words) > 1 else None
    if joined:
        return [joined]
    hits: list[str] = []
    used: set[int] = set()
    for i in range(len(words) - 1):
        pair = CLASS_VOCABULARY.get(words[i] + words[i + 1])
        if pair and i not in used:
            hits.append(pair)
            used.update((i, i + 1))
    hits.extend(CLASS_VOCABULARY[w] for i, w in enumerate(words) if i not in used and w in CLASS_VOCABULARY)
    return hits


def class_tokens(el: etree._Element) -> list[str]:
    """The `h:cls=` values an element's class and id names stand for, in order, without repeats."""
    value = f"{el.get('class') or ''} {el.get('id') or ''}"
    found: list[str] = []
    for name in value.split():
        for hit in class_words(name):
            if hit not in found:
                found.append(hit)
    return found


def _tag_token(tag: str) -> str:
    tag = _TAG_ALIASES.get(tag, tag)
    return tag if tag in TAG_NAMES or tag == "h4" else "other"


def _chain(el: etree._Element) -> list[etree._Element]:
    """The element and its ancestors, at most MAX_ANCESTORS levels up."""
    out = [el]
    parent = el.getparent()
    while parent is not None and len(out) <= MAX_ANCESTORS:
        out.append(parent)
        parent = parent.getparent()
    return out


class _Tracer:
    """Traces extracted lines back to page units and gives each its structural tokens."""

    def __init__(self, units: list[TextUnit]) -> None:
        """Index the page's units by matching key and by key prefix."""
        self.units = units
        self.by_key: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[int]] = {}
        for i, unit in enumerate(units):
            self.by_key.setdefault(unit.key, []).append(i)
            if len(unit.key) >= MATCH_PREFIX_CHARS:
                self.by_prefix.setdefault(unit.key[:MATCH_PREFIX_CHARS], []).append(i)
        self.container: etree._Element | None = None
        self.wrappers: set[etree._Element] = set()
        self._chains: dict[int, list[etree._Element]] = {}
        self._classes: dict[etree._Element, list[str]] = {}

    def candidates(self, line: str) -> list[int]:
        """Units a line may have come from: same text, else same beginning."""
        key = _key(line)
        found = self.by_key.get(key)
        if found:
            return found
        if len(key) >= MATCH_PREFIX_CHARS:
            found = self.by_prefix.get(key[:MATCH_PREFIX_CHARS])
            if found:
                return found
        for n in range(min(len(key) - 1, MAX_PIECE_CHARS), MIN_PIECE_CHARS - 1, -1):
            found = self.by_key.get(key[:n])
            if found:
                return found
        return []

    def chain(self, index: int) -> list[etree._Element]:
        """The owner element of a unit and its ancestors, cached."""
        chain = self._chains.get(index)
        if chain is None:
            chain = self._chains[index] = _chain(self.units[index].owner)
        return chain

    def trace(self, lines: Sequence[str]) -> list[int | None]:
        """The unit each line came from (None when untraceable), in two passes.

        Unambiguous lines fix the article container first; a line whose text occurs several
        times in the page (a headline repeated in a breadcrumb or caption) is then given the
        occurrence inside the container, else the first after the previous line's.
        """
        options = [self.candidates(line) for line in lines]
        picked: list[int | None] = [opts[0] if len(opts) == 1 else None for opts in options]
        sure = [i for i in picked if i is not None]
        self.container = self._find_container(sure or [opts[0] for opts in options if opts])
        # A form or header around the whole article (ASP.NET wraps every page in <form>) says
        # nothing about one line; only elements inside the article's surroundings do.
        # The set holds the elements themselves: lxml keeps one proxy per node only while it is referenced.
        self.wrappers = set(self.container.iterancestors()) if self.container is not None else set()
        previous = -1
        for k, opts in enumerate(options):
            if picked[k] is None and opts:
                after = bisect_right(opts, previous)
                ordered = opts[after : after + MAX_CANDIDATES] + opts[max(0, after - MAX_CANDIDATES) : after]
                inside = [i for i in ordered if self.in_container(i)]
                picked[k] = (inside or ordered)[0]
            if picked[k] is not None:
                previous = picked[k]  # type: ignore[assignment]
        return picked

    def _find_container(self, indices: Iterable[int]) -> etree._Element | None:
        weight: dict[etree._Element, int] = {}
        lines: dict[etree._Element, int] = {}
        total = 0
        for i in indices:
            size = len(self.units[i].key)
            total += size
            for el in self.chain(i):
                weight[el] = weight.get(el, 0) + size
                lines[el] = lines.get(el, 0) + 1
        if not total:
            return None
        qualified = [el for el, w in weight.items()
                     if w >= CONTAINER_SHARE * total and lines[el] >= CONTAINER_MIN_LINES]
        if not qualified:
            return None
        # Above a half share the qualifying elements nest in one chain: the one with the most
        # ancestors is the deepest, i.e. the tightest box around the article.
        return max(qualified, key=lambda el: sum(1 for _ in el.iterancestors()))

    def in_container(self, index: int) -> bool:
        """True when the unit sits inside the article container (within MAX_ANCESTORS levels)."""
        return self.container is not None and any(el is self.container for el in self.chain(index))

    def class_tokens(self, el: etree._Element) -> list[str]:
        """`class_tokens` of an element, cached; none for <html> and <body>."""
        found = self._classes.get(el)
        if found is None:
            found = self._classes[el] = [] if el.tag in PAGE_TAGS else class_tokens(el)
        return found

    def tokens(self, index: int | None) -> tuple[str, ...]:
        """The structural tokens of a unit (just `h:html` and `h:nomatch` for an untraced line)."""
        if index is None:
            return (HTML_TOKEN, UNMATCHED_TOKEN)
        unit = self.units[index]
        return self.chain_tokens(self.chain(index), unit.link / max(len(unit.key), 1), self.in_container(index))

    def chain_tokens(self, chain: Sequence[etree._Element], density: float, inside_body: bool) -> tuple[str, ...]:
        """Tokens for text whose element and ancestors are `chain`, with that share of link text."""
        out = [HTML_TOKEN, f"h:tag={_tag_token(str(chain[0].tag).lower())}",
               f"h:linkdens={bisect_right(LINK_DENSITY_EDGES, density)}"]
        if inside_body:
            out.append(BODY_TOKEN)
        inside: list[str] = []
        classes: list[str] = []
        for el in chain:
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if (tag in IN_TAGS and f"h:in={tag}" not in inside and len(inside) < MAX_IN_TOKENS
                    and el not in self.wrappers):
                inside.append(f"h:in={tag}")
            if len(classes) < MAX_CLASS_TOKENS:
                for cls in self.class_tokens(el):
                    token = f"h:cls={cls}"
                    if token not in classes and len(classes) < MAX_CLASS_TOKENS:
                        classes.append(token)
        out.extend(inside)
        out.extend(classes)
        return tuple(out[:MAX_TOKENS_PER_LINE])


def _headline(root: etree._Element, tracer: _Tracer) -> int | None:
    """The unit of the page's headline: the first h1 of a few words, preferring one named in <title>."""
    titles = " ".join(
        [_key(t) for t in root.xpath("//head/title/text() | //meta[@property='og:title']/@content")][:4]
    )
    heads: list[int] = []
    for i, unit in enumerate(tracer.units):
        tag = unit.owner.tag
        if tag in ("h1", "h2") and len(unit.text.split()) >= MIN_HEADLINE_WORDS:
            heads.append(i)
            if len(heads) >= MAX_HEADLINE_CANDIDATES:
                break
    if not heads:
        return None
    named = [i for i in heads if tracer.units[i].key in titles]
    h1s = [i for i in heads if tracer.units[i].owner.tag == "h1"]
    titled = [i for i in heads if "title" in tracer.class_tokens(tracer.units[i].owner)]
    for group in (named, h1s, titled):
        if group:
            return group[0]
    return None


def _header_zone(tracer: _Tracer, head: int, picked: Sequence[int | None]) -> list[int]:
    """Units between the headline and the first extracted line, when they are the article's header."""
    after = [i for i in picked if i is not None and i > head]
    if not after:
        return []
    first = min(after)
    if first - head - 1 > HEADER_ZONE_MAX_UNITS:
        return []
    above = set(tracer.chain(head))
    common = next((el for el in tracer.chain(first) if el in above), None)
    if common is None or common.tag in PAGE_TAGS:
        # Headline and text only meet at <body>: whatever lies between is page chrome.
        return []
    head_key = tracer.units[head].key
    return [i for i in range(head + 1, first)
            if tracer.units[i].key != head_key and any(el is common for el in tracer.chain(i))]


def _row_pieces(tracer: _Tracer, index: int) -> list[HtmlLine]:
    """A header unit as lines: one per child when it is a row of labelled items, else itself.

    Under a headline, `<div class="meta"><span class="author">..</span><time>..</time></div>`
    is a byline and a date on one visual line; each item is its own line, so that the byline
    can stay while the date goes.
    """
    unit = tracer.units[index]
    owner = unit.owner
    children = [child for child in owner if isinstance(child.tag, str)]
    loose = (owner.text or "").strip() or any((child.tail or "").strip() for child in children)
    texts = [_collapse(child.text_content()) for child in children]
    # Rows of links are share buttons or tag lists: one line is enough for the model to drop.
    if loose or sum(1 for t in texts if t) < 2 or any(child.tag in BLOCK_TAGS or child.tag == "a"
                                                      for child in children):
        return [HtmlLine(unit.text, tracer.tokens(index))]
    chain = tracer.chain(index)
    inside = tracer.in_container(index)
    pieces: list[HtmlLine] = []
    for child, text in zip(children, texts):
        key = _key(text)
        if not key:
            continue
        link = len(_key(child.text_content())) if child.tag == "a" else sum(
            len(_key(a.text_content())) for a in child.iter("a"))
        pieces.append(HtmlLine(text, tracer.chain_tokens([child, *chain], link / len(key), inside)))
    return pieces


def drop_script_bodies(text: str) -> str:
    """The page with the contents of its <script> and <style> elements removed, in one pass.

    Nobody reads them (trafilatura drops them, the walk skips them), and libxml2 gives up on a
    text node over 10 MB: a page with a large inline bundle would otherwise lose its body.
    """
    if "<" not in text:
        return text
    lower = text.lower()
    parts: list[str] = []
    pos = 0
    while True:
        found = _RAW_TEXT_OPEN.search(lower, pos)
        if found is None:
            break
        close = lower.find(f"</{found.group(1)}", found.end())
        if close < 0:
            # Unclosed (a cut page): leave the rest to the parser, as a browser would.
            break
        parts.append(text[pos : found.end()])
        pos = close
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def _decode(html: str | bytes) -> str:
    if isinstance(html, str):
        return html
    data = handle_compressed_file(bytes(html), MAX_INPUT_SIZE)
    if not isinstance(data, bytes):  # trafilatura may already have decoded it
        return str(data)
    text, encoding = decode_html(data)
    logger.debug("decoded %d bytes as %s", len(data), encoding)
    return text


def _extract(html: str | bytes, url: str | None) -> tuple[list[HtmlLine], str]:
    """The page's lines with their tokens, or no lines and the reason why."""
    if not isinstance(html, (str, bytes, bytearray)):
        raise TypeError(f"an HTML page must be str or bytes, not {type(html).__name__}")
    if not html or (isinstance(html, str) and not html.strip()):
        return [], "empty input"
    if len(html) > MAX_INPUT_SIZE:
        return [], f"input of {len(html)} exceeds {MAX_INPUT_SIZE}"
    text = drop_script_bodies(_decode(html))
    if not text.strip():
        return [], "no text after decoding"
    try:
        root = load_html(text)
    except Exception as exc:  # lxml rejects some garbage with assorted errors
        return [], f"not parseable as HTML ({exc.__class__.__name__}: {exc})"
    if root is None:
        return [], "not parseable as HTML"
    try:
        document = trafilatura.bare_extraction(root, url=url, **TRAFILATURA_OPTIONS)
    except Exception as exc:
        # Broken pages (deep nesting, odd markup) can trip trafilatura's own walkers in ways it
        # does not catch; that page has no usable article, which is a result, not a crash.
        return [], f"trafilatura failed ({exc.__class__.__name__}: {exc})"
    lines = output_lines(getattr(document, "body", None)) if document is not None else []
    if not lines:
        return [], "no article found by trafilatura"
    tracer = _Tracer(page_units(root))
    picked = tracer.trace(lines)
    out = [HtmlLine(line, tracer.tokens(i)) for line, i in zip(lines, picked)]
    head = _headline(root, tracer)
    if head is None:
        return out, ""
    # trafilatura often keeps the headline only as metadata, and drops the byline and standfirst
    # under it, but LABELS.md counts them as the article's first lines.
    keys = {_key(line) for line in lines}
    header: list[HtmlLine] = []
    at = 0
    if tracer.units[head].key in keys:
        at = picked.index(head) + 1 if head in picked else 0
    else:
        header.append(HtmlLine(tracer.units[head].text, tracer.tokens(head)))
    for i in _header_zone(tracer, head, picked):
        if tracer.units[i].key not in keys:
            header.extend(_row_pieces(tracer, i))
    out[at:at] = header
    return out, ""


def html_lines(html: str | bytes, url: str | None = None) -> list[HtmlLine]:
    """The main-content lines of a page, each with its structural `h:` tokens; [] when there is none."""
    lines, reason = _extract(html, url)
    if not lines:
        logger.info("no lines from HTML%s: %s", f" ({url})" if url else "", reason)
    return lines


def strip_html(html: str | bytes, *, url: str | None = None, keep: Iterable[str] = (),
               threshold: float | None = None, model: Stripper | None = None) -> str:
    """The article body of an HTML page, one paragraph per line; "" (reason logged) when there is none.

    `keep` and `threshold` work as in `strip`; `model` is a Stripper to use instead of the default.
    """
    keep_set = check_keep(keep)
    lines = html_lines(html, url)
    if not lines:
        return ""
    stripper = model if model is not None else default_stripper()
    limit = stripper.resolve_threshold(threshold)  # the same default and validation as Stripper.strip
    (proba,) = stripper.document_probabilities([[line.text for line in lines]],
                                               extras=[[line.tokens for line in lines]])
    labels, _ = decide(proba, limit, keep_set)
    kept = [line.text for line, label in zip(lines, labels) if label == "body" or label in keep_set]
    if not kept:
        logger.info("no lines from HTML%s: every line was classified as junk", f" ({url})" if url else "")
        return ""
    return "\n".join(kept) + "\n"
