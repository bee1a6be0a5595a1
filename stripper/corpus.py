"""`stripper corpus`: clean one text field of a JSON Lines or Parquet corpus, streaming, on N processes.

Records come out in input order with only the field changed. A record the stripper left alone, or
one it cannot clean (field missing or not a string, malformed JSON), is written back byte-for-byte;
a changed record is re-serialised with `json.dumps(ensure_ascii=False)`, so its other fields keep
their values and key order but not necessarily their original spacing or number spelling.

Memory stays bounded whatever the input size: input is read in chunks of at most `CHUNK_DOCS`
records or `CHUNK_BYTES` bytes, and at most `IN_FLIGHT_PER_JOB` chunks per worker are in the air.

Documents go through `Stripper.judge_many`, which strips exactly as `strip` does and also says which
lines went under which label, so the `--stats` counts per label are exact and cost nothing extra.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gzip
import io
import json
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .args import threshold_arg
from .core import DEFAULT_BATCH_SIZE, Stripper, Verdict
from .labels import JUNK_LABELS, check_keep
from .model import ModelError

#: Records per chunk handed to a worker unless --batch-size says otherwise; one chunk is one
#: `strip_many` batch.
CHUNK_DOCS = DEFAULT_BATCH_SIZE
#: A chunk closes early at this many input bytes, so a run of huge documents cannot pile up.
CHUNK_BYTES = 8 << 20
#: Chunks queued or being cleaned per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_JOB = 2
#: Seconds between progress bar redraws.
PROGRESS_INTERVAL = 0.25
#: Native (OpenMP/BLAS) threads per process: parallelism comes from -j, and OpenMP threads that
#: compete with other processes for the cores slow the model down by an order of magnitude.
NATIVE_THREADS = 1
#: gzip level for `.gz` output: level 9 (gzip's default) costs several times the CPU for ~2% smaller files.
GZIP_LEVEL = 6
#: Read size for input files.
READ_BUFFER = 1 << 20
#: Force a multiprocessing start method ("fork", "spawn", "forkserver"); None chooses (start_method()).
START_METHOD: str | None = None

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

PARQUET_SUFFIXES = (".parquet", ".pq")
GZIP_MAGIC = b"\x1f\x8b"
PROG = "stripper corpus"
# How a changed record is written back; recorded in --stats so readers of the output know.
SERIALIZATION = "json.dumps(ensure_ascii=False) for changed records; other lines byte-for-byte"


class CorpusError(Exception):
    """A failure reported as `stripper: <message>` with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        """`message` is shown after `stripper: `; `code` is the process exit code."""
        super().__init__(message)
        self.code = code


# -- configuration shipped to workers --------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """Everything a worker needs to clean chunks; picklable so spawned workers get it."""

    field: str = "text"
    keep: tuple[str, ...] = ()
    threshold: float | None = None
    model_path: str | None = None
    trusted: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    stats: bool = False
    parquet_out: bool = False


@dataclass
class Chunk:
    """A run of consecutive input records from one file."""

    path: str
    first_line: int
    items: list[Any]
    raw: bool
    position: int = 0


@dataclass
class Tally:
    """Counters for a run; chunks' tallies are added up in the parent."""

    counts: Counter[str] = field(default_factory=Counter)
    lines_removed: Counter[str] = field(default_factory=Counter)
    chars_removed: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        """Add another tally to this one."""
        self.counts.update(other.counts)
        self.lines_removed.update(other.lines_removed)
        self.chars_removed.update(other.chars_removed)


@dataclass
class Result:
    """What a worker sends back for one chunk: outputs in order, tally and messages."""

    out: list[Any]
    tally: Tally
    malformed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    position: int = 0
    peak_rss_kb: int = 0


# -- the worker side -----------------------------------------------------------------------------


