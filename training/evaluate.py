"""Evaluate leaving whole sites and corpus sources out, beside baselines, and report the figures.

    python -m training.evaluate [--corpora DIR] [--folds N] [--no-baselines]

For each fold, a model is trained without that fold's site styles and corpus sources and tested
on pages composed only from them (plus the fold's hand-labelled sites), and on clean articles of
its held-out corpus sources. The seeds and the HTML pages are run through the packaged model.
Figures go to reports/evaluation.json, the model card and the README's metrics table.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from stripper.core import Stripper
from stripper.decode import DEFAULT_THRESHOLD, decide
from stripper.documents import LabelledDoc
from stripper.learn import Prepared, fit
from stripper.metrics import line_metrics
from stripper.textlines import join_kept, split_document

from .baselines import BASELINES
from .dataset import (
    FOLD_TEST_DOCS,
    FOLD_TRAIN_DOCS,
    Sources,
    clean_articles,
    load_sources,
    structure_extras,
    test_docs,
    training_docs,
)
from .documents import REPO, SHARED, seed_documents
from .report import write_reports
from .splits import N_FOLDS

logger = logging.getLogger("training.evaluate")
REPORT = REPO / "reports" / "evaluation.json"
#: Thresholds the evaluation sweeps to show the precision / body-recall trade.
SWEEP = (0.3, 0.5, 0.7, 0.85, 0.95)

Keeper = Callable[[Sequence[str]], list[bool]]


def _lines(doc: LabelledDoc) -> tuple[list[str], list[str | None]]:
    pairs = [(t, lab) for t, lab in doc.lines if t.strip()]
    return [t for t, _ in pairs], [lab for _, lab in pairs]


def stripper_keeps(stripper: Stripper, docs: Sequence[LabelledDoc], threshold: float) -> list[list[bool]]:
    """Keep masks of the model over the non-blank lines of each document, in one batch."""
    probas = stripper.document_probabilities([_lines(d)[0] for d in docs])
    return [[lab == "body" for lab in decide(p, threshold, frozenset())[0]] for p in probas]


def baseline_keeps(keeper: Keeper, docs: Sequence[LabelledDoc]) -> list[list[bool]]:
    """Keep masks of one baseline over the non-blank lines of each document."""
    return [keeper(_lines(d)[0]) if _lines(d)[0] else [] for d in docs]


class Accumulator:
    """Gold labels and keep masks per (part, system), gathered across folds."""

    def __init__(self) -> None:
        """Start empty."""
        self.gold: dict[tuple[str, str], list[list[str | None]]] = {}
        self.kept: dict[tuple[str, str], list[list[bool]]] = {}

    def add(self, part: str, system: str, docs: Sequence[LabelledDoc], keeps: list[list[bool]]) -> None:
        """Record one system's masks for documents of one part (composed, hand, clean)."""
        self.gold.setdefault((part, system), []).extend(_lines(d)[1] for d in docs)
        self.kept.setdefault((part, system), []).extend(keeps)

    def metrics(self) -> dict[str, dict[str, dict[str, object]]]:
        """part -> system -> metrics."""
        out: dict[str, dict[str, dict[str, object]]] = {}
        for key, keeps in self.kept.items():
            out.setdefault(key[0], {})[key[1]] = line_metrics(self.gold[key], keeps)
        return out


def cross_validate(sources: Sources, folds: int = N_FOLDS, baselines: bool = True, seed: int = 0,
                   train_docs: int = FOLD_TRAIN_DOCS, test_docs_n: int = FOLD_TEST_DOCS) -> dict[str, object]:
    """Leave-sites-out cross-validation of the stripper (and baselines on the same lines)."""
    acc = Accumulator()
    sweep = Accumulator()
    per_fold = Accumulator()
    fold_info = []
    for fold in range(folds):
        started = time.time()
        train = training_docs(sources, seed=seed + fold, n_docs=train_docs, exclude_fold=fold)
        model = fit(Prepared(train, extras=structure_extras(train, seed + fold)), seed=seed)
        stripper = Stripper(model)
        test = test_docs(sources, fold, seed=seed, n_docs=test_docs_n)
        parts = {
            "composed": [d for d in test if d.id.startswith("composed-")],
            "hand": [d for d in test if not d.id.startswith("composed-")],
            "clean": clean_articles(sources, fold),
        }
        for part, docs in parts.items():
            acc.add(part, "stripper", docs, stripper_keeps(stripper, docs, DEFAULT_THRESHOLD))
            if baselines:
                for name, keeper in BASELINES.items():
                    acc.add(part, name, docs, baseline_keeps(keeper, docs))
        for part in ("composed", "hand"):
            per_fold.add(part, str(fold), parts[part], stripper_keeps(stripper, parts[part], DEFAULT_THRESHOLD))
        for threshold in SWEEP:
            docs = parts["composed"] + parts["hand"]
            sweep.add("all", str(threshold), docs, stripper_keeps(stripper, docs, threshold))
        held = sorted({d.site for d in test})
        fold_info.append({"fold": fold, "train_pages": len(train), "test_pages": len(test),
                          "held_out_sources": sorted({d.source for d in parts["clean"]}),
                          "held_out_sites": len(held), "seconds": round(time.time() - started, 1)})
        logger.info("fold %d done in %.0fs", fold, time.time() - started)
    return {"folds": fold_info, "metrics": acc.metrics(), "threshold_sweep": sweep.metrics()["all"],
            "per_fold": per_fold.metrics()}


def evaluate_seeds(stripper: Stripper, shared: Path = SHARED) -> dict[str, object]:
    """The packaged model on the five seeds: a seed is exact when strip() returns its gold body."""
    rows = []
    for doc in seed_documents(shared):
        number = doc.id.split("-")[-1]
        (path,) = sorted((shared / "seeds").glob(f"{number}_*.txt"))
        raw = path.read_text(encoding="utf-8")
        parsed = split_document(raw)
        if [t for t, _ in doc.lines] != parsed.lines:
            raise ValueError(f"{path}: lines differ from its gold labels in seeds.labels.jsonl")
        expected = join_kept(parsed, [lab == "body" for _, lab in doc.lines])
        rows.append({"id": doc.id, "file": path.name, "exact": stripper.strip(raw) == expected,
                     "metrics": line_metrics([_lines(doc)[1]], stripper_keeps(stripper, [doc], DEFAULT_THRESHOLD))})
    return {"exact": sum(r["exact"] for r in rows), "documents": len(rows), "rows": rows}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the whole evaluation and write the reports."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", help="folder of the real corpora (default ../shared/corpora)")
    parser.add_argument("--folds", type=int, default=N_FOLDS)
    parser.add_argument("--no-baselines", action="store_true", help="skip jusText, trafilatura and the regex")
    parser.add_argument("--out", default=str(REPORT), help="where to write the JSON report")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    started = time.time()
    sources = load_sources(args.corpora)
    result: dict[str, object] = {"cross_validation": cross_validate(sources, args.folds, not args.no_baselines)}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Saved now so that a later step's failure cannot cost the long cross-validation.
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    packaged = Stripper()
    result["seeds"] = evaluate_seeds(packaged)
    try:
        from .evaluate_html import evaluate_html
    except ImportError:
        logger.warning("training.evaluate_html is not available; HTML pages not evaluated")
    else:
        result["html"] = evaluate_html(packaged)
    result["seconds"] = round(time.time() - started, 1)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(write_reports(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
