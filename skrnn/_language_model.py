"""RNNLanguageModel: character and word language models (many-to-many, shifted by
one step), trained by stateful truncated back-propagation through time."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from numbers import Integral, Real

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import BaseRNN, BatchResult, parameters_doc, set_params_of_init
from ._cells import N_GATES
from ._lm_network import LanguageNetwork
from ._losses import masked_loss
from ._ragged import (
    Ragged,
    TokenBatch,
    TokenRagged,
    document_stream,
    n_parallel_streams,
    parallel_streams,
    prediction_batches,
    spelled_stream,
    token_batch,
    unpad,
    with_marker,
)
from ._stack import State
from ._threads import SMALL_STEP
from ._vocabulary import END, UNKNOWN

#: Ids of the two reserved symbols.
UNKNOWN_ID, END_ID = 0, 1

#: ``early_stopping="auto"`` holds data out when the training text has more
#: tokens than this (scikit-learn's HistGradientBoosting uses 10,000 samples).
_AUTO_EARLY_STOPPING_TOKENS = 10_000

#: Documents read side by side at inference, and the largest number of
#: (step x document x vocabulary) logits held at once: inference memory stays
#: near 16 MB (float32) whatever the length of the documents.
_PREDICT_DOCS = 256
_PREDICT_LOGITS = 1 << 22
#: Fewest steps read per piece (each piece lays out the weights once).
_MIN_PIECE = 16


@dataclass
class _Epoch:
    """One epoch's streams and the state carried from window to window."""

    inputs: np.ndarray  # (L, S) ids
    targets: np.ndarray  # (L, S) ids
    lengths: np.ndarray  # (S,)
    states: list  # states after the last window trained
    types: np.ndarray | None = None  # (L, S) type ids (character-aware)
    spellings: Ragged | None = None  # the types' character ids


