"""Layers other than the recurrent stack: token embedding and dense head.

Each layer owns a key prefix, and inside it PyTorch's names and layouts
(``nn.Embedding``'s ``weight``; ``nn.Linear``'s ``weight`` ``(out, in)`` and
``bias``), so one model can hold several of them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        (time-major ``(Tc, n_types)`` ids) of ``lengths``; and a cache."""
        x = self.embedding.forward(params, chars)
        _, finals, cache = self.stack.forward(params, x, lengths, keep_cache=keep_cache)
        out = np.concatenate([finals[0].h, finals[1].h], axis=1)
        return out, (chars, lengths, cache)

    def backward(self, params: dict, cache, d_out, *, sparse: bool = False) -> dict:
        from ._stack import State

        chars, lengths, stack_cache = cache
        H = self.hidden_size
        d_finals = [State(d_out[:, :H], None), State(d_out[:, H:], None)]
        dx, _, grads = self.stack.backward(params, stack_cache, None, d_finals)
        mask = np.arange(chars.shape[0])[:, None] < lengths[None, :]
        grads.update(self.embedding.backward(params, chars, dx, mask, sparse=sparse))
        return grads


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
