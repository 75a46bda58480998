"""The input form is part of the model, and mistakes in X and y get messages that
name them (issue 11, items 3 and 4), seen through the estimators."""

import pickle
import re
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.neural_network import MLPClassifier

from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger

pd = pytest.importorskip("pandas")

TINY = dict(hidden_size=3, max_iter=2, random_state=0)

CHARS = ["abca", "cab", "bba", "c"]
TOKENS = [["the", "cat"], ["a", "dog", "ran"], ["the", "dog"], ["a", "cat"]]
NUMERIC = [np.array([0.1, 0.5]), np.array([0.4, 0.3, 0.8]), np.ones(2), np.zeros(3)]
FORMS = {"chars": CHARS, "tokens": TOKENS, "numeric": NUMERIC}
NOUNS = {
    "chars": r"strings \(sequences of characters\)",
    "tokens": r"token sequences \(lists of str\)",
    "numeric": "numeric sequences",
}


pytestmark = pytest.mark.usefixtures("quiet_convergence")


def _targets(Est, X):
    if Est is RNNSequenceTagger:
        return [np.arange(len(x)) % 2 for x in X]
    return [0, 1, 0, 1]


def _state(est):
    """Every fitted attribute and weight, for bit-for-bit comparisons."""
    return pickle.dumps({k: v for k, v in vars(est).items() if k.endswith("_")})


# ---------------------------------------------------------------------------
# item 3: the input form is part of the model
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor, RNNSequenceTagger])
@pytest.mark.parametrize(
    "fitted, other",
    [("chars", "tokens"), ("tokens", "chars"), ("numeric", "chars")],
)
def test_a_model_refuses_another_input_form(Est, fitted, other):
    X = FORMS[fitted]
    est = Est(**TINY).fit(X, _targets(Est, X))
    X_other = FORMS[other]
    msg = (
        f"{Est.__name__} was fitted on {NOUNS[fitted]} but X holds "
        f"{NOUNS[other]}. The input form is part of the model"
    )
    methods = ["predict", "hidden_states"]
    methods += ["transform"] if hasattr(est, "transform") else []
    methods += ["predict_proba"] if hasattr(est, "predict_proba") else []
    for method in methods:
        with pytest.raises(ValueError, match=msg):
            getattr(est, method)(X_other)
    before = _state(est)
    with pytest.raises(ValueError, match=msg):
        est.score(X_other, _targets(Est, X_other))
    with pytest.raises(ValueError, match=msg):
        est.partial_fit(X_other, _targets(Est, X_other))
    with pytest.raises(ValueError, match=msg):
        est.set_params(warm_start=True).fit(X_other, _targets(Est, X_other))
    assert _state(est) == before
    # a fresh fit may change the form
    est.set_params(warm_start=False).fit(X_other, _targets(Est, X_other))
    assert est.predict(X_other) is not None
    with pytest.raises(ValueError, match=f"fitted on {NOUNS[other]}"):
        est.predict(X)


def test_arrays_of_numeric_strings_train_one_word_model():
    """np.array of str and the same data as an object array (DataFrame.values):
    one reading, token sequences, so the same model bit for bit."""
    rows = [["1.5", "2.0", "2.0"], ["3", "1.5", "2.0"], ["2.0", "3", "3"]] * 2
    y = [0, 1, 1, 0, 1, 0]
    models = [
        RNNClassifier(**TINY).fit(X, y)
        for X in (
            np.array(rows),
            np.array(rows, dtype=object),
            pd.DataFrame(rows),
            pd.DataFrame(rows).values,
        )
    ]
    for clf in models:
        assert clf._input.kind == "tokens"
        assert clf.vocabulary_ == {"2.0": 1, "3": 2, "1.5": 3}
        assert not hasattr(clf, "n_features_in_")
        for k in models[0].coefs_:
            assert_array_equal(clf.coefs_[k], models[0].coefs_[k], err_msg=k)


# ---------------------------------------------------------------------------
# item 4: clearer errors
# ---------------------------------------------------------------------------


