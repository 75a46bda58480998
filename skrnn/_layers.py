"""Layers other than the recurrent stack: token embedding, dense head, attention.

Each layer owns a key prefix, and inside it PyTorch's names and layouts
(``nn.Embedding``'s ``weight``; ``nn.Linear``'s ``weight`` ``(out, in)`` and
``bias``), so one model can hold several of them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._optim import RowSparse


@dataclass(frozen=True)
class Embedding:
    """Token ids to vectors, as ``nn.Embedding`` (standard-normal start).

    Parameters
    ----------
    n_tokens : int
    dim : int
    prefix : str, default="embedding."
    """

    n_tokens: int
    dim: int
    prefix: str = "embedding."

    @property
    def key(self) -> str:
        return self.prefix + "weight"

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {self.key: (self.n_tokens, self.dim)}

    def init_params(self, rng: np.random.Generator, dtype) -> dict:
        return {self.key: rng.standard_normal((self.n_tokens, self.dim)).astype(dtype)}

    def forward(self, params: dict, ids: np.ndarray) -> np.ndarray:
        """Vectors of ``ids`` (any shape), with a trailing axis of ``dim``."""
        return params[self.key][ids]

    def backward(
        self,
        params: dict,
        ids: np.ndarray,
        d_out: np.ndarray,
        mask=None,
        *,
        sparse: bool = False,
    ) -> dict:
        """Gradient of the table from the gradient on :meth:`forward`'s output.

        ``mask`` (the shape of ``ids``) selects the positions that count; the
        others (padding) contribute nothing. With ``sparse`` the gradient is a
        :class:`~skrnn._optim.RowSparse` over the ids used, so its cost does not
        grow with the vocabulary.
        """
        if mask is None:
            ids, d_out = ids.reshape(-1), d_out.reshape(-1, self.dim)
        else:
            ids, d_out = ids[mask], d_out[mask]
        if sparse:
            return {self.key: RowSparse.accumulate(ids, d_out)}
        dE = np.zeros_like(params[self.key])
        np.add.at(dE, ids, d_out)
        return {self.key: dE}


@dataclass(frozen=True)
class Dense:
    """An affine layer ``y = x W^T + b`` over the last axis, as ``nn.Linear``.

    Weights and bias start uniform on ``[-1/sqrt(n_in), 1/sqrt(n_in)]``
    (PyTorch's default).

    Parameters
    ----------
    n_in : int
    n_out : int
    prefix : str, default="output."
    bias : bool, default=True
    """

    n_in: int
    n_out: int
    prefix: str = "output."
    bias: bool = True

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes = {self.prefix + "weight": (self.n_out, self.n_in)}
        if self.bias:
            shapes[self.prefix + "bias"] = (self.n_out,)
        return shapes

    def init_params(self, rng: np.random.Generator, dtype) -> dict:
        k = 1.0 / np.sqrt(self.n_in)
        return {
            name: rng.uniform(-k, k, size=shape).astype(dtype)
            for name, shape in self.param_shapes().items()
        }

    def forward(self, params: dict, x: np.ndarray) -> np.ndarray:
        """``x`` of shape ``(..., n_in)`` to ``(..., n_out)``."""
        W = params[self.prefix + "weight"]
        lead = x.shape[:-1]
        out = (x.reshape(-1, self.n_in) @ W.T).reshape(*lead, self.n_out)
        if self.bias:
            out += params[self.prefix + "bias"]
        return out

    def backward(self, params: dict, x: np.ndarray, d_out: np.ndarray):
        """Gradients on the input and the parameters, given those on the output.

        Returns
        -------
        dx : ndarray, the shape of ``x``
        grads : dict of ndarray
        """
        W = params[self.prefix + "weight"]
        d2 = d_out.reshape(-1, self.n_out)
        grads = {self.prefix + "weight": d2.T @ x.reshape(-1, self.n_in)}
        if self.bias:
            grads[self.prefix + "bias"] = d2.sum(axis=0)
        dx = (d2 @ W).reshape(x.shape)
        return dx, grads


@dataclass(frozen=True)
class CharEncoder:
    """A token's spelling as a vector (C2W, Ling et al., 2015).

    The characters' embeddings (``prefix + "embedding."``) are read by one
    bidirectional recurrent layer (``prefix + "rnn."``, PyTorch's names); the
    token's vector joins the forward state after its last character and the
    backward state after its first: :math:`[\\overrightarrow{h}_{n};
    \\overleftarrow{h}_{1}]`, of width ``2 * hidden_size``.

    Parameters
    ----------
    n_chars : int
    char_dim : int
    hidden_size : int
    cell : {"rnn", "lstm", "gru"}
    prefix : str, default="chars."
    """

    n_chars: int
    char_dim: int
    hidden_size: int
    cell: str
    prefix: str = "chars."

    @property
    def embedding(self) -> Embedding:
        return Embedding(self.n_chars, self.char_dim, self.prefix + "embedding.")

    @property
    def stack(self):
        from ._stack import Stack

        return Stack(
            self.cell,
            self.char_dim,
            self.hidden_size,
            1,
            True,
            prefix=self.prefix + "rnn.",
        )

    @property
    def output_size(self) -> int:
        return 2 * self.hidden_size

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {**self.embedding.param_shapes(), **self.stack.param_shapes()}

    def init_params(self, rng: np.random.Generator, dtype) -> dict:
        params = self.embedding.init_params(rng, dtype)
        params.update(self.stack.init_params(rng, dtype))
        return params

    def forward(self, params: dict, chars, lengths, *, keep_cache: bool = True):
        """Vectors ``(n_types, 2 * hidden_size)`` of spellings ``chars``
        (time-major ``(Tc, n_types)`` ids) of ``lengths``; and a cache.

        Empty spellings (``""``) get the initial state, zeros. Spellings far
        longer than the batch's others (a URL, a base64 blob) are read apart,
        so that one of them does not pad every other spelling to its length.
        """
        lengths = np.asarray(lengths)
        buckets = _spelling_buckets(lengths)
        out = None
        caches = []
        for rows in buckets:
            sub_lengths = lengths if rows is None else lengths[rows]
            sub = chars if rows is None else chars[:, rows]
            # as many steps as the bucket's longest spelling, and at least one
            # (a batch of empty spellings only: a step that no row reaches)
            width = max(int(sub_lengths.max(initial=0)), 1)
            sub = sub[:width]
            if sub.shape[0] == 0:
                sub = np.zeros((1, sub.shape[1]), dtype=chars.dtype)
            x = self.embedding.forward(params, sub)
            _, finals, cache = self.stack.forward(
                params, x, sub_lengths, keep_cache=keep_cache
            )
            h = np.concatenate([finals[0].h, finals[1].h], axis=1)
            if rows is None:
                out = h
            else:
                if out is None:
                    out = np.empty((len(lengths), h.shape[1]), dtype=h.dtype)
                out[rows] = h
            caches.append((rows, sub, sub_lengths, cache))
        return out, caches

    def backward(self, params: dict, cache, d_out, *, sparse: bool = False) -> dict:
        from ._stack import State

        H = self.hidden_size
        grads: dict = {}
        for rows, chars, lengths, stack_cache in cache:
            d = d_out if rows is None else d_out[rows]
            d_finals = [State(d[:, :H], None), State(d[:, H:], None)]
            dx, _, part = self.stack.backward(params, stack_cache, None, d_finals)
            mask = np.arange(chars.shape[0])[:, None] < lengths[None, :]
            part.update(self.embedding.backward(params, chars, dx, mask, sparse=sparse))
            for key, g in part.items():
                if key not in grads:
                    grads[key] = g
                elif isinstance(g, RowSparse):
                    old = grads[key]
                    grads[key] = RowSparse.accumulate(
                        np.concatenate([old.rows, g.rows]),
                        np.concatenate([old.values, g.values]),
                    )
                else:
                    grads[key] = grads[key] + g
        return grads


def _spelling_buckets(lengths: np.ndarray) -> list:
    """Groups of spellings read together: ``[None]`` (all at once) unless some
    are longer than 32 characters and four times the batch's 95th percentile;
    those are grouped by the power of two of their length."""
    if len(lengths) == 0:
        return [None]
    cut = max(32.0, 4.0 * float(np.percentile(lengths, 95)))
    long = lengths > cut
    if not long.any():
        return [None]
    groups = [np.flatnonzero(~long)] if not long.all() else []
    idx = np.flatnonzero(long)
    keys = np.ceil(np.log2(lengths[idx]))
    groups += [idx[keys == k] for k in np.unique(keys)]
    return groups


@dataclass(frozen=True)
class TokenEncoder:
    """Token ids to vectors: a word embedding, joined (when ``chars`` is set) by
    the :class:`CharEncoder` vector of the token's spelling.

    Without ``chars`` the input is an array of ids; with it, a batch with
    ``words``, ``types``, ``chars`` and ``char_lengths`` (see
    :class:`skrnn._ragged.TokenBatch`): each distinct spelling of the batch is
    read once and its vector copied to every position that holds it.
    """

    word: Embedding
    chars: CharEncoder | None = None

    @property
    def output_size(self) -> int:
        return self.word.dim + (0 if self.chars is None else self.chars.output_size)

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes = self.word.param_shapes()
        if self.chars is not None:
            shapes.update(self.chars.param_shapes())
        return shapes

    def init_params(self, rng: np.random.Generator, dtype) -> dict:
        params = self.word.init_params(rng, dtype)
        if self.chars is not None:
            params.update(self.chars.init_params(rng, dtype))
        return params

    def forward(self, params: dict, X, *, keep_cache: bool = True):
        """Vectors ``(T, B, output_size)`` of a batch, and a cache."""
        if self.chars is None:
            return self.word.forward(params, X), X
        words = self.word.forward(params, X.words)
        spelled, char_cache = self.chars.forward(
            params, X.chars, X.char_lengths, keep_cache=keep_cache
        )
        out = np.concatenate([words, spelled[X.types]], axis=-1)
        return out, (X, char_cache)

    def backward(self, params: dict, cache, d_out, mask, *, sparse: bool = False):
        """Gradients of the tables (and the character encoder) from those on
        :meth:`forward`'s output; ``mask`` marks the real positions."""
        if self.chars is None:
            return self.word.backward(params, cache, d_out, mask, sparse=sparse)
        X, char_cache = cache
        E = self.word.dim
        grads = self.word.backward(params, X.words, d_out[..., :E], mask, sparse=sparse)
        d_types = np.zeros(
            (X.chars.shape[1], self.chars.output_size), dtype=d_out.dtype
        )
        np.add.at(d_types, X.types[mask], d_out[..., E:][mask])
        grads.update(self.chars.backward(params, char_cache, d_types, sparse=sparse))
        return grads


#: The attention scores :class:`Attention` computes.
ATTENTION_KINDS = ("dot", "general", "additive")


class AttentionCache(NamedTuple):
    """What :meth:`Attention.backward` needs from :meth:`Attention.forward`."""

    query: np.ndarray  # (B, T_q, H)
    memory: np.ndarray  # (B, T_m, E)
    keys: np.ndarray  # (B, T_m, H)
    weights: np.ndarray  # (B, T_q, T_m), zero at padded memory steps
    projected: np.ndarray | None  # additive: W_q s + b_q, (B, T_q, H)
    hidden: np.ndarray | None  # additive: tanh(W_q s + b_q + W_k m), (B, T_q, T_m, H)


@dataclass(frozen=True)
class Attention:
    """Attention of queries (decoder states) over a memory (encoder outputs).

    Scores one query :math:`s` (width ``query_size``, :math:`H`) against every
    real memory step :math:`m_j` (width ``memory_size``, :math:`E`), turns the
    scores into weights with a softmax over the real steps and returns the
    weighted mean of the memory, the context :math:`c = \\sum_j \\alpha_j m_j`.

    - ``"dot"``: :math:`e_j = s^\\top k_j` with :math:`k_j = m_j` when
      :math:`E = H`, and :math:`k_j = m_{j,1:H} + m_{j,H+1:2H}` (the sum of the
      two directions) when :math:`E = 2H`; no parameters.
    - ``"general"``: :math:`e_j = s^\\top W m_j`, ``weight`` of shape (H, E).
    - ``"additive"``: :math:`e_j = v^\\top \\tanh(W_q s + b_q + W_k m_j)`,
      ``query.weight`` (H, H), ``query.bias`` (H,), ``key.weight`` (H, E) and
      ``v.weight`` (1, H).

    ``"dot"`` and ``"general"`` are Luong et al. (2015)'s, ``"additive"``
    Bahdanau et al. (2015)'s. The parameters are ``nn.Linear`` weights without
    bias (but ``query``), under ``prefix``. All arrays are batch-major.

    Parameters
    ----------
    kind : {"dot", "general", "additive"}
    query_size : int
    memory_size : int
    prefix : str, default="attention."
    """

    kind: str
    query_size: int
    memory_size: int
    prefix: str = "attention."

    def __post_init__(self):
        if self.kind not in ATTENTION_KINDS:
            raise ValueError(f"unknown attention {self.kind!r}")
        H, E = self.query_size, self.memory_size
        if self.kind == "dot" and E not in (H, 2 * H):
            raise ValueError(
                f"dot attention needs a memory of width {H} or {2 * H}, got {E}"
            )

    @property
    def general(self) -> Dense:
        return Dense(self.memory_size, self.query_size, self.prefix, bias=False)

    @property
    def query(self) -> Dense:
        return Dense(self.query_size, self.query_size, self.prefix + "query.")

    @property
    def key(self) -> Dense:
        return Dense(self.memory_size, self.query_size, self.prefix + "key.", False)

    @property
    def v(self) -> Dense:
        return Dense(self.query_size, 1, self.prefix + "v.", bias=False)

    def _parts(self) -> list:
        if self.kind == "general":
            return [self.general]
        if self.kind == "additive":
            return [self.query, self.key, self.v]
        return []

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes = {}
        for part in self._parts():
            shapes.update(part.param_shapes())
        return shapes

    def init_params(self, rng: np.random.Generator, dtype) -> dict:
        """``nn.Linear``'s initialisation for every weight and bias."""
        params = {}
        for part in self._parts():
            params.update(part.init_params(rng, dtype))
        return params

    def keys(self, params: dict, memory: np.ndarray) -> np.ndarray:
        """What the scores compare a query with, ``(B, T_m, H)``.

        It depends on the memory only: a decoder computes it once per sequence.
        """
        H = self.query_size
        if self.kind == "dot":
            if self.memory_size == H:
                return memory
            return memory[..., :H] + memory[..., H:]
        part = self.general if self.kind == "general" else self.key
        return part.forward(params, memory)

    def forward(
        self,
        params: dict,
        query: np.ndarray,
        memory: np.ndarray,
        mask: np.ndarray,
        keys: np.ndarray | None = None,
    ):
        """Contexts and weights of every query.

        Parameters
        ----------
        params : dict of ndarray
        query : ndarray of shape (B, T_q, H)
        memory : ndarray of shape (B, T_m, E)
        mask : ndarray of bool of shape (B, T_m)
            The real memory steps (at least one per row).
        keys : ndarray of shape (B, T_m, H), default=None
            :meth:`keys` of the memory, when already computed.

        Returns
        -------
        context : ndarray of shape (B, T_q, E)
        weights : ndarray of shape (B, T_q, T_m)
            Attention weights, 0 at padded memory steps; each row sums to 1.
        cache : AttentionCache
        """
        if keys is None:
            keys = self.keys(params, memory)
        projected = hidden = None
        if self.kind == "additive":
            projected = self.query.forward(params, query)
            hidden = np.tanh(projected[:, :, None, :] + keys[:, None, :, :])
            v = params[self.prefix + "v.weight"][0]
            scores = hidden @ v
        else:
            scores = query @ keys.transpose(0, 2, 1)
        scores[~np.broadcast_to(mask[:, None, :], scores.shape)] = -np.inf
        scores -= scores.max(axis=2, keepdims=True)
        weights = np.exp(scores, out=scores)
        weights /= weights.sum(axis=2, keepdims=True)
        context = weights @ memory
        cache = AttentionCache(query, memory, keys, weights, projected, hidden)
        return context, weights, cache

    def backward(self, params: dict, cache: AttentionCache, d_context: np.ndarray):
        """Gradients on the queries, the memory and the parameters.

        Parameters
        ----------
        params : dict of ndarray
        cache : AttentionCache
            From :meth:`forward`.
        d_context : ndarray of shape (B, T_q, E)

        Returns
        -------
        d_query : ndarray of shape (B, T_q, H)
        d_memory : ndarray of shape (B, T_m, E)
        grads : dict of ndarray
        """
        query, memory, keys, weights = (
            cache.query,
            cache.memory,
            cache.keys,
            cache.weights,
        )
        H = self.query_size
        grads = {}
        d_memory = weights.transpose(0, 2, 1) @ d_context
        d_weights = d_context @ memory.transpose(0, 2, 1)
        # softmax: de_j = a_j (dw_j - sum_k a_k dw_k); zero at padded steps
        d_scores = d_weights
        d_scores -= (d_weights * weights).sum(axis=2, keepdims=True)
        d_scores *= weights
        if self.kind == "additive":
            v_key = self.prefix + "v.weight"
            v = params[v_key][0]
            grads[v_key] = np.einsum("bqm,bqmh->h", d_scores, cache.hidden)[None, :]
            d_hidden = cache.hidden
            np.square(d_hidden, out=d_hidden)
            np.subtract(1, d_hidden, out=d_hidden)
            d_hidden *= d_scores[..., None]
            d_hidden *= v
            d_query, g = self.query.backward(params, query, d_hidden.sum(axis=2))
            grads.update(g)
            d_keys = d_hidden.sum(axis=1)
        else:
            d_query = d_scores @ keys
            d_keys = d_scores.transpose(0, 2, 1) @ query
        if self.kind == "dot":
            if self.memory_size == H:
                d_memory += d_keys
            else:
                d_memory[..., :H] += d_keys
                d_memory[..., H:] += d_keys
        else:
            part = self.general if self.kind == "general" else self.key
            d_mem, g = part.backward(params, memory, d_keys)
            d_memory += d_mem
            grads.update(g)
        return d_query, d_memory, grads
