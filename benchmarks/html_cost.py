"""What strip_html adds to trafilatura's own extraction time, on the project's HTML pages.

Each page is timed with trafilatura.extract alone (the issue's baseline settings), with
html_lines (extraction plus the structural pass, no model) and with strip_html (everything),
interleaved so that machine load hits all three alike; each page's median over the repeats is
taken, and the medians are summed.

    python benchmarks/html_cost.py [--repeats 9] [--per-page] [--check]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from stripper.core import default_stripper  # noqa: E402
from stripper.html import html_lines, strip_html  # noqa: E402
from training.structure import html_pages  # noqa: E402

#: The issue's budget: strip_html may add at most this share to trafilatura's time.
TARGET_OVERHEAD = 0.20
#: Timed runs per page and system; the median is kept.
DEFAULT_REPEATS = 9
#: trafilatura's settings for the baseline, as the issue states them.
BASELINE = {"include_comments": False, "include_tables": False}


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(pages: Sequence[bytes], repeats: int) -> list[dict[str, float]]:
    """Median seconds per page for trafilatura alone, html_lines and strip_html."""
    systems: dict[str, Callable[[bytes], object]] = {
        "trafilatura": lambda data: trafilatura.extract(data, **BASELINE),
        "html_lines": html_lines,
        "strip_html": strip_html,
    }
    default_stripper().model  # noqa: B018 -- load the model outside the timings
    for data in pages:  # warm every code path and cache once
        for run in systems.values():
            run(data)
    rows: list[dict[str, float]] = []
    for data in pages:
        times: dict[str, list[float]] = {name: [] for name in systems}
        for _ in range(repeats):
            for name, run in systems.items():
                times[name].append(_seconds(lambda run=run, data=data: run(data)))  # type: ignore[misc]
        rows.append({name: statistics.median(ts) for name, ts in times.items()})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Time the pages and print the overhead; with --check, exit 1 when over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--per-page", action="store_true", help="print every page's medians")
    parser.add_argument("--check", action="store_true", help="exit 1 when strip_html exceeds the target")
    args = parser.parse_args(argv)
    found = html_pages()
    pages = [page.read_bytes() for _, page, _ in found]
    rows = measure(pages, args.repeats)
    if args.per_page:
        print(f"{'page':20s} {'trafilatura':>12s} {'html_lines':>12s} {'strip_html':>12s}")
        for (_, page, _), row in zip(found, rows):
            print(f"{page.stem:20s} {row['trafilatura'] * 1e3:10.2f}ms {row['html_lines'] * 1e3:10.2f}ms "
                  f"{row['strip_html'] * 1e3:10.2f}ms")
    total = {name: sum(row[name] for row in rows) for name in rows[0]}
    base = total["trafilatura"]
    print(f"pages: {len(pages)}, repeats: {args.repeats} (median per page, summed)")
    print(f"trafilatura.extract alone : {base * 1e3:9.1f} ms")
    print(f"html_lines (no model)     : {total['html_lines'] * 1e3:9.1f} ms  "
          f"({100 * (total['html_lines'] / base - 1):+.1f}%)")
    print(f"strip_html                : {total['strip_html'] * 1e3:9.1f} ms  "
          f"({100 * (total['strip_html'] / base - 1):+.1f}%)")
    print(f"  of which the model      : {(total['strip_html'] - total['html_lines']) * 1e3:9.1f} ms")
    overhead = total["strip_html"] / base - 1
    verdict = "met" if overhead <= TARGET_OVERHEAD else "NOT met"
    print(f"target: at most +{100 * TARGET_OVERHEAD:.0f}% -> {verdict}")
    return 1 if args.check and overhead > TARGET_OVERHEAD else 0


if __name__ == "__main__":
    raise SystemExit(main())
