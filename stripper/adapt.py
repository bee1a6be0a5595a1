"""Teach the model your sites: `stripper label`, `stripper train` and `stripper evaluate`.

    stripper label pages/*.txt --site mysite -o labels.jsonl --html review.html
    stripper train --data labels.jsonl --with-default-data -o my-model.joblib
    stripper evaluate --data held-out.jsonl --model my-model.joblib --trusted --png threshold.png

`label` pre-fills the ../shared/LABELS.md JSON Lines format with the model's labels, least
certain documents first, for a person to correct. `train` fits a model on the corrected documents
(plus, with --with-default-data, the project's own training data), reports how it does on sites
it did not see, and writes it with its digest and model card. `evaluate` gives the project's
metrics of any model on any labelled set, with a threshold sweep.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .args import threshold_arg
from .core import DEFAULT_BATCH_SIZE, Stripper
from .decode import decide
from .documents import LabelledDoc, read_labelled
from .fileio import FileProblem, decode_text, os_reason, read_bytes
from .labels import BODY, JUNK_LABELS, LABELS
from .metrics import line_metrics
from .model import Model, ModelError, file_sha256, packaged_model_path, save_model
from .review import ReviewDoc, ReviewLine, render_page
from .textlines import split_document

PROG = "stripper"
#: Exit status: done.
EXIT_OK = 0
#: Exit status: an error (bad arguments, unreadable input, a model that cannot be used).
EXIT_ERROR = 2
#: Exit status after Ctrl-C.
EXIT_INTERRUPTED = 130
#: Output path meaning standard output.
STDOUT = "-"

#: Files taken from a folder given to `label`.
TEXT_GLOB = "*.txt"
#: Thresholds of the sweep in `evaluate` (JSON and PNG): 0.05 to 0.95.
SWEEP = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Thresholds of the sweep shown in the printed table.
TABLE_SWEEP = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: Decimals of a metric in the printed tables.
METRIC_DECIMALS = 3

#: Composed pages of the project's data added by --with-default-data: a few minutes of training.
DEFAULT_DOCS = 3000
#: Real articles read from the start of each corpus file for those pages. The project's own
#: `load_sources` reads every article of every corpus to sample 700 (over a minute); composing a
#: few thousand pages needs far fewer.
ARTICLES_PER_SOURCE = 300
#: Times each of your documents is repeated in training. Like every hand-labelled document, its
#: lines already weigh 3x a composed page's (stripper.learn.HAND_WEIGHT); repeating makes a few
#: dozen documents count against thousands of composed pages.
USER_REPEAT = 3
#: Most folds of the evaluation (fewer when there are fewer sites).
MAX_FOLDS = 4
#: OpenMP threads per fit. The boosted context model with one thread per process ran 9x faster
#: than with the default pool on a busy 2-core machine: idle threads spin on the cores others need.
FIT_THREADS = 1
#: Environment variable naming the corpora folder (as in training.corpora).
CORPORA_ENV = "STRIPPER_CORPORA"
#: The file that marks a checkout of this repository.
PROJECT_MARKER = ("training", "dataset.py")


class Failure(Exception):
    """An error that ends the command with exit status 2; the message says what and why."""


def _say(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


class _Progress:
    """Stage lines on stderr with the seconds since the command started."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        elapsed = time.monotonic() - self.started
        sys.stderr.write(f"{PROG} {self.command} [{elapsed:5.0f}s] {message}\n")
        sys.stderr.flush()


# ---------------------------------------------------------------------------------------------
# Shared pieces.


def load_stripper(model: Path | None, trusted: bool) -> Stripper:
    """The Stripper for --model/--trusted (the packaged model without --model), loaded now."""
    if model is not None and not trusted:
        raise Failure(f"{model}: loading a model file runs code from it; add --trusted if you made or trust this file")
    stripper = Stripper(model, trusted=True) if model is not None else Stripper()
    try:
        stripper.model  # noqa: B018 - load now: a bad model is one clear error before any work
    except ModelError as exc:
        raise Failure(str(exc)) from None
    except Exception as exc:  # unpickling a file that is not a model can raise anything
        raise Failure(f"{model}: cannot load this model file ({type(exc).__name__}: {exc})") from None
    return stripper


