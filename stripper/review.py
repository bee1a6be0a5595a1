"""A static, self-contained HTML page to review a model's line labels in a browser.

One table per document, one row per line: number, label (coloured), score, text. The page reads
right to left, needs no script, font or stylesheet from anywhere, and shows every text escaped,
so a page that contains markup in its lines is displayed, never run. Labels are corrected in the
JSON Lines file; the page only makes them quick to read.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import NamedTuple

from .labels import LABELS

#: Background of each label's cell and the legend; body stays plain so junk stands out.
LABEL_COLOURS: dict[str, str] = {
    "body": "#ffffff",
    "promo": "#ffd8a8",
    "related": "#a5d8ff",
    "tags": "#d0bfff",
    "source": "#96f2d7",
    "ad": "#ffa8a8",
    "chrome": "#dee2e6",
}
#: Lines whose score (the model's confidence in the label it gave) is below this are marked unsure.
UNSURE_SCORE = 0.7
#: Decimals shown for a score.
SCORE_DECIMALS = 3

_STYLE = """
body { font-family: "Noto Naskh Arabic", "Amiri", "Segoe UI", Tahoma, sans-serif; margin: 1.5rem; color: #212529; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.meta { color: #6c757d; font-size: 0.85rem; font-weight: normal; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #e9ecef; padding: 0.25rem 0.5rem; vertical-align: top; text-align: start; }
td.n, td.score { font-family: monospace; color: #495057; white-space: nowrap; width: 1%; }
td.label { font-family: monospace; white-space: nowrap; width: 1%; }
td.text { white-space: pre-wrap; line-height: 1.7; }
tr.blank td { padding: 0; height: 0.35rem; background: #f8f9fa; border: none; }
tr.unsure td.score { outline: 2px dashed #e8590c; outline-offset: -2px; font-weight: bold; }
.legend span { display: inline-block; padding: 0.1rem 0.6rem; margin: 0 0 0.3rem 0.3rem; border: 1px solid #ced4da;
  font-family: monospace; }
nav ol { columns: 2; font-size: 0.9rem; }
"""


class ReviewLine(NamedTuple):
    """One line as shown: its text, the label given (None when blank) and that label's score."""

    text: str
    label: str | None
    score: float | None


class ReviewDoc(NamedTuple):
    """One document as shown; `record` is its line number in the JSON Lines file (0 if none)."""

    id: str
    site: str
    lines: list[ReviewLine]
    record: int = 0


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _least_sure(doc: ReviewDoc) -> float | None:
    scores = [line.score for line in doc.lines if line.score is not None]
    return min(scores) if scores else None


def _score(score: float | None) -> str:
    return "" if score is None else f"{score:.{SCORE_DECIMALS}f}"


def _label_classes() -> str:
    # One class per label, so the colour lives once in the stylesheet and not in every row.
    return "\n".join(f"td.l-{label}, .legend .l-{label} {{ background: {colour}; }}"
                     for label, colour in LABEL_COLOURS.items())


def _row(number: int, line: ReviewLine) -> str:
    if not line.text.strip():
        return f'<tr class="blank"><td class="n"></td><td colspan="3" title="{number}: blank line"></td></tr>'
    label = line.label or ""
    classes = " unsure" if line.score is not None and line.score < UNSURE_SCORE else ""
    return (f'<tr class="line{classes}"><td class="n">{number}</td>'
            f'<td class="label l-{_e(label)}">{_e(label)}</td>'
            f'<td class="score">{_score(line.score)}</td>'
            f'<td class="text" dir="auto">{_e(line.text)}</td></tr>')


def _document(index: int, doc: ReviewDoc) -> str:
    meta = [f"site {_e(doc.site)}"]
    if doc.record:
        meta.append(f"JSONL line {doc.record}")
    least = _least_sure(doc)
    if least is not None:
        meta.append(f"least sure line {_score(least)}")
    rows = "\n".join(_row(n, line) for n, line in enumerate(doc.lines, 1))
    return (f'<section id="doc-{index}"><h2 dir="auto">{index}. {_e(doc.id)} '
            f'<span class="meta">({" · ".join(meta)})</span></h2>\n'
            f'<table><thead><tr><th>#</th><th>label</th><th>score</th><th>text</th></tr></thead>\n'
            f'<tbody>\n{rows}\n</tbody></table></section>')


def render_page(docs: Sequence[ReviewDoc], *, title: str = "Line labels for review", note: str = "") -> str:
    """The whole review page for `docs`, in the order given, as one HTML string."""
    legend = "".join(f'<span class="l-{label}">{label}</span>' for label in LABELS)
    toc = "\n".join(
        f'<li><a href="#doc-{i}" dir="auto">{_e(doc.id)}</a> <span class="meta">{_score(_least_sure(doc))}</span></li>'
        for i, doc in enumerate(docs, 1)
    )
    body = "\n".join(_document(i, doc) for i, doc in enumerate(docs, 1))
    explain = (f"Scores are the model's confidence in the label it gave; rows scored below {UNSURE_SCORE} "
               "have their score outlined. Correct labels in the JSON Lines file, not here.")
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_STYLE}{_label_classes()}
</style>
</head>
<body>
<h1 dir="auto">{_e(title)}</h1>
<p class="meta" dir="ltr">{_e(note + " " if note else "")}{_e(explain)}</p>
<p class="legend" dir="ltr">{legend}</p>
<nav><ol>
{toc}
</ol></nav>
{body}
</body>
</html>
"""
