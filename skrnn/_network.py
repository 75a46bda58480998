"""The network of the classifier, the regressor and the tagger: embedding ->
stacked (bi)directional layers -> readout -> dense head.

It is composed of the parts :class:`~skrnn._layers.Embedding` (prefix
``"embedding."``), :class:`~skrnn._stack.Stack` (``"rnn."``) and
:class:`~skrnn._layers.Dense` (``"output."``), whose parameters live in one plain
``dict`` keyed and shaped as PyTorch's, so weights copy between the libraries
unchanged.

:func:`forward` takes a time-major padded batch (``(T, B, F)`` floats, or ``(T, B)``
token ids when the network has an embedding) and per-sequence lengths in any order;
it returns the head's output and a cache. :func:`backward` turns the gradient of
the loss with respect to that output into a dict of parameter gradients. Losses
are in :mod:`skrnn._losses`.

Readouts (``readout``): ``"last"`` is the state after each sequence's last real
step (for a bidirectional layer the forward state at the last step joined with
the backward state at the first step, as PyTorch's ``h_n``); ``"mean"`` and
``"max"`` pool the top layer's outputs over the real steps; ``"sequence"`` keeps
every step and applies the head at each one (tagging).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._layers import CharEncoder, Dense, Embedding, TokenEncoder
from ._losses import step_mask
from ._stack import Stack, dropout_mask, flip, reverse_index


@dataclass(frozen=True)
class Architecture:
    """Shape of a network; everything needed to build and run its parameters.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    hidden_size : int
    n_outputs : int
        Width of the dense head.
    input_size : int, default=None
        Features per time step of numeric input; None when ``n_embeddings`` is set.
    n_embeddings : int, default=None
        Number of token ids (categorical input feeds an embedding layer).
    embedding_dim : int, default=32
    num_layers : int, default=1
    bidirectional : bool, default=False
    readout : {"last", "mean", "max", "sequence"}, default="last"
    dropout : float, default=0.0
        Inverted dropout between layers and before the head, in training only.
    dtype : numpy dtype, default=float64
        Floating type of the parameters and of the computation.
    n_chars : int, default=None
        Character ids of a character-aware token encoder (None: words only).
    char_embedding_dim : int, default=16
    char_hidden_size : int, default=None
        Units per direction of the character encoder (needs ``n_chars``).
    """

    cell: str
    hidden_size: int
    n_outputs: int
    input_size: int | None = None
    n_embeddings: int | None = None
    embedding_dim: int = 32
    num_layers: int = 1
    bidirectional: bool = False
    readout: str = "last"
    dropout: float = 0.0
    dtype: np.dtype = np.dtype(np.float64)
    n_chars: int | None = None
    char_embedding_dim: int = 16
    char_hidden_size: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "dtype", np.dtype(self.dtype))

    @property
    def num_directions(self) -> int:
        return self.stack.num_directions

    @property
    def output_size(self) -> int:
        """Width of the top layer's output (and of the readout)."""
        return self.stack.output_size

    @property
    def embedding(self) -> TokenEncoder | None:
        """The token encoder (word embedding, and the spelling's vector when
        character-aware); None for numeric input."""
        if self.n_embeddings is None:
            return None
        chars = None
        if self.char_hidden_size is not None:
            chars = CharEncoder(
                self.n_chars, self.char_embedding_dim, self.char_hidden_size, self.cell
            )
        return TokenEncoder(Embedding(self.n_embeddings, self.embedding_dim), chars)

    @property
    def stack(self) -> Stack:
        embedding = self.embedding
        return Stack(
            self.cell,
            self.input_size if embedding is None else embedding.output_size,
            self.hidden_size,
            self.num_layers,
            self.bidirectional,
            self.dropout,
        )

    @property
    def head(self) -> Dense:
        return Dense(self.output_size, self.n_outputs)

    def parts(self) -> list:
        """The parts in PyTorch's parameter order."""
        return [p for p in (self.embedding, self.stack, self.head) if p is not None]

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Parameter names and shapes, in PyTorch's order."""
        shapes = {}
        for part in self.parts():
            shapes.update(part.param_shapes())
        return shapes


def init_params(arch: Architecture, rng: np.random.Generator) -> dict:
    """Initialise every part's parameters (see each part's ``init_params``)."""
    params = {}
    for part in arch.parts():
        params.update(part.init_params(rng, arch.dtype))
    return params


class NetworkCache(NamedTuple):
    """What :func:`backward` needs from :func:`forward`."""

    order: np.ndarray | None  # the batch's sort, None if it came sorted
    tokens: object  # the token encoder's cache (None for numeric input)
    lengths: np.ndarray  # sorted lengths of what was run
    R: np.ndarray  # the readout fed to the head
    pool: np.ndarray | None  # argmax positions of max pooling
    head_mask: np.ndarray | None
    stack: object  # StackCache
    bptt_steps: int | None


