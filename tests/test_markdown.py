"""Markdown: structure is left alone, only prose lines are judged, and stripping is idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import stripper
from stripper import cli
from stripper.cli import judge_many, main
from stripper.markdown import is_markdown_path, prose_lines

REPO = Path(__file__).resolve().parents[1]
PAGE = (REPO / "data" / "examples" / "news-page.txt").read_text(encoding="utf-8")
CLEAN = (REPO / "data" / "examples" / "news-page.clean.txt").read_text(encoding="utf-8")
BODY = "قال الوزير إن المشروع سيكتمل العام المقبل بتكلفة تبلغ مليوني دينار."
JUNK = "اقرأ أيضا: ارتفاع أعداد مستخدمي الباص السريع إلى 90 ألف راكب يومياً"

# (markdown lines, the expected prose mask as a string: P = prose, . = not judged)
CASES = [
    (["---", "title: اقرأ أيضا", "---", "", BODY], "...." + "P"),
    (["+++", "title = 'x'", "+++", BODY], "...P"),
    (["---", "not front matter: never closed", BODY], ".PP"),
    ([BODY, "---", "", BODY], "...P"),  # an underline makes the paragraph above a heading
    ([BODY, "===", "", BODY], "...P"),
    (["# عنوان", "## اقرأ أيضا", "#وسم", BODY], "..PP"),  # `#word` is a hashtag, not a heading
    (["```", "إعلان", "```", BODY], "...P"),
    (["~~~~ python", "x = 1", "~~~", "~~~~", BODY], "....P"),  # a shorter fence does not close
    (["```", "إعلان", "no closing fence"], "..."),
    (["``` a`b", BODY], "PP"),  # backticks in the info string: not a fence
    (["| البند | القيمة |", "|---|---|", "| المصدر: | بترا |", "", BODY], "....P"),
    (["| a | b |", "|---|---|", BODY], "..."),  # as in GFM, a line right after a table is a row
    (["البند | القيمة", "--- | ---", "المصدر: | بترا", "", BODY], "....P"),
    (["<div class='ad'>", "إعلان", "</div>", "", BODY], "....P"),
    (["<!-- إعلان", "تعليق -->", BODY], "..P"),
    (["<script>", "", "var a;", "</script>", BODY], ".....P"[:4] + "P"),
    (["[1]: https://example.com", "[^1]: حاشية", BODY], "..P"),
    (["", "    code()", "    more()", "", BODY], ".....P"[:4] + "P"),
    (["- " + JUNK, "  متابعة السطر", "", "    continued item text"], "PP.P"),
    (["> " + BODY, "* * *", "1. " + BODY], "P.P"),
    (["", "   ", ""], "..."),
]


@pytest.mark.parametrize(("lines", "mask"), CASES)
def test_prose_lines(lines: list[str], mask: str) -> None:
    assert "".join("P" if p else "." for p in prose_lines(lines)) == mask


@pytest.mark.parametrize(("name", "expected"), [("a.md", True), ("A.MARKDOWN", True), ("a.txt", False),
                                                 ("md", False), ("a.md.txt", False)])
def test_is_markdown_path(name: str, expected: bool) -> None:
    assert is_markdown_path(name) is expected


ARTICLE = PAGE.split("عمّان - المنارة")[1].split("إقرأ أيضاً:")[0].strip()
DOCUMENT = f"""---
title: "عمّان تطلق أول خط للحافلات الكهربائية"
source: المصدر: وكالة الأنباء الأردنية
---

# عمّان تطلق أول خط للحافلات الكهربائية

{ARTICLE}

| البند | القيمة |
|---|---|
| المصدر: | بترا |

```text
إعلان
{JUNK}
```

<div>
إعلان
</div>

## مقالات ذات صلة

- افتتاح محطة شحن سريع للسيارات الكهربائية على طريق المطار
- دراسة: الازدحام المروري يكلف الاقتصاد ملايين الدنانير سنوياً

[1]: https://example.com/a
"""


def _structure(text: str) -> list[str]:
    lines = text.splitlines()
    mask = prose_lines(lines)
    return [line for line, prose in zip(lines, mask) if not prose and line.strip()]


@pytest.fixture(scope="module", autouse=True)
def _one_model_thread() -> Iterator[None]:
    # As in the CLI: OpenMP threads beyond the free cores make prediction many times slower.
    with cli.model_threads():
        yield


@pytest.fixture(scope="module")
def stripped(default: stripper.Stripper) -> str:
    (verdict,) = judge_many(default, [DOCUMENT], markdown=[True])
    return verdict.text


def test_structure_is_kept_verbatim(stripped: str) -> None:
    assert _structure(stripped) == _structure(DOCUMENT)


def test_junk_prose_goes_body_stays(stripped: str) -> None:
    assert JUNK not in stripped.split("```")[0] + stripped.split("```")[2]
    # The related list's heading is Markdown structure, not judged, so its lone item has no marker
    # in view and looks like a headline: kept (LABELS.md rule 5), hence not checked here.
    for line in ("إعلان\n\nوتخطط", "المصدر: وكالة الأنباء الأردنية (بترا)", "الوسوم:"):
        assert line not in stripped
    for paragraph in CLEAN.split("\n\n")[2:]:
        assert paragraph.strip() in stripped


def test_markdown_stripping_is_idempotent(default: stripper.Stripper, stripped: str) -> None:
    (again,) = judge_many(default, [stripped], markdown=[True])
    assert again.text == stripped
    assert again.removed == []


def test_cli_fixes_markdown_once(tmp_path: Path, capsys: pytest.CaptureFixture[str], stripped: str) -> None:
    path = tmp_path / "article.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert main([str(path)]) == 1
    assert path.read_text(encoding="utf-8") == stripped
    assert main([str(path)]) == 0
    assert capsys.readouterr().out == f"Fixing {path}\n"


def test_markdown_with_no_prose_left_is_not_emptied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "# عنوان الصفحة\n\nإعلان\n\nجميع الحقوق محفوظة\n"
    path = tmp_path / "junk.md"
    path.write_text(text, encoding="utf-8")
    assert main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text
    assert "no article body found" in capsys.readouterr().err
    assert main(["--allow-empty", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == "# عنوان الصفحة\n"


def test_markdown_without_prose_is_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "# إعلان\n\n| المصدر: | بترا |\n\n```\nإعلان\n```\n"
    path = tmp_path / "table.md"
    path.write_text(text, encoding="utf-8")
    assert main(["--check", str(path)]) == 0
    assert main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text
    assert capsys.readouterr() == ("", "")