def describe_model(model: Path | None, stripper: Stripper) -> dict[str, Any]:
    """Where a model comes from, its digest and its threshold, for reports."""
    path = model if model is not None else packaged_model_path()
    return {"path": str(path), "packaged": model is None, "sha256": file_sha256(path),
            "threshold": stripper.resolve_threshold(None)}


def read_data(paths: Sequence[Path]) -> list[LabelledDoc]:
    """Every labelled document of the --data files and folders, checked; errors name file:line."""
    docs: list[LabelledDoc] = []
    for path in paths:
        if not path.exists():
            raise Failure(f"{path}: no such file or folder")
        if path.is_dir() and not any(path.rglob("*.jsonl")):
            raise Failure(f"{path}: folder holds no *.jsonl files")
        try:
            docs.extend(read_labelled([path]))
        except ValueError as exc:  # read_jsonl names the file and line
            raise Failure(str(exc)) from None
        except OSError as exc:
            raise Failure(f"{exc.filename or path}: {os_reason(exc)}") from None
    if not docs:
        raise Failure(f"no labelled documents in {', '.join(map(str, paths))}")
    return docs


def _judged(doc: LabelledDoc) -> tuple[list[str], list[str | None]]:
    """The non-blank lines of a document and their gold labels: what the model judges."""
    pairs = [(text, label) for text, label in doc.lines if text.strip()]
    return [t for t, _ in pairs], [lab for _, lab in pairs]


def probabilities(stripper: Stripper, line_lists: Sequence[list[str]]) -> list[np.ndarray]:
    """Final label probabilities of each document's lines, a model call per batch of documents."""
    out: list[np.ndarray] = []
    for start in range(0, len(line_lists), DEFAULT_BATCH_SIZE):
        out.extend(stripper.document_probabilities(line_lists[start : start + DEFAULT_BATCH_SIZE]))
    return out


def _keeps(probas: Sequence[np.ndarray], threshold: float) -> list[list[bool]]:
    return [[label == BODY for label in decide(p, threshold, frozenset())[0]] for p in probas]


def score_probabilities(golds: Sequence[list[str | None]], probas: Sequence[np.ndarray], threshold: float,
                        sweep: Sequence[float] = SWEEP) -> dict[str, Any]:
    """The project's metrics at `threshold` and at each threshold of `sweep`, from one set of probabilities.

    Like the project's own evaluation, this is one pass of the model over each document; `strip`
    judges again what is left after a removal, which can only remove more.
    """
    return {
        "threshold": threshold,
        "metrics": line_metrics(golds, _keeps(probas, threshold)),
        "sweep": [{"threshold": t, **line_metrics(golds, _keeps(probas, t))} for t in sweep],
    }


def _fmt(value: object) -> str:
    return "-" if value is None else f"{float(value):.{METRIC_DECIMALS}f}"  # type: ignore[arg-type]


def metrics_table(columns: dict[str, dict[str, Any]], label_lines: Counter[str] | None = None) -> str:
    """The project's metrics as a text table, one column per model (or evaluation)."""
    rows: list[tuple[str, list[str]]] = [
        ("junk precision", [_fmt(m["junk_precision"]) for m in columns.values()]),
        ("junk recall", [_fmt(m["junk_recall"]) for m in columns.values()]),
        ("junk F1", [_fmt(m["junk_f1"]) for m in columns.values()]),
        ("body recall", [_fmt(m["body_recall"]) for m in columns.values()]),
        ("exact match", [_fmt(m["exact_match"]) for m in columns.values()]),
    ]
    for label in JUNK_LABELS:
        name = f"  recall {label}" + (f" ({label_lines[label]})" if label_lines is not None else "")
        rows.append((name, [_fmt(m["per_label_recall"][label]) for m in columns.values()]))
    first = max(len(name) for name, _ in rows)
    widths = [max(len(title), METRIC_DECIMALS + 2) for title in columns]
    lines = [" " * first + "".join(f"  {title:>{w}}" for title, w in zip(columns, widths))]
    lines += [f"{name:<{first}}" + "".join(f"  {v:>{w}}" for v, w in zip(values, widths)) for name, values in rows]
    return "\n".join(lines)


