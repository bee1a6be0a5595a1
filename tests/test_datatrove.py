"""The datatrove formatter: options as strip(), cheap to pickle, and a real local pipeline run."""

from __future__ import annotations

import copy
import gzip
import json
import pickle
from pathlib import Path

import pytest

pytest.importorskip("datatrove", reason="datatrove is not installed: pip install 'arabic-news-stripper[datatrove]'")

from datatrove.data import Document
from datatrove.pipeline.formatters.base import BaseFormatter
from support import CLEAN, PAGE, S1, S2

import stripper
from stripper.integrations.datatrove import BoilerplateFormatter
from stripper.model import ModelError

SMALL = f"{S1}\n\nإعلان\n\n{S2}\n\nالمصدر: وكالة الأنباء الأردنية (بترا)\n"
TEXTS = [PAGE, CLEAN, SMALL, SMALL.replace("\n", "\r\n"), f"{S1}\n\nتابعونا على تيليجرام\n", S2]
#: A pickled step carries options only; the model itself is megabytes.
MAX_PICKLED_BYTES = 4096


def test_is_a_datatrove_formatter() -> None:
    step = BoilerplateFormatter()
    assert isinstance(step, BaseFormatter)
    assert step.name


@pytest.mark.parametrize("options", [
    {},
    {"keep": ["source"]},
    {"keep": "ad"},
    {"threshold": 0.95},
    {"keep": ("tags", "promo"), "threshold": 0.3},
])
def test_format_is_strip(options: dict[str, object]) -> None:
    step = BoilerplateFormatter(**options)  # type: ignore[arg-type]
    for text in TEXTS:
        assert step.format(text) == stripper.strip(text, **options)  # type: ignore[arg-type]


def test_run_batches_documents_in_order() -> None:
    step = BoilerplateFormatter(batch_size=4)
    docs = [Document(text=t, id=str(i), metadata={"i": i}) for i, t in enumerate(TEXTS * 2)]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == [str(i) for i in range(len(docs))]
    assert [d.text for d in out] == [stripper.strip(t) for t in TEXTS * 2]
    assert [d.metadata for d in out] == [{"i": i} for i in range(len(docs))]
    assert step.stats["total"].total == len(docs)
    assert step.stats["changed"].total == sum(stripper.strip(t) != t for t in TEXTS * 2)
    removed = [line for v in stripper.Stripper().judge_many(TEXTS * 2) for line in v.removed]
    for label in {line.label for line in removed}:
        assert step.stats[f"lines_removed_{label}"].total == sum(line.label == label for line in removed)


def test_model_is_loaded_lazily_and_never_pickled() -> None:
    step = BoilerplateFormatter(keep=["source"], threshold=0.7)
    assert step._stripper is None  # building a pipeline loads nothing
    fresh = len(pickle.dumps(step))
    step.format(SMALL)
    assert step._stripper is not None
    used = pickle.dumps(step)
    assert len(used) == fresh <= MAX_PICKLED_BYTES
    again = pickle.loads(used)
    assert again._stripper is None
    assert (again.keep, again.threshold) == (("source",), 0.7)
    assert again.format(SMALL) == stripper.strip(SMALL, keep=["source"], threshold=0.7)
    assert copy.deepcopy(step).format(PAGE) == stripper.strip(PAGE, keep=["source"], threshold=0.7)


@pytest.mark.parametrize(("options", "error"), [
    ({"keep": ["nonsense"]}, ValueError),
    ({"threshold": 0.0}, ValueError),
    ({"threshold": 1.5}, ValueError),
    ({"batch_size": 0}, ValueError),
    ({"model_path": "some.joblib"}, ModelError),  # a model file runs code: trusted=True is required
])
def test_bad_options_fail_when_the_pipeline_is_built(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        BoilerplateFormatter(**options)  # type: ignore[arg-type]


def test_user_model_path_loads_on_first_use(tmp_path: Path) -> None:
    step = BoilerplateFormatter(model_path=tmp_path / "missing.joblib", trusted=True)
    with pytest.raises(ModelError, match="no such model file"):
        step.format(SMALL)


def _write_shard(path: Path, docs: list[dict[str, object]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


def test_local_pipeline_two_tasks(tmp_path: Path) -> None:
    pytest.importorskip("orjson", reason="datatrove's JsonlReader/JsonlWriter need orjson")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    source, target, logs = tmp_path / "in", tmp_path / "out", tmp_path / "logs"
    source.mkdir()
    docs = {f"doc-{shard}-{i}": text for shard in range(2) for i, text in enumerate(TEXTS)}
    for shard in range(2):
        _write_shard(source / f"shard-{shard}.jsonl.gz",
                     [{"id": key, "text": text, "shard": shard} for key, text in docs.items()
                      if key.startswith(f"doc-{shard}-")])

    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source)),
            BoilerplateFormatter(keep=["source"]),
            JsonlWriter(str(target)),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(logs),
    )
    executor.run()

    assert sorted(p.name for p in (logs / "completions").iterdir()) == ["00000", "00001"]
    outputs = sorted(target.glob("*.jsonl.gz"))
    assert len(outputs) == 2  # each task wrote its own shard
    seen: dict[str, str] = {}
    for path in outputs:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                seen[record["id"]] = record["text"]
                assert record["metadata"]["shard"] == int(record["id"].split("-")[1])
    assert sorted(seen) == sorted(docs)
    for key, text in docs.items():
        assert seen[key] == stripper.strip(text, keep=["source"]), key
    stats = json.loads((logs / "stats.json").read_text(encoding="utf-8"))
    formatter_stats = next(s for s in stats if "boilerplate" in s["name"])
    assert formatter_stats["stats"]["total"] == len(docs)
