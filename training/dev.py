"""Inner development splits: where decode rules, cue words and thresholds are chosen.

    python -m training.dev [--split 0 1 2] [--seeds N] [--errors FILE] [--corpora DIR]

Nothing here reads the cross-validation's test pages. Fold 0 of the leave-sites-out folds is
left out entirely; the other site styles, hand-labelled sites and corpus sources are dealt to
DEV_SPLITS inner splits by a stable hash of their names, and for each split asked for a model is
trained on the rest and tested on pages composed only from that split's styles and sources (and
its hand-labelled sites). A choice should hold on more than one split before it lands.

One training run is one draw: a change of the training pages (even a few synthetic tokens drawn
differently) moves a split's figures by as much as most choices do. `--seeds N` trains each
split N times on pages composed with different seeds (the test pages stay the same) and prints
each run and their mean and spread, so that a choice can be weighed against that spread.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from stripper.core import Stripper
from stripper.decode import DEFAULT_THRESHOLD, decide
from stripper.documents import LabelledDoc
from stripper.learn import Prepared, fit
from stripper.metrics import line_metrics

from .dataset import HAND_REPEAT, Sources, compose_for, load_sources, structure_extras
from .splits import UNTOUCHED_FOLD, site_of

logger = logging.getLogger("training.dev")
#: Inner splits the names outside fold 0 are dealt to.
DEV_SPLITS = 3
#: Composed pages to train on, and to test on, per split (the shipped model's density over the
#: half of the styles a split trains on; see dataset.TRAIN_DOCS).
DEV_TRAIN_DOCS = 7000
DEV_TEST_DOCS = 600
#: Composition seeds of the training pages (plus the draw) and of the test pages.
TRAIN_SEED = 7
TEST_SEED = 8


def dev_split(name: str, splits: int = DEV_SPLITS) -> int:
    """The inner split a style, site or source belongs to, from a stable hash of its site's name
    (a style and a corpus source of the same site share it)."""
    return int(hashlib.sha1(f"dev:{site_of(name)}".encode()).hexdigest(), 16) % splits


def split_docs(sources: Sources, split: int, draw: int = 0) -> tuple[list[LabelledDoc], list[LabelledDoc]]:
    """Training and test pages of one inner split, both outside fold UNTOUCHED_FOLD; `draw`
    picks another composition of the training pages (0: the usual one), never of the test pages."""
    sfold, cfold = sources.style_folds(), sources.source_folds()
    styles = [s for s in sfold if s in sources.styles and sfold[s] != UNTOUCHED_FOLD]
    names = [s for s in cfold if cfold[s] != UNTOUCHED_FOLD]
    hand = [d for d in sources.hand if sfold[d.site] != UNTOUCHED_FOLD]
    train = compose_for(sources, [s for s in styles if dev_split(s) != split],
                        [s for s in names if dev_split(s) != split], DEV_TRAIN_DOCS, seed=TRAIN_SEED + draw)
    test = compose_for(sources, [s for s in styles if dev_split(s) == split],
                       [s for s in names if dev_split(s) == split], DEV_TEST_DOCS, seed=TEST_SEED)
    train += [d for d in hand if dev_split(d.site) != split] * HAND_REPEAT
    test += [d for d in hand if dev_split(d.site) == split]
    return train, test


def _non_blank(doc: LabelledDoc) -> tuple[list[str], list[str | None]]:
    pairs = [(t, lab) for t, lab in doc.lines if t.strip()]
    return [t for t, _ in pairs], [lab for _, lab in pairs]


def run_split(sources: Sources, split: int, draw: int = 0
              ) -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    """Metrics per part (composed, hand) of one split, and every line the model got wrong; `draw`
    trains on another composition of the training pages, with other seeds throughout."""
    train, test = split_docs(sources, split, draw)
    stripper = Stripper(fit(Prepared(train, extras=structure_extras(train, TRAIN_SEED + draw)), seed=draw))
    probas = stripper.document_probabilities([_non_blank(d)[0] for d in test])
    gold: dict[str, list[list[str | None]]] = {"composed": [], "hand": []}
    kept: dict[str, list[list[bool]]] = {"composed": [], "hand": []}
    errors: list[dict[str, object]] = []
    for doc, proba in zip(test, probas):
        part = "composed" if doc.id.startswith("composed-") else "hand"
        labels = decide(proba, DEFAULT_THRESHOLD, frozenset())[0]
        texts, golds = _non_blank(doc)
        gold[part].append(golds)
        kept[part].append([lab == "body" for lab in labels])
        errors.extend({"split": split, "doc": doc.id, "line": i, "gold": g, "label": p, "text": t}
                      for i, (t, g, p) in enumerate(zip(texts, golds, labels)) if (g == "body") != (p == "body"))
    return {part: line_metrics(gold[part], kept[part]) for part in gold}, errors


def spread(runs: Sequence[dict[str, object]], keys: Sequence[str]) -> str:
    """Mean and standard deviation of each metric over runs, as "F1 0.9012 ± 0.0040 ..."."""
    names = {"junk_f1": "F1", "junk_recall": "R", "body_recall": "body"}
    parts = []
    for key in keys:
        values = [float(run[key]) for run in runs]  # type: ignore[arg-type]
        parts.append(f"{names.get(key, key)} {statistics.fmean(values):.4f} ± {statistics.pstdev(values):.4f}")
    return " ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Train and test on the inner splits asked for and print their figures."""
    parser = argparse.ArgumentParser(prog="python -m training.dev", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", type=int, nargs="+", default=list(range(DEV_SPLITS)), choices=range(DEV_SPLITS))
    parser.add_argument("--seeds", type=int, default=1,
                        help="train each split this many times on differently composed pages (default 1)")
    parser.add_argument("--errors", help="write every wrong line as JSON Lines here (outside data/)")
    parser.add_argument("--corpora", help="folder of the real corpora (default ../shared/corpora)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sources = load_sources(args.corpora)
    all_errors: list[dict[str, object]] = []
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    for split in args.split:
        runs: list[dict[str, dict[str, object]]] = []
        for draw in range(args.seeds):
            started = time.time()
            metrics, errors = run_split(sources, split, draw)
            runs.append(metrics)
            all_errors.extend(errors)
            name = f"split {split}" if args.seeds == 1 else f"split {split} draw {draw}"
            for part, m in metrics.items():
                print(f"{name} {part:8s} P {m['junk_precision']:.4f} R {m['junk_recall']:.4f} "
                      f"F1 {m['junk_f1']:.4f} body {m['body_recall']:.4f} exact {m['exact_match']:.4f} "
                      f"{json.dumps(m['per_label_recall'])}")
            logger.info("split %d draw %d done in %.0fs", split, draw, time.time() - started)
        if args.seeds > 1:
            for part in runs[0]:
                print(f"split {split} {part:8s} over {args.seeds} draws: " + spread(
                    [run[part] for run in runs], ("junk_f1", "junk_recall", "body_recall")))
    if args.errors:
        with Path(args.errors).open("w", encoding="utf-8") as out:
            for row in all_errors:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
