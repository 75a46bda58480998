"""The language model's network: embedding -> recurrent stack -> dense head at
every step, with the recurrent state in and out.

The parts are :class:`~skrnn._layers.Embedding` (``"embedding.weight"``),
:class:`~skrnn._stack.Stack` (``"rnn.*"``) and :class:`~skrnn._layers.Dense`
(``"output.weight"``, ``"output.bias"``): the layout of PyTorch's
word-language-model example (which calls the first and last ``encoder`` and
``decoder``). :meth:`LanguageNetwork.forward` reads a time-major ``(T, B)`` batch
of token ids from given initial states and returns the logits of the next token
at every step and the final states; :meth:`LanguageNetwork.backward` turns the
gradient on the logits into parameter gradients. The state that a window of
truncated back-propagation hands to the next one is an input here, so no
gradient ever flows into it. :meth:`LanguageNetwork.scan` reads long batches in
pieces for inference, and :meth:`LanguageNetwork.prepare` / :meth:`step` advance
one token at a time for sampling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._layers import Dense, Embedding
from ._losses import step_mask
from ._stack import Stack, State, dropout_mask


class WindowCache(NamedTuple):
    """What :meth:`LanguageNetwork.backward` needs from its forward pass."""

    ids: np.ndarray  # (T, B) input ids
    lengths: np.ndarray  # (B,)
    top: np.ndarray  # (T, B, H) what the head read (after dropout)
    head_mask: np.ndarray | None  # dropout mask before the head
    stack: object  # StackCache


def _copy_states(states: list[State]) -> list[State]:
    return [State(s.h.copy(), None if s.c is None else s.c.copy()) for s in states]


@dataclass(frozen=True)
class LanguageNetwork:
    """Embedding, unidirectional recurrent stack and a softmax head per step.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    n_tokens : int
        Vocabulary size: rows of the embedding and outputs of the head.
    embedding_dim : int
    hidden_size : int
    num_layers : int, default=1
    dropout : float, default=0.0
        Inverted dropout between recurrent layers and before the head, in
        training only.
    dtype : numpy dtype, default=float32
    """

    cell: str
    n_tokens: int
    embedding_dim: int
    hidden_size: int
    num_layers: int = 1
    dropout: float = 0.0
    dtype: np.dtype = np.dtype(np.float32)

    def __post_init__(self):
        object.__setattr__(self, "dtype", np.dtype(self.dtype))

    @property
    def embedding(self) -> Embedding:
        return Embedding(self.n_tokens, self.embedding_dim)

    @property
    def stack(self) -> Stack:
        return Stack(
            self.cell,
            self.embedding_dim,
            self.hidden_size,
            self.num_layers,
            False,
            self.dropout,
        )

    @property
    def head(self) -> Dense:
        return Dense(self.hidden_size, self.n_tokens)

    def parts(self) -> list:
        return [self.embedding, self.stack, self.head]

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Parameter names and shapes, in PyTorch's order."""
        shapes = {}
        for part in self.parts():
            shapes.update(part.param_shapes())
        return shapes

    def init_params(self, rng: np.random.Generator) -> dict:
        """Every part's own initialisation (see each part's ``init_params``)."""
        params = {}
        for part in self.parts():
            params.update(part.init_params(rng, self.dtype))
        return params

    def zero_state(self, batch: int) -> list[State]:
        return self.stack.zero_state(batch, self.dtype)

    # ------------------------------------------------------------------
    # training: one window
    # ------------------------------------------------------------------

    def forward(
        self,
        params: dict,
        ids: np.ndarray,
        lengths: np.ndarray,
        init: list[State] | None = None,
        *,
        training: bool = False,
        rng: np.random.Generator | None = None,
    ):
        """Logits of the next token after every input of a ``(T, B)`` batch.

        Parameters
        ----------
        params : dict of ndarray
        ids : ndarray of int of shape (T, B)
        lengths : ndarray of shape (B,)
            Real steps per column, in any order (0: the state passes through).
        init : list of State, default=None
            Initial states, one per layer (zeros when None); treated as
            constants: no gradient is returned for them.
        training : bool, default=False
            Applies dropout (needs ``rng``).
        rng : numpy.random.Generator, default=None

        Returns
        -------
        logits : ndarray of shape (T, B, n_tokens)
            Meaningless at padded steps.
        finals : list of State
            The states after each column's last real step (copies, safe to keep
            after :meth:`backward`).
        cache : WindowCache
        """
        lengths = np.asarray(lengths, dtype=np.intp)
        x = self.embedding.forward(params, ids)
        top, finals, stack_cache = self.stack.forward(
            params, x, lengths, init, training=training, rng=rng
        )
        head_mask = None
        if training and self.dropout > 0:
            head_mask = dropout_mask(rng, top.shape, self.dropout, self.dtype)
            top = top * head_mask
        logits = self.head.forward(params, top)
        cache = WindowCache(ids, lengths, top, head_mask, stack_cache)
        return logits, _copy_states(finals), cache

    def backward(self, params: dict, cache: WindowCache, d_logits: np.ndarray) -> dict:
        """Parameter gradients from the gradient on :meth:`forward`'s logits
        (which must be zero at padded steps). The cache is consumed."""
        d_logits = np.asarray(d_logits, dtype=self.dtype)
        d_top, grads = self.head.backward(params, cache.top, d_logits)
        if cache.head_mask is not None:
            d_top *= cache.head_mask
        dx, _, stack_grads = self.stack.backward(params, cache.stack, d_top, None)
        grads.update(stack_grads)
        T = cache.ids.shape[0]
        real = None
        if np.any(cache.lengths < T):
            real = step_mask(cache.lengths, T)
        grads.update(self.embedding.backward(params, cache.ids, dx, real))
        return {k: grads[k] for k in params}

    # ------------------------------------------------------------------
    # inference
    # ------------------------------------------------------------------

    def scan(
        self,
        params: dict,
        ids: np.ndarray,
        lengths: np.ndarray,
        chunk: int,
        *,
        cell_states: bool = False,
    ):
        """Read a ``(T, B)`` batch from the zero state in pieces of ``chunk``
        steps, carrying the state from piece to piece (inference mode).

        ``lengths`` must be in decreasing order. Yields, for each piece,
        ``(start, top, cells, states)``: the top layer's outputs ``(c, B, H)``
        (zeros past a column's end), its LSTM cell states (with
        ``cell_states``, else None) and the states of every layer after the
        piece. Memory does not grow with ``T``.
        """
        lengths = np.asarray(lengths, dtype=np.intp)
        states = self.zero_state(ids.shape[1])
        for start in range(0, int(lengths[0]), chunk):
            part = np.clip(lengths - start, 0, chunk)
            stop = start + int(part[0])
            x = self.embedding.forward(params, ids[start:stop])
            top, states, cache = self.stack.forward(
                params, x, part, states, keep_cache=cell_states
            )
            cells = cache.layers[-1][0].C if cell_states else None
            yield start, top, cells, states

    def prepare(self, params: dict) -> list:
        """The recurrent weights laid out once for :meth:`step`."""
        return self.stack.prepare(params)

    def step(self, params: dict, prepared: list, ids: np.ndarray, states):
        """Read one token per row; return the next-token logits ``(B, n_tokens)``
        and the new states."""
        x = self.embedding.forward(params, ids)
        y, states = self.stack.step(prepared, x, states)
        return self.head.forward(params, y), states
