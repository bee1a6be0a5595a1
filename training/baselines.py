"""Baselines measured beside the stripper on the same lines: a regex blacklist, jusText, trafilatura.

Each takes a document's non-blank lines and returns which it keeps. jusText and trafilatura
judge HTML, so each line is given to them as one `<p>` paragraph, which is how the text would
look to them had it come from a page.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence

from stripper.normalize import normalize

#: Lines matching any of these are junk to the blacklist baseline (normalised spelling).
BLACKLIST = tuple(re.compile(p) for p in (
    r"^اقرا (ايضا|المزيد)", r"^(المصدر|مصدر) ?:", r"^كلمات دلاليه", r"^(الوسوم|وسوم|tags)\b",
    r"^(مقالات|اخبار|مواضيع) (ذات صله|مشابهه|متعلقه)", r"^(تابعونا|تابعوا|تابع) .*(على|عبر)",
    r"(حمل|تحميل|لتحميل) (تطبيق|التطبيق)", r"^(اعلان|advertisement|\[ad_\d\])$", r"جميع الحقوق محفوظه",
    r"^source link$", r"^(شارك|مشاركه|طباعه)\b", r"^الرئيسيه\b", r"^(اشترك|للاشتراك)\b", r"^الاكثر (قراءه|مشاهده)",
    r"^قد يعجبك", r"^(رابط الخبر|لمراسله الكاتب)",
))

Keeper = Callable[[Sequence[str]], list[bool]]
logger = logging.getLogger(__name__)


def regex_keep(lines: Sequence[str]) -> list[bool]:
    """Keep every line that no blacklist pattern matches."""
    return [not any(p.search(normalize(line)) for p in BLACKLIST) for line in lines]


def _as_html(lines: Sequence[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in lines)
    return f'<html><head><meta charset="utf-8"></head><body><article>{paragraphs}</article></body></html>'


def justext_keep(lines: Sequence[str]) -> list[bool]:
    """Keep the lines jusText (Arabic stoplist) does not call boilerplate."""
    import justext

    paragraphs = justext.justext(_as_html(lines).encode("utf-8"), justext.get_stoplist("Arabic"), encoding="utf-8")
    kept = {" ".join(p.text.split()) for p in paragraphs if not p.is_boilerplate}
    return [" ".join(line.split()) in kept for line in lines]


def trafilatura_keep(lines: Sequence[str]) -> list[bool]:
    """Keep the lines trafilatura's main-text extraction returns."""
    import trafilatura

    out = trafilatura.extract(_as_html(lines), include_comments=False, include_tables=False,
                              deduplicate=False, favor_recall=True) or ""
    kept = {" ".join(x.split()) for x in out.split("\n")}
    return [" ".join(line.split()) in kept for line in lines]


BASELINES: dict[str, Keeper] = {
    "regex blacklist": regex_keep,
    "jusText": justext_keep,
    "trafilatura": trafilatura_keep,
}
