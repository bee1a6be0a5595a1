"""Compose realistic labelled pages from real article bodies plus junk where real sites put it.

A page is built from one real corpus article (its lines are `body`, or the weak label of a real
residue line) and the junk shapes of one site style from data/junk/inventory.jsonl, filled in
with headlines of other real articles and the recipe's fillers, then varied in spelling the way
real pages are. Everything is drawn from one seeded random generator, so a seed gives the same
pages every time.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence

from stripper.lexicon import CUE_WORDS
from stripper.normalize import normalize

from .corpora import Article
from .documents import DATA, LabelledDoc

RECIPES = DATA / "recipes"

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_PERSIAN = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
_HAMZA_DROP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})

Line = tuple[str, "str | None"]


def load_recipe(name: str) -> dict:
    """A recipe JSON file of data/recipes by name (without .json)."""
    return json.loads((RECIPES / f"{name}.json").read_text(encoding="utf-8"))


class Composer:
    """Builds labelled pages for a set of site styles over a set of real articles."""

    def __init__(
        self,
        styles: dict[str, dict[tuple[str, str], list[str]]],
        articles: Sequence[Article],
        seed: int,
        recipe: dict | None = None,
        fillers: dict | None = None,
    ) -> None:
        """`styles` maps a style to its (label, where) shapes; `articles` supply bodies and headlines."""
        if not styles or not articles:
            raise ValueError("composer needs at least one style and one article")
        self.styles = styles
        self.style_names = sorted(styles)
        self.articles = list(articles)
        self.titles = [a.title for a in self.articles if a.title]
        self.rng = random.Random(seed)
        self.recipe = recipe or load_recipe("composer")
        self.fill = fillers or load_recipe("fillers")
        self.pool: dict[tuple[str, str], list[str]] = {}
        for groups in styles.values():
            for key, texts in groups.items():
                self.pool.setdefault(key, []).extend(texts)

    # -- small helpers -------------------------------------------------------------------------
    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _shape(self, style: str, label: str, where: str | tuple[str, ...]) -> str | None:
        wheres = (where,) if isinstance(where, str) else where
        own = [t for w in wheres for t in self.styles[style].get((label, w), [])]
        if own and not self._chance(self.recipe["foreign_shape"]):
            return self.rng.choice(own)
        pool = [t for w in wheres for t in self.pool.get((label, w), [])]
        return self.rng.choice(pool) if pool else (self.rng.choice(own) if own else None)

    def _headline(self) -> str:
        if self.titles:
            return self.rng.choice(self.titles)
        article = self.rng.choice(self.articles)
        return " ".join(article.lines[0][0].split()[:10])

    def _date(self) -> str:
        r = self.rng
        day, year = r.randint(1, 28), r.randint(2012, 2026)
        month_names = self.fill["months"] if r.random() < 0.7 else self.fill["months_levant"]
        month = r.choice(month_names)
        forms = [
            f"{r.choice(self.fill['weekdays'])} {day:02d} {month} {year}",
            f"{day} {month} {year}",
            f"{day:02d}/{r.randint(1, 12):02d}/{year}",
            f"{year}-{r.randint(1, 12):02d}-{day:02d}",
            f"{r.choice(self.fill['weekdays'])}، {day} {month} {year}",
        ]
        return r.choice(forms)

    def _day_month(self, year: bool) -> str:
        """A day and month (and a year): the date of a wire dateline."""
        r = self.rng
        text = f"{r.randint(1, 28)} {r.choice(self.fill['months'])}"
        return f"{text} {r.randint(2012, 2026)}" if year else text

    def _hijri(self) -> str:
        r = self.rng
        return f"{r.randint(1, 29)} {r.choice(self.fill['months_hijri'])} {r.randint(1433, 1448)} هـ"

    def _time(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{r.randint(0, 12):02d}:{r.randint(0, 59):02d} {r.choice(['ص', 'م'])}",
                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                f"{r.randint(1, 12)}:{r.randint(0, 59):02d} {r.choice(['صباحاً', 'مساءً', 'ص', 'م'])}",
            ]
        )

    def _name(self) -> str:
        return f"{self.rng.choice(self.fill['first_names'])} {self.rng.choice(self.fill['last_names'])}"

    def _tags(self, article: Article) -> str:
        words = [w for w in (article.title or article.lines[0][0]).split() if len(w) > 3]
        self.rng.shuffle(words)
        picked = words[: self.rng.randint(2, 6)] or ["أخبار"]
        if self._chance(0.2):
            return " ".join("#" + w.strip("«»\"'.,:،") for w in picked)
        return self.rng.choice(self.fill["tag_separators"]).join(picked)

    def _filled(self, shape: str, article: Article) -> str:
        def value(match: re.Match[str]) -> str:
            key = match.group(1)
            r = self.rng
            if key == "headline":
                return self._headline()
            if key == "date":
                return self._date()
            if key == "time":
                return self._time()
            if key in ("dmy", "dm"):
                return self._day_month(year=key == "dmy")
            if key == "hijri":
                return self._hijri()
            if key == "n":
                return str(r.choice([r.randint(1, 60), r.randint(60, 5000), r.randint(5000, 900000)]))
            if key == "site":
                return r.choice(self.fill["site"])
            if key == "agency":
                return r.choice(self.fill["agency"])
            if key == "name":
                return self._name()
            if key == "section":
                return r.choice(self.fill["section"])
            if key == "tags":
                return self._tags(article)
            if key == "email":
                return f"{r.choice(self.fill['handles'])}@{r.choice(self.fill['domains'])}"
            if key == "handle":
                return "@" + r.choice(self.fill["handles"])
            if key == "url":
                return f"https://{r.choice(self.fill['domains'])}/{r.randint(1000, 999999)}"
            if key == "city":
                return r.choice(self.fill["city"])
            if key in ("caption", "text"):
                donor = article if key == "caption" else r.choice(self.articles)
                words = r.choice(donor.lines)[0].split()
                return " ".join(words[: r.randint(6, 12 if key == "caption" else 25)])
            return match.group(0)

        return _PLACEHOLDER.sub(value, shape)

    def _vary(self, text: str) -> str:
        """Spelling variation of a junk line (LABELS.md rule 4), as real sites produce it."""
        sp = self.recipe["spelling"]
        if not self._chance(sp["p_line"]):
            return text
        r = self.rng
        if self._chance(sp["hamza"]):
            text = text.translate(_HAMZA_DROP) if r.random() < 0.7 else text.replace("اقرأ", "إقرأ")
        if self._chance(sp["tatweel"]):
            words = text.split(" ")
            k = r.randrange(len(words))
            w = words[k]
            if len(w) > 2:
                cut = r.randint(1, len(w) - 1)
                words[k] = w[:cut] + "ـ" * r.randint(1, 4) + w[cut:]
            text = " ".join(words)
        if self._chance(sp["diacritics"]):
            text = text.replace("أيضا", "أيضاً").replace("ايضا", "ايضاً").replace("مجانا", "مجاناً")
            text = re.sub(r"(\w)(\s)", lambda m: m.group(1) + ("\u064e" if r.random() < 0.1 else "") + m.group(2), text)
        if self._chance(sp["persian"]):
            text = text.translate(_PERSIAN)
        if self._chance(sp["eastern_digits"]):
            text = text.translate(_EASTERN)
        if self._chance(sp["emoji"]):
            text = r.choice(self.fill["emoji"]) + " " + text
        if self._chance(sp["bullet"]):
            text = r.choice(self.fill["bullets"]) + " " + text
        if self._chance(sp["colon_toggle"]):
            text = text[:-1].rstrip() if text.endswith(":") else text + ":"
        return text

    def _junk(self, style: str, article: Article, label: str, where: str | tuple[str, ...]) -> Line | None:
        shape = self._shape(style, label, where)
        if shape is None:
            return None
        text = self._vary(self._filled(shape, article)).strip()
        return (text, label) if text else None

    # -- page parts --------------------------------------------------------------------------
    def _body(self, article: Article) -> list[list[Line]]:
        lines = list(article.lines[: self.recipe["max_body_lines"]])
        return [[(t, lab)] for t, lab in lines]

    def _listen_widget(self, style: str, article: Article) -> list[Line]:
        head = self.rng.choice(["استمع إلى الملخص", "ملخص المقال", "أهم النقاط", "ملخص الخبر", "النقاط الرئيسية"])
        out: list[Line] = [(head, "chrome")]
        bullet = self.rng.choice(["-", "•", "*", "▪"])
        sentences = [t for t, lab in article.lines if lab == "body" and len(t.split()) > 8]
        for text in self.rng.sample(
            sentences,
            min(
                len(sentences),
                self.rng.randint(
                    self.recipe["listen_widget"]["bullets_min"], self.recipe["listen_widget"]["bullets_max"]
                ),
            ),
        ):
            words = text.split()[: self.rng.randint(10, 28)]
            out.append((f"{bullet} " + " ".join(words).rstrip("،,") + ".", "chrome"))
        return out

    def _second_article(self, style: str, article: Article) -> list[list[Line]]:
        other = self.rng.choice(self.articles)
        lo, hi = self.recipe["second_article_paragraphs"]
        paragraphs = [t for t, _ in other.lines][: self.rng.randint(lo, hi)]
        groups: list[list[Line]] = []
        if other.title:
            groups.append([(other.title, "related")])
        for text in paragraphs:
            groups.append([(text, "related")])
        if len(groups) > 2 and self._chance(self.recipe["second_article_promo_inside"]):
            promo = self._junk(style, article, "promo", ("footer", "inline"))
            if promo:
                groups.insert(self.rng.randint(1, 2), [promo])
        if self._chance(self.recipe["second_article_source_inside"]):
            source = self._junk(style, article, "source", "footer")
            if source:
                groups.append([source])
        return groups

    def _read_also(self, style: str, article: Article) -> list[list[Line]]:
        marker = self._junk(style, article, "related", ("footer", "inline"))
        if marker is None:
            return []
        if "{headline}" not in marker[0] and len(marker[0].split()) > 6:
            marker = ("إقرأ أيضاً:", "related")
        groups: list[list[Line]] = [[marker]]
        kinds = self.recipe["read_also_kind"]
        kind = self.rng.choices(list(kinds), weights=list(kinds.values()))[0]
        if kind == "headlines":
            groups.append([(self._headline(), "related") for _ in range(self.rng.randint(1, 5))])
        elif kind == "teaser":
            other = self.rng.choice(self.articles)
            words = other.lines[0][0].split()
            teaser = " ".join(words[: self.rng.randint(12, 40)])
            groups.append([(other.title or self._headline(), "related")])
            groups.append([(teaser + self.rng.choice(["...", " ...", "…", ""]), "related")])
        else:
            groups.extend(self._second_article(style, article))
        return groups

    def _related_list(self, style: str, article: Article) -> list[list[Line]]:
        header = self._junk(style, article, "related", "footer")
        items_shape = self.styles[style].get(("related", "after_marker")) or self.pool.get(
            ("related", "after_marker"), []
        )
        lo, hi = self.recipe["related_list_items"]
        bullet = self.rng.choice(self.fill["bullets"]) if self._chance(self.recipe["related_list_bullet"]) else ""
        indent = self.rng.choice(["", "", "  "])
        items: list[Line] = []
        for _ in range(self.rng.randint(lo, hi)):
            if items_shape and self._chance(0.5):
                text = self._filled(self.rng.choice(items_shape), article)
            else:
                text = self._headline()
            items.append((f"{indent}{bullet} {text}".strip() if bullet else text, "related"))
        groups: list[list[Line]] = [[header]] if header else []
        groups.append(items)
        return groups

    def _menu(self) -> str:
        """A site's navigation menu: section names joined by the separator the site uses."""
        sections = self.rng.sample(self.fill["section"], self.rng.randint(3, min(9, len(self.fill["section"]))))
        if self._chance(0.5):
            sections.insert(0, "الرئيسية")
        return self.rng.choice([" | ", " - ", " ", "  ", " • ", " / ", " ، "]).join(sections)

    def _subheading(self, article: Article) -> str:
        """A subheading made of the start of one of the article's sentences, preferring one with a
        word that junk also uses (تطبيق, المزيد, إعلان …): real subheadings look like that."""
        lines = [t for t, lab in article.lines if lab == "body"]
        cued = [t for t in lines if any(w in CUE_WORDS for w in normalize(t[:200]).split()[:14])]
        text = self.rng.choice(cued if cued and self._chance(0.6) else lines)
        words = text.split()
        if cued and text in cued:
            hit = next((i for i, w in enumerate(normalize(text[:200]).split()[:14]) if w in CUE_WORDS), 0)
            start = max(0, hit - self.rng.randint(0, 3))
            words = words[start:]
        return " ".join(words[: self.rng.randint(3, 9)]).rstrip("،,.:")

    def _lookalike(self, style: str, article: Article) -> Line | None:
        shape = self._shape(style, "body", "lookalike")
        if shape is None:
            return None
        text = self._filled(shape, article)
        if "{" in text:
            return None
        return (text, "body")

    def compose_one(self, index: int) -> LabelledDoc:
        """One labelled page."""
        r = self.rng
        rec = self.recipe
        style = r.choice(self.style_names)
        article = r.choice(self.articles)
        sep_weights = rec["separator_blank_lines"]
        blanks = int(r.choices(list(sep_weights), weights=list(sep_weights.values()))[0])

        groups: list[list[Line]] = []
        if self._chance(rec["clean_page"]):
            # Already clean text (a corpus article, or a page stripped once) must come back whole.
            if article.title and self._chance(rec["title_first"]):
                groups.append([(article.title, "body")])
            groups.extend(self._body(article))
            return self._assemble(groups, blanks, style, article, index)
        if self._chance(rec["header"]["p"]):
            header: list[Line] = []
            for _ in range(r.randint(rec["header"]["min"], rec["header"]["max"])):
                line = self._junk(style, article, r.choice(["chrome", "chrome", "chrome", "promo", "ad"]), "header")
                if line:
                    header.append(line)
            if self._chance(rec["header"]["menu"]):
                header.insert(r.randint(0, len(header)), (self._menu(), "chrome"))
            if header:
                groups.append(header)
        if article.title and self._chance(rec["title_first"]):
            groups.append([(article.title, "body")])
        if self._chance(rec["top"]["p"]):
            for _ in range(r.randint(rec["top"]["min"], rec["top"]["max"])):
                line = self._junk(style, article, r.choice(["chrome", "chrome", "chrome", "promo", "source"]), "top")
                if line:
                    groups.append([line])
        if self._chance(rec["listen_widget"]["p"]):
            groups.append(self._listen_widget(style, article))
        if self._chance(rec["byline_body"]):
            groups.append([(self._filled(r.choice(rec["bylines"]["shapes"]), article), "body")])

        body = self._body(article)
        if len(body) > 3 and self._chance(rec["subheadings"]["p"]):
            for _ in range(r.randint(1, rec["subheadings"]["max"])):
                body.insert(r.randint(1, len(body) - 1), [(self._subheading(article), "body")])
        if self._chance(rec["lookalike_body_line"]):
            look = self._lookalike(style, article)
            if look:
                body.insert(r.randint(0, len(body)), [look])
        inserts: list[tuple[int, list[Line]]] = []
        if len(body) > 2 and self._chance(rec["inline_related"]["p"]):
            if self._chance(rec["inline_related"]["bare_marker_share"]):
                marker = self._junk(style, article, "related", ("inline", "footer"))
                if marker and "{" not in marker[0] and len(marker[0].split()) <= 5:
                    block = [marker] + [
                        (self._headline(), "related")
                        for _ in range(r.randint(1, rec["inline_related"]["headlines_max"]))
                    ]
                    inserts.append((r.randint(1, len(body) - 1), block))
            else:
                line = self._junk(style, article, "related", "inline")
                if line:
                    block = [line]
                    if len(line[0].split()) <= 4:
                        # A bare inline marker is always followed by the headline it points to.
                        block.append((self._headline(), "related"))
                    inserts.append((r.randint(1, len(body) - 1), block))
        if len(body) > 1 and self._chance(rec["inline_ad"]["p"]):
            for _ in range(r.randint(1, rec["inline_ad"]["max"])):
                line = self._junk(style, article, "ad", ("inline", "header", "footer"))
                if line:
                    inserts.append((r.randint(1, len(body) - 1), [line]))
        if len(body) > 2 and self._chance(rec["inline_promo"]["p"]):
            line = self._junk(style, article, "promo", ("inline", "footer"))
            if line:
                inserts.append((r.randint(1, len(body) - 1), [line]))
        for pos, block in sorted(inserts, key=lambda x: -x[0]):
            body.insert(pos, block)
        groups.extend(body)

        footer_parts: list[list[list[Line]]] = []
        fp = rec["footer"]
        for label in ("source", "tags", "promo", "ad"):
            if self._chance(fp[label]):
                line = self._junk(style, article, label, "footer")
                if line:
                    footer_parts.append([[line]])
        if self._chance(fp["share"]) or self._chance(fp["chrome"]):
            line = self._junk(style, article, "chrome", "footer")
            if line:
                footer_parts.append([[line]])
        if self._chance(fp["copyright"]):
            line = self._junk(style, article, "chrome", "footer")
            if line:
                footer_parts.append([[line]])
        if self._chance(fp["comments"]):
            line = self._junk(style, article, "chrome", "footer")
            if line:
                footer_parts.append([[line]])
        r.shuffle(footer_parts)
        # A read-also block opens at the end and runs on; related lists close the page.
        if self._chance(fp["read_also"]):
            block = self._read_also(style, article)
            if block:
                footer_parts.insert(r.randint(len(footer_parts) // 2, len(footer_parts)), block)
        if self._chance(fp["related_list"]):
            footer_parts.append(self._related_list(style, article))
        if self._chance(rec["repeated_headline"]) and article.title:
            footer_parts.insert(0, [[(article.title, "chrome")]])
        for part in footer_parts:
            groups.extend(part)

        return self._assemble(groups, blanks, style, article, index)

    def _assemble(self, groups: list[list[Line]], blanks: int, style: str, article: Article, index: int) -> LabelledDoc:
        rec = self.recipe
        lines: list[Line] = []
        for k, group in enumerate(groups):
            if k and blanks:
                lines.extend([("", None)] * blanks)
            for text, label in group:
                if self._chance(rec["indent_line"]):
                    text = " " + text
                lines.append((text, label))
        return LabelledDoc(id=f"composed-{style}-{index}", site=style, source=article.source, lines=lines)

    def compose(self, n_docs: int) -> list[LabelledDoc]:
        """`n_docs` labelled pages."""
        return [self.compose_one(i) for i in range(n_docs)]