class Worker:
    """Cleans chunks with its own Stripper; one per process."""

    def __init__(self, config: Config) -> None:
        """Build the Stripper now so a bad model fails before any chunk is read."""
        self.config = config
        self.keep = check_keep(config.keep)
        if config.model_path is not None:
            self.stripper = Stripper(config.model_path, trusted=config.trusted)
        else:
            self.stripper = Stripper()
        _ = self.stripper.model
        self._threads = native_thread_limiter()

    def process(self, chunk: Chunk) -> Result:
        """Clean one chunk: parse, strip the field in one batch, re-serialise what changed."""
        cfg = self.config
        result = Result(out=[], tally=Tally(), position=chunk.position)
        counts = result.tally.counts
        # One entry per item: the parsed record, or None for a blank or malformed line.
        records: list[Any] = []
        texts: list[str] = []
        slots: list[int] = []
        for offset, item in enumerate(chunk.items):
            record = item
            if chunk.raw:
                counts["input_bytes"] += len(item) + 1
                if not item.strip():
                    counts["blank_lines"] += 1
                    records.append(None)
                    continue
                try:
                    record = json.loads(item)
                except ValueError as exc:
                    counts["malformed"] += 1
                    result.malformed.append(
                        f"{chunk.path}:{chunk.first_line + offset}: malformed JSON ({_short(exc)})")
                    records.append(None)
                    continue
            counts["documents"] += 1
            records.append(record)
            if not isinstance(record, dict):
                counts["not_object"] += 1
            elif cfg.field not in record:
                counts["missing_field"] += 1
            elif not isinstance(record[cfg.field], str):
                counts["not_string"] += 1
            else:
                slots.append(offset)
                texts.append(record[cfg.field])

        # One model call for the chunk (a chunk holds at most --batch-size documents).
        with self._threads():
            verdicts = self.stripper.judge_many(texts, keep=self.keep, threshold=cfg.threshold)
        cleaned = [verdict.text for verdict in verdicts]
        counts["stripped"] += len(texts)
        counts["text_bytes"] += sum(len(t.encode("utf-8")) for t in texts)
        if cfg.stats:
            self._tally(texts, verdicts, result.tally)

        new_text = {offset: new for offset, old, new in zip(slots, texts, cleaned) if new != old}
        for offset, record in enumerate(records):
            item = chunk.items[offset]
            if offset in new_text:
                record[cfg.field] = new_text[offset]
            if cfg.parquet_out:
                if isinstance(record, dict):
                    result.out.append(record)
                elif chunk.raw and item.strip():
                    counts["dropped"] += 1
                    if record is not None:  # a malformed line was reported already
                        result.warnings.append(f"{chunk.path}:{chunk.first_line + offset}: not a JSON object, "
                                               "cannot be written to Parquet; skipped")
            elif chunk.raw and offset not in new_text:
                result.out.append(item)
            else:
                result.out.append(json.dumps(record, ensure_ascii=False, default=_json_default).encode("utf-8"))
        result.peak_rss_kb = peak_rss_kb()
        return result

    @staticmethod
    def _tally(texts: list[str], verdicts: list[Verdict], tally: Tally) -> None:
        """Count lines and characters read, and removed per label."""
        counts = tally.counts
        for before, verdict in zip(texts, verdicts):
            counts["chars_read"] += len(before)
            counts["lines_read"] += sum(1 for line in before.split("\n") if line.strip())
            if not verdict.removed:
                continue
            counts["changed"] += 1
            counts["chars_removed"] += len(before) - len(verdict.text)
            counts["lines_removed"] += len(verdict.removed)
            for line in verdict.removed:
                tally.lines_removed[line.label or ""] += 1
                tally.chars_removed[line.label or ""] += len(line.text)


def native_thread_limiter() -> Callable[[], contextlib.AbstractContextManager[Any]]:
    """A context manager factory pinning native thread pools to NATIVE_THREADS while the model runs."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # scikit-learn depends on it, but a stripped-down install still works
        return contextlib.nullcontext
    # The controller is built once, after the model loaded its libraries: limiting is then ~0.04 ms.
    controller = ThreadpoolController()
    return lambda: controller.limit(limits=NATIVE_THREADS)


def peak_rss_kb() -> int:
    """This process's peak resident memory in KiB (0 where it cannot be read)."""
    # /proc's VmHWM belongs to this program alone; ru_maxrss can carry a parent's peak across exec.
    with contextlib.suppress(OSError), open("/proc/self/status", "rb") as fh:
        for line in fh:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 120 else text[:117] + "..."


def _json_default(value: object) -> object:
    """JSON for what Parquet records may hold beyond JSON's own types."""
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return iso()
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", errors="replace")
    return str(value)


