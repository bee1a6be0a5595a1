"""HTML structure for training: plausible `h:` tokens for composed lines, and labelled HTML pages.

The line model learns from composed plain-text pages, but strip_html gives each line extra
structural tokens (stripper/html.py). So that one model serves both, part of the training pages
get tokens too, drawn here for each line from its label and its place on the page. The draw
follows distributions counted on what html_lines really emits for the project's HTML pages
(data/html and ../shared/html), smoothed with a hand-written prior for what those few pages
cannot show (trafilatura rarely lets a tag line through, so there are almost no `tags` lines
to count). Noise is part of the draw on purpose: real templates put related headlines in plain
`<p>`, body text in bare `<div>`, ads in boxes with no telling class, or hash every class name.

Training with them (plain text and HTML then share one model: a line without `h:html` is read
as plain text):

    model = fit(Prepared(docs, extras=structure_extras(docs, seed)))   # training.dataset

The distributions are counted on the same pages training.evaluate_html scores, so that table is
not fully held out for the structural tokens (it is for the text).
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stripper.html import (
    BODY_TOKEN,
    CLASS_VOCABULARY,
    HTML_TOKEN,
    IN_TAGS,
    LINK_DENSITY_EDGES,
    MAX_CLASS_TOKENS,
    MAX_IN_TOKENS,
    MAX_TOKENS_PER_LINE,
    UNMATCHED_TOKEN,
    html_lines,
)
from stripper.labels import LABELS
from stripper.normalize import normalize

from .documents import DATA, SHARED, LabelledDoc

#: The project's HTML pages (page.html beside page.body.txt, its gold body lines).
HTML_DIR = DATA / "html"
#: The real page shared with the project, with its gold body.
SHARED_HTML_DIR = SHARED / "html"
#: Site names of the HTML pages where they differ from the page's file name, so that a page
#: and the inventory style of the same site fall in the same leave-sites-out fold.
SITE_NAMES = {"cnn-arabic": "cnnarabic", "alrai": "alrai_jo"}

#: Suggested share of composed training pages that get structural tokens.
HTML_SHARE = 0.5
#: Positions a composed line can have (training/compose.py), plus `title` for the headline.
WHERES = ("header", "title", "top", "body", "inline", "footer", "after_marker", "lookalike")
#: A line of at most this many words draws from the short-line distributions (headings,
#: markers, buttons) rather than the paragraph ones.
SHORT_LINE_WORDS = 6
#: A related line of at most this many words opens a read-also block (decode.MARKER_MAX_WORDS).
MARKER_MAX_WORDS = 5
#: Weight, in lines, of the hand-written prior against the counts from the pages.
PRIOR_WEIGHT = 12.0
#: Chance that one component (tag, link density, container, each enclosing tag, classes) is
#: drawn from the distribution of all lines instead of the line's own label: templates differ.
SWAP_NOISE = 0.12
#: Chance that a line has no class tokens at all (hashed CSS-in-JS names, bare old markup).
NO_CLASS_NOISE = 0.15
#: Chance that a line could not be traced to its element and gets only `h:nomatch`.
UNMATCHED_NOISE = 0.01

#: Token groups: the labels, plus two kinds of body line laid out like no paragraph: the headline
#: and the byline (in an author or meta box next to the date, which is chrome).
GROUPS = ("title", "byline", *LABELS)
#: Groups whose list items are links (headline lists, menus, share buttons), and the link
#: density such an item gets; a body list item draws from its group's own distribution.
LINK_LIST_GROUPS = frozenset({"related", "chrome", "tags", "promo"})
LIST_LINK_DENSITY = {"4": 0.85, "3": 0.08, "0": 0.07}
#: Enclosing element each tag implies (html_lines counts the line's own element).
IMPLIED_IN = {"li": "li", "figcaption": "figure"}
#: A byline has at most this many words.
BYLINE_MAX_WORDS = 8

_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "span", "figcaption", "blockquote", "td", "dd", "other")
_CLASSES = tuple(dict.fromkeys(CLASS_VOCABULARY.values()))
_IN = tuple(sorted(IN_TAGS))

#: What real templates do, as probabilities per label: tag and link-density distributions, the
#: chance of sitting inside the article container, and independent chances of each enclosing
#: tag (beyond the one the line's own tag implies, see IMPLIED_IN) and class token. Counted
#: evidence from the pages refines it; a label the pages barely show falls back on it.
PRIOR: dict[str, dict[str, dict[str, float]]] = {
    # The headline: a body line, but laid out like no other.
    "title": {
        "tag": {"h1": 0.85, "h2": 0.08, "div": 0.04, "span": 0.03},
        "linkdens": {"0": 0.95, "4": 0.05},
        "body": {"yes": 0.2},
        "in": {"header": 0.15, "form": 0.03},
        "cls": {"title": 0.65, "content": 0.5, "nav": 0.05, "meta": 0.05},
    },
    "byline": {
        "tag": {"div": 0.4, "p": 0.3, "span": 0.25, "other": 0.05},
        "linkdens": {"0": 0.7, "4": 0.3},
        "body": {"yes": 0.35},
        "in": {"header": 0.1, "a": 0.1},
        "cls": {"author": 0.55, "meta": 0.25, "content": 0.45},
    },
    "body": {
        "tag": {"p": 0.8, "div": 0.08, "li": 0.04, "h2": 0.03, "h3": 0.03, "blockquote": 0.01, "span": 0.01},
        "linkdens": {"0": 0.86, "1": 0.11, "2": 0.02, "3": 0.005, "4": 0.005},
        "body": {"yes": 0.85},
        "in": {"li": 0.01, "figure": 0.01, "header": 0.03, "form": 0.02},
        "cls": {"content": 0.8, "title": 0.05, "lead": 0.05, "share": 0.02, "meta": 0.03, "widget": 0.02},
    },
    "related": {
        "tag": {"p": 0.35, "li": 0.3, "div": 0.12, "h2": 0.05, "h3": 0.08, "span": 0.05, "other": 0.05},
        "linkdens": {"0": 0.2, "1": 0.03, "2": 0.07, "3": 0.15, "4": 0.55},
        "body": {"yes": 0.55},
        "in": {"li": 0.12, "aside": 0.12, "a": 0.1, "figure": 0.03},
        "cls": {"related": 0.45, "read": 0.08, "mostread": 0.12, "content": 0.45, "widget": 0.08, "title": 0.1},
    },
    "promo": {
        "tag": {"p": 0.4, "div": 0.35, "span": 0.08, "li": 0.07, "h3": 0.05, "other": 0.05},
        "linkdens": {"0": 0.45, "1": 0.05, "2": 0.05, "3": 0.05, "4": 0.4},
        "body": {"yes": 0.45},
        "in": {"aside": 0.08, "a": 0.1, "form": 0.08, "footer": 0.05},
        "cls": {"promo": 0.45, "newsletter": 0.12, "banner": 0.1, "content": 0.35, "share": 0.1},
    },
    "tags": {
        "tag": {"div": 0.45, "p": 0.2, "li": 0.15, "h3": 0.08, "span": 0.07, "other": 0.05},
        "linkdens": {"0": 0.25, "1": 0.05, "2": 0.05, "3": 0.15, "4": 0.5},
        "body": {"yes": 0.3},
        "in": {"li": 0.08, "a": 0.15},
        "cls": {"tags": 0.6, "content": 0.3, "meta": 0.1, "related": 0.08},
    },
    "source": {
        "tag": {"p": 0.55, "div": 0.3, "span": 0.1, "other": 0.05},
        "linkdens": {"0": 0.7, "1": 0.05, "2": 0.05, "3": 0.05, "4": 0.15},
        "body": {"yes": 0.6},
        "in": {"figure": 0.05, "footer": 0.03},
        "cls": {"source": 0.3, "content": 0.5, "meta": 0.15, "caption": 0.08},
    },
    "ad": {
        "tag": {"div": 0.75, "span": 0.12, "p": 0.08, "other": 0.05},
        "linkdens": {"0": 0.85, "4": 0.15},
        "body": {"yes": 0.35},
        "in": {"aside": 0.1},
        "cls": {"ad": 0.7, "widget": 0.08, "content": 0.2, "banner": 0.05},
    },
    "chrome": {
        "tag": {"div": 0.45, "li": 0.12, "p": 0.15, "span": 0.12, "figcaption": 0.06, "h2": 0.03, "other": 0.07},
        "linkdens": {"0": 0.5, "1": 0.05, "2": 0.05, "3": 0.05, "4": 0.35},
        "body": {"yes": 0.15},
        "in": {"li": 0.08, "header": 0.1, "footer": 0.12, "nav": 0.1, "form": 0.05, "figure": 0.05, "a": 0.15},
        "cls": {"share": 0.2, "meta": 0.25, "nav": 0.2, "caption": 0.12, "comment": 0.08, "breadcrumb": 0.04,
                "ticker": 0.05, "widget": 0.05, "content": 0.3, "author": 0.05},
    },
}

# Label cues for the lines of an HTML page that are not gold body, in normalised spelling
# (stripper.normalize), tried in this order.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("related", re.compile(r"^(اقرا|اقراي|اقرئي|شاهد|طالع)\b.{0,4}(ايضا|المزيد|كذلك)|ذات صله|متعلقه|مشابهه|"
                           r"الاكثر (قراءه|مشاهده|تعليقا)|قد يعجبك|المزيد (حول|من)|اخترنا لك|مقترحه")),
    ("tags", re.compile(r"^(الوسوم|وسوم|كلمات (دلاليه|مفتاحيه|داله)|الكلمات (المفتاحيه|الدلاليه|الداله|المتعلقه)|"
                        r"المزيد عن:|tags\b)|^#\w")),
    ("source", re.compile(r"^(المصدر|مصدر|source\b|رابط (الخبر|دائم)|لمراسله الكاتب|نقلا عن)|^\W*\w+ ?24 ?/ ?ا ف ب")),
    ("ad", re.compile(r"^(اعلان|الاعلان|مساحه اعلانيه|advertisement|advertising|اشهار|sponsored)\W*$")),
    # A bare network name is a share button (chrome); following the outlet there is promo.
    ("promo", re.compile(r"تطبيق|تابعو?نا|تابعوا|تابع (احدث|اخر)|اشترك|النشره البريديه|(على|عبر) (تيليجرام|تلغرام)|"
                         r"قناتنا|google news|جوجل نيوز|ادعم|تبرع|podcast|البودكاست")),
)


# Bylines and datelines in normalised spelling: a writing verb, or "place - agency/name".
_BYLINE = re.compile(r"^(كتب|كتبت|بقلم|اعداد|تحرير|حوار|متابعه|ترجمه|تقرير)\b|"
                     r"^[^\d:,.()-]{2,30}[-:]\s*[^\d:]{2,40}$|^[^\d()]{4,40}\([^\d()]{2,20}\)$")


def guess_label(text: str) -> str:
    """The junk label a non-body line of an HTML page most likely has, by simple text cues."""
    norm = normalize(text)
    for label, cue in _CUES:
        if cue.search(norm):
            return label
    return "chrome"


def _collapse(text: str) -> str:
    return " ".join(text.split())


def html_pages(html_dir: Path = HTML_DIR, shared_dir: Path = SHARED_HTML_DIR) -> list[tuple[str, Path, Path]]:
    """(site, page, gold body) for every project HTML page and the shared real one."""
    pages: list[tuple[str, Path, Path]] = []
    for folder in (html_dir, shared_dir):
        if not folder.is_dir():
            continue
        for page in sorted(folder.glob("*.html")):
            gold = page.with_name(page.stem + ".body.txt")
            if gold.exists():
                pages.append((SITE_NAMES.get(page.stem, page.stem), page, gold))
    return pages


def gold_lines(path: Path) -> list[str]:
    """The gold body lines of a page, whitespace-collapsed, blank lines dropped."""
    return [_collapse(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def label_lines(texts: Sequence[str], tokens: Sequence[Sequence[str]], gold: set[str]) -> list[str]:
    """Labels for the lines of an HTML page: gold body lines are body, the rest guessed by cues.

    Two rules beyond the cues: the line right after a bare read-also marker is the headline it
    points to (related), and the page's h1 before the first gold line is the headline, body by
    LABELS.md even where a gold file of other origin leaves it out.
    """
    labels: list[str] = []
    for i, text in enumerate(texts):
        if _collapse(text) in gold or (i == 0 and "h:tag=h1" in tokens[0]):
            label = "body"
        else:
            label = guess_label(text)
            previous = texts[i - 1] if i else ""
            if label == "chrome" and labels and labels[-1] == "related" and len(previous.split()) <= MARKER_MAX_WORDS:
                label = "related"
        labels.append(label)
    return labels


def html_training_docs() -> list[tuple[LabelledDoc, list[tuple[str, ...]]]]:
    """Each HTML page as html_lines emits it, labelled from its gold body, with each line's tokens."""
    out: list[tuple[LabelledDoc, list[tuple[str, ...]]]] = []
    for site, page, gold_path in html_pages():
        gold = set(gold_lines(gold_path))
        lines = html_lines(page.read_bytes())
        texts = [line.text for line in lines]
        labels = label_lines(texts, [line.tokens for line in lines], gold)
        labelled: list[tuple[str, str | None]] = list(zip(texts, labels))
        doc = LabelledDoc(id=f"html-{page.stem}", site=site, lines=labelled, source=str(page.name),
                          meta={"html": True})
        out.append((doc, [line.tokens for line in lines]))
    return out


