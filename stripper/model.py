"""Loading and saving the model bundle, with the checks that make a pickle safe enough to load.

joblib files run code when loaded, so: the packaged model is loaded only when its sha256 matches
the digest shipped beside it; a model from a user path is loaded only with `trusted=True`; and a
bundle made for other features or another scikit-learn minor version is refused with both
versions named, instead of silently giving wrong labels.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import joblib
import sklearn

from .features import FEATURE_VERSION
from .labels import LABELS

FORMAT = "arabic-news-stripper-model"
PACKAGED_MODEL = "default.joblib"
PACKAGED_DIGEST = "default.sha256"


class ModelError(RuntimeError):
    """A model file that cannot or must not be used; the message says which and why."""


@dataclass
class Model:
    """The two fitted estimators and what they were made with."""

    line_model: Any
    context_model: Any
    threshold: float
    labels: tuple[str, ...] = LABELS
    feature_version: int = FEATURE_VERSION
    sklearn_version: str = sklearn.__version__
    card: dict[str, Any] = field(default_factory=dict)

    def to_bundle(self) -> dict[str, Any]:
        """The plain dictionary written to disk."""
        return {
            "format": FORMAT,
            "labels": list(self.labels),
            "feature_version": self.feature_version,
            "sklearn_version": self.sklearn_version,
            "threshold": self.threshold,
            "line_model": self.line_model,
            "context_model": self.context_model,
            "card": self.card,
        }


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_digest(path: Path) -> str:
    """The sha256 written in a digest file, checked to be 64 hex digits."""
    try:
        words = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: cannot read the digest file ({exc})") from exc
    if not words or len(words[0]) != 64 or any(c not in "0123456789abcdef" for c in words[0].lower()):
        raise ModelError(f"{path}: not a sha256 digest file")
    return words[0].lower()


def _unpickle(path: Path) -> Any:
    """joblib.load, with a damaged or foreign file reported as a ModelError naming it."""
    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can fail in any way a damaged file allows
        raise ModelError(f"{path}: cannot be read as a model ({type(exc).__name__}: {exc})") from exc


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit())


def _from_bundle(bundle: Any, origin: str) -> Model:
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT or "line_model" not in bundle:
        raise ModelError(f"{origin}: not an arabic-news-stripper model")
    if bundle.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{origin}: model made for feature version {bundle.get('feature_version')}, this "
            f"stripper computes feature version {FEATURE_VERSION}; retrain it with this version"
        )
    if tuple(bundle.get("labels", ())) != LABELS:
        raise ModelError(f"{origin}: model labels {bundle.get('labels')} differ from {list(LABELS)}")
    trained = str(bundle.get("sklearn_version", "?"))
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelError(
            f"{origin}: model trained with scikit-learn {trained}, installed scikit-learn is "
            f"{sklearn.__version__}; install scikit-learn=={'.'.join(trained.split('.')[:2])}.* "
            "or retrain the model"
        )
    return Model(
        line_model=bundle["line_model"],
        context_model=bundle["context_model"],
        threshold=float(bundle["threshold"]),
        sklearn_version=trained,
        card=dict(bundle.get("card", {})),
    )


def check_sklearn_pickle_version(path: Path) -> None:
    """Refuse early, before unpickling, when the sidecar card names another scikit-learn minor."""
    card = path.with_suffix(".card.json")
    if not card.exists():
        return
    try:
        trained = str(json.loads(card.read_text(encoding="utf-8"))["sklearn_version"])
    except (ValueError, KeyError, OSError):
        return
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelError(
            f"{path}: model trained with scikit-learn {trained}, installed scikit-learn is "
            f"{sklearn.__version__}; install scikit-learn=={'.'.join(trained.split('.')[:2])}.* "
            "or retrain the model"
        )


def packaged_model_path() -> Path:
    """Where the model shipped inside the package lives."""
    return Path(str(resources.files("stripper") / "models" / PACKAGED_MODEL))


def load_packaged() -> Model:
    """Load the shipped model after checking its sha256 against the shipped digest."""
    path = packaged_model_path()
    digest_path = path.with_name(PACKAGED_DIGEST)
    if not path.exists() or not digest_path.exists():
        raise ModelError(
            f"{path}: the packaged model is missing; reinstall arabic-news-stripper or run "
            "`python -m training.train`"
        )
    expected = _read_digest(digest_path)
    actual = file_sha256(path)
    if actual != expected:
        raise ModelError(
            f"{path}: sha256 {actual} does not match the shipped digest {expected}; the model "
            "file was changed or damaged, so it is not loaded"
        )
    check_sklearn_pickle_version(path)
    return _from_bundle(_unpickle(path), str(path))


def load_model(path: str | Path, *, trusted: bool = False) -> Model:
    """Load a model from a user path; refuses unless `trusted`, since loading runs code."""
    path = Path(path)
    if not trusted:
        raise ModelError(
            f"{path}: loading a model file runs code from it; pass trusted=True (CLI: --trusted) "
            "only for a file you made or trust"
        )
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    digest_path = path.with_suffix(".sha256")
    if digest_path.exists():
        expected = _read_digest(digest_path)
        actual = file_sha256(path)
        if actual != expected:
            raise ModelError(f"{path}: sha256 {actual} does not match {digest_path.name} ({expected})")
    check_sklearn_pickle_version(path)
    return _from_bundle(_unpickle(path), str(path))


def save_model(model: Model, path: str | Path) -> str:
    """Write the model, its `.sha256` and `.card.json` beside it; return the digest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model.to_bundle(), path, compress=("xz", 6))
    digest = file_sha256(path)
    path.with_suffix(".sha256").write_text(f"{digest}  {path.name}\n", encoding="ascii")
    card = {"sklearn_version": model.sklearn_version, "feature_version": model.feature_version,
            "threshold": model.threshold, "sha256": digest, **model.card}
    path.with_suffix(".card.json").write_text(
        json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return digest