def _huge(form):
    X = np.ones((4, 3))
    X[2, 1] = 1e300
    return {
        "2d": X,
        "dataframe": pd.DataFrame(X),
        "3d": X[..., None],
        "ragged": list(X),
    }[form]


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor, RNNSequenceTagger])
@pytest.mark.parametrize("form", ["2d", "dataframe", "3d", "ragged"])
def test_float32_overflow_names_dtype_sample_and_step(Est, form):
    X = _huge(form)
    y = [np.zeros(3, dtype=int) + k % 2 for k in range(4)]
    y = y if Est is RNNSequenceTagger else [0, 1, 0, 1]
    if Est is RNNSequenceTagger:
        y[0] = np.array([0, 1, 0])
    msg = r"X\[2\] holds 1e\+300 at time step 1, which overflows float32"
    with pytest.raises(ValueError, match=msg):
        Est(dtype="float32", **TINY).fit(X, y)
    est = Est(dtype="float32", **TINY).fit(np.ones((4, 3)), y)
    with pytest.raises(ValueError, match=msg):
        est.predict(X)


@pytest.mark.parametrize(
    "y, params, match",
    [
        ([1e30, 0, 1, 2], dict(dtype="float32"), r"y\[0\] is 1e\+30: the squared"),
        ([0, 1, 1e300, 2], dict(dtype="float32"), r"y\[2\] is 1e\+300: .*float32"),
        ([0, 1, 1e200, 2], {}, r"y\[2\] is 1e\+200: .* overflows float64"),
        (np.array([[0, 1], [2, 3], [4, -1e160], [0, 0]]), {}, r"y\[2, 1\] is -1e\+160"),
    ],
)
def test_regressor_names_a_target_too_large(y, params, match):
    X = np.random.default_rng(0).standard_normal((4, 3))
    reg = RNNRegressor(**TINY, **params)
    with pytest.raises(ValueError, match=match) as info:
        reg.fit(X, y)
    assert "TransformedTargetRegressor" in str(info.value)
    assert "inputs" not in str(info.value)
    reg = RNNRegressor(**TINY, **params).fit(X, np.zeros_like(np.asarray(y, float)))
    with pytest.raises(ValueError, match=match):
        reg.partial_fit(X, y)


@pytest.mark.parametrize(
    "Est, y, match",
    [
        (RNNRegressor, np.array([0, "a", 1, 2], dtype=object), r"y\[1\] is 'a' \(of"),
        (RNNRegressor, ["0", "1", "2", "3"], r"y\[0\] is '0' \(of type str\); RNNRe"),
        (RNNRegressor, np.ones((4, 2, 2)), r"y must be 1-D or 2-D; got shape \(4, 2"),
        (RNNClassifier, np.ones((4, 2, 2)), r"y must be 1-D or 2-D; got shape \(4, 2"),
    ],
)
def test_targets_of_the_wrong_kind_are_named(Est, y, match):
    with pytest.raises(ValueError, match=match):
        Est(**TINY).fit(np.ones((4, 3)), y)


def test_regressor_accepts_targets_below_the_limit():
    X = np.random.default_rng(0).standard_normal((4, 3))
    reg = RNNRegressor(dtype="float32", **TINY).fit(X, [1e18, 0, 1, 2])
    assert np.isfinite(reg.predict(X)).all()


@pytest.mark.parametrize("frame", [False, True])
def test_2d_trailing_nan_points_to_3d_form(frame):
    X = np.array([[1.0, 2, 3], [4, 5, np.nan], [1, 2, 3], [1, np.nan, np.nan]])
    y = [0, 1, 0, 1]
    X_in = pd.DataFrame(X) if frame else X
    with pytest.raises(ValueError, match=r"X\[1\] is NaN from time step 2 to its e"):
        RNNClassifier(**TINY).fit(X_in, y)
    clf = RNNClassifier(**TINY).fit(X[..., None], y)
    assert_array_equal([len(h) for h in clf.hidden_states(X[..., None])], [3, 2, 3, 1])
    with pytest.raises(ValueError, match=r"X\[3\] contains NaN at time step 1\."):
        RNNClassifier(**TINY).fit(np.array([[1.0, 2, 3]] * 3 + [[1, np.nan, 3]]), y)


