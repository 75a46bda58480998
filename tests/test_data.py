"""Tests of the data modules (skrnn._input, _ragged, _vocabulary, _targets): input
forms, validation messages, padding, batches."""

import pickle
import re

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from skrnn._input import SequenceInputMixin
from skrnn._ragged import Ragged, make_batches, prediction_batches, unpad
from skrnn._targets import encode_tags, validate_tag_targets
from skrnn._vocabulary import END, UNKNOWN, Tokens, Vocabulary

pd = pytest.importorskip("pandas")


class Est(SequenceInputMixin, BaseEstimator):
    """A stand-in estimator with the one parameter the validation reads."""

    def __init__(self, min_frequency=1):
        self.min_frequency = min_frequency


def validate_sequences(est, X, *, reset, dtype):
    """What an estimator's fit (reset) or predict does with X."""
    return est._validate_input(X, reset=reset, dtype=dtype)[0]


def _random_sequences(rng, n=7, n_features=3, max_len=9):
    lengths = rng.integers(1, max_len + 1, size=n)
    return [rng.standard_normal((t, n_features)) for t in lengths]


# --------------------------------------------------------------------------
# Ragged
# --------------------------------------------------------------------------


def test_ragged_pad_is_time_major_and_zero_padded():
    rng = np.random.default_rng(0)
    seqs = _random_sequences(rng)
    r = Ragged.from_list(seqs)
    order = rng.permutation(len(seqs))
    X, lengths = r.pad(order)
    assert X.shape == (max(len(s) for s in seqs), len(seqs), 3)
    assert lengths.dtype == np.int64
    for b, i in enumerate(order):
        assert lengths[b] == len(seqs[i])
        assert_array_equal(X[: len(seqs[i]), b], seqs[i])
        assert_array_equal(X[len(seqs[i]) :, b], 0.0)


def test_ragged_pad_unpad_round_trip_is_exact():
    rng = np.random.default_rng(1)
    seqs = _random_sequences(rng, n=20)
    r = Ragged.from_list(seqs)
    X, lengths = r.pad()
    back = unpad(X, lengths)
    assert len(back) == len(seqs)
    for a, b in zip(back, seqs, strict=True):
        assert_array_equal(a, b)
    for a, b in zip(r.to_list(), seqs, strict=True):
        assert_array_equal(a, b)


def test_ragged_pad_token_ids_and_dtype():
    r = Ragged.from_list([np.array([3, 1]), np.array([2, 2, 5])])
    X, lengths = r.pad(dtype=np.int32)
    assert X.dtype == np.int32
    assert_array_equal(X, [[3, 2], [1, 2], [0, 5]])
    assert_array_equal(lengths, [2, 3])


def test_ragged_pad_float32_and_empty_batch():
    r = Ragged.from_list([np.ones((2, 2)), np.ones((1, 2))])
    X, _ = r.pad(dtype=np.float32)
    assert X.dtype == np.float32
    X, lengths = r.pad([])
    assert X.shape == (0, 0, 2)
    assert lengths.shape == (0,)


def test_ragged_take_reorders_repeats_and_masks():
    rng = np.random.default_rng(2)
    seqs = _random_sequences(rng, n=6)
    r = Ragged.from_list(seqs)
    indices = [4, 0, 4, 2]
    sub = r.take(indices)
    assert len(sub) == 4
    assert_array_equal(sub.lengths, [len(seqs[i]) for i in indices])
    for a, i in zip(sub.to_list(), indices, strict=True):
        assert_array_equal(a, seqs[i])
    mask = np.array([True, False, True, False, False, True])
    for a, i in zip(r.take(mask).to_list(), [0, 2, 5], strict=True):
        assert_array_equal(a, seqs[i])
    empty = r.take([])
    assert len(empty) == 0
    assert empty.to_list() == []


def test_ragged_take_copies():
    r = Ragged.from_list([np.arange(3.0)[:, None], np.arange(2.0)[:, None]])
    sub = r.take([0])
    sub.data[0] = 99.0
    assert r.data[0, 0] == 0.0


def test_ragged_checks_offsets():
    with pytest.raises(ValueError, match="starting with 0"):
        Ragged(np.zeros(3), [1, 3])
    with pytest.raises(ValueError, match="does not match"):
        Ragged(np.zeros(3), [0, 2])


def test_ragged_pickles():
    r = Ragged.from_list([np.arange(3), np.arange(2)])
    r2 = pickle.loads(pickle.dumps(r))
    assert_array_equal(r2.data, r.data)
    assert_array_equal(r2.offsets, r.offsets)


def test_unpad_checks_shapes():
    with pytest.raises(ValueError, match="time-major"):
        unpad(np.zeros((3, 2)), [1, 1, 1])
    with pytest.raises(ValueError, match="exceeds"):
        unpad(np.zeros((3, 2)), [4, 1])
    assert unpad(np.zeros((0, 0, 2)), []) == []