def positions(labels: Sequence[str]) -> list[str]:
    """Where each line of a labelled page stands, in the terms of training/compose.py."""
    body = [i for i, label in enumerate(labels) if label == "body"]
    if not body:
        return ["footer"] * len(labels)
    first, last = body[0], body[-1]
    second = body[1] if len(body) > 1 else first
    out: list[str] = []
    marker_seen = False
    for i, label in enumerate(labels):
        if label == "body":
            out.append("title" if i == first else "body")
        elif i < first:
            out.append("header")
        elif i < second:
            out.append("top")
        elif i < last:
            out.append("inline")
        else:
            out.append("after_marker" if marker_seen else "footer")
        if label == "related" and i > last:
            marker_seen = True
    return out


def is_byline(text: str) -> bool:
    """True for a short body line that reads as a byline or dateline (`كتب: ...`, `لندن - ...`)."""
    norm = normalize(text)
    return len(norm.split()) <= BYLINE_MAX_WORDS and bool(_BYLINE.search(norm))


def group_of(label: str, where: str, text: str = "") -> str:
    """The token group a line draws from: its label, or `title` / `byline` for those body lines."""
    if label != "body":
        return label
    if where == "title":
        return "title"
    return "byline" if text and is_byline(text) else "body"


@dataclass
class TokenStats:
    """Probabilities for drawing tokens.

    Tag and link density per (group, short line); the article-container token per (group,
    where); enclosing tags and classes per group, as independent chances; and the pooled
    distributions over all groups that the noise draws from.
    """

    tag: dict[tuple[str, bool], dict[str, float]]
    linkdens: dict[tuple[str, bool], dict[str, float]]
    body: dict[tuple[str, str], float]
    inside: dict[str, dict[str, float]]
    classes: dict[str, dict[str, float]]
    pooled_tag: dict[str, float]
    pooled_linkdens: dict[str, float]
    pooled_inside: dict[str, float]
    pooled_classes: dict[str, float]


