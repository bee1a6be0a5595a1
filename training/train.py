"""Rebuild the packaged model deterministically from data/ and the real corpora.

    python -m training.train [--corpora DIR] [--seed 0] [--no-cv]

Composes training pages, fits the line and context models, runs the leave-sites-out
cross-validation for the model card (unless --no-cv), and packages the model with its digest.
"""

from __future__ import annotations

import argparse
import logging
import platform
import time
from collections.abc import Sequence

import sklearn

from stripper.learn import Prepared, fit

from .dataset import TRAIN_DOCS, load_sources, structure_extras, training_docs
from .package import CARD, package

logger = logging.getLogger("training.train")

CARD_TEMPLATE = """# Model card: arabic-news-stripper default model

A two-stage line classifier for Arabic news text. The line model (log-loss SGD over hashed
features of the line's own text: normalised words, leading bigrams, character trigrams, length,
script ratios, link/handle/emoji shapes, cue words) says what a line looks like; the context model
(gradient-boosted trees over each line's and its neighbours' probabilities, its position, and what
came before and after it: a bare read-also marker, a source or tag line, body-like text left; how
many of its words the article's opening paragraphs used) says what the line does in its document.

- Trained on: {docs} pages composed from real article bodies of the corpora in ../shared/corpora
  (SaudiNewsNet, ANT, Arabic newspapers) plus the junk shapes of {styles} site styles in
  data/junk/inventory.jsonl, and {hand} hand-labelled pages of data/labelled (repeated x2).
- Features version {feature_version}; scikit-learn {sklearn}; Python {python}; seed {seed};
  training took {seconds} s on this machine.
- Intended use: removing promos, read-also blocks, related lists, tags, credits, ads and page
  chrome from Arabic news text, one paragraph a line. Not meant for non-news text or for
  languages other than Arabic.
- Known limits: a site whose junk looks like no style it has seen may keep some of it; the
  model keeps a line when unsure (LABELS.md rule 5).

## Metrics

<!-- metrics:start -->
(run `python -m training.evaluate` to fill this in)
<!-- metrics:end -->
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Compose, fit, (cross-validate) and package the default model."""
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", help="folder of the real corpora (default ../shared/corpora)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--docs", type=int, default=TRAIN_DOCS, help="composed training pages")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation for the model card")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    started = time.time()
    sources = load_sources(args.corpora, seed=args.seed)
    docs = training_docs(sources, seed=args.seed, n_docs=args.docs)
    logger.info("composed %d training pages", len(docs))
    model = fit(Prepared(docs, extras=structure_extras(docs, args.seed)), seed=args.seed)
    seconds = round(time.time() - started, 1)
    model.card = {"training_pages": len(docs), "seed": args.seed, "styles": len(sources.styles),
                  "hand_labelled": len(sources.hand), "train_seconds": seconds}
    path = package(model)
    logger.info("packaged %s in %.0fs", path, seconds)
    CARD.write_text(CARD_TEMPLATE.format(
        docs=args.docs, styles=len(sources.styles), hand=len(sources.hand), feature_version=model.feature_version,
        sklearn=sklearn.__version__, python=platform.python_version(), seed=args.seed, seconds=seconds,
    ), encoding="utf-8")
    if not args.no_cv:
        from stripper.core import Stripper

        from .evaluate import cross_validate, evaluate_seeds
        from .report import write_reports

        result = {"cross_validation": cross_validate(sources, baselines=False, seed=args.seed),
                  "seeds": evaluate_seeds(Stripper())}
        print(write_reports(result))
    logger.info("done in %.0fs", time.time() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