# --------------------------------------------------------------------------
# The five forms
# --------------------------------------------------------------------------


def test_2d_form_array_list_and_dataframe():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((5, 4))
    for X_in in (X, X.tolist(), X.astype(object)):
        est = Est()
        r = validate_sequences(est, X_in, reset=True, dtype=np.float64)
        assert_array_equal(r.lengths, [4] * 5)
        assert_allclose(r.data[:, 0], X.ravel())
        assert est.n_features_in_ == 4
        assert est._input.n_step_features == 1
        assert est._input.two_d is True
        assert est._input.kind == "numeric"
        assert not hasattr(est, "feature_names_in_")
    est = Est()
    df = pd.DataFrame(X, columns=list("abcd"))
    r = validate_sequences(est, df, reset=True, dtype=np.float32)
    assert r.data.dtype == np.float32
    assert_array_equal(est.feature_names_in_, list("abcd"))


def test_3d_form_trailing_nan_is_padding():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3, 5, 2))
    X[0, 3:] = np.nan
    X[2, 1:] = np.nan
    X_before = X.copy()
    est = Est()
    r = validate_sequences(est, X, reset=True, dtype=np.float64)
    assert_array_equal(r.lengths, [3, 5, 1])
    expected = np.concatenate([X[0, :3], X[1], X[2, :1]])
    assert_array_equal(r.data, expected)
    assert est.n_features_in_ == 2
    assert est._input.n_step_features == 2
    assert est._input.two_d is False
    assert_array_equal(X, X_before)  # not modified


def test_3d_form_without_padding_and_from_nested_lists():
    X = np.arange(24.0).reshape(2, 4, 3)
    r = validate_sequences(Est(), X.tolist(), reset=True, dtype=np.float64)
    assert_array_equal(r.lengths, [4, 4])
    assert_array_equal(r.data, X.reshape(8, 3))


def test_ragged_form_1d_and_2d_samples():
    seqs = [np.arange(3.0), np.arange(5.0), [1, 2]]
    est = Est()
    r = validate_sequences(est, seqs, reset=True, dtype=np.float32)
    assert r.data.dtype == np.float32
    assert r.data.shape == (10, 1)
    assert_array_equal(r.lengths, [3, 5, 2])
    assert est.n_features_in_ == 1
    # A list of equal-length arrays is ragged as well (not the 2-D form).
    est = Est()
    validate_sequences(est, [np.ones(3), np.ones(3)], reset=True, dtype=float)
    assert est._input.two_d is False
    assert est.n_features_in_ == 1
    # Nested lists of numbers with different lengths are ragged.
    r = validate_sequences(Est(), [[1, 2, 3], [4]], reset=True, dtype=float)
    assert_array_equal(r.lengths, [3, 1])
    r = validate_sequences(
        Est(),
        np.array([np.ones((2, 2)), np.ones((3, 2))], dtype=object),
        reset=True,
        dtype=float,
    )
    assert_array_equal(r.lengths, [2, 3])


def test_chars_form_and_vocabulary():
    est = Est()
    r = validate_sequences(est, ["abca", "cab", "a"], reset=True, dtype=np.float32)
    # counts: a=4, b=2, c=2 -> ties broken by the token itself
    assert est.vocabulary_ == {"a": 1, "b": 2, "c": 3}
    assert r.data.dtype == np.intp
    assert_array_equal(r.data, [1, 2, 3, 1, 3, 1, 2, 1])
    assert_array_equal(r.lengths, [4, 3, 1])
    assert est._input.kind == "chars"
    assert not hasattr(est, "n_features_in_")
    r = validate_sequences(est, ["abz\U0001f600"], reset=False, dtype=float)
    assert_array_equal(r.data, [1, 2, 0, 0])


def test_tokens_form_vocabulary_and_min_frequency():
    X = [["the", "cat", "sat"], ("the", "dog"), np.array(["a", "dog", "the"])]
    est = Est(min_frequency=2)
    r = validate_sequences(est, X, reset=True, dtype=float)
    assert est.vocabulary_ == {"the": 1, "dog": 2}
    assert all(type(k) is str for k in est.vocabulary_)
    assert_array_equal(r.data, [1, 0, 0, 1, 2, 0, 2, 1])
    assert_array_equal(r.lengths, [3, 2, 3])
    est = Est(min_frequency=1)
    validate_sequences(est, X, reset=True, dtype=float)
    assert est.vocabulary_ == {"the": 1, "dog": 2, "a": 3, "cat": 4, "sat": 5}
    r = validate_sequences(est, [["the", "bird", "sat"]], reset=False, dtype=float)
    assert_array_equal(r.data, [1, 0, 5])
    with pytest.raises(ValueError, match="min_frequency=5"):
        validate_sequences(Est(min_frequency=5), X, reset=True, dtype=float)


