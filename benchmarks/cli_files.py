"""Benchmark: the `stripper` console script over 1,000 typical article files (not a test).

Builds the files in a temporary directory: copies of data/examples/news-page.txt, and, when
../shared/corpora is present, real article bodies read from it at run time (never copied into the
project) with junk lines from the example page around them. Then runs, each as one process of the
console script over all files: `stripper --check`, an in-place fix, and `--check` on the fixed
files. Prints seconds and files/s for each, the start-up cost of one process, and the machine.

    python benchmarks/cli_files.py [--files 1000] [--corpora ../shared/corpora] [--keep-dir]

Target (issue 3): the in-place run over 1,000 files in under 10 s on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "examples" / "news-page.txt"
EXAMPLE_LABELS = REPO / "data" / "examples" / "news-page.labels.jsonl"
EXAMPLE_CLEAN = REPO / "data" / "examples" / "news-page.clean.txt"
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
#: Corpus files read for bodies, in turn, so the set mixes outlets and paragraph styles.
CORPUS_FILES = (
    "saudinewsnet/aawsat.jsonl.gz", "saudinewsnet/alriyadh.jsonl.gz", "saudinewsnet/aljazirah.jsonl.gz",
    "ant/SkyNews.jsonl.gz", "ant/CNN.jsonl.gz", "ant/Alarabia.jsonl.gz",
    "arabic-news-papers/arabic-news-papers.jsonl.gz",
)
DEFAULT_FILES = 1000
#: Share of the files that are copies of the example page itself.
EXAMPLE_SHARE = 0.1
#: A corpus body needs at least this many paragraphs to count as a typical article.
MIN_PARAGRAPHS = 3
#: Junk lines added above and below a corpus body (inclusive ranges).
HEADER_JUNK = (0, 4)
FOOTER_JUNK = (1, 6)
SEED = 3
#: Seconds allowed for one run of the console script.
RUN_TIMEOUT = 1800
TARGET_SECONDS = 10.0


def _example_junk() -> tuple[list[str], list[str]]:
    """Junk lines of the example page: those above its first body line, and those below its last."""
    record = json.loads(EXAMPLE_LABELS.read_text(encoding="utf-8").splitlines()[0])
    lines = [(text, label) for text, label in record["lines"] if label]
    first = next(i for i, (_, label) in enumerate(lines) if label == "body")
    last = max(i for i, (_, label) in enumerate(lines) if label == "body")
    header = [text for text, label in lines[:first] if label != "body"]
    footer = [text for text, label in lines[last + 1 :] if label != "body"]
    return header, footer


def _corpus_bodies(corpora: Path, wanted: int) -> Iterator[list[str]]:
    """Up to `wanted` article bodies as paragraph lists, taken in turn from the corpus files."""
    with contextlib.ExitStack() as stack:
        readers = [stack.enter_context(gzip.open(corpora / name, "rt", encoding="utf-8"))
                   for name in CORPUS_FILES if (corpora / name).exists()]
        produced = 0
        while readers and produced < wanted:
            for reader in list(readers):
                line = reader.readline()
                if not line:
                    readers.remove(reader)
                    continue
                # Some corpus texts carry stray NULs from their conversion: a file with one is binary
                # to git, pre-commit and the stripper alike, so it would not be a typical article.
                content = json.loads(line).get("content", "").replace("\x00", "")
                paragraphs = [p.strip() for p in content.splitlines() if p.strip()]
                if len(paragraphs) >= MIN_PARAGRAPHS:
                    produced += 1
                    yield paragraphs
                    if produced >= wanted:
                        break


def _pick(rng: random.Random, lines: list[str], bounds: tuple[int, int]) -> list[str]:
    """A few of `lines`, in page order, as many as `bounds` allows."""
    chosen = rng.sample(range(len(lines)), min(len(lines), rng.randint(*bounds)))
    return [lines[i] for i in sorted(chosen)]


def build_files(directory: Path, count: int, corpora: Path | None) -> tuple[list[Path], list[Path]]:
    """Write `count` article files; return all paths and those that are copies of the example."""
    rng = random.Random(SEED)
    page = EXAMPLE.read_bytes()
    header, footer = _example_junk()
    n_bodies = count - max(1, int(count * EXAMPLE_SHARE)) if corpora else 0
    bodies = list(_corpus_bodies(corpora, n_bodies)) if corpora else []
    paths: list[Path] = []
    examples: list[Path] = []
    for i, paragraphs in enumerate(bodies):
        top = _pick(rng, header, HEADER_JUNK)
        bottom = _pick(rng, footer, FOOTER_JUNK)
        path = directory / f"article-{i:05d}.txt"
        path.write_text("\n\n".join([*top, *paragraphs, *bottom]) + "\n", encoding="utf-8")
        paths.append(path)
    for i in range(len(bodies), count):
        path = directory / f"example-{i:05d}.txt"
        path.write_bytes(page)
        paths.append(path)
        examples.append(path)
    return paths, examples


def console_script() -> list[str]:
    """The installed `stripper` console script, else `python -m stripper`."""
    beside = Path(sys.executable).with_name("stripper")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("stripper")
    return [found] if found else [sys.executable, "-m", "stripper"]


@dataclass
class Timing:
    """One run of the console script."""

    wall: float
    cpu: float  # user + system seconds of the child: what the run costs on an idle machine
    code: int
    out: str
    err: str


def timed(command: list[str], cwd: Path) -> Timing:
    """Wall and CPU seconds, exit status and output of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, run.returncode, run.stdout, run.stderr)


