"""The estimators inside scikit-learn's machinery: pipelines, grid search, time-series
cross-validation, and saving with joblib."""

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    TimeSeriesSplit,
    cross_val_predict,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline

from skrnn import RNNClassifier, RNNEncoderDecoder, RNNRegressor, RNNSequenceTagger
from skrnn.metrics import flat_accuracy_score
from skrnn.preprocessing import SequenceScaler, Tokenizer

pytestmark = pytest.mark.usefixtures("quiet_convergence")


def reviews(n, rng):
    """Short texts whose label is carried by one word anywhere in the text."""
    filler = "the a movie film plot actor was is and it this story".split()
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = list(rng.choice(filler, rng.integers(4, 10)))
        words.insert(int(rng.integers(0, len(words))), ["awful", "great"][label])
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(label)
    return texts, np.array(labels)


def test_tokenizer_and_classifier_in_parallel_grid_search():
    rng = np.random.default_rng(0)
    X, y = reviews(240, rng)
    X_test, y_test = reviews(100, rng)
    pipe = make_pipeline(
        Tokenizer(),
        RNNClassifier(
            hidden_size=8, max_iter=15, learning_rate_init=0.02, random_state=0
        ),
    )
    grid = GridSearchCV(
        pipe,
        {
            "rnnclassifier__cell": ["gru", "lstm"],
            "rnnclassifier__bidirectional": [False, True],
        },
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_score_ >= 0.9
    assert grid.score(X_test, y_test) >= 0.9
    # the same search in one process gives the same scores: fits are reproducible
    serial = GridSearchCV(pipe, grid.param_grid, cv=3, n_jobs=1).fit(X, y)
    assert_allclose(
        serial.cv_results_["mean_test_score"], grid.cv_results_["mean_test_score"]
    )


def test_regressor_under_time_series_split():
    t = np.arange(700)
    series = np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 23) + 3.0
    window = 20
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], window)
    y = series[window:]
    model = make_pipeline(
        SequenceScaler(),
        RNNRegressor(
            hidden_size=16, max_iter=40, learning_rate_init=0.01, random_state=0
        ),
    )
    scores = cross_val_score(model, X, y, cv=TimeSeriesSplit(n_splits=3))
    assert scores.shape == (3,)
    assert scores.min() >= 0.9, scores


def test_tagger_in_grid_search_with_flat_scorer():
    rng = np.random.default_rng(1)
    X = [list(rng.choice(list("abcd"), rng.integers(3, 9))) for _ in range(150)]
    y = [["V" if tok in "ab" else "N" for tok in x] for x in X]
    grid = GridSearchCV(
        RNNSequenceTagger(max_iter=10, learning_rate_init=0.02, random_state=0),
        {"hidden_size": [4, 8]},
        scoring=make_scorer(flat_accuracy_score),
        cv=3,
    ).fit(X, y)
    means = grid.cv_results_["mean_test_score"]
    assert grid.best_params_ == grid.cv_results_["params"][int(np.argmax(means))]
    assert grid.best_score_ >= 0.95
    pred = grid.predict([["a", "c", "d"]])
    assert_array_equal(pred[0], ["V", "N", "N"])


