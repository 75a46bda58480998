"""The encoder–decoder network: teacher-forced forward and backward, greedy and
beam-search decoding.

The model is composed of parts, each with its own key prefix, so its parameters
live in one ``dict`` keyed and shaped as a PyTorch module's would be:

========================  =================================================
``encoder.embedding.``    :class:`~skrnn._layers.Embedding` (token input only)
``encoder.rnn.``          :class:`~skrnn._stack.Stack`, optionally bidirectional
``bridge.``               :class:`~skrnn._layers.Dense` (H, 2H), bidirectional only
``bridge_cell.``          the same for an LSTM's cell state
``decoder.embedding.``    :class:`~skrnn._layers.Embedding` of the output symbols
``decoder.rnn.``          :class:`~skrnn._stack.Stack`, unidirectional
``attention.``            :class:`~skrnn._layers.Attention` (if any)
``output.``               :class:`~skrnn._layers.Dense` over ``[s_t; c_t]``
========================  =================================================

Batches are time-major. The decoder reads ``[<bos>, y_1, ..., y_n]`` and is
trained to emit ``[y_1, ..., y_n, <eos>]`` (teacher forcing): :func:`forward`
returns the logits of every output step and :func:`backward` the gradients of
every parameter from the gradient on those logits.

Decoding (:func:`greedy_decode`, :func:`beam_decode`) runs the encoder once,
prepares the decoder's weights once and advances every sequence of the batch by
one step at a time with :meth:`~skrnn._stack.Stack.step`. A hypothesis is
scored by its mean log-probability per emitted symbol (the end marker
included), and the model's own probabilities are used: the unknown symbol and
the start marker are never chosen, but their probability is not handed to the
other symbols. At most ``max_length`` symbols are emitted; a hypothesis that has
not ended by then is cut there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import log_softmax

from ._layers import Attention, CharEncoder, Dense, Embedding, TokenEncoder
from ._losses import step_mask
from ._stack import Stack, State, dropout_mask


@dataclass(frozen=True)
class Seq2Seq:
    """Shape of an encoder–decoder network.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    hidden_size : int
        Units per layer and direction of the encoder, and per layer of the
        decoder.
    n_outputs : int
        Output symbols, reserved ones included.
    input_size : int, default=None
        Features per step of numeric input; None with ``n_embeddings``.
    n_embeddings : int, default=None
        Input token ids (token or character input).
    embedding_dim : int, default=32
        Width of both embeddings.
    num_layers : int, default=1
    bidirectional : bool, default=False
        Whether the encoder is bidirectional.
    attention : {"dot", "general", "additive"} or None, default="dot"
    dropout : float, default=0.0
        Between stacked layers and on the output layer's input, in training.
    dtype : numpy dtype, default=float64
    """

    cell: str
    hidden_size: int
    n_outputs: int
    input_size: int | None = None
    n_embeddings: int | None = None
    embedding_dim: int = 32
    num_layers: int = 1
    bidirectional: bool = False
    attention: str | None = "dot"
    dropout: float = 0.0
    dtype: np.dtype = np.dtype(np.float64)

    n_chars: int | None = None
    char_embedding_dim: int = 16
    char_hidden_size: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "dtype", np.dtype(self.dtype))

    # ------------------------------------------------------------------
    # parts
    # ------------------------------------------------------------------

    @property
    def memory_size(self) -> int:
        """Width of the encoder's outputs, ``hidden_size * directions``."""
        return self.encoder.output_size

    @property
    def encoder_embedding(self) -> TokenEncoder | None:
        """The input tokens' encoder (a word embedding, and the spelling's vector
        when character-aware); None for numeric input."""
        if self.n_embeddings is None:
            return None
        chars = None
        if self.char_hidden_size is not None:
            chars = CharEncoder(
                self.n_chars,
                self.char_embedding_dim,
                self.char_hidden_size,
                self.cell,
                prefix="encoder.chars.",
            )
        word = Embedding(self.n_embeddings, self.embedding_dim, "encoder.embedding.")
        return TokenEncoder(word, chars)

    @property
    def encoder(self) -> Stack:
        embedding = self.encoder_embedding
        size = self.input_size if embedding is None else embedding.output_size
        return Stack(
            self.cell,
            size,
            self.hidden_size,
            self.num_layers,
            self.bidirectional,
            self.dropout,
            prefix="encoder.rnn.",
        )

    @property
    def bridge(self) -> Dense | None:
        if not self.bidirectional:
            return None
        return Dense(2 * self.hidden_size, self.hidden_size, "bridge.")

    @property
    def bridge_cell(self) -> Dense | None:
        if not self.bidirectional or self.cell != "lstm":
            return None
        return Dense(2 * self.hidden_size, self.hidden_size, "bridge_cell.")

    @property
    def decoder_embedding(self) -> Embedding:
        return Embedding(self.n_outputs, self.embedding_dim, "decoder.embedding.")

    @property
    def decoder(self) -> Stack:
        return Stack(
            self.cell,
            self.embedding_dim,
            self.hidden_size,
            self.num_layers,
            False,
            self.dropout,
            prefix="decoder.rnn.",
        )

    @property
    def attention_layer(self) -> Attention | None:
        if self.attention is None:
            return None
        return Attention(self.attention, self.hidden_size, self.memory_size)

    @property
    def output(self) -> Dense:
        width = self.hidden_size + (self.memory_size if self.attention else 0)
        return Dense(width, self.n_outputs, "output.")

    def parts(self) -> list:
        """The parts in the order of the parameters."""
        parts = [
            self.encoder_embedding,
            self.encoder,
            self.bridge,
            self.bridge_cell,
            self.decoder_embedding,
            self.decoder,
            self.attention_layer,
            self.output,
        ]
        return [p for p in parts if p is not None]

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes = {}
        for part in self.parts():
            shapes.update(part.param_shapes())
        return shapes

    def init_params(self, rng: np.random.Generator) -> dict:
        """Every part's own initialisation (PyTorch's defaults; see the parts)."""
        params = {}
        for part in self.parts():
            params.update(part.init_params(rng, self.dtype))
        return params


