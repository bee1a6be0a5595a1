"""Model integrity beyond tests/test_model_safety.py: what is refused, that it is refused before the
file is read as a model, and that the message says why.

The packaged model is plain arrays, but a damaged one must still never reach the reader: every
refusal of it asserts that `read_arrays` was never called. A user model is a joblib file, and
loading one executes code from it, so every refusal of one asserts that `joblib.load` was never
reached.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import joblib
import pytest

import stripper
from stripper import cli
from stripper import model as model_mod
from stripper.features import FEATURE_VERSION
from stripper.model import (
    ModelError,
    file_sha256,
    load_model,
    load_packaged,
    packaged_model_path,
    save_model,
    write_arrays,
)

#: Byte offsets changed in the tampering tests: the header, the middle, the very end, and
#: negative ones counted from the end.
TAMPER_OFFSETS = (0, 1, 7, 100, 4096, "middle", -100, -2, -1)
ARTICLE = "قال الوزير إن الحكومة ستطلق مشروعا جديدا للطاقة الشمسية في الجنوب خلال العام المقبل.\nإعلان\n"


@pytest.fixture()
def packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the packaged model (with digest and card) that load_packaged() will use."""
    src = packaged_model_path()
    for suffix in (".npz", ".sha256", ".card.json"):
        shutil.copy(src.with_suffix(suffix), tmp_path / f"default{suffix}")
    path = tmp_path / "default.npz"
    monkeypatch.setattr(model_mod, "packaged_model_path", lambda: path)
    return path


@pytest.fixture()
def user_model(tmp_path: Path) -> Path:
    """A user model file (joblib, with digest and card) made from the packaged model."""
    path = tmp_path / "site.joblib"
    save_model(load_packaged(), path)
    return path


