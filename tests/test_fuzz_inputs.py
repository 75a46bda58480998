"""Fuzzing the five input forms (issue 11): every input either trains and predicts
finite values of the right shape, or is refused with a ``ValueError`` or
``TypeError`` whose message names the problem.

Hypothesis draws the structure (form, sizes, lengths, which nasty value goes
where); the numbers come from a seeded generator. The budget is fixed and the
search derandomized, so the run is the same every time and takes seconds.
Inputs drawn without any defect are called *clean*: they must train.
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pd = pytest.importorskip("pandas")

#: What a refusal's message must contain: the sample or the target it blames, a
#: whole-X problem in words, or one of the fixed phrases below.
NAMES_THE_PROBLEM = re.compile(
    "|".join(
        [
            r"\bX\[\d+\]",  # names the sample: "X[2] contains NaN at time step 1"
            r"\by\[\d+",  # names the target: "y[1] at time step 0 is NaN"
            r"\by (has|must|contains|mixes|is)\b",  # y as a whole
            r"\bX (has|is|mixes|holds)\b",  # "X has 3 features", "X mixes kinds"
            r"Found array with 0 (sample|feature|time step)",
            r"Expected 2D array, got 1D array",
            r"Complex data not supported",
            r"was fitted on .* but X holds",
            r"Training diverged|non-finite values",
            # scikit-learn's own messages for y, kept as MLPClassifier has them
            r"Found input variables with inconsistent numbers of samples",
            r"Unknown label type",
        ]
    )
)

#: Values that break things: NaN and inf, float32 and float64 overflow, a
#: subnormal and exact zero.
NASTY = [np.nan, np.inf, -np.inf, 1e300, -1e300, 1e39, 5e-324, 0.0]
NOT_A_NUMBER = [None, "a", b"a", {}, 1j]
ALPHABET = "abc"
WORDS = ["the", "cat", "1.5", "2.0"]
ODD_ITEMS = [None, b"ab", 3, 2.5, "", [], np.zeros((2, 2, 2)), {"a": 1}]


class Case:
    """One drawn input: X to fit, X to predict, and whether X is clean."""

    def __init__(self, X, clean, what, X_pred=None):
        self.X, self.clean, self.what = X, clean, what
        self.X_pred = X if X_pred is None else X_pred

    def __repr__(self):
        return f"Case({self.what}, clean={self.clean}, X={self.X!r})"


def _inject(draw, arr):
    """Maybe put a nasty value at a drawn position; return whether ``arr`` is
    still clean (zero and a subnormal are harmless)."""
    if draw(st.integers(0, 3)) != 0:  # three times in four: nothing
        return True
    value = draw(st.sampled_from(NASTY))
    arr.flat[draw(st.integers(0, arr.size - 1))] = value
    return value in (0.0, 5e-324)


@st.composite
def two_d(draw):
    n, T = draw(st.integers(2, 4)), draw(st.integers(1, 4))
    X = np.random.default_rng(draw(st.integers(0, 99))).normal(size=(n, T))
    clean = _inject(draw, X)
    if T > 1 and draw(st.integers(0, 5)) == 0:  # a shorter series, NaN-padded
        X[draw(st.integers(0, n - 1)), T - 1 :] = np.nan
        clean = False
    container = draw(st.sampled_from(["array", "list", "frame", "float32", "int"]))
    if container == "list":
        X = X.tolist()
    elif container == "frame":
        X = pd.DataFrame(X)
    elif container == "float32":
        with np.errstate(over="ignore"):  # 1e300 becomes inf: not clean anyway
            X = X.astype(np.float32)
    elif container == "int" and clean:
        X = np.round(X * 3).astype(int)
    return Case(X, clean, f"2-D {container}")


@st.composite
def three_d(draw):
    n, T, F = draw(st.integers(2, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    X = np.random.default_rng(draw(st.integers(0, 99))).normal(size=(n, T, F))
    lengths = [draw(st.integers(1, T)) for _ in range(n)]
    if draw(st.integers(0, 7)) == 0:  # a sample of padding only
        lengths[draw(st.integers(0, n - 1))] = 0
    clean = _inject(draw, X)
    for i, L in enumerate(lengths):
        X[i, L:] = np.nan
    clean = clean and min(lengths) > 0
    if F > 1 and draw(st.integers(0, 5)) == 0:  # NaN in one feature of a step
        X[n - 1, 0, 0] = np.nan
        clean = False
    return Case(X, clean, "3-D")


@st.composite
def ragged(draw):
    n = draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    two_d_items = draw(st.booleans())
    F = draw(st.integers(1, 3)) if two_d_items else 1
    X, clean = [], True
    odd = draw(st.integers(0, n))  # the one sample that may have a defect
    for i in range(n):
        T = draw(st.integers(1, 4))
        defect = draw(st.sampled_from(["value"] * 4 + ["empty", "F", "object"]))
        defect = defect if i == odd else None
        if defect == "empty":
            T, clean = 0, False
        F_i = F + 1 if two_d_items and defect == "F" else F  # another feature count
        clean = clean and F_i == F
        x = rng.normal(size=(T, F_i) if two_d_items else (T,))
        if defect == "value" and not _inject(draw, x):
            clean = False
        if defect == "object" and T:
            x = x.astype(object)
            x.flat[draw(st.integers(0, x.size - 1))] = draw(
                st.sampled_from(NOT_A_NUMBER)
            )
            clean = False
        X.append(x.tolist() if draw(st.integers(0, 3)) == 0 else x)
    return Case(X, clean, "ragged")


@st.composite
def chars(draw):
    n = draw(st.integers(2, 4))
    X = [draw(st.text(ALPHABET, min_size=1, max_size=5)) for _ in range(n)]
    clean = True
    if draw(st.integers(0, 4)) == 0:
        X[draw(st.integers(0, n - 1))] = draw(st.sampled_from(ODD_ITEMS + [["ab"]]))
        clean = False
    if clean and draw(st.booleans()):
        X = np.array(X)
    return Case(X, clean, "chars")


@st.composite
def tokens(draw):
    n = draw(st.integers(2, 4))
    words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)
    X = [draw(words) for _ in range(n)]
    clean = True
    if draw(st.integers(0, 4)) == 0:
        i = draw(st.integers(0, n - 1))
        X[i] = list(X[i])
        X[i][draw(st.integers(0, len(X[i]) - 1))] = draw(st.sampled_from(ODD_ITEMS))
        clean = False
    if draw(st.integers(0, 5)) == 0:
        X[draw(st.integers(0, n - 1))] = draw(st.sampled_from(ODD_ITEMS))
        clean = False
    if draw(st.booleans()):  # equal lengths: also as arrays of strings
        width = min(len(x) if hasattr(x, "__len__") else 1 for x in X)
        if clean and width:
            rows = [x[:width] for x in X]
            kind = draw(st.sampled_from(["str", "object", "frame", "bytes"]))
            X = {
                "str": lambda: np.array(rows),
                "object": lambda: np.array(rows, dtype=object),
                "frame": lambda: pd.DataFrame(rows),
                "bytes": lambda: np.array(rows, dtype="S"),
            }[kind]()
            clean = kind != "bytes"
    return Case(X, clean, "tokens")


FORMS = {
    "2-D": two_d,
    "3-D": three_d,
    "ragged": ragged,
    "chars": chars,
    "tokens": tokens,
}


@st.composite
def cases(draw, form):
    case = draw(FORMS[form]())
    if draw(st.integers(0, 4)) == 0:  # predict on another input, maybe another form
        other = draw(st.one_of([f() for f in FORMS.values()]))
        case = Case(case.X, case.clean, f"{case.what} then {other.what}", other.X)
    return case


def _lengths(X):
    """The time steps of each sample, as well as they can be told."""
    if isinstance(X, pd.DataFrame):
        X = X.to_numpy()
    if isinstance(X, np.ndarray) and X.ndim == 3:
        real = ~np.isnan(X).all(axis=2)
        return [int(np.nonzero(r)[0].max()) + 1 if r.any() else 0 for r in real]
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return [X.shape[1]] * len(X)
    return [len(x) if hasattr(x, "__len__") else 1 for x in X]


def _targets(Est, X):
    n = len(X)
    if Est is RNNClassifier:
        return np.arange(n) % 2
    if Est is RNNRegressor:
        return np.linspace(-1.0, 1.0, n)
    return [(i + np.arange(L)) % 2 for i, L in enumerate(_lengths(X))]


def _bad_targets(draw, Est, y):
    """``y`` with one defect: a wrong length, NaN, a huge value, mixed types."""
    y = list(y)
    defect = draw(st.sampled_from(["short", "nan", "huge", "mixed", "none", "2-D"]))
    if defect == "short":
        return y[:-1]
    if Est is RNNSequenceTagger:
        i = draw(st.integers(0, len(y) - 1))
        labels = list(y[i]) or [0]  # an empty X[i] gets a label too many
        value = {"nan": np.nan, "huge": 1e300, "mixed": "a", "2-D": [0, 1]}
        labels[0] = value.get(defect)  # "none": None
        y[i] = np.array(labels, dtype=object) if defect == "mixed" else labels
        return y
    value = {"nan": np.nan, "huge": 1e300, "mixed": "a", "none": None}.get(defect)
    if defect == "2-D":
        return np.ones((len(y), 2, 2))
    y = np.array(y, dtype=object)
    y[draw(st.integers(0, len(y) - 1))] = value
    return y if defect in ("mixed", "none") else y.tolist()


def _check_outputs(est, X):
    n = len(X)
    pred = est.predict(X)
    if isinstance(est, RNNSequenceTagger):
        assert len(pred) == n
        for p, proba, L in zip(pred, est.predict_proba(X), _lengths(X), strict=True):
            assert p.shape == (L,)
            assert set(p.tolist()) <= set(est.classes_.tolist())
            assert proba.shape == (L, len(est.classes_))
            assert np.isfinite(proba).all()
        return
    assert pred.shape == (n,)
    if isinstance(est, RNNClassifier):
        assert set(pred.tolist()) <= set(est.classes_.tolist())
        proba = est.predict_proba(X)
        assert proba.shape == (n, len(est.classes_))
        assert np.isfinite(proba).all()
    else:
        assert np.isfinite(pred).all()
    assert np.isfinite(est.transform(X)).all()


def _refused_clearly(exc, case, stage):
    assert isinstance(exc, (ValueError, TypeError)), (
        f"{stage} raised {type(exc).__name__}: {exc} for {case!r}"
    )
    assert NAMES_THE_PROBLEM.search(str(exc)), (
        f"{stage} message does not name the problem: {exc!r} for {case!r}"
    )


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor, RNNSequenceTagger])
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    cell=st.sampled_from(["rnn", "lstm", "gru"]),
    dtype=st.sampled_from([None, "float32"]),
    data=st.data(),
)
def test_fuzz_inputs_train_or_are_refused_clearly(Est, form, cell, dtype, data):
    case = data.draw(cases(form), label="case")
    est = Est(cell=cell, dtype=dtype, hidden_size=2, max_iter=1, random_state=0)
    y = _targets(Est, case.X)
    if data.draw(st.integers(0, 7)) == 0:
        y = _bad_targets(data.draw, Est, y)
        case = Case(case.X, False, f"{case.what}, bad y {y!r}", case.X_pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow while training
        try:
            est.fit(case.X, y)
        except Exception as exc:  # noqa: BLE001 - the point is to look at it
            assert not case.clean, f"a clean input was refused: {exc!r}, {case!r}"
            _refused_clearly(exc, case, "fit")
            return
        try:
            _check_outputs(est, case.X_pred)
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001
            assert case.X_pred is not case.X or not case.clean, (
                f"a clean input fitted but did not predict: {exc!r}, {case!r}"
            )
            _refused_clearly(exc, case, "predict")