# ----------------------------------------------------------------------------
# encoder and bridge
# ----------------------------------------------------------------------------


def _embed_input(params, model: Seq2Seq, X, keep_cache=False):
    """The encoder's layer-0 input, and the token encoder's cache."""
    if model.n_embeddings is None:
        return (X if X.dtype == model.dtype else X.astype(model.dtype)), None
    return model.encoder_embedding.forward(params, X, keep_cache=keep_cache)


def encode(params: dict, model: Seq2Seq, X, lengths, **kwargs):
    """Run the encoder: ``(memory (T, B, E), finals, cache)`` where the cache is
    the token encoder's and the stack's; see :meth:`~skrnn._stack.Stack.forward`
    for the keyword arguments."""
    inp, tokens = _embed_input(params, model, X, kwargs.get("keep_cache", True))
    memory, finals, stack_cache = model.encoder.forward(params, inp, lengths, **kwargs)
    return memory, finals, (tokens, stack_cache)


class BridgeCache(NamedTuple):
    joined_h: np.ndarray  # (L * B, 2H)
    joined_c: np.ndarray | None
    h0: np.ndarray  # (L * B, H), after tanh


def _join_directions(states, attr: str, L: int) -> np.ndarray:
    """``[forward; backward]`` of every layer, stacked: ``(L * B, 2H)``."""
    return np.concatenate(
        [
            np.concatenate(
                [getattr(states[2 * k], attr), getattr(states[2 * k + 1], attr)],
                axis=1,
            )
            for k in range(L)
        ]
    )


def bridge_forward(params: dict, model: Seq2Seq, finals: list):
    """The decoder's initial states from the encoder's final states.

    Unidirectional encoder: the final states themselves. Bidirectional: per
    layer :math:`h_0 = \\tanh(W_b [h_{fwd}; h_{bwd}] + b_b)` and, for an LSTM,
    :math:`c_0 = W_c [c_{fwd}; c_{bwd}] + b_c`, one bridge shared by the layers.

    Returns
    -------
    init : list of State
        One per decoder layer.
    cache : BridgeCache or None
    """
    if not model.bidirectional:
        return list(finals), None
    L = model.num_layers
    B = finals[0].h.shape[0]
    joined_h = _join_directions(finals, "h", L)
    h0 = np.tanh(model.bridge.forward(params, joined_h))
    joined_c = c0 = None
    if model.bridge_cell is not None:
        joined_c = _join_directions(finals, "c", L)
        c0 = model.bridge_cell.forward(params, joined_c)
    init = [
        State(h0[k * B : (k + 1) * B], None if c0 is None else c0[k * B : (k + 1) * B])
        for k in range(L)
    ]
    return init, BridgeCache(joined_h, joined_c, h0)


