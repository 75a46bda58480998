"""BaseRNN: hyperparameters, the training loop, early stopping, verbose output.

One private ``_fit(X, y, sample_weight, incremental, classes)`` serves ``fit``,
``partial_fit`` and ``warm_start`` for every estimator. The loop knows nothing
about a model beyond "the loss and gradients of a batch": each estimator
supplies

- :meth:`BaseRNN._check_fit_data`: validate ``X`` and ``y`` (recording what a
  first fit learns: classes, vocabulary, input form) into a training set;
- :meth:`BaseRNN._build`: the model's parts, from what was recorded;
- :meth:`BaseRNN._split_validation`: the held-out part for early stopping;
- :meth:`BaseRNN._train_batches` and :meth:`BaseRNN._batch_gradients`: the
  mini-batches of an epoch and, for one of them, the loss and the gradients;
- :meth:`BaseRNN._validation_score`: the score early stopping watches.

The loop adds the L2 penalty, checks that the loss is finite, clips the global
gradient norm, steps the optimiser, tracks the loss curve, stops early and
prints. A call that fails leaves the estimator as it was before the call.
"""

from __future__ import annotations

import copy
import sys
import time
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._cells import CELLS
from ._input import SequenceInputMixin, float_dtype
from ._optim import SGD, Adam, clip_grad_norm, l2_penalty
from ._threads import single_blas_thread


class BatchResult(NamedTuple):
    """What an estimator's per-batch hook returns to the training loop.

    ``loss`` is the batch's mean loss and ``grads`` its gradients (a dict keyed
    like the parameters); ``units`` is the number of loss terms it averages
    over (sequences, or positions for tagging and language models), which
    weighs it in the epoch's mean; ``n_samples`` counts toward ``t_``;
    ``penalty_weight`` divides ``alpha`` in the L2 penalty (the batch's size in
    sample weight, as :class:`~sklearn.neural_network.MLPClassifier` divides
    by the batch size).
    """

    loss: float
    grads: dict
    units: float
    n_samples: int
    penalty_weight: float


def set_params_of_init(estimator, values: dict) -> None:
    """Store the arguments of an ``__init__`` as attributes (scikit-learn's rule:
    ``__init__`` stores its parameters unchanged and does nothing else)."""
    for name, value in values.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