@pytest.fixture()
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Make joblib.load and the packaged reader record their calls and refuse: a refused model
    must never be unpickled, nor a refused package read."""
    calls: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(args[0] if args else kwargs)
        raise AssertionError("the model was read before being refused")

    monkeypatch.setattr(joblib, "load", refuse)
    monkeypatch.setattr(model_mod, "read_arrays", refuse)
    return calls


def _offset(size: int, where: int | str) -> int:
    return size // 2 if where == "middle" else int(where) % size


@pytest.mark.parametrize("where", TAMPER_OFFSETS, ids=[str(w) for w in TAMPER_OFFSETS])
def test_one_changed_byte_is_refused_before_unpickling(packaged_copy: Path, no_unpickling: list[object],
                                                       where: int | str) -> None:
    expected = packaged_copy.with_suffix(".sha256").read_text(encoding="ascii").split()[0]
    data = bytearray(packaged_copy.read_bytes())
    data[_offset(len(data), where)] ^= 0x01  # the smallest change there is: one bit of one byte
    packaged_copy.write_bytes(bytes(data))
    with pytest.raises(ModelError) as info:
        load_packaged()
    message = str(info.value)
    assert message.startswith(f"{packaged_copy}: sha256 {file_sha256(packaged_copy)} does not match the shipped "
                              f"digest {expected}")
    assert "was changed or damaged, so it is not loaded" in message
    assert no_unpickling == []


@pytest.mark.parametrize("keep", [0, 1, "half", -1], ids=["empty", "one-byte", "half", "last-byte-cut"])
def test_truncated_packaged_model_is_refused(packaged_copy: Path, no_unpickling: list[object],
                                             keep: int | str) -> None:
    data = packaged_copy.read_bytes()
    cut = len(data) // 2 if keep == "half" else int(keep) % len(data) if keep else 0
    packaged_copy.write_bytes(data[:cut])
    with pytest.raises(ModelError, match="does not match the shipped digest"):
        load_packaged()
    assert no_unpickling == []


def test_packaged_model_without_its_digest_is_refused(packaged_copy: Path, no_unpickling: list[object]) -> None:
    packaged_copy.with_suffix(".sha256").unlink()
    with pytest.raises(ModelError, match="reinstall arabic-news-stripper") as info:
        load_packaged()
    assert str(packaged_copy) in str(info.value)
    assert no_unpickling == []


@pytest.mark.parametrize("digest", [b"", b"\n", b"\xff\xfe"], ids=["empty", "blank-line", "not-ascii"])
def test_empty_or_garbled_digest_is_a_model_error(packaged_copy: Path, no_unpickling: list[object],
                                                  digest: bytes) -> None:
    packaged_copy.with_suffix(".sha256").write_bytes(digest)
    with pytest.raises(ModelError, match="sha256"):
        load_packaged()
    assert no_unpickling == []


def test_malformed_digest_text_is_refused(packaged_copy: Path, no_unpickling: list[object]) -> None:
    packaged_copy.with_suffix(".sha256").write_text("not-a-digest  default.npz\n", encoding="ascii")
    with pytest.raises(ModelError, match="not a sha256 digest file"):
        load_packaged()
    assert no_unpickling == []


def test_untrusted_user_model_is_refused_before_the_file_is_read(tmp_path: Path, no_unpickling: list[object],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "site.joblib"
    path.write_bytes(b"whatever")

    def no_hashing(*args: object) -> str:
        raise AssertionError("the untrusted file was read")

    monkeypatch.setattr(model_mod, "file_sha256", no_hashing)
    expected = (f"{path}: loading a model file runs code from it; pass trusted=True (CLI: --trusted) only for a "
                "file you made or trust")
    for call in (lambda: load_model(path), lambda: load_model(str(path), trusted=False),
                 lambda: stripper.Stripper(path), lambda: stripper.Stripper(str(path))):
        with pytest.raises(ModelError) as info:
            call()
        assert str(info.value) == expected
    # Refused even when the file does not exist: the check comes before any look at the disk.
    with pytest.raises(ModelError, match="trusted=True"):
        load_model(tmp_path / "absent.joblib")
    # A path is never accepted as the `model=` argument of the module-level functions.
    with pytest.raises(TypeError, match="trusted=True"):
        stripper.strip(ARTICLE, model=str(path))  # type: ignore[arg-type]
    assert no_unpickling == []


def _bundle_with(**changes: object) -> dict[str, object]:
    bundle = load_packaged().to_bundle()
    bundle.update(changes)
    return bundle


def test_packaged_model_of_another_feature_version_is_refused_naming_both(packaged_copy: Path) -> None:
    # A consistent package (digest matches) whose model was trained on other features.
    other = FEATURE_VERSION + 1
    model = load_packaged()
    model.feature_version = other
    write_arrays(model, packaged_copy)  # writes the matching digest too
    with pytest.raises(ModelError) as info:
        load_packaged()
    assert str(info.value) == (f"{packaged_copy}: model made for feature version {other}, this stripper computes "
                               f"feature version {FEATURE_VERSION}; retrain it with this version")


@pytest.mark.parametrize("version", [FEATURE_VERSION - 1, FEATURE_VERSION + 1, None, "4"],
                         ids=["older", "newer", "missing", "string"])
def test_user_model_of_another_feature_version_is_refused_naming_both(tmp_path: Path, version: object) -> None:
    path = tmp_path / "site.joblib"
    bundle = _bundle_with()
    if version is None:
        del bundle["feature_version"]
    else:
        bundle["feature_version"] = version
    joblib.dump(bundle, path)
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    assert f"model made for feature version {version}, this stripper computes feature version {FEATURE_VERSION}" \
        in str(info.value)


def test_sklearn_mismatch_in_the_card_is_refused_before_unpickling(user_model: Path,
                                                                   no_unpickling: list[object]) -> None:
    card = user_model.with_suffix(".card.json")
    card.write_text('{"sklearn_version": "0.24.2"}\n', encoding="utf-8")
    with pytest.raises(ModelError, match=r"model trained with scikit-learn 0\.24\.2, installed scikit-learn is "):
        load_model(user_model, trusted=True)
    assert no_unpickling == []


def test_the_packaged_model_needs_no_scikit_learn(packaged_copy: Path) -> None:
    # Plain arrays: another installed scikit-learn changes nothing, since nothing is unpickled.
    card = packaged_copy.with_suffix(".card.json")
    card.write_text('{"sklearn_version": "0.24.2"}\n', encoding="utf-8")
    model = load_packaged()
    assert stripper.Stripper(model).strip(ARTICLE) == stripper.strip(ARTICLE)


@pytest.mark.parametrize("drop", ["meta", "line_classes", "forest_leaf_value", "context_n_features"])
def test_a_package_missing_an_array_is_a_model_error(packaged_copy: Path, drop: str) -> None:
    import numpy as np

    with np.load(packaged_copy, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files if name != drop}
    np.savez(packaged_copy, **arrays)
    packaged_copy.with_suffix(".sha256").write_text(f"{file_sha256(packaged_copy)}  default.npz\n",
                                                    encoding="ascii")
    with pytest.raises(ModelError, match=str(packaged_copy)):
        load_packaged()


DAMAGED_MODELS = {
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: b"garbage, not a joblib file\n",
    "empty": lambda data: b"",
}


@pytest.mark.parametrize("damage", sorted(DAMAGED_MODELS))
def test_damaged_trusted_model_is_a_model_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "site.joblib"
    path.write_bytes(DAMAGED_MODELS[damage](packaged_model_path().read_bytes()))
    with pytest.raises(ModelError, match=str(path)):
        load_model(path, trusted=True)


def test_cli_reports_a_damaged_trusted_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    model = tmp_path / "site.joblib"
    model.write_bytes(packaged_model_path().read_bytes()[:1000])
    assert cli.main(["--model", str(model), "--trusted", str(article)]) == 2
    assert capsys.readouterr().err.startswith(f"stripper: {model}: ")
    assert article.read_text(encoding="utf-8") == ARTICLE