_WORKER: Worker | None = None
_WORKER_ERROR: BaseException | None = None


def _pool_init(config: Config) -> None:
    # An exception escaping a Pool initializer makes the pool respawn workers forever; keep it
    # and raise it from the first task instead, where the parent sees it.
    global _WORKER, _WORKER_ERROR
    try:
        _WORKER = Worker(config)
    except Exception as exc:
        _WORKER_ERROR = exc


def _pool_process(chunk: Chunk) -> Result:
    if _WORKER is None:
        raise _WORKER_ERROR or RuntimeError("worker not initialised")
    return _WORKER.process(chunk)


def start_method() -> str:
    """How pool workers start: fork where it is safe, else spawn."""
    if START_METHOD is not None:
        return START_METHOD
    # fork lets every worker share the parent's imports and loaded model (seconds of CPU per
    # worker saved); it is safe on Linux while this process runs no other thread. Elsewhere, and
    # under a threaded caller, spawn: a fresh interpreter whose initializer loads its own model.
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


def run_chunks(chunks: Iterable[Chunk], config: Config, jobs: int) -> Iterator[Result]:
    """Results of cleaning `chunks` in order, in this process (jobs=1) or a pool of `jobs`."""
    global _WORKER
    if jobs <= 1:
        worker = Worker(config)
        for chunk in chunks:
            yield worker.process(chunk)
        return
    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "fork":
        _WORKER = Worker(config)  # built once here; forked workers inherit it copy-on-write
        pool = ctx.Pool(jobs)
    else:
        pool = ctx.Pool(jobs, initializer=_pool_init, initargs=(config,))
    try:
        with pool:
            # apply_async with a bounded queue instead of imap: imap's feeder thread would read
            # the whole input ahead of the workers.
            pending: deque[Any] = deque()
            for chunk in chunks:
                pending.append(pool.apply_async(_pool_process, (chunk,)))
                if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _WORKER = None


# -- reading ---------------------------------------------------------------------------------------


def is_parquet(path: str | Path) -> bool:
    """True when the name says Parquet."""
    return str(path).lower().endswith(PARQUET_SUFFIXES)