def bridge_backward(params: dict, model: Seq2Seq, cache, d_init: list):
    """Gradients on the encoder's final states, and the bridge's gradients."""
    if cache is None:
        return list(d_init), {}
    H, L = model.hidden_size, model.num_layers
    B = d_init[0].h.shape[0]
    dh0 = np.concatenate([s.h for s in d_init])
    d_pre = dh0 * (1 - cache.h0 * cache.h0)
    d_joined_h, grads = model.bridge.backward(params, cache.joined_h, d_pre)
    d_joined_c = None
    if cache.joined_c is not None:
        dc0 = np.concatenate([s.c for s in d_init])
        d_joined_c, g = model.bridge_cell.backward(params, cache.joined_c, dc0)
        grads.update(g)
    d_finals = []
    for k in range(L):
        rows = slice(k * B, (k + 1) * B)
        for half in (slice(0, H), slice(H, 2 * H)):
            d_finals.append(
                State(
                    d_joined_h[rows, half],
                    None if d_joined_c is None else d_joined_c[rows, half],
                )
            )
    return d_finals, grads


# ----------------------------------------------------------------------------
# teacher forcing
# ----------------------------------------------------------------------------


class Seq2SeqCache(NamedTuple):
    """What :func:`backward` needs from :func:`forward`."""

    tokens: object  # the token encoder's cache (None for numeric input)
    in_lengths: np.ndarray
    dec_in: np.ndarray
    out_lengths: np.ndarray
    encoder: object  # StackCache
    bridge: BridgeCache | None
    decoder: object  # StackCache
    attention: object  # AttentionCache or None
    R: np.ndarray  # the output layer's input, (T_out, B, H [+ E])
    head_mask: np.ndarray | None


def forward(
    params: dict,
    model: Seq2Seq,
    X: np.ndarray,
    in_lengths: np.ndarray,
    dec_in: np.ndarray,
    out_lengths: np.ndarray,
    *,
    training: bool = False,
    rng: np.random.Generator | None = None,
    keep_cache: bool = True,
):
    """Logits of every output step under teacher forcing.

    Parameters
    ----------
    params : dict of ndarray
    model : Seq2Seq
    X : ndarray of shape (T_in, B) token ids, or (T_in, B, F) floats
    in_lengths : ndarray of shape (B,)
        Real input lengths (>= 1), any order.
    dec_in : ndarray of shape (T_out, B)
        The decoder's input ids: the start marker, then the target tokens.
    out_lengths : ndarray of shape (B,)
        Real decoder steps (target tokens + 1).
    training : bool, default=False
        Applies dropout (needs ``rng``).
    rng : numpy.random.Generator, default=None
    keep_cache : bool, default=True

    Returns
    -------
    logits : ndarray of shape (T_out, B, n_outputs)
    weights : ndarray of shape (B, T_out, T_in) or None
        The attention weights.
    cache : Seq2SeqCache or None
    """
    in_lengths = np.asarray(in_lengths, dtype=np.intp)
    out_lengths = np.asarray(out_lengths, dtype=np.intp)
    stack_kw = dict(training=training, rng=rng, keep_cache=keep_cache)
    memory, finals, (tokens, enc_cache) = encode(
        params, model, X, in_lengths, **stack_kw
    )
    init, b_cache = bridge_forward(params, model, finals)
    emb = model.decoder_embedding.forward(params, dec_in)
    S, _, dec_cache = model.decoder.forward(params, emb, out_lengths, init, **stack_kw)
    weights = att_cache = None
    R = S
    if model.attention is not None:
        T_in = memory.shape[0]
        mem_b = np.ascontiguousarray(memory.transpose(1, 0, 2))
        mask = step_mask(in_lengths, T_in).T
        context, weights, att_cache = model.attention_layer.forward(
            params, np.ascontiguousarray(S.transpose(1, 0, 2)), mem_b, mask
        )
        R = np.concatenate([S, context.transpose(1, 0, 2)], axis=2)
    head_mask = None
    if training and model.dropout > 0:
        head_mask = dropout_mask(rng, R.shape, model.dropout, model.dtype)
        R = R * head_mask
    logits = model.output.forward(params, R)
    cache = None
    if keep_cache:
        cache = Seq2SeqCache(
            tokens,
            in_lengths,
            dec_in,
            out_lengths,
            enc_cache,
            b_cache,
            dec_cache,
            att_cache,
            R,
            head_mask,
        )
    return logits, weights, cache


