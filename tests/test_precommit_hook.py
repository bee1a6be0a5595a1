"""The real pre-commit program runs this project's hooks on a throwaway git repository.

pre-commit clones `repo:` at `rev:` and pip-installs it into its own virtualenv, so the test first
makes a git repository holding a copy of the project's packaging files, commits it, and points a
`.pre-commit-config.yaml` at that commit. The first run installs the hook environment (a minute
or two; it reaches the package index), later runs reuse it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "data" / "examples"
#: What pre-commit needs to build and install the project from its clone.
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")
PROJECT_DIRS = ("stripper",)
#: Seconds allowed for a pre-commit run; the first one creates a virtualenv and installs the project.
INSTALL_TIMEOUT = 1800
#: Seconds allowed for a git command.
GIT_TIMEOUT = 120

GIT = shutil.which("git")
if importlib.util.find_spec("pre_commit") is not None:
    PRE_COMMIT: list[str] | None = [sys.executable, "-m", "pre_commit"]
elif shutil.which("pre-commit"):
    PRE_COMMIT = [str(shutil.which("pre-commit"))]
else:
    PRE_COMMIT = None

pytestmark = [
    pytest.mark.skipif(GIT is None, reason="git is not installed; the pre-commit hook test needs it"),
    pytest.mark.skipif(PRE_COMMIT is None,
                       reason="pre-commit is not installed (pip install pre-commit, or the project's [test] extra)"),
]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        # Everything pre-commit caches (clones, hook virtualenvs) stays inside this test's tmp dir.
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1",
    })
    # The hook must run the project installed in pre-commit's virtualenv, not this checkout.
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    run = subprocess.run([str(GIT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT)
    assert run.returncode == 0, f"git {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run.stdout.strip()


def _hooks_repository(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A git repository with a copy of the project's working tree, committed; its path and sha."""
    clone = tmp_path / "arabic-news-stripper"
    clone.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, clone / name)
    for name in PROJECT_DIRS:
        shutil.copytree(REPO / name, clone / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _git(clone, env, "init", "-q")
    _git(clone, env, "add", "-A")
    _git(clone, env, "commit", "-q", "-m", "snapshot for the pre-commit hook test")
    return clone, _git(clone, env, "rev-parse", "HEAD")


def _pre_commit(work: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return subprocess.run([*PRE_COMMIT, "run", *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=INSTALL_TIMEOUT)


def _output(run: subprocess.CompletedProcess[str]) -> str:
    return f"exit {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"


def test_hooks_with_real_pre_commit(tmp_path: Path) -> None:
    env = _env(tmp_path)
    hooks_repo, sha = _hooks_repository(tmp_path, env)
    work = tmp_path / "articles"
    work.mkdir()
    _git(work, env, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks_repo.as_posix()}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        "      - id: strip-boilerplate\n"
        "      - id: check-boilerplate\n",
        encoding="utf-8",
    )
    page = (EXAMPLES / "news-page.txt").read_bytes()
    clean = (EXAMPLES / "news-page.clean.txt").read_bytes()
    article = work / "article.txt"
    article.write_bytes(page)
    # Not matched by the hooks' `files`: must never be touched.
    other = work / "notes.rst"
    other.write_bytes(page)
    _git(work, env, "add", "-A")

    # The checker runs first: it installs the environment, fails, and changes nothing.
    check = _pre_commit(work, env, "check-boilerplate", "--all-files")
    assert check.returncode == 1, _output(check)
    assert "article.txt: 20 junk lines" in check.stdout, _output(check)
    assert "files were modified by this hook" not in check.stdout, _output(check)
    assert article.read_bytes() == page

    fix = _pre_commit(work, env, "strip-boilerplate", "--all-files")
    assert fix.returncode == 1, _output(fix)
    assert "files were modified by this hook" in fix.stdout, _output(fix)
    assert "Fixing article.txt" in fix.stdout, _output(fix)
    assert article.read_bytes() == clean
    assert other.read_bytes() == page

    _git(work, env, "add", "-A")
    again = _pre_commit(work, env, "strip-boilerplate", "--all-files")
    assert again.returncode == 0, _output(again)
    assert article.read_bytes() == clean
    recheck = _pre_commit(work, env, "check-boilerplate", "--all-files")
    assert recheck.returncode == 0, _output(recheck)