def sweep_table(sweep: Sequence[dict[str, Any]], shown: Sequence[float] = TABLE_SWEEP) -> str:
    """Junk precision, recall, F1, body recall and exact match at a few thresholds."""
    lines = ["threshold  junk P  junk R  junk F1  body R  exact"]
    for row in sweep:
        if any(math.isclose(row["threshold"], t) for t in shown):
            lines.append(f"{row['threshold']:>9.2f}  {_fmt(row['junk_precision']):>6}  {_fmt(row['junk_recall']):>6}"
                         f"  {_fmt(row['junk_f1']):>7}  {_fmt(row['body_recall']):>6}  {_fmt(row['exact_match']):>5}")
    return "\n".join(lines)


def _write_output(path: str, text: str) -> None:
    """Write `text` to a file (its folder made if needed) or, for '-', to standard output."""
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise Failure(f"{target}: cannot write: {os_reason(exc)}") from None


# ---------------------------------------------------------------------------------------------
# stripper label


@dataclasses.dataclass
class Proposal:
    """One document with the model's labels, for a person to correct."""

    id: str
    site: str
    lines: list[ReviewLine]
    #: Smallest distance between a line's junk probability and the threshold: the closest call.
    margin: float

    def record(self) -> dict[str, Any]:
        """The LABELS.md JSON Lines record, plus the scores (readers ignore unknown keys)."""
        return {"id": self.id, "site": self.site, "lines": [[line.text, line.label] for line in self.lines],
                "scores": [line.score for line in self.lines]}


def _expand(args: Sequence[str]) -> list[Path]:
    """The files to label: each argument, a folder standing for its *.txt files (recursively)."""
    files: list[Path] = []
    for arg in args:
        path = Path(arg)
        files.extend(sorted(path.rglob(TEXT_GLOB)) if path.is_dir() else [path])
    return list(dict.fromkeys(files))


def _ids(files: Sequence[Path]) -> list[str]:
    """A document id per file: its stem, or its path when two files share a stem."""
    stems = Counter(path.stem for path in files)
    return [path.stem if stems[path.stem] == 1 else path.as_posix() for path in files]


def propose(stripper: Stripper, texts: Sequence[str], ids: Sequence[str], sites: Sequence[str],
            threshold: float) -> list[Proposal]:
    """The model's label and score for every line of each text (as `classify` gives them), batched."""
    docs = [split_document(text) for text in texts]
    rows = [doc.text_indices() for doc in docs]
    probas = probabilities(stripper, [[doc.lines[i] for i in r] for doc, r in zip(docs, rows)])
    junk_columns = [LABELS.index(label) for label in JUNK_LABELS]
    out: list[Proposal] = []
    for doc, r, proba, doc_id, site in zip(docs, rows, probas, ids, sites):
        labels, scores = decide(proba, threshold, frozenset())
        lines = [ReviewLine(text, None, None) for text in doc.lines]
        for k, i in enumerate(r):
            lines[i] = ReviewLine(doc.lines[i], labels[k], round(float(scores[k]), 4))
        junk = proba[:, junk_columns].sum(axis=1)
        margin = float(np.abs(junk - threshold).min()) if len(r) else math.inf
        out.append(Proposal(doc_id, site, lines, margin))
    return out


def run_label(args: argparse.Namespace, progress: _Progress) -> int:
    """`stripper label`: pre-filled labels of text files, least certain documents first."""
    stripper = load_stripper(args.model, args.trusted)
    threshold = stripper.resolve_threshold(args.threshold)
    files = _expand(args.files)
    failed = False
    texts: list[str] = []
    read: list[Path] = []
    for path in files:
        try:
            text = decode_text(read_bytes(path), path)
        except FileProblem as exc:
            _say(f"{path}: {exc.reason}")
            failed = True
            continue
        if not text.strip():
            _say(f"{path}: no text; skipped")
            continue
        texts.append(text)
        read.append(path)
    if not texts:
        raise Failure("no text to label")
    sites = [args.site or path.resolve().parent.name for path in read]
    proposals = propose(stripper, texts, _ids(read), sites, threshold)
    # Least certain first: the document whose closest call is closest goes to the reviewer first.
    order = sorted(range(len(proposals)), key=lambda k: (proposals[k].margin, k))
    proposals = [proposals[k] for k in order]
    _write_output(args.output, "".join(json.dumps(p.record(), ensure_ascii=False) + "\n" for p in proposals))
    if args.html:
        docs = [ReviewDoc(p.id, p.site, p.lines, record=n) for n, p in enumerate(proposals, 1)]
        note = f"{len(docs)} documents labelled by the model at threshold {threshold}, least certain first."
        title = "Labels for review" + ("" if args.output == STDOUT else f": {Path(args.output).name}")
        _write_output(args.html, render_page(docs, title=title, note=note))
    junk = sum(1 for p in proposals for line in p.lines if line.label not in (None, BODY))
    judged = sum(1 for p in proposals for line in p.lines if line.label is not None)
    progress(f"labelled {len(proposals)} documents ({judged} lines, {junk} junk), least certain first"
             + (f"; wrote {args.output}" if args.output != STDOUT else "")
             + (f" and {args.html}" if args.html else ""))
    return EXIT_ERROR if failed else EXIT_OK