def _parse(tokens: Iterable[str]) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = defaultdict(list)
    for token in tokens:
        if token == BODY_TOKEN:
            parts["body"].append("yes")
        elif "=" in token:
            name, value = token[2:].split("=", 1)
            parts[name].append(value)
    return parts


def _blend(counts: Counter[str], n: int, prior: dict[str, float], values: Iterable[str]) -> dict[str, float]:
    """Counts smoothed toward the prior: (count + w * prior) / (n + w), renormalised over values."""
    raw = {v: (counts.get(v, 0) + PRIOR_WEIGHT * prior.get(v, 0.0)) / (n + PRIOR_WEIGHT) for v in values}
    total = sum(raw.values())
    return {v: p / total for v, p in raw.items() if p > 0} if total else dict(prior)


def _rates(counts: Counter[str], n: int, prior: dict[str, float], values: Iterable[str]) -> dict[str, float]:
    """Independent per-value chances, smoothed toward the prior, not renormalised."""
    return {v: (counts.get(v, 0) + PRIOR_WEIGHT * prior.get(v, 0.0)) / (n + PRIOR_WEIGHT) for v in values}


def _mean(tables: Iterable[dict[str, float]]) -> dict[str, float]:
    acc: Counter[str] = Counter()
    for table in tables:
        for value, p in table.items():
            acc[value] += p
    norm = sum(acc.values())
    return {v: p / norm for v, p in acc.items()} if norm else {}


