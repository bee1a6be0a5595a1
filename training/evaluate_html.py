"""trafilatura alone versus strip_html on the project's HTML pages and the shared real one.

For each page both systems' output lines are compared with the page's gold body lines
(whitespace-collapsed, exact match): body lines kept are gold lines present in the output, junk
lines left are output lines that are not gold. trafilatura prints list items as markdown
(`- item`); that marker is removed before comparing, so the table measures what each system
keeps, not how it formats it.

    python -m training.evaluate_html            # prints the markdown table
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import trafilatura

from stripper.core import Stripper
from stripper.html import strip_html

from .structure import gold_lines, html_pages

#: trafilatura's own settings for the baseline, as the issue states them.
TRAFILATURA_BASELINE = {"include_comments": False, "include_tables": False}
#: trafilatura's text output marks list items with this prefix.
LIST_MARKER = "- "

SYSTEMS = ("trafilatura", "strip_html")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def trafilatura_lines(data: bytes) -> list[str]:
    """trafilatura.extract's lines for a page, whitespace-collapsed, list markers removed."""
    text = trafilatura.extract(data, **TRAFILATURA_BASELINE) or ""
    out: list[str] = []
    for line in text.splitlines():
        line = _collapse(line)
        if line.startswith(LIST_MARKER):
            line = line[len(LIST_MARKER) :]
        if line:
            out.append(line)
    return out


def strip_html_lines(data: bytes, stripper: Stripper | None = None) -> list[str]:
    """strip_html's lines for a page, whitespace-collapsed."""
    return [_collapse(line) for line in strip_html(data, model=stripper).splitlines() if line.strip()]


def score(output: Sequence[str], gold: Sequence[str]) -> dict[str, int]:
    """Body lines kept and junk lines left of one output against its gold lines."""
    gold_set = set(gold)
    out_set = set(output)
    return {"kept": sum(1 for line in gold_set if line in out_set),
            "junk": sum(1 for line in output if line not in gold_set)}


def evaluate_html(stripper: Stripper | None = None) -> dict[str, object]:
    """Per-page and total body-kept / junk-left counts for trafilatura alone and strip_html."""
    rows: list[dict[str, object]] = []
    totals = {"gold": 0, **{system: {"kept": 0, "junk": 0} for system in SYSTEMS}}
    for site, page, gold_path in html_pages():
        data = page.read_bytes()
        gold = gold_lines(gold_path)
        row: dict[str, object] = {"page": page.stem, "site": site, "gold": len(set(gold)),
                                  "trafilatura": score(trafilatura_lines(data), gold),
                                  "strip_html": score(strip_html_lines(data, stripper), gold)}
        rows.append(row)
        totals["gold"] += row["gold"]  # type: ignore[operator]
        for system in SYSTEMS:
            for key in ("kept", "junk"):
                totals[system][key] += row[system][key]  # type: ignore[index]
    return {"pages": rows, "totals": totals}


def _share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def markdown_table(result: dict[str, object]) -> str:
    """The evaluation as a README table: one row per page, totals last."""
    lines = [
        "| page | gold lines | trafilatura: body kept | trafilatura: junk left | strip_html: body kept "
        "| strip_html: junk left |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["pages"]:  # type: ignore[attr-defined]
        t, s = row["trafilatura"], row["strip_html"]
        lines.append(f"| {row['page']} | {row['gold']} | {t['kept']} | {t['junk']} | {s['kept']} | {s['junk']} |")
    tot = result["totals"]
    gold = tot["gold"]  # type: ignore[index]
    t, s = tot["trafilatura"], tot["strip_html"]  # type: ignore[index]
    lines.append(
        f"| **total** | **{gold}** | **{t['kept']}** ({_share(t['kept'], gold)}) | **{t['junk']}** "
        f"| **{s['kept']}** ({_share(s['kept'], gold)}) | **{s['junk']}** |"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the evaluation table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate_html", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a trusted model file to evaluate instead of the packaged one")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    stripper = Stripper(args.model, trusted=True) if args.model else None
    result = evaluate_html(stripper)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(markdown_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