# ---------------------------------------------------------------------------------------------
# stripper evaluate


def evaluate_docs(stripper: Stripper, docs: Sequence[LabelledDoc], threshold: float) -> dict[str, Any]:
    """The project's metrics of a model on labelled documents: overall, per site, and swept."""
    judged = [_judged(doc) for doc in docs]
    probas = probabilities(stripper, [lines for lines, _ in judged])
    golds = [gold for _, gold in judged]
    result = score_probabilities(golds, probas, threshold)
    by_site: dict[str, list[int]] = {}
    for k, doc in enumerate(docs):
        by_site.setdefault(doc.site, []).append(k)
    keeps = _keeps(probas, threshold)
    result["per_site"] = {site: line_metrics([golds[k] for k in ks], [keeps[k] for k in ks])
                          for site, ks in sorted(by_site.items())}
    result["label_lines"] = dict(Counter(label for gold in golds for label in gold if label))
    return result


def plot_sweep(sweep: Sequence[dict[str, Any]], threshold: float, path: Path, title: str) -> bool:
    """A PNG of junk precision, junk recall and body recall against the threshold; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed, none opened
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    xs = [row["threshold"] for row in sweep]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(xs, [row["junk_precision"] for row in sweep], marker="o", label="junk precision")
    ax.plot(xs, [row["body_recall"] for row in sweep], marker="s", label="body recall")
    ax.plot(xs, [row["junk_recall"] for row in sweep], marker="^", linestyle="--", label="junk recall")
    ax.axvline(threshold, color="grey", linestyle=":", label=f"threshold {threshold:g}")
    ax.set_xlabel("threshold (junk probability at which a line is removed)")
    ax.set_ylabel("line-level score")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise Failure(f"{path}: cannot write: {os_reason(exc)}") from None
    finally:
        plt.close(fig)
    return True


def run_evaluate(args: argparse.Namespace, progress: _Progress) -> int:
    """`stripper evaluate`: metrics table, JSON and threshold PNG of a model on labelled documents."""
    stripper = load_stripper(args.model, args.trusted)
    threshold = stripper.resolve_threshold(args.threshold)
    docs = read_data(args.data)
    result = {"model": describe_model(args.model, stripper), "data": [str(p) for p in args.data],
              "documents": len(docs), "sites": dict(Counter(doc.site for doc in docs)),
              **evaluate_docs(stripper, docs, threshold)}
    lines = Counter(result["label_lines"])
    name = "packaged model" if args.model is None else str(args.model)
    text = "\n".join([
        f"model      {name} (sha256 {result['model']['sha256'][:12]}…)",
        f"data       {len(docs)} documents from {len(result['sites'])} site(s), {sum(lines.values())} lines "
        f"({lines[BODY]} body, {sum(lines.values()) - lines[BODY]} junk)",
        f"threshold  {threshold:g}",
        "",
        metrics_table({f"at {threshold:g}": result["metrics"]}, lines),
        "",
        sweep_table(result["sweep"]),
    ]) + "\n"
    # With the JSON on stdout the table goes to stderr, so stdout stays one JSON document.
    (sys.stderr if args.json == STDOUT else sys.stdout).write(text)
    if args.json:
        _write_output(args.json, json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    if args.png:
        title = f"{name} on {len(docs)} documents ({', '.join(p.name for p in args.data)})"
        if plot_sweep(result["sweep"], threshold, args.png, title):
            progress(f"wrote {args.png}")
        else:
            _say(f"{args.png}: not written: matplotlib is not installed "
                 "(pip install 'arabic-news-stripper[plot]')")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# stripper train


def find_project(explicit: Path | None) -> Path:
    """The checkout whose training/ and data/ give the default data: --project, else found."""
    def is_project(path: Path) -> bool:
        return path.joinpath(*PROJECT_MARKER).is_file()

    if explicit is not None:
        if not is_project(explicit):
            raise Failure(f"{explicit}: not a checkout of arabic-news-stripper (no {'/'.join(PROJECT_MARKER)})")
        return explicit.resolve()
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if is_project(folder):
            return folder
    # An editable install runs the package from its checkout.
    beside = Path(__file__).resolve().parent.parent
    if is_project(beside):
        return beside
    raise Failure(
        "--with-default-data needs a checkout of the arabic-news-stripper repository (its training/ "
        f"package and data/ folder); none was found above {cwd} or beside the installed package. "
        "Pass --project DIR, or train on your documents alone (without --with-default-data)"
    )


def _import_training(project: Path) -> Any:
    """The `training.dataset` module of `project` (added to the import path if needed)."""
    loaded = sys.modules.get("training")
    if loaded is not None:
        where = Path(getattr(loaded, "__file__", "") or "").resolve().parent.parent
        if where != project:
            raise Failure(f"a different `training` package is already imported (from {where}); "
                          f"cannot use the one in {project}")
    elif str(project) not in sys.path:
        sys.path.insert(0, str(project))
    import training.dataset as dataset

    where = Path(dataset.__file__).resolve().parent.parent
    if where != project:
        raise Failure(f"`import training` found {where}, not the checkout {project}; run from the checkout "
                      "or pass --project")
    return dataset


def default_training_docs(project: Path, corpora: str | None, n_docs: int, seed: int,
                          progress: Callable[[str], None]) -> tuple[list[LabelledDoc], dict[str, Any]]:
    """The project's training pages: `n_docs` composed pages plus its hand-labelled documents."""
    dataset = _import_training(project)
    from training.corpora import corpora_dir, corpus_files, read_articles, source_name
    from training.documents import project_documents
    from training.inventory import by_style, load_inventory

    try:
        folder = corpora_dir(corpora)
    except FileNotFoundError as exc:
        raise Failure(f"--with-default-data needs the corpora: {exc}") from None
    files = corpus_files(folder)
    if not files:
        raise Failure(f"{folder}: no *.jsonl.gz corpus files; see ../shared/corpora/README.md in the project")
    progress(f"reading the project's data: {project} with corpora {folder}")
    articles = {source_name(path): list(read_articles(path, limit=ARTICLES_PER_SOURCE)) for path in files}
    sources = dataset.Sources(styles=by_style(load_inventory()), hand=project_documents(), articles=articles)
    docs = dataset.training_docs(sources, seed=seed, n_docs=n_docs)
    composed = sum(1 for doc in docs if doc.id.startswith("composed-"))
    info = {"project": str(project), "corpora": str(folder), "composed_pages": composed,
            "hand_labelled_pages": len(docs) - composed, "articles": sum(len(a) for a in articles.values())}
    return docs, info