def backward(
    params: dict,
    model: Seq2Seq,
    d_logits: np.ndarray,
    cache,
    *,
    sparse_embedding: bool = False,
) -> dict:
    """Gradients of every parameter from the gradient on :func:`forward`'s logits.

    ``d_logits`` must be zero at padded output steps. The cache is consumed.
    With ``sparse_embedding`` the embeddings' gradients are row-sparse
    (training).
    """
    H = model.hidden_size
    d_logits = np.asarray(d_logits, dtype=model.dtype)
    dR, grads = model.output.backward(params, cache.R, d_logits)
    if cache.head_mask is not None:
        dR *= cache.head_mask
    dS = dR[:, :, :H]
    d_memory = None
    if model.attention is not None:
        d_context = np.ascontiguousarray(dR[:, :, H:].transpose(1, 0, 2))
        d_query, d_mem_b, g = model.attention_layer.backward(
            params, cache.attention, d_context
        )
        grads.update(g)
        dS = dS + d_query.transpose(1, 0, 2)
        d_memory = np.ascontiguousarray(d_mem_b.transpose(1, 0, 2))
    T_out = dS.shape[0]
    out_mask = step_mask(cache.out_lengths, T_out)
    dS = np.where(out_mask[:, :, None], dS, 0).astype(model.dtype, copy=False)
    d_emb, d_init, g = model.decoder.backward(params, cache.decoder, dS, None)
    grads.update(g)
    grads.update(
        model.decoder_embedding.backward(
            params, cache.dec_in, d_emb, out_mask, sparse=sparse_embedding
        )
    )
    d_finals, g = bridge_backward(params, model, cache.bridge, d_init)
    grads.update(g)
    embedding = model.encoder_embedding
    dx, _, g = model.encoder.backward(
        params, cache.encoder, d_memory, d_finals, need_dx=embedding is not None
    )
    grads.update(g)
    if embedding is not None:
        in_mask = step_mask(cache.in_lengths, dx.shape[0])
        grads.update(
            embedding.backward(
                params, cache.tokens, dx, in_mask, sparse=sparse_embedding
            )
        )
    return {k: grads[k] for k in params}


