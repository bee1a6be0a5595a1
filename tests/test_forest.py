"""The flat tree walk gives the context model's own probabilities, on small and odd batches."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from stripper.core import default_stripper
from stripper.forest import MAX_PAIRS, Forest, binned_proba, predict_proba


@pytest.fixture(scope="module")
def toy() -> HistGradientBoostingClassifier:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6))
    X[rng.random(X.shape) < 0.05] = np.nan  # missing values teach each split a side for NaN
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) > 0).astype(int) + (np.nan_to_num(X[:, 2]) > 1)
    return HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=9, random_state=0).fit(X, y)


def test_agrees_with_scikit_learn_with_missing_values(toy: HistGradientBoostingClassifier) -> None:
    X = np.random.default_rng(1).normal(size=(40, 6))
    X[::3, 1] = np.nan
    assert np.allclose(Forest(toy).predict_proba(X), toy.predict_proba(X), atol=1e-12)


def test_binary_model() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, X[:, 0] > 0)
    assert np.allclose(Forest(model).predict_proba(X[:20]), model.predict_proba(X[:20]), atol=1e-12)


def test_agrees_on_the_packaged_model() -> None:
    context_model = default_stripper().model.context_model
    X = np.random.default_rng(3).random((25, context_model.n_features_in_))
    assert np.allclose(Forest(context_model).predict_proba(X), context_model.predict_proba(X), atol=1e-12)


def test_large_batches_take_the_binned_walk(toy: HistGradientBoostingClassifier) -> None:
    forest = Forest(toy)
    rows = MAX_PAIRS // len(forest.roots) + 1
    X = np.random.default_rng(4).normal(size=(rows, 6))
    X[::5, 2] = np.nan
    X[::7, 0] = 1e6  # beyond every bin edge seen in training
    assert np.allclose(binned_proba(toy, X), toy.predict_proba(X), atol=1e-12)
    assert np.allclose(predict_proba(toy, forest, X), toy.predict_proba(X), atol=1e-12)
    assert np.allclose(predict_proba(toy, forest, X[:5]), toy.predict_proba(X[:5]), atol=1e-12)
    assert forest.predict_proba(X[:0]).shape == (0, 3)


def test_large_batches_are_predicted_in_chunks(toy: HistGradientBoostingClassifier,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from stripper import forest as forest_module

    monkeypatch.setattr(forest_module, "CHUNK_ROWS", 7)
    monkeypatch.setattr(forest_module, "BINNED_CHUNK_ROWS", 7)
    X = np.random.default_rng(5).normal(size=(30, 6))
    assert np.allclose(predict_proba(toy, None, X), toy.predict_proba(X), atol=1e-12)
    assert np.allclose(binned_proba(toy, X), toy.predict_proba(X), atol=1e-12)
    assert binned_proba(toy, X[:0]).shape == (0, 3)


def test_binned_walk_agrees_on_the_packaged_model() -> None:
    context_model = default_stripper().model.context_model
    X = np.random.default_rng(6).random((300, context_model.n_features_in_))
    assert np.allclose(binned_proba(context_model, X), context_model.predict_proba(X), atol=1e-9)