def _fit_groups(docs: list[LabelledDoc]) -> list[LabelledDoc]:
    """Documents as `fit` sees them: its inner folds split by site, so with one site, by document."""
    if len({doc.site for doc in docs}) >= 2:
        return docs
    return [dataclasses.replace(doc, site=f"{doc.site}/{doc.id}") for doc in docs]


def fit_job(train: list[LabelledDoc], test: list[LabelledDoc], seed: int) -> tuple[Model | None, list[np.ndarray]]:
    """Fit on `train`; return the model when `test` is empty, else the probabilities of `test`'s lines."""
    from threadpoolctl import threadpool_limits

    from .learn import Prepared, fit

    with threadpool_limits(limits=FIT_THREADS, user_api="openmp"):
        model = fit(Prepared(_fit_groups(train)), seed=seed)
    if not test:
        return model, []
    return None, probabilities(Stripper(model), [_judged(doc)[0] for doc in test])


def _named_fit(name: str, train: list[LabelledDoc], test: list[LabelledDoc],
               seed: int) -> tuple[str, tuple[Model | None, list[np.ndarray]]]:
    # Results come back unordered: the name says which fit each one is.
    return name, fit_job(train, test, seed)


@dataclasses.dataclass
class FoldPlan:
    """How your documents are split for the evaluation: test fold per document, and why."""

    scheme: str  # "leave-sites-out", "leave-documents-out" or "none"
    folds: list[list[int]]  # indices of each fold's test documents
    note: str = ""