def _embed(params, arch, X, keep_cache=False):
    """The layer-0 input of a batch, and the token encoder's cache."""
    if arch.n_embeddings is None:
        return X, None
    return arch.embedding.forward(params, X, keep_cache=keep_cache)


def _prefix_states(params, arch, inp, lengths, training, rng, chunk):
    """Final states of every layer after each sequence's prefix; no cache kept.

    Runs in chunks of ``chunk`` time steps so memory does not grow with ``T``.
    """
    init = None
    T = inp.shape[0]
    stack = arch.stack
    for start in range(0, T, chunk):
        part_len = np.clip(lengths - start, 0, chunk)
        if part_len[0] == 0:
            break
        stop = start + int(part_len[0])
        x, _ = _embed(params, arch, inp[start:stop])
        _, init, _ = stack.forward(
            params, x, part_len, init, training=training, rng=rng, keep_cache=False
        )
    return init


def _window(inp, lengths, k):
    """The last ``k`` real steps of each sequence, shifted to start at step 0."""
    B = inp.shape[1]
    starts = np.maximum(lengths - k, 0)
    w_len = lengths - starts
    Tw = int(w_len.max())
    t = np.arange(Tw)[:, None]
    src = np.minimum(starts[None, :] + t, inp.shape[0] - 1)
    Xw = inp[src, np.arange(B)]
    Xw[t >= w_len[None, :]] = 0
    return Xw, w_len


def _sort(X, lengths):
    """The batch sorted by decreasing length, and the order (None if sorted)."""
    B = X.shape[1]
    order = np.argsort(-lengths, kind="stable")
    if np.all(order == np.arange(B)):
        return X, lengths, None
    return X[:, order], lengths[order], order


def _unsort(values, order, axis):
    if order is None:
        return values
    inv = np.empty_like(order)
    inv[order] = np.arange(len(order))
    return values[:, inv] if axis == 1 else values[inv]


# ----------------------------------------------------------------------------
# forward and backward
# ----------------------------------------------------------------------------


