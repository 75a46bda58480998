"""Training options scikit-learn users expect: class_weight, learning-rate
schedules, early_stopping="auto", warnings that point at the user's line, and
the HTML representation's link to skrnn's own documentation."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.class_weight import compute_sample_weight

from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger
from skrnn._base import AUTO_EARLY_STOPPING_MIN

FAST = dict(hidden_size=5, max_iter=3, random_state=0, batch_size=8)


pytestmark = pytest.mark.usefixtures("quiet_convergence")


def _equal_coefs(a, b):
    for k in a.coefs_:
        assert_array_equal(a.coefs_[k], b.coefs_[k], err_msg=k)


# ----------------------------------------------------------------------------
# class_weight
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3])
def test_balanced_class_weight_equals_the_equivalent_sample_weight(n_classes):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 5))
    y = np.minimum(rng.integers(0, 6, 60), n_classes - 1)  # imbalanced
    a = RNNClassifier(**FAST, class_weight="balanced").fit(X, y)
    b = RNNClassifier(**FAST).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    _equal_coefs(a, b)
    c = RNNClassifier(**FAST).fit(X, y)
    assert not np.array_equal(a.coefs_["output.bias"], c.coefs_["output.bias"])


def test_class_weight_dict_and_sample_weight_multiply():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 4))
    y = np.array(["a", "b"] * 20)
    sw = rng.uniform(0.5, 2, 40)
    a = RNNClassifier(**FAST, class_weight={"a": 3.0}).fit(X, y, sample_weight=sw)
    b = RNNClassifier(**FAST).fit(X, y, sample_weight=sw * np.where(y == "a", 3, 1))
    _equal_coefs(a, b)


def test_tagger_class_weight_is_per_position():
    """With one tag per sentence, a tag's weight is the sentence's weight."""
    X = [["a", "b", "c"], ["d", "e"], ["a", "e", "d", "b"], ["c", "c"]] * 5
    y = [["A"] * 3, ["B"] * 2, ["A"] * 4, ["B"] * 2] * 5
    sw = np.array([2.0, 1.0, 2.0, 1.0] * 5)
    a = RNNSequenceTagger(**FAST, class_weight={"A": 2.0}).fit(X, y)
    b = RNNSequenceTagger(**FAST).fit(X, y, sample_weight=sw)
    for k in a.coefs_:
        np.testing.assert_allclose(a.coefs_[k], b.coefs_[k], rtol=1e-6, atol=1e-7)
    # balanced: n_positions / (n_tags * count(tag)) -> A: 55/(2*35), B: 55/(2*20)
    bal = RNNSequenceTagger(**FAST, class_weight="balanced").fit(X, y)
    ref = RNNSequenceTagger(**FAST, class_weight={"A": 55 / 70, "B": 55 / 40}).fit(X, y)
    _equal_coefs(bal, ref)


def test_class_weight_errors():
    X, y = np.random.default_rng(2).standard_normal((20, 3)), np.arange(20) % 2
    with pytest.raises(ValueError, match="not supported by partial_fit"):
        RNNClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels that are not classes: \[7\]"):
        RNNClassifier(**FAST, class_weight={7: 2.0}).fit(X, y)
    with pytest.raises(ValueError, match="multilabel"):
        RNNClassifier(**FAST, class_weight="balanced").fit(X, np.eye(2)[y])
    with pytest.raises(ValueError, match="class_weight"):
        RNNClassifier(class_weight="heavy").fit(X, y)
    assert "class_weight" not in RNNRegressor().get_params()


# ----------------------------------------------------------------------------
# learning-rate schedules
# ----------------------------------------------------------------------------


class _RateSpy(RNNRegressor):
    """Records the optimiser's step size in every epoch."""

    def _run_epoch(self, train):
        self.rates_ = getattr(self, "rates_", []) + [self._optimizer.learning_rate]
        return super()._run_epoch(train)


def _spy(**params):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 4))
    return _RateSpy(**{**FAST, **params}).fit(X, X.sum(1))


