"""The `stripper` command, pre-commit-hooks style: (input, exit code, output) tables on real files."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import CLEAN, PAGE, REPO, S1, S2

import stripper
from stripper import cli, fileio
from stripper.cli import explain_table, judge_many, main, shorten
from stripper.core import Line

AD = "إعلان"
CREDIT = "المصدر: وكالة الأنباء الأردنية (بترا)"
SMALL = f"{S1}\n\n{AD}\n\n{S2}\n\n{CREDIT}\n"
SMALL_CLEAN = f"{S1}\n\n{S2}\n"
ONLY_JUNK = f"{AD}\n\nجميع الحقوق محفوظة\n"


def _crlf_bom_no_eol(text: str) -> str:
    return "\ufeff" + text.replace("\n", "\r\n").rstrip("\r\n")


@pytest.fixture(scope="module", autouse=True)
def _one_model_thread() -> Iterator[None]:
    # As in the CLI itself: OpenMP threads beyond the free cores make prediction many times slower.
    with cli.model_threads():
        yield


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Fixing in place.

FIX_CASES = [
    # (file content, exit code, content afterwards, stdout)
    (PAGE, 1, CLEAN, "Fixing {path}\n"),
    (CLEAN, 0, CLEAN, ""),
    (SMALL, 1, SMALL_CLEAN, "Fixing {path}\n"),
    (SMALL_CLEAN, 0, SMALL_CLEAN, ""),
    (_crlf_bom_no_eol(PAGE), 1, _crlf_bom_no_eol(CLEAN), "Fixing {path}\n"),
    (PAGE.rstrip("\n"), 1, CLEAN.rstrip("\n"), "Fixing {path}\n"),
    ("\ufeff" + SMALL, 1, "\ufeff" + SMALL_CLEAN, "Fixing {path}\n"),
    (SMALL.replace("\n", "\r\n"), 1, SMALL_CLEAN.replace("\n", "\r\n"), "Fixing {path}\n"),
    ("", 0, "", ""),
    ("\n\n", 0, "\n\n", ""),
]


@pytest.mark.parametrize(("content", "code", "after", "out"), FIX_CASES,
                         ids=["page", "clean-page", "small", "clean-small", "crlf-bom-no-eol", "no-final-newline",
                              "bom", "crlf", "empty", "blank"])
def test_fix_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      content: str, code: int, after: str, out: str) -> None:
    path = _write(tmp_path, "article.txt", content)
    before = path.stat()
    assert main([str(path)]) == code
    assert path.read_bytes() == after.encode("utf-8")
    captured = capsys.readouterr()
    assert captured.out == out.format(path=path)
    assert captured.err == ""
    if code == 0:
        # Not rewritten at all: same inode, same modification time.
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # A fixed file is a fixed point: the second run changes nothing.
    assert main([str(path)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o755, 0o664])
def test_fix_keeps_permissions(tmp_path: Path, mode: int) -> None:
    path = _write(tmp_path, "article.txt", SMALL)
    path.chmod(mode)
    assert main([str(path)]) == 1
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_python_dash_m(tmp_path: Path) -> None:
    # The console script itself runs in test_precommit_hook.py, through pre-commit.
    path = _write(tmp_path, "article.txt", SMALL)
    run = subprocess.run([sys.executable, "-m", "stripper", str(path)], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stdout, run.stderr) == (1, f"Fixing {path}\n", "")
    assert path.read_text(encoding="utf-8") == SMALL_CLEAN


# ---------------------------------------------------------------------------------------------
# Modes that write nothing, or write elsewhere.

#: The example page's summary line: its 20 gold junk lines, counted per label as the library
#: labels them (which junk label a line gets is the model's business, not the CLI's).
PAGE_SUMMARY = "<page summary>"


def _page_summary() -> str:
    from stripper.cli import summary
    from stripper.core import default_stripper

    (verdict,) = judge_many(default_stripper(), [PAGE])
    assert len(verdict.removed) == 20
    return summary("{path}", verdict) + "\n"


WRITE_NOTHING_CASES = [
    # (options, content, exit code, stdout)
    (["--check"], SMALL, 1, "{path}: 2 junk lines (source 1, ad 1)\n"),
    (["--check"], SMALL_CLEAN, 0, ""),
    (["--check"], PAGE, 1, PAGE_SUMMARY),
    (["--check", "--keep", "source"], SMALL, 1, "{path}: 1 junk line (ad 1)\n"),
    (["--check", "--keep", "source", "--keep", "ad"], SMALL, 0, ""),
    (["--diff"], SMALL, 1,
     f"--- {{path}}\n+++ {{path}}\n@@ -1,7 +1,3 @@\n {S1}\n \n-{AD}\n-\n {S2}\n-\n-{CREDIT}\n"),
    (["--diff"], SMALL.rstrip("\n"), 1,
     f"--- {{path}}\n+++ {{path}}\n@@ -1,7 +1,3 @@\n {S1}\n \n-{AD}\n-\n-{S2}\n-\n-{CREDIT}\n"
     f"\\ No newline at end of file\n+{S2}\n\\ No newline at end of file\n"),
    (["--diff"], SMALL_CLEAN, 0, ""),
]


@pytest.mark.parametrize(("options", "content", "code", "out"), WRITE_NOTHING_CASES,
                         ids=["check", "check-clean", "check-page", "check-keep", "check-keep-all", "diff",
                              "diff-no-eol", "diff-clean"])
def test_modes_that_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  options: list[str], content: str, code: int, out: str) -> None:
    path = _write(tmp_path, "article.txt", content)
    if out == PAGE_SUMMARY:
        out = _page_summary()
    assert main([*options, str(path)]) == code
    assert capsys.readouterr() == (out.format(path=path), "")
    assert path.read_text(encoding="utf-8") == content


def test_stdin_to_stdout_is_byte_exact(monkeypatch: pytest.MonkeyPatch,
                                       capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    data = _crlf_bom_no_eol(PAGE).encode("utf-8")
    _stdin(monkeypatch, data)
    assert main(["-"]) == 1
    assert capsysbinary.readouterr() == (_crlf_bom_no_eol(CLEAN).encode("utf-8"), b"")


@pytest.mark.parametrize(("options", "data", "code", "out"), [
    (["-"], SMALL_CLEAN.encode(), 0, SMALL_CLEAN.encode()),
    (["--check", "-"], SMALL.encode(), 1, b"<stdin>: 2 junk lines (source 1, ad 1)\n"),
    (["--stdout", "-"], SMALL.encode(), 1, SMALL_CLEAN.encode()),
])
def test_stdin_modes(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes],
                     options: list[str], data: bytes, code: int, out: bytes) -> None:
    _stdin(monkeypatch, data)
    assert main(options) == code
    assert capsysbinary.readouterr().out == out


def test_stdin_not_utf8(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, S1.encode("cp1256"))
    assert main(["-"]) == 2
    assert capsys.readouterr().err.startswith("stripper: <stdin>: not UTF-8 (invalid byte")


def test_stdout_for_files_concatenates(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    a = _write(tmp_path, "a.txt", SMALL)
    b = _write(tmp_path, "b.txt", PAGE)
    assert main(["--stdout", str(a), str(b)]) == 1
    assert capsysbinary.readouterr().out == (SMALL_CLEAN + CLEAN).encode("utf-8")
    assert a.read_text(encoding="utf-8") == SMALL


def test_output_dir_for_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path, "a.txt", SMALL)
    b = _write(tmp_path, "b.txt", SMALL_CLEAN)
    out = tmp_path / "out" / "nested"
    assert main(["-o", str(out), str(a), str(b)]) == 1
    assert (out / "a.txt").read_text(encoding="utf-8") == SMALL_CLEAN
    assert (out / "b.txt").read_text(encoding="utf-8") == SMALL_CLEAN
    assert a.read_text(encoding="utf-8") == SMALL
    assert capsys.readouterr() == ("", "")


def test_output_dir_refuses_name_collisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").mkdir()
    a = _write(tmp_path, "a.txt", SMALL)
    b = _write(tmp_path / "x", "a.txt", PAGE)
    assert main(["-o", str(tmp_path / "out"), str(a), str(b)]) == 2
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == SMALL_CLEAN
    assert "was already written for" in capsys.readouterr().err


def test_threshold_passes_through(tmp_path: Path, default: stripper.Stripper) -> None:
    for threshold in ("0.3", "0.9999"):
        path = _write(tmp_path, f"page-{threshold}.txt", PAGE)
        main(["--threshold", threshold, str(path)])
        assert path.read_text(encoding="utf-8") == default.strip(PAGE, threshold=float(threshold))
    assert default.strip(PAGE, threshold=0.3) != default.strip(PAGE, threshold=0.9999)


def test_keep_passes_through(tmp_path: Path, default: stripper.Stripper) -> None:
    path = _write(tmp_path, "page.txt", PAGE)
    assert main(["--keep", "source", "--keep", "tags", str(path)]) == 1
    text = path.read_text(encoding="utf-8")
    assert text == default.strip(PAGE, keep=("source", "tags"))
    assert "المصدر: وكالة الأنباء الأردنية (بترا)" in text and "الوسوم:" in text


# ---------------------------------------------------------------------------------------------
# --explain.


def test_explain_table_format_is_pinned() -> None:
    rows = [Line(3, AD, "ad", 1.0), Line(12, "  " + "ش" * 80, "related", 0.98765),
            Line(107, "Source link", "source", 0.5)]
    assert explain_table(rows) == (
        "  line  label    score  text\n"
        "     3  ad       1.000  \u2068إعلان\u2069\n"
        f"    12  related  0.988  \u2068{'ش' * 59}…\u2069\n"
        "   107  source   0.500  Source link"
    )


@pytest.mark.parametrize(("text", "shown"), [
    ("Advertisement", "Advertisement"),
    ("  إعلان\t ", "\u2068إعلان\u2069"),
    ("a\u202eb\u2069c\x1b[31m", "abc[31m"),  # bidi overrides and escapes cannot leak out
    ("x" * 61, "x" * 59 + "…"),
    ("x" * 60, "x" * 60),
])
def test_shorten(text: str, shown: str) -> None:
    assert shorten(text) == shown


def test_explain_lists_removed_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "article.txt", SMALL)
    assert main(["--explain", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: 2 junk lines (source 1, ad 1)"
    assert out[1] == "  line  label    score  text"
    assert re.fullmatch(r"     3  ad       [01]\.\d{3}  \u2068إعلان\u2069", out[2])
    assert re.fullmatch(r"     7  source   [01]\.\d{3}  \u2068المصدر: وكالة الأنباء الأردنية \(بترا\)\u2069", out[3])
    assert len(out) == 4
    assert path.read_text(encoding="utf-8") == SMALL


def test_explain_agrees_with_what_fix_removes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "page.txt", PAGE)
    main(["--explain", str(path)])
    numbers = {int(m) for m in re.findall(r"^\s+(\d+)  ", capsys.readouterr().out, re.M)}
    main([str(path)])
    kept = set(path.read_text(encoding="utf-8").splitlines())
    lines = PAGE.splitlines()
    assert {i + 1 for i, line in enumerate(lines) if line.strip() and line not in kept} == numbers


# ---------------------------------------------------------------------------------------------
# Bad input loses nothing.


def test_not_utf8_is_an_error_and_others_still_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, "cp1256.txt", SMALL.encode("cp1256"))
    binary = _write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    good = _write(tmp_path, "good.txt", SMALL)
    assert main([str(bad), str(binary), str(good)]) == 2
    out, err = capsys.readouterr()
    assert out == f"Fixing {good}\n"
    assert err == (f"stripper: {bad}: not UTF-8 (invalid byte 0xde at offset 0); not processed\n"
                   f"stripper: {binary}: binary file (contains NUL bytes); not processed\n")
    assert bad.read_bytes() == SMALL.encode("cp1256")
    assert good.read_text(encoding="utf-8") == SMALL_CLEAN


@pytest.mark.parametrize("options", [[], ["--check"], ["--diff"], ["--stdout"]])
def test_missing_and_directory_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          options: list[str]) -> None:
    good = _write(tmp_path, "good.txt", SMALL_CLEAN)
    missing = tmp_path / "missing.txt"
    assert main([*options, str(missing), str(tmp_path), str(good)]) == 2
    err = capsys.readouterr().err
    assert err == f"stripper: {missing}: no such file\nstripper: {tmp_path}: is a directory\n"


def test_permission_denied_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    secret = _write(tmp_path, "secret.txt", SMALL)
    good = _write(tmp_path, "good.txt", SMALL)
    real_open = open

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)) == secret:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    # Simulated: the suite may run as root, for whom chmod 000 does not stop reading.
    monkeypatch.setattr(fileio, "open", guarded, raising=False)
    assert main([str(secret), str(good)]) == 2
    assert capsys.readouterr() == (f"Fixing {good}\n", f"stripper: {secret}: permission denied\n")
    assert secret.read_text(encoding="utf-8") == SMALL


def test_failed_write_keeps_original_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    a = _write(tmp_path, "a.txt", SMALL)
    b = _write(tmp_path, "b.txt", PAGE)
    real_replace = os.replace

    def failing(src: str, dst: str | Path) -> None:
        if Path(dst) == a:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(fileio.os, "replace", failing)
    assert main([str(a), str(b)]) == 2
    out, err = capsys.readouterr()
    assert out == f"Fixing {b}\n"
    assert err == f"stripper: {a}: cannot write: input/output error; file left unchanged\n"
    assert a.read_text(encoding="utf-8") == SMALL
    assert b.read_text(encoding="utf-8") == CLEAN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.parametrize(("options", "code", "after", "err"), [
    ([], 0, ONLY_JUNK, "stripper: {path}: no article body found; left unchanged (use --allow-empty to empty it)\n"),
    (["--check"], 0, ONLY_JUNK, "stripper: {path}: no article body found; left unchanged (use --allow-empty to "
                                "empty it)\n"),
    (["--allow-empty"], 1, "", ""),
])
def test_no_article_body(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         options: list[str], code: int, after: str, err: str) -> None:
    path = _write(tmp_path, "junk.txt", ONLY_JUNK)
    assert main([*options, str(path)]) == code
    assert path.read_text(encoding="utf-8") == after
    assert capsys.readouterr().err == err.format(path=path)


def test_no_body_does_not_hide_other_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = _write(tmp_path, "junk.txt", ONLY_JUNK)
    page = _write(tmp_path, "page.txt", PAGE)
    assert main([str(junk), str(page)]) == 1
    assert junk.read_text(encoding="utf-8") == ONLY_JUNK
    assert capsys.readouterr().out == f"Fixing {page}\n"


def test_symlinks_skipped_unless_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _write(tmp_path, "target.txt", SMALL)
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    assert main([str(link)]) == 0
    assert capsys.readouterr().err == (f"stripper: {link}: symbolic link; skipped (use --follow-symlinks to "
                                       "process its target)\n")
    assert target.read_text(encoding="utf-8") == SMALL
    assert main(["--follow-symlinks", str(link)]) == 1
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == SMALL_CLEAN
    broken = tmp_path / "broken.txt"
    broken.symlink_to("nowhere.txt")
    assert main(["--follow-symlinks", str(broken)]) == 2
    assert capsys.readouterr().err.endswith(f"stripper: {broken}: broken symbolic link\n")


def test_errors_win_over_changes(tmp_path: Path) -> None:
    page = _write(tmp_path, "page.txt", PAGE)
    assert main([str(page), str(tmp_path / "missing.txt")]) == 2
    assert page.read_text(encoding="utf-8") == CLEAN


# ---------------------------------------------------------------------------------------------
# Options, models, subcommands.


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"stripper {stripper.__version__}\n"


def test_help_has_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for needle in ("examples:", "stripper --check", "stripper - <", "--keep LABEL", "--threshold X", "exit status:",
                   "no article body found", "--follow-symlinks", "--allow-empty", "stripper -- corpus"):
        assert needle in out


@pytest.mark.parametrize("argv", [[], ["--explain", "--diff", "a.txt"], ["-o", "d", "-"], ["--check", "--diff", "a"],
                                  ["--keep", "body", "a.txt"], ["--threshold", "0", "a.txt"],
                                  ["--threshold", "x", "a.txt"], ["-", "-"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("usage: stripper")


def test_model_needs_trusted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "a.txt", SMALL)
    model = tmp_path / "site.joblib"
    model.write_bytes(b"anything")
    assert main(["--model", str(model), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stripper: {model}: loading a model file runs code from it; add --trusted")
    assert path.read_text(encoding="utf-8") == SMALL


def test_model_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "a.txt", SMALL)
    assert main(["--model", str(tmp_path / "none.joblib"), "--trusted", str(path)]) == 2
    assert capsys.readouterr().err == f"stripper: {tmp_path / 'none.joblib'}: no such model file\n"
    assert path.read_text(encoding="utf-8") == SMALL


def test_trusted_model_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from stripper.model import packaged_model_path

    path = _write(tmp_path, "a.txt", SMALL)
    assert main(["--model", str(packaged_model_path()), "--trusted", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == SMALL_CLEAN


@pytest.mark.parametrize(("argv", "module", "forwarded"), [
    (["corpus", "build", "--out", "x"], "stripper.corpus", ["build", "--out", "x"]),
    (["corpus"], "stripper.corpus", []),
    (["label", "site.jsonl"], "stripper.adapt", ["label", "site.jsonl"]),
    (["train", "--help"], "stripper.adapt", ["train", "--help"]),
    (["evaluate"], "stripper.adapt", ["evaluate"]),
])
def test_subcommands_dispatch(monkeypatch: pytest.MonkeyPatch, argv: list[str], module: str,
                              forwarded: list[str]) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType(module)
    fake.main = lambda rest: seen.append(list(rest)) or 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module, fake)
    assert main(argv) == 3
    assert seen == [forwarded]


@pytest.mark.parametrize(("command", "module"), [("corpus", "stripper.corpus"), ("train", "stripper.adapt")])
def test_missing_subcommand_module_is_clear(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                            command: str, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail like an absent module
    assert main([command]) == 2
    assert capsys.readouterr().err == (f"stripper: {command}: this command is not available in this "
                                       f"installation ({module} is missing)\n")


def test_file_named_like_a_subcommand_after_double_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "corpus", SMALL)
    assert main(["--", "corpus"]) == 1
    assert capsys.readouterr().out == "Fixing corpus\n"
    assert (tmp_path / "corpus").read_text(encoding="utf-8") == SMALL_CLEAN


# ---------------------------------------------------------------------------------------------
# The labels --check and --explain report are those of the passes strip() makes.


def _labelled_docs(limit: int) -> list[str]:
    docs: list[str] = []
    for path in sorted((REPO / "data" / "labelled").glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                docs.append("\n".join(text for text, _ in json.loads(line)["lines"]))
                break  # one per site keeps the test fast and still varied
    return docs[:limit]


@pytest.mark.parametrize(("keep", "threshold"), [((), None), (("source", "tags"), None), ((), 0.9), ((), 0.2)])
def test_judge_many_matches_strip(default: stripper.Stripper, keep: tuple[str, ...], threshold: float | None) -> None:
    docs = [PAGE, SMALL, ONLY_JUNK, _crlf_bom_no_eol(PAGE), "", *_labelled_docs(16)]
    expected = list(default.strip_many(docs, keep=keep, threshold=threshold))
    verdicts = judge_many(default, docs, keep=keep, threshold=threshold)
    assert [v.text for v in verdicts] == expected
    for doc, verdict in zip(docs, verdicts):
        lines = doc.removeprefix("\ufeff").split("\n")
        for line in verdict.removed:
            assert lines[line.number - 1].rstrip("\r") == line.text
            assert line.label not in (None, "body", *keep)


# ---------------------------------------------------------------------------------------------
# HTML (stripper/html.py is another developer's; these run once it exists).

HTML_PAGE = REPO / "data" / "html" / "aljazeera.html"


@pytest.fixture
def html_file(tmp_path: Path) -> Path:
    pytest.importorskip("stripper.html", reason="stripper/html.py (issue 4) is not in this checkout yet")
    if not HTML_PAGE.exists():
        pytest.skip(f"{HTML_PAGE} is absent")
    path = tmp_path / "page.html"
    path.write_bytes(HTML_PAGE.read_bytes())
    return path


def test_html_is_not_rewritten_in_place(html_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = html_file.read_bytes()
    assert main([str(html_file)]) == 0
    assert capsys.readouterr() == ("", f"stripper: {html_file}: HTML is not rewritten in place; use --stdout or -o "
                                       "DIR\n")
    assert html_file.read_bytes() == before


def test_html_stdout_and_output_dir(html_file: Path, tmp_path: Path,
                                    capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    expected = stripper.strip_html(html_file.read_bytes())
    assert expected.strip()
    assert main(["--stdout", str(html_file)]) in (0, 1)
    assert capsysbinary.readouterr().out == expected.encode("utf-8")
    assert main(["-o", str(tmp_path / "out"), str(html_file)]) in (0, 1)
    assert (tmp_path / "out" / "page.txt").read_text(encoding="utf-8") == expected


def test_html_check_counts_lines_the_extracted_text_loses(html_file: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = html_file.read_bytes()
    extracted = stripper.strip_html(data, keep=stripper.JUNK_LABELS)
    clean = stripper.strip_html(data)
    lost = sum(1 for x in extracted.splitlines() if x.strip()) - sum(1 for x in clean.splitlines() if x.strip())
    code = main(["--check", str(html_file)])
    out = capsys.readouterr().out
    assert code == (1 if lost else 0)
    if lost:
        assert out.startswith(f"{html_file}: {lost} junk line")
    else:
        assert out == ""
    assert html_file.read_bytes() == data


def test_a_path_given_twice_is_fixed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "a.txt", SMALL)
    assert main([str(path), str(path)]) == 1
    assert capsys.readouterr().out == f"Fixing {path}\n"


def test_interrupt_keeps_every_file_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    a = _write(tmp_path, "a.txt", SMALL)
    b = _write(tmp_path, "b.txt", PAGE)
    real_fsync = os.fsync
    calls = 0

    def ctrl_c_on_second_file(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(fileio.os, "fsync", ctrl_c_on_second_file)
    assert main([str(a), str(b)]) == 130
    assert a.read_text(encoding="utf-8") == SMALL_CLEAN
    assert b.read_text(encoding="utf-8") == PAGE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert capsys.readouterr() == (f"Fixing {a}\n", "stripper: interrupted\n")