def test_tokens_spelled_like_reserved_symbols_are_those_symbols():
    # a corpus that already marks rare words "<unk>" (Penn Treebank style) or
    # sentence ends "<eos>": the token is the reserved symbol, not a new id
    tokens = Tokens(np.array([0, 3, 5]), None, ["a", "<unk>", "b", "<eos>", "a"])
    vocab = Vocabulary.fit(tokens, specials=(UNKNOWN, END))
    assert vocab.symbols == ["<unk>", "<eos>", "a", "b"]
    assert_array_equal(vocab.encode(tokens).data, [2, 0, 3, 1, 2])
    assert_array_equal(vocab.encode_sequence(["<eos>", "c", "<unk>"]), [1, 0, 0])
    # with only the unknown symbol reserved, "<eos>" is an ordinary token
    vocab = Vocabulary.fit(tokens)
    assert vocab.symbols == ["<unk>", "a", "<eos>", "b"]
    assert_array_equal(vocab.encode(tokens).data, [1, 0, 3, 2, 1])


def test_string_arrays_are_categorical():
    est = Est()
    validate_sequences(est, np.array(["ab", "ba"]), reset=True, dtype=float)
    assert est.vocabulary_ == {"a": 1, "b": 2}
    est = Est()
    r = validate_sequences(
        est, np.array([["x", "y"], ["y", "y"]]), reset=True, dtype=float
    )
    assert est.vocabulary_ == {"y": 1, "x": 2}
    assert_array_equal(r.data, [2, 1, 1, 1])
    est = Est()
    validate_sequences(est, pd.Series(["ab", "b"]), reset=True, dtype=float)
    assert est.vocabulary_ == {"b": 1, "a": 2}


def test_arrays_of_strings_are_token_sequences():
    """Every array of strings is read one way: rows of tokens, never numbers."""
    rows = [["1.5", "2.0", "2.0"], ["3", "1.5", "x"]]
    forms = {
        "str": np.array(rows),
        "bytes-decoded": np.array(rows, dtype="S").astype(str),
        "object": np.array(rows, dtype=object),
        "dataframe": pd.DataFrame(rows),
        "dataframe.values": pd.DataFrame(rows).values,
        "list": rows,
    }
    expected = None
    for name, X in forms.items():
        est = Est()
        r = validate_sequences(est, X, reset=True, dtype=np.float64)
        assert est._input.kind == "tokens", name
        assert not hasattr(est, "n_features_in_"), name
        assert_array_equal(r.lengths, [3, 3])
        if expected is None:
            expected = (est.vocabulary_, r.data)
        assert est.vocabulary_ == expected[0], name
        assert_array_equal(r.data, expected[1], err_msg=name)
    assert expected[0] == {"1.5": 1, "2.0": 2, "3": 3, "x": 4}
    # an object array of numbers is still numeric (scikit-learn's check_dtype_object)
    est = Est()
    validate_sequences(est, np.ones((2, 3)).astype(object), reset=True, dtype=float)
    assert est._input.kind == "numeric"


def test_refit_deletes_stale_attributes():
    est = Est()
    validate_sequences(
        est, pd.DataFrame(np.ones((3, 2)), columns=["a", "b"]), reset=True, dtype=float
    )
    assert hasattr(est, "feature_names_in_")
    validate_sequences(est, ["ab", "ba"], reset=True, dtype=float)
    assert not hasattr(est, "feature_names_in_")
    assert not hasattr(est, "n_features_in_")
    validate_sequences(est, np.ones((2, 3, 4)), reset=True, dtype=float)
    assert not hasattr(est, "vocabulary_")
    assert est.n_features_in_ == 4


def test_input_is_not_modified_and_views_are_read_only():
    X = np.arange(12.0).reshape(3, 4)
    r = validate_sequences(Est(), X, reset=True, dtype=np.float64)
    assert np.shares_memory(r.data, X)
    assert not r.data.flags.writeable
    X.flags.writeable = False  # read-only input is fine
    validate_sequences(Est(), X, reset=True, dtype=np.float64)
    seqs = [np.arange(3.0), np.arange(2.0)]
    r = validate_sequences(Est(), seqs, reset=True, dtype=np.float64)
    r.data[:] = -1
    assert_array_equal(seqs[0], np.arange(3.0))


# --------------------------------------------------------------------------
# Bad input names the sample
# --------------------------------------------------------------------------


def _nan_3d(where):
    X = np.ones((4, 5, 2))
    X[where] = np.nan
    return X


