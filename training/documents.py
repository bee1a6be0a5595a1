"""Where the project's own labelled documents live; the format itself is stripper.documents."""

from __future__ import annotations

from pathlib import Path

from stripper.documents import LabelledDoc, read_jsonl, read_labelled, write_jsonl

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SHARED = REPO.parent / "shared"

__all__ = ["DATA", "REPO", "SHARED", "LabelledDoc", "project_documents", "read_jsonl", "read_labelled",
           "seed_documents", "write_jsonl"]


def project_documents() -> list[LabelledDoc]:
    """The project's own hand-labelled documents (data/labelled and the bundled example)."""
    return read_labelled([DATA / "labelled", DATA / "examples"])


def seed_documents(shared: Path = SHARED) -> list[LabelledDoc]:
    """The five seed documents with their gold labels."""
    return read_labelled([shared / "seeds" / "seeds.labels.jsonl"])
