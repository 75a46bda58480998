"""RNNRegressor: one value (or vector) per sequence."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_consistent_length

from ._base import ATTRIBUTES_DOC, parameters_doc, set_params_of_init
from ._ragged import Ragged
from ._supervised import ManyToOneRNN
from ._targets import target_position


class RNNRegressor(RegressorMixin, ManyToOneRNN):
    __doc__ = f"""Recurrent neural network regressor (many-to-one).

    Reads each sequence with a recurrent network (vanilla RNN, LSTM or GRU),
    pools it into one vector and maps that vector to one or more real values with
    a linear output layer trained on the squared error (half the mean over the
    outputs, as :class:`~sklearn.neural_network.MLPRegressor`).

    ``X`` takes the same forms as :class:`RNNClassifier`. A typical use is the
    next value of a series from a window of past values (see
    :func:`skrnn.preprocessing.sliding_windows`).

    Parameters
    ----------
    {parameters_doc(pooling=True, class_weight=None)}

    Attributes
    ----------
    n_outputs_ : int
        Number of regression targets.
    {ATTRIBUTES_DOC}

    See Also
    --------
    RNNClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The feed-forward counterpart.

    Notes
    -----
    The cell equations are listed in :class:`RNNClassifier`. The network does not
    scale ``y``: targets of a large magnitude train better after scaling, for
    instance with :class:`~sklearn.compose.TransformedTargetRegressor`.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 5))
    >>> y = X.sum(axis=1)  # the sum of the window
    >>> reg = RNNRegressor(hidden_size=16, max_iter=80, learning_rate_init=0.01,
    ...                    random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        embedding_dim=32,
        char_hidden_size=None,
        char_embedding_dim=16,
        embedding_init=None,
        pooling="last",
        min_frequency=1,
        dropout=0.0,
        word_dropout=0.0,
        solver="adam",
        learning_rate_init=0.001,
        learning_rate="constant",
        power_t=0.5,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=0.0001,
        batch_size=32,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping="auto",
        validation_fraction=0.1,
        max_grad_norm=5.0,
        bptt_steps=None,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dtype=None,
    ):
        set_params_of_init(self, locals())

    def _encode_targets(self, y, X: Ragged, *, reset: bool, classes=None):
        _check_numeric_targets(y, type(self).__name__)
        y = check_array(
            y, ensure_2d=False, dtype="numeric", input_name="y", ensure_min_samples=1
        )
        check_consistent_length(np.empty(len(X)), y)
        with np.errstate(over="ignore"):  # named by the check below
            Y = y.reshape(len(y), -1).astype(self._float)
        _check_target_range(y, Y)
        if reset:
            self.n_outputs_ = Y.shape[1]
            self._loss_kind = "squared"
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs but {type(self).__name__} was fitted "
                f"with {self.n_outputs_}."
            )
        return Y

    def _score_targets(self, X: Ragged, targets) -> float:
        return float(r2_score(targets, self._forward_many_to_one(X)))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Training sequences in any of the accepted input forms.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : RNNRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch over ``X``, continuing from the current state.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Training sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : RNNRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predicted values.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when the model has a single output.
        """
        X = self._validate_for_predict(X)
        out = self._forward_many_to_one(X)
        if out.shape[1] == 1:
            return out.ravel()
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _check_numeric_targets(y, name: str) -> None:
    """Name a target of more than two dimensions or one that is not a number,
    before scikit-learn's conversion answers without saying where."""
    arr = y if hasattr(y, "dtype") and hasattr(y, "shape") else np.asarray(y)
    if arr.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D; got shape {arr.shape}.")
    if arr.dtype.kind not in "OUS":
        return
    flat = np.asarray(arr).ravel().tolist()
    for k, v in enumerate(flat):
        # None becomes NaN, which scikit-learn's check reports
        if v is not None and not isinstance(v, (numbers.Number, np.bool_)):
            raise ValueError(
                f"{target_position(arr.shape)(k)} is {v!r} (of type "
                f"{type(v).__name__}); {name} needs numeric targets."
            )


def _check_target_range(y: np.ndarray, Y: np.ndarray) -> None:
    """Targets whose squared error overflows the float type of the computation
    would stop training with a non-finite loss that seems to blame the inputs
    and the learning rate; name the target instead."""
    dtype = Y.dtype
    limit = np.sqrt(np.finfo(dtype).max)  # about 1.8e19 in float32, 1.3e154 in 64
    with np.errstate(invalid="ignore"):
        too_big = ~(np.abs(Y) <= limit)  # inf from the cast counts too
    if not too_big.any():
        return
    i, j = (int(k) for k in np.unravel_index(np.argmax(too_big), too_big.shape))
    where = f"y[{i}]" if y.ndim == 1 else f"y[{i}, {j}]"
    value = y.reshape(len(y), -1)[i, j]
    advice = ""
    if dtype != np.float64 and abs(float(value)) <= np.sqrt(np.finfo(np.float64).max):
        advice = ", or compute in float64 (dtype='float64')"
    raise ValueError(
        f"{where} is {float(value):.6g}: the squared error of a target this large "
        f"overflows {dtype.name}, the float type of the computation (|y| must "
        f"stay below {limit:.3g}). Scale y, for instance with "
        "sklearn.compose.TransformedTargetRegressor(regressor, "
        f"transformer=StandardScaler()){advice}."
    )
