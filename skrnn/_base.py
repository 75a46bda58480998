"""BaseRNN: hyperparameters, validation, the training loop, early stopping, verbose.

One private ``_fit(X, y, sample_weight, incremental, classes)`` serves ``fit``,
``partial_fit`` and ``warm_start``. The subclasses (classifier, regressor, tagger)
only say how targets are encoded, which loss they use and how they score.
"""

from __future__ import annotations

import sys
import time
import warnings
from abc import ABCMeta, abstractmethod
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from . import _losses, _network
from ._cells import N_GATES
from ._data import (
    Ragged,
    float_dtype,
    make_batches,
    prediction_batches,
    unpad,
    validate_sequences,
)
from ._optim import SGD, Adam, clip_grad_norm, l2_penalty
from ._threads import SMALL_STEP, single_blas_thread

#: Hyperparameters that define the network built at the first fit.
_STRUCTURE = (
    "cell",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "embedding_dim",
    "pooling",
    "min_frequency",
    "dtype",
)

#: Largest number of (time step x sequence) cells in one prediction batch.
_PREDICT_CELLS = 1 << 18


class BaseRNN(BaseEstimator, metaclass=ABCMeta):
    """Base class of the skrnn estimators; not for direct use."""

    _parameter_constraints: dict = {
        "cell": [StrOptions({"rnn", "lstm", "gru"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "solver": [StrOptions({"adam", "sgd"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "dtype": [StrOptions({"float32", "float64"}), None],
    }

    # the subclass's readout of the recurrent stack ("sequence" for tagging)
    @property
    @abstractmethod
    def _readout(self) -> str: ...

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        embedding_dim=32,
        min_frequency=1,
        dropout=0.0,
        solver="adam",
        learning_rate_init=0.001,
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
        early_stopping=False,
        validation_fraction=0.1,
        max_grad_norm=5.0,
        bptt_steps=None,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dtype=None,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.embedding_dim = embedding_dim
        self.min_frequency = min_frequency
        self.dropout = dropout
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.alpha = alpha
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.max_grad_norm = max_grad_norm
        self.bptt_steps = bptt_steps
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.dtype = dtype

    # ------------------------------------------------------------------
    # hooks for the subclasses
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
    def _validation_score(self, X: Ragged, targets) -> float:
        """Score on held-out data, higher is better."""

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

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------

    @property
    def _float(self) -> np.dtype:
        """Floating type of the weights and the computation, fixed at the first fit."""
        return self._dtype

    def _choose_dtype(self, X) -> None:
        if self.dtype is not None:
            self._dtype = np.dtype(self.dtype)
        else:
            # scikit-learn's convention (as MLP): float32 data stays float32,
            # anything else computes in float64
            self._dtype = np.dtype(float_dtype(X))

    def _architecture(self) -> _network.Architecture:
        categorical = self._input_kind == "categorical"
        return _network.Architecture(
            cell=self.cell,
            hidden_size=self.hidden_size,
            n_outputs=self.n_outputs_,
            input_size=None if categorical else self._n_step_features,
            n_embeddings=len(self.vocabulary_) + 1 if categorical else None,
            embedding_dim=self.embedding_dim,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            readout=self._readout,
            dropout=self.dropout,
            dtype=self._float,
        )

    def _optimizer_settings(self) -> tuple[type, dict]:
        if self.solver == "adam":
            return Adam, dict(
                learning_rate=self.learning_rate_init,
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
            )
        return SGD, dict(
            learning_rate=self.learning_rate_init,
            momentum=self.momentum,
            nesterov=self.nesterovs_momentum,
        )

    def _make_optimizer(self):
        kind, settings = self._optimizer_settings()
        return kind(**settings)

    def _continue_training(self) -> None:
        """Prepare a warm start or a partial_fit: same network, current settings."""
        changed = [
            name
            for name, value in self._structure.items()
            if getattr(self, name) != value
        ]
        if changed:
            raise ValueError(
                f"{', '.join(changed)} changed since the network was built. "
                "warm_start and partial_fit keep training the same network; set "
                "warm_start=False (or clone the estimator) to build a new one."
            )
        self._arch = replace(self._arch, dropout=self.dropout)
        # the optimiser keeps its state and takes the current settings; a changed
        # solver starts a fresh one
        kind, settings = self._optimizer_settings()
        if not isinstance(self._optimizer, kind):
            self._optimizer = kind(**settings)
        for name, value in settings.items():
            setattr(self._optimizer, name, value)

    def _reset_stopping(self, early: bool) -> None:
        """Fresh stopping state for a call to fit (each draws its own split)."""
        self._no_improvement_count = 0
        if early:
            if self.validation_scores_ is None:
                self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_, default=np.inf)

    def _initialize(self):
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        self._rng = np.random.default_rng(seed)
        self._arch = self._architecture()
        self.coefs_ = _network.init_params(self._arch, self._rng)
        self._structure = {
            name: getattr(self, name) for name in _STRUCTURE if hasattr(self, name)
        }
        self._optimizer = self._make_optimizer()
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.validation_scores_ = None

    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        first_call = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        if first_call:
            self._choose_dtype(X)
        X = validate_sequences(self, X, reset=first_call, dtype=self._float)
        if first_call and self.dtype is None and self._input_kind == "categorical":
            # token input has no float type of its own: use the fast one
            self._dtype = np.dtype(np.float32)
        targets = self._encode_targets(y, X, reset=first_call, classes=classes)
        n = len(X)
        sw = _check_sample_weight(
            sample_weight, np.empty(n), dtype=np.float64, ensure_non_negative=True
        )
        if first_call:
            self._initialize()
        else:
            self._continue_training()
        early = self.early_stopping and not incremental
        if first_call or not incremental:
            self._reset_stopping(early)
        if early:
            X_train, t_train, sw_train, X_val, t_val = self._split_validation(
                X, targets, sw
            )
        else:
            X_train, t_train, sw_train = X, targets, sw
            X_val = t_val = None
        units_train = self._loss_units(X_train.lengths)
        mean_weight = np.dot(sw_train, units_train) / units_train.sum()
        if mean_weight <= 0:
            raise ValueError(
                "sample_weight of the training part must have a positive sum."
            )

        with single_blas_thread(self._small_steps(len(X_train))):
            stopped = self._epochs(
                X_train, t_train, sw_train, mean_weight, X_val, t_val, incremental
            )
        if early:
            # the best epoch's weights, a copy that later training may update
            self.coefs_, self._best_coefs = self._best_coefs, None
        if not stopped and not incremental and self.n_iter_ >= self.max_iter:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def _small_steps(self, n_samples: int) -> bool:
        """Whether the per-step product is small enough for one BLAS thread."""
        batch = min(self.batch_size, n_samples)
        gates = N_GATES[self._arch.cell] * self._arch.hidden_size
        return batch * self._arch.hidden_size * gates <= SMALL_STEP

    def _epochs(
        self, X_train, t_train, sw_train, mean_weight, X_val, t_val, incremental
    ):
        """Run the epochs of one call; True when training stopped on its own."""
        early = X_val is not None
        max_iter = 1 if incremental else self.max_iter
        stopped = False
        for _ in range(max_iter):
            start = time.perf_counter()
            # overflow shows up as a non-finite loss, which raises a clear error
            with np.errstate(over="ignore", invalid="ignore"):
                epoch_loss = self._run_epoch(X_train, t_train, sw_train, mean_weight)
            self.n_iter_ += 1
            self.loss_ = epoch_loss
            self.loss_curve_.append(epoch_loss)
            if early:
                score = self._validation_score(X_val, t_val)
                self.validation_scores_.append(score)
            # partial_fit runs one epoch and never stops on its own
            stop = False if incremental else self._update_no_improvement(early)
            if incremental and self.best_loss_ is not None:
                self.best_loss_ = min(self.best_loss_, epoch_loss)
            if self.verbose:
                self._print_epoch(time.perf_counter() - start)
            if stop:
                stopped = True
                if self.verbose:
                    print(
                        f"No improvement of at least tol={self.tol} for "
                        f"{self.n_iter_no_change} consecutive epochs; stopping."
                    )
                break
        return stopped

    def _split_validation(self, X: Ragged, targets, sw):
        from sklearn.model_selection import train_test_split

        n = len(X)
        n_val = int(np.ceil(self.validation_fraction * n))
        if n_val < 2 or n - n_val < 1:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        seed = int(self._rng.integers(np.iinfo(np.int32).max))
        idx = np.arange(n)
        train_idx, val_idx = train_test_split(
            idx,
            test_size=self.validation_fraction,
            random_state=seed,
            stratify=self._stratify(targets),
        )
        train_idx, val_idx = np.sort(train_idx), np.sort(val_idx)
        return (
            X.take(train_idx),
            self._subset_targets(targets, train_idx),
            sw[train_idx],
            X.take(val_idx),
            self._subset_targets(targets, val_idx),
        )

    def _run_epoch(self, X: Ragged, targets, sw, mean_weight) -> float:
        params = self.coefs_
        arch = self._arch
        lengths = X.lengths
        batches = make_batches(
            lengths, self.batch_size, self._rng, shuffle=self.shuffle
        )
        total, n_seen = 0.0, 0
        mean_sw = float(np.mean(sw))
        show_bar = self.verbose >= 2
        for k, idx in enumerate(batches):
            Xb, Lb = X.pad(idx)
            out, cache = _network.forward(
                params,
                arch,
                Xb,
                Lb,
                training=True,
                rng=self._rng,
                bptt_steps=self.bptt_steps,
            )
            wb = sw[idx]
            units = float(self._loss_units(Lb).sum())
            norm = units * mean_weight
            loss, dout = self._loss(out, self._take_targets(targets, idx), Lb, wb, norm)
            grads = _network.backward(params, arch, dout, cache)
            if self.alpha:
                # MLP's scaling (alpha / batch size), counted in sample weight so
                # that a weight of k equals k repetitions of a sample
                loss += l2_penalty(params, grads, self.alpha / (len(idx) * mean_sw))
            if not np.isfinite(loss):
                raise ValueError(
                    f"The training loss became {loss} at epoch {self.n_iter_ + 1}. "
                    "Training diverged: lower learning_rate_init, keep gradient "
                    "clipping on (max_grad_norm, e.g. 1.0), or scale the inputs "
                    "(skrnn.preprocessing.SequenceScaler)."
                )
            clip_grad_norm(grads, self.max_grad_norm)
            self._optimizer.step(params, grads)
            # the epoch's loss averages over loss terms (tagger: positions)
            total += loss * units
            n_seen += units
            self.t_ += len(idx)
            if show_bar:
                self._progress(k + 1, len(batches), total / n_seen)
        if show_bar:
            sys.stdout.write("\n")
        for name, p in params.items():
            if not np.isfinite(p).all():
                raise ValueError(
                    f"Parameter {name!r} holds non-finite values after epoch "
                    f"{self.n_iter_ + 1}: lower learning_rate_init or clip gradients "
                    "(max_grad_norm)."
                )
        return total / n_seen

    def _update_no_improvement(self, early: bool) -> bool:
        if early:
            score = self.validation_scores_[-1]
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_coefs = {k: v.copy() for k, v in self.coefs_.items()}
        else:
            loss = self.loss_curve_[-1]
            if loss > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if loss < self.best_loss_:
                self.best_loss_ = loss
        return self._no_improvement_count >= self.n_iter_no_change

    def _print_epoch(self, seconds: float) -> None:
        line = f"Epoch {self.n_iter_}: loss = {self.loss_:.6f}"
        if self.validation_scores_:
            line += f", validation score = {self.validation_scores_[-1]:.6f}"
        line += f" ({seconds:.2f}s)"
        print(line)

    @staticmethod
    def _progress(done: int, total: int, loss: float) -> None:
        width = 30
        filled = int(width * done / total)
        bar = "=" * filled + ">" * (filled < width) + "." * (width - filled - 1)
        sys.stdout.write(f"\r[{bar}] {done}/{total} batches, loss = {loss:.6f}")
        sys.stdout.flush()

    # ------------------------------------------------------------------
    # inference
    # ------------------------------------------------------------------

    def _check_classes_unchanged(self, classes) -> None:
        """partial_fit after the first call: ``classes`` must be the same."""
        if classes is not None and hasattr(self, "classes_"):
            if not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(
                    f"`classes={np.unique(classes)!r}` is not the same as on the "
                    f"first call to partial_fit, `{self.classes_!r}`."
                )

    def _validate_for_predict(self, X) -> Ragged:
        check_is_fitted(self, "coefs_")
        return validate_sequences(self, X, reset=False, dtype=self._float)

    def _batches_for_predict(self, X: Ragged):
        lengths = X.lengths
        T = int(lengths.max())
        size = max(self.batch_size, _PREDICT_CELLS // T)
        return prediction_batches(lengths, size)

    def _forward_many_to_one(self, X: Ragged, what: str = "out") -> np.ndarray:
        """Head outputs (``what="out"``) or readouts (``"readout"``) per sample."""
        batches, _ = self._batches_for_predict(X)
        result = None
        for idx in batches:
            Xb, Lb = X.pad(idx)
            if what == "out":
                values, _ = _network.forward(
                    self.coefs_, self._arch, Xb, Lb, keep_cache=False
                )
            else:
                values = _network.readout(self.coefs_, self._arch, Xb, Lb)
            if result is None:
                result = np.empty((len(X),) + values.shape[1:], dtype=values.dtype)
            result[idx] = values
        return result

    def _forward_sequences(self, X: Ragged) -> list[np.ndarray]:
        """Head outputs at every step, one ``(T_i, n_outputs)`` array per sample."""
        batches, _ = self._batches_for_predict(X)
        result = [None] * len(X)
        for idx in batches:
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
        batches, _ = self._batches_for_predict(X)
        hidden = [None] * len(X)
        cells = [None] * len(X)
        for idx in batches:
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


class ManyToOneRNN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseRNN):
    """Shared part of the classifier and the regressor (one output per sequence)."""

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "pooling": [StrOptions({"last", "mean", "max"})],
    }

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        embedding_dim=32,
        pooling="last",
        min_frequency=1,
        dropout=0.0,
        solver="adam",
        learning_rate_init=0.001,
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
        early_stopping=False,
        validation_fraction=0.1,
        max_grad_norm=5.0,
        bptt_steps=None,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dtype=None,
    ):
        super().__init__(
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            embedding_dim=embedding_dim,
            min_frequency=min_frequency,
            dropout=dropout,
            solver=solver,
            learning_rate_init=learning_rate_init,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            alpha=alpha,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            max_grad_norm=max_grad_norm,
            bptt_steps=bptt_steps,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            dtype=dtype,
        )
        self.pooling = pooling

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


#: Parameter documentation shared by the estimators' docstrings.
PARAMETERS_DOC = """cell : {"rnn", "lstm", "gru"}, default="lstm"
        Recurrent cell: vanilla ``tanh`` RNN, LSTM or GRU (PyTorch's equations).
    hidden_size : int, default=64
        Units in each recurrent layer (per direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Run every layer forwards and backwards over each sequence's real steps
        and join the two outputs.
    embedding_dim : int, default=32
        Width of the embedding layer used for token and character input.
    {pooling}min_frequency : int, default=1
        Tokens seen fewer times in ``fit`` share the id of unseen tokens.
    dropout : float, default=0.0
        Inverted dropout probability between layers and before the output layer,
        during training only.
    solver : {"adam", "sgd"}, default="adam"
        Optimiser; ``"sgd"`` uses ``momentum`` and ``nesterovs_momentum``.
    learning_rate_init : float, default=0.001
        Step size.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Nesterov momentum for ``solver="sgd"``.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical-stability term.
    alpha : float, default=0.0001
        L2 penalty on the weights (not the biases). As in
        :class:`~sklearn.neural_network.MLPClassifier` it is divided by the
        number of sequences in the batch.
    batch_size : int, default=32
        Sequences per mini-batch (capped at the number of samples). Batches are
        grouped by length so that little padding is computed.
    max_iter : int, default=200
        Maximum number of epochs.
    tol : float, default=1e-4
        Improvement of the training loss (or of the validation score with
        ``early_stopping``) below which an epoch counts as no improvement.
    n_iter_no_change : int, default=10
        Epochs without improvement after which training stops.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score stops
        improving and restore the best weights.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    max_grad_norm : float or None, default=5.0
        Clip the global norm of all gradients to this value; None turns
        clipping off.
    bptt_steps : int or None, default=None
        Truncated back-propagation through time: gradients flow back at most
        this many steps from each loss position. None is full BPTT.
    shuffle : bool, default=True
        Shuffle the samples each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, dropout and the validation split; an
        int makes training reproducible bit for bit.
    warm_start : bool, default=False
        Continue from the previous solution on the next call to ``fit``.
    verbose : int, default=0
        1 prints one line per epoch (loss, validation score, seconds); 2 adds a
        progress bar within each epoch.
    dtype : {"float32", "float64"} or None, default=None
        Floating-point type of the weights and of the computation. None follows
        scikit-learn's convention: float32 input computes in float32, other
        numeric input in float64; token and character input in float32.
        ``"float32"`` is about twice as fast for large hidden sizes."""

POOLING_DOC = """pooling : {"last", "mean", "max"}, default="last"
        Sequence representation fed to the output layer: the state after the
        last real step, or the top layer's outputs averaged or max-pooled over
        the real steps.
    """

ATTRIBUTES_DOC = """n_features_in_ : int
        Numeric input: the width of a 2-D ``X`` (time steps), otherwise the
        features per time step. Not set for token or character input.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    vocabulary_ : dict
        Token (or character) to id, for token and character input. Id 0 is kept
        for unseen tokens.
    coefs_ : dict of str to ndarray
        The weights, keyed and shaped as PyTorch's (``"rnn.weight_ih_l0"``, ...,
        ``"embedding.weight"``, ``"output.weight"``, ``"output.bias"``).
    n_iter_ : int
        Epochs run.
    t_ : int
        Training sequences seen.
    loss_ : float
        Training loss of the last epoch (including the L2 penalty).
    loss_curve_ : list of float
        Training loss of every epoch.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Validation score of every epoch (early stopping only).
    best_validation_score_ : float or None
        Best validation score (early stopping only)."""
