"""No regular expression of the stripper backtracks catastrophically on a hostile line.

Every compiled pattern at module level of the stripper's modules (also those kept inside tuples,
lists or dicts, like the Markdown HTML-block table) is run with `search`, `match` and `findall`
(as `finditer`) on adversarial strings: long runs of one character class, patterns that almost
match a date, a clock or a URL, `\\w` runs without a terminator, `#`/`@` runs, almost-tags. Timing
is never compared with a number of seconds (the suite runs on loaded machines), and it is CPU
time: the cost at 100k characters must be less than RATIO_LIMIT times the cost at 10k, where
linear work gives 10 and quadratic 100. Each pattern runs in a forked child under a hang guard,
so that an exponential one fails its test instead of hanging the suite.

The full `stripper.strip` is then run on a 10 MB line of each adversarial shape; it must return
(a kept line or nothing), with no timing assertion.
"""

from __future__ import annotations

import importlib
import multiprocessing
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from types import ModuleType

import pytest

import stripper

#: Modules whose module-level patterns are checked; the ones that do not exist are skipped.
MODULES = ("features", "normalize", "lexicon", "decode", "textlines", "markdown", "fileio", "html",
           "charset", "corpus")
#: Input sizes compared: a linear pattern costs ten times more on the larger one.
SMALL = 10_000
LARGE = 100_000
#: Largest accepted cost ratio between the two sizes; quadratic behaviour shows as ~100.
RATIO_LIMIT = 30
#: Timed repetitions; the fastest is kept, so a scheduler hiccup on a busy machine does not count.
REPEATS = 3
#: A shape over the limit is measured again with this many times the repetitions before failing.
RETRY_FACTOR = 4
#: Not a timing assertion: a hang guard. Each shape normally takes milliseconds; a child that goes
#: this long without finishing one is stuck in a backtracking explosion and is killed.
HANG_GUARD_SECONDS = 120
#: A single run this many times over the limit is taken as proof at once, not measured again.
OBVIOUS_FACTOR = 10
#: Length of the one-line documents given to strip(): the issue's hostile size.
HUGE_LINE = 10_000_000
#: Containers inside a module are searched this deep for patterns.
MAX_DEPTH = 3


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _shape(prefix: str, unit: str, suffix: str = "") -> Callable[[int], str]:
    """A string of `size` characters: prefix, `unit` repeated, suffix."""
    return lambda size: prefix + _fill(unit, size - len(prefix) - len(suffix)) + suffix