def plan_folds(docs: Sequence[LabelledDoc], max_folds: int, with_default: bool) -> FoldPlan:
    """Leave-sites-out folds over your sites; leave-documents-out (with a warning) for one site."""
    from sklearn.model_selection import GroupKFold

    if max_folds < 2:
        return FoldPlan("none", [], "evaluation skipped (--folds below 2)")
    sites = sorted({doc.site for doc in docs})
    if len(sites) >= 2:
        scheme, groups = "leave-sites-out", [doc.site for doc in docs]
        note = ""
    else:
        ids = sorted({doc.id for doc in docs})
        if len(ids) < 2:
            return FoldPlan("none", [], "evaluation skipped: one document cannot be split into folds")
        scheme, groups = "leave-documents-out", [doc.id for doc in docs]
        note = (f"all your documents come from one site ({sites[0]}): leave-sites-out needs two, so this "
                "leaves documents out instead, which flatters the model (test pages share their site's junk "
                "with training pages); label pages of a second site for an honest figure")
    n_groups = len(set(groups))
    splitter = GroupKFold(n_splits=min(max_folds, n_groups))
    folds = [sorted(test.tolist()) for _, test in splitter.split(np.zeros(len(docs)), groups=groups)]
    if not with_default:
        # Without the project's data each fold trains on your other documents alone.
        for test in folds:
            if len({docs[k].id for k in range(len(docs)) if k not in set(test)}) < 2:
                return FoldPlan("none", [], "evaluation skipped: too few documents to train a fold "
                                            "without --with-default-data")
    return FoldPlan(scheme, folds, note)


def _jobs_label(n_jobs: int) -> str:
    import joblib

    cores = joblib.cpu_count()
    workers = cores if n_jobs < 0 else min(n_jobs, cores)
    return f"{workers} core{'s' if workers != 1 else ''}"


def _run_fits(tasks: list[tuple[str, list[LabelledDoc], list[LabelledDoc]]], seed: int, n_jobs: int,
              progress: Callable[[str], None]) -> dict[str, tuple[Model | None, list[np.ndarray]]]:
    """Run the fits in parallel processes (joblib), reporting each as it finishes."""
    import joblib

    results: dict[str, tuple[Model | None, list[np.ndarray]]] = {}
    started = time.monotonic()
    # Finished fits are reported as they come, not in submission order (joblib >= 1.4).
    unordered = tuple(int(p) for p in joblib.__version__.split(".")[:2]) >= (1, 4)
    parallel = joblib.Parallel(n_jobs=n_jobs if len(tasks) > 1 else 1,
                               return_as="generator_unordered" if unordered else "generator")
    for name, result in parallel(joblib.delayed(_named_fit)(*task, seed) for task in tasks):
        results[name] = result
        progress(f"{name} done ({len(results)}/{len(tasks)}, {time.monotonic() - started:.0f}s)")
    return results