def test_invscaling_follows_mlp_rule():
    est = _spy(learning_rate="invscaling", power_t=0.5, max_iter=4)
    seen = [0, 30, 60, 90]  # samples seen before each epoch
    expected = [0.001 / (t + 1) ** 0.5 for t in seen]
    np.testing.assert_allclose(est.rates_, expected, rtol=1e-15)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_adaptive_divides_by_five_when_the_loss_stalls(solver):
    # tol=10: no epoch after the first counts as an improvement, so every 2
    # epochs the rate drops
    est = _spy(
        learning_rate="adaptive", solver=solver, tol=10, n_iter_no_change=2, max_iter=7
    )
    r = 0.001
    np.testing.assert_allclose(
        est.rates_, [r, r, r, r / 5, r / 5, r / 25, r / 25], rtol=1e-15
    )
    assert est.n_iter_ == 7
    # the constant schedule stops at the first stall instead
    assert _spy(solver=solver, tol=10, n_iter_no_change=2, max_iter=7).n_iter_ == 3


def test_adaptive_stops_once_the_rate_is_tiny():
    est = _spy(
        learning_rate="adaptive",
        learning_rate_init=1e-5,
        tol=10,
        n_iter_no_change=1,
        max_iter=50,
    )
    # epoch 1 improves; then 1e-5 -> 2e-6 -> 4e-7 (<= 1e-6): stop at that stall
    np.testing.assert_allclose(est.rates_, [1e-5, 1e-5, 2e-6, 4e-7], rtol=1e-15)


def test_constant_is_the_default_and_unchanged():
    est = _spy(max_iter=3)
    assert est.rates_ == [0.001] * 3


# ----------------------------------------------------------------------------
# early_stopping="auto"
# ----------------------------------------------------------------------------


def test_auto_early_stopping_depends_on_the_training_size():
    assert RNNClassifier().early_stopping == "auto"
    rng = np.random.default_rng(4)
    n = AUTO_EARLY_STOPPING_MIN
    X = rng.standard_normal((n, 2))
    y = np.arange(n) % 2
    params = dict(hidden_size=2, max_iter=1, random_state=0, batch_size=256)
    small = RNNClassifier(**params).fit(X[: n - 1], y[: n - 1])
    assert small.validation_scores_ is None
    large = RNNClassifier(**params).fit(X, y)
    assert len(large.validation_scores_) == 1
    off = RNNClassifier(**params, early_stopping=False).fit(X, y)
    assert off.validation_scores_ is None


# ----------------------------------------------------------------------------
# where warnings point
# ----------------------------------------------------------------------------


def test_warnings_point_at_the_users_line():
    X, y = np.random.default_rng(5).standard_normal((20, 3)), np.arange(20) % 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RNNClassifier(hidden_size=2, max_iter=1).fit(X, y)
        make_pipeline(
            FunctionTransformer(), RNNRegressor(hidden_size=2, max_iter=1)
        ).fit(X, X.sum(1))
    convergence = [w for w in caught if w.category is ConvergenceWarning]
    assert len(convergence) == 2
    for w in convergence:
        assert w.filename == __file__, w.filename


def test_html_repr_links_to_skrnn_docs():
    html = RNNClassifier()._repr_html_()
    assert "skrnn.readthedocs.io" in html
    assert "gen_modules/skrnn.RNNClassifier.html" in html
    assert "scikit-learn.org" not in RNNSequenceTagger()._get_doc_link()
    from skrnn.preprocessing import SequenceScaler, Tokenizer, WordShapes

    for cls in (Tokenizer, WordShapes, SequenceScaler):
        assert (
            cls()
            ._get_doc_link()
            .endswith(f"gen_modules/skrnn.preprocessing.{cls.__name__}.html")
        )


@pytest.mark.parametrize(
    "weight, match",
    [(-1.0, "non-negative"), (np.nan, "finite"), ("2", "must be a number")],
)
def test_class_weight_values_are_checked(weight, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match=match):
        RNNClassifier(hidden_size=2, max_iter=1, class_weight={0: weight}).fit(X, y)


def test_auto_early_stopping_with_a_class_of_one_sample():
    """The held-out split of early_stopping="auto" is stratified, except when a
    class has a single sample: then it is drawn at random instead of failing."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(AUTO_EARLY_STOPPING_MIN, 2))
    y = (X[:, 0] > 0).astype(int)
    y[0] = 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = RNNClassifier(hidden_size=2, max_iter=1, batch_size=512).fit(X, y)
    assert clf.validation_scores_ is not None
    assert clf.classes_.tolist() == [0, 1, 2]