def machine() -> str:
    """Cores, CPU model, load and Python: what the figures depend on."""
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"nproc {usable} (os.cpu_count {cpus}), CPU {model}, load average {load}, "
            f"Python {platform.python_version()} on {platform.system()}")


def main(argv: list[str] | None = None) -> int:
    """Build the files, time the runs, print the figures; 1 when a run misbehaved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="number of article files")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="the shared corpora directory (read at run time; skipped when absent)")
    parser.add_argument("--keep-dir", action="store_true", help="keep the temporary directory and print it")
    args = parser.parse_args(argv)

    corpora = args.corpora if args.corpora.is_dir() else None
    directory = Path(tempfile.mkdtemp(prefix="stripper-bench-"))
    ok = True
    try:
        paths, examples = build_files(directory, args.files, corpora)
        names = [p.name for p in paths]
        size = sum(p.stat().st_size for p in paths)
        script = console_script()
        print(f"machine: {machine()}")
        print(f"files: {len(paths)} ({len(paths) - len(examples)} corpus bodies with junk from "
              f"{corpora if corpora else 'no corpora'}, {len(examples)} copies of {EXAMPLE.name}), "
              f"{size / 1e6:.1f} MB")
        print(f"command: {' '.join(script)}")

        startup = timed([*script, "--check", names[-1]], directory)
        print(f"start-up (one process, one file, --check): {startup.wall:.2f} s wall, {startup.cpu:.2f} s CPU")
        runs = [("--check (junk everywhere)", ["--check"], 1), ("fix in place", [], 1),
                ("--check (after fixing)", ["--check"], 0)]
        for title, options, expected in runs:
            run = timed([*script, *options, *names], directory)
            print(f"{title:26s} {run.wall:6.2f} s wall {len(paths) / run.wall:7.1f} files/s | "
                  f"{run.cpu:6.2f} s CPU {len(paths) / run.cpu:7.1f} files/s")
            if run.code != expected:
                ok = False
                flagged = [line for line in run.out.splitlines() if line and not line.startswith(" ")]
                print(f"{'':26s} UNEXPECTED exit {run.code} (wanted {expected}); stderr: {run.err[-300:]!r}")
                if flagged and title.endswith("(after fixing)"):
                    print(f"{'':26s} {len(flagged)} fixed files still have junk: stripping was not idempotent "
                          f"on them, e.g. {flagged[0]}")
            if title == "fix in place":
                verdict = "under" if run.wall < TARGET_SECONDS else "OVER"
                print(f"{'':26s} target {TARGET_SECONDS:.0f} s for 1,000 files on 2 cores: {verdict} (wall); "
                      f"{'under' if run.cpu < TARGET_SECONDS else 'OVER'} (CPU, i.e. on an idle machine)")
        clean = EXAMPLE_CLEAN.read_bytes()
        wrong = [p.name for p in examples if p.read_bytes() != clean]
        if wrong:
            ok = False
            print(f"WRONG: {len(wrong)} example copies differ from {EXAMPLE_CLEAN.name} after fixing")
        print(f"machine after: {machine()}")
    finally:
        if args.keep_dir:
            print(f"files kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