class Source:
    """One input file read as chunks, with how far into the file (on disk) reading has got."""

    def __init__(self, path: Path) -> None:
        """Remember the path and its size; the file opens when chunks are read."""
        self.path = path
        self.size = path.stat().st_size

    def chunks(self, docs: int = CHUNK_DOCS) -> Iterator[Chunk]:
        """The file's records in chunks of at most `docs` records or CHUNK_BYTES bytes."""
        if is_parquet(self.path):
            yield from self._parquet_chunks(docs)
        else:
            yield from self._jsonl_chunks(docs)

    def _jsonl_chunks(self, docs: int) -> Iterator[Chunk]:
        with open(self.path, "rb", buffering=READ_BUFFER) as raw:
            gz = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            fh: IO[bytes] = gzip.GzipFile(fileobj=raw) if gz else raw
            items: list[bytes] = []
            size = 0
            first = 1
            for number, line in enumerate(fh, 1):
                if number == 1 and line.startswith(codecs.BOM_UTF8):
                    line = line[len(codecs.BOM_UTF8):]  # written by some Windows tools; not part of the record
                # Line endings are the file's framing, not the record: each is written back with "\n".
                items.append(line.rstrip(b"\r\n") if line.endswith(b"\n") else line)
                size += len(line)
                if len(items) >= docs or size >= CHUNK_BYTES:
                    yield Chunk(str(self.path), first, items, raw=True, position=raw.tell())
                    items, size, first = [], 0, number + 1
            if items:
                yield Chunk(str(self.path), first, items, raw=True, position=self.size)

    def _parquet_chunks(self, docs: int) -> Iterator[Chunk]:
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(self.path)
        total = max(parquet.metadata.num_rows, 1)
        done = 0
        for batch in parquet.iter_batches(batch_size=docs):
            rows = batch.to_pylist()
            first = done + 1
            done += len(rows)
            yield Chunk(str(self.path), first, rows, raw=False, position=self.size * done // total)

    def schema(self) -> Any:
        """The Arrow schema of a Parquet input, else None."""
        if not is_parquet(self.path):
            return None
        import pyarrow.parquet as pq

        return pq.ParquetFile(self.path).schema_arrow


# -- writing ---------------------------------------------------------------------------------------


class JsonlSink:
    """JSON Lines output, gzip-compressed when the name ends in `.gz`."""

    def __init__(self, tmp: Path, final: Path) -> None:
        """Open `tmp` for writing; `final` names the file inside the gzip header."""
        self._raw = open(tmp, "wb")  # noqa: SIM115 - closed in close()
        self._fh: IO[bytes]
        if final.name.lower().endswith(".gz"):
            # mtime=0 and the final name: the same input gives the same bytes, whatever the temp name.
            self._fh = gzip.GzipFile(filename=final.name[:-3], mode="wb", fileobj=self._raw,
                                     compresslevel=GZIP_LEVEL, mtime=0)
        else:
            self._fh = io.BufferedWriter(self._raw, READ_BUFFER)

    def write(self, rows: list[bytes]) -> None:
        """Append records, one a line."""
        if rows:
            self._fh.write(b"\n".join(rows) + b"\n")

    def close(self) -> None:
        """Flush and close."""
        try:
            self._fh.close()
        finally:
            self._raw.close()


class ParquetSink:
    """Parquet output; the schema is the Parquet input's, else inferred from the first records."""

    def __init__(self, tmp: Path, schema: Any, text_field: str) -> None:
        """Write to `tmp`; `schema` may be None until the first records arrive."""
        self._tmp = tmp
        self._schema = schema
        self._text_field = text_field
        self._writer: Any = None

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Append records; keys outside the schema are an error rather than silently dropped."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not rows:
            return
        if self._schema is None:
            self._schema = pa.Table.from_pylist(rows).schema
        names = set(self._schema.names)
        for row in rows:
            extra = set(row) - names
            if extra:
                raise CorpusError(f"field(s) {', '.join(sorted(extra))} not in the Parquet schema "
                                  f"({', '.join(self._schema.names)}); write JSON Lines instead")
        try:
            table = pa.Table.from_pylist(rows, schema=self._schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise CorpusError(f"records do not fit the Parquet schema ({_short(exc)})") from exc
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, self._schema)
        self._writer.write_table(table)

    def close(self) -> None:
        """Finish the file; with no records at all it is a valid Parquet file with no rows."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is None:
            # Nothing said what the columns are: the text field is the one column known to exist.
            schema = self._schema if self._schema is not None else pa.schema([(self._text_field, pa.string())])
            self._writer = pq.ParquetWriter(self._tmp, schema)
        self._writer.close()


# -- progress --------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr: documents, docs/s, MB/s of text and how much input is read."""

    def __init__(self, total_bytes: int, enabled: bool, stream: IO[str] | None = None) -> None:
        """Draw only when `enabled` (a terminal); `total_bytes` is the inputs' size on disk."""
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.total = total_bytes
        self.start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def update(self, docs: int, text_bytes: int, position: int, force: bool = False) -> None:
        """Redraw at most every PROGRESS_INTERVAL seconds; MB/s counts the text being cleaned."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        share = min(position / self.total, 1.0) if self.total else 1.0
        width = 20
        filled = int(share * width)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {share:4.0%}  {docs:,} docs  {docs / elapsed:,.0f} docs/s  "
                          f"{text_bytes / elapsed / 1e6:.2f} MB/s ")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Remove the bar so a message can be printed on a clean line."""
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def finish(self) -> None:
        """Leave the final state of the bar on its own line."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()


# -- the command -----------------------------------------------------------------------------------


def _keep_arg(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    try:
        check_keep(names)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return names


def _jobs_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("jobs must be 0 (all cores) or more")
    return number or (os.cpu_count() or 1)


def _positive_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `stripper corpus`."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Strip junk lines from one text field of every record of JSON Lines (plain or .gz) "
                    "or Parquet files, keeping every record, in order.",
        epilog="Output format follows the output name: .jsonl, .jsonl.gz or .parquet. Unchanged records "
               "and lines that cannot be cleaned are written back byte-for-byte; changed records are "
               "re-serialised with json.dumps(ensure_ascii=False).",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="JSON Lines (.jsonl, .jsonl.gz) or Parquet files")
    parser.add_argument("-o", "--output", required=True, help="output file, written under a temporary name "
                        "and renamed when complete")
    parser.add_argument("--field", default="text", help="record field holding the text (default: text)")
    parser.add_argument("-j", "--jobs", type=_jobs_arg, default=1, metavar="N",
                        help="worker processes (default 1; 0 = one per core)")
    parser.add_argument("--keep", type=_keep_arg, action="append", default=[], metavar="LABEL[,LABEL]",
                        help=f"junk label(s) to keep, repeatable: {', '.join(JUNK_LABELS)}")
    parser.add_argument("--threshold", type=threshold_arg, default=None,
                        help="junk probability in (0, 1] at which a line is removed; higher keeps more")
    parser.add_argument("--model", default=None, metavar="PATH", help="a model file instead of the packaged one")
    parser.add_argument("--trusted", action="store_true",
                        help="allow loading --model (a model file runs code when loaded: only one you made or trust)")
    parser.add_argument("--stats", default=None, metavar="FILE", help="write run statistics as JSON to FILE")
    parser.add_argument("--strict", action="store_true", help="stop at the first malformed JSON line (exit 2, "
                        "no output written) instead of passing it through")
    parser.add_argument("--batch-size", type=_positive_arg, default=DEFAULT_BATCH_SIZE, metavar="N",
                        help=f"documents per chunk and model call (default {DEFAULT_BATCH_SIZE})")
    return parser


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress.clear()
    print(f"stripper: {message}", file=sys.stderr, flush=True)


def _check_paths(inputs: Sequence[str], output: str, stats: str | None, model: str | None,
                 trusted: bool) -> list[Source]:
    sources: list[Source] = []
    for name in inputs:
        path = Path(name)
        if not path.exists():
            raise CorpusError(f"{name}: No such file", EXIT_USAGE)
        if path.is_dir():
            raise CorpusError(f"{name}: Is a directory", EXIT_USAGE)
        sources.append(Source(path))
    if stats is not None and not Path(stats).resolve().parent.is_dir():
        raise CorpusError(f"{Path(stats).parent}: No such directory", EXIT_USAGE)
    out = Path(output)
    if out.is_dir():
        raise CorpusError(f"{output}: Is a directory", EXIT_USAGE)
    if not out.resolve().parent.is_dir():
        raise CorpusError(f"{out.parent}: No such directory", EXIT_USAGE)
    parquet = is_parquet(output) or any(is_parquet(s.path) for s in sources)
    if parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise CorpusError("Parquet needs pyarrow: pip install 'arabic-news-stripper[parquet]'",
                              EXIT_USAGE) from None
    if model is not None:
        if not trusted:
            raise CorpusError(f"{model}: loading a model file runs code from it; add --trusted only for "
                              "a file you made or trust", EXIT_USAGE)
        if not Path(model).is_file():
            raise CorpusError(f"{model}: No such model file", EXIT_USAGE)
    return sources


def _all_chunks(sources: Sequence[Source], docs: int) -> Iterator[Chunk]:
    base = 0
    for source in sources:
        for chunk in source.chunks(docs):
            chunk.position += base
            yield chunk
        base += source.size


def _stats_json(tally: Tally, seconds: float, args: argparse.Namespace, keep: Sequence[str],
                worker_peak_kb: int) -> dict[str, Any]:
    c = tally.counts
    elapsed = max(seconds, 1e-9)
    passed = {"missing_field": c["missing_field"], "not_string": c["not_string"], "not_object": c["not_object"]}
    return {
        "inputs": list(args.inputs),
        "output": args.output,
        "field": args.field,
        "jobs": args.jobs,
        "keep": list(keep),
        "threshold": args.threshold,
        "documents": {
            "read": c["documents"],
            "stripped": c["stripped"],
            "changed": c["changed"],
            "passed_through": passed,
            "malformed_lines": c["malformed"],
            "blank_lines": c["blank_lines"],
            "dropped": c["dropped"],
        },
        "lines": {
            "read": c["lines_read"],
            "removed": c["lines_removed"],
            "removed_by_label": {label: tally.lines_removed[label] for label in JUNK_LABELS},
        },
        "characters": {
            "read": c["chars_read"],
            # Whole-text difference: removed lines plus the line breaks and blank lines that went with them.
            "removed": c["chars_removed"],
            # Text of the removed lines only, without line endings.
            "removed_by_label": {label: tally.chars_removed[label] for label in JUNK_LABELS},
        },
        "bytes": {"input_records": c["input_bytes"], "text": c["text_bytes"]},
        "throughput": {
            "seconds": round(seconds, 3),
            "documents_per_second": round(c["documents"] / elapsed, 2),
            "text_mb_per_second": round(c["text_bytes"] / elapsed / 1e6, 3),
            "input_mb_per_second": round(c["input_bytes"] / elapsed / 1e6, 3),
        },
        "memory": {
            "peak_rss_mb": round(peak_rss_kb() / 1024, 1),
            # With -j 1 the stripping runs in the main process itself.
            "peak_rss_mb_worker": round(worker_peak_kb / 1024, 1) if args.jobs > 1 else None,
        },
        "serialization": SERIALIZATION,
    }


def run(args: argparse.Namespace) -> int:
    """Run a parsed `stripper corpus` command; return the exit code."""
    keep = sorted({name for group in args.keep for name in group})
    sources = _check_paths(args.inputs, args.output, args.stats, args.model, args.trusted)
    output = Path(args.output)
    parquet_out = is_parquet(output)
    config = Config(field=args.field, keep=tuple(keep), threshold=args.threshold, model_path=args.model,
                    trusted=args.trusted, batch_size=args.batch_size, stats=args.stats is not None,
                    parquet_out=parquet_out)
    tmp = output.with_name(f"{output.name}.tmp-{os.getpid()}")
    progress = Progress(sum(s.size for s in sources), enabled=sys.stderr.isatty())
    tally = Tally()
    worker_peak_kb = 0
    start = time.monotonic()
    sink: JsonlSink | ParquetSink | None = None
    try:
        if parquet_out:
            schema = next((s.schema() for s in sources if is_parquet(s.path)), None)
            sink = ParquetSink(tmp, schema, args.field)
        else:
            sink = JsonlSink(tmp, output)
        for result in run_chunks(_all_chunks(sources, args.batch_size), config, args.jobs):
            if args.strict and result.malformed:
                _say(progress, result.malformed[0])
                raise CorpusError("stopped at malformed JSON (--strict); no output written", EXIT_USAGE)
            for message in result.malformed + result.warnings:
                _say(progress, message)
            sink.write(result.out)
            tally.add(result.tally)
            worker_peak_kb = max(worker_peak_kb, result.peak_rss_kb)
            progress.update(tally.counts["documents"], tally.counts["text_bytes"], result.position)
        sink.close()
        sink = None
        seconds = time.monotonic() - start
        progress.update(tally.counts["documents"], tally.counts["text_bytes"], progress.total, force=True)
        progress.finish()
        if args.stats:
            stats = _stats_json(tally, seconds, args, keep, worker_peak_kb)
            Path(args.stats).write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, output)
    except BaseException:
        progress.clear()
        if sink is not None:
            with contextlib.suppress(Exception):
                sink.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if tally.counts["malformed"] and progress.enabled:
        _say(None, f"{tally.counts['malformed']:,} malformed line(s) passed through unchanged")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `stripper corpus INPUT... -o OUTPUT`; `argv` excludes the word `corpus`."""
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except CorpusError as exc:
        _say(None, str(exc))
        return exc.code
    except KeyboardInterrupt:
        _say(None, "interrupted; no output written")
        return EXIT_INTERRUPTED
    except OSError as exc:
        name = exc.filename or ""
        _say(None, f"{name}: {exc.strerror}" if name and exc.strerror else str(exc))
        return EXIT_FAILURE
    except ModelError as exc:
        _say(None, str(exc))
        return EXIT_FAILURE
    except (EOFError, gzip.BadGzipFile) as exc:
        _say(None, f"input is truncated or not valid gzip ({exc})")
        return EXIT_FAILURE


if __name__ == "__main__":
    # Import through the package so pool workers unpickle functions from stripper.corpus, not __main__.
    from stripper.corpus import main as _main

    sys.exit(_main())
