"""The `stripper` command: fix Arabic news article files in place, the way pre-commit fixers do.

One process loads the model once and judges every file with it, in batches. Files are read as
strict UTF-8 and replaced atomically; a file that cannot be read or written is reported on stderr
and left alone while the others are still processed.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import os
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import __version__
from .args import threshold_arg
from .core import Line, Stripper, default_stripper
from .decode import decide
from .fileio import FileProblem, decode_text, encode_text, read_bytes, write_atomic
from .labels import BODY, JUNK_LABELS, LABELS, check_keep
from .markdown import is_markdown_path, prose_lines
from .model import ModelError
from .textlines import split_document

PROG = "stripper"

#: Exit status: nothing to change.
EXIT_CLEAN = 0
#: Exit status: a file was changed (or, without writing, junk was found).
EXIT_CHANGED = 1
#: Exit status: an error; it wins over the other two once every file has been processed.
EXIT_ERROR = 2
#: Exit status after Ctrl-C, as shells report a process ended by SIGINT.
EXIT_INTERRUPTED = 130

#: The argument that means standard input.
STDIN = "-"
#: How standard input is named in messages.
STDIN_NAME = "<stdin>"
#: File name endings handled as HTML pages (extracted, never rewritten in place).
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm")
#: Files read, judged and written per model batch; bounds memory on very long file lists.
FILES_PER_BATCH = 256
#: Characters of a line shown by --explain before it is cut with an ellipsis.
EXPLAIN_TEXT_WIDTH = 60
#: Decimals of the score shown by --explain.
EXPLAIN_SCORE_DECIMALS = 3
#: OpenMP threads for model prediction. Per-call batches are small, and on a busy machine more
#: threads than free cores made prediction fifty times slower; one thread per process is steady.
MODEL_THREADS = 1

#: `stripper corpus ...` runs this module's main(rest).
CORPUS_COMMAND = "corpus"
CORPUS_MODULE = "stripper.corpus"
#: `stripper label|train|evaluate ...` run this module's main([command, *rest]).
ADAPT_COMMANDS: tuple[str, ...] = ("label", "train", "evaluate")
ADAPT_MODULE = "stripper.adapt"

FSI = "\u2068"  # FIRST STRONG ISOLATE: the text inside takes its own direction...
PDI = "\u2069"  # ...and POP DIRECTIONAL ISOLATE ends it, so the columns before it stay put.
ELLIPSIS = "…"
#: Label shown for a line an HTML page lost when the plain-text labels do not explain its loss.
UNLABELLED = "junk"
_RTL_CLASSES = frozenset({"R", "AL"})
# Bidi controls inside a shown line would escape the isolate; Cc/Cf would garble the terminal.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})

NO_BODY_NOTE = "no article body found; left unchanged (use --allow-empty to empty it)"
HTML_NOTE = "HTML is not rewritten in place; use --stdout or -o DIR"
SYMLINK_NOTE = "symbolic link; skipped (use --follow-symlinks to process its target)"

DESCRIPTION = """\
Remove junk lines (read-also blocks, promos, tags, credits, ads, page chrome) from Arabic news
article files, one paragraph per line. Without options each FILE is fixed in place and rewritten
only when something changed, like the pre-commit fixers trailing-whitespace and end-of-file-fixer.

