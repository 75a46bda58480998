"""A stack of recurrent layers of one cell, optionally bidirectional, with state in
and out.

:class:`Stack` owns a key prefix (``"rnn."`` by default, ``"encoder.rnn."`` or
``"decoder.rnn."`` in an encoder–decoder); inside it the parameter names and
shapes are PyTorch's (``weight_ih_l0``, ``weight_hh_l1_reverse``, ...), so the
parameters of a prefix load into ``nn.LSTM`` unchanged.

States are lists with one :class:`State` per layer and direction, in the order of
PyTorch's ``h_n`` (layer by layer, the forward direction first). :meth:`Stack.
forward` takes initial states and returns final states; :meth:`Stack.backward`
takes gradients on the outputs and on the final states and returns gradients on
the inputs and on the initial states, so a long sequence can be run in pieces
with the state handed over. :meth:`Stack.prepare` and :meth:`Stack.step` advance
a unidirectional stack one time step at a time (sampling, decoding).

The backward direction of a bidirectional layer runs over each sequence's own
real steps in reverse; its initial state is the state before a sequence's last
step, and its final state is the state after its first step (PyTorch's rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _cells


class State(NamedTuple):
    """The recurrent state of one layer and direction: ``h`` and (LSTM) ``c``."""

    h: np.ndarray
    c: np.ndarray | None = None


class StackCache(NamedTuple):
    """What :meth:`Stack.backward` needs from :meth:`Stack.forward`."""

    layers: list  # per layer, one LayerCache per direction
    masks: list  # per layer, the dropout mask applied to its output (or None)
    lengths: np.ndarray
    order: np.ndarray | None  # the sort applied to the batch, None if sorted
    n_steps: int


#: Rows (time steps x sequences) per piece when a layer runs without keeping a
#: cache (inference): the gate buffers hold about this many rows whatever the
#: sequence length, and stay in the CPU's cache. Large batches run 4 steps per
#: piece (fastest of 1-64 for LSTM/GRU, H 32-256, B 1024); small batches run
#: longer pieces, since each piece pays for preparing the weights once.
_NO_CACHE_ROWS = 4096


def reverse_index(lengths: np.ndarray, n_steps: int) -> np.ndarray:
    """Time index that reverses each sequence within its own length.

    Padded steps map to themselves, so the index is its own inverse.
    """
    t = np.arange(n_steps)[:, None]
    L = np.asarray(lengths)[None, :]
    return np.where(t < L, L - 1 - t, t)


def flip(A: np.ndarray, rev: np.ndarray) -> np.ndarray:
    """Reverse each column of a time-major array within its own length."""
    return A[rev, np.arange(A.shape[1])]


def dropout_mask(rng, shape, p: float, dtype) -> np.ndarray:
    """Inverted-dropout mask: 0 with probability ``p``, else ``1 / (1 - p)``."""
    keep = (rng.random(shape) >= p).astype(dtype)
    keep *= 1.0 / (1.0 - p)
    return keep


def _layer_no_cache(prepared, X, lengths, h0, c0):
    """:func:`_cells.forward` without a cache, in pieces of a few time steps.

    Returns the outputs and the final states. Memory beyond the outputs is that
    of one piece, so inference does not hold the ``(T, B, gates)`` buffers that
    back-propagation needs.
    """
    cell = prepared.cell
    T, B = X.shape[:2]
    chunk = max(4, _NO_CACHE_ROWS // B)
    if T <= chunk:
        Y, h, c, _ = _cells.forward(
            cell, X, lengths, None, None, None, None, h0, c0, prepared=prepared
        )
        return Y, h, c
    Y = np.zeros((T, B, prepared.hidden_size), dtype=prepared.WT.dtype)
    h, c = h0, c0
    for start in range(0, T, chunk):
        part = np.clip(lengths - start, 0, chunk)
        if part[0] == 0:
            break
        stop = start + int(part[0])
        Y[start:stop], h, c, _ = _cells.forward(
            cell, X[start:stop], part, None, None, None, None, h, c, prepared=prepared
        )
    return Y, h, c


def _permute_states(states, order):
    if states is None:
        return None
    return [
        State(s.h[order], None if s.c is None else s.c[order]) if s is not None else s
        for s in states
    ]


@dataclass(frozen=True)
class Stack:
    """Stacked recurrent layers of one cell.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    input_size : int
        Features per time step of the first layer's input.
    hidden_size : int
    num_layers : int, default=1
    bidirectional : bool, default=False
    dropout : float, default=0.0
        Inverted dropout on the outputs of every layer but the last, in training.
    prefix : str, default="rnn."
        Prefix of the parameter names.
    """

    cell: str
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    prefix: str = "rnn."

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Width of the top layer's output."""
        return self.hidden_size * self.num_directions

    @property
    def n_states(self) -> int:
        """States per batch row: layers times directions."""
        return self.num_layers * self.num_directions

    def layer_input_size(self, layer: int) -> int:
        return self.output_size if layer > 0 else self.input_size

    def keys(self, layer: int, direction: int = 0) -> tuple[str, str, str, str]:
        """Names of ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""
        sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        return tuple(
            f"{self.prefix}{name}{sfx}"
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Parameter names and shapes, in PyTorch's order."""
        G = _cells.N_GATES[self.cell] * self.hidden_size
        shapes = {}
        for layer in range(self.num_layers):
            for d in range(self.num_directions):
                w_ih, w_hh, b_ih, b_hh = self.keys(layer, d)
                shapes[w_ih] = (G, self.layer_input_size(layer))
                shapes[w_hh] = (G, self.hidden_size)
                shapes[b_ih] = (G,)
                shapes[b_hh] = (G,)
        return shapes

    def init_params(self, rng: np.random.Generator, dtype) -> dict:
        """PyTorch's initialisation, with the LSTM forget gate open.

        Every weight and bias is uniform on ``[-1/sqrt(H), 1/sqrt(H)]``. One
        departure from PyTorch: an LSTM's forget-gate bias starts at 1
        (``bias_ih``'s forget block is 1, ``bias_hh``'s is 0), so that the cell
        state and its gradient are not halved at every step from the start
        (Gers et al., 2000; Jozefowicz et al., 2015; Keras's
        ``unit_forget_bias``).
        """
        k = 1.0 / np.sqrt(self.hidden_size)
        H = self.hidden_size
        params = {}
        for name, shape in self.param_shapes().items():
            value = rng.uniform(-k, k, size=shape)
            local = name[len(self.prefix) :]
            if self.cell == "lstm" and local.startswith("bias_"):
                value[H : 2 * H] = 1.0 if local.startswith("bias_ih") else 0.0
            params[name] = value.astype(dtype)
        return params

    def zero_state(self, batch: int, dtype) -> list[State]:
        """All-zero initial states for ``batch`` rows."""
        H = self.hidden_size
        return [
            State(
                np.zeros((batch, H), dtype=dtype),
                np.zeros((batch, H), dtype=dtype) if self.cell == "lstm" else None,
            )
            for _ in range(self.n_states)
        ]

    # ------------------------------------------------------------------
    # forward and backward over a batch of sequences
    # ------------------------------------------------------------------

    def forward(
        self,
        params: dict,
        x: np.ndarray,
        lengths: np.ndarray,
        init: list[State] | None = None,
        *,
        training: bool = False,
        rng: np.random.Generator | None = None,
        keep_cache: bool = True,
    ):
        """Run every layer over a time-major batch.

        Parameters
        ----------
        params : dict of ndarray
        x : ndarray of shape (T, B, input_size)
            Zeros (or anything) at padded steps.
        lengths : ndarray of shape (B,)
            Real lengths, in any order (0 allowed: the state passes through).
        init : list of State, default=None
            Initial states (one per layer and direction); zeros when None. An
            entry may be None (zeros for that layer and direction).
        training : bool, default=False
            Applies dropout between layers (needs ``rng``).
        rng : numpy.random.Generator, default=None
        keep_cache : bool, default=True
            False for inference: no cache is kept and layers run in pieces of a
            few time steps, so memory does not grow with ``T`` beyond the
            outputs.

        Returns
        -------
        top : ndarray of shape (T, B, output_size)
            The top layer's outputs (zeros at padded steps).
        finals : list of State
            Final states, one per layer and direction.
        cache : StackCache or None
            What :meth:`backward` needs (None without ``keep_cache``).
        """
        lengths = np.asarray(lengths, dtype=np.intp)
        B = x.shape[1]
        order = None
        if B > 1 and np.any(lengths[1:] > lengths[:-1]):
            order = np.argsort(-lengths, kind="stable")
            x, lengths = x[:, order], lengths[order]
            init = _permute_states(init, order)
        T = x.shape[0]
        rev = reverse_index(lengths, T) if self.bidirectional else None
        finals, caches, masks = [], [], []
        for layer in range(self.num_layers):
            outs, layer_caches = [], []
            for d in range(self.num_directions):
                prepared = _cells.prepare(
                    self.cell, *(params[k] for k in self.keys(layer, d))
                )
                start = init[len(finals)] if init is not None else None
                h0, c0 = (None, None) if start is None else start
                x_d = flip(x, rev) if d == 1 else x
                if keep_cache:
                    Y, h_n, c_n, cache = _cells.forward(
                        self.cell,
                        x_d,
                        lengths,
                        None,
                        None,
                        None,
                        None,
                        h0,
                        c0,
                        prepared=prepared,
                    )
                else:
                    Y, h_n, c_n = _layer_no_cache(prepared, x_d, lengths, h0, c0)
                    cache = None
                if d == 1:
                    Y = flip(Y, rev)
                outs.append(Y)
                finals.append(State(h_n, c_n))
                layer_caches.append(cache)
            x = outs[0] if len(outs) == 1 else np.concatenate(outs, axis=2)
            mask = None
            if training and self.dropout > 0 and layer < self.num_layers - 1:
                mask = dropout_mask(rng, x.shape, self.dropout, x.dtype)
                x = x * mask
            caches.append(layer_caches)
            masks.append(mask)
        if order is not None:
            inv = np.empty_like(order)
            inv[order] = np.arange(B)
            x = x[:, inv]
            finals = _permute_states(finals, inv)
        cache = StackCache(caches, masks, lengths, order, T) if keep_cache else None
        return x, finals, cache

    def backward(
        self,
        params: dict,
        cache: StackCache,
        d_top: np.ndarray | None = None,
        d_finals: list | None = None,
        *,
        bptt_steps: int | None = None,
        need_dx: bool = True,
    ):
        """Back-propagate through every layer.

        Parameters
        ----------
        params : dict of ndarray
        cache : StackCache
            From :meth:`forward` (consumed: its buffers are reused).
        d_top : ndarray of shape (T, B, output_size), default=None
            Gradient on the top layer's outputs (zeros at padded steps).
        d_finals : list of State or None, default=None
            Gradients on the final states (entries or their ``c`` may be None).
        bptt_steps : int, default=None
            Truncated BPTT window (see :mod:`skrnn._cells`).
        need_dx : bool, default=True
            Whether to return the gradient on the inputs ``x``.

        Returns
        -------
        dx : ndarray of shape (T, B, input_size) or None
        d_init : list of State
            Gradients on the initial states.
        grads : dict of ndarray
            Gradients of this stack's parameters.
        """
        order = cache.order
        lengths = cache.lengths
        T = cache.n_steps
        H = self.hidden_size
        if order is not None:
            if d_top is not None:
                d_top = d_top[:, order]
            d_finals = _permute_states(d_finals, order)
        rev = reverse_index(lengths, T) if self.bidirectional else None
        grads = {}
        d_init = [None] * self.n_states
        dx = d_top
        for layer in range(self.num_layers - 1, -1, -1):
            mask = cache.masks[layer]
            if mask is not None and dx is not None:
                dx = dx * mask
            need_below = layer > 0 or need_dx
            dx_below = None
            for d in range(self.num_directions):
                keys = self.keys(layer, d)
                idx = layer * self.num_directions + d
                dY = None
                if dx is not None:
                    dY = dx[:, :, d * H : (d + 1) * H]
                    dY = flip(dY, rev) if d == 1 else np.ascontiguousarray(dY)
                dh_n = dc_n = None
                if d_finals is not None and d_finals[idx] is not None:
                    dh_n, dc_n = d_finals[idx]
                dX_d, dh0, dc0, g = _cells.backward(
                    cache.layers[layer][d],
                    dY,
                    dh_n,
                    dc_n,
                    bptt_steps=bptt_steps,
                    need_dX=need_below,
                )
                for key, value in zip(keys, g, strict=True):
                    grads[key] = value
                d_init[idx] = State(dh0, dc0)
                if need_below:
                    if d == 1:
                        dX_d = flip(dX_d, rev)
                    dx_below = dX_d if dx_below is None else dx_below + dX_d
            dx = dx_below
        if order is not None:
            inv = np.empty_like(order)
            inv[order] = np.arange(len(order))
            if dx is not None:
                dx = dx[:, inv]
            d_init = _permute_states(d_init, inv)
        return dx, d_init, grads

    # ------------------------------------------------------------------
    # one step at a time
    # ------------------------------------------------------------------

    def prepare(self, params: dict) -> list:
        """The layers' weights laid out once for :meth:`step`."""
        if self.bidirectional:
            raise ValueError(
                "a bidirectional stack reads whole sequences; it cannot step"
            )
        return [
            _cells.prepare(self.cell, *(params[k] for k in self.keys(layer)))
            for layer in range(self.num_layers)
        ]

    def step(
        self, prepared: list, x: np.ndarray, states: list[State]
    ) -> tuple[np.ndarray, list[State]]:
        """Advance a batch by one time step (inference: no dropout).

        Parameters
        ----------
        prepared : list
            From :meth:`prepare`.
        x : ndarray of shape (B, input_size)
        states : list of State
            One per layer.

        Returns
        -------
        y : ndarray of shape (B, hidden_size)
            The top layer's output.
        states : list of State
            The new states.
        """
        new = []
        for prep, (h, c) in zip(prepared, states, strict=True):
            h, c = _cells.step(prep, x, h, c)
            new.append(State(h, c))
            x = h
        return x, new


def stack_states(states: list[State]):
    """PyTorch's ``h_n`` (and ``c_n``): arrays of shape ``(n_states, B, H)``."""
    h = np.stack([s.h for s in states])
    c = None if states[0].c is None else np.stack([s.c for s in states])
    return h, c


def split_states(h: np.ndarray, c: np.ndarray | None = None) -> list[State]:
    """The inverse of :func:`stack_states`."""
    return [State(h[k], None if c is None else c[k]) for k in range(len(h))]