@pytest.mark.parametrize(
    "X, match",
    [
        ([np.ones(3), np.ones(0)], r"X\[1\] is an empty sequence"),
        (["abc", "de", ""], r"X\[2\] is an empty sequence"),
        ([["a"], []], r"X\[1\] is an empty sequence"),
        (_nan_3d((2,)), r"X\[2\] is an empty sequence: all its time steps are NaN"),
        (_nan_3d((1, 2)), r"X\[1\] contains NaN at time step 2, followed by real"),
        (_nan_3d((3, 4, 0)), r"X\[3\] contains NaN in some but not all features"),
        (_nan_3d((0, slice(0, 2))), r"X\[0\] contains NaN at time step 0"),
        ([np.ones(3), np.array([1.0, np.nan])], r"X\[1\] contains NaN at time step 1"),
        ([np.ones((2, 2)), np.array([[1, 2], [np.inf, 0]])], r"X\[1\] contains inf"),
        ([np.ones((2, 2)), np.ones((2, 2)), np.ones((3, 1))], r"X\[2\] has 1 features"),
        (["abc", ["a", "b"]], r"X\[0\] is a str but X\[1\] is a sequence of str"),
        (
            [["a", "b"], "abc"],
            r"X\[0\] is a sequence of str tokens but X\[1\] is a str",
        ),
        ([np.ones(2), "abc"], r"X\[0\] is a numeric sequence but X\[1\] is a str"),
        ([[1.0, 2.0], 3.0], r"X\[0\] is a numeric sequence but X\[1\] is a scalar"),
        ([["a", "b"], ["c", 1]], r"X\[1\] holds 1 \(of type int\) at time step 1"),
        ([np.ones(2), np.array(["1", "2"], dtype=object)], r"X\[1\] is a sequence of"),
        ([np.ones(2), np.array([1, {}], dtype=object)], r"X\[1\] holds non-numeric"),
        ([[1.0, 2.0], [3.0, "a"]], r"X\[1\] holds non-numeric"),
        ([np.ones(2), None], r"X\[1\] is a NoneType"),
        ([np.ones((2, 2, 2))], r"X\[0\] has shape \(2, 2, 2\)"),
        ([np.ones((3, 0))], r"X\[0\] has 0 features per time step"),
        ([np.array([1j, 2])], "Complex data not supported"),
        # the 2-D form names the sample and the step too
        (np.array([[1.0, np.nan, 2.0]]), r"X\[0\] contains NaN at time step 1\."),
        (np.array([[1.0, 2.0], [1.0, np.inf]]), r"X\[1\] contains inf at time step 1"),
        (np.array([[1.0, 2.0], [-np.inf, 1.0]]), r"X\[1\] contains inf at time step 0"),
        # bytes are named, with the advice to decode them
        ([b"ab", b"c"], r"X\[0\] is bytes \(b'ab'\), not str; decode"),
        ([[b"a", b"b"]], r"X\[0\] holds bytes \(b'a' at time step 0\).*Decode"),
        (np.array([[b"a", b"b"], [b"c", b"d"]]), r"X\[0\] holds bytes .*Decode"),
        ([["a", "b"], [b"c"]], r"X\[1\] holds bytes \(b'c' at time step 0\)"),
        ([["a", b"b"]], r"X\[0\] holds b'b' \(of type bytes\) at time step 1.*decode"),
        ([np.ones(2), np.array([b"a"])], r"X\[1\] holds bytes"),
        # non-numbers inside rectangular numeric lists and object arrays
        ([[1.0, 2.0], [1.0, b"x"]], r"X\[1\] holds non-numeric data: b'x' \(of type"),
        ([[1.0, None], [2.0, 3.0]], r"X\[0\] holds non-numeric data: None .*step 1"),
        (
            np.array([[1.0, "a"], [2.0, 3.0]], dtype=object),
            r"X\[0\] holds non-numeric data: 'a' \(of type str\) at time step 1",
        ),
        (
            np.array([["a", "b"], [1.0, 2.0]], dtype=object),
            r"X\[0\] is a sequence of str tokens but X\[1\] is a numeric sequence",
        ),
        (
            np.array([["a", 1.0], ["b", "c"]], dtype=object),
            r"X\[0\] holds 1.0 \(of type float\) at time step 1",
        ),
        # None in a numeric sequence is named, not turned into NaN
        ([np.ones(2), [1.0, None]], r"X\[1\] holds non-numeric data: None .*step 1"),
        (
            [np.ones((1, 2)), np.array([[1.0, 2], [None, 1]], dtype=object)],
            r"X\[1\] holds non-numeric data: None \(of type NoneType\) at time step 1",
        ),
        # a Python int beyond any float, and a token shown on one line
        ([np.ones(2), [10**400, 1.0]], r"X\[1\] holds a number too large: int too"),
        ([[10**400, 1.0], [1.0, 2.0]], r"X holds a number too large: int too"),
        ([["a", np.zeros((3, 3))]], r"X\[0\] holds array\(\[\[0\., 0\., 0\.\], \["),
    ],
)
def test_bad_input_names_the_sample(X, match):
    with pytest.raises(ValueError, match=match):
        validate_sequences(Est(), X, reset=True, dtype=np.float64)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.ones(5), "Expected 2D array, got 1D array instead"),
        ([1.0, 2.0], "Expected 2D array, got 1D array instead"),
        (np.ones((0, 3)), r"Found array with 0 sample\(s\)"),
        ([], r"Found array with 0 sample\(s\) \(shape=\(0,\)\)"),
        (np.ones((0, 3, 2)), r"Found array with 0 sample\(s\)"),
        (np.ones((3, 0)), r"0 feature\(s\) \(shape=\(3, 0\)\) while a minimum"),
        (np.ones((3, 0, 2)), r"0 time step\(s\)"),
        (np.ones((2, 2, 2, 2)), "X has 4 dimensions"),
        (np.array([[1 + 2j, 1.0]]), "Complex data not supported"),
        (np.ones((2, 3, 2)) * 1j, "Complex data not supported"),
        ("abc", "X is a single str"),
    ],
)
def test_bad_input_uses_sklearn_style_messages(X, match):
    with pytest.raises(ValueError, match=match):
        validate_sequences(Est(), X, reset=True, dtype=np.float64)


