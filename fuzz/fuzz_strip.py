#!/usr/bin/env python3
"""Coverage-guided fuzz target (atheris/libFuzzer) for `strip`, `classify`, `judge_many` and `strip_html`.

Every input is turned into a document one of four ways (well-formed Unicode, Unicode with lone
surrogates, a "token soup" of real Arabic news lines, junk markers, control and bidi characters and
mixed line endings, or raw bytes), run through the public API, and checked against the text
contract; a violated invariant raises `ContractViolation`, which libFuzzer reports as a crash and
saves as `crash-<sha1>` under -artifact_prefix.

    # the short run the test suite does (tests/test_fuzz.py), new corpus entries kept out of git:
    mkdir -p /tmp/fuzz-corpus
    python fuzz/fuzz_strip.py -max_total_time=60 -runs=300 -rss_limit_mb=2048 -artifact_prefix=/tmp/fuzz- \
        /tmp/fuzz-corpus tests/fuzz_corpus
    # a long run on both cores: 240 jobs of 300 inputs each, two at a time (about an hour;
    # resumable, the corpus in /tmp/fuzz-corpus grows). Under atheris the process grows by about
    # 4 MB an input, so each job is a fresh process capped in inputs; -jobs runs this file
    # directly, hence its shebang and executable bit:
    python fuzz/fuzz_strip.py -runs=300 -rss_limit_mb=2048 -timeout=120 -jobs=240 -workers=2 \
        -artifact_prefix=/tmp/fuzz- /tmp/fuzz-corpus tests/fuzz_corpus
    # replay one crash file (or a whole directory) without fuzzing:
    python fuzz/fuzz_strip.py /tmp/fuzz-crash-0123abcd

libFuzzer writes new inputs into the FIRST corpus directory, so tests/fuzz_corpus (the committed
seeds, and regression-*.bin: the inputs of every crash found so far) goes second. The checks are
plain functions (`check_text`, `check_html`) that need no atheris, for replaying a document by hand.
Every bug found so far is fixed and pinned by a regression test in tests/test_hostile.py.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NamedTuple

#: Input modes chosen by the first byte of every fuzz input.
MODE_UNICODE = 0
MODE_SURROGATES = 1
MODE_TOKENS = 2
MODE_BYTES = 3
#: Characters at most in one generated document: the model is the slow part, not the size.
MAX_CHARS = 4096
#: One input in this many also gets the HTML path, and one in this many the thorough text checks:
#: each costs several model calls (~20 ms each, whatever the size), which would halve exec/s.
HTML_ONE_IN = 4
THOROUGH_ONE_IN = 4
#: Real shapes the model must judge, so that inputs mix body and junk lines and the rebuild path
#: (gaps, separators, endings) is exercised, not only "everything removed" or "nothing removed".
TOKENS: tuple[str, ...] = (
    "قال وزير النقل إن المشروع سيكتمل العام المقبل بتكلفة تبلغ مليوني دينار.",
    "وأضاف أن الحافلات الجديدة ستخدم أكثر من عشرين ألف راكب يومياً في العاصمة.",
    "عمّان - المنارة",
    "إعلان",
    "اقرأ أيضا: ارتفاع أعداد مستخدمي الباص السريع",
    "إقرأ أيضاً:",
    "المصدر: وكالة الأنباء الأردنية (بترا)",
    "تابعونا على تيليجرام",
    "جميع الحقوق محفوظة",
    "كلمات دلالية: النقل العام الحافلات",
    "• تشغيل 15 حافلة كهربائية",
    "مقالات مشابهة",
    "09:33 ص السبت 09 ديسمبر 2017",
    "2024/09/04",
    "#عاجل #الأردن",
    "@user",
    "https://example.com/x",
    "Advertisement",
    "٣٤٥",
    "ـــــ",
    "🙂👍🏽",
    "\u200d", "\u200c", "\u200f", "\u200e",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
    "\ufeff", "\x00", "\t", " ", "  ",
    "\ud800", "\udfff", "\udc80",
    "\n", "\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n",
    "<p>", "</p>", "<div class=\"related\">", "</div>", "<script>", "</script>", "<h1>", "</h1>",
    "<meta charset=\"windows-1256\">", "&amp;", "&#1575;",
)


class ContractViolation(AssertionError):
    """An invariant of the text contract does not hold for a fuzz input."""


def _require(condition: bool, message: str, text: object) -> None:
    if not condition:
        raise ContractViolation(f"{message}; input={text!r:.2000}")


def _subsequence(small: Sequence[str], big: Sequence[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def _nonblank(lines: Sequence[str]) -> list[str]:
    return [line for line in lines if line.strip()]


def check_text(text: str, *, thorough: bool = True) -> None:
    """Run `text` through strip/classify/judge_many/strip_many; raise ContractViolation on any broken rule.

    `thorough=False` skips the cross-checks that cost extra model calls (idempotence in a call of
    its own, strip_many batching, keep=every label); the fuzz loop runs them on a share of inputs.
    """
    import stripper
    from stripper.core import default_stripper
    from stripper.labels import JUNK_LABELS
    from stripper.textlines import BOM, split_document

    model = default_stripper()
    out = stripper.strip(text)
    _require(isinstance(out, str), "strip returned a non-str", text)
    doc = split_document(text)
    got = split_document(out)

    # One verdict says exactly which input lines went; everything else is checked against it.
    verdict, again = model.judge_many([text, out])
    _require(verdict.text == out, "judge_many text differs from strip", text)
    removed = {line.number - 1 for line in verdict.removed}
    for line in verdict.removed:
        _require(0 <= line.number - 1 < len(doc.lines) and doc.lines[line.number - 1] == line.text,
                 f"judge_many names line {line.number} with the wrong text", text)
        _require(line.label in JUNK_LABELS, f"removed line labelled {line.label!r}", text)
    kept = [i for i in range(len(doc.lines)) if not doc.blank(i) and i not in removed]
    out_rows = [i for i in range(len(got.lines)) if not got.blank(i)]
    _require([doc.lines[i] for i in kept] == [got.lines[j] for j in out_rows],
             "output lines are not the input lines minus the removed ones, in order", text)
    final_newline = bool(doc.endings) and bool(doc.endings[-1])
    for n, (i, j) in enumerate(zip(kept, out_rows)):
        ending = got.endings[j]
        # Only the last kept line may lose its ending, when the input had no final newline.
        last_without_eol = n == len(out_rows) - 1 and not final_newline and ending == ""
        _require(ending == doc.endings[i] or last_without_eol, f"line {i + 1} changed its ending", text)
    blanks = {doc.lines[i] for i in range(len(doc.lines)) if doc.blank(i)} | {""}
    _require(all(got.lines[j] in blanks for j in range(len(got.lines)) if got.blank(j)),
             "a blank line that was not in the input", text)
    _require(out.startswith(BOM) == text.startswith(BOM), "BOM not preserved", text)
    if out_rows:
        _require(out.endswith("\n") == text.endswith("\n"), "final newline not preserved", text)
    if not removed:
        _require(out == text, "nothing removed but the text changed", text)

    # Idempotence, twice over: the second document of the batch was `out` itself.
    _require(again.text == out and not again.removed, "strip(strip(x)) != strip(x)", text)
    if thorough:
        _require(stripper.strip(out) == out, "strip(strip(x)) != strip(x) in a call of its own", text)
        _require(list(stripper.strip_many([text, out, text], batch_size=2)) == [out, out, out],
                 "strip_many disagrees with strip", text)
        _require(stripper.strip(text, keep=JUNK_LABELS) == text, "keeping every label still changed the text", text)

    lines = stripper.classify(text)
    _require(len(lines) == len(doc.lines), "classify: not one entry per input line", text)
    for number, (line, original) in enumerate(zip(lines, doc.lines), start=1):
        _require(line.number == number and line.text == original, "classify: wrong number or text", text)
        _require((line.label is None) == (not original.strip()), "classify: label None iff blank", text)
        _require(line.label is None or (line.score is not None and 0.0 <= line.score <= 1.0),
                 "classify: score out of [0, 1]", text)


def check_html(page: str | bytes) -> None:
    """Run a page through strip_html; raise ContractViolation when its output breaks the rules."""
    import stripper
    from stripper.labels import JUNK_LABELS
    from stripper.textlines import split_document

    clean = stripper.strip_html(page)
    _require(isinstance(clean, str), "strip_html returned a non-str", page)
    _require(clean == "" or clean.endswith("\n"), "strip_html output does not end with a newline", page)
    # The CLI finds the lines a page lost by walking the kept lines through the extracted ones.
    extracted = stripper.strip_html(page, keep=JUNK_LABELS)
    _require(_subsequence(_nonblank(split_document(clean).lines), _nonblank(split_document(extracted).lines)),
             "strip_html kept lines that the extraction does not have", page)


class FuzzInput(NamedTuple):
    """One decoded fuzz input: the text, its bytes for strip_html(bytes), and which checks to run."""

    text: str
    raw: bytes
    html: bool
    thorough: bool


def document_from(data: bytes) -> FuzzInput:
    """Decode one fuzz input deterministically, so that a saved crash file replays the same checks."""
    import atheris

    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(MODE_UNICODE, MODE_BYTES)
    flags = fdp.ConsumeIntInRange(0, HTML_ONE_IN * THOROUGH_ONE_IN - 1)
    html = flags % HTML_ONE_IN == 0
    thorough = flags // HTML_ONE_IN == 0
    if mode == MODE_UNICODE:
        text = fdp.ConsumeUnicodeNoSurrogates(MAX_CHARS)
    elif mode == MODE_SURROGATES:
        text = fdp.ConsumeUnicode(MAX_CHARS)
    elif mode == MODE_TOKENS:
        picks = fdp.ConsumeIntListInRange(min(fdp.remaining_bytes(), MAX_CHARS // 8), 0, len(TOKENS) - 1)
        text = "".join(TOKENS[i] for i in picks)
    else:
        text = fdp.ConsumeBytes(MAX_CHARS).decode("utf-8", "surrogateescape")
    # surrogatepass: a lone surrogate becomes the invalid UTF-8 a broken page really contains.
    raw = text.encode("utf-8", "surrogatepass")
    return FuzzInput(text, raw, html, thorough)


def test_one_input(data: bytes) -> None:
    """libFuzzer's callback: build a document from `data` and check every contract on it."""
    case = document_from(data)
    check_text(case.text, thorough=case.thorough)
    if case.html:
        check_html(case.text)
        check_html(case.raw)


def main(argv: list[str]) -> None:
    """Instrument the stripper package only (not numpy/scikit-learn), then hand over to libFuzzer."""
    import atheris

    with atheris.instrument_imports(include=["stripper"]):
        import stripper
        import stripper.html  # instrumented too: imported here, not lazily by strip_html, for that

    from threadpoolctl import threadpool_limits

    # One OpenMP thread, as the CLI does: the fuzzer process is the parallelism (-jobs/-workers).
    threadpool_limits(limits=1, user_api="openmp")
    # Warm the model up outside the fuzz loop so the first input is not charged the load.
    stripper.strip("تمهيد\n")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
