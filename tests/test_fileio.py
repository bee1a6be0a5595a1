"""Reading strictly and writing atomically: bad input is refused with a reason, nothing is lost."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from stripper import fileio
from stripper.fileio import FileProblem, decode_text, read_text, write_atomic

ARABIC = "قال الوزير إن المشروع سيكتمل العام المقبل.\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (ARABIC.encode(), ARABIC),
        (("\ufeff" + ARABIC).encode(), "\ufeff" + ARABIC),
        (ARABIC.replace("\n", "\r\n").encode(), ARABIC.replace("\n", "\r\n")),
        (ARABIC.rstrip("\n").encode(), ARABIC.rstrip("\n")),
        (b"", ""),
    ],
    ids=["plain", "bom-kept", "crlf-kept", "no-final-newline", "empty"],
)
def test_decode_keeps_every_character(data: bytes, expected: str) -> None:
    assert decode_text(data, "f.txt") == expected
    assert fileio.encode_text(decode_text(data, "f.txt")) == data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (ARABIC.encode("cp1256"), "not UTF-8 (invalid byte 0xde at offset 0); not processed"),
        (b"ok\n\xff\n", "not UTF-8 (invalid byte 0xff at offset 3); not processed"),
        (ARABIC.encode("utf-16"), "UTF-16 text (byte-order mark); only UTF-8 is processed"),
        (ARABIC.encode("utf-32"), "UTF-32 text (byte-order mark); only UTF-8 is processed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes); not processed"),
    ],
    ids=["windows-1256", "stray-byte", "utf-16", "utf-32", "binary"],
)
def test_decode_refuses_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(FileProblem) as info:
        decode_text(data, "f.txt")
    assert info.value.reason == reason


def test_read_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="no such file"):
        read_text(tmp_path / "missing.txt")
    with pytest.raises(FileProblem, match="is a directory"):
        read_text(tmp_path)


def test_read_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(ARABIC, encoding="utf-8")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    # Simulated: the suite may run as root, for whom chmod 000 does not stop reading.
    monkeypatch.setattr(fileio, "open", denied, raising=False)
    with pytest.raises(FileProblem, match="permission denied"):
        read_text(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod-000 file")
def test_read_permission_denied_for_real(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(ARABIC, encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(FileProblem, match="permission denied"):
            read_text(path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640, 0o755, 0o444])
def test_write_keeps_permission_bits(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"old\n")
    path.chmod(mode)
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_write_new_file_gets_umask_default(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(fileio.TEMP_PREFIX))


@pytest.mark.parametrize("step", ["replace", "fsync", "fchmod"])
def test_failed_write_leaves_original_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"original\n")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, step, boom)
    with pytest.raises(FileProblem, match="cannot write: no space left on device; file left unchanged"):
        write_atomic(path, b"new content that must not land\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"original\n"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_leaves_original_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"original\n")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    # Ctrl-C after the temporary file got its bytes but before it replaced anything.
    monkeypatch.setattr(fileio.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"half")
    monkeypatch.undo()
    assert path.read_bytes() == b"original\n"
    assert _leftovers(tmp_path) == []


def test_write_into_read_only_directory_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"original\n")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fileio.tempfile, "NamedTemporaryFile", denied)
    with pytest.raises(FileProblem, match="cannot write: permission denied"):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"original\n"
