"""A bounded run of the coverage-guided fuzz target (fuzz/fuzz_strip.py) over the committed seeds.

STRIPPER_FUZZ_SECONDS sets the run's length: 60 s by default in CI (when CI is set), 20 s
otherwise, and at most RUNS_PER_SECOND inputs a second of it. STRIPPER_FUZZ_SEED sets libFuzzer's
seed (default 1, so a CI run is repeatable; 0 picks a random one). New corpus entries and crash
files go to a temporary folder, never into the repository; a crash file is named in the failure
message with the command to replay it. Skipped, saying so, when atheris is not installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "fuzz" / "fuzz_strip.py"
SEEDS = REPO / "tests" / "fuzz_corpus"
SECONDS_ENV = "STRIPPER_FUZZ_SECONDS"
SEED_ENV = "STRIPPER_FUZZ_SEED"
CI_SECONDS = 60
LOCAL_SECONDS = 20
DEFAULT_SEED = 1
#: libFuzzer's own ceilings: memory per process, and seconds for one input before it counts as a hang
#: (an input normally takes well under a second; this only catches a real hang).
RSS_LIMIT_MB = 2048
INPUT_TIMEOUT_SECONDS = 120
#: Inputs per second of the run's length at most. Under atheris the fuzzer process grows by about
#: 4 MB an input in this target (2 MB before the batch featuriser; replaying the same 600 inputs
#: without atheris stays at about 145 MB), so a run bounded only in time goes past RSS_LIMIT_MB:
#: 10 a second (600 inputs in CI) reached it. 5 a second keeps a CI run near 1.3 GB.
RUNS_PER_SECOND = 5
#: Slack on top of the run's length for start-up (imports, model load) and the input in flight.
STARTUP_SLACK_SECONDS = 300
#: Lines of the fuzzer's output shown when it fails.
TAIL_LINES = 60


def _seconds() -> int:
    default = CI_SECONDS if os.environ.get("CI") else LOCAL_SECONDS
    return int(os.environ.get(SECONDS_ENV, default))


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                    reason="atheris is not installed (pip install atheris); the fuzz run is skipped")
def test_fuzz_target_finds_nothing(tmp_path: Path) -> None:
    work = tmp_path / "corpus"
    work.mkdir()
    seconds = _seconds()
    seed = int(os.environ.get(SEED_ENV, DEFAULT_SEED))
    command = [sys.executable, str(TARGET), f"-max_total_time={seconds}", f"-runs={seconds * RUNS_PER_SECOND}",
               f"-rss_limit_mb={RSS_LIMIT_MB}",
               f"-timeout={INPUT_TIMEOUT_SECONDS}", f"-seed={seed}", f"-artifact_prefix={tmp_path}/",
               # libFuzzer writes new inputs into the first folder: the committed seeds go second.
               str(work), str(SEEDS)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(command, capture_output=True, text=True, errors="replace", env=env, check=False,
                            timeout=seconds + STARTUP_SLACK_SECONDS, cwd=tmp_path)
    log = result.stdout + result.stderr
    crashes = sorted(p.name for p in tmp_path.iterdir() if re.match(r"(crash|timeout|oom|leak)-", p.name))
    saved = []
    if crashes:
        # Keep the inputs where a developer can find them after pytest cleans tmp_path up.
        keep = Path(os.environ.get("TMPDIR", "/tmp")) / "stripper-fuzz-crashes"
        keep.mkdir(exist_ok=True)
        saved = [str(shutil.copy(tmp_path / name, keep / name)) for name in crashes]
    tail = "\n".join(log.splitlines()[-TAIL_LINES:])
    assert result.returncode == 0 and not crashes, (
        f"fuzz run failed (exit {result.returncode}); inputs: {saved}; replay one with "
        f"`python {TARGET.relative_to(REPO)} <file>`, then make it a regression test in tests/test_hostile.py\n"
        f"{tail}")
    done = re.search(r"Done (\d+) runs in (\d+) second", log)
    assert done, f"the fuzzer did not report its runs:\n{tail}"
    print(f"fuzz: {done.group(1)} executions in {done.group(2)} s, seed {seed}")
