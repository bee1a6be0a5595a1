"""The text contract under hostile input: generated documents mixing Arabic, Latin, digits, emoji,
bidi controls, zero-width joiners, NULs, lone surrogates, tatweel, very long words and CR/LF/CRLF
mixes (lone CR included), plus the regressions found by fuzzing (fuzz/fuzz_strip.py).

Properties (on the real packaged model): no exception; the output's lines are the input's lines
minus the ones `judge_many` reports removed, in order, each with its own ending; BOM and final
newline kept; `strip` is idempotent; `strip_many` and `judge_many` agree with `strip`; `classify`
has one entry per input line. The bugs the fuzzer found are fixed and pinned by the regression
tests at the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stripper
from stripper.features import PREFIX_CHARS, SUFFIX_CHARS, line_tokens
from stripper.labels import JUNK_LABELS, LABELS
from stripper.textlines import BOM, split_document

# ---------------------------------------------------------------------------------------------
# The generator.

ARABIC = ["قال", "الوزير", "إن", "الحكومة", "أعلنت", "ستطلق", "المشروع", "الجديد", "في", "العاصمة", "وأضاف",
          "مؤتمر", "صحفي", "اليوم", "الأربعاء", "عمّان", "مُؤتمَر", "الحافلات", "ی", "ک", "ـالخبرـ", "آلاف"]
JUNK_LINES = ["إعلان", "اقرأ أيضا: ارتفاع أعداد مستخدمي الباص السريع", "إقرأ أيضاً:", "المصدر: وكالة الأنباء",
              "تابعونا على تيليجرام", "جميع الحقوق محفوظة", "كلمات دلالية: النقل العام", "مقالات مشابهة",
              "• تشغيل 15 حافلة كهربائية", "09:33 ص السبت 09 ديسمبر 2017", "#عاجل #الأردن", "Advertisement",
              "[ad_1]", "Source link", "اضغط لتحميل التطبيق الآن مجاناً"]
BODY_LINES = ["أطلقت أمانة عمّان الكبرى، صباح اليوم الأربعاء، التشغيل التجريبي لأول خط للحافلات الكهربائية "
              "في العاصمة، يربط منطقة وسط البلد بالجامعة الأردنية.",
              "وقال مدير النقل العام في الأمانة إن الحافلات الجديدة تعمل بالبطاريات ويمكنها قطع 250 كيلومتراً "
              "بالشحنة الواحدة.",
              "عمّان - المنارة"]
LATIN = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10)
DIGITS = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "2024", "٢٠٢٤", "15", "09:33", "04/09/2024"])
EMOJI = st.sampled_from(["🙂", "👍🏽", "👨\u200d👩\u200d👧", "🇯🇴", "❤️", "📌", "🔴", "⬅"])
#: Embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069, the marks LRM, RLM and ALM.
BIDI = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\u200e", "\u200f",
                                                                                              "\u061c"]
ZERO_WIDTH = ["\u200d", "\u200c", "\u200b", "\ufeff", "\u00ad"]
#: Controls, including those str.strip() counts as white space but the splitter does not break on.
CONTROLS = ["\x00", "\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u2029", "\x7f"]
SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
LONG_WORD = st.builds(lambda ch, n: ch * n, st.sampled_from(["ك", "x", "ـ", "٣", "🙂", "\u200d", "#", "@"]),
                      st.integers(50, 3_000))
ODD = st.sampled_from(BIDI + ZERO_WIDTH + CONTROLS + ["ـ", "ـــــ", "\r", "\r\r", "\u00a0", "\u3000"])

piece = st.one_of(st.sampled_from(ARABIC), st.sampled_from(ARABIC), LATIN, DIGITS, EMOJI, ODD, SURROGATE,
                  LONG_WORD, st.text(max_size=4))
free_line = st.lists(piece, max_size=25).flatmap(
    lambda words: st.sampled_from([" ", "", "\u00a0"]).map(lambda sep: sep.join(words)))
line = st.one_of(free_line, free_line, st.sampled_from(JUNK_LINES), st.sampled_from(BODY_LINES),
                 st.sampled_from(["", " ", "\t", "\x1c", "\u3000 ", "\u200f"]))
#: Line endings as they come: LF, CRLF, and a lone CR that is *not* a line break in the contract.
ending = st.sampled_from(["\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n"])
documents = st.tuples(st.booleans(), st.lists(st.tuples(line, ending), max_size=20), line).map(
    lambda t: (BOM if t[0] else "") + "".join(text + end for text, end in t[1]) + t[2])

#: Examples per property: the model call costs milliseconds per document and several calls run per
#: example; this keeps the whole file near a minute on a loaded two-core machine.
EXAMPLES = 30
PROPS = settings(max_examples=EXAMPLES, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------------------------------------
# Properties.


def _check_contract(model: stripper.Stripper, text: str) -> str:
    """Assert every rule of the text contract for `text`; return strip(text)."""
    out = model.strip(text)
    (verdict,) = model.judge_many([text])
    assert verdict.text == out
    doc, got = split_document(text), split_document(out)
    removed = {line.number - 1 for line in verdict.removed}
    for line in verdict.removed:
        assert doc.lines[line.number - 1] == line.text
        assert line.label in JUNK_LABELS
    kept = [i for i in range(len(doc.lines)) if not doc.blank(i) and i not in removed]
    rows = [j for j in range(len(got.lines)) if not got.blank(j)]
    # The output's lines are exactly the input's kept lines, in order, byte for byte.
    assert [got.lines[j] for j in rows] == [doc.lines[i] for i in kept]
    final_newline = bool(doc.endings) and bool(doc.endings[-1])
    for n, (i, j) in enumerate(zip(kept, rows)):
        # Each keeps its own ending; only the last may lose it, when the input had no final newline.
        assert got.endings[j] == doc.endings[i] or (n == len(rows) - 1 and not final_newline and not got.endings[j])
    blank_texts = {doc.lines[i] for i in range(len(doc.lines)) if doc.blank(i)} | {""}
    assert all(got.lines[j] in blank_texts for j in range(len(got.lines)) if got.blank(j))
    assert out.startswith(BOM) == text.startswith(BOM)
    if rows:
        assert out.endswith("\n") == text.endswith("\n")
    if not removed:
        assert out == text
    return out


@pytest.fixture(scope="module")
def model() -> stripper.Stripper:
    """The packaged model, loaded once for this file."""
    return stripper.Stripper()


@PROPS
@given(documents)
def test_contract_on_hostile_documents(model: stripper.Stripper, text: str) -> None:
    _check_contract(model, text)


@PROPS
@given(documents, documents)
def test_idempotent_and_batches_agree(model: stripper.Stripper, text: str, other: str) -> None:
    out, out_other = model.strip(text), model.strip(other)
    again = model.strip(out)
    assert again == out
    assert list(model.strip_many([text, other, out, text], batch_size=3)) == [out, out_other, out, out]
    assert [v.text for v in model.judge_many([other, text])] == [out_other, out]
    assert model.strip(text, keep=JUNK_LABELS) == text


@PROPS
@given(documents)
def test_classify_one_entry_per_line(model: stripper.Stripper, text: str) -> None:
    lines = model.classify(text)
    doc = split_document(text)
    assert [line.text for line in lines] == doc.lines
    assert [line.number for line in lines] == list(range(1, len(doc.lines) + 1))
    for line in lines:
        assert (line.label is None) == (not line.text.strip())
        assert line.label is None or (line.label in LABELS and 0.0 <= line.score <= 1.0)  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# Fixed shapes the generator reaches only by luck.

BLANK_LIKE = ["", "\n", "\r\n", "\r", " \t\n", "\x1c\n\x1d\r\n", "\x85\u2028\u2029\n", "\u00a0\u3000\n\n",
              BOM, BOM + "\r\n\r\n", "\n\n\n" * 100]


@pytest.mark.parametrize("text", BLANK_LIKE, ids=[repr(t)[:20] for t in BLANK_LIKE])
def test_blank_documents_come_back_unchanged(model: stripper.Stripper, text: str) -> None:
    assert model.strip(text) == text
    assert all(line.label is None for line in model.classify(text))


def test_lone_cr_is_not_a_line_break(model: stripper.Stripper) -> None:
    text = f"{BODY_LINES[0]}\r{BODY_LINES[1]}\rإعلان"
    (line,) = model.classify(text)
    assert line.text == text
    assert model.strip(text) in (text, "")


def test_every_ending_survives_in_one_document(model: stripper.Stripper) -> None:
    lines = [BODY_LINES[0], "إعلان", BODY_LINES[1], "تابعونا على تيليجرام", "سطر\rفيه عودة", BODY_LINES[2]]
    endings = ["\r\n", "\n", "\n", "\r\n", "\r\n", ""]
    text = BOM + "".join(a + b for a, b in zip(lines, endings))
    out = _check_contract(model, text)
    assert out.startswith(BOM) and not out.endswith(("\n", "\r"))


@pytest.mark.parametrize("odd", ["\x00", "\ud800", "\udfff", "\u202e", "\u2067", "\u200d", "🙂", "ـ", "\r"],
                         ids=["nul", "high-surrogate", "low-surrogate", "rlo", "rli", "zwj", "emoji", "tatweel", "cr"])
def test_odd_character_anywhere(model: stripper.Stripper, odd: str) -> None:
    base = f"{BODY_LINES[0]}\n\nإعلان\n\n{BODY_LINES[1]}\n"
    # Start, inside a word, at a line break, inside the junk line, at the very end.
    for at in (0, 5, base.index("\n"), base.index("إعلان") + 2, len(base)):
        _check_contract(model, base[:at] + odd + base[at:])


def test_strip_refuses_what_is_not_text(model: stripper.Stripper) -> None:
    for value in (b"bytes", None, 42, ["list"]):
        with pytest.raises(TypeError, match="strip expects str"):
            model.strip(value)  # type: ignore[arg-type]


def test_classify_refuses_what_is_not_text(model: stripper.Stripper) -> None:
    for value in (b"bytes", None):
        with pytest.raises(TypeError, match="str"):
            model.classify(value)  # type: ignore[arg-type]


def test_thousands_of_one_word_lines(model: stripper.Stripper) -> None:
    # The million-line case is measured by benchmarks/hostile_sizes.py; this one pins the contract.
    text = "".join(f"كلمة{i % 97}\n" for i in range(3_000))
    _check_contract(model, text)


HOSTILE_PAGES: dict[str, str | bytes] = {
    "nul": "<html><body><p>\x00" + "كلمة " * 50 + "\x00</p></body></html>",
    "surrogates": "<html><body><article><p>" + "كلمة " * 50 + "\ud800</p><p>" + "خبر " * 60 + "\udfff</p></article>",
    "bidi": "<p>\u202e" + "كلمة " * 50 + "\u2069</p>",
    "invalid-utf8": b"<p>\xff\xfe\xed\xa0\x80" + "كلمة ".encode() * 50 + b"</p>",
    "utf16": ("<html><body><p>" + "كلمة " * 50 + "</p></body></html>").encode("utf-16"),
    "deep-nesting": "<div>" * 50_000 + "<p>" + "كلمة " * 50 + "</p>",
    "unclosed-scripts": "<script " * 100_000,
    "only-text": "كلمة " * 1_000,
    "empty": "",
    "empty-bytes": b"",
    "over-the-size-limit": "<p>" + "x" * 21_000_000 + "</p>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_strip_html_survives_hostile_pages(name: str) -> None:
    out = stripper.strip_html(HOSTILE_PAGES[name])
    assert isinstance(out, str)
    assert out == "" or out.endswith("\n")


# ---------------------------------------------------------------------------------------------
# Regressions found by the fuzzer (or by reading the code it led to), each fixed.

BLANK_TAILS = {
    "spaces": " " * SUFFIX_CHARS,
    "nbsp": "\u00a0" * SUFFIX_CHARS,
    "tatweel": "ـ" * SUFFIX_CHARS,
    "rlm": "\u200f" * SUFFIX_CHARS,
    "zwj-and-spaces": "\u200d " * SUFFIX_CHARS,
    "bidi-isolates": "\u2066\u2069" * SUFFIX_CHARS,
}


@pytest.mark.parametrize("tail", sorted(BLANK_TAILS))
def test_long_line_with_a_blank_tail(model: stripper.Stripper, tail: str) -> None:
    text = f"{BODY_LINES[0]} {BODY_LINES[1]}{BLANK_TAILS[tail]}\n\nإعلان\n"
    assert len(text.split("\n")[0]) > PREFIX_CHARS
    _check_contract(model, text)


#: A paragraph over PREFIX_CHARS followed by SUFFIX_CHARS of tatweel: decoration, not content.
BLANK_TAIL_PARAGRAPH = f"{BODY_LINES[0]} {BODY_LINES[1]}" + "ـ" * SUFFIX_CHARS



def test_blank_tail_paragraph_in_a_page() -> None:
    page = (f"<html><body><article><h1>{BODY_LINES[2]}</h1><p>{BLANK_TAIL_PARAGRAPH}</p><p>{BODY_LINES[1]}</p>"
            "</article></body></html>")
    assert "الحافلات" in stripper.strip_html(page)


def test_blank_tail_record_in_a_corpus(tmp_path: Path) -> None:
    from stripper import corpus

    source = tmp_path / "in.jsonl"
    records = [{"id": 1, "text": f"{BODY_LINES[1]}\nإعلان"}, {"id": 2, "text": f"{BLANK_TAIL_PARAGRAPH}\nإعلان"}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert corpus.main([str(source), "-o", str(tmp_path / "out.jsonl")]) == 0
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == len(records)


class _FirstLineJunk(stripper.Stripper):
    """A stand-in model that calls the first line of every document junk, and every other line body."""

    def line_probabilities(self, lines: object, extras: object = None) -> np.ndarray:
        """No own-line evidence at all."""
        return np.zeros((len(lines), len(LABELS)))  # type: ignore[arg-type]

    def document_probabilities(self, docs: object, extras: object = None, own: object = None,
                               facts: object = None, shapes: object = None, stem_memo: object = None
                               ) -> list[np.ndarray]:
        """Body everywhere but the first line, which is an ad."""
        out = []
        for doc in docs:  # type: ignore[attr-defined]
            proba = np.zeros((len(doc), len(LABELS)))
            proba[:, LABELS.index("body")] = 1.0
            if len(doc) > 1:
                proba[0] = 0.0
                proba[0, LABELS.index("ad")] = 1.0
            out.append(proba)
        return out


def test_inner_bom_does_not_become_the_document_bom() -> None:
    text = f"إعلان\n\n{BOM}{BODY_LINES[0]}\n"
    model = _FirstLineJunk()
    out = model.strip(text, threshold=0.5)
    # The removed line above is kept instead: junk kept is the safe side, a mangled body line is not.
    assert not out.startswith(BOM)
    assert split_document(out).lines == ["إعلان", "", f"{BOM}{BODY_LINES[0]}"]
    assert model.strip(out, threshold=0.5) == out
    assert model.judge_many([text], threshold=0.5)[0].removed == []


def test_inner_bom_does_not_become_the_bom_of_a_page_text() -> None:
    from stripper.html import strip_html as strip_page

    page = f"<html><body><article><p>إعلان</p><p>{BOM}{BODY_LINES[0]}</p><p>{BODY_LINES[1]}</p></article></body></html>"
    out = strip_page(page, model=_FirstLineJunk(), threshold=0.5)
    assert out and not out.startswith(BOM)


class _Peeler(stripper.Stripper):
    """A stand-in model that calls the last line of every document junk: each pass removes one line.

    The fuzzer found the real model doing this on an 11-line document (8 passes needed); with a
    stand-in the regression does not depend on which model is packaged.
    """

    def line_probabilities(self, lines: object, extras: object = None) -> np.ndarray:
        """No own-line evidence at all."""
        return np.zeros((len(lines), len(LABELS)))  # type: ignore[arg-type]

    def document_probabilities(self, docs: object, extras: object = None, own: object = None,
                               facts: object = None, shapes: object = None, stem_memo: object = None
                               ) -> list[np.ndarray]:
        """Body everywhere but the last line, which is an ad."""
        out = []
        for doc in docs:  # type: ignore[attr-defined]
            proba = np.zeros((len(doc), len(LABELS)))
            proba[:, LABELS.index("body")] = 1.0
            if len(doc):
                proba[-1] = 0.0
                proba[-1, LABELS.index("ad")] = 1.0
            out.append(proba)
        return out


def test_idempotent_when_removals_cascade() -> None:
    peeler = _Peeler()
    text = "".join(f"{BODY_LINES[i % 2]} {i}\n" for i in range(12))
    once = peeler.strip(text, threshold=0.5)
    assert peeler.strip(once, threshold=0.5) == once


@pytest.mark.parametrize("indent", [" " * PREFIX_CHARS, "\t" * (PREFIX_CHARS + 10), "\u200f" * (PREFIX_CHARS + 1)],
                         ids=["spaces", "tabs", "rlm"])
def test_deeply_indented_paragraph_is_read(indent: str) -> None:
    assert line_tokens(indent + BODY_LINES[0]) != ["blank"]


def test_passes_are_bounded_on_huge_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    # Past FIXPOINT_MAX_LINES a cascade stops after MAX_PASSES, so time stays linear in size.
    from stripper import core

    monkeypatch.setattr(core, "FIXPOINT_MAX_LINES", 10)
    text = "".join(f"{BODY_LINES[i % 2]} {i}\n" for i in range(30))
    (verdict,) = _Peeler().judge_many([text], threshold=0.5)
    assert len(verdict.removed) == core.MAX_PASSES


def test_an_empty_document_in_the_batch_changes_nothing(model: stripper.Stripper) -> None:
    # Found by test_idempotent_and_batches_agree: a BOM-only document (no line to judge) in a
    # batch shifted its neighbours' reversed running features and flipped a line at 0.503.
    text = "\ufeffإقرأ أيضاً:\nقال قال قال\nاقرأ أيضا: ارتفاع أعداد مستخدمي الباص السريع"
    other = "قال قال قال قال قال قال قال قال " + "ك" * 50
    out = model.strip(text)
    assert list(model.strip_many([text, other, out, text], batch_size=3)) == [out, model.strip(other), out, out]
