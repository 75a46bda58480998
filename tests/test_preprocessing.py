"""Tests for skrnn.preprocessing: Tokenizer, WordShapes, SequenceScaler, windows."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from skrnn._input import SequenceInputMixin
from skrnn.preprocessing import SequenceScaler, Tokenizer, WordShapes, sliding_windows

pd = pytest.importorskip("pandas")

DOCS = [
    "The cat sat on the mat.",
    "I don't like Café au lait!",
    "A  dog,   a CAT; and  2 birds?",
    "x",
]


class FirstTokenClassifier(SequenceInputMixin, ClassifierMixin, BaseEstimator):
    """Predicts the most common label of the first token: a tiny token model."""

    def __init__(self, min_frequency=1):
        self.min_frequency = min_frequency

    def fit(self, X, y):
        r, _ = self._validate_input(X, reset=True, dtype=np.float64)
        self.classes_, y = np.unique(y, return_inverse=True)
        first = r.data[r.offsets[:-1]]
        votes = np.zeros((len(self.vocabulary_) + 1, len(self.classes_)))
        np.add.at(votes, (first, y), 1)
        self.table_ = votes.argmax(axis=1)
        return self

    def predict(self, X):
        check_is_fitted(self)
        r, _ = self._validate_input(X, reset=False, dtype=np.float64)
        return self.classes_[self.table_[r.data[r.offsets[:-1]]]]


class MeanThresholdClassifier(SequenceInputMixin, ClassifierMixin, BaseEstimator):
    """Predicts 1 when a sequence's mean exceeds the overall mean."""

    def fit(self, X, y):
        r, _ = self._validate_input(X, reset=True, dtype=np.float64)
        self.classes_ = np.unique(y)
        self.threshold_ = r.data.mean()
        return self

    def predict(self, X):
        r, _ = self._validate_input(X, reset=False, dtype=np.float64)
        X, lengths = r.pad()
        means = X.sum(axis=(0, 2)) / lengths
        return self.classes_[(means > self.threshold_).astype(int)]


# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"token_pattern": r"(?u)\b\w\w+\b"},
        {"lowercase": False},
        {"strip_accents": "unicode"},
        {"strip_accents": "ascii", "lowercase": False},
        {"analyzer": "char"},
        {"analyzer": "char", "lowercase": False, "strip_accents": "unicode"},
    ],
)
def test_tokenizer_matches_countvectorizer_analyzer(params):
    defaults = {"token_pattern": r"(?u)\b\w+\b|[^\w\s]"}
    analyze = CountVectorizer(**{**defaults, **params}).build_analyzer()
    expected = [analyze(doc) for doc in DOCS]
    assert Tokenizer(**params).fit_transform(DOCS) == expected
    assert Tokenizer(**params).transform(np.array(DOCS, dtype=object)) == expected


def test_tokenizer_default_keeps_short_words_and_punctuation():
    out = Tokenizer().transform(["I saw a cat, then 2 dogs!"])
    assert out == [["i", "saw", "a", "cat", ",", "then", "2", "dogs", "!"]]
    out = Tokenizer(token_pattern=r"(?u)\b\w\w+\b").transform(["I saw a cat!"])
    assert out == [["saw", "cat"]]
    assert Tokenizer(analyzer="char").transform(["Ab c"]) == [["a", "b", " ", "c"]]


def test_tokenizer_is_stateless_and_checks_input():
    tok = Tokenizer()
    assert tok.fit(DOCS) is tok
    assert vars(tok) == vars(Tokenizer())  # fit learned nothing
    assert Tokenizer().transform(pd.Series(DOCS)) == Tokenizer().transform(DOCS)
    with pytest.raises(ValueError, match="string object received"):
        tok.transform("one document")
    with pytest.raises(ValueError, match=r"X\[2\] is a float, not a str"):
        tok.transform(["a", "b", np.nan])
    with pytest.raises(InvalidParameterError, match="analyzer"):
        Tokenizer(analyzer="ngram").transform(DOCS)
    tags = get_tags(tok)
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array
    assert not tags.requires_fit


