"""A datatrove formatter step that strips junk lines from every document's text.

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from stripper.integrations.datatrove import BoilerplateFormatter

    pipeline = [JsonlReader("in/"), BoilerplateFormatter(), JsonlWriter("out/")]

Install with `pip install 'arabic-news-stripper[datatrove]'`. Executors pickle pipeline steps and
ship them to their workers (processes, Slurm jobs, Ray tasks), so the model is not part of the
step: each worker loads it on first use, and a pickled step stays a few hundred bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from ..core import DEFAULT_BATCH_SIZE, Stripper
from ..corpus import native_thread_limiter
from ..labels import check_keep
from ..model import load_model


class BoilerplateFormatter(BaseFormatter):
    """Remove read-also blocks, promos, tags, credits, ads and page chrome from Arabic news text.

    Options are those of `stripper.strip`: `keep` names junk labels to keep, `threshold` (0, 1]
    trades recall for safety (None: the model's own). `model_path` with `trusted=True` uses a model
    file of your own instead of the packaged one; it must exist on the workers, where it is loaded.
    Documents are stripped `batch_size` at a time, one model call per batch; the step's stats
    count documents changed, characters removed and lines removed per label.
    """

    name = "🧹 Arabic news boilerplate"
    # What the lazily loaded model needs on a worker; checked when the step is built or unpickled.
    _requires_dependencies: ClassVar[list[str | tuple[str, str]]] = [("sklearn", "scikit-learn"), "joblib"]

    def __init__(
        self,
        keep: Iterable[str] | str = (),
        threshold: float | None = None,
        model_path: str | os.PathLike[str] | None = None,
        trusted: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        """Check the options now, on the machine that builds the pipeline; load nothing yet."""
        super().__init__()
        self.keep: tuple[str, ...] = tuple(sorted(check_keep(keep)))
        if threshold is not None and not 0.0 < float(threshold) <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        self.threshold = None if threshold is None else float(threshold)
        if model_path is not None and not trusted:
            load_model(model_path, trusted=False)  # raises ModelError saying why trusted=True is needed
        self.model_path = None if model_path is None else str(Path(model_path))
        self.trusted = trusted
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
        self.batch_size = batch_size
        self._stripper: Stripper | None = None
        self._threads: Any = None

    @property
    def stripper(self) -> Stripper:
        """The Stripper, with its model loaded on first access in the process that runs the step."""
        if self._stripper is None:
            found = Stripper(self.model_path, trusted=True) if self.model_path else Stripper()
            _ = found.model
            self._stripper = found
            # Built after the model loaded its native libraries, so their thread pools are seen.
            self._threads = native_thread_limiter()
        return self._stripper

    def __getstate__(self) -> dict[str, Any]:
        # Executors pickle steps for every task: ship the options, never a loaded model.
        state = dict(self.__dict__)
        state["_stripper"] = None
        state["_threads"] = None
        return state

    def format(self, text: str) -> str:
        """The article body of `text`, as `stripper.strip` returns it."""
        stripper = self.stripper
        with self._threads():
            return stripper.strip(text, keep=self.keep, threshold=self.threshold)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Strip the documents `batch_size` at a time, in order; the model runs once per batch."""
        batch: list[Document] = []
        for doc in data:
            self.stat_update(StatHints.total)
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._format_batch(batch)
                batch = []
        if batch:
            yield from self._format_batch(batch)

    def _format_batch(self, docs: list[Document]) -> list[Document]:
        stripper = self.stripper
        texts = [doc.text for doc in docs]
        # judge_many strips exactly as strip_many does and also names the removed lines' labels.
        with self.track_time(unit="batch"), self._threads():
            verdicts = stripper.judge_many(texts, keep=self.keep, threshold=self.threshold)
        for doc, before, verdict in zip(docs, texts, verdicts):
            if verdict.removed:
                self.stat_update("changed")
                self.stat_update("chars_removed", value=len(before) - len(verdict.text))
                for line in verdict.removed:
                    self.stat_update(f"lines_removed_{line.label}")
            doc.text = verdict.text
        return docs


__all__ = ["BoilerplateFormatter"]