@pytest.mark.parametrize("frame", [False, True])
def test_2d_trailing_nan_points_to_the_forms_of_ragged_series(frame):
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, np.nan], [6.0, np.nan, np.nan]])
    if frame:
        X = pd.DataFrame(X, columns=["a", "b", "c"])
    msg = (
        r"X\[1\] is NaN from time step 2 to its end\. A 2-D X holds univariate "
        r"series of one length .* pass a 3-D array, X\[\.\.\., None\], whose "
        r"trailing all-NaN steps are padding, or a list of 1-D arrays\."
    )
    with pytest.raises(ValueError, match=msg):
        validate_sequences(Est(), X, reset=True, dtype=np.float64)
    # the advice works: the same data as X[..., None] is three series
    r = validate_sequences(Est(), np.asarray(X)[..., None], reset=True, dtype=float)
    assert_array_equal(r.lengths, [3, 2, 1])
    # after fit too, and NaN inside a row is still named by sample and step
    est = _fitted(np.ones((2, 3)))
    with pytest.raises(ValueError, match=msg):
        validate_sequences(est, np.asarray(X), reset=False, dtype=np.float64)
    X_inside = np.array([[1.0, 2.0, 3.0], [np.nan, 5.0, np.nan]])
    with pytest.raises(ValueError, match=r"X\[1\] contains NaN at time step 0\."):
        validate_sequences(est, X_inside, reset=False, dtype=np.float64)


def _huge_in_every_form():
    """X[1] holds 1e300 at time step 2, in each numeric form."""
    X2 = np.ones((3, 4))
    X2[1, 2] = 1e300
    X3 = np.ones((3, 4, 2))
    X3[1, 2, 1] = 1e300
    X3[2, 3:] = np.nan  # padding is still padding
    return {
        "2d": X2,
        "2d-list": X2.tolist(),
        "2d-object": X2.astype(object),
        "dataframe": pd.DataFrame(X2),
        "3d": X3,
        "3d-list": np.nan_to_num(X3, nan=1.0).tolist(),
        "ragged-1d": list(X2),
        "ragged-2d": [X3[0], X3[1, :3], X3[2, :3]],
        "ragged-lists": [[1.0], [1.0, 2.0, 1e300], [3.0]],
    }


@pytest.mark.parametrize("form", list(_huge_in_every_form()))
def test_float32_overflow_is_named_not_called_inf(form):
    X = _huge_in_every_form()[form]
    msg = (
        r"X\[1\] holds 1e\+300 at time step 2, which overflows float32 "
        r"\(largest finite value 3\.403e\+38\).*dtype='float64'"
    )
    with pytest.raises(ValueError, match=msg):
        validate_sequences(Est(), X, reset=True, dtype=np.float32)
    # the same input computed in float64 is fine
    validate_sequences(Est(), X, reset=True, dtype=np.float64)
    # a true inf is still called inf
    X_inf = np.ones((2, 3), dtype=np.float32)
    X_inf[1, 2] = np.inf
    with pytest.raises(ValueError, match=r"X\[1\] contains inf at time step 2"):
        validate_sequences(Est(), X_inf, reset=True, dtype=np.float32)
    with pytest.raises(ValueError, match=r"X\[1\] contains inf at time step 2"):
        validate_sequences(Est(), list(X_inf), reset=True, dtype=np.float32)


def test_float32_overflow_after_fit():
    est = _fitted(np.ones((2, 3, 1)))
    X = [np.ones(2), np.array([1.0, -1e39])]
    with pytest.raises(ValueError, match=r"X\[1\] holds -1e\+39 at time step 1, wh"):
        validate_sequences(est, X, reset=False, dtype=np.float32)