def test_tokenizer_clone_pickle_pipeline_and_grid_search():
    tok = Tokenizer(lowercase=False, analyzer="char")
    assert clone(tok).get_params() == tok.get_params()
    tok2 = pickle.loads(pickle.dumps(tok))
    assert tok2.transform(DOCS) == tok.transform(DOCS)

    X = ["Good movie", "good film", "Bad movie", "bad film"] * 5
    y = np.array([1, 1, 0, 0] * 5)
    pipe = make_pipeline(Tokenizer(), FirstTokenClassifier())
    assert_array_equal(pipe.fit(X, y).predict(["GOOD stuff", "bad"]), [1, 0])
    # Train on capitalised documents, test on lower-case ones: only a
    # lower-casing tokenizer can recognise the test words.
    capitalised = np.arange(0, 20, 4), np.arange(2, 20, 4)
    train = np.concatenate(capitalised)
    test = np.setdiff1d(np.arange(20), train)
    search = GridSearchCV(
        pipe, {"tokenizer__lowercase": [False, True]}, cv=[(train, test)]
    )
    search.fit(X, y)
    assert search.best_params_ == {"tokenizer__lowercase": True}
    assert_allclose(search.cv_results_["mean_test_score"], [0.5, 1.0])


# --------------------------------------------------------------------------
# WordShapes
# --------------------------------------------------------------------------

SENTENCES = [
    ["The", "cat", "jumped", "over", "the", "well-worn", "Fence", "."],
    ["the", "CAT", "sat", "in", "1984", "."],
    ["A", "dog", "barked", "loudly", "at", "the", "cat", "."],
]


def test_word_shapes_by_hand():
    shapes = WordShapes().fit(SENTENCES)
    # counted lowercased: the 4, cat 3, . 3; every other word once
    assert shapes.counts_ == {
        "the": 4,
        "cat": 3,
        ".": 3,
        **dict.fromkeys(
            "jumped over well-worn fence sat in 1984 a dog barked loudly at".split(),
            1,
        ),
    }
    assert shapes.transform(SENTENCES) == [
        ["the", "cat", "<unk-ed>", "<unk-er>", "the", "<unk-hyph-rn>",
         "<unk-cap-ce>", "."],
        ["the", "cat", "<unk>", "<unk>", "<num>", "."],
        ["<unk-cap>", "<unk>", "<unk-ed>", "<unk-ly>", "<unk>", "the", "cat", "."],
    ]  # fmt: skip
    # unseen words: a digit anywhere wins, then capital, hyphen, suffix
    unseen = [["Dublin", "A4", "3.5", "Jean-Luc", "ox", "Ox", "-", "THE", ""]]
    assert shapes.transform(unseen) == [
        ["<unk-cap-in>", "<num>", "<num>", "<unk-cap-hyph-uc>", "<unk>",
         "<unk-cap>", "<unk-hyph>", "the", "<unk>"],
    ]  # fmt: skip


def test_word_shapes_parameters():
    # min_count=1 keeps every training word; only unseen ones get a shape
    kept = WordShapes(min_count=1).fit(SENTENCES).transform(SENTENCES)
    assert kept == [[w.lower() for w in s] for s in SENTENCES]
    assert WordShapes(min_count=4).fit_transform(SENTENCES)[1][:2] == [
        "the",
        "<unk-cap>",  # "cat" is seen 3 times only
    ]
    words = [["Fence", "jumped", "well-worn", "sat"]]
    fitted = {k: WordShapes(suffix_length=k).fit(SENTENCES) for k in (0, 1, 3, 9)}
    assert fitted[0].transform(words) == [["<unk-cap>", "<unk>", "<unk-hyph>", "<unk>"]]
    assert fitted[1].transform(words) == [
        ["<unk-cap-e>", "<unk-d>", "<unk-hyph-n>", "<unk>"]
    ]
    assert fitted[3].transform(words) == [
        ["<unk-cap-nce>", "<unk-ped>", "<unk-hyph-orn>", "<unk>"]
    ]
    assert fitted[9].transform(words) == [
        ["<unk-cap-fence>", "<unk-jumped>", "<unk-hyph-well-worn>", "<unk>"]
    ]
    for bad in ({"min_count": 0}, {"suffix_length": -1}, {"min_count": 1.5}):
        with pytest.raises(InvalidParameterError):
            WordShapes(**bad).fit(SENTENCES)