Markdown files (.md) are judged on their prose lines only: front matter, code, tables, headings,
HTML blocks and link definitions are always kept. HTML files (.html, .htm) are never rewritten in
place: use --stdout or -o DIR to get their article text, or --check."""

EPILOG = """\
examples:
  stripper article.txt notes.md          fix both files in place
  stripper --check articles/*.txt        list files with junk and a count per label
  stripper --diff article.txt            show what would be removed, change nothing
  stripper --explain article.txt         table of removed lines: number, label, score, text
  stripper - < page.txt > clean.txt      filter standard input to standard output
  stripper --stdout page.html            article text of a saved web page
  stripper -o clean/ pages/*.html        write clean/<name>.txt for each page
  stripper --keep source --keep tags a.txt   keep credit and tag lines
  stripper --threshold 0.8 a.txt         remove only lines the model is surer about
  stripper -- corpus                     a file named like a subcommand goes after --

subcommands (when given first):
  stripper corpus ...                    corpus tools (stripper.corpus)
  stripper label|train|evaluate ...      adapt the model to a site (stripper.adapt)

exit status:
  0  nothing to change in any file
  1  some file changed (with --check, --diff, --explain, --stdout or -o: junk was found)
  2  some file could not be processed (errors are reported as "stripper: PATH: PROBLEM" and the
     other files are still processed; 2 wins over 1)
  A file with no article body left after stripping is reported ("no article body found") and
  kept as it is; it does not change the exit status. --allow-empty strips it anyway.
  Symbolic links are skipped with a note unless --follow-symlinks; HTML files without --stdout,
  -o or --check are skipped with a note; neither changes the exit status."""


# ---------------------------------------------------------------------------------------------
# Judging: the lines strip() removes, with the label and score that removed each.


@dataclass
class Verdict:
    """What stripping a document does: the new text and the removed lines (original numbering).

    `removed` is empty when only the text was computed (plain rewriting needs no labels).
    """

    text: str
    removed: list[Line] = field(default_factory=list)
    no_body: bool = False

    def counts(self) -> Counter[str]:
        """Removed lines per label."""
        return Counter(line.label for line in self.removed if line.label)


def judge_many(
    stripper: Stripper,
    texts: Sequence[str],
    *,
    markdown: Sequence[bool] | None = None,
    keep: Sequence[str] = (),
    threshold: float | None = None,
) -> list[Verdict]:
    """Strip each text exactly as `Stripper.strip` does, with every removed line and its label.

    In a Markdown document only prose lines go to the model; everything else is kept verbatim.
    """
    flags = list(markdown) if markdown is not None else [False] * len(texts)
    selectors = [prose_lines if md else None for md in flags]
    return [
        Verdict(text=v.text, removed=v.removed, no_body=v.no_body)
        for v in stripper.judge_many(texts, keep=keep, threshold=threshold, selectors=selectors)
    ]


# ---------------------------------------------------------------------------------------------
# Output helpers.


def _write(stream: TextIO, text: str) -> None:
    """Write text to a stream, escaping what its encoding cannot show instead of failing."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _out(text: str) -> None:
    _write(sys.stdout, text + "\n")


def _err(name: str, problem: str) -> None:
    _write(sys.stderr, f"{PROG}: {name}: {problem}\n")


def _write_stdout_text(text: str) -> None:
    """Write clean text to stdout byte-exact (CRLF and BOM kept), whatever the console encoding."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        _write(sys.stdout, text)
        return
    sys.stdout.flush()
    buffer.write(encode_text(text))
    buffer.flush()


def shorten(text: str, width: int = EXPLAIN_TEXT_WIDTH) -> str:
    """`text` made safe for a terminal column: controls removed, cut to `width`, RTL isolated."""
    shown = "".join(" " if ch == "\t" else ch for ch in text.strip())
    shown = "".join(ch for ch in shown if unicodedata.category(ch) not in _HIDDEN_CATEGORIES)
    if len(shown) > width:
        shown = shown[: width - 1].rstrip() + ELLIPSIS
    if any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in shown):
        # Without the isolate a bidi terminal reorders the whole row and the columns swap sides.
        shown = FSI + shown + PDI
    return shown


def summary(name: str, verdict: Verdict) -> str:
    """One line: the file and its junk lines per label, in label order."""
    counts = verdict.counts()
    total = sum(counts.values())
    order = [*JUNK_LABELS, *sorted(set(counts) - set(JUNK_LABELS))]
    parts = ", ".join(f"{label} {counts[label]}" for label in order if counts[label])
    noun = "line" if total == 1 else "lines"
    return f"{name}: {total} junk {noun} ({parts})"


def explain_table(removed: Sequence[Line]) -> str:
    """The --explain table of removed lines: number, label, score and shortened text."""
    width = max([len("line")] + [len(str(line.number)) for line in removed])
    label_width = max(len(label) for label in LABELS)
    rows = [f"  {'line':>{width}}  {'label':<{label_width}}  {'score':<5}  text"]
    for line in removed:
        score = f"{line.score:.{EXPLAIN_SCORE_DECIMALS}f}" if line.score is not None else "-"
        rows.append(f"  {line.number:>{width}}  {line.label or '':<{label_width}}  {score:<5}  {shorten(line.text)}")
    return "\n".join(rows)


def unified_diff(name: str, old: str, new: str) -> str:
    """A unified diff from `old` to `new`, marking a missing final newline the way diff does."""
    out: list[str] = []
    for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=name, tofile=name
    ):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Arguments.


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `stripper` command."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="files to process; - is standard input")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; list each file with junk and a count per label")
    mode.add_argument("--diff", action="store_true", help="write nothing; print a unified diff per file")
    mode.add_argument("--stdout", action="store_true", help="write the clean text to standard output")
    mode.add_argument("-o", "--output-dir", metavar="DIR", type=Path,
                      help="write the clean text to DIR/<name> (HTML: DIR/<stem>.txt); sources untouched")
    parser.add_argument("--explain", action="store_true",
                        help="write nothing; per file, a table of the removed lines (number, label, score, text)")
    parser.add_argument("--keep", action="append", default=[], metavar="LABEL", choices=JUNK_LABELS,
                        help=f"keep lines with this label; repeatable; one of: {', '.join(JUNK_LABELS)}")
    parser.add_argument("--threshold", type=threshold_arg, metavar="X",
                        help="junk probability in (0, 1] at which a line is removed; higher removes less "
                             "(default: the model's own)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="strip a file even when no article body would remain")
    parser.add_argument("--follow-symlinks", action="store_true",
                        help="process the targets of symbolic links instead of skipping them")
    parser.add_argument("--model", metavar="PATH", type=Path, help="use this model file instead of the packaged one")
    parser.add_argument("--trusted", action="store_true",
                        help="confirm that the --model file is trusted (loading a model file runs code from it)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


# ---------------------------------------------------------------------------------------------
# Subcommands.


def _run_subcommand(module_name: str, argv: list[str], command: str) -> int:
    """Import `module_name` lazily and run its main(argv); a missing module is a clear error."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            _err(command, f"this command is not available in this installation ({module_name} is missing)")
        else:
            _err(command, f"this command needs the Python package {exc.name!r}, which is not installed")
        return EXIT_ERROR
    runner = getattr(module, "main", None)
    if not callable(runner):
        _err(command, f"{module_name} has no main(); this installation is broken")
        return EXIT_ERROR
    result = runner(argv)
    return int(result or 0)


# ---------------------------------------------------------------------------------------------
# Files.


@dataclass
class _Job:
    """One input: where it comes from, how it is handled, and (once read) its text."""

    name: str  # as shown in messages
    path: Path | None  # None for standard input
    kind: str  # "text", "markdown" or "html"
    target: Path | None = None  # the file actually read and written (a symlink's target)
    text: str | None = None
    data: bytes | None = None


@dataclass
class _Run:
    """What the whole run saw: decides the exit status."""

    changed: bool = False
    errors: bool = False
    outputs: dict[Path, str] = field(default_factory=dict)


def _kind(path: Path) -> str:
    if path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    if is_markdown_path(path):
        return "markdown"
    return "text"


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Cli:
    """One invocation: parsed options, the one Stripper, and the run's outcome."""

    def __init__(self, args: argparse.Namespace, stripper: Stripper) -> None:
        self.args = args
        self.stripper = stripper
        self.run = _Run()

    # -- reading -------------------------------------------------------------------------------

    def _open(self, arg: str) -> _Job | None:
        """A job for one argument, read; None (after a note or error) when it is not processed."""
        if arg == STDIN:
            job = _Job(name=STDIN_NAME, path=None, kind="text")
            try:
                job.text = decode_text(sys.stdin.buffer.read(), STDIN_NAME)
            except FileProblem as exc:
                self._fail(job.name, exc.reason)
                return None
            return job
        path = Path(arg)
        job = _Job(name=arg, path=path, kind=_kind(path), target=path)
        if path.is_symlink():
            if not self.args.follow_symlinks:
                _err(arg, SYMLINK_NOTE)
                return None
            try:
                job.target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                self._fail(arg, "broken symbolic link")
                return None
        html_handled = self.args.stdout or self.args.output_dir or self.args.check or self.args.explain
        if job.kind == "html" and not html_handled:
            _err(arg, HTML_NOTE)
            return None
        try:
            assert job.target is not None
            data = read_bytes(job.target)
            if job.kind == "html":
                job.data = data
            else:
                job.text = decode_text(data, arg)
        except FileProblem as exc:
            self._fail(arg, exc.reason)
            return None
        return job

    def _fail(self, name: str, problem: str) -> None:
        _err(name, problem)
        self.run.errors = True

    # -- judging -------------------------------------------------------------------------------

    def _verdicts(self, jobs: list[_Job]) -> list[Verdict | None]:
        """A verdict per text job, one model batch for all of them (None for HTML jobs)."""
        texts = [job for job in jobs if job.kind != "html"]
        result: dict[int, Verdict] = {}
        keep, threshold = self.args.keep, self.args.threshold
        needs_labels = [j for j in texts if j.kind == "markdown" or self.args.check or self.args.explain]
        plain = [j for j in texts if not (j.kind == "markdown" or self.args.check or self.args.explain)]
        if needs_labels:
            verdicts = judge_many(self.stripper, [j.text or "" for j in needs_labels],
                                  markdown=[j.kind == "markdown" for j in needs_labels],
                                  keep=keep, threshold=threshold)
            result.update({id(j): v for j, v in zip(needs_labels, verdicts)})
        if plain:
            # Plain text that is only rewritten goes through the core's own strip_many.
            stripped = self.stripper.strip_many([j.text or "" for j in plain], keep=keep, threshold=threshold)
            for job, new in zip(plain, stripped):
                result[id(job)] = _verdict_from_text(job.text or "", new)
        return [result.get(id(job)) for job in jobs]

    # -- acting --------------------------------------------------------------------------------

    def process(self, args: Sequence[str]) -> None:
        """Read, judge and act on every argument, a batch at a time."""
        for batch in _batches(args, FILES_PER_BATCH):
            jobs = [job for job in (self._open(arg) for arg in batch) if job is not None]
            if not jobs:
                continue
            for job, verdict in zip(jobs, self._verdicts(jobs)):
                if job.kind == "html":
                    self._html(job)
                else:
                    assert verdict is not None
                    self._text(job, verdict)

    def _text(self, job: _Job, verdict: Verdict) -> None:
        old = job.text or ""
        new = verdict.text
        if verdict.no_body and not self.args.allow_empty:
            _err(job.name, NO_BODY_NOTE)
            new = old
            verdict = Verdict(text=old)
        if self.args.check or self.args.explain:
            if verdict.removed:
                self.run.changed = True
                _out(summary(job.name, verdict))
                if self.args.explain:
                    _out(explain_table(verdict.removed))
            return
        if self.args.diff:
            if new != old:
                self.run.changed = True
                _write(sys.stdout, unified_diff(job.name, old, new))
            return
        if job.path is None or self.args.stdout:
            self.run.changed |= new != old
            _write_stdout_text(new)
            return
        if self.args.output_dir is not None:
            self.run.changed |= new != old
            self._export(job, job.path.name, new)
            return
        if new == old:
            return
        assert job.target is not None
        try:
            write_atomic(job.target, encode_text(new))
        except FileProblem as exc:
            self._fail(job.name, exc.reason)
            return
        self.run.changed = True
        _out(f"Fixing {job.name}")

    def _html(self, job: _Job) -> None:
        assert job.path is not None and job.data is not None
        try:
            import stripper as package

            clean = package.strip_html(job.data, keep=self.args.keep, threshold=self.args.threshold)
            # Keeping every junk label strips nothing: what is left is the extractor's own text.
            extracted = package.strip_html(job.data, keep=JUNK_LABELS)
        except ModuleNotFoundError as exc:
            self._fail(job.name, f"HTML support is not available ({exc.name} is missing)")
            return
        except Exception as exc:  # a third-party parser may raise anything; one bad page must not stop the run
            self._fail(job.name, f"cannot extract the article from this HTML: {type(exc).__name__}: {exc}")
            return
        labelled = self.args.check or self.args.explain
        verdict = self._html_verdict(job, extracted, clean, labelled=labelled)
        if labelled:
            if verdict.removed:
                self.run.changed = True
                _out(summary(job.name, verdict))
                if self.args.explain:
                    _out(explain_table(verdict.removed))
            return
        if not clean.strip() and not self.args.allow_empty:
            _err(job.name, "no article body found; nothing written (use --allow-empty to write it anyway)")
            return
        self.run.changed |= bool(verdict.removed)
        if self.args.stdout:
            _write_stdout_text(clean)
        else:
            self._export(job, job.path.stem + ".txt", clean)

    def _html_verdict(self, job: _Job, extracted: str, clean: str, *, labelled: bool) -> Verdict:
        """The lines of the extracted text that stripping loses; labelled when asked and consistent."""
        if labelled:
            removed = self._html_labels(job, clean)
            if removed is not None:
                return Verdict(text=clean, removed=removed)
        # Kept lines are a subsequence of the extracted ones: walk both to find the lost lines.
        kept = [line for line in split_document(clean).lines if line.strip()]
        lost: list[Line] = []
        k = 0
        for number, line in enumerate(split_document(extracted).lines, start=1):
            if not line.strip():
                continue
            if k < len(kept) and kept[k] == line:
                k += 1
            else:
                lost.append(Line(number, line, UNLABELLED, None))
        return Verdict(text=clean, removed=lost)

    def _html_labels(self, job: _Job, clean: str) -> list[Line] | None:
        """The labelled lines strip_html drops, or None when its decisions cannot be reproduced.

        strip_html judges the page's lines with structural tokens, in one pass, with the default
        model; the same call through `html_lines` gives the labels. Its text must then equal what
        strip_html returned, else the labels would not be the ones that decided, and None says so.
        """
        try:
            from .html import html_lines
        except ImportError:
            return None
        assert job.data is not None
        keep_set = check_keep(self.args.keep)
        model = default_stripper()
        lines = html_lines(job.data)
        if not lines:
            return None
        (proba,) = model.document_probabilities([[line.text for line in lines]],
                                                extras=[[line.tokens for line in lines]])
        labels, scores = decide(proba, model.resolve_threshold(self.args.threshold), keep_set)
        removed: list[Line] = []
        kept: list[str] = []
        for number, (line, label, score) in enumerate(zip(lines, labels, scores), start=1):
            if label == BODY or label in keep_set:
                kept.append(line.text)
            else:
                removed.append(Line(number, line.text, label, round(float(score), 4)))
        if ("\n".join(kept) + "\n" if kept else "") != clean:
            return None
        return removed

    def _export(self, job: _Job, name: str, text: str) -> None:
        assert self.args.output_dir is not None
        out = self.args.output_dir / name
        previous = self.run.outputs.get(out)
        if previous is not None:
            self._fail(job.name, f"{out} was already written for {previous} in this run; not overwritten")
            return
        try:
            self.args.output_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(out, encode_text(text))
        except OSError as exc:
            self._fail(job.name, f"cannot write {out}: {exc.strerror or exc}")
            return
        except FileProblem as exc:
            self._fail(job.name, f"{out}: {exc.reason}")
            return
        self.run.outputs[out] = job.name

    def exit_status(self) -> int:
        """2 when anything failed, else 1 when anything changed or had junk, else 0."""
        if self.run.errors:
            return EXIT_ERROR
        return EXIT_CHANGED if self.run.changed else EXIT_CLEAN


def _verdict_from_text(old: str, new: str) -> Verdict:
    """A verdict known only by its text: whether lines went and whether any body is left."""
    before = [line for line in split_document(old).lines if line.strip()]
    after = [line for line in split_document(new).lines if line.strip()]
    return Verdict(text=new, no_body=len(after) < len(before) and not after)


def model_threads() -> contextlib.AbstractContextManager[object]:
    """A context in which model prediction uses MODEL_THREADS OpenMP threads."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn depends on it, but the CLI must not break without it
        return contextlib.nullcontext()
    return threadpool_limits(limits=MODEL_THREADS, user_api="openmp")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `stripper` command with `argv` (default: sys.argv[1:]); return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == CORPUS_COMMAND:
        return _run_subcommand(CORPUS_MODULE, args_list[1:], CORPUS_COMMAND)
    if args_list and args_list[0] in ADAPT_COMMANDS:
        return _run_subcommand(ADAPT_MODULE, args_list, args_list[0])

    parser = build_parser()
    args = parser.parse_args(args_list)
    if not args.files:
        parser.error("no FILE given (use - for standard input)")
    if args.explain and (args.diff or args.stdout or args.output_dir):
        parser.error("--explain writes nothing; it combines only with --check")
    if args.output_dir is not None and STDIN in args.files:
        parser.error("- (standard input) cannot be used with -o; use --stdout")
    if args.files.count(STDIN) > 1:
        parser.error("- (standard input) can be given only once")
    if args.model is not None and not args.trusted:
        _err(str(args.model), "loading a model file runs code from it; add --trusted if you made or trust this file")
        return EXIT_ERROR

    # The process-wide default Stripper: in-process callers running main() again reuse its model.
    stripper = Stripper(args.model, trusted=True) if args.model is not None else default_stripper()
    needs_model = any(arg == STDIN or _kind(Path(arg)) != "html" for arg in args.files)
    if args.model is not None and any(_kind(Path(a)) == "html" for a in args.files if a != STDIN):
        _err(str(args.model), "--model does not apply to HTML files yet (stripper.strip_html has no model "
                              "argument); they use the packaged model")
    with model_threads():
        if needs_model:
            try:
                stripper.model  # noqa: B018 - load now, so a bad model is one error, not one per file
            except ModelError as exc:
                _write(sys.stderr, f"{PROG}: {exc}\n")
                return EXIT_ERROR
        cli = _Cli(args, stripper)
        try:
            # A path given twice would be fixed (and reported) twice.
            cli.process(list(dict.fromkeys(args.files)))
        except KeyboardInterrupt:
            # Every write is atomic: files done are done, the one in flight is untouched.
            _write(sys.stderr, f"{PROG}: interrupted\n")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader went away (`stripper --stdout ... | head`): stop quietly.
            _silence_stdout()
            return EXIT_ERROR
        except OSError as exc:
            # Standard output failed (disk full behind `--stdout > file`): files are written by
            # their own atomic path, so only the printed text is lost; say so, not "junk found".
            _silence_stdout()
            _write(sys.stderr, f"{PROG}: <stdout>: cannot write: {exc.strerror or exc}\n")
            return EXIT_ERROR
    return cli.exit_status()


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at devnull stops a second BrokenPipeError.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
