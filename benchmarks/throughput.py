"""Throughput of the stripper beside other line cleaners, on the same composed Arabic news pages.

    python benchmarks/throughput.py                 # 10,000 documents, every method
    python benchmarks/throughput.py --docs 2000     # quicker
    python benchmarks/throughput.py --profile 2000  # where strip_many spends its time

Documents are composed at run time from the real articles in ../shared/corpora (or --corpora DIR,
or $STRIPPER_CORPORA) plus realistic junk lines, by the project's own composer (training.compose);
they are written only to a temporary folder, never into the repository. Every method runs in a
fresh subprocess so that its peak resident memory is its own, reads the same documents from a
JSON Lines file and writes what it keeps; the table gives documents/s, MB/s (UTF-8 bytes of input
text), MB per CPU second, CPU seconds, peak RSS, and how much of the gold body each method kept and how much gold
junk it removed. Those accuracy columns are measured on pages composed from the same corpora and
junk inventory the packaged model was trained on, so they flatter the stripper; the held-out
evaluation is `python -m training.evaluate`.

Native thread pools (OpenMP, BLAS) are pinned to one thread in every method: the numbers are per
core, and -j N is the only parallelism.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import html
import io
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the composer lives in training/, beside the package

#: Documents composed by default (the issue's benchmark size).
DEFAULT_DOCS = 10_000
#: Real articles read from each corpus file: enough variety for the default size, read in seconds.
ARTICLES_PER_FILE = 400
#: Seed of the composed pages, distinct from the seeds training uses.
SEED = 20_240_905
#: `strip` one document per call is measured on at most this many documents (its rate is what
#: matters, and at per-call speed the full set would take most of the run).
PER_CALL_DOCS = 1_000
#: Functions shown by --profile.
PROFILE_TOP = 15
#: Method name -> (what the table calls it, how it runs).
METHODS: dict[str, str] = {
    "strip": "`strip`, one document per call",
    "strip_many": "`strip_many`",
    "corpus-j1": "`stripper corpus -j 1`",
    "corpus-j2": "`stripper corpus -j 2`",
    "c4": "datatrove C4 line filter (rules)",
    "justext": "jusText (Arabic stoplist)",
    "trafilatura": "trafilatura",
}
# Only these are the stripper itself; the rest are baselines measured beside it.
STRIPPER_METHODS = ("strip", "strip_many", "corpus-j1", "corpus-j2")


# -- composing the documents ---------------------------------------------------------------------


def compose(n_docs: int, corpora: str | None, folder: Path) -> tuple[Path, Path]:
    """Write `n_docs` composed pages to folder/docs.jsonl and their gold line labels to gold.jsonl."""
    from training.corpora import corpora_dir, corpus_files, read_articles, source_name
    from training.dataset import Sources, compose_for
    from training.documents import project_documents
    from training.inventory import by_style, load_inventory

    root = corpora_dir(corpora)
    articles = {source_name(p): list(read_articles(p, limit=ARTICLES_PER_FILE)) for p in corpus_files(root)}
    sources = Sources(styles=by_style(load_inventory()), hand=project_documents(), articles=articles)
    docs = compose_for(sources, sorted(sources.styles), sorted(sources.articles), n_docs, SEED)
    docs_path, gold_path = folder / "docs.jsonl", folder / "gold.jsonl"
    with open(docs_path, "w", encoding="utf-8") as d, open(gold_path, "w", encoding="utf-8") as g:
        for doc in docs:
            d.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")
            g.write(json.dumps([[t, lab] for t, lab in doc.lines if t.strip()], ensure_ascii=False) + "\n")
    return docs_path, gold_path


# -- the measured side (runs in its own subprocess) ------------------------------------------------


def _texts(path: Path, limit: int | None = None) -> Iterator[str]:
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)["text"]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _one_thread() -> contextlib.AbstractContextManager[Any]:
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _cleaner(method: str) -> Callable[[Iterator[str]], Iterator[str]]:
    """A function from input texts to cleaned texts, with its setup (model loading) already done."""
    if method in ("strip", "strip_many"):
        import stripper

        model = stripper.Stripper()
        _ = model.model
        if method == "strip":
            return lambda texts: (model.strip(t) for t in texts)
        return lambda texts: model.strip_many(texts)
    if method == "c4":
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter

        # C4's line rules only: document-level drops (too few sentences, a curly bracket, lorem
        # ipsum) would remove whole pages, which no line cleaner here does.
        c4 = C4QualityFilter(min_num_sentences=-1, filter_curly_bracket=False, filter_lorem_ipsum=False)

        def run_c4(texts: Iterator[str]) -> Iterator[str]:
            for i, text in enumerate(texts):
                doc = Document(text=text, id=str(i))
                yield doc.text if c4.filter(doc) is True else ""

        return run_c4
    if method in ("justext", "trafilatura"):
        keeper = _justext_keep if method == "justext" else _trafilatura_keep

        def run_keeper(texts: Iterator[str]) -> Iterator[str]:
            for text in texts:
                lines = _lines(text)
                yield "\n".join(line for line, kept in zip(lines, keeper(lines)) if kept)

        return run_keeper
    raise ValueError(f"unknown method {method!r}")


# jusText and trafilatura judge HTML: each line becomes one <p>, as training/baselines.py does for
# the evaluation. Written out here so that their processes do not import the stripper's model stack.


def _as_html(lines: list[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in lines)
    return f'<html><head><meta charset="utf-8"></head><body><article>{paragraphs}</article></body></html>'


def _justext_keep(lines: list[str]) -> list[bool]:
    import justext

    paragraphs = justext.justext(_as_html(lines).encode("utf-8"), justext.get_stoplist("Arabic"), encoding="utf-8")
    kept = {_norm(p.text) for p in paragraphs if not p.is_boilerplate}
    return [_norm(line) in kept for line in lines]


def _trafilatura_keep(lines: list[str]) -> list[bool]:
    import trafilatura

    out = trafilatura.extract(_as_html(lines), include_comments=False, include_tables=False,
                              deduplicate=False, favor_recall=True) or ""
    kept = {_norm(x) for x in out.split("\n")}
    return [_norm(line) in kept for line in lines]


def _vm_hwm_kb() -> int:
    # /proc's VmHWM is this program's own peak; ru_maxrss can carry the parent's across exec.
    with open("/proc/self/status", "rb") as fh:
        for line in fh:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _corpus_command() -> list[str]:
    """How to run `stripper corpus`: the CLI's dispatch when it has one, else the module itself."""
    probe = subprocess.run([sys.executable, "-m", "stripper", "corpus", "--help"], capture_output=True, check=False)
    if probe.returncode == 0 and b"--field" in probe.stdout:
        return [sys.executable, "-m", "stripper", "corpus"]
    return [sys.executable, "-m", "stripper.corpus"]


