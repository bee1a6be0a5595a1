"""Package a fitted model into stripper/models/ with its digest and model card."""

from __future__ import annotations

import json
from pathlib import Path

from stripper.model import PACKAGED_MODEL, Model, write_arrays

from .documents import REPO

MODELS = REPO / "stripper" / "models"
CARD = MODELS / "MODEL_CARD.md"


def package(model: Model, directory: Path = MODELS) -> Path:
    """Write the model as the packaged default (plain arrays, see stripper.model); returns its path."""
    path = directory / PACKAGED_MODEL
    write_arrays(model, path)
    return path


def write_card(card: dict, path: Path = CARD) -> None:
    """Write the human-readable model card from the card dictionary."""
    lines = ["# Model card: arabic-news-stripper default model", ""]
    lines.append(card.get("summary", ""))
    lines.append("")
    for title, body in card.get("sections", {}).items():
        lines += [f"## {title}", "", body, ""]
    lines += ["## Raw card", "", "```json", json.dumps(card.get("raw", {}), ensure_ascii=False, indent=2), "```", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
