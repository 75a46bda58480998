"""RNNRegressor: one value (or vector) per sequence."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_consistent_length

from ._base import ATTRIBUTES_DOC, parameters_doc, set_params_of_init
from ._ragged import Ragged
from ._supervised import ManyToOneRNN


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
        y = check_array(
            y, ensure_2d=False, dtype="numeric", input_name="y", ensure_min_samples=1
        )
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
        check_consistent_length(np.empty(len(X)), y)
        Y = y.reshape(len(y), -1).astype(self._float)
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
