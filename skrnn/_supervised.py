"""The shared part of the classifier, the regressor and the tagger: one network
(embedding -> recurrent stack -> readout -> dense head, :mod:`skrnn._network`),
samples with their targets and weights, mini-batches grouped by length, and the
inference helpers (:meth:`SupervisedRNN.hidden_states`, ``transform``).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import NamedTuple

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from . import _losses, _network
from ._base import BaseRNN, BatchResult
from ._ragged import Ragged, make_batches, prediction_batches, unpad

#: Largest number of (time step x sequence) cells in one prediction batch.
_PREDICT_CELLS = 1 << 18


class Samples(NamedTuple):
    """A training set: sequences, encoded targets and sample weights."""

    X: Ragged
    targets: object
    weights: np.ndarray


class _Model(NamedTuple):
    """The network's architecture, with the ``init_params`` the loop calls."""

    arch: _network.Architecture

    def init_params(self, rng):
        return _network.init_params(self.arch, rng)


class SupervisedRNN(BaseRNN):
    """Base of the estimators that learn from samples with targets."""

    # the readout of the recurrent stack ("sequence" for tagging)
    @property
    @abstractmethod
    def _readout(self) -> str: ...

    # ------------------------------------------------------------------
    # hooks of the subclasses
    # ------------------------------------------------------------------

    @abstractmethod
    def _encode_targets(self, y, X: Ragged, *, reset: bool, classes=None):
        """Validate ``y``; with ``reset`` learn ``classes_``/``n_outputs_``.

        Returns the encoded targets, indexable by :meth:`_take_targets`.
        """

    @abstractmethod
    def _loss(self, out, targets, lengths, weights, norm):
        """Loss of a batch and its gradient with respect to ``out``."""

    @abstractmethod
    def _score_targets(self, X: Ragged, targets) -> float:
        """Validation score of encoded targets, higher is better."""

    def _take_targets(self, targets, idx):
        """The targets of the samples ``idx``, as a training batch needs them."""
        return targets[idx]

    def _subset_targets(self, targets, idx):
        """The targets of the samples ``idx``, kept in the encoded form."""
        return self._take_targets(targets, idx)

    def _stratify(self, targets):
        """Labels to stratify the validation split by (None: no stratification)."""
        return None

    def _loss_units(self, lengths: np.ndarray) -> np.ndarray:
        """How many loss terms each sequence contributes (1 for many-to-one)."""
        return np.ones(len(lengths))

    def _class_weight_sums(self, data: Samples):
        """Per sample, the sum of its loss terms' class weights; None when the
        class weights are folded into the sample weights (or absent)."""
        return None

    # ------------------------------------------------------------------
    # the training loop's hooks
    # ------------------------------------------------------------------

    def _check_fit_data(self, X, y, sample_weight, *, reset: bool, classes=None):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X, _ = self._validate_input(X, reset=reset, dtype=self._float)
        if reset and self.dtype is None and self._input.kind != "numeric":
            # token input has no float type of its own: use the fast one
            self._dtype = np.dtype(np.float32)
        targets = self._encode_targets(y, X, reset=reset, classes=classes)
        sw = _check_sample_weight(
            sample_weight, np.empty(len(X)), dtype=np.float64, ensure_non_negative=True
        )
        return Samples(X, targets, self._weigh_classes(sw, targets))

    def _weigh_classes(self, sw: np.ndarray, targets) -> np.ndarray:
        """Sample weights with ``class_weight`` folded in, where it can be."""
        return sw

    def _class_weight_vector(self, counts: np.ndarray) -> np.ndarray | None:
        """One weight per class from ``class_weight`` (None when unset).

        ``counts`` are the class counts of this fit's ``y`` (for "balanced").
        """
        class_weight = getattr(self, "class_weight", None)
        if class_weight is None:
            return None
        n_classes = len(self.classes_)
        if isinstance(class_weight, str):  # "balanced"
            if np.any(counts == 0):
                missing = self.classes_[counts == 0].tolist()
                raise ValueError(
                    f'class_weight="balanced" needs every class in y; '
                    f"{missing!r} do not occur."
                )
            return counts.sum() / (n_classes * counts.astype(np.float64))
        unknown = set(class_weight) - set(self.classes_.tolist())
        if unknown:
            raise ValueError(
                f"class_weight has labels that are not classes: {sorted(unknown)!r}; "
                f"the classes are {self.classes_.tolist()!r}."
            )
        weights = []
        for c in self.classes_.tolist():
            w = class_weight.get(c, 1.0)
            if isinstance(w, (bool, np.bool_)) or not isinstance(
                w, (int, float, np.integer, np.floating)
            ):
                raise ValueError(f"class_weight[{c!r}] must be a number, got {w!r}.")
            if not np.isfinite(w) or w < 0:
                raise ValueError(
                    f"class_weight[{c!r}] must be finite and non-negative, got {w!r}."
                )
            weights.append(float(w))
        return np.array(weights)

    def _refuse_balanced_partial_fit(self) -> None:
        if getattr(self, "class_weight", None) == "balanced":
            raise ValueError(
                'class_weight="balanced" is not supported by partial_fit, where '
                "each call sees only part of y. Compute the weights once with "
                "sklearn.utils.class_weight.compute_class_weight('balanced', "
                "classes=classes, y=y) and pass them as a dict."
            )

    def _build(self) -> _Model:
        categorical = self._input.kind != "numeric"
        return _Model(
            _network.Architecture(
                cell=self.cell,
                hidden_size=self.hidden_size,
                n_outputs=self.n_outputs_,
                input_size=None if categorical else self._input.n_step_features,
                n_embeddings=len(self._vocabulary) if categorical else None,
                embedding_dim=self.embedding_dim,
                num_layers=self.num_layers,
                bidirectional=self.bidirectional,
                readout=self._readout,
                dropout=self.dropout,
                dtype=self._float,
                n_chars=None
                if self._char_vocabulary is None
                else len(self._char_vocabulary),
                char_embedding_dim=self.char_embedding_dim,
                char_hidden_size=self.char_hidden_size,
            )
        )

    @property
    def _arch(self) -> _network.Architecture:
        return self._model.arch

    def _after_structure_change(self) -> None:
        from dataclasses import replace

        self._model = _Model(replace(self._model.arch, dropout=self.dropout))

    def _split_validation(self, data: Samples):
        from sklearn.model_selection import train_test_split

        n = len(data.X)
        n_val = int(np.ceil(self.validation_fraction * n))
        if n_val < 2 or n - n_val < 1:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        seed = int(self._rng.integers(np.iinfo(np.int32).max))
        stratify = self._stratify(data.targets)
        if stratify is not None and stratify.ndim == 1:
            # a class with one sample cannot be stratified: split at random
            # (as the validation split of early_stopping="auto" must not fail
            # where a fit without it works)
            _, class_counts = np.unique(stratify, return_counts=True)
            if class_counts.min() < 2:
                stratify = None
        train_idx, val_idx = train_test_split(
            np.arange(n),
            test_size=self.validation_fraction,
            random_state=seed,
            stratify=stratify,
        )
        train_idx, val_idx = np.sort(train_idx), np.sort(val_idx)
        train = Samples(
            data.X.take(train_idx),
            self._subset_targets(data.targets, train_idx),
            data.weights[train_idx],
        )
        val = Samples(
            data.X.take(val_idx),
            self._subset_targets(data.targets, val_idx),
            data.weights[val_idx],
        )
        return train, val

    def _train_batches(self, data: Samples) -> list:
        units = self._loss_units(data.X.lengths)
        sums = self._class_weight_sums(data)
        if sums is None:
            mean_weight = np.dot(data.weights, units) / units.sum()
            mean_sw = float(np.mean(data.weights))
        else:
            mean_weight = np.dot(data.weights, sums) / units.sum()
            mean_sw = float(np.mean(data.weights * sums / units))
        if mean_weight <= 0:
            raise ValueError(
                "sample_weight of the training part must have a positive sum."
            )
        self._batch_norms = (mean_weight, mean_sw)
        batches = make_batches(
            data.X.lengths, self.batch_size, self._rng, shuffle=self.shuffle
        )
        return [(data, idx) for idx in batches]

    def _batch_gradients(self, params: dict, batch) -> BatchResult:
        data, idx = batch
        mean_weight, mean_sw = self._batch_norms
        Xb, Lb = data.X.pad(idx)
        Xb = self._drop_words(Xb)
        out, cache = _network.forward(
            params,
            self._arch,
            Xb,
            Lb,
            training=True,
            rng=self._rng,
            bptt_steps=self.bptt_steps,
        )
        units = float(self._loss_units(Lb).sum())
        loss, dout = self._loss(
            out,
            self._take_targets(data.targets, idx),
            Lb,
            data.weights[idx],
            units * mean_weight,
        )
        grads = _network.backward(
            params, self._arch, dout, cache, sparse_embedding=True
        )
        return BatchResult(loss, grads, units, len(idx), len(idx) * mean_sw)

    def _training_size(self, data: Samples) -> int:
        return len(data.X)

    def _validation_score(self, data: Samples) -> float:
        return self._score_targets(data.X, data.targets)

    # ------------------------------------------------------------------
    # inference
    # ------------------------------------------------------------------

    def _validate_for_predict(self, X) -> Ragged:
        check_is_fitted(self, "coefs_")
        X, _ = self._validate_input(X, reset=False, dtype=self._float)
        return X

    def _predict_batch_size(self, X: Ragged) -> int:
        size = max(self.batch_size, _PREDICT_CELLS // int(X.lengths.max()))
        return min(size, len(X))

    def _batches_for_predict(self, X: Ragged):
        return prediction_batches(X.lengths, self._predict_batch_size(X))

    def _forward_many_to_one(self, X: Ragged, what: str = "out") -> np.ndarray:
        """Head outputs (``what="out"``) or readouts (``"readout"``) per sample."""
        result = None
        with self._threads_for(self._predict_batch_size(X)):
            for idx in self._batches_for_predict(X):
                Xb, Lb = X.pad(idx)
                if what == "out":
                    values, _ = _network.forward(
                        self.coefs_, self._arch, Xb, Lb, keep_cache=False
                    )
                else:
                    values = _network.readout(self.coefs_, self._arch, Xb, Lb)
                if result is None:
                    shape = (len(X),) + values.shape[1:]
                    result = np.empty(shape, dtype=values.dtype)
                result[idx] = values
        return result

    def _forward_sequences(self, X: Ragged) -> list[np.ndarray]:
        """Head outputs at every step, one ``(T_i, n_outputs)`` array per sample."""
        result = [None] * len(X)
        with self._threads_for(self._predict_batch_size(X)):
            for idx in self._batches_for_predict(X):
                Xb, Lb = X.pad(idx)
                values, _ = _network.forward(
                    self.coefs_, self._arch, Xb, Lb, keep_cache=False
                )
                for i, v in zip(idx, unpad(values, Lb), strict=True):
                    result[i] = v
        return result

    def hidden_states(self, X, *, return_cell_states: bool = False):
        """Outputs of the top recurrent layer at every time step.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.
        return_cell_states : bool, default=False
            Also return the LSTM cell states of the top layer (``cell="lstm"``
            only).

        Returns
        -------
        hidden : list of ndarray of shape (T_i, hidden_size * num_directions)
            One array per sequence. For a bidirectional network the forward
            direction's states come first.
        cells : list of ndarray of shape (T_i, hidden_size * num_directions)
            Only with ``return_cell_states=True``.
        """
        X = self._validate_for_predict(X)
        if return_cell_states and self._arch.cell != "lstm":
            raise ValueError(
                f"return_cell_states=True needs cell='lstm'; this model's cell is "
                f"{self._arch.cell!r}."
            )
        hidden = [None] * len(X)
        cells = [None] * len(X)
        with self._threads_for(self._predict_batch_size(X)):
            for idx in self._batches_for_predict(X):
                Xb, Lb = X.pad(idx)
                top, _, _, top_cells = _network.run_layers(
                    self.coefs_, self._arch, Xb, Lb, cell_states=return_cell_states
                )
                for j, (i, h) in enumerate(zip(idx, unpad(top, Lb), strict=True)):
                    hidden[i] = h
                    if return_cell_states:
                        cells[i] = top_cells[: Lb[j], j]
        if return_cell_states:
            return hidden, cells
        return hidden


class ManyToOneRNN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, SupervisedRNN):
    """Shared part of the classifier and the regressor (one output per sequence)."""

    _parameter_constraints: dict = {
        **SupervisedRNN._parameter_constraints,
        "pooling": [StrOptions({"last", "mean", "max"})],
    }

    @property
    def _readout(self) -> str:
        return self.pooling

    @property
    def _n_features_out(self) -> int:
        return self._arch.output_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # transform returns the network's own float type
        tags.transformer_tags.preserves_dtype = (
            ["float64", "float32"] if self.dtype is None else [self.dtype]
        )
        return tags

    def _loss(self, out, targets, lengths, weights, norm):
        return _losses.LOSSES[self._loss_kind](out, targets, weights, norm)

    def transform(self, X) -> np.ndarray:
        """The pooled sequence representation that feeds the output layer.

        With ``pooling="last"`` it is the state after each sequence's last step
        (for a bidirectional network joined with the backward state at the first
        step); with ``"mean"``/``"max"`` the top layer's outputs pooled over the
        real steps. A fitted estimator can therefore be a feature step in a
        :class:`~sklearn.pipeline.Pipeline`.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Sequences in any of the accepted input forms.

        Returns
        -------
        ndarray of shape (n_samples, hidden_size * num_directions)
        """
        X = self._validate_for_predict(X)
        return self._forward_many_to_one(X, what="readout")
