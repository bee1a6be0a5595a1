"""Loading and saving models, with the checks that make each kind safe to load.

The packaged model is plain arrays (an `.npz` read with `allow_pickle=False`: the line model's
weights and the context model's flattened trees), so loading it runs no code and needs no
scikit-learn import; it is still loaded only when its sha256 matches the digest shipped beside
it. A model a user trains is a joblib file of scikit-learn estimators, and joblib files run code
when loaded, so one from a user path is loaded only with `trusted=True`. Either kind made for
other features, and a joblib file made with another scikit-learn minor version, is refused with
both versions named, instead of silently giving wrong labels.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from .features import FEATURE_VERSION
from .fileio import write_atomic
from .forest import Forest
from .forest import predict_proba as forest_proba
from .labels import LABELS

FORMAT = "arabic-news-stripper-model"
PACKAGED_MODEL = "default.npz"
PACKAGED_DIGEST = "default.sha256"
#: Card entries that differ between two runs of the same training (timings): they go to the
#: `.card.json` beside the model, not into it, so that retraining gives the same bytes.
VOLATILE_CARD_KEYS = frozenset({"train_seconds"})


def installed_sklearn_version() -> str:
    """scikit-learn's version as installed, read without importing it (an import costs ~1 s)."""
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return "not installed"


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
    sklearn_version: str = field(default_factory=installed_sklearn_version)
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


@dataclass
class LinearModel:
    """The line model as the packaged arrays hold it: what scoring reads of an SGDClassifier."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray


@dataclass
class TreeModel:
    """The context model as the packaged arrays hold it: its trees flattened (forest.Forest)."""

    forest: Forest
    classes_: np.ndarray
    n_features_in_: int

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, as the HistGradientBoostingClassifier it came from gives them."""
        return forest_proba(self, self.forest, X)


def _unpickle(path: Path) -> Any:
    """joblib.load, with a damaged or foreign file reported as a ModelError naming it."""
    import joblib  # only user models are pickles: the packaged one never imports joblib

    try:
        return joblib.load(path)
    except Exception as exc:  # unpickling can fail in any way a damaged file allows
        raise ModelError(f"{path}: cannot be read as a model ({type(exc).__name__}: {exc})") from exc


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit())


def _check_header(header: Any, origin: str, needs: str) -> None:
    """Refuse a model whose format, feature version or labels are not this stripper's."""
    if not isinstance(header, dict) or header.get("format") != FORMAT or needs not in header:
        raise ModelError(f"{origin}: not an arabic-news-stripper model")
    if header.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{origin}: model made for feature version {header.get('feature_version')}, this "
            f"stripper computes feature version {FEATURE_VERSION}; retrain it with this version"
        )
    if tuple(header.get("labels", ())) != LABELS:
        raise ModelError(f"{origin}: model labels {header.get('labels')} differ from {list(LABELS)}")


def _from_bundle(bundle: Any, origin: str) -> Model:
    _check_header(bundle, origin, "line_model")
    trained = str(bundle.get("sklearn_version", "?"))
    _check_sklearn(trained, origin)
    return Model(
        line_model=bundle["line_model"],
        context_model=bundle["context_model"],
        threshold=float(bundle["threshold"]),
        sklearn_version=trained,
        card=dict(bundle.get("card", {})),
    )