def test_sparse_input_is_rejected():
    with pytest.raises(TypeError, match="Sparse data was passed"):
        validate_sequences(Est(), sp.csr_matrix(np.eye(3)), reset=True, dtype=float)


def test_object_array_with_a_dict_raises_type_error():
    X = np.ones((3, 2), dtype=object)
    X[0, 0] = {"foo": "bar"}
    with pytest.raises(TypeError, match="argument must be .* string.* number"):
        validate_sequences(Est(), X, reset=True, dtype=np.float64)


def test_failed_fit_does_not_record_state():
    est = Est()
    with pytest.raises(ValueError):
        validate_sequences(est, [np.ones(2), np.ones(0)], reset=True, dtype=float)
    assert not hasattr(est, "_input")


# --------------------------------------------------------------------------
# predict-time checks (reset=False)
# --------------------------------------------------------------------------


def _fitted(X, **params):
    est = Est(**params)
    validate_sequences(est, X, reset=True, dtype=np.float64)
    return est


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        validate_sequences(Est(), np.ones((2, 2)), reset=False, dtype=float)


def test_predict_2d_width_uses_sklearn_message():
    est = _fitted(np.ones((3, 4)))
    msg = "X has 3 features, but Est is expecting 4 features as input."
    with pytest.raises(ValueError, match=re.escape(msg)):
        validate_sequences(est, np.ones((2, 3)), reset=False, dtype=float)
    before = dict(vars(est))
    r = validate_sequences(est, np.ones((2, 4)), reset=False, dtype=float)
    assert_array_equal(r.lengths, [4, 4])
    assert vars(est).keys() == before.keys()
    # Sequences of one feature per step are accepted in any length.
    r = validate_sequences(est, [np.ones(7)], reset=False, dtype=float)
    assert_array_equal(r.lengths, [7])


def test_predict_2d_feature_names_checked():
    est = _fitted(pd.DataFrame(np.ones((3, 2)), columns=["a", "b"]))
    with pytest.raises(ValueError, match="feature names should match"):
        validate_sequences(
            est,
            pd.DataFrame(np.ones((3, 2)), columns=["b", "a"]),
            reset=False,
            dtype=float,
        )


def test_predict_2d_after_sequence_fit():
    est = _fitted([np.ones(3), np.ones(5)])
    r = validate_sequences(est, np.ones((2, 9)), reset=False, dtype=float)
    assert_array_equal(r.lengths, [9, 9])
    est = _fitted(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="2-D array, which holds univariate"):
        validate_sequences(est, np.ones((2, 9)), reset=False, dtype=float)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        validate_sequences(est, np.ones(4), reset=False, dtype=float)


def test_predict_step_features_must_match():
    est = _fitted(np.ones((2, 3, 4)))
    msg = "X has 2 features per time step, but Est is expecting 4"
    with pytest.raises(ValueError, match=msg):
        validate_sequences(est, [np.ones((3, 2))], reset=False, dtype=float)
    with pytest.raises(ValueError, match=msg):
        validate_sequences(est, np.ones((1, 3, 2)), reset=False, dtype=float)
    r = validate_sequences(est, [np.ones((6, 4))], reset=False, dtype=float)
    assert_array_equal(r.lengths, [6])


@pytest.mark.parametrize(
    "fit_X, X, match",
    [
        (np.ones((2, 3)), ["ab"], "fitted on numeric sequences but X holds strings"),
        (
            [np.ones((2, 2))],
            [["a", "b"]],
            "fitted on numeric sequences but X holds token sequences",
        ),
        (["ab"], np.ones((2, 3)), "fitted on strings .* but X holds numeric"),
        ([["a"]], np.ones((2, 3)), "fitted on token sequences .* but X holds numeric"),
        (
            ["ab", "ba"],
            [["ab"], ["ba"]],
            r"fitted on strings \(sequences of characters\) but X holds token "
            r"sequences \(lists of str\)\. The input form is part of the model",
        ),
        (
            [["ab"], ["ba"]],
            ["ab", "ba"],
            r"fitted on token sequences \(lists of str\) but X holds strings",
        ),
        ([["ab"]], np.array(["ab", "b"]), "fitted on token sequences .* holds strings"),
        (["ab"], np.array([["a", "b"]], dtype=object), "fitted on strings .* token"),
    ],
)
def test_predict_kind_must_match(fit_X, X, match):
    est = _fitted(fit_X)
    with pytest.raises(ValueError, match=match):
        validate_sequences(est, X, reset=False, dtype=float)


@pytest.mark.parametrize(
    "X", [np.ones((2, 3)), [[1.0, 2.0], [3.0]], np.ones((2, 3, 1)), [np.ones(3)]]
)
def test_text_only_input_refuses_numbers(X):
    est = Est()
    with pytest.raises(ValueError, match="Est works on text: X must be a list of"):
        est._validate_input(X, reset=True, dtype=float, numeric=False)
    assert not hasattr(est, "_input")
    r, checked = est._validate_input(["ab"], reset=True, dtype=float, numeric=False)
    assert checked.kind == "chars"


