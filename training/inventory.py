"""The project's inventory of junk line shapes (data/junk/inventory.jsonl), grouped by site style."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .documents import DATA

INVENTORY = DATA / "junk" / "inventory.jsonl"
WHERE = ("header", "top", "inline", "footer", "after_marker", "lookalike")


@dataclass(frozen=True)
class Shape:
    """One junk (or look-alike body) line shape of one site style."""

    style: str
    label: str
    where: str
    text: str


def load_inventory(path: Path = INVENTORY) -> list[Shape]:
    """Every shape in the inventory file, checked."""
    shapes: list[Shape] = []
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            record = json.loads(raw)
            where = record.get("where")
            if where not in WHERE:
                raise ValueError(f"{path}:{number}: unknown where {where!r}")
            for text in record.get("shapes", []):
                if text.strip():
                    shapes.append(Shape(record["style"], record["label"], where, text))
    return shapes


def by_style(shapes: list[Shape]) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Shapes as style -> (label, where) -> texts."""
    table: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for shape in shapes:
        table[shape.style][(shape.label, shape.where)].append(shape.text)
    return {style: dict(groups) for style, groups in table.items()}
