"""Recurrent cells (vanilla RNN, LSTM, GRU): forward, backward and one step.

Every function here works on one layer and one direction over a time-major padded
batch ``X`` of shape ``(T, B, F)`` whose rows are sorted by *decreasing* length.
With that order the sequences still running at step ``t`` are the first
``batch_sizes[t]`` rows, so each step computes on a contiguous prefix of the batch
and padded steps are never computed (PyTorch's packed sequences use the same
idea). A sequence's final state is its state after its own last step.

Parameters are PyTorch's: ``W_ih`` is ``(G * H, F)``, ``W_hh`` is ``(G * H, H)``,
``b_ih`` and ``b_hh`` are ``(G * H,)`` with ``G`` gates stacked in PyTorch's order
(:data:`CELLS` gives each cell's gates). With input :math:`x_t` and previous
state :math:`h_{t-1}` (and :math:`c_{t-1}`) the cells compute

.. math::

    \\text{rnn:}\\quad h_t &= \\tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

    \\text{lstm:}\\quad i_t, f_t, o_t &= \\sigma(W_{i\\cdot} x_t + b_{i\\cdot}
        + W_{h\\cdot} h_{t-1} + b_{h\\cdot}), \\quad
    g_t = \\tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg})

    c_t &= f_t \\odot c_{t-1} + i_t \\odot g_t, \\quad
    h_t = o_t \\odot \\tanh(c_t)

    \\text{gru:}\\quad r_t, z_t &= \\sigma(W_{i\\cdot} x_t + b_{i\\cdot}
        + W_{h\\cdot} h_{t-1} + b_{h\\cdot})

    n_t &= \\tanh(W_{in} x_t + b_{in} + r_t \\odot (W_{hn} h_{t-1} + b_{hn})),
    \\quad h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}

(the GRU applies the reset gate after the recurrent product, as PyTorch does).

:func:`forward` returns the outputs, the final states and a :class:`LayerCache`.
:func:`backward` takes gradients on any subset of outputs (every step, or only the
final states) and returns gradients for the inputs, the initial states and the
four parameters. Buffers of the cache are reused in place by ``backward``, so a
cache can be back-propagated once. :func:`prepare` turns the four parameters into
the layout the time loop uses, once; :func:`step` advances a batch by one time
step with prepared weights (sampling and decoding).

Truncated back-propagation through time (``bptt_steps=k``) cuts the gradient
that flows through the recurrent state: each sequence is split into chunks of
``k`` steps counted back from its last step (in the direction's own processing
order), and no gradient crosses a chunk boundary. A loss at step ``t`` therefore
reaches at most ``k`` steps back, and the loss on a final state reaches exactly
the last ``k`` steps.

How the time loop is kept cheap (it runs one Python iteration per step, so the
number of NumPy calls per step matters as much as the arithmetic):

- The logistic sigmoid is computed as ``s(a) = (1 + tanh(a / 2)) / 2``: NumPy's
  ``tanh`` is vectorised and about ten times faster than ``scipy.special.expit``.
  The halving is folded into the weights: the rows of the sigmoid gates are
  multiplied by 0.5 once per call (exact in binary floating point), so a single
  ``tanh`` call activates all gates of a step.
- Internally the LSTM gates are ordered ``o, i, f, g`` instead of PyTorch's
  ``i, f, g, o``: the sigmoid gates ``o, i, f`` are contiguous in the forward
  pass and the gates driven by the cell gradient, ``i, f, g``, are contiguous in
  the backward pass. Gradients are returned in PyTorch's order.
- Everything in the backward step that does not depend on the incoming gradient
  (the activation derivatives and their products with the other gates) is
  computed for all steps at once before the loop, in the cache's own buffers;
  the loop then does only a few multiplications and the recurrent GEMM per step.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class CellSpec(NamedTuple):
    """What defines a cell: its gates (PyTorch's order) and the sigmoid ones."""

    name: str
    gates: tuple[str, ...]
    sigmoid_gates: tuple[str, ...]
    has_cell_state: bool
    description: str

    @property
    def n_gates(self) -> int:
        return len(self.gates)


#: The registry of cells: the parameter constraint of the estimators, the tests'
#: parametrisation and the docs all read it.
CELLS: dict[str, CellSpec] = {
    "rnn": CellSpec("rnn", ("h",), (), False, "vanilla recurrent cell with tanh"),
    "lstm": CellSpec(
        "lstm",
        ("i", "f", "g", "o"),
        ("i", "f", "o"),
        True,
        "long short-term memory (Hochreiter & Schmidhuber, 1997)",
    ),
    "gru": CellSpec(
        "gru",
        ("r", "z", "n"),
        ("r", "z"),
        False,
        "gated recurrent unit (Cho et al., 2014), reset gate after the product",
    ),
}
N_GATES = {name: spec.n_gates for name, spec in CELLS.items()}


def batch_sizes_from_lengths(lengths: np.ndarray, n_steps: int) -> np.ndarray:
    """Number of sequences still running at each step (lengths sorted descending)."""
    # lengths are sorted in decreasing order: count of lengths > t via searchsorted
    neg = -np.asarray(lengths)
    return np.searchsorted(neg, -np.arange(n_steps), side="left").astype(np.intp)


def _keep_mask(lengths: np.ndarray, n_steps: int, bptt_steps: int | None):
    """(T, B) mask: False where the state gradient is cut before step t."""
    if bptt_steps is None:
        return None
    t = np.arange(n_steps)[:, None]
    return ((lengths[None, :] - t) % bptt_steps != 0).astype(np.float64)


def final_rows(Y: np.ndarray, lengths: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """State after each sequence's last step; the initial state for empty rows."""
    B = Y.shape[1]
    idx = np.maximum(lengths - 1, 0)
    out = Y[idx, np.arange(B)]
    empty = lengths == 0
    if empty.any():
        out[empty] = h0[empty]
    return out


def _lstm_order(H: int) -> np.ndarray:
    """Row order ``o, i, f, g`` from PyTorch's ``i, f, g, o``."""
    return np.r_[3 * H : 4 * H, 0 : 3 * H]


def _internal(cell: str, H: int, dtype):
    """Row order of the internal gate layout and the per-row scale (0.5 on the
    rows of sigmoid gates)."""
    G = N_GATES[cell] * H
    if cell == "lstm":
        order = _lstm_order(H)
        n_sigmoid = 3 * H
    elif cell == "gru":
        order = None
        n_sigmoid = 2 * H
    else:
        order = None
        n_sigmoid = 0
    scale = np.ones(G, dtype=dtype)
    scale[:n_sigmoid] = 0.5
    return order, scale, n_sigmoid


def _to_torch_order(A: np.ndarray, order) -> np.ndarray:
    """Undo the internal row order of a gradient (rows are gates)."""
    if order is None:
        return A
    out = np.empty_like(A)
    out[order] = A
    return out


def lstm_gates(A: np.ndarray, H: int):
    """Named views ``o, i, f, g`` of an internal-order LSTM gate block ``(..., 4H)``."""
    return A[..., :H], A[..., H : 2 * H], A[..., 2 * H : 3 * H], A[..., 3 * H :]


def gru_gates(A: np.ndarray, H: int):
    """Named views ``r, z, n`` of a GRU gate block ``(..., 3H)``."""
    return A[..., :H], A[..., H : 2 * H], A[..., 2 * H :]


class Prepared(NamedTuple):
    """One layer's weights in the time loop's layout (see the module docstring).

    ``W_ih`` and ``W_hh`` are PyTorch's matrices in the internal gate order
    (what back-propagation needs); ``W_ih_scaled`` and ``WT`` are the same with
    the sigmoid rows halved, ``WT`` transposed to a C-contiguous ``(H, G)``;
    ``bias`` is the combined, halved bias of the input projection; ``b_hn`` is
    the GRU's recurrent bias of the candidate gate (None for other cells).
    """

    cell: str
    hidden_size: int
    W_ih: np.ndarray
    W_hh: np.ndarray
    W_ih_scaled: np.ndarray
    WT: np.ndarray
    bias: np.ndarray
    b_hn: np.ndarray | None
    order: np.ndarray | None


def prepare(cell: str, W_ih, W_hh, b_ih, b_hh) -> Prepared:
    """Lay out one layer's parameters for :func:`forward` and :func:`step`."""
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}")
    H = W_hh.shape[1]
    dtype = W_hh.dtype
    order, scale, n_sig = _internal(cell, H, dtype)
    if order is not None:
        W_ih, W_hh = W_ih[order], W_hh[order]
        b_ih, b_hh = b_ih[order], b_hh[order]
    bias = b_ih + b_hh
    if cell == "gru":
        bias[2 * H :] = b_ih[2 * H :]
    # sigmoid rows halved (exact): one tanh activates every gate
    bias *= scale
    W_ihs = W_ih * scale[:, None] if n_sig else W_ih
    # a C-contiguous (H, G) right operand: OpenBLAS's AVX-512 kernels are much
    # faster on it than on the transposed view
    WT = np.ascontiguousarray((W_hh * scale[:, None]).T if n_sig else W_hh.T)
    b_hn = b_hh[2 * H :] if cell == "gru" else None
    return Prepared(cell, H, W_ih, W_hh, W_ihs, WT, bias, b_hn, order)


class LayerCache(NamedTuple):
    """What :func:`backward` needs from :func:`forward` (its buffers are reused).

    ``XP`` holds the activated gates of every step; ``C`` and ``TC`` the LSTM's
    cell states and their tanh; ``HN`` the GRU's ``W_hn h + b_hn``.
    """

    prepared: Prepared
    X: np.ndarray
    XP: np.ndarray
    Y: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    C: np.ndarray | None
    TC: np.ndarray | None
    HN: np.ndarray | None
    lengths: np.ndarray
    batch_sizes: np.ndarray
    zero_h0: bool


# ----------------------------------------------------------------------------
# forward
# ----------------------------------------------------------------------------


def forward(
    cell: str,
    X: np.ndarray,
    lengths: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
    *,
    prepared: Prepared | None = None,
):
    """Run one layer over a length-sorted, time-major batch.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    X : ndarray of shape (T, B, F)
        Inputs; rows sorted by decreasing ``lengths``. Padded entries are ignored.
    lengths : ndarray of shape (B,)
    W_ih, W_hh, b_ih, b_hh : ndarray
        Parameters in PyTorch's layout (ignored when ``prepared`` is given).
    h0, c0 : ndarray of shape (B, H), default=None
        Initial hidden (and LSTM cell) state; zeros when None.
    prepared : Prepared, default=None
        The parameters already laid out by :func:`prepare`.

    Returns
    -------
    Y : ndarray of shape (T, B, H)
        Hidden state at every step; zeros at padded steps.
    h_n : ndarray of shape (B, H)
        Final hidden state of every sequence.
    c_n : ndarray of shape (B, H) or None
        Final LSTM cell state (None for the other cells).
    cache : LayerCache
        What :func:`backward` needs.
    """
    if prepared is None:
        prepared = prepare(cell, W_ih, W_hh, b_ih, b_hh)
    T, B, F = X.shape
    H = prepared.hidden_size
    WT = prepared.WT
    G = WT.shape[1]
    dtype = WT.dtype
    lengths = np.asarray(lengths, dtype=np.intp)
    bs = batch_sizes_from_lengths(lengths, T)
    ns = bs.tolist()
    # steps that any sequence reaches
    n_run = int(np.count_nonzero(bs))
    zero_h0 = h0 is None
    if zero_h0:
        h0 = np.zeros((B, H), dtype=dtype)
    if cell == "lstm" and c0 is None:
        c0 = np.zeros((B, H), dtype=dtype)

    # Input projection of every step in one GEMM.
    XP = np.matmul(X.reshape(T * B, F), prepared.W_ih_scaled.T).reshape(T, B, G)
    XP += prepared.bias

    Y = np.zeros((T, B, H), dtype=dtype)
    tmp = np.empty((B, G), dtype=dtype)
    C = TC = HN = None
    c_n = None
    if cell == "rnn":
        for t in range(n_run):
            n = ns[t]
            a = XP[t, :n]
            if t:
                a += np.matmul(Y[t - 1, :n], WT, out=tmp[:n])
            elif not zero_h0:
                a += np.matmul(h0[:n], WT, out=tmp[:n])
            np.tanh(a, out=Y[t, :n])
    elif cell == "lstm":
        C = np.zeros((T, B, H), dtype=dtype)
        TC = np.zeros((T, B, H), dtype=dtype)
        H3 = 3 * H
        for t in range(n_run):
            n = ns[t]
            a = XP[t, :n]
            if t:
                a += np.matmul(Y[t - 1, :n], WT, out=tmp[:n])
                c_prev = C[t - 1, :n]
            else:
                if not zero_h0:
                    a += np.matmul(h0[:n], WT, out=tmp[:n])
                c_prev = c0[:n]
            np.tanh(a, out=a)
            sig = a[:, :H3]  # o, i, f
            sig *= 0.5
            sig += 0.5
            o, i, f, g = lstm_gates(a, H)
            c = C[t, :n]
            np.multiply(f, c_prev, out=c)
            ig = tmp[:n, :H]
            np.multiply(i, g, out=ig)
            c += ig
            tc = TC[t, :n]
            np.tanh(c, out=tc)
            np.multiply(o, tc, out=Y[t, :n])
        c_n = final_rows(C, lengths, c0)
    else:  # gru
        HN = np.zeros((T, B, H), dtype=dtype)
        b_hn = prepared.b_hn
        H2 = 2 * H
        for t in range(n_run):
            n = ns[t]
            h_prev = Y[t - 1, :n] if t else h0[:n]
            a = XP[t, :n]
            hp = tmp[:n]
            np.matmul(h_prev, WT, out=hp)
            rz = a[:, :H2]
            rz += hp[:, :H2]
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5
            r, z, nn = gru_gates(a, H)
            hn = HN[t, :n]
            np.add(hp[:, H2:], b_hn, out=hn)
            rhn = hp[:, :H]
            np.multiply(r, hn, out=rhn)
            nn += rhn
            np.tanh(nn, out=nn)
            # h = n + z * (h_prev - n)
            y = Y[t, :n]
            np.subtract(h_prev, nn, out=y)
            y *= z
            y += nn
    cache = LayerCache(prepared, X, XP, Y, h0, c0, C, TC, HN, lengths, bs, zero_h0)
    return Y, final_rows(Y, lengths, h0), c_n, cache


def step(
    prepared: Prepared,
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Advance every row of a batch by one time step.

    Parameters
    ----------
    prepared : Prepared
        The layer's weights, from :func:`prepare` (once per sampling or decoding
        run, not once per step).
    x : ndarray of shape (B, F)
        This step's inputs.
    h, c : ndarray of shape (B, H)
        The previous hidden (and LSTM cell) state.

    Returns
    -------
    h, c : ndarray of shape (B, H)
        The new states (``c`` is None for cells without a cell state). Equal to
        one step of :func:`forward` up to the rounding of the input GEMM.
    """
    H = prepared.hidden_size
    a = np.matmul(x, prepared.W_ih_scaled.T)
    a += prepared.bias
    cell = prepared.cell
    if cell == "rnn":
        a += h @ prepared.WT
        return np.tanh(a, out=a), None
    if cell == "lstm":
        a += h @ prepared.WT
        np.tanh(a, out=a)
        sig = a[:, : 3 * H]
        sig *= 0.5
        sig += 0.5
        o, i, f, g = lstm_gates(a, H)
        c_new = f * c
        c_new += i * g
        return o * np.tanh(c_new), c_new
    hp = h @ prepared.WT
    rz = a[:, : 2 * H]
    rz += hp[:, : 2 * H]
    np.tanh(rz, out=rz)
    rz *= 0.5
    rz += 0.5
    r, z, nn = gru_gates(a, H)
    hn = hp[:, 2 * H :] + prepared.b_hn
    nn += r * hn
    np.tanh(nn, out=nn)
    h_new = h - nn
    h_new *= z
    h_new += nn
    return h_new, None


# ----------------------------------------------------------------------------
# backward
# ----------------------------------------------------------------------------


def _zero_padding(D: np.ndarray, ns: list) -> None:
    """Zero the rows of padded steps so the weight-gradient GEMMs ignore them."""
    B = D.shape[1]
    for t, n in enumerate(ns):
        if n < B:
            D[t, n:] = 0


def backward(
    cache: LayerCache,
    dY: np.ndarray | None = None,
    dh_n: np.ndarray | None = None,
    dc_n: np.ndarray | None = None,
    *,
    bptt_steps: int | None = None,
    need_dX: bool = True,
):
    """Back-propagate through one layer.

    Parameters
    ----------
    cache : LayerCache
        As returned by :func:`forward`; its buffers are overwritten.
    dY : ndarray of shape (T, B, H), default=None
        Gradient of the loss with respect to every output (zeros at padding).
    dh_n, dc_n : ndarray of shape (B, H), default=None
        Gradient with respect to the final hidden (and LSTM cell) state.
    bptt_steps : int, default=None
        Truncation window; None back-propagates through every step.
    need_dX : bool, default=True
        Whether to compute the gradient with respect to ``X``.

    Returns
    -------
    dX : ndarray of shape (T, B, F) or None
    dh0 : ndarray of shape (B, H)
        Gradient with respect to the initial hidden state (rows of sequences
        with zero steps pass ``dh_n`` straight through).
    dc0 : ndarray of shape (B, H) or None
        Gradient with respect to the initial LSTM cell state.
    grads : tuple of ndarray
        Gradients for ``W_ih``, ``W_hh``, ``b_ih``, ``b_hh`` (PyTorch's order).
    """
    prepared, X, XP, Y, h0, c0, C, TC, HN, lengths, bs, zero_h0 = cache
    cell = prepared.cell
    W_ih, W_hh, order = prepared.W_ih, prepared.W_hh, prepared.order
    T, B, F = X.shape
    H = prepared.hidden_size
    G = W_hh.shape[0]
    dtype = W_hh.dtype
    ns = bs.tolist()
    n_run = int(np.count_nonzero(bs))
    keep = _keep_mask(lengths, T, bptt_steps)
    if keep is not None:
        keep = keep.astype(dtype)[:, :, None]

    dh = (
        np.zeros((B, H), dtype=dtype) if dh_n is None else dh_n.astype(dtype, copy=True)
    )
    if dY is not None:
        dY = np.asarray(dY, dtype=dtype)
    tt = np.empty((B, H), dtype=dtype)
    dc0 = None

    if cell == "rnn":
        # d(pre) = g * (1 - y^2); the factor for every step first, in XP
        np.multiply(Y, Y, out=XP)
        np.subtract(1, XP, out=XP)
        for t in range(n_run - 1, -1, -1):
            n = ns[t]
            g = dh[:n]
            if dY is not None:
                g += dY[t, :n]
            d = XP[t, :n]
            d *= g
            np.matmul(d, W_hh, out=g)
            if keep is not None:
                g *= keep[t, :n]

    elif cell == "lstm":
        dc = (
            np.zeros((B, H), dtype=dtype)
            if dc_n is None
            else dc_n.astype(dtype, copy=True)
        )
        # XP holds the activations o, i, f, g. Before the loop, for every step:
        #   o-slot <- tanh(c) o (1 - o)        (d_o  = g_h * this)
        #   TC     <- o (1 - tanh(c)^2)        (dc  += g_h * this)
        #   i-slot <- g i (1 - i)              (d_i  = dc * this)
        #   f-slot <- c_prev f (1 - f)         (d_f  = dc * this)
        #   g-slot <- i (1 - g^2)              (d_g  = dc * this)
        #   S      <- f                        (dc_prev = dc * f)
        XP4 = XP.reshape(T, B, 4, H)
        O, I, Fg, Gg = (XP4[:, :, k] for k in range(4))
        S = np.subtract(1, O)
        S *= O
        S *= TC
        np.multiply(TC, TC, out=TC)
        np.subtract(1, TC, out=TC)
        TC *= O
        O[...] = S
        np.subtract(1, I, out=S)
        S *= I
        S *= Gg
        np.multiply(Gg, Gg, out=Gg)
        np.subtract(1, Gg, out=Gg)
        Gg *= I
        I[...] = S
        S[...] = Fg
        np.subtract(1, Fg, out=Fg)
        Fg *= S
        Fg[1:] *= C[:-1]
        Fg[0] *= c0
        KC = TC
        for t in range(n_run - 1, -1, -1):
            n = ns[t]
            g_h = dh[:n]
            if dY is not None:
                g_h += dY[t, :n]
            dct = dc[:n]
            u = tt[:n]
            np.multiply(g_h, KC[t, :n], out=u)
            dct += u
            a4 = XP4[t, :n]
            do = a4[:, 0]
            do *= g_h
            difg = a4[:, 1:]
            np.multiply(difg, dct[:, None], out=difg)
            np.matmul(XP[t, :n], W_hh, out=g_h)
            dct *= S[t, :n]
            if keep is not None:
                g_h *= keep[t, :n]
                dct *= keep[t, :n]
        dc0 = dc

    else:  # gru
        # XP holds the activations r, z, n and HN holds W_hn h + b_hn. Before the
        # loop, for every step:
        #   r-slot <- hn r (1 - r)             (d_r = d_n * this)
        #   z-slot <- (h_prev - n) z (1 - z)   (d_z = g_h * this)
        #   n-slot <- (1 - z) (1 - n^2)        (d_n = g_h * this)
        #   SR, SZ <- r, z
        XP3 = XP.reshape(T, B, 3, H)
        R, Z, Nn = (XP3[:, :, k] for k in range(3))
        SR = R.copy()
        SZ = Z.copy()
        np.subtract(1, R, out=R)
        R *= SR
        R *= HN
        np.subtract(1, SZ, out=HN)
        np.subtract(Y[:-1], Nn[1:], out=Z[1:])
        np.subtract(h0, Nn[0], out=Z[0])
        Z *= SZ
        Z *= HN
        np.multiply(Nn, Nn, out=Nn)
        np.subtract(1, Nn, out=Nn)
        Nn *= HN
        # In the loop XP becomes [d_r, d_z, d_n * r] (what W_hh sees) and HN
        # keeps d_n (what W_ih sees).
        for t in range(n_run - 1, -1, -1):
            n = ns[t]
            g_h = dh[:n]
            if dY is not None:
                g_h += dY[t, :n]
            a3 = XP3[t, :n]
            zn = a3[:, 1:]
            np.multiply(zn, g_h[:, None], out=zn)
            dn = a3[:, 2]
            r_slot = a3[:, 0]
            r_slot *= dn
            HN[t, :n] = dn
            dn *= SR[t, :n]
            u = tt[:n]
            np.multiply(g_h, SZ[t, :n], out=u)
            np.matmul(XP[t, :n], W_hh, out=g_h)
            g_h += u
            if keep is not None:
                g_h *= keep[t, :n]

    _zero_padding(XP, ns)
    dG2 = XP.reshape(T * B, G)
    X2 = X.reshape(T * B, F)
    db_hh = dG2.sum(axis=0)
    if T > 1:
        dW_hh = dG2[B:].T @ Y[:-1].reshape((T - 1) * B, H)
    else:
        dW_hh = np.zeros((G, H), dtype=dtype)
    if not zero_h0:
        dW_hh += XP[0].T @ h0
    if cell == "gru":
        # W_ih's n block sees d_n (kept in HN), not d_n * r
        _zero_padding(HN, ns)
        HN2 = HN.reshape(T * B, H)
        dW_ih = np.empty((G, F), dtype=dtype)
        np.matmul(dG2[:, : 2 * H].T, X2, out=dW_ih[: 2 * H])
        np.matmul(HN2.T, X2, out=dW_ih[2 * H :])
        db_ih = db_hh.copy()
        db_ih[2 * H :] = HN2.sum(axis=0)
        dX = None
        if need_dX:
            dX = np.matmul(dG2[:, : 2 * H], W_ih[: 2 * H])
            dX += HN2 @ W_ih[2 * H :]
            dX = dX.reshape(T, B, F)
    else:
        dW_ih = (X2.T @ dG2).T
        db_ih = db_hh
        dX = None
        if need_dX:
            dX = np.matmul(dG2, W_ih).reshape(T, B, F)
        dW_ih = _to_torch_order(dW_ih, order)
        dW_hh = _to_torch_order(dW_hh, order)
        db_ih = _to_torch_order(db_ih, order)
        db_hh = db_ih.copy()
    return dX, dh, dc0, (dW_ih, dW_hh, db_ih, db_hh)
