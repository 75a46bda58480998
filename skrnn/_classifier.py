"""RNNClassifier: one label (or label set) per sequence."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    column_or_1d,
)

from ._base import ATTRIBUTES_DOC, parameters_doc, set_params_of_init
from ._losses import output_activation
from ._ragged import Ragged
from ._supervised import ManyToOneRNN
from ._targets import check_label_types, target_position


class RNNClassifier(ClassifierMixin, ManyToOneRNN):
    __doc__ = f"""Recurrent neural network classifier (many-to-one).

    Reads each sequence with a recurrent network (vanilla RNN, LSTM or GRU),
    pools it into one vector and classifies that vector with a dense softmax (or,
    for binary and multilabel targets, logistic) output layer trained with
    cross-entropy.

    ``X`` may be a 2-D array ``(n_samples, n_timesteps)`` of univariate sequences,
    a 3-D array ``(n_samples, n_timesteps, n_features)`` with trailing all-NaN
    steps as padding, a list of ``(T_i, n_features)`` or ``(T_i,)`` arrays, a list
    of strings (sequences of characters) or a list of token lists.

    Parameters
    ----------
    {parameters_doc(pooling=True, class_weight="counted over samples")}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (``arange(n_labels)`` for multilabel targets).
    n_outputs_ : int
        Width of the output layer: 1 for binary targets, else the number of
        classes or labels.
    {ATTRIBUTES_DOC}

    See Also
    --------
    RNNRegressor : The same network for regression.
    RNNSequenceTagger : One label per time step.
    sklearn.neural_network.MLPClassifier : The feed-forward counterpart.

    Notes
    -----
    With input ``x_t`` and previous state ``h_(t-1)`` the cells compute, with
    PyTorch's parameter names and gate order:

    - ``"rnn"``: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)``;
    - ``"lstm"``: gates ``i, f, g, o`` from ``W_ih x_t + b_ih + W_hh h_(t-1) +
      b_hh`` (sigmoid, sigmoid, tanh, sigmoid), ``c_t = f * c_(t-1) + i * g``,
      ``h_t = o * tanh(c_t)``;
    - ``"gru"``: ``r, z = sigmoid(W_i[rz] x_t + b_i[rz] + W_h[rz] h_(t-1) +
      b_h[rz])``, ``n = tanh(W_in x_t + b_in + r * (W_hn h_(t-1) + b_hn))``,
      ``h_t = (1 - z) * n + z * h_(t-1)``.

    There is no hidden scaling of ``X``; put a
    :class:`~skrnn.preprocessing.SequenceScaler` (or any scaler) in a pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 8))
    >>> y = (X[:, 0] > 0).astype(int)  # the label is decided by the first step
    >>> clf = RNNClassifier(hidden_size=16, max_iter=60, learning_rate_init=0.01,
    ...                     random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints: dict = {
        **ManyToOneRNN._parameter_constraints,
        **ManyToOneRNN._class_weight_constraint,
    }

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
        class_weight=None,
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

    # ------------------------------------------------------------------
    # targets
    # ------------------------------------------------------------------

    def _encode_targets(self, y, X: Ragged, *, reset: bool, classes=None):
        if isinstance(y, (list, tuple)) or not hasattr(y, "shape"):
            # as MLPClassifier: a list that mixes str and numbers becomes str
            y = np.asarray(y)
        if np.ndim(y) > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {np.shape(y)}.")
        if getattr(getattr(y, "dtype", None), "kind", None) == "O":
            # mixed types and NaN named before scikit-learn's generic messages
            check_label_types(y, target_position(np.shape(y)))
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        check_consistent_length(np.empty(len(X)), y)
        check_classification_targets(y)
        kind = type_of_target(y, input_name="y")
        if reset:
            if kind == "multilabel-indicator":
                self.classes_ = np.arange(y.shape[1])
                self._loss_kind = "logistic"
                self.n_outputs_ = y.shape[1]
                self._multilabel = True
            else:
                if y.ndim == 2:
                    y = column_or_1d(y, warn=True)
                self.classes_ = np.unique(y) if classes is None else np.unique(classes)
                if len(self.classes_) < 2:
                    raise ValueError(
                        f"{type(self).__name__} needs samples of at least 2 classes "
                        f"in the data, but the data contains only one class: "
                        f"{self.classes_[0]!r}."
                    )
                self._multilabel = False
                self._loss_kind = "logistic" if len(self.classes_) == 2 else "softmax"
                self.n_outputs_ = 1 if len(self.classes_) == 2 else len(self.classes_)
        if self._multilabel:
            if kind != "multilabel-indicator" or y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y must be a multilabel indicator with {self.n_outputs_} "
                    "columns, as in the previous fit."
                )
            return y.astype(self._float)
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(
                    f"{type(self).__name__} was fitted on 1-D labels; got y of "
                    f"shape {y.shape}."
                )
            y = column_or_1d(y, warn=not reset)
        ids = _class_ids(y, self.classes_)
        if self._loss_kind == "logistic":
            return ids.astype(self._float)[:, None]
        return ids

    def _weigh_classes(self, sw: np.ndarray, targets) -> np.ndarray:
        if self.class_weight is None:
            return sw
        if self._multilabel:
            raise ValueError(
                "class_weight is not supported for multilabel targets; weigh the "
                "samples with sample_weight instead."
            )
        ids = targets.ravel().astype(np.intp)
        counts = np.bincount(ids, minlength=len(self.classes_))
        return sw * self._class_weight_vector(counts)[ids]

    def _stratify(self, targets):
        if self._multilabel:
            return None
        return targets.ravel()

    def _score_targets(self, X: Ragged, targets) -> float:
        out = self._forward_many_to_one(X)
        if self._loss_kind == "softmax":
            return float(np.mean(out.argmax(axis=1) == targets))
        hits = (out > 0) == (targets > 0.5)
        return float(np.mean(hits.all(axis=1)))

    # ------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Training sequences in any of the accepted input forms.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels (any hashable type), or a multilabel indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : RNNClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch over ``X``, continuing from the current state.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Training sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels.
        classes : array-like of shape (n_classes,), default=None
            All classes that will ever appear; required on the first call
            (except for multilabel targets); later calls may repeat it but not
            change it.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : RNNClassifier
            The updated estimator.
        """
        self._refuse_balanced_partial_fit()
        first = not hasattr(self, "coefs_")
        if first and classes is None and not _is_indicator(y):
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if not first:
            self._check_classes_unchanged(classes)
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _probabilities(self, X) -> np.ndarray:
        X = self._validate_for_predict(X)
        out = self._forward_many_to_one(X)
        return output_activation(self._loss_kind, out)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            For multilabel targets, the probability of each label.
        """
        p = self._probabilities(X)
        if self._loss_kind == "logistic" and not self._multilabel:
            p = np.hstack([1 - p, p])
        return p

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """Predicted labels.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        p = self._probabilities(X)
        if self._multilabel:
            return (p > 0.5).astype(int)
        if self._loss_kind == "logistic":
            return self.classes_[(p[:, 0] > 0.5).astype(int)]
        return self.classes_[p.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _is_indicator(y) -> bool:
    try:
        return type_of_target(y) == "multilabel-indicator"
    except ValueError:
        return False


def _class_ids(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Positions of the labels ``y`` in the sorted ``classes``; unknown labels fail."""
    ids = np.searchsorted(classes, y)
    ids = np.minimum(ids, len(classes) - 1)
    unknown = classes[ids] != y
    if np.any(unknown):
        bad = np.unique(np.asarray(y)[unknown])
        raise ValueError(
            f"y contains labels that are not among the classes: {bad.tolist()!r}; "
            f"the classes (of the first fit, or from classes=) are "
            f"{classes.tolist()!r}."
        )
    return ids.astype(np.intp)