def token_log_probs(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``log p(targets)`` at every step, ``(T, B)``, from ``(T, B, V)`` logits."""
    logp = log_softmax(logits, axis=2)
    return np.take_along_axis(logp, targets[:, :, None], axis=2)[:, :, 0]


# ----------------------------------------------------------------------------
# decoding
# ----------------------------------------------------------------------------


class Decoded(NamedTuple):
    """What the decoders return, in the batch's order.

    ``tokens[i]`` are the emitted symbol ids without the end marker; ``scores``
    the mean log-probability per emitted symbol (end marker included, when
    emitted); ``weights[i]`` the attention weights of each token of
    ``tokens[i]``, ``(len(tokens[i]), T_in_i)``, or None.
    """

    tokens: list
    scores: np.ndarray
    weights: list | None


class _Running:
    """The decoder's state for a set of rows, and what each step needs."""

    def __init__(self, params, model: Seq2Seq, X, lengths):
        memory, finals, _ = encode(params, model, X, lengths, keep_cache=False)
        self.states, _ = bridge_forward(params, model, finals)
        self.params = params
        self.decoder = model.decoder
        self.attention = model.attention_layer
        self.prepared = self.decoder.prepare(params)
        self.table = params["decoder.embedding.weight"]
        W = params["output.weight"]
        H = model.hidden_size
        self.W_s = np.ascontiguousarray(W[:, :H].T)
        self.W_c = np.ascontiguousarray(W[:, H:].T)
        self.b = params["output.bias"]
        self.memory = self.keys = self.mask = None
        if self.attention is not None:
            self.memory = np.ascontiguousarray(memory.transpose(1, 0, 2))
            self.mask = step_mask(lengths, memory.shape[0]).T
            self.keys = self.attention.keys(params, self.memory)

    def take(self, rows) -> None:
        """Keep (or repeat) the rows ``rows``."""
        self.states = [
            State(s.h[rows], None if s.c is None else s.c[rows]) for s in self.states
        ]
        if self.memory is not None:
            self.memory = self.memory[rows]
            self.keys = self.keys[rows]
            self.mask = self.mask[rows]

    def step(self, prev: np.ndarray):
        """Log-probabilities of the next symbol given the previous ones, and the
        attention weights ``(rows, T_in)`` (or None)."""
        x = self.table[prev]
        y, self.states = self.decoder.step(self.prepared, x, self.states)
        logits = y @ self.W_s
        weights = None
        if self.memory is not None:
            context, weights, _ = self.attention.forward(
                self.params, y[:, None, :], self.memory, self.mask, self.keys
            )
            logits += context[:, 0] @ self.W_c
            weights = weights[:, 0]
        logits += self.b
        return log_softmax(logits, axis=1), weights


def _finish(tokens, n_tokens, scores, weights, in_lengths) -> Decoded:
    toks = [tokens[i, : n_tokens[i]].copy() for i in range(len(n_tokens))]
    att = None
    if weights is not None:
        att = [
            weights[i, : n_tokens[i], : in_lengths[i]].copy()
            for i in range(len(n_tokens))
        ]
    return Decoded(toks, scores, att)


def greedy_decode(
    params: dict,
    model: Seq2Seq,
    X: np.ndarray,
    lengths: np.ndarray,
    *,
    max_length: int,
    start: int,
    end: int,
    banned=(),
    return_weights: bool = False,
) -> Decoded:
    """The most probable next symbol at every step, for a batch of inputs.

    Parameters
    ----------
    params : dict of ndarray
    model : Seq2Seq
    X : ndarray of shape (T_in, B) or (T_in, B, F)
    lengths : ndarray of shape (B,)
    max_length : int
        Most symbols emitted per sequence.
    start, end : int
        Ids of the start and end markers.
    banned : sequence of int, default=()
        Ids never emitted.
    return_weights : bool, default=False
        Also return the attention weights of the emitted tokens.

    Returns
    -------
    Decoded
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    B = len(lengths)
    run = _Running(params, model, X, lengths)
    keep_weights = return_weights and model.attention is not None
    tokens = np.zeros((B, max_length), dtype=np.intp)
    n_tokens = np.full(B, max_length, dtype=np.intp)
    n_emitted = np.full(B, max_length, dtype=np.intp)
    total = np.zeros(B)
    weights = np.zeros((B, max_length, X.shape[0])) if keep_weights else None
    active = np.arange(B)
    prev = np.full(B, start, dtype=np.intp)
    banned = list(banned)
    for t in range(max_length):
        logp, alpha = run.step(prev)
        logp[:, banned] = -np.inf
        choice = logp.argmax(axis=1)
        total[active] += logp[np.arange(len(active)), choice]
        tokens[active, t] = choice
        if keep_weights:
            weights[active, t, : alpha.shape[1]] = alpha
        done = choice == end
        if done.any():
            n_tokens[active[done]] = t
            n_emitted[active[done]] = t + 1
            keep = ~done
            active, choice = active[keep], choice[keep]
            if not len(active):
                break
            run.take(keep)
        prev = choice
    return _finish(tokens, n_tokens, total / n_emitted, weights, lengths)


def beam_decode(
    params: dict,
    model: Seq2Seq,
    X: np.ndarray,
    lengths: np.ndarray,
    *,
    beam_width: int,
    max_length: int,
    start: int,
    end: int,
    banned=(),
    return_weights: bool = False,
) -> Decoded:
    """Beam search with length normalisation, for a batch of inputs.

    Every sequence keeps ``beam_width`` running hypotheses. At each step each
    of them is extended by every symbol; of all extensions the ``beam_width``
    with the highest total log-probability are kept. Those that end with the
    end marker are finished (scored by their mean log-probability per emitted
    symbol, end marker included) and leave the beam, the others run on. A
    sequence stops when it has ``beam_width`` finished hypotheses, when no
    hypothesis runs any more or after ``max_length`` symbols (the running ones
    are then cut and finished); the finished hypothesis with the best mean
    log-probability is the result. With ``beam_width=1`` this is
    :func:`greedy_decode`.

    Parameters and result are those of :func:`greedy_decode`, with
    ``beam_width`` (int >= 1) the number of hypotheses kept.
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    B, K = len(lengths), int(beam_width)
    run = _Running(params, model, X, lengths)
    run.take(np.repeat(np.arange(B), K))
    keep_weights = return_weights and model.attention is not None
    T_in = X.shape[0]

    best = np.full(B, -np.inf)
    best_tokens = np.zeros((B, max_length), dtype=np.intp)
    best_n = np.zeros(B, dtype=np.intp)
    best_weights = np.zeros((B, max_length, T_in)) if keep_weights else None
    n_finished = np.zeros(B, dtype=np.intp)

    active = np.arange(B)  # sequences still searching
    live = np.full((B, K), -np.inf)  # total log-probability of each hypothesis
    live[:, 0] = 0.0
    history = np.zeros((B, K, 0), dtype=np.intp)
    att_history = np.zeros((B, K, 0, T_in)) if keep_weights else None
    prev = np.full(B * K, start, dtype=np.intp)
    banned = list(banned)
    for t in range(max_length):
        logp, alpha = run.step(prev)
        logp[:, banned] = -np.inf
        nB = len(active)
        V = logp.shape[1]
        cand = (live.reshape(-1, 1) + logp).reshape(nB, K * V)
        top = np.argpartition(-cand, K - 1, axis=1)[:, :K]
        score = np.take_along_axis(cand, top, axis=1)
        order = np.argsort(-score, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        score = np.take_along_axis(score, order, axis=1)
        parent, symbol = np.divmod(top, V)
        rows = np.arange(nB)[:, None]
        history = np.concatenate([history[rows, parent], symbol[:, :, None]], axis=2)
        if keep_weights:
            alpha = alpha.reshape(nB, K, -1)
            att_history = np.concatenate(
                [att_history[rows, parent], alpha[rows, parent][:, :, None]], axis=2
            )
        finite = np.isfinite(score)
        ended = finite & (symbol == end)
        finished = finite if t == max_length - 1 else ended
        # finished now: the best of them, by mean log-probability per symbol
        mean = np.where(finished, score / (t + 1), -np.inf)
        k_best = mean.argmax(axis=1)
        value = mean[np.arange(nB), k_best]
        better = value > best[active]
        if better.any():
            seqs, ks = active[better], k_best[better]
            best[seqs] = value[better]
            n_tok = t + 1 - ended[better, ks]
            best_n[seqs] = n_tok
            best_tokens[seqs, : t + 1] = history[better, ks]
            if keep_weights:
                best_weights[seqs, : t + 1] = att_history[better, ks]
        n_finished[active] += finished.sum(axis=1)
        live = np.where(finished | ~finite, -np.inf, score)
        going = (n_finished[active] < K) & np.isfinite(live).any(axis=1)
        flat_parent = (np.arange(nB)[:, None] * K + parent).reshape(-1)
        if not going.all():
            active = active[going]
            if not len(active):
                break
            live, history, symbol = live[going], history[going], symbol[going]
            flat_parent = flat_parent.reshape(nB, K)[going].reshape(-1)
            if keep_weights:
                att_history = att_history[going]
        run.take(flat_parent)
        prev = symbol.reshape(-1)
    return _finish(best_tokens, best_n, best, best_weights, lengths)
