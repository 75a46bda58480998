"""Learning really happens: small tasks that need memory, solved to a stated score
on held-out data, against a baseline that cannot solve them."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor

from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger
from skrnn.metrics import flat_accuracy_score

pytestmark = pytest.mark.usefixtures("quiet_convergence")


def first_token_task(n, rng, low=10, high=20):
    """The label is the first token, followed by 10-19 random distractors."""
    y = rng.integers(0, 2, n)
    X = [
        ["A" if label else "B"]
        + list(rng.choice(list("cdef"), rng.integers(low, high)))
        for label in y
    ]
    return X, y


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_classifier_remembers_a_token_seen_many_steps_earlier(cell):
    rng = np.random.default_rng(0)
    X, y = first_token_task(400, rng)
    X_test, y_test = first_token_task(200, rng)
    clf = RNNClassifier(
        cell=cell, hidden_size=16, learning_rate_init=0.01, max_iter=30, random_state=0
    ).fit(X, y)
    baseline = DummyClassifier().fit(np.zeros((len(y), 1)), y)
    assert baseline.score(np.zeros((len(y_test), 1)), y_test) < 0.6
    assert clf.score(X_test, y_test) >= 0.97


def test_tagger_tags_by_the_previous_token():
    """Tag at step t is the token at step t-1: impossible from the current token."""
    rng = np.random.default_rng(1)

    def task(n):
        X = [list(rng.choice(list("abcd"), rng.integers(5, 15))) for _ in range(n)]
        y = [["START"] + [tok.upper() for tok in x[:-1]] for x in X]
        return X, y

    X, y = task(300)
    X_test, y_test = task(100)
    tagger = RNNSequenceTagger(
        hidden_size=16, learning_rate_init=0.01, max_iter=30, random_state=0
    ).fit(X, y)
    # baseline: the most frequent tag of the current token (no memory)
    pairs = {}
    for xs, ys in zip(X, y, strict=True):
        for tok, tag in zip(xs, ys, strict=True):
            pairs.setdefault(tok, []).append(tag)
    best = {tok: max(set(tags), key=tags.count) for tok, tags in pairs.items()}
    base_pred = [[best[tok] for tok in xs] for xs in X_test]
    assert flat_accuracy_score(y_test, base_pred) < 0.4
    assert tagger.score(X_test, y_test) >= 0.98


def test_regressor_sums_a_window():
    rng = np.random.default_rng(2)
    X, X_test = rng.uniform(-1, 1, (500, 10)), rng.uniform(-1, 1, (200, 10))
    y, y_test = X.sum(axis=1), X_test.sum(axis=1)
    reg = RNNRegressor(
        hidden_size=16, learning_rate_init=0.01, max_iter=60, random_state=0
    ).fit(X, y)
    assert DummyRegressor().fit(X, y).score(X_test, y_test) < 0.01
    assert reg.score(X_test, y_test) >= 0.98


def test_multivariate_ragged_classification():
    """Class = which of two features has the larger total over a ragged sequence."""
    rng = np.random.default_rng(3)

    def task(n):
        X = [rng.normal(size=(int(L), 2)) for L in rng.integers(3, 12, n)]
        return X, np.array([int(x[:, 0].sum() > x[:, 1].sum()) for x in X])

    X, y = task(400)
    X_test, y_test = task(200)
    clf = RNNClassifier(
        cell="gru", hidden_size=16, learning_rate_init=0.01, max_iter=40, random_state=0
    ).fit(X, y)
    assert clf.score(X_test, y_test) >= 0.9