#: Adversarial shapes, each a function of the size.
SHAPES: dict[str, Callable[[int], str]] = {
    # Long runs of each character class.
    "latin": _shape("", "a"),
    "LATIN": _shape("", "A"),
    "arabic": _shape("", "ب"),
    "arabic-word-no-space": _shape("", "كلمة"),
    "digits": _shape("", "1"),
    "eastern-digits": _shape("", "٣"),
    "spaces": _shape("", " "),
    "tabs": _shape("", "\t"),
    "tatweel": _shape("", "ـ"),
    "zwj": _shape("", "\u200d"),
    "bidi": _shape("", "\u202e\u2067"),
    "emoji": _shape("", "🙂"),
    "nul": _shape("", "\x00"),
    "replacement": _shape("", "\ufffd"),
    "latin1": _shape("", "\u00c0"),
    "c1-controls": _shape("", "\u0085"),
    "hashes": _shape("", "#"),
    "ats": _shape("", "@"),
    "hash-word": _shape("", "#a "),
    "colons": _shape("", ":"),
    "pipes": _shape("", "|"),
    "dashes": _shape("", "-"),
    "stars": _shape("", "*"),
    "underscores": _shape("", "_"),
    "backticks": _shape("", "`"),
    "equals": _shape("", "="),
    "brackets": _shape("", "["),
    "lt": _shape("", "<"),
    # Near misses for the date, clock, year and URL patterns.
    "digit-colon": _shape("", "1:"),
    "digit-dot": _shape("", "1."),
    "digit-slash": _shape("", "1/"),
    "digit-dash": _shape("", "12-"),
    "almost-date": _shape("", "12/12/"),
    "almost-date-dots": _shape("", "2024.1."),
    "almost-clock": _shape("", "123:4"),
    "year-run": _shape("", "19"),
    "www-run": _shape("", "www"),
    "dot-com-run": _shape("", ".co"),
    "http-run": _shape("", "http:/"),
    # \w runs without the terminator a pattern waits for.
    "word-no-end": _shape("", "ab1"),
    "camel": _shape("", "aA"),
    "caps-then-lower": _shape("", "A", "a"),
    "words-then-bang": _shape("", "كلمة ", "!"),
    # Markdown and HTML shapes that open a construct and never close it.
    "dash-space": _shape("", "- ", "x"),
    "star-space": _shape("", "* ", "x"),
    "table-cells": _shape("|", ":-:|", "x"),
    "table-cells-spaced": _shape("", " | --- ", "x"),
    "link-ref": _shape("[", "a", "]"),
    "fence": _shape("", "`", "x"),
    "atx": _shape("", "#", "x"),
    "open-tag": _shape("<", "a"),
    "script-no-gt": _shape("<script", " a"),
    "script-runs": _shape("", "<script "),
    "meta-runs": _shape("", "<meta "),
    "meta-charset-no-eq": _shape("<meta ", " charset "),
    "xml-decl": _shape("<?xml ", " encoding "),
    "comment-open": _shape("<!--", "-"),
    "cdata-open": _shape("<![CDATA[", "]"),
}


def _patterns() -> Iterator[tuple[str, re.Pattern[str] | re.Pattern[bytes]]]:
    """(name, pattern) for every compiled pattern reachable from the modules' globals."""
    seen: set[int] = set()

    def walk(value: object, name: str, depth: int) -> Iterator[tuple[str, re.Pattern[str] | re.Pattern[bytes]]]:
        if isinstance(value, re.Pattern):
            if id(value) not in seen:
                seen.add(id(value))
                yield name, value
        elif depth < MAX_DEPTH and isinstance(value, tuple | list | set | frozenset):
            for i, item in enumerate(value):
                yield from walk(item, f"{name}[{i}]", depth + 1)
        elif depth < MAX_DEPTH and isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{name}[{key!r}]", depth + 1)

    for short in MODULES:
        module: ModuleType
        try:
            module = importlib.import_module(f"stripper.{short}")
        except ImportError:
            continue
        for var, value in vars(module).items():
            yield from walk(value, f"stripper.{short}.{var}", 0)


PATTERNS = list(_patterns())


def test_patterns_were_found() -> None:
    names = [name for name, _ in PATTERNS]
    # A broken walk would make every other test here pass vacuously.
    assert any(name.startswith("stripper.features._DATE") for name in names)
    assert any(name.startswith("stripper.markdown._HTML_STARTS") for name in names)
    assert any(isinstance(p.pattern, bytes) for _, p in PATTERNS)


def _subject(pattern: re.Pattern[str] | re.Pattern[bytes], text: str) -> str | bytes:
    return text.encode("utf-8", "surrogatepass") if isinstance(pattern.pattern, bytes) else text


def _run(pattern: re.Pattern[str] | re.Pattern[bytes], subject: str | bytes) -> float:
    """CPU seconds for one search + match + finditer over `subject`."""
    # CPU time, not wall time (perf_counter): on a loaded machine a 100k run is preempted far more
    # often than a 10k one, which inflates the ratio although the matching did no extra work.
    start = time.process_time()
    pattern.search(subject)  # type: ignore[arg-type]
    pattern.match(subject)  # type: ignore[arg-type]
    # findall's work without keeping 100k results alive: a growing result list costs cache
    # misses that look superlinear on a busy machine although the matching is linear.
    deque(pattern.finditer(subject), maxlen=0)  # type: ignore[arg-type]
    return time.process_time() - start