def _check_sklearn(trained: str, origin: str) -> None:
    """Refuse a pickle made with another scikit-learn minor version than the installed one."""
    installed = installed_sklearn_version()
    if _minor(trained) != _minor(installed):
        raise ModelError(
            f"{origin}: model trained with scikit-learn {trained}, installed scikit-learn is "
            f"{installed}; install scikit-learn=={'.'.join(trained.split('.')[:2])}.* "
            "or retrain the model"
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
    _check_sklearn(trained, str(path))


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
    return read_arrays(path)


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
    if _is_array_file(path):
        return read_arrays(path)  # a packaged-style model: plain arrays, nothing to unpickle
    check_sklearn_pickle_version(path)
    return _from_bundle(_unpickle(path), str(path))


def _is_array_file(path: Path) -> bool:
    """Whether the file is a zip archive (what write_arrays writes), not a joblib pickle."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def save_model(model: Model, path: str | Path) -> str:
    """Write the model, its `.sha256` and `.card.json` beside it; return the digest."""
    path = Path(path)
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model.to_bundle(), path, compress=("xz", 6))
    digest = file_sha256(path)
    _write_sidecars(path, model, digest)
    return digest


def _write_sidecars(path: Path, model: Model, digest: str, **extra: str) -> None:
    """The `.sha256` and `.card.json` written beside a model file."""
    path.with_suffix(".sha256").write_text(f"{digest}  {path.name}\n", encoding="ascii")
    card = {"sklearn_version": model.sklearn_version, "feature_version": model.feature_version,
            "threshold": model.threshold, "sha256": digest, **extra, **model.card}
    path.with_suffix(".card.json").write_text(
        json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


# -- the packaged model as plain arrays ------------------------------------------------------------


def model_arrays(model: Model) -> dict[str, np.ndarray]:
    """A model's scoring as named arrays: line weights, flattened trees, and the metadata as JSON."""
    line, context = model.line_model, model.context_model
    coef = np.ascontiguousarray(line.coef_, dtype=np.float32)
    bits = coef.view(np.uint32)
    arrays: dict[str, np.ndarray] = {}
    if not (bits & np.uint32(0xFFFF)).any():
        # Trained weights keep 8 bits of mantissa (learn._bfloat16_precision): their top halves
        # are exact, and half the bytes.
        arrays["line_coef_bf16"] = (bits >> np.uint32(16)).astype(np.uint16)
    else:
        arrays["line_coef"] = coef
    arrays["line_intercept"] = np.asarray(line.intercept_, dtype=np.float32)
    arrays["line_classes"] = np.asarray(line.classes_, dtype=np.int64)
    forest = context.forest if isinstance(context, TreeModel) else Forest(context)
    arrays.update({"forest_" + name: value for name, value in forest.to_arrays().items()})
    arrays["context_classes"] = np.asarray(context.classes_, dtype=np.int64)
    arrays["context_n_features"] = np.array([int(context.n_features_in_)], dtype=np.int64)
    card = {key: value for key, value in model.card.items() if key not in VOLATILE_CARD_KEYS}
    meta = {"format": FORMAT, "labels": list(model.labels), "feature_version": model.feature_version,
            "sklearn_version": model.sklearn_version, "threshold": model.threshold, "card": card}
    arrays["meta"] = np.frombuffer(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                                   dtype=np.uint8)
    return arrays


def write_arrays(model: Model, path: str | Path) -> str:
    """Write the model as a deterministic `.npz` (fixed member times, sorted names), its `.sha256`
    and `.card.json` beside it, atomically; return the digest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, value in sorted(model_arrays(model).items()):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=9)
    data = buffer.getvalue()
    write_atomic(path, data)
    digest = hashlib.sha256(data).hexdigest()
    _write_sidecars(path, model, digest, format="npz")
    return digest


def read_arrays(path: Path) -> Model:
    """A Model from an `.npz` written by write_arrays; nothing in it can run code."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except Exception as exc:  # a damaged archive fails in zipfile, numpy or json
        raise ModelError(f"{path}: cannot be read as a model ({type(exc).__name__}: {exc})") from exc
    _check_header(meta, str(path), "threshold")
    try:
        if "line_coef_bf16" in arrays:
            coef = (arrays["line_coef_bf16"].astype(np.uint32) << np.uint32(16)).view(np.float32)
        else:
            coef = arrays["line_coef"].astype(np.float32)
        classes = arrays["line_classes"]
        if coef.ndim != 2 or coef.shape[0] != len(classes) or len(arrays["line_intercept"]) != len(classes):
            raise ValueError("line model arrays of inconsistent shapes")
        forest = Forest.from_arrays({name[len("forest_"):]: value for name, value in arrays.items()
                                     if name.startswith("forest_")})
        n_features = int(arrays["context_n_features"][0])
        if forest.n_features > n_features:
            raise ValueError("the trees read more context features than the model has")
        line_model = LinearModel(coef, arrays["line_intercept"].astype(np.float32), classes)
        context_model = TreeModel(forest, arrays["context_classes"], n_features)
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise ModelError(f"{path}: the model's arrays are incomplete or inconsistent ({exc})") from exc
    return Model(line_model=line_model, context_model=context_model, threshold=float(meta["threshold"]),
                 sklearn_version=str(meta.get("sklearn_version", "?")), card=dict(meta.get("card", {})))
