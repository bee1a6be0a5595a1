"""Read the real Arabic news corpora (never copied into this repository) as labelled articles.

Where the corpora come from: see ../shared/corpora/README.md — SaudiNewsNet
(github parallelfold/SaudiNewsNet), the ANT corpus (github antcorpus), and the Arabic newspapers
set (github Nasreddine/arabic_news_papers_for_llms), converted to gzipped JSON Lines with a
`content` field. Point `--corpora` (or STRIPPER_CORPORA) at a folder of such files.

The few junk lines the corpora really contain get weak labels from the rules below; every other
line is real article body.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stripper.lexicon import MONTHS, WEEKDAYS
from stripper.normalize import normalize

DEFAULT_CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"

#: Longest article, in lines, the composer takes; longer ones are cut at a paragraph.
MAX_ARTICLE_LINES = 40

_WEAK_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*\.{2,}\s*المزيد\s*$"), "related"),
    (re.compile(r"^\s*اقرأ أيضا"), "related"),
    (re.compile(r"^\s*\d{1,2}:\d{2} ت م(?:\s+N{2,})?\s*$"), "chrome"),
    # The agency wire's sign-off under its items: «// انتهى //», «// يتبع //».
    (re.compile(r"^\s*//\s*(?:انتهى|يتبع)\s*//\s*$"), "source"),
    (re.compile(r"^\s*لمراسلة الكاتب"), "source"),
    (re.compile(r"^\s*رابط الخبر"), "source"),
    (re.compile(r"^\s*المصدر\s*:\s*(?!.*نفسه)\S[^.،]{0,40}$"), "source"),
    (re.compile(r"للتواصل.{0,40}(?:sms|SMS|رسالة نصية)"), "promo"),
    (re.compile(r"^\s*(?:Next\s+Previous|inShare|Tweet|Share)\b"), "chrome"),
    (re.compile(r"^\s*[=_*~.\-]{4,}\s*$"), "chrome"),
    (re.compile(r"^\s*\d{5,6}\s*-\s*(?:Zain|STC|Mobily|زين|موبايلي)\s*$", re.IGNORECASE), "promo"),
    # The rest of an SMS contact box, when the paper broke it over several lines.
    (re.compile(r"^(?=.{0,80}$).*(?:تبدأ بالرمز|مسافة ثم (?:نص )?الرسالة|^\s*ثم الرسالة\s*$)"), "promo"),
    (re.compile(r"^\s*الاتصالات\s*[,،]?\s*\d{5,6}\s*موبايلي"), "promo"),
    # Syndication and reprint credits under opinion pieces: «* نقلا عن "الحياة" اللندنية».
    (re.compile(r"^[\s*•\-]*نقلاً? عن\s(?=.{0,60}$)"), "source"),
    (re.compile(r"^[\s*•\-]*(?:خدمة\s*«|بالاتفاق مع\s|خاص بـ?\s*«)(?=.{0,50}$)"), "source"),
    (re.compile(r"^\s*نشر هذا المقال بالتعاون مع(?=.{0,80}$)"), "source"),
    # A columnist's address alone on a line: contact-the-writer.
    (re.compile(r"^\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*$"), "source"),
    # A columnist's handle alone on a line, written either way round.
    (re.compile(r"^\s*(?:@[A-Za-z0-9_]{3,}|[A-Za-z0-9_]{3,}@)\s*$"), "source"),
    # The writer's other columns, glued together under the article.
    (re.compile(r"^\s*مقالات أخرى للكاتب"), "related"),
    # Form borders a word processor left in the paper's text.
    (re.compile(r"^\s*(?:Top|Bottom) of Form\s*$"), "chrome"),
    # Disclaimers and copyright lines printed under every article of a site.
    (re.compile(r"^(?=.{0,90}$)[\s*]*(?:جميع المقالات المنشورة تمثل رأي|(?:جميع )?حقوق النشر محفوظة)"), "chrome"),
)


@dataclass(frozen=True)
class Article:
    """One real article: where it is from, its title, and its labelled non-blank lines."""

    source: str
    title: str
    lines: tuple[tuple[str, str], ...]


def corpora_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The corpora folder: the argument, else $STRIPPER_CORPORA, else ../shared/corpora."""
    found = Path(path or os.environ.get("STRIPPER_CORPORA") or DEFAULT_CORPORA)
    if not found.is_dir():
        raise FileNotFoundError(
            f"{found}: corpora folder not found; pass --corpora DIR or set STRIPPER_CORPORA "
            "(see ../shared/corpora/README.md for where the public corpora come from)"
        )
    return found


#: Words that may stand in a date or time stamp besides numbers, months and weekdays.
_STAMP_WORDS = frozenset(
    [
        "ص",
        "م",
        "صباحا",
        "مساء",
        "مساءا",
        "الساعه",
        "هـ",
        "ه",
        "ت",
        "غ",
        "gmt",
        "am",
        "pm",
        "بتوقيت",
        "مكه",
        "نشر",
        "في",
        "تاريخ",
        "اخر",
        "تحديث",
        "النشر",
        "بتاريخ",
        "الموافق",
        # Moroccan month names the shared list lacks.
        "يوليوز",
        "غشت",
        "شتنبر",
        "نونبر",
        "دجنبر",
        # Hijri months, normalised: stamps give both calendars.
        "محرم",
        "صفر",
        "ربيع",
        "الاول",
        "الثاني",
        "الاخر",
        "جمادي",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذو",
        "القعده",
        "الحجه",
    ]
)
_STAMP_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _is_stamp(line: str) -> bool:
    """True for a line that is only a date and/or time (page chrome left in a corpus body)."""
    norm = normalize(line)
    if not any(c.isdigit() for c in norm) or len(norm) > 60:
        return False
    return all(t.isdigit() or t in MONTHS or t in WEEKDAYS or t in _STAMP_WORDS for t in _STAMP_TOKEN.findall(norm))


def weak_label(line: str) -> str:
    """The label of a real corpus line: body unless a residue rule matches."""
    for pattern, label in _WEAK_RULES:
        if pattern.search(line):
            return label
    if _is_stamp(line):
        return "chrome"
    return "body"


def source_name(path: Path) -> str:
    """The source (site) a corpus file stands for: its file name without extensions."""
    return path.name.split(".")[0]


def corpus_files(root: Path) -> list[Path]:
    """Every gzipped JSON Lines file under the corpora folder, sorted for determinism."""
    return sorted(root.rglob("*.jsonl.gz"))


def read_articles(path: Path, limit: int | None = None) -> Iterator[Article]:
    """Articles of one corpus file with at least two body lines, in file order."""
    source = source_name(path)
    count = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for raw in fh:
            record = json.loads(raw)
            text = record.get("content") or ""
            # Lines of NULs or zero-width marks are extraction debris, not paragraphs.
            lines = [ln.strip() for ln in text.split("\n") if normalize(ln)]
            if len(lines) > MAX_ARTICLE_LINES:
                lines = lines[:MAX_ARTICLE_LINES]
            labelled = tuple((ln, weak_label(ln)) for ln in lines)
            if sum(1 for _, lab in labelled if lab == "body") < 2:
                continue
            title = " ".join(str(record.get("title") or "").split())
            yield Article(source=source, title=title, lines=labelled)
            count += 1
            if limit is not None and count >= limit:
                return