#: A pattern that tries every position once and matches nowhere but the end: the yardstick for
#: "this input needs no work", so that timer noise on microseconds cannot fail a test.
_SCAN = re.compile(r"\Z")


def _ratio(pattern: re.Pattern[str] | re.Pattern[bytes], make: Callable[[int], str],
           repeats: int) -> tuple[float, float, float]:
    """(cost at SMALL, cost at LARGE, their ratio), fastest of `repeats` interleaved runs each."""
    small_text, large_text = make(SMALL), make(LARGE)
    small_subject, large_subject = _subject(pattern, small_text), _subject(pattern, large_text)
    small = large = floor = float("inf")
    for _ in range(repeats):
        # Interleaved, so a burst of load on the machine hits both sizes alike.
        small = min(small, _run(pattern, small_subject))
        large = min(large, _run(pattern, large_subject))
        floor = min(floor, _run(_SCAN, small_text))
        if large / max(small, floor) >= RATIO_LIMIT * OBVIOUS_FACTOR:
            break  # no load explains this much; another run of a quadratic pattern would only cost time
    return small, large, large / max(small, floor)


def _slow_shapes(pattern: re.Pattern[str] | re.Pattern[bytes], report: Callable[[str], None]) -> list[str]:
    """The shapes on which `pattern` is superlinear, described; `report` hears each shape as it starts."""
    slow: list[str] = []
    for shape, make in SHAPES.items():
        report(shape)
        small, large, ratio = _ratio(pattern, make, REPEATS)
        if ratio >= RATIO_LIMIT:
            # Backtracking is superlinear every time; a loaded machine is not: measure again, longer.
            small, large, ratio = _ratio(pattern, make, REPEATS * RETRY_FACTOR)
        if ratio >= RATIO_LIMIT:
            slow.append(f"{shape}: {small * 1e3:.2f} ms at {SMALL:,} chars, {large * 1e3:.2f} ms at {LARGE:,} "
                        f"(x{ratio:.0f})")
    return slow


def _child(pattern: re.Pattern[str] | re.Pattern[bytes], conn: Connection) -> None:
    conn.send(("done", _slow_shapes(pattern, lambda shape: conn.send(("shape", shape)))))
    conn.close()


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_pattern_is_linear_on_adversarial_lines(name: str, pattern: re.Pattern[str] | re.Pattern[bytes]) -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        slow = _slow_shapes(pattern, lambda shape: None)
    else:
        # In a forked child: the regex engine cannot be interrupted, and an exponential pattern
        # would otherwise hang the whole suite instead of failing this one test.
        parent, child = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(target=_child, args=(pattern, child), daemon=True)
        process.start()
        child.close()
        shape, slow_or_none = "", None
        while parent.poll(HANG_GUARD_SECONDS):
            try:
                kind, value = parent.recv()
            except EOFError:  # the child died (an exception is printed on stderr)
                break
            if kind == "done":
                slow_or_none = value
                break
            shape = value
        if slow_or_none is None:
            process.kill()
        process.join()
        assert slow_or_none is not None, (
            f"{name} ({pattern.pattern!r}) did not finish the {shape!r} shape: catastrophic backtracking "
            f"(hang guard, {HANG_GUARD_SECONDS} s without progress on inputs that take milliseconds), "
            "or the measuring process died")
        slow = slow_or_none
    assert not slow, f"{name} ({pattern.pattern!r}) is superlinear on: " + "; ".join(slow)


@pytest.fixture(scope="module")
def model() -> stripper.Stripper:
    """One stripper for every huge line, so the model loads once."""
    return stripper.Stripper()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_strip_survives_a_huge_adversarial_line(model: stripper.Stripper, shape: str) -> None:
    line = SHAPES[shape](HUGE_LINE)
    for text in (line, line + "\n"):
        out = model.strip(text)
        # One line: it is kept whole or removed, never cut.
        assert out in (text, "")
