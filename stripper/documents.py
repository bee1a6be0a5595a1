"""Labelled documents in the ../shared/LABELS.md JSON Lines format: read, write, check."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .labels import LABELS


@dataclass
class LabelledDoc:
    """A document with a gold label per line (None for blank lines) and where it came from."""

    id: str
    site: str
    lines: list[tuple[str, str | None]]
    source: str = ""
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The document's text: its lines joined with newlines."""
        return "\n".join(t for t, _ in self.lines)

    def to_json(self) -> str:
        """One JSON Lines record in the LABELS.md format."""
        record = {"id": self.id, "site": self.site, "lines": [[t, lab] for t, lab in self.lines]}
        return json.dumps(record, ensure_ascii=False)


def check_doc(doc: LabelledDoc, origin: str) -> None:
    """Raise ValueError naming `origin` when a document breaks the format's rules."""
    for i, (text, label) in enumerate(doc.lines, 1):
        if "\n" in text:
            raise ValueError(f"{origin}: {doc.id} line {i} contains a newline")
        if not text.strip():
            if label is not None:
                raise ValueError(f"{origin}: {doc.id} line {i} is blank but labelled {label!r}")
        elif label not in LABELS:
            raise ValueError(f"{origin}: {doc.id} line {i} has label {label!r}, not one of {LABELS}")


def read_jsonl(path: Path) -> Iterator[LabelledDoc]:
    """Documents of one labelled JSON Lines file, checked."""
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                lines = [(str(t), lab) for t, lab in record["lines"]]
                doc = LabelledDoc(id=str(record["id"]), site=str(record.get("site") or path.stem), lines=lines)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled document ({exc})") from exc
            check_doc(doc, f"{path}:{number}")
            yield doc


def read_labelled(paths: Iterable[Path]) -> list[LabelledDoc]:
    """All documents of several labelled files (folders are searched for *.jsonl)."""
    docs: list[LabelledDoc] = []
    for path in paths:
        files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            docs.extend(read_jsonl(file))
    return docs


def write_jsonl(docs: Iterable[LabelledDoc], path: Path) -> None:
    """Write documents as LABELS.md JSON Lines."""
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(doc.to_json() + "\n")