def measure(method: str, docs: Path, out: Path, limit: int | None = None) -> dict[str, Any]:
    """Run one method over (the first `limit` of) `docs`, write its outputs to `out`; return its numbers."""
    text_bytes = sum(len(t.encode("utf-8")) for t in _texts(docs, limit))
    n_docs = sum(1 for _ in _texts(docs, limit))
    if method.startswith("corpus-j"):
        command = [*_corpus_command(), str(docs), "-o", str(out), "-j", method.removeprefix("corpus-j")]
        start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True)
        seconds = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime - cpu0.ru_utime - cpu0.ru_stime
        # The largest single process of the command's tree (it or a worker); a child's figure can
        # only be raised to this small measuring process's own peak, never to the driver's.
        peak_kb = usage.ru_maxrss
        setup = "included (interpreter start and model load)"
    else:
        t0 = time.perf_counter()
        clean = _cleaner(method)
        setup_s = time.perf_counter() - t0
        # Limited after setup: threadpoolctl only sees the native libraries already loaded.
        with _one_thread():
            usage0 = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            with open(out, "w", encoding="utf-8") as fh:
                for text in clean(_texts(docs, limit)):
                    fh.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            seconds = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
        peak_kb = _vm_hwm_kb()
        setup = f"{setup_s:.1f} s, excluded"
    return {"method": method, "docs": n_docs, "text_bytes": text_bytes, "seconds": seconds, "cpu_seconds": cpu,
            "peak_rss_mb": peak_kb / 1024, "setup": setup}


# -- the driver --------------------------------------------------------------------------------------


def _norm(line: str) -> str:
    return " ".join(line.split())


