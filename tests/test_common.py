"""scikit-learn's whole estimator contract, with default parameters."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skrnn import RNNClassifier, RNNRegressor


@parametrize_with_checks([RNNClassifier(), RNNRegressor()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
