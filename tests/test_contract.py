"""The text contract of strip() on the real model: properties over generated documents."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stripper
from stripper.textlines import split_document

ARABIC_WORDS = ["اقرأ", "أيضا", "المصدر", "تابعونا", "على", "قال", "الوزير", "إن", "الحكومة", "إعلان",
                "كلمات", "دلالية", "وأضاف", "المشروع", "تطبيق", "مقالات", "مشابهة", "جميع", "الحقوق", "محفوظة"]
ODD = ["\x00", "\u200f", "\u202e", "\u2066", "\u200d", "\ufeff", "\ud800", "\udfff", "🙂", "•", "ـ", "\r", "\t", "٣"]

word = st.one_of(st.sampled_from(ARABIC_WORDS), st.text(string.ascii_letters + string.digits, min_size=1, max_size=8),
                 st.sampled_from(ODD), st.text(min_size=1, max_size=4))
line = st.lists(word, max_size=30).map(" ".join)
ending = st.sampled_from(["\n", "\r\n"])
document = st.tuples(st.lists(st.tuples(line, ending), max_size=25), st.booleans(), st.booleans()).map(
    lambda t: ("\ufeff" if t[1] else "") + "".join(a + b for a, b in t[0]) + ("tail" if t[2] else "")
)

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@PROPS
@given(document)
def test_output_lines_are_input_lines_in_order(text: str) -> None:
    out = stripper.strip(text)
    got = [x for x in split_document(out).lines if x.strip()]
    assert _is_subsequence(got, split_document(text).lines)


@PROPS
@given(document)
def test_idempotent(text: str) -> None:
    once = stripper.strip(text)
    assert stripper.strip(once) == once


@PROPS
@given(document)
def test_final_newline_and_bom_kept(text: str) -> None:
    out = stripper.strip(text)
    if out.lstrip("\ufeff"):
        assert out.endswith("\n") == text.endswith("\n")
    assert out.startswith("\ufeff") == text.startswith("\ufeff")


@PROPS
@given(document)
def test_classify_one_entry_per_line(text: str) -> None:
    lines = stripper.classify(text)
    assert len(lines) == len(split_document(text).lines)
    for item in lines:
        assert (item.label is None) == (not item.text.strip())


def test_crlf_endings_kept_on_a_real_page() -> None:
    page = "\r\n".join(["قال الوزير إن الحكومة ستطلق المشروع الجديد في العاصمة خلال الشهر المقبل بكلفة كبيرة.", "",
                        "وأضاف أن المشروع يوفر آلاف فرص العمل للشباب في المدن والقرى على حد سواء.", "",
                        "تابعونا على تيليجرام", ""])
    out = stripper.strip(page)
    assert "تيليجرام" not in out
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")


def test_empty_and_whitespace_unchanged() -> None:
    for text in ("", "\n", "   \n\n", "\ufeff", "\r\n"):
        assert stripper.strip(text) == text


def test_huge_single_line_does_not_raise() -> None:
    text = "كلمة " * 2_000_000  # 10 MB of one line
    assert stripper.strip(text) in (text, "")


def test_keep_and_threshold_validated() -> None:
    page = "خبر طويل عن الاقتصاد والأسواق في المنطقة العربية خلال العام الحالي والماضي.\nالمصدر: وكالة الأنباء\n"
    assert "المصدر" in stripper.strip(page, keep={"source"})
    try:
        stripper.strip(page, keep={"nonsense"})
    except ValueError as exc:
        assert "nonsense" in str(exc)
    else:
        raise AssertionError("unknown label accepted")
    try:
        stripper.strip(page, threshold=1.5)
    except ValueError as exc:
        assert "threshold" in str(exc)
    else:
        raise AssertionError("threshold out of range accepted")
