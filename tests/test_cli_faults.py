"""The CLI under faults: a full disk or a read-only file during an in-place fix.

Every fault is injected for one file (a.txt) of a run of three; the promise checked each time:
that file is byte-identical afterwards, no temporary file is left beside it, the message names the
file and the reason, the exit status is 2, and the other files of the run are still fixed.

tests/test_cli.py already covers an EIO at os.replace, Ctrl-C during a write and a file that cannot
be read; here are the other places a write can fail (creating the temporary file, writing it half
way, flushing, fsync, chmod, the rename), the errno values a full or read-only disk gives, the
export mode (-o), and real faults outside the process (a file size limit, /dev/full as stdout).
Tests run as root, for whom chmod does not stop a write, so read-only files are simulated by
making the write path raise what the kernel would.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from stripper import cli, fileio
from stripper.cli import main

S1 = "قال وزير النقل إن المشروع سيكتمل العام المقبل بتكلفة تبلغ مليوني دينار."
S2 = "وأضاف أن الحافلات الجديدة ستخدم أكثر من عشرين ألف راكب يومياً في العاصمة."
#: A file the stripper changes (the ad line goes), with CRLF and a BOM so byte-identity means something.
DIRTY = "\ufeff" + f"{S1}\r\n\r\nإعلان\r\n\r\n{S2}\r\n"
FAILING = "a.txt"
OTHERS = ("b.txt", "c.txt")
#: What the kernel says, and how the CLI words it (fileio.os_reason).
REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error",
}
#: Bytes a child process may write to any one file in the file-size-limit tests: more than DIRTY
#: once fixed, less than BIG.
FILE_SIZE_LIMIT = 1024
BIG = "\ufeff" + f"{S1}\r\n\r\nإعلان\r\n\r\n" + f"{S2}\r\n\r\n{S1}\r\n\r\n" * 10


pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(),
                                reason="faults are aimed at one file through /proc/self/fd (Linux)")


@pytest.fixture(scope="module", autouse=True)
def _one_model_thread() -> Iterator[None]:
    # As the CLI itself does: more OpenMP threads than free cores make prediction many times slower.
    with cli.model_threads():
        yield


@pytest.fixture()
def run_dir(tmp_path: Path) -> Path:
    """Three files the stripper will change; a.txt is the one whose write fails."""
    for name in (FAILING, *OTHERS):
        (tmp_path / name).write_bytes(DIRTY.encode("utf-8"))
    return tmp_path


def _error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def _for_failing_fd(fd: int) -> bool:
    # The temporary file of a.txt is named .stripper-a.txt.XXXX.tmp in the same folder.
    return f"{fileio.TEMP_PREFIX}{FAILING}." in os.readlink(f"/proc/self/fd/{fd}")


def _inject(monkeypatch: pytest.MonkeyPatch, step: str, code: int) -> None:
    """Make `step` of writing a.txt fail with errno `code`; the other files write normally."""
    real_ntf = tempfile.NamedTemporaryFile
    real_fsync, real_fchmod, real_replace = os.fsync, os.fchmod, os.replace

    def named_temporary_file(*args: Any, **kwargs: Any) -> Any:
        if FAILING not in kwargs.get("prefix", ""):
            return real_ntf(*args, **kwargs)
        if step == "create":
            raise _error(code)
        tmp = real_ntf(*args, **kwargs)
        if step == "write":
            def half_then_full(data: bytes) -> int:
                # The disk fills up part way: half the bytes land, then the write fails.
                tmp.file.write(data[: len(data) // 2])
                tmp.file.flush()
                raise _error(code)
            tmp.write = half_then_full
        elif step == "flush":
            def flush() -> None:
                raise _error(code)
            tmp.flush = flush
        return tmp

    def fsync(fd: int) -> None:
        if step == "fsync" and _for_failing_fd(fd):
            raise _error(code)
        real_fsync(fd)

    def fchmod(fd: int, mode: int) -> None:
        if step == "chmod" and _for_failing_fd(fd):
            raise _error(code)
        real_fchmod(fd, mode)

    def replace(src: Any, dst: Any) -> None:
        if step == "replace" and Path(dst).name == FAILING:
            raise _error(code)
        real_replace(src, dst)

    monkeypatch.setattr(fileio.tempfile, "NamedTemporaryFile", named_temporary_file)
    monkeypatch.setattr(fileio.os, "fsync", fsync)
    monkeypatch.setattr(fileio.os, "fchmod", fchmod)
    monkeypatch.setattr(fileio.os, "replace", replace)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.name.startswith(fileio.TEMP_PREFIX))


FAULTS = [
    # (step, errno): a full disk...
    ("create", errno.ENOSPC), ("write", errno.ENOSPC), ("flush", errno.ENOSPC), ("fsync", errno.ENOSPC),
    ("write", errno.EDQUOT), ("fsync", errno.EIO),
    # ...and a read-only file, directory or file system.
    ("create", errno.EACCES), ("create", errno.EROFS), ("chmod", errno.EPERM), ("replace", errno.EACCES),
    ("replace", errno.EPERM), ("replace", errno.EROFS),
]


@pytest.mark.parametrize(("step", "code"), FAULTS, ids=[f"{s}-{errno.errorcode[c]}" for s, c in FAULTS])
def test_in_place_fix_keeps_the_original_on_a_write_fault(run_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          step: str, code: int) -> None:
    paths = [run_dir / name for name in (FAILING, *OTHERS)]
    _inject(monkeypatch, step, code)
    assert main([str(p) for p in paths]) == cli.EXIT_ERROR
    out, err = capsys.readouterr()
    assert err == f"stripper: {paths[0]}: cannot write: {REASONS[code]}; file left unchanged\n"
    assert paths[0].read_bytes() == DIRTY.encode("utf-8")
    assert _leftovers(run_dir) == []
    # The run went on: the other two files were fixed and reported.
    assert out == "".join(f"Fixing {p}\n" for p in paths[1:])
    fixed = paths[1].read_bytes()
    assert fixed != DIRTY.encode("utf-8") and paths[2].read_bytes() == fixed


def test_failing_file_in_the_middle_of_the_run(run_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    paths = [run_dir / "b.txt", run_dir / FAILING, run_dir / "c.txt"]
    _inject(monkeypatch, "write", errno.ENOSPC)
    assert main([str(p) for p in paths]) == cli.EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == f"Fixing {paths[0]}\nFixing {paths[2]}\n"
    assert err == f"stripper: {paths[1]}: cannot write: no space left on device; file left unchanged\n"
    assert paths[1].read_bytes() == DIRTY.encode("utf-8")
    assert _leftovers(run_dir) == []


def test_every_write_failing(run_dir: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise _error(errno.ENOSPC)

    monkeypatch.setattr(fileio.tempfile, "NamedTemporaryFile", full)
    names = [str(run_dir / n) for n in (FAILING, *OTHERS)]
    assert main(names) == cli.EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"stripper: {n}: cannot write: no space left on device; file left unchanged"
                                for n in names]
    assert all(Path(n).read_bytes() == DIRTY.encode("utf-8") for n in names)


def test_markdown_and_symlinked_files_fail_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # Markdown goes through judge_many, a followed link writes its target: the same atomic write.
    target = tmp_path / FAILING
    target.write_bytes(DIRTY.encode("utf-8"))
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    markdown = tmp_path / "notes.md"
    markdown.write_bytes(f"# عنوان\n\n{S1}\n\nإعلان\n\n{S2}\n".encode())
    before = markdown.read_bytes()

    def full(*args: Any, **kwargs: Any) -> None:
        raise _error(errno.ENOSPC)

    monkeypatch.setattr(fileio.tempfile, "NamedTemporaryFile", full)
    assert main(["--follow-symlinks", str(link), str(markdown)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert f"stripper: {link}: cannot write: no space left on device; file left unchanged\n" in err
    assert f"stripper: {markdown}: cannot write: no space left on device; file left unchanged\n" in err
    assert link.is_symlink() and target.read_bytes() == DIRTY.encode("utf-8")
    assert markdown.read_bytes() == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(("step", "code"), [("write", errno.ENOSPC), ("replace", errno.EROFS)])
def test_export_fault_writes_nothing_and_touches_no_source(run_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str],
                                                           step: str, code: int) -> None:
    out_dir = run_dir / "clean"
    _inject(monkeypatch, step, code)
    names = [str(run_dir / n) for n in (FAILING, *OTHERS)]
    assert main(["-o", str(out_dir), *names]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err == (f"stripper: {names[0]}: {out_dir / FAILING}: cannot write: {REASONS[code]}; "
                   "file left unchanged\n")
    assert not (out_dir / FAILING).exists()
    assert sorted(p.name for p in out_dir.iterdir()) == list(OTHERS)
    assert all(Path(n).read_bytes() == DIRTY.encode("utf-8") for n in names)
    assert _leftovers(run_dir) == []


# ---------------------------------------------------------------------------------------------
# Real faults, outside the process: no mock between the stripper and the kernel.


def _limited(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        # Past the limit the kernel sends SIGXFSZ (which kills) and fails the write with EFBIG;
        # ignored, the signal leaves just the error, as a full disk leaves ENOSPC.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def _run_cli(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "stripper", *args], capture_output="stdout" not in kwargs,
                          env=env, timeout=600, check=False, **kwargs)


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs a file size limit (POSIX)")
def test_real_file_size_limit_during_an_in_place_fix(run_dir: Path) -> None:
    big = run_dir / FAILING
    big.write_bytes(BIG.encode("utf-8"))
    small = run_dir / OTHERS[0]  # under the limit once fixed: it must still be written
    result = _run_cli([str(big), str(small)], preexec_fn=_limited(FILE_SIZE_LIMIT))
    assert result.returncode == cli.EXIT_ERROR, result.stderr.decode()
    assert result.stderr.decode() == f"stripper: {big}: cannot write: file too large; file left unchanged\n"
    assert result.stdout.decode() == f"Fixing {small}\n"
    assert big.read_bytes() == BIG.encode("utf-8")
    assert small.read_bytes() != DIRTY.encode("utf-8")
    assert _leftovers(run_dir) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_stdout_on_a_full_disk(run_dir: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = _run_cli(["--stdout", str(run_dir / FAILING)], stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == cli.EXIT_ERROR
    assert b"Traceback" not in result.stderr
    assert b"no space left on device" in result.stderr.lower()
    assert (run_dir / FAILING).read_bytes() == DIRTY.encode("utf-8")


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs a file size limit (POSIX)")
def test_corpus_output_fault_keeps_the_previous_output(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(f'{{"id": {i}, "text": "{S1}\\n\\nإعلان\\n\\n{S2}"}}\n' for i in range(50)),
                      encoding="utf-8")
    output = tmp_path / "out.jsonl"
    output.write_bytes(b"previous run\n")
    result = _run_cli(["corpus", str(source), "-o", str(output)], preexec_fn=_limited(FILE_SIZE_LIMIT))
    assert result.returncode != 0
    assert b"file too large" in result.stderr.lower()
    assert output.read_bytes() == b"previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]
