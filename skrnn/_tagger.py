"""RNNSequenceTagger: one label per time step (many-to-many, aligned)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils.validation import check_is_fitted

from . import _losses
from ._base import ATTRIBUTES_DOC, parameters_doc, set_params_of_init
from ._ragged import Ragged
from ._supervised import SupervisedRNN
from ._targets import SequenceList, encode_tags, validate_tag_targets


class _TagTargets(NamedTuple):
    """A tagger's encoded targets: tag ids, and the weight of each tag (or None)."""

    ids: Ragged
    class_weights: np.ndarray | None


class RNNSequenceTagger(SupervisedRNN):
    __doc__ = f"""Recurrent neural network sequence tagger (many-to-many, aligned).

    Predicts one label per time step, for instance part-of-speech tags of the
    words of a sentence. The top recurrent layer's output at every step feeds a
    softmax output layer; the loss is the cross-entropy averaged over all real
    positions. A bidirectional network sees the whole sentence at every step.

    ``X`` takes the same forms as :class:`RNNClassifier` (token lists are the
    usual one); ``y`` is a list of label sequences with ``len(y[i]) ==
    len(X[i])`` (or a 2-D array for 2-D and 3-D ``X``).

    This is a plain :class:`~sklearn.base.BaseEstimator`, not a classifier:
    scikit-learn's target checks do not accept lists of label lists. Its
    :meth:`score` is the token accuracy; :mod:`skrnn.metrics` has flat metrics
    that work with :func:`~sklearn.metrics.make_scorer`.

    Parameters
    ----------
    {parameters_doc(pooling=False, class_weight="counted over all positions")}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The tags.
    n_outputs_ : int
        Number of tags.
    {ATTRIBUTES_DOC}

    See Also
    --------
    RNNClassifier : One label per sequence.
    skrnn.metrics.flat_accuracy_score : Token accuracy for grid search.

    Notes
    -----
    The cell equations are listed in :class:`RNNClassifier`. With
    ``bptt_steps=k`` long sequences are cut into chunks of ``k`` steps, counted
    back from the last step each direction processes (a sequence's end for the
    forward direction, its start for the backward one); the state is carried
    across chunks but no gradient crosses their boundaries.

    Examples
    --------
    >>> from skrnn import RNNSequenceTagger
    >>> X = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs"]]
    >>> y = [["DET", "NOUN", "VERB"], ["DET", "NOUN", "VERB"],
    ...      ["DET", "NOUN", "VERB"]]
    >>> tagger = RNNSequenceTagger(hidden_size=8, max_iter=50,
    ...                            learning_rate_init=0.05, random_state=0)
    >>> tagger = tagger.fit(X, y)
    >>> [tags.tolist() for tags in tagger.predict([["a", "dog", "sleeps"]])]
    [['DET', 'NOUN', 'VERB']]
    >>> float(tagger.score(X, y))
    1.0
    """

    _parameter_constraints: dict = {
        **SupervisedRNN._parameter_constraints,
        **SupervisedRNN._class_weight_constraint,
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

    @property
    def _readout(self) -> str:
        return "sequence"

    # ------------------------------------------------------------------
    # targets and loss
    # ------------------------------------------------------------------

    def _encode_targets(self, y, X: Ragged, *, reset: bool, classes=None):
        labels = validate_tag_targets(y, X, name=type(self).__name__)
        if reset:
            if classes is not None:
                self.classes_ = np.unique(np.asarray(classes))
            else:
                self.classes_ = np.unique(np.concatenate(labels))
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 distinct tags in y, "
                    f"but y contains only {self.classes_.tolist()!r}."
                )
            self.n_outputs_ = len(self.classes_)
            self._loss_kind = "softmax"
        ids = encode_tags(labels, self.classes_)
        counts = np.bincount(ids.data, minlength=len(self.classes_))
        return _TagTargets(ids, self._class_weight_vector(counts))

    def _take_targets(self, targets: _TagTargets, idx):
        ids, _ = targets.ids.pad(idx)
        return ids, targets.class_weights

    def _subset_targets(self, targets: _TagTargets, idx):
        return _TagTargets(targets.ids.take(idx), targets.class_weights)

    def _loss_units(self, lengths: np.ndarray) -> np.ndarray:
        return np.asarray(lengths, dtype=np.float64)

    def _class_weight_sums(self, data):
        cw = data.targets.class_weights
        if cw is None:
            return None
        ids = data.targets.ids
        per_position = cw[ids.data]
        return np.add.reduceat(per_position, ids.offsets[:-1]) if len(ids) else None

    def _loss(self, out, targets, lengths, weights, norm):
        ids, cw = targets
        if cw is not None:
            # each position weighs its sequence's weight times its tag's weight
            weights = weights[None, :] * cw[ids]
        return _losses.masked_loss("softmax", out, ids, lengths, weights, norm)

    def _score_targets(self, X: Ragged, targets: _TagTargets) -> float:
        pred = self._forward_sequences(X)
        hits = np.concatenate([p.argmax(axis=1) for p in pred]) == targets.ids.data
        return float(hits.mean())

    # ------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the tagger to sequences ``X`` and label sequences ``y``.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Training sequences in any of the accepted input forms.
        y : list of array-like, or array-like of shape (n_samples, n_timesteps)
            One label per time step of each sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence, applied to each of its positions.

        Returns
        -------
        self : RNNSequenceTagger
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
        y : list of array-like
            One label per time step of each sequence.
        classes : array-like, default=None
            All tags that will ever appear. On the first call, the tags found in
            ``y`` when None; later calls may repeat it but not change it.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence.

        Returns
        -------
        self : RNNSequenceTagger
            The updated estimator.
        """
        self._refuse_balanced_partial_fit()
        if hasattr(self, "coefs_"):
            self._check_classes_unchanged(classes)
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X) -> list[np.ndarray]:
        """Tag probabilities at every step.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        list of ndarray of shape (T_i, n_classes)
            One array per sequence.
        """
        X = self._validate_for_predict(X)
        return [
            _losses.output_activation("softmax", out)
            for out in self._forward_sequences(X)
        ]

    def predict(self, X) -> list[np.ndarray]:
        """Predicted tags.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        list of ndarray of shape (T_i,)
            One array of tags per sequence. For input given as a list of
            sequences (of any lengths), NumPy reads the list as a 1-D object
            array of these arrays; for a fixed-length 2-D or 3-D array, as the
            2-D array of tags. Either way
            :func:`~sklearn.model_selection.cross_val_predict` can join the
            folds' outputs.
        """
        check_is_fitted(self, "coefs_")
        X, checked = self._validate_input(X, reset=False, dtype=self._float)
        tags = self._tags(X)
        return tags if checked.form in ("2d", "3d") else SequenceList(tags)

    def _tags(self, X: Ragged) -> list[np.ndarray]:
        return [self.classes_[out.argmax(axis=1)] for out in self._forward_sequences(X)]

    def score(self, X, y, sample_weight=None) -> float:
        """Token accuracy: the share of all time steps tagged correctly.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences.
        y : list of array-like
            True label sequences.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence, applied to each of its positions.

        Returns
        -------
        float
        """
        from .metrics import flat_accuracy_score

        X = self._validate_for_predict(X)
        y = validate_tag_targets(y, X, name=type(self).__name__)
        pred = self._tags(X)
        return float(flat_accuracy_score(y, pred, sample_weight=sample_weight))