def _card(argv: Sequence[str], user: Sequence[LabelledDoc], data: Sequence[Path], default_info: dict[str, Any] | None,
          plan: FoldPlan, evaluation: dict[str, Any] | None, seed: int, seconds: float) -> dict[str, Any]:
    sites = Counter(doc.site for doc in user)
    lines = Counter(label for doc in user for _, label in doc.lines if label)
    return {
        "trained_with": "stripper train",
        "command": shlex.join([PROG, *argv]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "training_data": {
            "user_files": [str(p) for p in data],
            "user_documents": len(user),
            "user_sites": dict(sorted(sites.items())),
            "user_lines": dict(sorted(lines.items())),
            "user_repeat": USER_REPEAT,
            "default_data": default_info,
        },
        "evaluation": {"scheme": plan.scheme, "folds": len(plan.folds), "note": plan.note, **(evaluation or {})},
    }


def report_folds(plan: FoldPlan, user: Sequence[LabelledDoc], fold_probas: Sequence[list[np.ndarray]],
                 threshold: float, with_default: bool) -> dict[str, Any]:
    """Pool the folds' predictions into the project's metrics, print them beside the packaged model's."""
    order = [i for test in plan.folds for i in test]
    golds = [_judged(user[i])[1] for i in order]
    evaluation = score_probabilities(golds, [p for probas in fold_probas for p in probas], threshold)
    columns = {"your model": evaluation["metrics"]}
    try:
        packaged = Stripper()
        probas = probabilities(packaged, [_judged(user[i])[0] for i in order])
        columns["packaged model"] = evaluation["packaged_model"] = line_metrics(
            golds, _keeps(probas, packaged.resolve_threshold(None)))
    except ModelError as exc:  # the comparison is a courtesy: never lose a trained model over it
        _say(f"packaged model not compared: {exc}")
    sites = len({doc.site for doc in user})
    print(f"{plan.scheme} evaluation on your {len(user)} documents ({sites} site(s), {len(plan.folds)} folds"
          + (", the project's data always in training" if with_default else "") + "):")
    print(metrics_table(columns, Counter(label for gold in golds for label in gold if label)))
    print()
    print(sweep_table(evaluation["sweep"]))
    sys.stdout.flush()
    return evaluation


def run_train(args: argparse.Namespace, progress: _Progress, argv: Sequence[str]) -> int:
    """`stripper train`: fit on your documents (and the project's), evaluate, write the model."""
    started = time.monotonic()
    out = Path(args.output)
    if out.is_dir():
        raise Failure(f"{out}: is a folder; -o takes the model file to write (e.g. {out / 'my-model.joblib'})")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # fail now, not after minutes of training
    except OSError as exc:
        raise Failure(f"{out.parent}: cannot create: {os_reason(exc)}") from None
    user = read_data(args.data)
    progress(f"read {len(user)} labelled documents from {len({d.site for d in user})} site(s)")
    default_docs: list[LabelledDoc] = []
    default_info: dict[str, Any] | None = None
    if args.with_default_data:
        project = find_project(args.project)
        default_docs, default_info = default_training_docs(project, args.corpora, args.default_docs, args.seed,
                                                           progress)
        progress(f"composed {default_info['composed_pages']} pages, plus "
                 f"{default_info['hand_labelled_pages']} of the project's hand-labelled pages")
    else:
        if len({doc.id for doc in user}) < 2:
            raise Failure("training needs at least two documents (or add --with-default-data)")
        _say("note: training on your documents alone; the model will know only their sites' junk. "
             "Add --with-default-data to keep what the packaged model knows.")

    plan = plan_folds(user, args.folds, bool(default_docs))
    if plan.note:
        _say(f"warning: {plan.note}" if plan.scheme != "none" else plan.note)
    final = "final model"
    tasks: list[tuple[str, list[LabelledDoc], list[LabelledDoc]]] = [(final, default_docs + user * USER_REPEAT, [])]
    names = [f"fold {k}/{len(plan.folds)}" for k in range(1, len(plan.folds) + 1)]
    for name, test in zip(names, plan.folds):
        held = set(test)
        train = default_docs + [doc for i, doc in enumerate(user) if i not in held] * USER_REPEAT
        tasks.append((name, train, [user[i] for i in test]))
    pages = f"{len(tasks[0][1])} training pages"
    if plan.folds:
        progress(f"fitting the final model and {len(plan.folds)} {plan.scheme} fold models on "
                 f"{_jobs_label(args.jobs)} ({pages})")
    else:
        progress(f"fitting the model ({pages})")
    try:
        results = _run_fits(tasks, args.seed, args.jobs, progress)
    except ValueError as exc:
        hint = "" if default_docs else "; with so few documents add --with-default-data"
        raise Failure(f"training failed: {exc}{hint}") from None
    model = results[final][0]
    assert model is not None

    evaluation = None
    if plan.folds:
        evaluation = report_folds(plan, user, [results[name][1] for name in names], model.threshold,
                                  bool(default_docs))
    model.card = _card(argv, user, args.data, default_info, plan, evaluation, args.seed, time.monotonic() - started)
    digest = save_model(model, out)
    progress(f"wrote {out} (sha256 {digest[:12]}…), {out.with_suffix('.sha256').name} and "
             f"{out.with_suffix('.card.json').name}; use it with --model {out} --trusted")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# Arguments.


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return number


def _jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number == 0:
        raise argparse.ArgumentTypeError("must be a number of processes, or negative (-1: all cores)")
    return number


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="PATH", type=Path, help="a model file instead of the packaged model")
    parser.add_argument("--trusted", action="store_true",
                        help="confirm that the --model file is trusted (loading a model file runs code from it)")