def test_word_shapes_checks_input():
    with pytest.raises(NotFittedError):
        WordShapes().transform(SENTENCES)
    shapes = WordShapes().fit(SENTENCES)
    with pytest.raises(ValueError, match="got a str. Tokenizer"):
        shapes.fit("The cat sat.")
    with pytest.raises(ValueError, match=r"X\[1\] is a str, not a list of words"):
        shapes.transform([["a"], "the cat"])
    with pytest.raises(ValueError, match=r"X\[0\]\[1\] is a int, not a str"):
        shapes.transform([["a", 3]])
    with pytest.raises(ValueError, match=r"X\[0\] is a float"):
        shapes.fit([np.nan])
    # any sequences of str: tuples, arrays, an object array of lists
    as_arrays = np.empty(len(SENTENCES), dtype=object)
    as_arrays[:] = [np.array(s) for s in SENTENCES]
    assert shapes.transform(as_arrays) == shapes.transform(SENTENCES)
    assert shapes.transform(tuple(map(tuple, SENTENCES))) == shapes.transform(SENTENCES)
    assert shapes.transform([]) == []
    tags = get_tags(shapes)
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array
    assert tags.requires_fit


def test_word_shapes_clone_pickle_and_pipeline():
    shapes = WordShapes(min_count=3, suffix_length=1)
    assert shapes.get_params() == {"min_count": 3, "suffix_length": 1}
    twin = clone(shapes)
    assert twin is not shapes
    assert twin.get_params() == shapes.get_params()
    assert not hasattr(twin, "counts_")
    assert shapes.set_params(min_count=2) is shapes
    assert shapes.min_count == 2
    shapes.fit(SENTENCES)
    assert not hasattr(clone(shapes), "counts_")
    restored = pickle.loads(pickle.dumps(shapes))
    assert restored.counts_ == shapes.counts_
    assert restored.get_params() == shapes.get_params()
    unseen = [["Dublin", "cats", "The"]]
    assert restored.transform(unseen) == shapes.transform(unseen)
    assert restored.transform(unseen) == [["<unk-cap-n>", "<unk-s>", "the"]]
    # a pipeline step whose parameters a grid search sets
    X = [["Good", "movie"], ["good", "film"], ["Bad", "movie"], ["bad", "film"]] * 5
    y = np.array([1, 1, 0, 0] * 5)
    pipe = make_pipeline(
        WordShapes(min_count=1, suffix_length=0), FirstTokenClassifier()
    )
    assert_array_equal(pipe.fit(X, y).predict([["GOOD", "x"], ["BAD", "y"]]), [1, 0])
    search = GridSearchCV(pipe, {"wordshapes__min_count": [1, 100]}, cv=2)
    search.fit(X, y)
    assert search.best_params_ == {"wordshapes__min_count": 1}
    # min_count=100 turns "good" and "bad" into one shape token, "<unk>"
    assert_allclose(search.cv_results_["mean_test_score"], [1.0, 0.5])


# --------------------------------------------------------------------------
# SequenceScaler
# --------------------------------------------------------------------------