# --------------------------------------------------------------------------
# scikit-learn's estimator checks, on a tiny estimator built on the 2-D path
# --------------------------------------------------------------------------


class NearestMeanSequenceClassifier(SequenceInputMixin, ClassifierMixin, BaseEstimator):
    """Classifies sequences by the mean and the last value of each feature."""

    def __init__(self, min_frequency=1):
        self.min_frequency = min_frequency

    @staticmethod
    def _summary(r):
        X, lengths = r.pad(dtype=np.float64)
        last = X[lengths - 1, np.arange(len(lengths))]
        return np.hstack([X.sum(axis=0) / lengths[:, None], last])

    def fit(self, X, y):
        r = validate_sequences(self, X, reset=True, dtype=np.float64)
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        if len(y) != len(r):
            raise ValueError("X and y have inconsistent numbers of samples.")
        self.classes_, y = np.unique(y, return_inverse=True)
        S = self._summary(r)
        self.means_ = np.array([S[y == k].mean(0) for k in range(len(self.classes_))])
        return self

    def predict(self, X):
        check_is_fitted(self)
        S = self._summary(validate_sequences(self, X, reset=False, dtype=np.float64))
        dist = ((S[:, None, :] - self.means_[None]) ** 2).sum(axis=-1)
        return self.classes_[dist.argmin(axis=1)]


