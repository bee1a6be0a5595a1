"""arabic-news-stripper: remove junk lines from Arabic news text and keep the article body."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from .core import Line, Stripper, classify, strip, strip_many
from .decode import DEFAULT_THRESHOLD
from .labels import JUNK_LABELS, LABELS
from .model import Model, ModelError, load_model

try:
    __version__ = version("arabic-news-stripper")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "DEFAULT_THRESHOLD",
    "JUNK_LABELS",
    "LABELS",
    "Line",
    "Model",
    "ModelError",
    "Stripper",
    "classify",
    "load_model",
    "strip",
    "strip_html",
    "strip_many",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def strip_html(html: str | bytes, *, url: str | None = None, keep: object = (), threshold: float | None = None) -> str:
    """The article body of an HTML page: trafilatura extraction, then line stripping."""
    from .html import strip_html as _strip_html  # trafilatura is imported only when HTML is used

    return _strip_html(html, url=url, keep=keep, threshold=threshold)  # type: ignore[arg-type]
