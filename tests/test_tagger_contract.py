"""The generic scikit-learn contract for RNNSequenceTagger, which check_estimator cannot
run (its targets are lists of label sequences)."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as checks
from sklearn.utils.validation import check_is_fitted

from skrnn import RNNSequenceTagger

X = [["the", "dog", "runs"], ["a", "cat"], ["dogs", "run", "fast", "today"]]
Y = [["D", "N", "V"], ["D", "N"], ["N", "V", "A", "N"]]


pytestmark = pytest.mark.usefixtures("quiet_convergence")


@pytest.mark.parametrize(
    "check",
    [
        checks.check_no_attributes_set_in_init,
        checks.check_get_params_invariance,
        checks.check_set_params,
        checks.check_estimator_cloneable,
        checks.check_estimator_repr,
        checks.check_do_not_raise_errors_in_init_or_set_params,
        checks.check_valid_tag_types,
        checks.check_estimator_tags_renamed,
        checks.check_mixin_order,
    ],
    ids=lambda c: c.__name__,
)
def test_sklearn_generic_checks(check):
    check("RNNSequenceTagger", RNNSequenceTagger())


def test_parameters_default_constructible():
    checks.check_parameters_default_constructible(
        "RNNSequenceTagger", RNNSequenceTagger()
    )


def test_fit_does_not_change_parameters_and_sets_only_private_or_fitted_state():
    est = RNNSequenceTagger(hidden_size=4, max_iter=2, random_state=0)
    params = est.get_params()
    public_before = set(vars(est))
    est.fit(X, Y)
    assert est.get_params() == params
    new = set(vars(est)) - public_before
    assert new, "fit set no attributes"
    assert all(a.endswith("_") or a.startswith("_") for a in new), new
    assert {"classes_", "coefs_", "n_iter_", "vocabulary_", "loss_curve_"} <= new


def test_fit_is_idempotent_and_clone_is_unfitted():
    est = RNNSequenceTagger(hidden_size=4, max_iter=3, random_state=0)
    first = [p.copy() for p in est.fit(X, Y).predict_proba(X)]
    second = est.fit(X, Y).predict_proba(X)
    for a, b in zip(first, second, strict=True):
        assert_array_equal(a, b)
    fresh = clone(est)
    assert fresh.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(fresh)
    with pytest.raises(NotFittedError):
        fresh.predict(X)


def test_pickle_round_trip_unfitted_and_fitted():
    est = RNNSequenceTagger(hidden_size=4, max_iter=2, random_state=0)
    assert pickle.loads(pickle.dumps(est)).get_params() == est.get_params()
    est.fit(X, Y)
    loaded = pickle.loads(pickle.dumps(est))
    for a, b in zip(est.predict(X), loaded.predict(X), strict=True):
        assert_array_equal(a, b)


def test_outputs_and_score():
    est = RNNSequenceTagger(
        hidden_size=8, max_iter=60, learning_rate_init=0.05, random_state=0
    ).fit(X, Y)
    assert_array_equal(est.classes_, ["A", "D", "N", "V"])
    proba = est.predict_proba(X)
    assert [p.shape for p in proba] == [(3, 4), (2, 4), (4, 4)]
    np.testing.assert_allclose(
        np.concatenate([p.sum(axis=1) for p in proba]), np.ones(9), rtol=1e-6
    )
    pred = est.predict(X)
    assert all(p.dtype == est.classes_.dtype for p in pred)
    for p, q in zip(pred, proba, strict=True):
        assert_array_equal(p, est.classes_[q.argmax(axis=1)])
    hits = sum(int((p == np.array(t)).sum()) for p, t in zip(pred, Y, strict=True))
    assert est.score(X, Y) == pytest.approx(hits / 9)
    assert est.score(X, Y) == 1.0
    # weights per sequence count once per position
    wrong = [["N", "N", "N"], Y[1], Y[2]]
    assert est.score(X, wrong, sample_weight=[1, 0, 0]) == pytest.approx(1 / 3)


def test_2d_inputs_with_2d_label_array():
    rng = np.random.default_rng(0)
    X2 = rng.standard_normal((20, 6))
    Y2 = (X2 > 0).astype(int)
    est = RNNSequenceTagger(hidden_size=4, max_iter=2, random_state=0).fit(X2, Y2)
    assert [len(p) for p in est.predict(X2)] == [6] * 20
    assert est.n_features_in_ == 6


def test_label_length_mismatch_names_the_sample():
    with pytest.raises(ValueError, match=r"y\[1\] has 3 labels but X\[1\] has 2"):
        RNNSequenceTagger().fit(X, [Y[0], ["D", "N", "V"], Y[2]])
    with pytest.raises(ValueError, match="at least 2 distinct tags"):
        RNNSequenceTagger().fit(X, [["N"] * 3, ["N"] * 2, ["N"] * 4])


def test_partial_fit_one_epoch_and_unknown_tag():
    est = RNNSequenceTagger(hidden_size=4, random_state=0)
    est.partial_fit(X, Y, classes=["A", "D", "N", "V", "X"])
    est.partial_fit(X, Y)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    assert "X" in est.classes_
    with pytest.raises(ValueError, match="not one of the known classes"):
        est.partial_fit(X, [Y[0], ["D", "Q"], Y[2]])
