"""Tests for skrnn.metrics: flat token metrics and whole-sequence accuracy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    f1_score,
    make_scorer,
    precision_score,
    recall_score,
)
from sklearn.model_selection import GridSearchCV, cross_val_score

from skrnn._input import SequenceInputMixin
from skrnn._targets import validate_tag_targets
from skrnn.metrics import (
    flat_accuracy_score,
    flat_classification_report,
    flat_f1_score,
    flat_precision_score,
    flat_recall_score,
    sequence_accuracy_score,
)

TAGS = np.array(["DET", "NOUN", "VERB", "ADJ"])


def _tag_data(seed=0, n=25, noise=0.3):
    """Random true tag sequences and predictions that are right most of the time."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 9, size=n)
    y_true = [list(rng.choice(TAGS, size=t)) for t in lengths]
    y_pred = []
    for seq in y_true:
        seq = np.array(seq)
        flip = rng.random(len(seq)) < noise
        seq[flip] = rng.choice(TAGS, size=flip.sum())
        y_pred.append(seq)
    return y_true, y_pred


def _flat(y):
    return [label for seq in y for label in seq]


# --------------------------------------------------------------------------
# Against scikit-learn on data flattened by hand
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flat_accuracy_matches_sklearn(seed):
    y_true, y_pred = _tag_data(seed)
    expected = accuracy_score(_flat(y_true), _flat(y_pred))
    assert_allclose(flat_accuracy_score(y_true, y_pred), expected)
    n_right = accuracy_score(_flat(y_true), _flat(y_pred), normalize=False)
    assert flat_accuracy_score(y_true, y_pred, normalize=False) == n_right


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (flat_f1_score, f1_score),
        (flat_precision_score, precision_score),
        (flat_recall_score, recall_score),
    ],
)
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_flat_prf_match_sklearn(ours, theirs, average):
    y_true, y_pred = _tag_data(3)
    expected = theirs(_flat(y_true), _flat(y_pred), average=average)
    assert_allclose(ours(y_true, y_pred, average=average), expected)
    labels = ["NOUN", "VERB"]
    expected = theirs(_flat(y_true), _flat(y_pred), labels=labels, average=average)
    assert_allclose(ours(y_true, y_pred, labels=labels, average=average), expected)


def test_flat_binary_average_and_pos_label():
    y_true = [[0, 1, 1], [1, 0]]
    y_pred = [[0, 1, 0], [1, 1]]
    assert_allclose(
        flat_f1_score(y_true, y_pred), f1_score(_flat(y_true), _flat(y_pred))
    )
    assert_allclose(
        flat_precision_score(y_true, y_pred, pos_label=0),
        precision_score(_flat(y_true), _flat(y_pred), pos_label=0),
    )


def test_flat_classification_report_matches_sklearn():
    y_true, y_pred = _tag_data(4)
    y_pred[0][0] = "PRON"  # a label that is never true
    for kwargs in ({"digits": 3}, {"output_dict": True}):
        ours = flat_classification_report(y_true, y_pred, zero_division=0, **kwargs)
        theirs = classification_report(
            _flat(y_true), _flat(y_pred), zero_division=0, **kwargs
        )
        assert ours == theirs


def test_arrays_and_lists_give_the_same_numbers():
    y_true, y_pred = _tag_data(5)
    as_arrays = [np.asarray(s) for s in y_true]
    as_objects = np.empty(len(y_pred), dtype=object)
    as_objects[:] = [list(s) for s in y_pred]
    assert flat_accuracy_score(as_arrays, as_objects) == flat_accuracy_score(
        y_true, y_pred
    )
    # a 2-D array is read row by row
    rows_true = np.array([[1, 2, 3], [1, 1, 1]])
    rows_pred = np.array([[1, 2, 0], [1, 1, 1]])
    assert flat_accuracy_score(rows_true, rows_pred) == 5 / 6
    assert sequence_accuracy_score(rows_true, rows_pred) == 0.5


# --------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------


def test_per_sequence_weights_repeat_over_positions():
    y_true, y_pred = _tag_data(6, n=10)
    w = np.random.default_rng(6).uniform(0.1, 2.0, size=10)
    flat_w = np.concatenate(
        [np.full(len(s), wi) for s, wi in zip(y_true, w, strict=True)]
    )
    assert_allclose(
        flat_accuracy_score(y_true, y_pred, sample_weight=w),
        accuracy_score(_flat(y_true), _flat(y_pred), sample_weight=flat_w),
    )
    assert_allclose(
        flat_f1_score(y_true, y_pred, average="macro", sample_weight=list(w)),
        f1_score(_flat(y_true), _flat(y_pred), average="macro", sample_weight=flat_w),
    )