@parametrize_with_checks([NearestMeanSequenceClassifier()])
def test_sklearn_compatible_on_2d_input(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------
# Tagger targets
# --------------------------------------------------------------------------


def test_validate_tag_targets_lists_and_rows():
    X = Ragged(np.zeros((6, 1)), [0, 2, 5, 6])
    y = [["N", "V"], ("D", "N", "V"), np.array(["N"])]
    out = validate_tag_targets(y, X, name="Tagger")
    assert [a.tolist() for a in out] == [["N", "V"], ["D", "N", "V"], ["N"]]
    rows = np.array([[1, 2, -1], [3, 4, 5], [6, -1, -1]])
    out = validate_tag_targets(rows, X, name="Tagger")
    assert [a.tolist() for a in out] == [[1, 2], [3, 4, 5], [6]]
    out = validate_tag_targets(np.array(y, dtype=object), X, name="Tagger")
    assert out[1].tolist() == ["D", "N", "V"]


@pytest.mark.parametrize(
    "y, match",
    [
        ([[1, 2], [1, 2, 3], [1, 2]], r"y\[2\] has 2 labels but X\[2\] has 1 time"),
        ([[1, 2], [1, 2, 3]], r"y has 2 label sequences but X has 3"),
        ([[1, 2], "abc", [1]], r"y\[1\] is a str, not a sequence of labels"),
        ([[1, 2], 3, [1]], r"y\[1\] is a int, not a sequence"),
        ([[1, 2], [[1], [2], [3]], [1]], r"y\[1\] has shape \(3, 1\)"),
        (np.ones((3, 2)), r"y\[1\] has 2 labels but X\[1\] has 3 time steps"),
        (np.ones(3), "list of label sequences"),
        ("abc", "list of label sequences"),
    ],
)
def test_validate_tag_targets_errors(y, match):
    X = Ragged(np.zeros((6, 1)), [0, 2, 5, 6])
    with pytest.raises(ValueError, match=match):
        validate_tag_targets(y, X, name="Tagger")


@pytest.mark.parametrize(
    "y, error, match",
    [
        (
            [[1.0, 2.0], [1.0, np.nan, 3.0], [2.0]],
            ValueError,
            r"^y\[1\] at time step 1 is NaN; NaN labels are not allowed\.$",
        ),
        (
            [["a", "b"], np.array(["a", np.nan, "b"], dtype=object), ["a"]],
            ValueError,
            r"^y\[1\] at time step 1 is NaN",
        ),
        (
            [["a", "b"], np.array(["a", 1, "b"], dtype=object), ["a"]],
            TypeError,
            r"y mixes labels of different types: y\[0\] at time step 0 is 'a' "
            r"\(str\) but y\[1\] at time step 1 is 1 \(number\)",
        ),
        (
            [[1, 2], np.array(["a", "b", "c"], dtype=object), [1]],
            TypeError,
            r"y\[0\] at time step 0 is 1 \(number\) but y\[1\] at time step 0",
        ),
        (
            np.array([[1.0, 2.0, 9], [np.nan, 1, 2], [1, np.nan, np.nan]]),
            ValueError,
            r"y\[1\] at time step 0 is NaN",
        ),
        (
            [[1, 2], [[1, 2], 3, 4], [1]],
            ValueError,
            r"^y\[1\] holds nested sequences; each label sequence must be 1-D\.$",
        ),
    ],
)
def test_validate_tag_targets_nan_and_mixed_labels(y, error, match):
    X = Ragged(np.zeros((6, 1)), [0, 2, 5, 6])
    with pytest.raises(error, match=match):
        validate_tag_targets(y, X, name="Tagger")


def test_validate_tag_targets_mixed_lists_are_read_as_str():
    """As numpy.asarray reads a list (and MLPClassifier its labels)."""
    X = Ragged(np.zeros((6, 1)), [0, 2, 5, 6])
    out = validate_tag_targets([["a", 1], [1, 2, "b"], [3]], X, name="Tagger")
    assert [a.tolist() for a in out] == [["a", "1"], ["1", "2", "b"], [3]]
    # NaN at the padded positions of a 2-D y is padding, not a label
    rows = np.array([[1.0, 2.0, np.nan], [3.0, 4.0, 5.0], [6.0, np.nan, np.nan]])
    out = validate_tag_targets(rows, X, name="Tagger")
    assert [a.tolist() for a in out] == [[1, 2], [3, 4, 5], [6]]


def test_encode_tags():
    classes = np.array(["D", "N", "V"])
    r = encode_tags([np.array(["N", "V"]), np.array(["D", "D", "V"])], classes)
    assert r.data.dtype == np.intp
    assert_array_equal(r.data, [1, 2, 0, 0, 2])
    assert_array_equal(r.offsets, [0, 2, 5])
    with pytest.raises(ValueError, match=r"y\[1\] has label 'X' at time step 2"):
        encode_tags([np.array(["N"]), np.array(["D", "N", "X"])], classes)
    with pytest.raises(ValueError, match=r"y\[0\] has label 7 at time step 0"):
        encode_tags([np.array([7])], classes)


# --------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------


def _check_batches(batches, lengths, batch_size):
    everything = np.concatenate(batches)
    assert_array_equal(np.sort(everything), np.arange(len(lengths)))
    for b in batches:
        assert 1 <= len(b) <= batch_size
        assert np.all(np.diff(lengths[b]) <= 0), "not sorted by decreasing length"


@pytest.mark.parametrize("rng", [np.random.default_rng(0), np.random.RandomState(0)])
def test_make_batches_cover_each_sample_once(rng):
    lengths = np.random.default_rng(5).integers(1, 100, size=1003)
    batches = make_batches(lengths, 16, rng)
    _check_batches(batches, lengths, 16)
    assert len(batches) >= 1003 // 16 + 1


def test_make_batches_group_lengths():
    rng = np.random.default_rng(6)
    lengths = rng.integers(1, 200, size=4000)
    batches = make_batches(lengths, 32, rng)
    padded = sum(len(b) * lengths[b].max() for b in batches)
    random_batches = np.array_split(rng.permutation(4000), 125)
    padded_random = sum(len(b) * lengths[b].max() for b in random_batches)
    assert padded < 0.75 * padded_random


def test_make_batches_is_reproducible_and_random():
    lengths = np.random.default_rng(7).integers(1, 50, size=300)
    a = make_batches(lengths, 8, np.random.default_rng(1))
    b = make_batches(lengths, 8, np.random.default_rng(1))
    c = make_batches(lengths, 8, np.random.default_rng(2))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=False))


def test_make_batches_equal_lengths_are_plain_random_batches():
    lengths = np.full(100, 5)
    batches = make_batches(lengths, 10, np.random.default_rng(0))
    perm = np.random.default_rng(0).permutation(100)
    chunks = {tuple(c) for c in np.split(perm, 10)}
    assert {tuple(b) for b in batches} == chunks


def test_make_batches_without_shuffle():
    lengths = np.array([2, 5, 3, 5, 1, 3])
    batches = make_batches(lengths, 4, None, shuffle=False)
    assert [b.tolist() for b in batches] == [[1, 3, 2, 5], [0, 4]]
    _check_batches(batches, lengths, 4)


def test_make_batches_caps_batch_size_and_checks_it():
    batches = make_batches([3, 1, 2], 100, np.random.default_rng(0))
    assert len(batches) == 1
    assert_array_equal(batches[0], [0, 2, 1])
    assert make_batches([], 4, np.random.default_rng(0)) == []
    with pytest.raises(ValueError, match="batch_size"):
        make_batches([1, 2], 0, np.random.default_rng(0))


def test_prediction_batches_sorted_by_length():
    lengths = np.random.default_rng(8).integers(1, 30, size=57)
    batches = prediction_batches(lengths, batch_size=10)
    _check_batches(batches, lengths, 10)
    assert len(batches) == 6
    stacked = np.concatenate([lengths[b] for b in batches])
    assert np.all(np.diff(stacked) <= 0)
