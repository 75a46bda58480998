"""The network: embedding -> stacked (bi)directional layers -> readout -> head.

Parameters live in a plain ``dict`` whose keys and shapes are PyTorch's
(``"rnn.weight_ih_l0"``, ``"rnn.weight_hh_l1_reverse"``, ``"embedding.weight"``,
``"output.weight"``, ...), so weights copy between the libraries unchanged.

:func:`forward` takes a time-major padded batch (``(T, B, F)`` floats, or ``(T, B)``
token ids when the network has an embedding) and per-sequence lengths in any order;
it returns the head's output and a cache. :func:`backward` turns the gradient of
the loss with respect to that output into a dict of parameter gradients. Losses
are separate functions (:func:`softmax_cross_entropy`, :func:`logistic_loss`,
:func:`squared_loss`) returning the loss and its gradient with respect to the
logits.

Readouts (``readout``): ``"last"`` is the state after each sequence's last real
step (for a bidirectional layer the forward state at the last step joined with
the backward state at the first step, as PyTorch's ``h_n``); ``"mean"`` and
``"max"`` pool the top layer's outputs over the real steps; ``"sequence"`` keeps
every step and applies the head at each one (tagging).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax

from . import _cells

READOUTS = ("last", "mean", "max", "sequence")


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

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Width of the top layer's output (and of the readout)."""
        return self.hidden_size * self.num_directions

    def layer_input_size(self, layer: int) -> int:
        if layer > 0:
            return self.output_size
        if self.n_embeddings is not None:
            return self.embedding_dim
        return self.input_size

    def layer_keys(self, layer: int, direction: int) -> tuple[str, str, str, str]:
        sfx = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        return tuple(
            f"rnn.{name}{sfx}"
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Parameter names and shapes, in PyTorch's order."""
        G = _cells.N_GATES[self.cell] * self.hidden_size
        shapes = {}
        if self.n_embeddings is not None:
            shapes["embedding.weight"] = (self.n_embeddings, self.embedding_dim)
        for layer in range(self.num_layers):
            for d in range(self.num_directions):
                w_ih, w_hh, b_ih, b_hh = self.layer_keys(layer, d)
                shapes[w_ih] = (G, self.layer_input_size(layer))
                shapes[w_hh] = (G, self.hidden_size)
                shapes[b_ih] = (G,)
                shapes[b_hh] = (G,)
        shapes["output.weight"] = (self.n_outputs, self.output_size)
        shapes["output.bias"] = (self.n_outputs,)
        return shapes


def init_params(arch: Architecture, rng: np.random.Generator, dtype=np.float32):
    """Initialise parameters as PyTorch does, with the LSTM forget gate open.

    Recurrent weights and biases are uniform on ``[-1/sqrt(H), 1/sqrt(H)]``;
    the embedding is standard normal; the head is uniform on
    ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` (PyTorch's ``nn.Linear`` default).
    One departure from PyTorch: an LSTM's forget-gate bias starts at 1
    (``bias_ih``'s forget block is 1, ``bias_hh``'s is 0), so that the cell
    state and its gradient are not halved at every step from the start
    (Gers et al., 2000; Jozefowicz et al., 2015; Keras's ``unit_forget_bias``).
    """
    params = {}
    k_rnn = 1.0 / np.sqrt(arch.hidden_size)
    k_out = 1.0 / np.sqrt(arch.output_size)
    for name, shape in arch.param_shapes().items():
        if name == "embedding.weight":
            value = rng.standard_normal(shape)
        elif name.startswith("output."):
            value = rng.uniform(-k_out, k_out, size=shape)
        else:
            value = rng.uniform(-k_rnn, k_rnn, size=shape)
        if arch.cell == "lstm" and name.startswith("rnn.bias_"):
            H = arch.hidden_size
            value[H : 2 * H] = 1.0 if name.startswith("rnn.bias_ih") else 0.0
        params[name] = value.astype(dtype)
    return params


# ----------------------------------------------------------------------------
# helpers over ragged, time-major batches
# ----------------------------------------------------------------------------


def step_mask(lengths: np.ndarray, n_steps: int) -> np.ndarray:
    """Boolean ``(T, B)`` mask of real (non-padded) steps."""
    return np.arange(n_steps)[:, None] < np.asarray(lengths)[None, :]


def _reverse_index(lengths: np.ndarray, n_steps: int) -> np.ndarray:
    """Time index that reverses each sequence within its own length.

    Padded steps map to themselves, so the index is its own inverse.
    """
    t = np.arange(n_steps)[:, None]
    L = np.asarray(lengths)[None, :]
    return np.where(t < L, L - 1 - t, t)


def _flip(A: np.ndarray, rev: np.ndarray) -> np.ndarray:
    return A[rev, np.arange(A.shape[1])]


def _dropout_mask(rng, shape, p, dtype):
    keep = (rng.random(shape) >= p).astype(dtype)
    keep *= 1.0 / (1.0 - p)
    return keep


# ----------------------------------------------------------------------------
# the recurrent stack
# ----------------------------------------------------------------------------


def _embed(params, arch, X):
    if arch.n_embeddings is None:
        return X
    return params["embedding.weight"][X]


#: Rows (time steps x sequences) per piece when a layer runs without keeping a
#: cache (inference): the gate buffers hold about this many rows whatever the
#: sequence length, and stay in the CPU's cache. Large batches run 4 steps per
#: piece (fastest of 1-64 for LSTM/GRU, H 32-256, B 1024); small batches run
#: longer pieces, since each piece pays for preparing the weights once.
_NO_CACHE_ROWS = 4096


def _layer_no_cache(cell, X, lengths, w_ih, w_hh, b_ih, b_hh, h0, c0):
    """:func:`_cells.forward` without a cache, in pieces of a few time steps.

    Returns the outputs and the final states. Memory beyond the outputs is that
    of one piece, so inference does not hold the ``(T, B, gates)`` buffers that
    back-propagation needs.
    """
    T, B = X.shape[:2]
    chunk = max(4, _NO_CACHE_ROWS // B)
    if T <= chunk:
        Y, h, c, _ = _cells.forward(cell, X, lengths, w_ih, w_hh, b_ih, b_hh, h0, c0)
        return Y, h, c
    Y = np.zeros((T, B, w_hh.shape[1]), dtype=w_hh.dtype)
    h, c = h0, c0
    for start in range(0, T, chunk):
        part = np.clip(lengths - start, 0, chunk)
        if part[0] == 0:
            break
        stop = start + int(part[0])
        Y[start:stop], h, c, _ = _cells.forward(
            cell, X[start:stop], part, w_ih, w_hh, b_ih, b_hh, h, c
        )
    return Y, h, c


def _stack_forward(params, arch, inp, lengths, init, training, rng, keep_cache):
    """Run every layer over a length-sorted batch of layer-0 inputs.

    ``init`` is a list with one ``(h0, c0)`` per layer and direction (or None).
    Returns the top layer's outputs, the final states (same layout as ``init``),
    the per-layer caches and dropout masks.
    """
    T, B = inp.shape[:2]
    dtype = params["output.weight"].dtype
    rev = _reverse_index(lengths, T) if arch.bidirectional else None
    finals, caches, masks = [], [], []
    x = inp
    for layer in range(arch.num_layers):
        outs, layer_caches = [], []
        for d in range(arch.num_directions):
            w_ih, w_hh, b_ih, b_hh = (params[k] for k in arch.layer_keys(layer, d))
            h0, c0 = init[len(finals)] if init is not None else (None, None)
            x_d = _flip(x, rev) if d == 1 else x
            if keep_cache:
                Y, h_n, c_n, cache = _cells.forward(
                    arch.cell, x_d, lengths, w_ih, w_hh, b_ih, b_hh, h0, c0
                )
            else:
                Y, h_n, c_n = _layer_no_cache(
                    arch.cell, x_d, lengths, w_ih, w_hh, b_ih, b_hh, h0, c0
                )
                cache = None
            if d == 1:
                Y = _flip(Y, rev)
            outs.append(Y)
            finals.append((h_n, c_n))
            layer_caches.append(cache)
        x = outs[0] if len(outs) == 1 else np.concatenate(outs, axis=2)
        mask = None
        if training and arch.dropout > 0 and layer < arch.num_layers - 1:
            mask = _dropout_mask(rng, x.shape, arch.dropout, dtype)
            x = x * mask
        caches.append(layer_caches)
        masks.append(mask)
    return x, finals, caches, masks


def _prefix_states(params, arch, inp, lengths, training, rng, chunk):
    """Final states of every layer after each sequence's prefix; no cache kept.

    Runs in chunks of ``chunk`` time steps so memory does not grow with ``T``.
    """
    init = None
    T = inp.shape[0]
    for start in range(0, T, chunk):
        part_len = np.clip(lengths - start, 0, chunk)
        if part_len[0] == 0:
            break
        stop = start + int(part_len[0])
        x = _embed(params, arch, inp[start:stop])
        _, init, _, _ = _stack_forward(
            params, arch, x, part_len, init, training, rng, keep_cache=False
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
    cache : dict
        What :func:`backward` needs.
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    dtype = params["output.weight"].dtype
    if arch.n_embeddings is None and X.dtype != dtype:
        X = X.astype(dtype)
    B = X.shape[1]
    order = np.argsort(-lengths, kind="stable")
    sorted_in = bool(np.all(order == np.arange(B)))
    if not sorted_in:
        X = X[:, order]
        lengths = lengths[order]

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
    inp = _embed(params, arch, ids)
    T = inp.shape[0]
    top, finals, caches, masks = _stack_forward(
        params, arch, inp, lengths, init, training, rng, keep_cache=keep_cache
    )

    H = arch.hidden_size
    extra = None
    if arch.readout == "last":
        top_finals = finals[-arch.num_directions :]
        R = np.concatenate([h for h, _ in top_finals], axis=1)
    elif arch.readout == "mean":
        R = top.sum(axis=0) / lengths[:, None].astype(dtype)
    elif arch.readout == "max":
        masked = np.where(step_mask(lengths, T)[:, :, None], top, -np.inf)
        arg = masked.argmax(axis=0)
        R = np.take_along_axis(top, arg[None], axis=0)[0]
        extra = arg
    elif arch.readout == "sequence":
        R = top
    else:
        raise ValueError(f"unknown readout {arch.readout!r}")

    head_mask = None
    if training and arch.dropout > 0:
        head_mask = _dropout_mask(rng, R.shape, arch.dropout, dtype)
        R = R * head_mask

    W, b = params["output.weight"], params["output.bias"]
    if arch.readout == "sequence":
        out = (R.reshape(T * B, -1) @ W.T).reshape(T, B, -1)
        out += b
        out[~step_mask(lengths, T)] = 0
    else:
        out = R @ W.T
        out += b

    cache = {
        "order": None if sorted_in else order,
        "ids": ids,
        "lengths": lengths,
        "T": T,
        "H": H,
        "R": R,
        "pool": extra,
        "head_mask": head_mask,
        "caches": caches,
        "masks": masks,
        "bptt_steps": None if lean else bptt_steps,
    }
    if not sorted_in:
        inv = np.empty_like(order)
        inv[order] = np.arange(B)
        out = out[:, inv] if arch.readout == "sequence" else out[inv]
    return out, cache


def backward(params: dict, arch: Architecture, dout: np.ndarray, cache: dict) -> dict:
    """Gradients of the loss for every parameter, given ``d loss / d out``.

    ``dout`` has the shape of :func:`forward`'s ``out`` and the batch's original
    order. The cache is consumed (its buffers are reused).
    """
    order = cache["order"]
    lengths = cache["lengths"]
    T = cache["T"]
    H = cache["H"]
    B = lengths.shape[0]
    dtype = params["output.weight"].dtype
    dout = np.asarray(dout, dtype=dtype)
    if order is not None:
        dout = dout[:, order] if arch.readout == "sequence" else dout[order]
    if arch.readout == "sequence":
        # padded outputs are constant zeros: no gradient flows from them
        dout = np.where(step_mask(lengths, T)[:, :, None], dout, 0).astype(dtype)

    grads = {}
    W = params["output.weight"]
    R = cache["R"]
    if arch.readout == "sequence":
        d2 = dout.reshape(T * B, -1)
        grads["output.weight"] = d2.T @ R.reshape(T * B, -1)
        grads["output.bias"] = d2.sum(axis=0)
        dR = (d2 @ W).reshape(T, B, -1)
    else:
        grads["output.weight"] = dout.T @ R
        grads["output.bias"] = dout.sum(axis=0)
        dR = dout @ W
    if cache["head_mask"] is not None:
        dR *= cache["head_mask"]

    dY_top, dfinal = None, None
    if arch.readout == "last":
        dfinal = [dR[:, d * H : (d + 1) * H] for d in range(arch.num_directions)]
    elif arch.readout == "mean":
        scale = (1.0 / lengths).astype(dtype)
        dY_top = np.where(
            step_mask(lengths, T)[:, :, None], (dR * scale[:, None])[None], 0
        ).astype(dtype)
    elif arch.readout == "max":
        dY_top = np.zeros((T,) + dR.shape, dtype=dtype)
        np.put_along_axis(dY_top, cache["pool"][None], dR[None], axis=0)
    else:
        dY_top = dR

    rev = _reverse_index(lengths, T) if arch.bidirectional else None
    dx = dY_top
    bptt = cache["bptt_steps"]
    for layer in range(arch.num_layers - 1, -1, -1):
        mask = cache["masks"][layer]
        if mask is not None and dx is not None:
            dx = dx * mask
        need_dX = layer > 0 or arch.n_embeddings is not None
        dx_below = None
        for d in range(arch.num_directions):
            keys = arch.layer_keys(layer, d)
            w_ih, w_hh = params[keys[0]], params[keys[1]]
            dY = None
            if dx is not None:
                dY = dx[:, :, d * H : (d + 1) * H]
                dY = _flip(dY, rev) if d == 1 else np.ascontiguousarray(dY)
            dh_n = (
                dfinal[d]
                if (dfinal is not None and layer == arch.num_layers - 1)
                else None
            )
            dX_d, _, _, g = _cells.backward(
                w_ih,
                w_hh,
                cache["caches"][layer][d],
                dY,
                dh_n,
                None,
                bptt_steps=bptt,
                need_dX=need_dX,
            )
            for key, value in zip(keys, g, strict=True):
                grads[key] = value
            if need_dX:
                if d == 1:
                    dX_d = _flip(dX_d, rev)
                dx_below = dX_d if dx_below is None else dx_below + dX_d
        dx = dx_below

    if arch.n_embeddings is not None:
        E = params["embedding.weight"]
        dE = np.zeros_like(E)
        ids = cache["ids"]
        real = step_mask(lengths, T)
        np.add.at(dE, ids[real], dx[real])
        grads["embedding.weight"] = dE
    return {k: grads[k] for k in params}


# ----------------------------------------------------------------------------
# outputs, losses
# ----------------------------------------------------------------------------


def softmax_cross_entropy(logits, y, weights=None, norm=None):
    """Mean (weighted) softmax cross-entropy and its gradient.

    Parameters
    ----------
    logits : ndarray of shape (N, C)
    y : ndarray of shape (N,)
        Class ids.
    weights : ndarray of shape (N,), default=None
    norm : float, default=None
        Divisor of the weighted sum; the sum of weights (or N) when None.
    """
    N = logits.shape[0]
    w = np.ones(N, dtype=logits.dtype) if weights is None else weights
    norm = w.sum() if norm is None else norm
    logp = log_softmax(logits, axis=1)
    rows = np.arange(N)
    loss = -np.dot(w, logp[rows, y]) / norm
    grad = np.exp(logp)
    grad[rows, y] -= 1
    grad *= (w / norm)[:, None].astype(logits.dtype)
    return float(loss), grad


def logistic_loss(logits, Y, weights=None, norm=None):
    """Binary cross-entropy summed over outputs, averaged over samples.

    ``Y`` is ``(N, K)`` with entries in {0, 1} (binary: ``K == 1``).
    """
    N = logits.shape[0]
    w = np.ones(N, dtype=logits.dtype) if weights is None else weights
    norm = w.sum() if norm is None else norm
    # -[y log s(z) + (1 - y) log s(-z)]
    per = -(Y * log_expit(logits) + (1 - Y) * log_expit(-logits)).sum(axis=1)
    loss = np.dot(w, per) / norm
    grad = expit(logits) - Y
    grad *= (w / norm)[:, None]
    return float(loss), grad.astype(logits.dtype, copy=False)


def squared_loss(out, Y, weights=None, norm=None):
    """Half the mean squared error over outputs, averaged over samples (MLP's)."""
    N, K = out.shape
    w = np.ones(N, dtype=out.dtype) if weights is None else weights
    norm = w.sum() if norm is None else norm
    diff = out - Y
    per = 0.5 * (diff * diff).sum(axis=1) / K
    loss = np.dot(w, per) / norm
    grad = diff * (w / (norm * K))[:, None]
    return float(loss), grad.astype(out.dtype, copy=False)


LOSSES = {
    "softmax": softmax_cross_entropy,
    "logistic": logistic_loss,
    "squared": squared_loss,
}


def output_activation(kind: str, logits: np.ndarray) -> np.ndarray:
    """Probabilities (softmax / logistic) or identity for regression."""
    if kind == "softmax":
        return softmax(logits, axis=-1)
    if kind == "logistic":
        return expit(logits)
    return logits


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
    dtype = params["output.weight"].dtype
    if arch.n_embeddings is None and X.dtype != dtype:
        X = X.astype(dtype)
    B = X.shape[1]
    order = np.argsort(-lengths, kind="stable")
    X, lengths = X[:, order], lengths[order]
    inv = np.empty_like(order)
    inv[order] = np.arange(B)
    inp = _embed(params, arch, X)
    top, finals, caches, _ = _stack_forward(
        params, arch, inp, lengths, None, False, None, keep_cache=cell_states
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
        rev = _reverse_index(lengths, T) if arch.bidirectional else None
        parts = []
        for d, cache in enumerate(caches[-1]):
            C = cache[6][0]
            parts.append(_flip(C, rev) if d == 1 else C)
        top_cells = np.concatenate(parts, axis=2)[:, inv]
    return top[:, inv], h_n, c_n, top_cells


def readout(params: dict, arch: Architecture, X: np.ndarray, lengths: np.ndarray):
    """The pooled representation fed to the head, ``(B, output_size)``, batch order
    kept (inference mode)."""
    _, cache = forward(params, arch, X, lengths, keep_cache=False)
    R = cache["R"]
    order = cache["order"]
    if order is None:
        return R
    out = np.empty_like(R)
    out[order] = R
    return out