def test_scaler_3d_statistics_and_nan_padding():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[1.0, -3.0, 10.0], scale=[0.5, 2.0, 4.0], size=(6, 8, 3))
    X[1, 5:] = np.nan
    X[4, 2:] = np.nan
    X_before = X.copy()
    scaler = SequenceScaler().fit(X)
    steps = X.reshape(-1, 3)
    steps = steps[~np.isnan(steps).any(axis=1)]
    assert len(steps) == 6 * 8 - 3 - 6
    assert_allclose(scaler.mean_, steps.mean(axis=0))
    assert_allclose(scaler.var_, steps.var(axis=0))
    assert_allclose(scaler.scale_, steps.std(axis=0))
    assert scaler.n_features_in_ == 3
    Xt = scaler.transform(X)
    assert Xt.shape == X.shape
    assert_array_equal(np.isnan(Xt), np.isnan(X))
    assert_allclose(Xt, (X - steps.mean(0)) / steps.std(0))
    real = Xt.reshape(-1, 3)[~np.isnan(Xt.reshape(-1, 3)).any(axis=1)]
    assert_allclose(real.mean(axis=0), 0.0, atol=1e-12)
    assert_allclose(real.std(axis=0), 1.0)
    assert_allclose(scaler.inverse_transform(Xt), X)
    assert_array_equal(X, X_before)


def test_scaler_ragged_list_keeps_shapes():
    rng = np.random.default_rng(1)
    X = [rng.normal(5.0, 3.0, size=(t, 2)) for t in (4, 1, 7)]
    scaler = SequenceScaler().fit(X)
    steps = np.concatenate(X)
    assert_allclose(scaler.mean_, steps.mean(axis=0))
    assert_allclose(scaler.scale_, steps.std(axis=0))
    Xt = scaler.transform(X)
    assert isinstance(Xt, list)
    for a, b in zip(Xt, X, strict=True):
        assert a.shape == b.shape
        assert_allclose(a, (b - steps.mean(0)) / steps.std(0))
    for a, b in zip(scaler.inverse_transform(Xt), X, strict=True):
        assert_allclose(a, b)
    # 1-D sequences stay 1-D
    X1 = [np.array([1.0, 2.0, 3.0]), np.array([5.0])]
    Xt1 = SequenceScaler().fit_transform(X1)
    assert [a.shape for a in Xt1] == [(3,), (1,)]
    allv = np.array([1.0, 2.0, 3.0, 5.0])
    assert_allclose(np.concatenate(Xt1), (allv - allv.mean()) / allv.std())


def test_scaler_2d_uses_one_mean_over_all_time_steps():
    rng = np.random.default_rng(2)
    X = rng.normal(2.0, 3.0, size=(10, 6)) + np.arange(6)  # a trend over time
    scaler = SequenceScaler().fit(X)
    assert scaler.n_features_in_ == 6
    assert_allclose(scaler.mean_, [X.mean()])
    assert_allclose(scaler.scale_, [X.std()])
    Xt = scaler.transform(X)
    assert Xt.shape == X.shape
    assert_allclose(Xt, (X - X.mean()) / X.std())
    assert_allclose(scaler.inverse_transform(Xt), X)
    # the same model applies to univariate sequences of any length
    seq = rng.normal(size=9)
    assert_allclose(scaler.transform([seq])[0], (seq - X.mean()) / X.std())


def test_scaler_with_mean_with_std_and_constant_feature():
    X = np.stack([np.full((3, 4), 7.0), np.arange(12.0).reshape(3, 4)], axis=-1)
    scaler = SequenceScaler().fit(X)
    assert_allclose(scaler.scale_, [1.0, np.arange(12.0).std()])
    assert_allclose(scaler.transform(X)[..., 0], 0.0)
    no_mean = SequenceScaler(with_mean=False).fit(X)
    assert_allclose(no_mean.transform(X), X / scaler.scale_)
    no_std = SequenceScaler(with_std=False).fit(X)
    assert no_std.scale_ is None
    assert_allclose(no_std.transform(X), X - scaler.mean_)
    assert_allclose(no_std.inverse_transform(no_std.transform(X)), X)
    assert_allclose(SequenceScaler(with_mean=False, with_std=False).fit_transform(X), X)