def test_classifier_mixed_labels_as_mlp():
    X = np.random.default_rng(0).standard_normal((6, 3))
    y = ["a", 1, "a", 2, 1, "a"]
    clf = RNNClassifier(**TINY).fit(X, y)
    mlp = MLPClassifier(max_iter=1).fit(X, y)
    assert_array_equal(clf.classes_, mlp.classes_)
    assert clf.classes_.tolist() == ["1", "2", "a"]
    assert set(clf.predict(X)) <= {"1", "2", "a"}
    msg = r"y mixes labels of different types: y\[0\] is 'a' \(str\) but y\[1\] is 1"
    with pytest.raises(TypeError, match=msg):
        RNNClassifier(**TINY).fit(X, np.array(y, dtype=object))
    y_none = np.array(["a", "b", None, "a", "b", "a"], dtype=object)
    with pytest.raises(TypeError, match=r"y\[2\] is None \(NoneType\)"):
        RNNClassifier(**TINY).fit(X, y_none)
    y_nan = np.array(["a", "b", np.nan, "a", "b", "a"], dtype=object)
    with pytest.raises(ValueError, match=r"y\[2\] is NaN; NaN labels are not allowed"):
        RNNClassifier(**TINY).fit(X, y_nan)


def test_tagger_mixed_and_nan_labels():
    X = [["a", "b"], ["b", "c", "a"], ["c"]]
    # lists are read as numpy.asarray reads them: mixed labels become str
    tagger = RNNSequenceTagger(**TINY).fit(X, [["N", 1], [1, "N", "V"], ["V"]])
    assert tagger.classes_.tolist() == ["1", "N", "V"]
    y = [["N", "V"], np.array(["N", 1, "V"], dtype=object), ["V"]]
    with pytest.raises(TypeError, match=r"y\[0\] at time step 0 is 'N' \(str\) but"):
        RNNSequenceTagger(**TINY).fit(X, y)
    msg = r"^y\[1\] at time step 2 is NaN; NaN labels are not allowed\.$"
    with pytest.raises(ValueError, match=msg):
        RNNSequenceTagger(**TINY).fit(X, [[0.0, 1.0], [1.0, 0.0, np.nan], [1.0]])
    tagger = RNNSequenceTagger(**TINY).fit(X, [[0.0, 1.0], [1.0, 0.0, 1.0], [1.0]])
    with pytest.raises(ValueError, match=msg):
        tagger.score(X, [[0.0, 1.0], [1.0, 0.0, np.nan], [1.0]])


@pytest.mark.parametrize(
    "X, match",
    [
        ([[b"a", b"b"], [b"c"]], r"X\[0\] holds bytes \(b'a' at time step 0\).*Dec"),
        ([["a", "b"], ["c", b"d"]], r"X\[1\] holds b'd' \(of type bytes\) at time"),
        (np.array([[b"a", b"b"], [b"c", b"d"]]), r"X\[0\] holds bytes"),
        ([b"ab", b"cd"], r"X\[0\] is bytes \(b'ab'\), not str; decode"),
        (
            pd.DataFrame({"w": ["a", "b"], "n": [1.0, 2.0]}).values,
            r"X\[0\] holds 1\.0 \(of type float\) at time step 1; token sequences",
        ),
    ],
)
def test_bytes_and_object_arrays_name_the_sample(X, match):
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**TINY).fit(X, [0, 1])


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor, RNNSequenceTagger])
def test_unknown_keyword_names_the_estimator(Est):
    qualname = f"{Est.__name__}.__init__()"
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'") as info:
        Est(foo=1)
    if sys.version_info >= (3, 11):  # the message names co_qualname from 3.11
        assert str(info.value).startswith(qualname)
    assert Est.__init__.__qualname__ == f"{Est.__name__}.__init__"
    # parameters, clone and the signature are untouched
    est = Est(hidden_size=5)
    assert est.get_params()["hidden_size"] == 5
    assert clone(est).get_params() == est.get_params()
    assert re.match(rf"{Est.__name__}\(hidden_size=5\)", repr(est))