def estimate(docs: Sequence[tuple[LabelledDoc, Sequence[Sequence[str]]]]) -> TokenStats:
    """Token distributions counted on labelled HTML pages, smoothed with PRIOR."""
    tag_c: dict[tuple[str, bool], Counter[str]] = defaultdict(Counter)
    dens_c: dict[tuple[str, bool], Counter[str]] = defaultdict(Counter)
    n_short: Counter[tuple[str, bool]] = Counter()
    body_c: Counter[tuple[str, str]] = Counter()
    n_where: Counter[tuple[str, str]] = Counter()
    in_c: dict[str, Counter[str]] = defaultdict(Counter)
    cls_c: dict[str, Counter[str]] = defaultdict(Counter)
    n_group: Counter[str] = Counter()
    for doc, token_lists in docs:
        labels = [label or "" for _, label in doc.lines]
        for (text, label), where, tokens in zip(doc.lines, positions(labels), token_lists):
            if label is None or UNMATCHED_TOKEN in tokens:
                continue
            group = group_of(label, where, text)
            parts = _parse(tokens)
            short = len(text.split()) <= SHORT_LINE_WORDS
            n_short[group, short] += 1
            tag_c[group, short].update(parts.get("tag", []))
            dens_c[group, short].update(parts.get("linkdens", []))
            n_where[group, where] += 1
            body_c[group, where] += bool(parts.get("body"))
            n_group[group] += 1
            # Only what the tag does not already say: an `li` line is always `in=li`.
            implied = {IMPLIED_IN.get(t) for t in parts.get("tag", [])}
            in_c[group].update(set(parts.get("in", [])) - implied)
            cls_c[group].update(set(parts.get("cls", [])))
    dens_values = [str(i) for i in range(len(LINK_DENSITY_EDGES) + 1)]
    stats = TokenStats({}, {}, {}, {}, {}, {}, {}, {}, {})
    for group in GROUPS:
        prior = PRIOR[group]
        for short in (False, True):
            n = n_short[group, short]
            stats.tag[group, short] = _blend(tag_c[group, short], n, prior["tag"], _TAGS)
            stats.linkdens[group, short] = _blend(dens_c[group, short], n, prior["linkdens"], dens_values)
        for where in WHERES:
            n = n_where[group, where]
            stats.body[group, where] = (body_c[group, where] + PRIOR_WEIGHT * prior["body"]["yes"]) / (n + PRIOR_WEIGHT)
        stats.inside[group] = _rates(in_c[group], n_group[group], prior["in"], _IN)
        stats.classes[group] = _rates(cls_c[group], n_group[group], prior["cls"], _CLASSES)
    stats.pooled_tag = _mean(stats.tag.values())
    stats.pooled_linkdens = _mean(stats.linkdens.values())
    stats.pooled_inside = {v: sum(t[v] for t in stats.inside.values()) / len(GROUPS) for v in _IN}
    stats.pooled_classes = {v: sum(t[v] for t in stats.classes.values()) / len(GROUPS) for v in _CLASSES}
    return stats