class BaseRNN(SequenceInputMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of the skrnn estimators; not for direct use."""

    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
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

    #: Hyperparameters that define the network built at the first fit; warm
    #: starts and partial_fit refuse a change of any of them.
    _structure_params: tuple = (
        "cell",
        "hidden_size",
        "num_layers",
        "bidirectional",
        "embedding_dim",
        "pooling",
        "min_frequency",
        "dtype",
    )

    # ------------------------------------------------------------------
    # hooks for the subclasses
    # ------------------------------------------------------------------

    @abstractmethod
    def _check_fit_data(self, X, y, sample_weight, *, reset: bool, classes=None):
        """Validate the training data; with ``reset`` record what a first fit
        learns (input form, vocabulary, classes). Returns a training set."""

    @abstractmethod
    def _build(self):
        """The model's structure (parts and shapes), from the fitted attributes.

        It must have ``init_params(rng) -> dict``.
        """

    @abstractmethod
    def _split_validation(self, data):
        """Split a training set into the part trained on and the part held out."""

    @abstractmethod
    def _train_batches(self, data) -> list:
        """The mini-batches of one epoch (drawn with ``self._rng``)."""

    @abstractmethod
    def _batch_gradients(self, params: dict, batch) -> BatchResult:
        """Forward, loss and backward of one batch, in training mode."""

    @abstractmethod
    def _validation_score(self, data) -> float:
        """Score on held-out data, higher is better."""

    def _small_steps(self, data) -> bool:
        """Whether the per-step work is small enough for one BLAS thread."""
        return True

    def _early_stopping_on(self, data) -> bool:
        """Whether this fit holds out data for early stopping (an estimator
        may resolve an ``early_stopping="auto"`` from the data)."""
        return bool(self.early_stopping)

    def _epoch_details(self) -> str:
        """Extra text for the ``verbose`` line of the epoch just run (a language
        model adds bits per character or perplexity); empty by default."""
        return ""

    def _after_structure_change(self) -> None:
        """Update the model with training settings changed since the last call
        (such as ``dropout``) before a warm start or a ``partial_fit``."""

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------

    @property
    def _float(self) -> np.dtype:
        """Floating type of the weights and the computation, fixed at the first fit."""
        return self._dtype

    def _choose_dtype(self, X) -> np.dtype:
        if self.dtype is not None:
            return np.dtype(self.dtype)
        # scikit-learn's convention (as MLP): float32 data stays float32,
        # anything else computes in float64
        return np.dtype(float_dtype(X))

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
        self._after_structure_change()
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

    def _initialize(self) -> None:
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        self._rng = np.random.default_rng(seed)
        self._model = self._build()
        self.coefs_ = self._model.init_params(self._rng)
        self._structure = {
            name: getattr(self, name)
            for name in self._structure_params
            if hasattr(self, name)
        }
        kind, settings = self._optimizer_settings()
        self._optimizer = kind(**settings)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.validation_scores_ = None

    def _snapshot(self) -> dict:
        """A deep copy of everything but the hyperparameters."""
        params = set(self.get_params(deep=False))
        return {k: copy.deepcopy(v) for k, v in vars(self).items() if k not in params}

    def _restore(self, snapshot: dict) -> None:
        params = set(self.get_params(deep=False))
        for k in [k for k in vars(self) if k not in params]:
            delattr(self, k)
        vars(self).update(snapshot)

    def _fit(self, X, y=None, sample_weight=None, *, incremental=False, classes=None):
        """Train; on any error restore the state from before the call, and raise.

        An interrupted fit (``KeyboardInterrupt``) keeps what it reached.
        """
        snapshot = self._snapshot()
        try:
            return self._fit_unguarded(X, y, sample_weight, incremental, classes)
        except Exception:
            self._restore(snapshot)
            raise

    def _fit_unguarded(self, X, y, sample_weight, incremental, classes):
        first_call = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        if first_call:
            self._dtype = self._choose_dtype(X)
        data = self._check_fit_data(
            X, y, sample_weight, reset=first_call, classes=classes
        )
        if first_call:
            self._initialize()
        else:
            self._continue_training()
        early = self._early_stopping_on(data) and not incremental
        if first_call or not incremental:
            self._reset_stopping(early)
        if early:
            train, val = self._split_validation(data)
        else:
            train, val = data, None
        with single_blas_thread(self._small_steps(train)):
            stopped = self._epochs(train, val, incremental)
        if early:
            # the best epoch's weights, a copy that later training may update
            self.coefs_, self._best_coefs = self._best_coefs, None
        if not stopped and not incremental and self.n_iter_ >= self.max_iter:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )
        return self

    def _epochs(self, train, val, incremental: bool) -> bool:
        """Run the epochs of one call; True when training stopped on its own."""
        early = val is not None
        max_iter = 1 if incremental else self.max_iter
        stopped = False
        for _ in range(max_iter):
            start = time.perf_counter()
            # overflow shows up as a non-finite loss, which raises a clear error
            with np.errstate(over="ignore", invalid="ignore"):
                epoch_loss = self._run_epoch(train)
            self.n_iter_ += 1
            self.loss_ = epoch_loss
            self.loss_curve_.append(epoch_loss)
            if early:
                score = self._validation_score(val)
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

    def _run_epoch(self, train) -> float:
        params = self.coefs_
        batches = self._train_batches(train)
        total, n_seen = 0.0, 0
        show_bar = self.verbose >= 2
        for k, batch in enumerate(batches):
            result = self._batch_gradients(params, batch)
            loss, grads = result.loss, result.grads
            if self.alpha:
                # MLP's scaling (alpha / batch size), counted in sample weight so
                # that a weight of k equals k repetitions of a sample
                loss += l2_penalty(params, grads, self.alpha / result.penalty_weight)
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
            total += loss * result.units
            n_seen += result.units
            self.t_ += result.n_samples
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
        line += self._epoch_details()
        line += f" ({seconds:.2f}s)"
        print(line)

    @staticmethod
    def _progress(done: int, total: int, loss: float) -> None:
        width = 30
        filled = int(width * done / total)
        bar = "=" * filled + ">" * (filled < width) + "." * (width - filled - 1)
        sys.stdout.write(f"\r[{bar}] {done}/{total} batches, loss = {loss:.6f}")
        sys.stdout.flush()

    def _check_classes_unchanged(self, classes) -> None:
        """partial_fit after the first call: ``classes`` must be the same."""
        if classes is not None and hasattr(self, "classes_"):
            if not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(
                    f"`classes={np.unique(classes)!r}` is not the same as on the "
                    f"first call to partial_fit, `{self.classes_!r}`."
                )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


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