def build_parser() -> argparse.ArgumentParser:
    """The parser of `stripper label|train|evaluate`."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{label,train,evaluate}")

    label = commands.add_parser(
        "label", help="pre-fill line labels of text files for a person to correct",
        description="Label every line of each FILE (UTF-8 text, one paragraph per line; a folder stands for its "
                    "*.txt files) with the model, and write the documents in the LABELS.md JSON Lines format, "
                    "least certain first: ordered by each document's closest call, the line whose junk "
                    "probability is nearest the threshold. Each record also has `scores`, the model's "
                    "confidence in each label (null for blank lines); readers ignore it.")
    label.add_argument("files", nargs="+", metavar="FILE")
    label.add_argument("-o", "--output", default=STDOUT, metavar="OUT.jsonl",
                       help="where to write the documents (default: standard output)")
    label.add_argument("--html", metavar="OUT.html", help="also write a static right-to-left review page")
    label.add_argument("--site", help="site name for every document (default: each file's folder name)")
    label.add_argument("--threshold", type=threshold_arg, metavar="X", help="junk threshold (default: the model's)")
    _model_options(label)

    train = commands.add_parser(
        "train", help="train a model on your labelled documents",
        description="Train a model on labelled documents (LABELS.md JSON Lines), evaluate it leaving your sites "
                    "out, and write it with its .sha256 and .card.json beside it.")
    train.add_argument("--data", action="append", required=True, type=Path, metavar="PATH",
                       help="labelled JSON Lines file or folder of them; repeatable")
    train.add_argument("-o", "--output", required=True, metavar="MODEL.joblib", help="model file to write")
    train.add_argument("--with-default-data", action="store_true",
                       help="also train on the project's own data (needs a checkout of the repository and the corpora)")
    train.add_argument("--default-docs", type=_positive, default=DEFAULT_DOCS, metavar="N",
                       help=f"composed pages of the project's data (default {DEFAULT_DOCS})")
    train.add_argument("--project", type=Path, metavar="DIR",
                       help="the repository checkout (default: found above the current folder, or the "
                            "editable install)")
    train.add_argument("--corpora", metavar="DIR",
                       help=f"the corpora folder (default: ${CORPORA_ENV}, else ../shared/corpora beside the project)")
    train.add_argument("--folds", type=int, default=MAX_FOLDS, metavar="N",
                       help=f"at most N evaluation folds (default {MAX_FOLDS}; 0 skips the evaluation)")
    train.add_argument("--jobs", type=_jobs, default=-1, metavar="N",
                       help="fits run at once, one process each (default -1: all cores)")
    train.add_argument("--seed", type=int, default=0)

    evaluate = commands.add_parser(
        "evaluate", help="the project's metrics of a model on labelled documents",
        description="Junk precision/recall/F1, body recall, per-label recall and document exact match of a model "
                    "on labelled documents, at the threshold and swept from 0.05 to 0.95.")
    evaluate.add_argument("--data", action="append", required=True, type=Path, metavar="PATH",
                          help="labelled JSON Lines file or folder of them; repeatable")
    evaluate.add_argument("--threshold", type=threshold_arg, metavar="X", help="junk threshold (default: the model's)")
    evaluate.add_argument("--json", metavar="OUT.json", help="write the metrics and the sweep as JSON ('-': stdout)")
    evaluate.add_argument("--png", type=Path, metavar="OUT.png",
                          help="plot junk precision, junk recall and body recall against the threshold (matplotlib)")
    _model_options(evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `stripper label|train|evaluate` with `argv` (the subcommand first); return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    progress = _Progress(args.command)
    try:
        if args.command == "label":
            return run_label(args, progress)
        if args.command == "evaluate":
            return run_evaluate(args, progress)
        return run_train(args, progress, args_list)
    except Failure as exc:
        _say(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
