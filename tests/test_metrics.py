"""Tests for skrnn.metrics: flat token metrics, whole sequences, edit distance."""

import itertools

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
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

import skrnn.metrics
from skrnn._input import SequenceInputMixin
from skrnn._targets import validate_tag_targets
from skrnn.metrics import (
    edit_distance,
    flat_accuracy_score,
    flat_classification_report,
    flat_f1_score,
    flat_precision_score,
    flat_recall_score,
    sequence_accuracy_score,
    token_error_rate,
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


def test_sequence_accuracy_of_generated_sequences():
    # strings: whole words, exact or not; a wrong length is simply wrong
    assert sequence_accuracy_score(["cat", "dog", "ox"], ["cat", "dogs", "ax"]) == 1 / 3
    assert sequence_accuracy_score(np.array(["cat", "dog"]), ["cat", "do"]) == 0.5
    assert sequence_accuracy_score(["", "a"], ["", ""]) == 0.5
    # a str is the list of its characters
    assert sequence_accuracy_score(["abc", "de"], [["a", "b", "c"], "d"]) == 0.5
    # token lists of any lengths (phonemes)
    y_true = [["K", "AE1", "T"], ["D", "AO1", "G"], ["AY1"], ["B", "IY1"]]
    y_pred = [["K", "AE1", "T"], ["D", "AO1", "G", "Z"], [], ["B", "IY1"]]
    assert sequence_accuracy_score(y_true, y_pred) == 0.5
    assert sequence_accuracy_score(y_true, y_pred, normalize=False) == 2
    w = [1.0, 3.0, 2.0, 4.0]  # right: sequences 0 and 3 -> 5 of 10
    assert_allclose(sequence_accuracy_score(y_true, y_pred, sample_weight=w), 0.5)
    assert sequence_accuracy_score(y_pred, y_true) == 0.5
    # against a plain-Python count on random strings of random lengths
    rng = np.random.default_rng(9)
    a = ["".join(rng.choice(list("ab"), size=rng.integers(0, 4))) for _ in range(200)]
    b = ["".join(rng.choice(list("ab"), size=rng.integers(0, 4))) for _ in range(200)]
    exact = np.mean([x == y for x, y in zip(a, b, strict=True)])
    assert 0.1 < exact < 0.5
    assert_allclose(sequence_accuracy_score(a, b), exact)
    assert_allclose(sequence_accuracy_score([list(x) for x in a], b), exact)


# --------------------------------------------------------------------------
# Edit distance and token error rate
# --------------------------------------------------------------------------


def _reference_edit_distance(a, b):
    """The textbook dynamic programme, one cell at a time, in plain Python."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        cur = [i]
        for j, y in enumerate(b, start=1):
            cur.append(min(prev[j - 1] + (x != y), prev[j] + 1, cur[j - 1] + 1))
        prev = cur
    return prev[-1]


def _random_strings(rng, n, alphabet="abc", max_length=12):
    return [
        "".join(rng.choice(list(alphabet), size=rng.integers(0, max_length + 1)))
        for _ in range(n)
    ]


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("kitten", "sitting", 3),  # k->s, e->i, +g
        ("sitting", "kitten", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("", "", 0),
        ("abc", "abc", 0),
        ("flaw", "lawn", 2),  # -f, +n
        ("intention", "execution", 5),
        ("abc", "acb", 2),  # a transposition is two edits
        ("abc", "xyz", 3),
        ("naïve", "naive", 1),
        (["K", "AE1", "T"], ["K", "AH0", "T", "S"], 2),  # phonemes
        ("the cat sat".split(), "the cat sat down".split(), 1),  # words
        ("the cat sat".split(), "a cat sat".split(), 1),
        (["ab"], ["a", "b"], 2),  # a token is never split into characters
        ("abc", ["a", "b", "c"], 0),  # a str is the list of its characters
        (np.array([1, 2, 3]), (1, 3), 1),
        ([1, 2, 3], np.array([1.0, 2.0, 3.0]), 0),  # tokens compare with ==
        (["1", 2], [1, 2], 1),  # "1" != 1, even in one list with a str
    ],
)
def test_edit_distance_hand_worked(a, b, expected):
    d = edit_distance(a, b)
    assert type(d) is int
    assert d == expected
    assert _reference_edit_distance(list(a), list(b)) == expected


def test_edit_distance_is_a_metric_on_random_strings():
    rng = np.random.default_rng(0)
    words = _random_strings(rng, 25, alphabet="abcd", max_length=8)
    words += ["", "a", "abcd"]
    d = {(x, y): edit_distance(x, y) for x in words for y in words}
    for x, y in itertools.product(words, repeat=2):
        assert d[x, y] == d[y, x]
        assert (d[x, y] == 0) == (x == y)
        assert abs(len(x) - len(y)) <= d[x, y] <= max(len(x), len(y))
    for x, y, z in itertools.product(words, repeat=3):
        assert d[x, z] <= d[x, y] + d[y, z]


@pytest.mark.parametrize("alphabet", ["ab", "abcdefgh"])
def test_edit_distance_matches_the_plain_python_programme(alphabet):
    rng = np.random.default_rng(len(alphabet))
    a = _random_strings(rng, 150, alphabet, max_length=15)
    b = _random_strings(rng, 150, alphabet, max_length=15)
    expected = [_reference_edit_distance(x, y) for x, y in zip(a, b, strict=True)]
    assert [edit_distance(x, y) for x, y in zip(a, b, strict=True)] == expected
    # the same pairs as token lists of ints and of multi-letter str tokens
    ints = [[ord(c) for c in x] for x in a]
    tokens = [np.array([c * 2 for c in y]) for y in b]
    assert [edit_distance(x, y) for x, y in zip(ints, b, strict=True)] == [
        _reference_edit_distance(x, list(y)) for x, y in zip(ints, b, strict=True)
    ]
    doubled_a = [[c * 2 for c in x] for x in a]
    assert [edit_distance(x, y) for x, y in zip(doubled_a, tokens, strict=True)] == (
        expected
    )


@pytest.mark.parametrize("cells", [1, 40, 1 << 17])
def test_token_error_rate_is_total_edits_over_reference_tokens(monkeypatch, cells):
    # token_error_rate fills the tables of many pairs at once, in chunks of
    # pairs of similar lengths; small chunks must give the same numbers
    monkeypatch.setattr(skrnn.metrics, "_DP_CELLS", cells)
    rng = np.random.default_rng(1)
    y_true = _random_strings(rng, 300, max_length=20)
    y_pred = _random_strings(rng, 300, max_length=25)
    y_pred[:5] = y_true[:5]
    edits = np.array(
        [_reference_edit_distance(t, p) for t, p in zip(y_true, y_pred, strict=True)]
    )
    n_ref = np.array([len(t) for t in y_true])
    assert_allclose(token_error_rate(y_true, y_pred), edits.sum() / n_ref.sum())
    w = rng.uniform(0.1, 3.0, size=300)
    assert_allclose(
        token_error_rate(y_true, y_pred, sample_weight=w),
        (w @ edits) / (w @ n_ref),
    )
    # mixed forms: token lists against strings
    as_lists = [list(p) for p in y_pred]
    assert token_error_rate(y_true, as_lists) == token_error_rate(y_true, y_pred)


def test_token_error_rate_hand_worked():
    # 3 edits over 6 + 3 reference characters
    assert token_error_rate(["sitting", "abc"], ["kitten", "abc"]) == 3 / 10
    assert token_error_rate(["kitten", "abc"], ["sitting", "abc"]) == 3 / 9
    y_true = [["K", "AE1", "T"], ["D", "AO1", "G"]]
    y_pred = [["K", "AE1", "T"], ["D", "AA1", "G", "Z"]]
    assert token_error_rate(y_true, y_pred) == 2 / 6  # phoneme error rate
    assert token_error_rate(y_true, y_pred, sample_weight=[1.0, 2.0]) == 4 / 9
    assert token_error_rate(y_true, y_true) == 0.0
    assert token_error_rate(["a"], ["bcd"]) == 3.0  # more edits than tokens
    assert token_error_rate(["ab", "cd"], ["", ""]) == 1.0
    assert token_error_rate(["", "ab"], ["x", "ab"]) == 0.5  # an empty reference
    assert token_error_rate(np.array(["kitten"]), ("sitting",)) == 3 / 6
    assert isinstance(token_error_rate(["a"], ["a"]), float)


def test_token_error_rate_errors():
    with pytest.raises(ValueError, match="hold no tokens .*2 sequences"):
        token_error_rate(["", ""], ["a", "b"])
    with pytest.raises(ValueError, match=r"hold no tokens \(0 sequences\)"):
        token_error_rate([], [])
    with pytest.raises(ValueError, match="hold no tokens with a positive weight"):
        token_error_rate(["ab", ""], ["a", "b"], sample_weight=[0.0, 1.0])
    with pytest.raises(ValueError, match="one weight per sequence"):
        token_error_rate(["ab", "c"], ["a", "b"], sample_weight=[1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "a, b, match",
    [
        (1, "a", "a must be a str or a 1-D sequence of tokens, got int"),
        ("a", None, "b must be a str or a 1-D sequence of tokens, got NoneType"),
        (b"ab", "ab", "got bytes"),
        (np.zeros((2, 2)), "ab", r"a has shape \(2, 2\)"),
    ],
)
def test_edit_distance_errors(a, b, match):
    with pytest.raises(ValueError, match=match):
        edit_distance(a, b)


class CopyInput(BaseEstimator):
    """Predicts its input unchanged: the prediction of a spelling is itself."""

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def predict(self, X):
        return list(X)


def test_edit_metrics_work_with_make_scorer():
    X = ["kitten", "flaw", "abc", "intention"]
    y = ["sitting", "lawn", "abc", "execution"]
    scorer = make_scorer(token_error_rate, greater_is_better=False)
    # fold 1 tests samples 0, 1: (3 + 2) / (7 + 4); fold 2: (0 + 5) / (3 + 9)
    scores = cross_val_score(CopyInput(), X, y, cv=KFold(2), scoring=scorer)
    assert_allclose(scores, [-5 / 11, -5 / 12])
    est = CopyInput().fit(X, y)
    assert_allclose(scorer(est, X, y), -10 / 23)
    accuracy = make_scorer(sequence_accuracy_score)
    assert_allclose(
        cross_val_score(CopyInput(), X, y, cv=2, scoring=accuracy), [0, 0.5]
    )
    # edit_distance compares two sequences: as a scorer, y_true and y_pred are
    # the two sequences, here of words (one substitution, one deletion)
    words = make_scorer(edit_distance, greater_is_better=False)
    assert words(est, ["the", "dog", "sat"], ["the", "cat", "sat", "down"]) == -2


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


@pytest.mark.parametrize("metric", [sequence_accuracy_score, token_error_rate])
@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        ([[1, 2], [1]], [[1, 2]], "y_true has 2 sequences but y_pred has 1"),
        (["ab", "c"], ["ab"], "y_true has 2 sequences but y_pred has 1"),
        ([[1, 2], 3], [[1, 2], [3]], r"y_true\[1\] is a int"),
        ([[1, 2]], [[[1], [2]]], r"y_pred\[0\] has shape \(2, 1\)"),
        (np.array([1, 2]), [[1], [2]], "list of sequences"),
        ("kitten", "sitting", r"list of sequences .*got str. Wrap .* \[y_true\]"),
        (["kitten"], "sitting", r"y_pred must be a list of sequences"),
        ([b"ab"], [b"ab"], r"y_true\[0\] is a bytes"),
        (None, [], "y_true must be a list of sequences"),
    ],
)
def test_sequence_metrics_reject_bad_input(metric, y_true, y_pred, match):
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


def test_edit_distance_keeps_numbers_and_their_text_apart():
    from skrnn.metrics import edit_distance, token_error_rate

    assert edit_distance([1, 2], ["1", "2"]) == 2
    assert edit_distance([1.0, 2.0], [1, 2]) == 0  # 1 == 1.0, as with ==
    assert token_error_rate([[1, 2]], [["1", "2"]]) == 1.0
    assert edit_distance([np.nan], [np.nan]) == 1  # nan != nan