def test_scaler_dtypes():
    X32 = np.random.default_rng(3).normal(size=(4, 5, 2)).astype(np.float32)
    assert SequenceScaler().fit_transform(X32).dtype == np.float32
    assert SequenceScaler().fit_transform(list(X32))[0].dtype == np.float32
    X64 = X32.astype(np.float64)
    scaler = SequenceScaler().fit(X32)
    assert scaler.mean_.dtype == np.float64
    assert_allclose(scaler.mean_, X64.reshape(-1, 2).mean(axis=0), rtol=1e-6)
    assert SequenceScaler().fit_transform(np.arange(6).reshape(2, 3)).dtype == float


def test_scaler_statistics_are_bit_identical_to_numpys():
    # fit divides each feature by a power of two before taking its statistics
    # (against overflow); that is exact, so ordinary data give numpy's numbers
    rng = np.random.default_rng(11)
    for loc, scale, shape in [(0.0, 1.0, (7, 9, 3)), (1e3, 1e-2, (50, 4, 2))]:
        X = rng.normal(loc, scale, size=shape)
        scaler = SequenceScaler().fit(X)
        steps = X.reshape(-1, shape[-1])
        assert_array_equal(scaler.mean_, steps.mean(axis=0))
        assert_array_equal(scaler.var_, steps.var(axis=0))
        assert_array_equal(scaler.scale_, steps.std(axis=0))
        expected = X - steps.mean(axis=0)
        expected /= steps.std(axis=0)
        assert_array_equal(scaler.transform(X), expected)


@pytest.mark.parametrize("magnitude", [1e200, 1e-200, 1e300, 1e-300])
def test_scaler_huge_and_tiny_values(magnitude):
    # The old fit squared the values: at 1e200 the variance overflowed to inf
    # and every scaled value became 0; at 1e-200 it underflowed to 0 and the
    # features were left unscaled as if constant.
    rng = np.random.default_rng(12)
    base = rng.normal(loc=[1.0, -2.0], scale=[3.0, 0.5], size=(6, 5, 2))
    base[2, 3:] = np.nan
    X = base * magnitude
    reference = SequenceScaler().fit(base)
    scaler = SequenceScaler().fit(X)
    assert_allclose(scaler.mean_, reference.mean_ * magnitude, rtol=1e-12)
    assert_allclose(scaler.scale_, reference.scale_ * magnitude, rtol=1e-12)
    Xt = scaler.transform(X)
    assert_array_equal(np.isnan(Xt), np.isnan(X))
    assert_allclose(Xt, reference.transform(base), rtol=1e-12, atol=1e-12)
    real = Xt[~np.isnan(Xt)].reshape(-1, 2)
    assert_allclose(real.mean(axis=0), 0.0, atol=1e-12)
    assert_allclose(real.std(axis=0), 1.0, rtol=1e-12)
    assert_allclose(scaler.inverse_transform(Xt), X, rtol=1e-12)
    no_mean = SequenceScaler(with_mean=False).fit_transform(X)
    assert_allclose(no_mean, X / scaler.scale_, rtol=1e-12)