def test_per_position_weights():
    y_true = [["a", "b"], ["a"]]
    y_pred = [["a", "a"], ["b"]]
    w = [[1.0, 3.0], [0.5]]
    # right: position 0 (weight 1) of 4.5 in total
    assert_allclose(flat_accuracy_score(y_true, y_pred, sample_weight=w), 1 / 4.5)
    with pytest.raises(ValueError, match=r"sample_weight\[1\] has 2 weights"):
        flat_accuracy_score(y_true, y_pred, sample_weight=[[1, 1], [1, 1]])
    with pytest.raises(ValueError, match="one weight per sequence"):
        flat_accuracy_score(y_true, y_pred, sample_weight=[1.0, 2.0, 3.0])


# --------------------------------------------------------------------------
# Whole sequences
# --------------------------------------------------------------------------


def test_sequence_accuracy_counted_by_hand():
    y_true = [["D", "N", "V"], ["N", "V"], ["D"], ["A", "N"]]
    y_pred = [["D", "N", "V"], ["N", "N"], ["D"], ["A", "V"]]
    assert sequence_accuracy_score(y_true, y_pred) == 0.5
    assert sequence_accuracy_score(y_true, y_pred, normalize=False) == 2
    w = [1.0, 1.0, 2.0, 4.0]  # right: sequences 0 and 2 -> 3 of 8
    assert_allclose(sequence_accuracy_score(y_true, y_pred, sample_weight=w), 3 / 8)


@pytest.mark.parametrize("seed", [7, 8])
def test_sequence_accuracy_random(seed):
    y_true, y_pred = _tag_data(seed, n=40, noise=0.1)
    exact = [list(t) == list(p) for t, p in zip(y_true, y_pred, strict=True)]
    assert_allclose(sequence_accuracy_score(y_true, y_pred), np.mean(exact))


# --------------------------------------------------------------------------
# Misaligned input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "metric",
    [
        flat_accuracy_score,
        flat_f1_score,
        flat_precision_score,
        flat_recall_score,
        flat_classification_report,
        sequence_accuracy_score,
    ],
)
@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        ([[1, 2], [1]], [[1, 2]], "y_true has 2 sequences but y_pred has 1"),
        ([[1, 2], [1], [1, 2]], [[1, 2], [1], [1]], r"y_true\[2\] has 2 labels but"),
        ([[1, 2], [1]], [[1, 2, 2], [1, 1]], r"y_true\[0\] has 2 labels but y_pred"),
        (["ab", "c"], [["a", "b"], ["c"]], r"y_true\[0\] is a str"),
        ([[1, 2], 3], [[1, 2], [3]], r"y_true\[1\] is a int"),
        ([[1, 2]], [[[1], [2]]], r"y_pred\[0\] has shape \(2, 1\)"),
        (np.array([1, 2]), [[1], [2]], "list of label sequences"),
    ],
)
def test_misaligned_sequences_name_the_first_mismatch(metric, y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        metric(y_true, y_pred)


# --------------------------------------------------------------------------
# make_scorer
# --------------------------------------------------------------------------


class MostFrequentTagger(SequenceInputMixin, BaseEstimator):
    """Tags each token with its most frequent tag in training (or `default`)."""

    def __init__(self, min_frequency=1, default="NOUN"):
        self.min_frequency = min_frequency
        self.default = default

    def fit(self, X, y):
        r, _ = self._validate_input(X, reset=True, dtype=np.float64)
        y = validate_tag_targets(y, r, name=type(self).__name__)
        self.classes_, tags = np.unique(np.concatenate(y), return_inverse=True)
        counts = np.zeros((len(self.vocabulary_) + 1, len(self.classes_)))
        np.add.at(counts, (r.data, tags), 1)
        best = self.classes_[counts.argmax(axis=1)].astype(object)
        best[counts.sum(axis=1) == 0] = self.default
        self.table_ = best
        return self

    def predict(self, X):
        r, _ = self._validate_input(X, reset=False, dtype=np.float64)
        return [self.table_[ids] for ids in r.to_list()]


def test_metrics_work_as_scorers_in_grid_search():
    # Every sentence has its own noun, so test nouns are never seen in training
    # and get the tagger's default tag.
    sentences = [["the", f"noun{i}", "runs"] for i in range(12)]
    tags = [["DET", "NOUN", "VERB"]] * 12
    scorers = {
        "f1": make_scorer(flat_f1_score, average="macro"),
        "acc": make_scorer(flat_accuracy_score),
        "seq": make_scorer(sequence_accuracy_score),
    }
    scores = cross_val_score(
        MostFrequentTagger(), sentences, tags, cv=3, scoring=scorers["acc"]
    )
    assert_allclose(scores, 1.0)
    search = GridSearchCV(
        MostFrequentTagger(),
        {"default": ["VERB", "NOUN"]},
        scoring=scorers,
        refit="f1",
        cv=3,
    )
    search.fit(sentences, tags)
    assert search.best_params_ == {"default": "NOUN"}
    assert_allclose(search.cv_results_["mean_test_acc"], [2 / 3, 1.0])
    assert_allclose(search.cv_results_["mean_test_seq"], [0.0, 1.0])
    assert_allclose(search.cv_results_["mean_test_f1"][1], 1.0)
    assert search.score(sentences[:2], tags[:2]) == 1.0
