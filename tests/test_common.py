"""scikit-learn's whole estimator contract, with default parameters."""

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    parametrize_with_checks,
)

from skrnn import RNNClassifier, RNNRegressor

#: The one check that does not pass with default parameters, and why.
CHAOTIC = (
    "Fitting with integer weights and fitting on repeated rows give the same loss "
    "and gradients (tests/test_estimators.py checks this to 1e-10), but the check "
    "compares two separately trained networks to 1e-7. On its 15 random-label "
    "samples the default LSTM keeps fitting for 123 epochs and passes through loss "
    "spikes where the 1e-16 rounding difference between a weighted sum and a "
    "repeated sum grows ~1.6x per epoch (1e-16 at epoch 60, 1e-3 at 123). "
    "scikit-learn tests MLPClassifier's equivalence only with solver='lbfgs' for "
    "the same reason; see test_sample_weight_equivalence_before_chaos."
)


def _expected_failed_checks(estimator):
    if isinstance(estimator, RNNClassifier):
        return {"check_sample_weight_equivalence_on_dense_data": CHAOTIC}
    return {}


@parametrize_with_checks(
    [RNNClassifier(), RNNRegressor()], expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_sample_weight_equivalence_before_chaos():
    """The same check on the default classifier, stopped after 60 epochs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_sample_weight_equivalence_on_dense_data(
            "RNNClassifier", RNNClassifier(max_iter=60)
        )