@pytest.mark.parametrize("equal_lengths", [False, True])
def test_cross_val_predict_of_sequence_outputs(equal_lengths):
    """cross_val_predict joins the folds' ragged predictions: one sequence per
    sample, in the samples' order, each what the fold's model predicts."""
    rng = np.random.default_rng(2)
    lengths = [5] * 60 if equal_lengths else rng.integers(2, 8, 60)
    X = [list(rng.choice(list("abcd"), n)) for n in lengths]
    tags = [["V" if tok in "ab" else "N" for tok in x] for x in X]
    cv = KFold(3)
    tagger = RNNSequenceTagger(
        hidden_size=8, max_iter=15, learning_rate_init=0.03, random_state=0
    )
    pred = cross_val_predict(tagger, X, tags, cv=cv)
    assert pred.shape == (60,)  # one tag array per sample, equal lengths too
    assert [len(p) for p in pred] == list(lengths)
    assert np.mean(np.concatenate(pred) == np.concatenate(tags)) > 0.9
    train, test = next(cv.split(X))
    fold = clone_fit(tagger, [X[i] for i in train], [tags[i] for i in train])
    for i, expected in zip(test, fold.predict([X[i] for i in test]), strict=True):
        assert_array_equal(pred[i], expected)
    # token-list targets of the encoder-decoder (reverse the tokens)
    words = [x[::-1] for x in X]
    seq2seq = RNNEncoderDecoder(hidden_size=8, max_iter=2, random_state=0)
    out = cross_val_predict(seq2seq, X, words, cv=cv)
    assert out.shape == (60,) and all(isinstance(o, list) for o in out)
    fold = clone_fit(seq2seq, [X[i] for i in train], [words[i] for i in train])
    assert [out[i] for i in test] == fold.predict([X[i] for i in test])
    # string targets keep giving an array of str
    strings = cross_val_predict(seq2seq, X, ["".join(w) for w in words], cv=cv)
    assert strings.shape == (60,) and strings.dtype.kind == "U"


def test_cross_val_predict_of_tags_for_fixed_length_arrays():
    """A 3-D array in, a 2-D array of tags out, as a plain list of equally long
    arrays gives; a list of the same sequences gives one tag array a sample."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((45, 6, 2))
    y = (X[..., 0] > 0).astype(int)
    tagger = RNNSequenceTagger(hidden_size=6, max_iter=60, learning_rate_init=0.03)
    pred = cross_val_predict(tagger.set_params(random_state=0), X, y, cv=3)
    assert pred.shape == (45, 6) and pred.dtype.kind == "i"
    assert np.mean(pred == y) > 0.9
    fitted = clone_fit(tagger, X, y)
    assert np.asarray(fitted.predict(X)).shape == (45, 6)
    assert np.asarray(fitted.predict(list(X))).shape == (45,)
    assert_array_equal(np.stack(fitted.predict(list(X))), fitted.predict(X))


def clone_fit(est, X, y):
    from sklearn.base import clone

    return clone(est).fit(X, y)


@pytest.mark.parametrize(
    "est, X, y",
    [
        (
            RNNClassifier(hidden_size=5, max_iter=3, random_state=0),
            ["abc", "ca", "bbca", "a"],
            ["x", "y", "x", "z"],
        ),
        (
            RNNRegressor(hidden_size=5, max_iter=3, random_state=0, bidirectional=True),
            np.random.default_rng(0).standard_normal((6, 4, 2)),
            np.arange(6.0),
        ),
        (
            RNNSequenceTagger(hidden_size=5, max_iter=3, random_state=0, num_layers=2),
            [["a", "b"], ["b", "c", "a"]],
            [["N", "V"], ["V", "N", "N"]],
        ),
    ],
)
def test_joblib_round_trip(tmp_path, est, X, y):
    est.fit(X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    loaded = joblib.load(path)
    before, after = est.predict(X), loaded.predict(X)
    if isinstance(before, list):
        for a, b in zip(before, after, strict=True):
            assert_array_equal(a, b)
    else:
        assert_array_equal(before, after)
    for k in est.coefs_:
        assert_array_equal(est.coefs_[k], loaded.coefs_[k])
    # training goes on from the loaded state exactly as from the original
    est.partial_fit(X, y)
    loaded.partial_fit(X, y)
    for k in est.coefs_:
        assert_array_equal(est.coefs_[k], loaded.coefs_[k])


def test_fitted_classifier_as_a_feature_step():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 8))
    y = (X[:, 0] > 0).astype(int)
    from sklearn.linear_model import LogisticRegression

    rnn = RNNClassifier(
        hidden_size=8, max_iter=60, learning_rate_init=0.02, random_state=0
    )
    pipe = make_pipeline(rnn, LogisticRegression()).fit(X, y)
    assert pipe[0].transform(X).shape == (60, 8)
    assert pipe.score(X, y) >= 0.9