def test_scaler_var_beyond_float64_is_inf_but_scale_is_right():
    X = np.array([[1e200, 2e200, 3e200, -4e200]])
    scaler = SequenceScaler().fit(X)
    assert scaler.var_[0] == np.inf  # 7.25e400 does not fit in a float64
    assert_allclose(scaler.mean_, [0.5e200], rtol=1e-15)
    assert_allclose(scaler.scale_, [np.sqrt(7.25) * 1e200], rtol=1e-15)
    expected = (np.array([1.0, 2.0, 3.0, -4.0]) - 0.5) / np.sqrt(7.25)
    assert_allclose(scaler.transform(X)[0], expected, rtol=1e-14)
    tiny = SequenceScaler().fit(X * 1e-225 * 1e-225)  # values near 1e-250
    assert tiny.var_[0] == 0.0  # 7.25e-500 underflows
    assert_allclose(tiny.scale_, [np.sqrt(7.25) * 1e-250], rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scaler_values_near_the_largest_float(dtype):
    # x - mean overflows although both are finite: 3e38 - (-3e38) in
    # float32, 1.7e308 - (-1.7e308) in float64; the old transform gave -inf
    big = np.finfo(dtype).max * 0.9
    X = np.array([[big, big, -big]], dtype=dtype)
    scaler = SequenceScaler().fit(X)
    assert_allclose(scaler.mean_, [big / 3], rtol=1e-6)
    assert_allclose(scaler.scale_, [np.sqrt(8 / 9) * big], rtol=1e-6)
    Xt = scaler.transform(X)
    assert Xt.dtype == dtype
    assert_allclose(Xt, [[0.5**0.5, 0.5**0.5, -(2**0.5)]], rtol=1e-6)
    assert_allclose(scaler.inverse_transform(Xt), X, rtol=1e-6)
    # random values over the whole range, against float64 arithmetic
    rng = np.random.default_rng(13)
    X = (rng.uniform(-1.0, 1.0, size=(4, 6, 3)) * np.finfo(dtype).max).astype(dtype)
    scaler = SequenceScaler().fit(X)
    X64 = X.astype(np.float64)
    if dtype == np.float32:
        expected = (X64 - scaler.mean_) / scaler.scale_
    else:  # float64 arithmetic overflows here too: halve first
        expected = (X64 / 2 - scaler.mean_ / 2) / scaler.scale_ * 2
    assert np.isfinite(expected).all()
    Xt = scaler.transform(X)
    assert_allclose(Xt, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert_allclose(scaler.inverse_transform(Xt), X, rtol=1e-5, atol=0)


def test_scaler_fit_on_float64_beyond_float32_transforms_float32():
    # mean_ and scale_ do not fit in float32, the scaled values do
    X = np.array([[-1e39, 1e39, 3e39]])
    scaler = SequenceScaler().fit(X)
    X32 = np.array([3e38, -3e38], dtype=np.float32)
    (Xt,) = scaler.transform([X32])
    assert Xt.dtype == np.float32
    expected = (X32.astype(np.float64) - 1e39) / scaler.scale_
    assert_allclose(Xt, expected, rtol=1e-6)
    assert_allclose(scaler.inverse_transform([Xt])[0], X32, rtol=1e-6)


def test_scaler_warns_when_a_result_is_beyond_the_range():
    # without with_std, x - mean can truly exceed the range: inf, with a warning
    X = np.array([[3e38, 3e38, -3e38]], dtype=np.float32)
    scaler = SequenceScaler(with_std=False).fit(X)
    with pytest.warns(RuntimeWarning, match="beyond the range of float32"):
        Xt = scaler.transform(X)
    assert_allclose(Xt[0, :2], 2e38, rtol=1e-6)
    assert Xt[0, 2] == -np.inf


def test_scaler_forms_can_differ_between_fit_and_transform():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(5, 6, 2))
    scaler = SequenceScaler().fit(X)
    seqs = [X[0, :3], X[1]]
    out = scaler.transform(seqs)
    assert_allclose(out[0], scaler.transform(X)[0, :3])
    with pytest.raises(ValueError, match="X has 3 features per time step"):
        scaler.transform(rng.normal(size=(2, 4, 3)))


def test_scaler_rejects_bad_input():
    with pytest.raises(ValueError, match="numeric sequences, but X holds strings"):
        SequenceScaler().fit(["abc", "de"])
    with pytest.raises(ValueError, match="token sequences"):
        SequenceScaler().fit([["a", "b"]])
    with pytest.raises(ValueError, match=r"X\[1\] contains NaN at time step 0"):
        SequenceScaler().fit([np.ones(2), np.array([np.nan])])
    with pytest.raises(ValueError, match=r"X\[0\] is an empty sequence"):
        SequenceScaler().fit([np.ones(0)])


def test_scaler_clone_pickle_and_pipeline():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 7, 2)) * 100 + 50
    y = (X.mean(axis=(1, 2)) > 50).astype(int)
    scaler = SequenceScaler(with_std=False)
    assert clone(scaler).get_params() == {"with_mean": True, "with_std": False}
    scaler.fit(X)
    restored = pickle.loads(pickle.dumps(scaler))
    assert_allclose(restored.transform(X), scaler.transform(X))
    pipe = make_pipeline(SequenceScaler(), MeanThresholdClassifier()).fit(X, y)
    assert pipe.score(X, y) > 0.8
    search = GridSearchCV(pipe, {"sequencescaler__with_std": [True, False]}, cv=2)
    search.fit(X, y)
    assert hasattr(search, "best_params_")