def forward(
    params: dict,
    arch: Architecture,
    X: np.ndarray,
    lengths: np.ndarray,
    *,
    training: bool = False,
    rng: np.random.Generator | None = None,
    bptt_steps: int | None = None,
    keep_cache: bool = True,
):
    """Run the network on a time-major padded batch.

    Parameters
    ----------
    params : dict of ndarray
    arch : Architecture
    X : ndarray of shape (T, B, F), or (T, B) integer ids with an embedding
    lengths : ndarray of shape (B,)
        Real lengths (>= 1), in any order.
    training : bool, default=False
        Applies dropout (needs ``rng``).
    rng : numpy.random.Generator, default=None
    bptt_steps : int, default=None
        Truncated BPTT window used by :func:`backward`. With ``readout="last"``
        and a unidirectional stack, the steps before each sequence's last
        ``bptt_steps`` run forward only and keep no cache.
    keep_cache : bool, default=True
        False for inference: the layers keep no cache (and hold their gate
        buffers for a few time steps at a time, so memory does not grow with
        ``T`` beyond the outputs); the returned cache then cannot be passed
        to :func:`backward`.

    Returns
    -------
    out : ndarray
        Head output, ``(B, n_outputs)``, or ``(T, B, n_outputs)`` for
        ``readout="sequence"`` (zeros at padded steps).
    cache : NetworkCache
        What :func:`backward` needs.
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    dtype = arch.dtype
    if arch.n_embeddings is None and X.dtype != dtype:
        X = X.astype(dtype)
    X, lengths, order = _sort(X, lengths)

    lean = (
        bptt_steps is not None
        and arch.readout == "last"
        and not arch.bidirectional
        and lengths[0] > bptt_steps
    )
    init = None
    ids = X
    if lean:
        prefix_len = np.maximum(lengths - bptt_steps, 0)
        init = _prefix_states(
            params, arch, X, prefix_len, training, rng, chunk=max(bptt_steps, 32)
        )
        ids, lengths = _window(X, lengths, bptt_steps)
    inp, tokens = _embed(params, arch, ids, keep_cache)
    T = inp.shape[0]
    top, finals, stack_cache = arch.stack.forward(
        params, inp, lengths, init, training=training, rng=rng, keep_cache=keep_cache
    )

    pool = None
    if arch.readout == "last":
        top_finals = finals[-arch.num_directions :]
        R = np.concatenate([h for h, _ in top_finals], axis=1)
    elif arch.readout == "mean":
        R = top.sum(axis=0) / lengths[:, None].astype(dtype)
    elif arch.readout == "max":
        masked = np.where(step_mask(lengths, T)[:, :, None], top, -np.inf)
        pool = masked.argmax(axis=0)
        R = np.take_along_axis(top, pool[None], axis=0)[0]
    elif arch.readout == "sequence":
        R = top
    else:
        raise ValueError(f"unknown readout {arch.readout!r}")

    head_mask = None
    if training and arch.dropout > 0:
        head_mask = dropout_mask(rng, R.shape, arch.dropout, dtype)
        R = R * head_mask

    out = arch.head.forward(params, R)
    if arch.readout == "sequence":
        out[~step_mask(lengths, T)] = 0

    cache = NetworkCache(
        order,
        tokens,
        lengths,
        R,
        pool,
        head_mask,
        stack_cache,
        None if lean else bptt_steps,
    )
    return _unsort(out, order, 1 if arch.readout == "sequence" else 0), cache


def backward(
    params: dict,
    arch: Architecture,
    dout: np.ndarray,
    cache,
    *,
    sparse_embedding: bool = False,
) -> dict:
    """Gradients of the loss for every parameter, given ``d loss / d out``.

    ``dout`` has the shape of :func:`forward`'s ``out`` and the batch's original
    order. The cache is consumed (its buffers are reused). With
    ``sparse_embedding`` the embedding's gradient is row-sparse (training).
    """
    order, lengths, R = cache.order, cache.lengths, cache.R
    T = cache.stack.n_steps
    H = arch.hidden_size
    dtype = arch.dtype
    dout = np.asarray(dout, dtype=dtype)
    if order is not None:
        dout = dout[:, order] if arch.readout == "sequence" else dout[order]
    if arch.readout == "sequence":
        # padded outputs are constant zeros: no gradient flows from them
        dout = np.where(step_mask(lengths, T)[:, :, None], dout, 0).astype(dtype)

    dR, grads = arch.head.backward(params, R, dout)
    if cache.head_mask is not None:
        dR *= cache.head_mask

    dY_top, d_finals = None, None
    if arch.readout == "last":
        stack = arch.stack
        d_finals = [None] * stack.n_states
        for d in range(arch.num_directions):
            d_finals[stack.n_states - arch.num_directions + d] = (
                dR[:, d * H : (d + 1) * H],
                None,
            )
    elif arch.readout == "mean":
        scale = (1.0 / lengths).astype(dtype)
        dY_top = np.where(
            step_mask(lengths, T)[:, :, None], (dR * scale[:, None])[None], 0
        ).astype(dtype)
    elif arch.readout == "max":
        dY_top = np.zeros((T,) + dR.shape, dtype=dtype)
        np.put_along_axis(dY_top, cache.pool[None], dR[None], axis=0)
    else:
        dY_top = dR

    embedding = arch.embedding
    dx, _, stack_grads = arch.stack.backward(
        params,
        cache.stack,
        dY_top,
        d_finals,
        bptt_steps=cache.bptt_steps,
        need_dx=embedding is not None,
    )
    grads.update(stack_grads)
    if embedding is not None:
        real = step_mask(lengths, T)
        grads.update(
            embedding.backward(params, cache.tokens, dx, real, sparse=sparse_embedding)
        )
    return {k: grads[k] for k in params}


def run_layers(
    params: dict,
    arch: Architecture,
    X: np.ndarray,
    lengths: np.ndarray,
    *,
    cell_states: bool = False,
):
    """Run the embedding and recurrent stack only (no head), in inference mode.

    Returns
    -------
    top : ndarray of shape (T, B, output_size)
        The top layer's outputs at every step (zeros at padding), batch order kept.
    h_n : ndarray of shape (num_layers * num_directions, B, hidden_size)
        Final hidden states, laid out as PyTorch's ``h_n``.
    c_n : ndarray or None
        Final LSTM cell states, as PyTorch's ``c_n``.
    top_cells : ndarray of shape (T, B, output_size) or None
        The top layer's LSTM cell states at every step, when ``cell_states``.
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    dtype = arch.dtype
    if arch.n_embeddings is None and X.dtype != dtype:
        X = X.astype(dtype)
    B = X.shape[1]
    order = np.argsort(-lengths, kind="stable")
    X, lengths = X[:, order], lengths[order]
    inv = np.empty_like(order)
    inv[order] = np.arange(B)
    inp, _ = _embed(params, arch, X)
    top, finals, cache = arch.stack.forward(
        params, inp, lengths, keep_cache=cell_states
    )
    h_n = np.stack([h for h, _ in finals])[:, inv]
    c_n = None
    if arch.cell == "lstm":
        c_n = np.stack([c for _, c in finals])[:, inv]
    top_cells = None
    if cell_states:
        if arch.cell != "lstm":
            raise ValueError("cell states exist only for cell='lstm'")
        T = inp.shape[0]
        rev = reverse_index(lengths, T) if arch.bidirectional else None
        parts = []
        for d, layer_cache in enumerate(cache.layers[-1]):
            C = layer_cache.C
            parts.append(flip(C, rev) if d == 1 else C)
        top_cells = np.concatenate(parts, axis=2)[:, inv]
    return top[:, inv], h_n, c_n, top_cells


def readout(params: dict, arch: Architecture, X: np.ndarray, lengths: np.ndarray):
    """The pooled representation fed to the head, ``(B, output_size)``, batch order
    kept (inference mode)."""
    _, cache = forward(params, arch, X, lengths, keep_cache=False)
    return _unsort(cache.R, cache.order, 0)
