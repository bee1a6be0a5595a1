"""Model integrity: the packaged model's hash, trusted loading, and version checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joblib
import pytest

import stripper
from stripper import model as model_mod
from stripper.model import ModelError, load_model, load_packaged, packaged_model_path, save_model


@pytest.fixture()
def packaged_copy(tmp_path: Path) -> Path:
    """A copy of the packaged model with its digest and card, in a temporary folder."""
    src = packaged_model_path()
    for suffix in (".npz", ".sha256", ".card.json"):
        shutil.copy(src.with_suffix(suffix), tmp_path / f"default{suffix}")
    return tmp_path / "default.npz"


@pytest.fixture(scope="module")
def saved_user_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user model (joblib, with digest and card) made from the packaged one, once per module."""
    path = tmp_path_factory.mktemp("user") / "default.joblib"
    save_model(load_packaged(), path)
    return path


@pytest.fixture()
def model_copy(saved_user_model: Path, tmp_path: Path) -> Path:
    """A copy of that user model that a test may change."""
    for suffix in (".joblib", ".sha256", ".card.json"):
        shutil.copy(saved_user_model.with_suffix(suffix), tmp_path / f"default{suffix}")
    return tmp_path / "default.joblib"


def test_packaged_model_loads_and_matches_its_digest() -> None:
    model = load_packaged()
    assert model.feature_version == stripper.features.FEATURE_VERSION  # type: ignore[attr-defined]


def test_packaged_model_is_plain_arrays_and_under_5_mb() -> None:
    import zipfile

    path = packaged_model_path()
    assert path.stat().st_size < 5_000_000
    with zipfile.ZipFile(path) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())


def test_importing_and_loading_the_packaged_model_needs_no_scikit_learn() -> None:
    import subprocess
    import sys

    code = ("import sys, stripper; stripper.strip('خبر'); "
            "print(sorted(m for m in ('sklearn', 'joblib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tampered_packaged_model_is_refused(packaged_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(packaged_copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    packaged_copy.write_bytes(bytes(data))
    monkeypatch.setattr(model_mod, "packaged_model_path", lambda: packaged_copy)
    with pytest.raises(ModelError, match="does not match the shipped digest"):
        load_packaged()


def test_packaging_is_deterministic(tmp_path: Path) -> None:
    model = load_packaged()
    first = model_mod.write_arrays(model, tmp_path / "a" / "default.npz")
    second = model_mod.write_arrays(model, tmp_path / "b" / "default.npz")
    assert first == second == packaged_model_path().with_suffix(".sha256").read_text(encoding="ascii").split()[0]


def test_user_model_needs_trusted(model_copy: Path) -> None:
    with pytest.raises(ModelError, match="trusted=True"):
        load_model(model_copy)
    with pytest.raises(ModelError, match="trusted=True"):
        stripper.Stripper(model_copy)
    assert load_model(model_copy, trusted=True).threshold > 0


def test_user_model_with_wrong_sidecar_digest_is_refused(model_copy: Path) -> None:
    model_copy.with_suffix(".sha256").write_text("0" * 64 + "  default.joblib\n", encoding="ascii")
    with pytest.raises(ModelError, match="does not match"):
        load_model(model_copy, trusted=True)


def test_other_feature_version_is_refused_naming_both(model_copy: Path, tmp_path: Path) -> None:
    bundle = joblib.load(model_copy)
    bundle["feature_version"] = 1
    path = tmp_path / "old.joblib"
    joblib.dump(bundle, path)
    with pytest.raises(ModelError, match=r"feature version 1.*feature version \d+"):
        load_model(path, trusted=True)


def test_other_sklearn_version_is_refused_naming_both(model_copy: Path, tmp_path: Path) -> None:
    model = load_model(model_copy, trusted=True)
    model.sklearn_version = "0.24.2"
    path = tmp_path / "old.joblib"
    save_model(model, path)
    card = json.loads(path.with_suffix(".card.json").read_text(encoding="utf-8"))
    assert card["sklearn_version"] == "0.24.2"
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2.*installed scikit-learn is"):
        load_model(path, trusted=True)


def test_not_a_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.joblib"
    joblib.dump({"hello": 1}, path)
    with pytest.raises(ModelError, match="not an arabic-news-stripper model"):
        load_model(path, trusted=True)


def test_saved_model_round_trips_and_strips(model_copy: Path, tmp_path: Path) -> None:
    model = load_model(model_copy, trusted=True)
    path = tmp_path / "mine.joblib"
    digest = save_model(model, path)
    assert path.with_suffix(".sha256").read_text(encoding="ascii").startswith(digest)
    mine = stripper.Stripper(path, trusted=True)
    text = "قال الوزير إن الحكومة ستطلق مشروعا جديدا للطاقة الشمسية في الجنوب خلال العام المقبل.\nإعلان\n"
    assert stripper.strip(text, model=mine) == stripper.strip(text)
