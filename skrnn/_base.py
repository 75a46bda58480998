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
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ._cells import CELLS
from ._input import DOC_LINK_TEMPLATE, SequenceInputMixin, float_dtype
from ._optim import SGD, Adam, clip_grad_norm, l2_penalty
from ._ragged import TokenBatch
from ._threads import single_blas_thread, small_step
from ._warnings import warn

#: ``early_stopping="auto"`` holds out ``validation_fraction`` of the data when
#: the training set has at least this many samples (see the training guide for
#: the measurements behind it).
AUTO_EARLY_STOPPING_MIN = 10_000

#: The adaptive learning rate is divided by this when the loss stalls, until it
#: falls below ``_MIN_ADAPTIVE_RATE`` (scikit-learn's MLP rule).
_ADAPTIVE_DIVISOR = 5.0
_MIN_ADAPTIVE_RATE = 1e-6

#: An epoch whose mean training loss is more than this many times the reference
#: (the loss of the network as each call starts, or the best epoch's loss if
#: that is higher; see ``BaseRNN._check_divergence``) has diverged, even if the
#: loss is still finite.
DIVERGENCE_FACTOR = 100.0

_DIVERGENCE_ADVICE = (
    "Training diverged: lower learning_rate_init, keep gradient clipping on "
    "(max_grad_norm, e.g. 1.0), or scale the inputs "
    "(skrnn.preprocessing.SequenceScaler)."
)


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


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class BaseRNN(SequenceInputMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of the skrnn estimators; not for direct use."""

    # the HTML representation's "?" links to skrnn's API pages, not sklearn's
    _doc_link_module = "skrnn"
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "char_embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "char_hidden_size": [Interval(Integral, 1, None, closed="left"), None],
        "word_dropout": [Interval(Real, 0, None, closed="left")],
        "embedding_init": [dict, None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "solver": [StrOptions({"adam", "sgd"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
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
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "dtype": [StrOptions({"float32", "float64"}), None],
    }

    _class_weight_constraint: dict = {
        "class_weight": [dict, StrOptions({"balanced"}), None]
    }

    #: Hyperparameters that define the network built at the first fit; warm
    #: starts and partial_fit refuse a change of any of them.
    _structure_params: tuple = (
        "cell",
        "hidden_size",
        "num_layers",
        "bidirectional",
        "embedding_dim",
        "char_embedding_dim",
        "char_hidden_size",
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
        """Whether the per-step work of training is small enough for one BLAS
        thread (see :mod:`skrnn._threads`)."""
        return small_step(
            min(self.batch_size, self._training_size(data)), *self._step_shape()
        )

    #: The parameter that ``embedding_init`` fills (the input tokens' table).
    _embedding_key = "embedding.weight"

    def _apply_embedding_init(self) -> None:
        """Start the rows of the tokens ``embedding_init`` knows from its vectors."""
        vectors = getattr(self, "embedding_init", None)
        if vectors is None:
            return
        if self._vocabulary is None:
            raise ValueError(
                "embedding_init gives vectors of tokens, but X holds numeric "
                "sequences; it applies to token and character input."
            )
        table = self.coefs_[self._embedding_key]
        for token, row in self._vocabulary.index.items():
            if token in vectors:
                vector = np.asarray(vectors[token], dtype=np.float64).ravel()
                if vector.shape != (table.shape[1],):
                    raise ValueError(
                        f"embedding_init[{token!r}] has {vector.size} values but "
                        f"embedding_dim is {table.shape[1]}."
                    )
                if not np.isfinite(vector).all():
                    raise ValueError(f"embedding_init[{token!r}] is not finite.")
                table[row] = vector

    def _drop_words(self, ids):
        """Word dropout (Kiperwasser & Goldberg, 2016): each training token is
        replaced by the unknown id with probability ``word_dropout / (word_dropout
        + count)``, ``count`` being its frequency in the fit's data, so rare words
        are dropped most and the unknown token's vector learns to stand for
        them. The spelling of a character-aware token is kept."""
        if not self.word_dropout or self._vocabulary is None:
            return ids
        words = ids.words if isinstance(ids, TokenBatch) else ids
        counts = self._vocabulary.counts[words]
        p = self.word_dropout / (self.word_dropout + counts)
        # reserved symbols (the end and start markers) are never dropped
        p[words < len(self._vocabulary.specials)] = 0.0
        dropped = np.where(self._rng.random(words.shape) < p, 0, words)
        if isinstance(ids, TokenBatch):
            return TokenBatch(dropped, ids.types, ids.chars, ids.char_lengths)
        return dropped

    def _step_shape(self) -> tuple[int, int]:
        """``(hidden, gates)`` of the recurrent product, as built at the first fit."""
        structure = self._structure
        return structure["hidden_size"], CELLS[structure["cell"]].n_gates

    def _threads_for(self, batch: int):
        """The BLAS thread policy for inference on batches of ``batch`` rows."""
        return single_blas_thread(small_step(batch, *self._step_shape()))

    def _training_size(self, data) -> int:
        """The size ``early_stopping="auto"`` compares with its threshold."""
        return len(data)

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
        self._set_optimizer(**settings)

    def _early_stopping_on(self, data) -> bool:
        """Whether this fit holds out data (``early_stopping`` resolved)."""
        if self.early_stopping == "auto":
            return self._training_size(data) >= AUTO_EARLY_STOPPING_MIN
        return bool(self.early_stopping)

    def _current_learning_rate(self) -> float:
        """The step size of the next epoch under the ``learning_rate`` schedule.

        ``"constant"``: ``learning_rate_init``; ``"invscaling"``:
        ``learning_rate_init / (t_ + 1) ** power_t`` (updated once per epoch, as
        scikit-learn's MLP does); ``"adaptive"``: ``learning_rate_init`` divided
        by 5 each time ``n_iter_no_change`` epochs pass without improvement.
        """
        if self.learning_rate == "invscaling":
            return self.learning_rate_init / (self.t_ + 1) ** self.power_t
        if self.learning_rate == "adaptive":
            return self._adaptive_rate
        return self.learning_rate_init

    def _reset_stopping(self, early: bool) -> None:
        """Fresh stopping state for a call to fit (each draws its own split)."""
        self._no_improvement_count = 0
        self._adaptive_rate = self.learning_rate_init
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
        self._apply_embedding_init()
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

    def _reference_loss(self, train, params: dict) -> float | None:
        """The yardstick of divergence, measured: the loss of the network
        ``params`` (as the call started), the highest of its losses on up to
        four batches spread over the data (batches are grouped by length, and
        one batch alone can be far from typical: short sequences with small
        targets, say). The random state is left as it was, so training draws
        the same batches and dropout masks as without this. None: keep the
        first training batch's loss."""
        rng = copy.deepcopy(self._rng)
        try:
            batches = self._train_batches(train)
            n = min(4, len(batches))
            picked = np.unique(np.linspace(0, len(batches) - 1, n).astype(int))
            with np.errstate(over="ignore", invalid="ignore"):
                losses = [
                    self._batch_gradients(params, batches[k]).loss for k in picked
                ]
        finally:
            self._rng = rng
        finite = [loss for loss in losses if np.isfinite(loss)]
        return max(finite) if finite else None

    def _set_optimizer(self, **settings) -> None:
        """Change optimiser settings; embedding rows first take the steps they
        missed under the old ones (see ``skrnn._optim``)."""
        opt = self._optimizer
        if any(
            getattr(opt, k, None) != v
            for k, v in settings.items()
            if k in opt.CATCH_UP_SETTINGS
        ):
            opt.catch_up(self.coefs_)
        for name, value in settings.items():
            setattr(opt, name, value)

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
            return self._fit_unguarded(
                X, y, sample_weight, incremental, classes, snapshot
            )
        except Exception:
            self._restore(snapshot)
            raise

    def _fit_unguarded(self, X, y, sample_weight, incremental, classes, snapshot):
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
        early = not incremental and self._early_stopping_on(data)
        if first_call or not incremental:
            self._reset_stopping(early)
        if early:
            train, val = self._split_validation(data)
        else:
            train, val = data, None
        # the yardstick of divergence: the first batch's loss, measured on
        # more of the data with the weights of the call's start only when an
        # epoch looks diverged against it (see _check_divergence)
        self._loss_reference = None
        # the weights as the call starts: a continued fit's are the snapshot's
        # copy (never modified), a new network's are copied here
        self._start_coefs = (
            {k: v.copy() for k, v in self.coefs_.items()}
            if first_call
            else snapshot["coefs_"]
        )
        try:
            with single_blas_thread(self._small_steps(train)):
                stopped = self._epochs(train, val, incremental)
        finally:
            del self._start_coefs
        if early:
            # the best epoch's weights, a copy that later training may update
            self.coefs_, self._best_coefs = self._best_coefs, None
        if not stopped and not incremental and self.n_iter_ >= self.max_iter:
            warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        return self

    def _epochs(self, train, val, incremental: bool) -> bool:
        """Run the epochs of one call; True when training stopped on its own."""
        early = val is not None
        max_iter = 1 if incremental else self.max_iter
        stopped = False
        for _ in range(max_iter):
            start = time.perf_counter()
            self._set_optimizer(learning_rate=self._current_learning_rate())
            # overflow shows up as a non-finite loss, which raises a clear error
            with np.errstate(over="ignore", invalid="ignore"):
                epoch_loss = self._run_epoch(train)
            self._check_divergence(epoch_loss, train)
            self.n_iter_ += 1
            self.loss_ = epoch_loss
            self.loss_curve_.append(epoch_loss)
            if early:
                score = self._validation_score(val)
                self.validation_scores_.append(score)
            # partial_fit runs one epoch and never stops on its own
            stop = False if incremental else self._update_no_improvement(early)
            if stop and self._adapt_learning_rate():
                stop = False
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
        # the bar redraws one line: only where a terminal shows it so
        show_bar = self.verbose >= 2 and _is_terminal(sys.stdout)
        for k, batch in enumerate(batches):
            result = self._batch_gradients(params, batch)
            loss, grads = result.loss, result.grads
            if self.alpha:
                # MLP's scaling (alpha / batch size), counted in sample weight so
                # that a weight of k equals k repetitions of a sample
                loss += l2_penalty(params, grads, self.alpha / result.penalty_weight)
            if self._loss_reference is None:
                # this call's first batch: the yardstick of divergence
                self._loss_reference = loss
            if not np.isfinite(loss):
                raise ValueError(
                    f"The training loss became {loss} at epoch {self.n_iter_ + 1}. "
                    + _DIVERGENCE_ADVICE
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
                    f"{self.n_iter_ + 1}. " + _DIVERGENCE_ADVICE
                )
        return total / n_seen

    def _adapt_learning_rate(self) -> bool:
        """With ``learning_rate="adaptive"``, divide the rate instead of stopping
        (until it is tiny); True when training goes on."""
        if (
            self.learning_rate != "adaptive"
            or self._adaptive_rate <= _MIN_ADAPTIVE_RATE
        ):
            return False
        self._adaptive_rate /= _ADAPTIVE_DIVISOR
        self._no_improvement_count = 0
        if self.verbose:
            print(f"Setting learning rate to {self._adaptive_rate:g}")
        return True

    def _check_divergence(self, loss: float, train) -> None:
        """Raise when the epoch's loss exploded relative to the reference.

        The reference is the larger of the network's loss as the call started
        and the best epoch's loss. The first batch's loss stands for the
        former until an epoch exceeds the threshold against it; then the loss
        of the call's starting weights is measured on batches spread over the
        data (the first batch alone may hold the shortest sequences), and only
        a loss above that threshold too is divergence. Ordinary training never
        pays for the measurement.
        """
        best = min(self.loss_curve_, default=0.0)
        reference = max(self._loss_reference, best)
        start = getattr(self, "_start_coefs", None)
        if reference > 0 and loss > DIVERGENCE_FACTOR * reference and start:
            measured = self._reference_loss(train, start)
            self._start_coefs = None  # measured once per call
            if measured is not None:
                self._loss_reference = max(self._loss_reference, measured)
            reference = max(self._loss_reference, best)
        if reference > 0 and loss > DIVERGENCE_FACTOR * reference:
            raise ValueError(
                f"The training loss rose to {loss:.4g} at epoch {self.n_iter_ + 1}, "
                f"more than {DIVERGENCE_FACTOR:g} times {reference:.4g} (the loss "
                "of the network before this call's training, or of the best "
                "epoch). " + _DIVERGENCE_ADVICE
            )

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
    char_hidden_size : int or None, default=None
        Character-aware tokens (token-list input): each token's vector joins
        its word embedding with the final states of a bidirectional recurrent
        layer of this many units per direction reading the token's characters
        (C2W, Ling et al., 2015), so a word never seen in training still gets
        a vector from its spelling. None uses the word embedding alone.
    char_embedding_dim : int, default=16
        Width of the character embedding of ``char_hidden_size``.
    embedding_init : dict or None, default=None
        Pretrained token vectors, ``{token: vector of embedding_dim values}``:
        the embedding rows of the tokens of the fit's vocabulary found in it
        start from these vectors (and train on); the other rows start at
        random. Token and character input only.
    word_dropout : float, default=0.0
        Word dropout for token and character input: in training, a token is
        replaced by the unknown token with probability ``word_dropout /
        (word_dropout + count)``, ``count`` being its frequency in the training
        data (Kiperwasser & Goldberg, 2016, use 0.25), so the unknown token's
        vector is trained for the rare words it stands for at prediction.
    {pooling}min_frequency : int, default=1
        Tokens seen fewer times in ``fit`` share the id of unseen tokens.
    dropout : float, default=0.0
        Inverted dropout probability between layers and before the output layer,
        during training only.
    {class_weight}solver : {"adam", "sgd"}, default="adam"
        Optimiser; ``"sgd"`` uses ``momentum`` and ``nesterovs_momentum``.
    learning_rate_init : float, default=0.001
        Initial step size.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule, for both solvers (scikit-learn's MLP names):
        ``"constant"`` keeps ``learning_rate_init``; ``"invscaling"`` uses
        ``learning_rate_init / (t_ + 1) ** power_t`` from epoch to epoch;
        ``"adaptive"`` divides the rate by 5 each time ``n_iter_no_change``
        epochs pass without an improvement of ``tol`` (of the training loss, or
        of the validation score with early stopping), and stops once the rate
        is below 1e-6.
    power_t : float, default=0.5
        Exponent of ``"invscaling"``.
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
        number of sequences in the batch. The embedding of token input is
        penalised, and updated, only in the rows of the tokens a batch uses, so
        a batch costs the same whatever the size of the vocabulary (the motion
        of dense Adam in the steps a row missed is applied when it is next
        used; see the training guide).
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
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the data, stop when its score stops
        improving and restore the best weights. ``"auto"`` turns it on when the
        training set has at least 10,000 sequences, where the held-out part
        is large enough to judge by and costs little (see the training guide
        for the measurements).
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

CLASS_WEIGHT_DOC = """class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, multiplying ``sample_weight``:
        ``{label: weight}``, or ``"balanced"`` for ``n / (n_classes *
        count(label))`` computed on the ``y`` passed to ``fit``, {unit}.
        Not supported by ``partial_fit`` with ``"balanced"``; compute the
        weights with :func:`sklearn.utils.class_weight.compute_class_weight`
        and pass them as a dict.
    """

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


def parameters_doc(*, pooling: bool, class_weight: str | None) -> str:
    """The shared Parameters section, with the optional entries an estimator has.

    ``class_weight`` says what "balanced" counts (None: no such parameter).
    """
    doc = PARAMETERS_DOC.replace("{pooling}", POOLING_DOC if pooling else "")
    entry = (
        "" if class_weight is None else CLASS_WEIGHT_DOC.replace("{unit}", class_weight)
    )
    return doc.replace("{class_weight}", entry)
