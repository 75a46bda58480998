"""The language model's network: embedding -> recurrent stack -> dense head at
every step, with the recurrent state in and out.

The parts are :class:`~skrnn._layers.Embedding` (``"embedding.weight"``),
:class:`~skrnn._stack.Stack` (``"rnn.*"``) and :class:`~skrnn._layers.Dense`
(``"output.weight"``, ``"output.bias"``): the layout of PyTorch's
word-language-model example (which calls the first and last ``encoder`` and
``decoder``). A character-aware network (``char_hidden_size`` set) joins each
token's word embedding with the :class:`~skrnn._layers.CharEncoder` vector of its
spelling (``"chars.*"``), through a :class:`~skrnn._layers.TokenEncoder`; its
batches are :class:`~skrnn._ragged.TokenBatch` instead of arrays of ids.
:meth:`LanguageNetwork.forward` reads a time-major ``(T, B)`` batch of tokens
from given initial states and returns the logits of the next token at every
step and the final states; :meth:`LanguageNetwork.backward` turns the gradient
on the logits into parameter gradients. The state that a window of truncated
back-propagation hands to the next one is an input here, so no gradient ever
flows into it. :meth:`LanguageNetwork.scan` reads long batches in pieces for
inference (spelling each batch's tokens once), and
:meth:`LanguageNetwork.prepare` / :meth:`step` advance one token at a time for
sampling, on the input vectors of the whole vocabulary computed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._layers import CharEncoder, Dense, Embedding, TokenEncoder
from ._losses import step_mask
from ._ragged import TokenBatch
from ._stack import Stack, State, dropout_mask


class WindowCache(NamedTuple):
    """What :meth:`LanguageNetwork.backward` needs from its forward pass."""

    tokens: object  # the token encoder's cache (the (T, B) ids without chars)
    lengths: np.ndarray  # (B,)
    top: np.ndarray  # (T, B, H) what the head read (after dropout)
    head_mask: np.ndarray | None  # dropout mask before the head
    stack: object  # StackCache


class Prepared(NamedTuple):
    """What :meth:`LanguageNetwork.step` reads, laid out once."""

    stack: list  # the recurrent weights, from Stack.prepare
    table: np.ndarray  # (n_tokens, input size): the input vector of every id


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
    n_chars : int, default=None
        Character ids of a character-aware token encoder (None: words only).
    char_embedding_dim : int, default=16
    char_hidden_size : int, default=None
        Units per direction of the character encoder (needs ``n_chars``).
    """

    cell: str
    n_tokens: int
    embedding_dim: int
    hidden_size: int
    num_layers: int = 1
    dropout: float = 0.0
    dtype: np.dtype = np.dtype(np.float32)
    n_chars: int | None = None
    char_embedding_dim: int = 16
    char_hidden_size: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "dtype", np.dtype(self.dtype))

    @property
    def embedding(self) -> TokenEncoder:
        """The word embedding, joined by the spelling's vector when
        character-aware."""
        chars = None
        if self.char_hidden_size is not None:
            chars = CharEncoder(
                self.n_chars, self.char_embedding_dim, self.char_hidden_size, self.cell
            )
        return TokenEncoder(Embedding(self.n_tokens, self.embedding_dim), chars)

    @property
    def stack(self) -> Stack:
        return Stack(
            self.cell,
            self.embedding.output_size,
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
        ids : ndarray of int of shape (T, B) or TokenBatch
            Token ids; a :class:`~skrnn._ragged.TokenBatch` for a
            character-aware network.
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
        x, tokens = self.embedding.forward(params, ids)
        top, finals, stack_cache = self.stack.forward(
            params, x, lengths, init, training=training, rng=rng
        )
        head_mask = None
        if training and self.dropout > 0:
            head_mask = dropout_mask(rng, top.shape, self.dropout, self.dtype)
            top = top * head_mask
        logits = self.head.forward(params, top)
        cache = WindowCache(tokens, lengths, top, head_mask, stack_cache)
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
        T = dx.shape[0]
        real = None
        if self.char_hidden_size is not None or np.any(cache.lengths < T):
            real = step_mask(cache.lengths, T)
        grads.update(self.embedding.backward(params, cache.tokens, dx, real))
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
        piece. Memory does not grow with ``T``. The spellings of a
        :class:`~skrnn._ragged.TokenBatch` are read once, before the first
        piece.
        """
        lengths = np.asarray(lengths, dtype=np.intp)
        states = self.zero_state(ids.shape[1])
        encoder = self.embedding
        spelled = None
        if encoder.chars is not None:
            spelled, _ = encoder.chars.forward(
                params, ids.chars, ids.char_lengths, keep_cache=False
            )
        for start in range(0, int(lengths[0]), chunk):
            part = np.clip(lengths - start, 0, chunk)
            stop = start + int(part[0])
            piece = ids[start:stop]
            if spelled is None:
                x = encoder.word.forward(params, piece)
            else:
                words = encoder.word.forward(params, piece.words)
                x = np.concatenate([words, spelled[piece.types]], axis=-1)
            top, states, cache = self.stack.forward(
                params, x, part, states, keep_cache=cell_states
            )
            cells = cache.layers[-1][0].C if cell_states else None
            yield start, top, cells, states

    def prepare(self, params: dict, spellings: TokenBatch | None = None) -> Prepared:
        """The recurrent weights and the input vector of every token id, laid
        out once for :meth:`step`.

        Parameters
        ----------
        params : dict of ndarray
        spellings : TokenBatch, default=None
            A character-aware network's spelling of every id: ``words`` and
            ``types`` are ``arange(n_tokens)``; each spelling is read once.

        Returns
        -------
        Prepared
        """
        encoder = self.embedding
        if encoder.chars is None:
            table = params[encoder.word.key]
        else:
            table, _ = encoder.forward(params, spellings, keep_cache=False)
        return Prepared(self.stack.prepare(params), table)

    def step(self, params: dict, prepared: Prepared, ids: np.ndarray, states):
        """Read one token per row; return the next-token logits ``(B, n_tokens)``
        and the new states."""
        return self.read(params, prepared, prepared.table[ids], states)

    def read(self, params: dict, prepared: Prepared, x: np.ndarray, states):
        """:meth:`step` from the input vectors ``(B, input size)`` (the output of
        :attr:`embedding`) instead of ids."""
        y, states = self.stack.step(prepared.stack, x, states)
        return self.head.forward(params, y), states
