"""Turn an evaluation result into Markdown: the model card and the README's metrics table."""

from __future__ import annotations

import re

from .documents import REPO
from .package import CARD
from .splits import UNTOUCHED_FOLD

README = REPO / "README.md"
START, END = "<!-- metrics:start -->", "<!-- metrics:end -->"
#: The targets the evaluation reports against (issue 2).
TARGET_F1 = 0.97
TARGET_BODY_RECALL = 0.998
TARGET_MARGIN = 0.25
PARTS = {
    "composed": "composed pages of held-out sites and sources",
    "hand": "hand-labelled pages of held-out sites",
    "clean": "clean articles of held-out corpus sources",
}


def _pct(value: object) -> str:
    return "–" if value is None else f"{float(value):.4f}"  # type: ignore[arg-type]


def metrics_tables(result: dict) -> str:
    """Markdown tables of the cross-validation, seeds, HTML and threshold sweep."""
    cv = result["cross_validation"]
    out: list[str] = []
    for part, title in PARTS.items():
        systems = cv["metrics"].get(part)
        if not systems:
            continue
        out += [
            f"**{title}** ({systems['stripper']['documents']} documents, {systems['stripper']['lines']} lines)",
            "",
            "| system | junk precision | junk recall | junk F1 | body recall | exact documents |",
            "|---|---|---|---|---|---|",
        ]
        for name, m in systems.items():
            out.append(
                f"| {name} | {_pct(m['junk_precision'])} | {_pct(m['junk_recall'])} | {_pct(m['junk_f1'])} "
                f"| {_pct(m['body_recall'])} | {_pct(m['exact_match'])} |"
            )
        out.append("")
    composed = cv["metrics"].get("composed", {})
    if composed:
        labels = list(composed["stripper"]["per_label_recall"])
        out += [
            "**per-label recall** (composed pages of held-out sites)",
            "",
            "| system | " + " | ".join(labels) + " |",
            "|---" * (len(labels) + 1) + "|",
        ]
        for name, m in composed.items():
            out.append(f"| {name} | " + " | ".join(_pct(m["per_label_recall"][lab]) for lab in labels) + " |")
        out.append("")
    if "per_fold" in cv:
        out += [
            "**per fold** (the stripper; fold "
            f"{UNTOUCHED_FOLD} is the one no development choice looked at: `python -m training.dev` "
            "splits only the others)",
            "",
            "| fold | part | documents | junk precision | junk recall | junk F1 | body recall |",
            "|---|---|---|---|---|---|---|",
        ]
        for part, folds in cv["per_fold"].items():
            for fold, m in folds.items():
                mark = " (untouched)" if fold == str(UNTOUCHED_FOLD) else ""
                out.append(
                    f"| {fold}{mark} | {part} | {m['documents']} | {_pct(m['junk_precision'])} | "
                    f"{_pct(m['junk_recall'])} | {_pct(m['junk_f1'])} | {_pct(m['body_recall'])} |"
                )
        out.append("")
    if "threshold_sweep" in cv:
        out += [
            "**threshold** (held-out pages, all parts but clean)",
            "",
            "| threshold | junk precision | junk recall | junk F1 | body recall |",
            "|---|---|---|---|---|",
        ]
        for threshold, m in cv["threshold_sweep"].items():
            out.append(
                f"| {threshold} | {_pct(m['junk_precision'])} | {_pct(m['junk_recall'])} | "
                f"{_pct(m['junk_f1'])} | {_pct(m['body_recall'])} |"
            )
        out.append("")
    if "seeds" in result:
        seeds = result["seeds"]
        out += [f"**seeds**: {seeds['exact']}/{seeds['documents']} cleaned exactly by the packaged model.", ""]
    if "html" in result:
        from .evaluate_html import markdown_table

        out += ["**HTML pages** (packaged model; trafilatura alone vs `strip_html`: gold body lines kept, "
                "junk lines left)", "", markdown_table(result["html"]), ""]
    out += targets(result)
    return "\n".join(out)


def targets(result: dict) -> list[str]:
    """The issue's targets, each with the measured figure and whether it is met."""
    systems = result["cross_validation"]["metrics"].get("composed", {})
    if "stripper" not in systems:
        return []
    ours = systems["stripper"]
    best = max((m["junk_f1"] for name, m in systems.items() if name != "stripper"), default=None)
    rows = [
        ("leave-sites-out junk F1 ≥ 0.97", ours["junk_f1"], ours["junk_f1"] >= TARGET_F1),
        ("body recall ≥ 0.998", ours["body_recall"], ours["body_recall"] >= TARGET_BODY_RECALL),
    ]
    if best is not None:
        rows.append(
            (
                "junk F1 ≥ best baseline + 0.25",
                f"{ours['junk_f1']:.4f} vs {best:.4f}",
                ours["junk_f1"] >= best + TARGET_MARGIN,
            )
        )
    if "seeds" in result:
        seeds = result["seeds"]
        rows.append(("seeds 5/5", f"{seeds['exact']}/{seeds['documents']}", seeds["exact"] == seeds["documents"]))
    lines = ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else 'no'} |" for name, value, ok in rows]
    return ["**targets** (composed pages of held-out sites)", "", *lines, ""]


def _replace_between(text: str, body: str) -> str:
    block = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_reports(result: dict) -> str:
    """Write the tables into the model card and the README (between the metrics markers)."""
    tables = metrics_tables(result)
    for path in (CARD, README):
        if path.exists():
            path.write_text(_replace_between(path.read_text(encoding="utf-8"), tables), encoding="utf-8")
    return tables
