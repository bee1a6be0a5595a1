"""Hostile input sizes: time and peak memory of the stripper on inputs nobody should send it.

    python benchmarks/hostile_sizes.py                  # every case, full sizes (a few minutes)
    python benchmarks/hostile_sizes.py --scale 0.1      # every size divided by ten
    python benchmarks/hostile_sizes.py --cases line,lines
    python benchmarks/hostile_sizes.py --profile lines  # where the time goes (cProfile, top functions)

Cases, each at a tenth of its size and at full size, so the two rows show whether cost grows
linearly (time x10) and whether memory stays bounded:

- `line`: `strip` of one line of 10 MB (UTF-8) of Arabic words, no line break at all;
- `lines`: `strip` of one document of 1,000,000 one-word lines, all different (the whole document
  goes through the context model at once);
- `corpus`: `stripper corpus in.jsonl -o out.jsonl` (-j 1) over 100 MB of JSON Lines, records made
  from data/examples/news-page.txt with variations; its memory must not grow with the input.

Every measurement runs in a fresh Python process, so its peak resident memory (VmHWM) is its own;
`base RSS` is that process's resident memory with the model loaded, before the case ran. Native
thread pools are pinned to one thread: the numbers are per core. Inputs are written to a temporary
folder, never into the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "data" / "examples" / "news-page.txt"

#: Full sizes, from the issue.
LINE_BYTES = 10_000_000
LINE_COUNT = 1_000_000
CORPUS_BYTES = 100_000_000
#: Each case also runs at its size divided by this, to show how cost grows.
SMALL_DIVISOR = 10
#: Functions listed by --profile.
PROFILE_TOP = 25
#: Seconds one measurement may take before it is reported as a hang.
DEFAULT_TIMEOUT = 1800
#: Seed of the corpus variations, so every run measures the same records.
SEED = 6
WORD = "كلمة "
MB = 1_000_000
CASES = ("line", "lines", "corpus")


# -- inputs ------------------------------------------------------------------------------------


def make_line(size: int) -> str:
    """One line of `size` UTF-8 bytes of Arabic words, without a line break."""
    unit = len(WORD.encode("utf-8"))
    return WORD * (size // unit)


def make_lines(count: int) -> str:
    """`count` one-word lines, all different, LF-terminated."""
    return "".join(f"كلمة{i}\n" for i in range(count))


def make_corpus(path: Path, size: int) -> int:
    """Write JSON Lines of about `size` bytes, records varied from the example page; return records."""
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    rng = random.Random(SEED)
    written = records = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < size:
            variant = list(lines)
            # Numbers change, a junk line moves, a paragraph repeats: close to a site's many pages.
            variant = [line.replace("15", str(rng.randint(2, 99))) for line in variant]
            a, b = rng.randrange(len(variant)), rng.randrange(len(variant))
            variant[a], variant[b] = variant[b], variant[a]
            if rng.random() < 0.3:
                variant.insert(rng.randrange(len(variant)), variant[rng.randrange(len(variant))])
            record = json.dumps({"id": records, "url": f"https://example.com/{records}",
                                 "text": "\n".join(variant)}, ensure_ascii=False) + "\n"
            fh.write(record)
            written += len(record.encode("utf-8"))
            records += 1
    return records


# -- the child process ---------------------------------------------------------------------------


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _peak_kb() -> int:
    with contextlib.suppress(OSError):
        return _status_kb("VmHWM")
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(case: str, size: int, workdir: Path, profile: bool) -> dict[str, Any]:
    """Run one case in this (fresh) process and return its measurements."""
    from threadpoolctl import threadpool_limits

    import stripper

    threadpool_limits(limits=1)
    stripper.strip("تمهيد\n")  # load the model outside the timing
    base_kb = _status_kb("VmRSS") if Path("/proc/self/status").exists() else 0
    work: Callable[[], str]
    if case == "line":
        text = make_line(size)
        input_bytes = len(text.encode("utf-8"))
        work = lambda: f"{len(stripper.strip(text).encode('utf-8')):,} bytes kept"  # noqa: E731
    elif case == "lines":
        text = make_lines(size)
        input_bytes = len(text.encode("utf-8"))
        work = lambda: f"{stripper.strip(text).count(chr(10)):,} lines kept"  # noqa: E731
    elif case == "corpus":
        from stripper import corpus

        source = workdir / f"corpus-{size}.jsonl"
        input_bytes = source.stat().st_size
        output = workdir / f"out-{size}.jsonl"

        def work() -> str:
            code = corpus.main([str(source), "-o", str(output)])
            return f"exit {code}, {output.stat().st_size / MB:,.1f} MB written"
    else:
        raise SystemExit(f"unknown case {case!r}")
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    outcome = work()
    if profiler is not None:
        profiler.disable()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    report: dict[str, Any] = {"case": case, "size": size, "input_bytes": input_bytes, "seconds": seconds,
                              "cpu_seconds": cpu_seconds, "peak_kb": _peak_kb(), "base_kb": base_kb,
                              "outcome": outcome}
    if profiler is not None:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(PROFILE_TOP)
        report["profile"] = stream.getvalue()
    return report


# -- the parent ------------------------------------------------------------------------------------


def machine() -> str:
    """One line naming the machine: CPU model, usable cores, memory, Python and library versions."""
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="ascii") as fh:
        memory = f", {int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    from importlib.metadata import version

    return (f"{cpu}, nproc {cores}{memory}; Python {platform.python_version()}, "
            f"arabic-news-stripper {version('arabic-news-stripper')}, scikit-learn {version('scikit-learn')}")


def run_child(case: str, size: int, workdir: Path, profile: bool, timeout: float) -> dict[str, Any]:
    """Measure one case in a fresh process."""
    command = [sys.executable, __file__, "--child", case, "--size", str(size), "--workdir", str(workdir)]
    if profile:
        command.append("--child-profile")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"case": case, "size": size, "error": f"no result after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"case": case, "size": size, "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(case: str, size: int) -> str:
    """What the input of a case is, for the table."""
    if case == "line":
        return f"strip: 1 line of {size / MB:g} MB"
    if case == "lines":
        return f"strip: {size:,} one-word lines"
    return f"stripper corpus: {size / MB:g} MB JSONL"


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of the measurements, with the full size's growth over the small one."""
    out = ["| case | input | time (s) | CPU (s) | MB/s | peak RSS (MB) | base RSS (MB) | x time | x peak | result |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    previous: dict[str, dict[str, Any]] = {}
    for row in rows:
        if "error" in row:
            out.append(f"| {row['case']} | {describe(row['case'], row['size'])} | — | — | — | — | — | — | — | "
                       f"{row['error']} |")
            continue
        before = previous.get(row["case"])
        growth_time = f"{row['seconds'] / before['seconds']:.1f}" if before else ""
        growth_peak = f"{row['peak_kb'] / before['peak_kb']:.2f}" if before else ""
        out.append(
            f"| {row['case']} | {describe(row['case'], row['size'])} | {row['seconds']:.2f} | "
            f"{row['cpu_seconds']:.2f} | {row['input_bytes'] / MB / max(row['seconds'], 1e-9):.2f} | "
            f"{row['peak_kb'] / 1024:.0f} | {row['base_kb'] / 1024:.0f} | {growth_time} | {growth_peak} | "
            f"{row['outcome']} |")
        previous[row["case"]] = row
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Measure the hostile sizes and print the table (or, with --child, one measurement as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size by this (e.g. 0.1)")
    parser.add_argument("--profile", default=None, metavar="CASE", help="cProfile CASE at full size instead")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per measurement")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.size, args.workdir, profile=args.child_profile)))
        return 0

    full = {"line": LINE_BYTES, "lines": LINE_COUNT, "corpus": CORPUS_BYTES}
    cases = [c for c in args.cases.split(",") if c]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="stripper-hostile-") as tmp:
        workdir = Path(tmp)
        if args.profile:
            size = int(full[args.profile] * args.scale)
            if args.profile == "corpus":
                make_corpus(workdir / f"corpus-{size}.jsonl", size)
            row = run_child(args.profile, size, workdir, True, args.timeout)
            print(row.get("profile") or row)
            return 0
        rows = []
        for case in cases:
            for size in (int(full[case] * args.scale / SMALL_DIVISOR), int(full[case] * args.scale)):
                if case == "corpus":
                    records = make_corpus(workdir / f"corpus-{size}.jsonl", size)
                    print(f"corpus of {size / MB:g} MB: {records:,} records", file=sys.stderr)
                print(f"measuring {describe(case, size)} ...", file=sys.stderr, flush=True)
                rows.append(run_child(case, size, workdir, False, args.timeout))
    print(f"Machine: {machine()}\n")
    print(table(rows))
    print("\n`x time` and `x peak`: the row's time and peak RSS over the row above (a tenth of the size); "
          "linear time shows as ~10, bounded memory as ~1.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
