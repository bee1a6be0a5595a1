"""Reading article files strictly and replacing them atomically.

Reading never guesses an encoding: a file is UTF-8 (a BOM allowed, and kept) or it is refused with
the reason, so that rewriting it can never lose a byte the stripper did not mean to drop. Writing
goes to a temporary file in the same directory and is moved over the original with `os.replace`,
so an interrupted run leaves either the old file or the new one, never a truncated mix.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

#: The encoding every article file must be in; the BOM, when present, is part of the decoded text.
ENCODING = "utf-8"
#: Bytes inspected for NUL when deciding that a file is binary rather than text.
BINARY_SNIFF_BYTES = 8192
#: Prefix and suffix of the temporary file that becomes the new version of a file.
TEMP_PREFIX = ".stripper-"
TEMP_SUFFIX = ".tmp"

_WIDE_BOMS = (
    ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16"),
)

_REASONS = {
    errno.ENOENT: "no such file",
    errno.EISDIR: "is a directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "no such file (a parent is not a directory)",
    errno.ELOOP: "too many levels of symbolic links",
}


class FileProblem(Exception):
    """A file that cannot be read or written; `str()` is the reason, without the path."""

    def __init__(self, path: Path | str, reason: str) -> None:
        """Remember the path and the one-line reason."""
        super().__init__(reason)
        self.path = path
        self.reason = reason


def os_reason(error: OSError) -> str:
    """A short lower-case reason for an OSError, stable across platforms for the common cases."""
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return (error.strerror or type(error).__name__).lower()


def decode_text(data: bytes, path: Path | str) -> str:
    """`data` as text: strict UTF-8, refusing binary data with the reason."""
    # UTF-32 first: its little-endian mark begins with the UTF-16 one.
    for marks, name in _WIDE_BOMS:
        if data.startswith(marks):
            raise FileProblem(path, f"{name} text (byte-order mark); only UTF-8 is processed")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise FileProblem(path, "binary file (contains NUL bytes); not processed")
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            path, f"not UTF-8 (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); not processed"
        ) from None


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file, or FileProblem saying why they cannot be read."""
    try:
        if path.is_dir():
            raise FileProblem(path, "is a directory")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise FileProblem(path, os_reason(exc)) from None


def read_text(path: Path) -> str:
    """The text of a UTF-8 file, BOM and line endings kept, or FileProblem saying why not."""
    return decode_text(read_bytes(path), path)


def encode_text(text: str) -> bytes:
    """The bytes written for `text` (the inverse of `decode_text`)."""
    return text.encode(ENCODING)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically, keeping its permission bits and owner."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        existing: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise FileProblem(path, f"cannot write: {os_reason(exc)}") from None
    tmp_name: str | None = None
    try:
        # Same directory as the target: os.replace is atomic only within one file system.
        with tempfile.NamedTemporaryFile(
            dir=directory, prefix=TEMP_PREFIX + path.name + ".", suffix=TEMP_SUFFIX, delete=False
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            # NamedTemporaryFile creates 0600; the rewritten file must keep what the user had.
            _set_mode(tmp.fileno(), tmp_name, stat.S_IMODE(existing.st_mode) if existing else _default_mode())
            if existing is not None:
                _copy_owner(tmp.fileno(), existing)
            # The bytes reach the disk before the rename: a crash shows the old file or the new one.
            # The directory is not fsynced: that only makes the rename durable (after a crash the
            # old file may come back, whole), and it cost five times the rest of the write.
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise FileProblem(path, f"cannot write: {os_reason(exc)}; file left unchanged") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _set_mode(fd: int, name: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows before Python 3.13
        os.chmod(name, mode)


def _copy_owner(fd: int, existing: os.stat_result) -> None:
    # Only root can give a file away; for everyone else the owner is already right.
    if not hasattr(os, "fchown"):
        return
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) != (existing.st_uid, existing.st_gid):
        with contextlib.suppress(OSError):
            os.fchown(fd, existing.st_uid, existing.st_gid)


def _default_mode() -> int:
    # A new file gets what open() would give it: 0666 minus the process umask.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