@lru_cache(maxsize=1)
def default_stats() -> TokenStats:
    """TokenStats estimated once per process from the project's HTML pages."""
    return estimate(html_training_docs())


def _pick(dist: dict[str, float], rng: random.Random) -> str:
    values = list(dist)
    return rng.choices(values, weights=[dist[v] for v in values])[0]


def synthetic_tokens(label: str, text: str, where: str, rng: random.Random,
                     stats: TokenStats | None = None) -> tuple[str, ...]:
    """Plausible `h:` tokens for a composed line with this label and position, drawn with noise."""
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}; labels are {', '.join(LABELS)}")
    if where not in WHERES:
        raise ValueError(f"unknown where {where!r}; one of {', '.join(WHERES)}")
    if rng.random() < UNMATCHED_NOISE:
        return (HTML_TOKEN, UNMATCHED_TOKEN)
    st = stats or default_stats()
    short = len(text.split()) <= SHORT_LINE_WORDS
    # A look-alike is a body paragraph that reads like junk: its markup is a paragraph's.
    place = "body" if where == "lookalike" else where
    group = group_of(label, place, text)

    def noisy(own: dict[str, float], pooled: dict[str, float]) -> str:
        return _pick(pooled if rng.random() < SWAP_NOISE else own, rng)

    tag = noisy(st.tag[group, short], st.pooled_tag)
    if tag == "li" and group in LINK_LIST_GROUPS:
        # Related and chrome list items are links; a body list item is text: the pair tells them apart.
        density = _pick(LIST_LINK_DENSITY, rng)
    else:
        density = noisy(st.linkdens[group, short], st.pooled_linkdens)
    tokens = [HTML_TOKEN, f"h:tag={tag}", f"h:linkdens={density}"]
    inside_body = st.body[group, place]
    if rng.random() < SWAP_NOISE:
        inside_body = 1.0 - inside_body
    if rng.random() < inside_body:
        tokens.append(BODY_TOKEN)
    enclosing_table = st.pooled_inside if rng.random() < SWAP_NOISE else st.inside[group]
    implied = IMPLIED_IN.get(tag)
    enclosing = [v for v in _IN if v != implied and rng.random() < enclosing_table.get(v, 0.0)]
    rng.shuffle(enclosing)
    if implied:
        # The line's own element is reported first, as html_lines does (nearest first).
        enclosing.insert(0, implied)
    tokens.extend(f"h:in={v}" for v in enclosing[:MAX_IN_TOKENS])
    if rng.random() >= NO_CLASS_NOISE:
        class_table = st.pooled_classes if rng.random() < SWAP_NOISE else st.classes[group]
        found = [v for v in _CLASSES if rng.random() < class_table.get(v, 0.0)]
        rng.shuffle(found)
        tokens.extend(f"h:cls={v}" for v in found[:MAX_CLASS_TOKENS])
    return tuple(tokens[:MAX_TOKENS_PER_LINE])


def doc_tokens(doc: LabelledDoc, rng: random.Random, stats: TokenStats | None = None) -> list[tuple[str, ...]]:
    """Synthetic tokens for every non-blank line of a composed page, in the order Prepared reads them.

    The position of each line comes from `positions` over the page's labels, so this works on
    any labelled page; `Prepared(docs, extras={doc.id: doc_tokens(doc, rng)})` trains with them.
    """
    lines = [(text, label or "body") for text, label in doc.lines if text.strip()]
    wheres = positions([label for _, label in lines])
    return [synthetic_tokens(label, text, where, rng, stats) for (text, label), where in zip(lines, wheres)]


__all__ = ["GROUPS", "HTML_SHARE", "PRIOR", "WHERES", "TokenStats", "default_stats", "doc_tokens", "estimate",
           "gold_lines", "group_of", "guess_label", "html_pages", "html_training_docs", "is_byline", "label_lines",
           "positions",
           "synthetic_tokens"]
