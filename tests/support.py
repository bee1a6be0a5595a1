"""Paths the tests share, and the skip used when ../shared is not beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying why when ../shared is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared (seeds, corpora, html) is not beside this checkout")
    return path

EXAMPLES = DATA / "examples"
#: The bundled example page with junk, and the text stripping it must give.
PAGE = (EXAMPLES / "news-page.txt").read_text(encoding="utf-8")
CLEAN = (EXAMPLES / "news-page.clean.txt").read_text(encoding="utf-8")
#: Two ordinary body sentences for small hand-made documents.
S1 = "قال وزير النقل إن المشروع سيكتمل العام المقبل بتكلفة تبلغ مليوني دينار."
S2 = "وأضاف أن الحافلات الجديدة ستخدم أكثر من عشرين ألف راكب يومياً في العاصمة."