#: The language model's own text for the shared parameters whose default or
#: meaning differ (see ``PARAMETERS_DOC`` in :mod:`skrnn._base`).
_OWN_PARAMETERS = {
    "hidden_size": """hidden_size : int, default=128
        Units in each recurrent layer.""",
    "learning_rate_init": """learning_rate_init : float, default=0.01
        Step size.""",
    "alpha": """alpha : float, default=0.0001
        L2 penalty on the weights (not the biases), divided by the number of
        streams read in the window (as :class:`~sklearn.neural_network.
        MLPClassifier` divides it by the batch size).""",
    "batch_size": """batch_size : int, default=32
        Parallel streams the joined documents are cut into (fewer when the
        text is too short to give each stream a full window of ``bptt_steps``
        tokens). Each training step reads one window of every stream.""",
    "early_stopping": """early_stopping : bool or "auto", default="auto"
        Hold out the last ``validation_fraction`` of the documents (of the
        tokens, when ``X`` has fewer than ``1 / validation_fraction``
        documents, such as one long text), stop when their mean
        log-likelihood per token stops improving and restore the best
        weights. ``"auto"`` turns it on when the training text has more than
        10,000 tokens: a language model overfits long before its training
        loss stops falling.""",
    "validation_fraction": """validation_fraction : float, default=0.1
        Share of the documents (or of the tokens, for fewer than
        ``1 / validation_fraction`` documents) held out for early stopping.""",
    "bptt_steps": """bptt_steps : int or None, default=64
        Length of the training windows of truncated back-propagation through
        time: the state is carried from window to window, its gradient is not.
        None makes each stream one window (one step per epoch).""",
    "shuffle": """shuffle : bool, default=True
        Shuffle the order of the documents in the stream each epoch.""",
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and dropout; an int makes training
        reproducible bit for bit. (:meth:`sample` takes its own.)""",
    "verbose": """verbose : int, default=0
        1 prints one line per epoch: the loss, the validation score, the bits
        per character (character model) or the perplexity (word model) of the
        training windows and of the held-out documents, and the seconds; 2 adds
        a progress bar within each epoch.""",
    "dtype": """dtype : {"float32", "float64"} or None, default=None
        Floating-point type of the weights and of the computation; None is
        float32 (text has no float type of its own). Log-likelihoods are
        summed in float64.""",
}


#: Shared parameters the language model does not have.
_NOT_PARAMETERS = ("bidirectional",)


def _parameters_doc() -> str:
    """The shared parameter documentation without ``bidirectional``, ``pooling``
    and ``class_weight``, with the entries of :data:`_OWN_PARAMETERS`
    replaced."""
    shared = "    " + parameters_doc(pooling=False, class_weight=None)
    entries = []
    for entry in re.split(r"\n(?=    \S)", shared):
        name = entry.strip().split(" : ")[0]
        if name in _NOT_PARAMETERS:
            continue
        own = _OWN_PARAMETERS.get(name)
        entries.append(entry if own is None else "    " + own)
    missing = set(_OWN_PARAMETERS) - {e.strip().split(" : ")[0] for e in entries}
    if missing:
        raise RuntimeError(f"no shared documentation of {sorted(missing)}")
    return "\n".join(entries)[4:]


class RNNLanguageModel(DensityMixin, BaseRNN):
    __doc__ = f"""Recurrent neural network language model (characters or words).

    Learns the probability of the next character (or token) given all the
    previous ones: an embedding layer, ``num_layers`` recurrent layers and a
    softmax output layer over the vocabulary at every step (the layout of
    PyTorch's word-language-model example). Fit it on a list of strings for a
    character model, or on a list of token lists for a word model; then score
    text (:meth:`score`, :meth:`perplexity`), generate it (:meth:`sample`), or
    look inside (:meth:`hidden_states`).

    Every document is read after an end marker and closed by one, so a
    document ``x_1 .. x_n`` is the inputs ``<eos>, x_1 .. x_n`` and the
    targets ``x_1 .. x_n, <eos>``: ``n + 1`` predictions, the last being that
    the document ends.

    Parameters
    ----------
    {_parameters_doc()}

    Attributes
    ----------
    classes_ : ndarray of object of shape (n_classes,)
        Every symbol in id order, the columns of :meth:`predict_proba` and the
        rows of ``coefs_["output.weight"]``: ``"<unk>"`` (id 0: tokens seen
        fewer than ``min_frequency`` times in ``fit``, and tokens never seen),
        ``"<eos>"`` (id 1: the end of a document, also read before its first
        token), then the characters or tokens by decreasing count in ``fit``
        (ties in sort order). A token of the data spelled ``"<unk>"`` or
        ``"<eos>"`` is that marker.
    vocabulary_ : dict
        Character or token to id (the markers are not keys).
    char_vocabulary_ : dict
        Character to id of the spellings (``char_hidden_size`` set only): id 0
        is any character not seen in ``fit``; the end marker's own character,
        ``len(char_vocabulary_) + 1``, is not a key.
    coefs_ : dict of str to ndarray
        The weights, keyed and shaped as PyTorch's: ``"embedding.weight"``
        ``(n_classes, embedding_dim)``, ``"rnn.weight_ih_l0"``, ... as in
        ``nn.LSTM``/``nn.GRU``/``nn.RNN``, ``"output.weight"`` ``(n_classes,
        hidden_size)`` and ``"output.bias"``; with ``char_hidden_size``, also
        the character encoder's ``"chars.embedding.weight"`` and
        ``"chars.rnn.*"`` (a bidirectional ``nn.LSTM``/... of one layer).
    n_iter_ : int
        Epochs run.
    t_ : int
        Training tokens (predictions) seen.
    loss_ : float
        Mean cross-entropy per predicted token (nats) of the last epoch,
        including the L2 penalty.
    loss_curve_ : list of float
        ``loss_`` of every epoch.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Mean log-likelihood per token of the held-out documents after every
        epoch (early stopping only).
    best_validation_score_ : float or None
        Best validation score (early stopping only).

    See Also
    --------
    RNNSequenceTagger : One label per time step, for aligned labels.

    Notes
    -----
    **Training** is stateful truncated back-propagation through time, as in
    Karpathy's min-char-rnn and PyTorch's word-language-model example. Each
    epoch the documents (shuffled when ``shuffle=True``) are joined into one
    stream of ids, ``<eos> d_1 <eos> d_2 <eos> ...``, whose ``N``
    predictions are cut into ``S = min(batch_size, N // bptt_steps)``
    contiguous streams (at least one) of nearly equal length: no token is
    dropped. Training steps read the streams side by side in windows of
    ``bptt_steps`` tokens; each window starts from the state the previous one
    ended in, but no gradient flows into that state. The state starts at zero
    each epoch. The loss of a step is the mean cross-entropy over the window's
    tokens. Training crosses document boundaries without resetting the state:
    the ``<eos>`` input tells the network that a new document begins.

    **Scoring** reads each document from the zero state (after its ``<eos>``)
    and includes its end marker, so it does not depend on the other documents
    or on ``bptt_steps``.

    **Character-aware word models** (``char_hidden_size`` set; token-list input
    only) join each input token's word embedding with the vector a
    bidirectional recurrent layer reads from its spelling (C2W), as the other
    estimators do. A token is spelled as written, also when its word id is
    ``"<unk>"`` (so an unseen word still gets a vector from its spelling); the
    end marker ``<eos>`` is spelled with one reserved character of its own (the
    last row of ``"chars.embedding.weight"``), so its vector is learned. Each
    training window reads each distinct spelling once, and :meth:`sample`
    spells the whole vocabulary once per call. The predicted distribution stays
    over the vocabulary.

    The defaults (128 LSTM units, Adam at 0.01, windows of 64 tokens, 32
    streams, ``early_stopping="auto"``) were chosen by measuring held-out bits
    per character on the bundled *Hamlet* (one document) and on 20,000 words
    of the bundled CMU dictionary (short documents); :ref:`language_models`
    gives the numbers. On both, Adam's usual 0.001 learns several times more
    slowly, and without early stopping the model overfits long before its
    training loss stops falling.

    Examples
    --------
    >>> from skrnn import RNNLanguageModel
    >>> lm = RNNLanguageModel(hidden_size=16, learning_rate_init=0.05,
    ...                       max_iter=100, random_state=0)
    >>> lm = lm.fit(["hello"])
    >>> lm.classes_
    array(['<unk>', '<eos>', 'l', 'e', 'h', 'o'], dtype=object)
    >>> lm.predict(["h", "he", "hel", "hell", "hello"])
    array(['e', 'l', 'l', 'o', '<eos>'], dtype=object)
    >>> lm.sample(temperature=0.1, random_state=0)
    ['hello']
    >>> bool(lm.perplexity(["hello"]) < 1.1)
    True
    """

    _input_specials = (UNKNOWN, END)

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in BaseRNN._parameter_constraints.items()
            if k not in _NOT_PARAMETERS
        },
        "early_stopping": ["boolean", StrOptions({"auto"})],
    }

    _structure_params = (
        "cell",
        "hidden_size",
        "num_layers",
        "embedding_dim",
        "char_embedding_dim",
        "char_hidden_size",
        "min_frequency",
        "dtype",
    )

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=128,
        num_layers=1,
        embedding_dim=32,
        char_hidden_size=None,
        char_embedding_dim=16,
        min_frequency=1,
        dropout=0.0,
        word_dropout=0.0,
        embedding_init=None,
        solver="adam",
        learning_rate_init=0.01,
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
        bptt_steps=64,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dtype=None,
    ):
        set_params_of_init(self, locals())

    # ------------------------------------------------------------------
    # input
    # ------------------------------------------------------------------

    @property
    def _is_chars(self) -> bool:
        return self._input.kind == "chars"

    def _documents(self, X, *, reset: bool, allow_empty: bool = False) -> Ragged:
        """Validate text; return the token ids of each document.

        With ``allow_empty`` (prefixes), empty documents are allowed.
        """
        name = type(self).__name__
        if isinstance(X, (str, bytes)):
            raise ValueError(
                f"{name} expects a list of documents, but X is a single "
                f"{type(X).__name__}. To use one text, pass it in a list: [text]."
            )
        if not reset:
            check_is_fitted(self, "coefs_")
        if (
            allow_empty
            and hasattr(X, "__len__")
            and hasattr(X, "__iter__")
            and getattr(X, "ndim", 1) == 1
            and not hasattr(X, "columns")  # not a DataFrame
        ):
            # lists, tuples, 1-D arrays, pandas Series: documents one by one
            items = list(X)
            empty = np.array([_is_empty(x) for x in items], dtype=bool)
            if empty.any():
                lengths = np.zeros(len(items), dtype=np.int64)
                chars = self._char_vocabulary is not None
                data = np.zeros((0, 2) if chars else 0, dtype=np.intp)
                spellings = Ragged(np.zeros(0, dtype=np.intp), [0])
                if not empty.all():
                    rest = [x for x, e in zip(items, empty, strict=True) if not e]
                    docs = self._documents(rest, reset=False)
                    lengths[~empty] = docs.lengths
                    data = docs.data
                    spellings = getattr(docs, "type_chars", None)
                offsets = np.concatenate([[0], np.cumsum(lengths)])
                if chars:
                    return TokenRagged(data, offsets, spellings)
                return Ragged(data, offsets)
        # the form (characters or tokens) is checked against the fit's there
        docs, _ = self._validate_input(X, reset=reset, dtype=np.float64, numeric=False)
        return docs

    def _decode(self, ids) -> str | list:
        symbols = self.classes_[np.asarray(ids, dtype=np.intp)].tolist()
        return "".join(symbols) if self._is_chars else symbols

    @property
    def _marker_spelling(self) -> np.ndarray:
        """The end marker's spelling: one character id of its own, after the
        character vocabulary's."""
        return np.array([len(self._char_vocabulary)], dtype=np.intp)

    def _marked(self, docs: Ragged) -> tuple[Ragged, Ragged]:
        """Each document's inputs, ``<eos>`` first (with their spellings for a
        character-aware model), and its targets, ``<eos>`` last."""
        if isinstance(docs, TokenRagged):
            return docs.with_marker(END_ID, self._marker_spelling)
        return with_marker(docs, END_ID)

    def _vocabulary_spellings(self) -> TokenBatch:
        """Every id spelled (``<eos>`` with its own character), for sampling."""
        chars = self._char_vocabulary
        spellings = [chars.encode_sequence(tok) for tok in self.classes_.tolist()]
        spellings[END_ID] = self._marker_spelling
        ids = np.arange(len(spellings))
        letters, lengths = Ragged.from_list(spellings).pad()
        return TokenBatch(ids, ids, letters, lengths)

    # ------------------------------------------------------------------
    # the training loop's hooks
    # ------------------------------------------------------------------

    def _check_fit_data(self, X, y, sample_weight, *, reset: bool, classes=None):
        docs = self._documents(X, reset=reset)
        if reset:
            if self.dtype is None:
                self._dtype = np.dtype(np.float32)
            self.classes_ = np.array(self._vocabulary.symbols, dtype=object)
        return docs

    def _build(self) -> LanguageNetwork:
        chars = self._char_vocabulary
        return LanguageNetwork(
            cell=self.cell,
            n_tokens=len(self.classes_),
            embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            dropout=self.dropout,
            dtype=self._float,
            # the character vocabulary and the end marker's own character
            n_chars=None if chars is None else len(chars) + 1,
            char_embedding_dim=self.char_embedding_dim,
            char_hidden_size=self.char_hidden_size,
        )

    def _after_structure_change(self) -> None:
        self._model = replace(self._model, dropout=self.dropout)

    def _early_stopping_on(self, docs: Ragged) -> bool:
        if self.early_stopping == "auto":
            return int(docs.lengths.sum()) > _AUTO_EARLY_STOPPING_TOKENS
        return bool(self.early_stopping)

    def _split_validation(self, docs: Ragged):
        n, frac = len(docs), self.validation_fraction
        if n * frac >= 1:
            # the last documents: whole documents, validation_fraction of them
            n_val = int(np.ceil(frac * n))
            if n - n_val < 1:
                raise ValueError(
                    f"validation_fraction={frac} of {n} documents leaves none "
                    "to train on. Lower validation_fraction."
                )
            return docs.take(np.arange(n - n_val)), docs.take(np.arange(n - n_val, n))
        # fewer documents than 1 / validation_fraction (one long text, a few
        # books): one document would be too much, so hold out the last tokens,
        # cutting the document they start in; its tail is a document of its own
        total = int(docs.lengths.sum())
        n_val = int(np.ceil(frac * total))
        if total - n_val < 1:
            raise ValueError(
                f"The {total} tokens of X are too few to hold out "
                f"validation_fraction={frac} of them."
            )
        cut = total - n_val
        offsets = docs.offsets
        k = int(np.searchsorted(offsets, cut, side="right")) - 1
        head = offsets[: k + 1].tolist() + ([cut] if cut > offsets[k] else [])
        tail = [0] + (offsets[k + 1 :] - cut).tolist()
        if isinstance(docs, TokenRagged):
            return (
                TokenRagged(docs.data[:cut], head, docs.type_chars),
                TokenRagged(docs.data[cut:], tail, docs.type_chars),
            )
        return Ragged(docs.data[:cut], head), Ragged(docs.data[cut:], tail)

    def _layout(self, n_positions: int) -> tuple[int, int]:
        """Parallel streams and window length for a stream of ``n_positions``
        predictions (``bptt_steps=None``: each stream is one window)."""
        if self.bptt_steps is None:
            S = min(self.batch_size, n_positions)
            return S, -(-n_positions // S)
        k = self.bptt_steps
        return n_parallel_streams(n_positions, self.batch_size, k), k

    def _reference_loss(self, train, params):
        # windows carry the state from one to the next: the first window's
        # loss (every window is alike: same length, same streams) is the
        # yardstick, taken as training starts
        return None

    def _train_batches(self, docs: Ragged) -> list:
        order = self._rng.permutation(len(docs)) if self.shuffle else None
        types = spellings = None
        if isinstance(docs, TokenRagged):
            stream, types, spellings = spelled_stream(
                docs, END_ID, self._marker_spelling, order
            )
        else:
            stream = document_stream(docs, END_ID, order)
        S, k = self._layout(len(stream) - 1)
        inputs, targets, lengths = parallel_streams(stream, S)
        if types is not None:
            types, _, _ = parallel_streams(types, S)
        state = self._model.zero_state(S)
        epoch = _Epoch(inputs, targets, lengths, state, types, spellings)
        # cross-entropy (nats) and tokens of the epoch, for the verbose line
        self._epoch_totals = [0.0, 0]
        L = inputs.shape[0]
        return [(epoch, start, min(start + k, L)) for start in range(0, L, k)]

    def _batch_gradients(self, params: dict, batch) -> BatchResult:
        epoch, start, stop = batch
        lengths = np.clip(epoch.lengths - start, 0, stop - start)
        inputs = epoch.inputs[start:stop]
        if epoch.types is not None:
            # each distinct spelling of the window is read once
            types = epoch.types[start:stop]
            inputs = token_batch(inputs, types, lengths, epoch.spellings)
        logits, finals, cache = self._model.forward(
            params,
            self._drop_words(inputs),
            lengths,
            epoch.states,
            training=True,
            rng=self._rng,
        )
        # the next window starts where this one ended; its gradient is cut
        epoch.states = finals
        loss, d_logits = masked_loss(
            "softmax", logits, epoch.targets[start:stop], lengths
        )
        grads = self._model.backward(params, cache, d_logits)
        n = int(lengths.sum())
        self._epoch_totals[0] += loss * n
        self._epoch_totals[1] += n
        return BatchResult(loss, grads, n, n, int(np.count_nonzero(lengths)))

    def _validation_score(self, docs: Ragged) -> float:
        return self._mean_log_likelihood(docs)

    def _small_steps(self, docs: Ragged) -> bool:
        S, _ = self._layout(int(docs.lengths.sum() + len(docs)))
        H = self._model.hidden_size
        return S * H * N_GATES[self._model.cell] * H <= SMALL_STEP

    def _epoch_details(self) -> str:
        nats, tokens = getattr(self, "_epoch_totals", (0.0, 0))
        if not tokens:
            return ""
        train = nats / tokens
        scores = self.validation_scores_
        if self._is_chars:
            text = f"; bits per character: training {train / np.log(2):.4f}"
            if scores:
                text += f", validation {-scores[-1] / np.log(2):.4f}"
        else:
            text = f"; perplexity: training {np.exp(train):.2f}"
            if scores:
                text += f", validation {np.exp(-scores[-1]):.2f}"
        return text

    # ------------------------------------------------------------------
    # fitting
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the language model to documents.

        Parameters
        ----------
        X : list of str or list of list of str
            The documents: strings (a character model) or token lists (a word
            model). A single long text is ``[text]``.
        y : None
            Ignored.

        Returns
        -------
        self : RNNLanguageModel
            The fitted estimator.
        """
        return self._fit(X, None, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train for one pass over ``X``, continuing from the current state.

        The first call learns the vocabulary from ``X``; later calls keep it
        (unseen characters or tokens are read as ``"<unk>"``) and keep the
        optimiser's state.

        Parameters
        ----------
        X : list of str or list of list of str
            Documents.
        y : None
            Ignored.

        Returns
        -------
        self : RNNLanguageModel
            The updated estimator.
        """
        return self._fit(X, None, incremental=True)

    # ------------------------------------------------------------------
    # inference
    # ------------------------------------------------------------------

    def _inference_batches(self, lengths: np.ndarray):
        """Documents in batches sorted by decreasing length, and the number of
        steps read per piece (the logits of a piece stay near
        ``_PREDICT_LOGITS``)."""
        for idx in prediction_batches(lengths, _PREDICT_DOCS):
            chunk = max(_MIN_PIECE, _PREDICT_LOGITS // (len(idx) * len(self.classes_)))
            yield idx, chunk

    def _log_likelihoods(self, docs: Ragged) -> np.ndarray:
        """Total log-likelihood of each document, end marker included (float64)."""
        inputs, targets = self._marked(docs)
        head = self._model.head
        totals = np.zeros(len(docs))
        for idx, chunk in self._inference_batches(inputs.lengths):
            X, lengths = inputs.pad(idx)
            Y, _ = targets.pad(idx)
            for start, top, _, _ in self._model.scan(self.coefs_, X, lengths, chunk):
                stop = start + top.shape[0]
                logp = log_softmax(head.forward(self.coefs_, top), axis=-1)
                picked = np.take_along_axis(logp, Y[start:stop, :, None], axis=2)
                real = np.arange(start, stop)[:, None] < lengths[None, :]
                totals[idx] += np.where(real, picked[:, :, 0], 0).sum(
                    axis=0, dtype=np.float64
                )
        return totals

    def _mean_log_likelihood(self, docs: Ragged) -> float:
        n_tokens = docs.lengths.sum() + len(docs)
        return float(self._log_likelihoods(docs).sum() / n_tokens)

    def _final_states(self, docs: Ragged) -> list[State]:
        """Every layer's state after reading each document (after ``<eos>``),
        stacked into arrays of shape ``(n, H)``."""
        inputs, _ = self._marked(docs)
        n, H = len(docs), self.hidden_size
        dtype = self._float
        hs = [np.zeros((n, H), dtype=dtype) for _ in range(self.num_layers)]
        cs = [np.zeros((n, H), dtype=dtype) for _ in range(self.num_layers)]
        for idx, chunk in self._inference_batches(inputs.lengths):
            X, lengths = inputs.pad(idx)
            *_, (_, _, _, states) = self._model.scan(self.coefs_, X, lengths, chunk)
            for layer, state in enumerate(states):
                hs[layer][idx] = state.h
                if state.c is not None:
                    cs[layer][idx] = state.c
        lstm = self._model.cell == "lstm"
        return [State(h, c if lstm else None) for h, c in zip(hs, cs, strict=True)]

    def score_samples(self, X) -> np.ndarray:
        """Total log-likelihood of each document, in nats.

        Each document is read from the zero state after an ``<eos>`` and its
        closing ``<eos>`` is scored: a document of ``n`` tokens sums ``n + 1``
        log-probabilities. Unseen characters or tokens count as ``"<unk>"``.

        Parameters
        ----------
        X : list of str or list of list of str
            Documents, of the kind the model was fitted on.

        Returns
        -------
        ndarray of shape (n_documents,)
        """
        return self._log_likelihoods(self._documents(X, reset=False))

    def score(self, X, y=None) -> float:
        """Mean log-likelihood per token, in nats (higher is better).

        The sum of :meth:`score_samples` divided by the number of predictions
        (tokens plus one end marker per document), so that
        ``GridSearchCV(RNNLanguageModel(), grid)`` needs no scorer.

        Parameters
        ----------
        X : list of str or list of list of str
            Documents, of the kind the model was fitted on.
        y : None
            Ignored.

        Returns
        -------
        float
            Divide by ``-log(2)`` for bits per character (or token).
        """
        return self._mean_log_likelihood(self._documents(X, reset=False))

    def perplexity(self, X) -> float:
        """``exp(-score(X))``: the average branching factor per token.

        Parameters
        ----------
        X : list of str or list of list of str
            Documents, of the kind the model was fitted on.

        Returns
        -------
        float
        """
        return float(np.exp(-self.score(X)))

    def predict_proba(self, X) -> np.ndarray:
        """Distribution of the next token after each prefix.

        Each prefix is read from the zero state after an ``<eos>``, so the
        empty prefix ``""`` (or ``[]``) gives the distribution of a document's
        first token.

        Parameters
        ----------
        X : list of str or list of list of str
            Prefixes, of the kind the model was fitted on.

        Returns
        -------
        ndarray of shape (n_prefixes, n_classes)
            Columns in ``classes_`` order: ``"<unk>"``, ``"<eos>"`` (the
            document ends here), then the characters or tokens.
        """
        states = self._final_states(self._documents(X, reset=False, allow_empty=True))
        logits = self._model.head.forward(self.coefs_, states[-1].h)
        return softmax(logits.astype(np.float64), axis=1)

    def predict(self, X) -> np.ndarray:
        """The most probable next token after each prefix.

        Parameters
        ----------
        X : list of str or list of list of str
            Prefixes, of the kind the model was fitted on.

        Returns
        -------
        ndarray of object of shape (n_prefixes,)
            A character or token, or ``"<eos>"``; never ``"<unk>"`` (the argmax
            of :meth:`predict_proba` over the other columns).
        """
        proba = self.predict_proba(X)
        proba[:, UNKNOWN_ID] = -1
        return self.classes_[proba.argmax(axis=1)]

    def transform(self, X) -> np.ndarray:
        """The top layer's hidden state after reading each prefix.

        Parameters
        ----------
        X : list of str or list of list of str
            Prefixes (read after an ``<eos>``), of the kind the model was
            fitted on.

        Returns
        -------
        ndarray of shape (n_prefixes, hidden_size)
        """
        docs = self._documents(X, reset=False, allow_empty=True)
        return self._final_states(docs)[-1].h

    def hidden_states(self, X, *, return_cell_states: bool = False):
        """The top layer's state after every token of each document.

        Parameters
        ----------
        X : list of str or list of list of str
            Documents, each read from the zero state after an ``<eos>``.
        return_cell_states : bool, default=False
            Also return the LSTM cell states of the top layer (``cell="lstm"``
            only): the memory that Karpathy et al. (2015) plot over the text.

        Returns
        -------
        hidden : list of ndarray of shape (n_tokens_i, hidden_size)
            Row ``t`` is the state after reading token ``t`` of the document.
        cells : list of ndarray of shape (n_tokens_i, hidden_size)
            Only with ``return_cell_states=True``.
        """
        docs = self._documents(X, reset=False)
        if return_cell_states and self._model.cell != "lstm":
            raise ValueError(
                "return_cell_states=True needs cell='lstm'; this model's cell is "
                f"{self._model.cell!r}."
            )
        inputs, _ = self._marked(docs)
        hidden, cells = [None] * len(docs), [None] * len(docs)
        for idx, chunk in self._inference_batches(inputs.lengths):
            X_ids, lengths = inputs.pad(idx)
            T, B, H = X_ids.shape[0], len(idx), self.hidden_size
            top_all = np.zeros((T, B, H), dtype=self._float)
            cell_all = (
                np.zeros((T, B, H), dtype=self._float) if return_cell_states else None
            )
            for start, top, cell, _ in self._model.scan(
                self.coefs_, X_ids, lengths, chunk, cell_states=return_cell_states
            ):
                top_all[start : start + len(top)] = top
                if return_cell_states:
                    cell_all[start : start + len(top)] = cell
            # the first row is the state after the <eos> read before the text
            for j, (i, h) in enumerate(zip(idx, unpad(top_all, lengths), strict=True)):
                hidden[i] = h[1:]
                if return_cell_states:
                    cells[i] = cell_all[1 : lengths[j], j].copy()
        if return_cell_states:
            return hidden, cells
        return hidden

    def sample(
        self,
        n_samples: int = 1,
        *,
        prefix=None,
        max_length: int = 200,
        temperature: float = 1.0,
        random_state=None,
    ) -> list:
        """Generate text, one token at a time.

        The model reads ``<eos>`` and then the prefix; each sample then draws
        the next token from the model's distribution sharpened by
        ``temperature`` (never ``"<unk>"``), reads it, and draws again, until it
        draws ``"<eos>"`` or has ``max_length`` tokens. The samples are drawn
        side by side, on weights prepared once per call (a character-aware
        model spells its whole vocabulary once per call, not once per step).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.
        prefix : str, list of str or None, default=None
            Text the samples continue (a str for a character model, a token list
            for a word model); None or empty: the start of a document. Unseen
            characters or tokens are read as ``"<unk>"``.
        max_length : int, default=200
            Most tokens generated per sample (the prefix not counted).
        temperature : float, default=1.0
            Divides the logits: below 1 sharper (towards the most probable
            token: a temperature near 0 follows the argmax), above 1 flatter.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws: the same value gives the same samples.

        Returns
        -------
        samples : list
            ``n_samples`` continuations (the prefix and the final ``"<eos>"``
            are not included): str for a character model, lists of tokens for
            a word model.
        """
        check_is_fitted(self, "coefs_")
        _check_int(n_samples, "n_samples")
        _check_int(max_length, "max_length")
        if (
            isinstance(temperature, (bool, np.bool_))
            or not isinstance(temperature, Real)
            or not temperature > 0
        ):
            raise ValueError(
                f"temperature must be a number > 0, got {temperature!r}; use a "
                "small value such as 0.01 for the most probable continuation."
            )
        if prefix is not None and not isinstance(prefix, (str, list, tuple)):
            raise ValueError(
                "prefix must be a str (a character model) or a list of str tokens "
                f"(a word model), got {type(prefix).__name__}."
            )
        if prefix and isinstance(prefix, str) != self._is_chars:
            raise ValueError(
                "prefix must be a str for a model fitted on characters and a "
                "list of str tokens for a model fitted on token lists; got "
                f"{type(prefix).__name__}."
            )
        rng = check_random_state(random_state)
        net, params = self._model, self.coefs_
        spelled = self._char_vocabulary is not None
        # a character-aware model spells the whole vocabulary once, here
        spellings = self._vocabulary_spellings() if spelled else None
        prepared = net.prepare(params, spellings)
        x = prepared.table[[END_ID]]  # the input vectors read before drawing
        if prefix is not None and len(prefix) > 0:
            docs = self._documents([prefix], reset=False)
            if spelled:
                # the prefix's tokens spelled as written, unseen words too
                batch, _ = docs.pad()
                read, _ = net.embedding.forward(params, batch, keep_cache=False)
                x = np.concatenate([x, read[:, 0]])
            else:
                x = np.concatenate([x, prepared.table[docs.data]])
        states = net.zero_state(1)
        for row in x:
            logits, states = net.read(params, prepared, row[None], states)
        states = [
            State(
                np.repeat(s.h, n_samples, axis=0),
                None if s.c is None else np.repeat(s.c, n_samples, axis=0),
            )
            for s in states
        ]
        logits = np.repeat(logits, n_samples, axis=0)
        rows = np.arange(n_samples)  # the samples still running
        out = [[] for _ in range(n_samples)]
        for _ in range(max_length):
            tokens = _draw(logits, temperature, rng)
            running = tokens != END_ID
            for r, tok in zip(rows[running], tokens[running], strict=True):
                out[r].append(tok)
            rows, tokens = rows[running], tokens[running]
            if not len(rows):
                break
            states = [
                State(s.h[running], None if s.c is None else s.c[running])
                for s in states
            ]
            logits, states = net.step(params, prepared, tokens, states)
        return [self._decode(o) for o in out]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        return tags


def _is_empty(x) -> bool:
    try:
        return len(x) == 0
    except TypeError:
        return False


def _check_int(value, name: str) -> None:
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")


def _draw(logits: np.ndarray, temperature: float, rng) -> np.ndarray:
    """One token per row from ``softmax(logits / temperature)``, never the
    unknown id (inverse transform of one uniform draw per row)."""
    z = logits.astype(np.float64)
    z[:, UNKNOWN_ID] = -np.inf
    # shift before dividing: a tiny temperature then gives -inf, never inf - inf
    z -= z.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        z /= temperature
    z[np.isnan(z)] = 0.0  # 0 / tiny: the maximum itself
    np.exp(z, out=z)
    cum = np.cumsum(z, axis=1)
    u = rng.random_sample(len(z)) * cum[:, -1]
    # the first column whose cumulative mass exceeds u has mass > 0
    tokens = (cum <= u[:, None]).sum(axis=1)
    over = tokens == z.shape[1]  # u rounded up to the total mass
    if over.any():
        last = z.shape[1] - 1 - np.argmax(z[:, ::-1] > 0, axis=1)
        tokens[over] = last[over]
    return tokens