def test_scaler_dataframe_feature_names():
    df = pd.DataFrame(np.arange(12.0).reshape(3, 4), columns=list("abcd"))
    scaler = SequenceScaler().fit(df)
    assert_array_equal(scaler.feature_names_in_, list("abcd"))
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.transform(df[list("dcba")])


@parametrize_with_checks([SequenceScaler(), SequenceScaler(with_mean=False)])
def test_scaler_sklearn_compatible(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------
# sliding_windows
# --------------------------------------------------------------------------


def _windows_by_hand(series, window, horizon, step):
    X, y = [], []
    i = 0
    while i + window - 1 + horizon < len(series):
        X.append(series[i : i + window])
        y.append(series[i + window - 1 + horizon])
        i += step
    return np.array(X), np.array(y)


@pytest.mark.parametrize("window", [1, 3, 10])
@pytest.mark.parametrize("horizon", [1, 2, 5])
@pytest.mark.parametrize("step", [1, 3])
@pytest.mark.parametrize("shape", [(23,), (23, 3)])
def test_sliding_windows_against_a_loop(window, horizon, step, shape):
    series = np.random.default_rng(6).normal(size=shape)
    X, y = sliding_windows(series, window, horizon, step=step)
    X_loop, y_loop = _windows_by_hand(series, window, horizon, step)
    assert X.shape == X_loop.shape
    assert y.shape == y_loop.shape
    assert_array_equal(X, X_loop)
    assert_array_equal(y, y_loop)
    assert len(X) == (shape[0] - window - horizon) // step + 1


def test_sliding_windows_target_column_and_pandas():
    values = np.arange(30.0).reshape(10, 3)
    X, y = sliding_windows(values, 4, target_column=2)
    assert X.shape == (6, 4, 3)
    assert_array_equal(y, values[4:, 2])
    df = pd.DataFrame(values, columns=["open", "high", "close"])
    X_df, y_df = sliding_windows(df, 4, target_column="close")
    assert_array_equal(X_df, X)
    assert_array_equal(y_df, y)
    X_s, y_s = sliding_windows(pd.Series(values[:, 0]), 3)
    assert_array_equal(y_s, values[3:, 0])


def test_sliding_windows_returns_new_writable_arrays():
    series = np.arange(10.0)
    X, y = sliding_windows(series, 3)
    X[0, 0] = -1.0
    y[0] = -1.0
    assert series[0] == 0.0 and series[3] == 3.0


def test_sliding_windows_errors():
    with pytest.raises(ValueError, match=r"at least window \+ horizon = 11 values"):
        sliding_windows(np.arange(10), 10)
    with pytest.raises(ValueError, match=r"window \+ horizon = 12"):
        sliding_windows(np.arange(10), 5, horizon=7)
    for bad in ({"window": 0}, {"window": 3, "horizon": 0}):
        with pytest.raises(ValueError, match="must be at least 1"):
            sliding_windows(np.arange(10), **bad)
    with pytest.raises(ValueError, match="step must be at least 1"):
        sliding_windows(np.arange(10), 3, step=0)
    with pytest.raises(TypeError, match="window must be an int"):
        sliding_windows(np.arange(10), 2.5)
    with pytest.raises(ValueError, match="1-D"):
        sliding_windows(np.ones((3, 3, 3)), 1)
    with pytest.raises(ValueError, match="target_column applies to a 2-D"):
        sliding_windows(np.arange(10), 3, target_column=0)
    sliding_windows(np.arange(11), 10)  # exactly long enough: one window