def accuracy(gold_path: Path, out_path: Path) -> tuple[float, float]:
    """Share of gold body lines kept and of gold junk lines removed, matching lines by their words."""
    body = body_kept = junk = junk_removed = 0
    with open(gold_path, encoding="utf-8") as g, open(out_path, encoding="utf-8") as o:
        for gold_line, out_line in zip(g, o):
            left = Counter(_norm(x) for x in _lines(json.loads(out_line)["text"]))
            for text, label in json.loads(gold_line):
                key = _norm(text)
                kept = left[key] > 0
                if kept:
                    left[key] -= 1
                if label == "body":
                    body += 1
                    body_kept += kept
                else:
                    junk += 1
                    junk_removed += not kept
    return body_kept / max(body, 1), junk_removed / max(junk, 1)


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    versions = {}
    for name in ("arabic-news-stripper", "scikit-learn", "datatrove", "jusText", "trafilatura"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:  # a baseline that is not installed is reported, not fatal
            versions[name] = "not installed"
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of measured rows."""
    out = ["| method | docs | docs/s | MB/s | MB per CPU-s | CPU s | peak RSS (MB) | body kept | junk removed |",
           "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rows:
        seconds = max(r["seconds"], 1e-9)
        mb = r["text_bytes"] / 1e6
        out.append(f"| {METHODS[r['method']]} | {r['docs']:,} | {r['docs'] / seconds:,.0f} | {mb / seconds:.2f} "
                   f"| {mb / max(r['cpu_seconds'], 1e-9):.2f} | {r['cpu_seconds']:.1f} | {r['peak_rss_mb']:.0f} "
                   f"| {r['body_kept']:.1%} | {r['junk_removed']:.1%} |")
    return "\n".join(out)


def profile(n_docs: int, corpora: str | None) -> None:
    """Print the functions strip_many spends most time in on `n_docs` composed documents."""
    import stripper

    with tempfile.TemporaryDirectory(prefix="stripper-bench-") as tmp:
        docs_path, _ = compose(n_docs, corpora, Path(tmp))
        texts = list(_texts(docs_path))
    model = stripper.Stripper()
    _ = model.model
    profiler = cProfile.Profile()
    with _one_thread():
        start = time.perf_counter()
        profiler.enable()
        for _ in model.strip_many(texts):
            pass
        profiler.disable()
        seconds = time.perf_counter() - start
    size = sum(len(t.encode("utf-8")) for t in texts)
    print(f"strip_many on {len(texts):,} documents ({size / 1e6:.1f} MB): {seconds:.1f} s under the profiler, "
          f"{size / seconds / 1e6:.2f} MB/s")
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order).print_stats(PROFILE_TOP)
        print(f"\n-- top {PROFILE_TOP} by {order} --")
        print(buffer.getvalue().split("\n\n", 2)[-1].rstrip())


def main(argv: list[str] | None = None) -> int:
    """Compose the documents, measure every method in its own subprocess, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS,
                        help=f"documents to compose (default {DEFAULT_DOCS:,})")
    parser.add_argument("--corpora", default=None, help="folder of the corpora (default ../shared/corpora)")
    parser.add_argument("--only", nargs="+", choices=list(METHODS), default=list(METHODS), help="methods to run")
    parser.add_argument("--json", default=None, metavar="FILE", help="also write the rows and machine as JSON")
    parser.add_argument("--profile", type=int, default=None, metavar="N",
                        help="instead, profile strip_many on N documents and print the top functions")
    parser.add_argument("--measure", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--input", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--output", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--per-call-docs", type=int, default=PER_CALL_DOCS,
                        help=f"documents for `strip` one per call (default {PER_CALL_DOCS:,})")
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.input), Path(args.output), args.limit)))
        return 0
    if args.profile:
        profile(args.profile, args.corpora)
        return 0

    with tempfile.TemporaryDirectory(prefix="stripper-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        docs_path, gold_path = compose(args.docs, args.corpora, folder)
        print(f"composed {args.docs:,} documents in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        before = machine()
        rows: list[dict[str, Any]] = []
        for method in args.only:
            out = folder / f"{method}.jsonl"
            command = [sys.executable, str(Path(__file__).resolve()), "--measure", method,
                       "--input", str(docs_path), "--output", str(out)]
            if method == "strip":
                command += ["--limit", str(args.per_call_docs)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{method}: failed\n{done.stderr.strip()}", file=sys.stderr)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["body_kept"], row["junk_removed"] = accuracy(gold_path, out)
            rows.append(row)
            print(f"{method}: {row['seconds']:.1f} s", file=sys.stderr)
        after = machine()

    info = dict(before, load_average=f"{before['load_average']} before, {after['load_average']} after")
    print(table(rows))
    speed = {r["method"]: r["docs"] / max(r["seconds"], 1e-9) for r in rows}
    if "corpus-j1" in speed and "corpus-j2" in speed:
        print(f"\n`-j 2` / `-j 1`: {speed['corpus-j2'] / speed['corpus-j1']:.2f}x")
    largest = max(rows, key=lambda r: r["docs"], default=None)
    n_docs = largest["docs"] if largest else 0
    size = largest["text_bytes"] / 1e6 if largest else 0.0
    print(f"\n{n_docs:,} documents, {size:.1f} MB of text. Machine: {info['cores']} cores, {info['cpu']}, "
          f"Python {info['python']}, {info['platform']}; load average {info['load_average']}.\n{info['versions']}.")
    print("`strip`, `strip_many` and the baselines are timed after their setup (model loading); `stripper corpus` "
          "is timed end to end as a command (interpreter start and model load included). MB per CPU-s divides by "
          "the CPU time of all the method's processes: it is what a free core would do, and it holds up on a busy "
          "machine where wall-clock rates do not.")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "machine": info}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
