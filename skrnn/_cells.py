"""Recurrent cells (vanilla RNN, LSTM, GRU): forward and backward through time.

Every function here works on one layer and one direction over a time-major padded
batch ``X`` of shape ``(T, B, F)`` whose rows are sorted by *decreasing* length.
With that order the sequences still running at step ``t`` are the first
``batch_sizes[t]`` rows, so each step computes on a contiguous prefix of the batch
and padded steps are never computed (PyTorch's packed sequences use the same
idea). A sequence's final state is its state after its own last step.

Parameters are PyTorch's: ``W_ih`` is ``(G * H, F)``, ``W_hh`` is ``(G * H, H)``,
``b_ih`` and ``b_hh`` are ``(G * H,)`` with ``G`` gates stacked in PyTorch's order
(LSTM ``i, f, g, o``; GRU ``r, z, n``; RNN one block).

``forward`` returns the outputs, the final states and a cache (a plain tuple).
``backward`` takes gradients on any subset of outputs (every step, or only the
final state) and returns gradients for the inputs, the initial states and the
four parameters. Buffers of the cache are reused in place by ``backward``, so a
cache can be back-propagated once.

Truncated back-propagation through time (``bptt_steps=k``) cuts the gradient
that flows through the recurrent state: each sequence is split into chunks of
``k`` steps counted back from its last step (in the direction's own processing
order), and no gradient crosses a chunk boundary. A loss at step ``t`` therefore
reaches at most ``k`` steps back, and the loss on a final state reaches exactly
the last ``k`` steps.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

CELLS = ("rnn", "lstm", "gru")
N_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


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
):
    """Run one layer over a length-sorted, time-major batch.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    X : ndarray of shape (T, B, F)
        Inputs; rows sorted by decreasing ``lengths``. Padded entries are ignored.
    lengths : ndarray of shape (B,)
    W_ih, W_hh, b_ih, b_hh : ndarray
        Parameters in PyTorch's layout.
    h0, c0 : ndarray of shape (B, H), default=None
        Initial hidden (and LSTM cell) state; zeros when None.

    Returns
    -------
    Y : ndarray of shape (T, B, H)
        Hidden state at every step; zeros at padded steps.
    h_n : ndarray of shape (B, H)
        Final hidden state of every sequence.
    c_n : ndarray of shape (B, H) or None
        Final LSTM cell state (None for the other cells).
    cache : tuple
        What :func:`backward` needs.
    """
    T, B, F = X.shape
    H = W_hh.shape[1]
    dtype = W_hh.dtype
    lengths = np.asarray(lengths, dtype=np.intp)
    bs = batch_sizes_from_lengths(lengths, T)
    if h0 is None:
        h0 = np.zeros((B, H), dtype=dtype)
    if cell == "lstm" and c0 is None:
        c0 = np.zeros((B, H), dtype=dtype)

    # Input projection of every step in one GEMM.
    G = W_ih.shape[0]
    XP = np.matmul(X.reshape(T * B, F), W_ih.T).reshape(T, B, G)
    if cell == "gru":
        bias = b_ih.copy()
        bias[: 2 * H] += b_hh[: 2 * H]
    else:
        bias = b_ih + b_hh
    XP += bias

    Y = np.zeros((T, B, H), dtype=dtype)
    W_hhT = W_hh.T
    if cell == "rnn":
        for t in range(T):
            n = bs[t]
            if n == 0:
                break
            h_prev = h0[:n] if t == 0 else Y[t - 1, :n]
            a = XP[t, :n]
            a += h_prev @ W_hhT
            np.tanh(a, out=Y[t, :n])
        cache = ("rnn", X, XP, Y, h0, None, None, lengths, bs)
        return Y, final_rows(Y, lengths, h0), None, cache

    if cell == "lstm":
        C = np.zeros((T, B, H), dtype=dtype)
        TC = np.empty((T, B, H), dtype=dtype)
        tmp = np.empty((B, H), dtype=dtype)
        for t in range(T):
            n = bs[t]
            if n == 0:
                break
            if t == 0:
                h_prev, c_prev = h0[:n], c0[:n]
            else:
                h_prev, c_prev = Y[t - 1, :n], C[t - 1, :n]
            a = XP[t, :n]
            a += h_prev @ W_hhT
            expit(a[:, : 2 * H], out=a[:, : 2 * H])
            np.tanh(a[:, 2 * H : 3 * H], out=a[:, 2 * H : 3 * H])
            expit(a[:, 3 * H :], out=a[:, 3 * H :])
            i, f, g, o = (a[:, k * H : (k + 1) * H] for k in range(4))
            c = C[t, :n]
            np.multiply(f, c_prev, out=c)
            np.multiply(i, g, out=tmp[:n])
            c += tmp[:n]
            tc = TC[t, :n]
            np.tanh(c, out=tc)
            np.multiply(o, tc, out=Y[t, :n])
        cache = ("lstm", X, XP, Y, h0, c0, (C, TC), lengths, bs)
        return Y, final_rows(Y, lengths, h0), final_rows(C, lengths, c0), cache

    if cell == "gru":
        HN = np.zeros((T, B, H), dtype=dtype)
        hp = np.empty((B, G), dtype=dtype)
        b_hn = b_hh[2 * H :]
        for t in range(T):
            n = bs[t]
            if n == 0:
                break
            h_prev = h0[:n] if t == 0 else Y[t - 1, :n]
            a = XP[t, :n]
            np.matmul(h_prev, W_hhT, out=hp[:n])
            rz = a[:, : 2 * H]
            rz += hp[:n, : 2 * H]
            expit(rz, out=rz)
            hn = HN[t, :n]
            np.add(hp[:n, 2 * H :], b_hn, out=hn)
            r, z, nn = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
            np.multiply(r, hn, out=hp[:n, :H])
            nn += hp[:n, :H]
            np.tanh(nn, out=nn)
            # h = n + z * (h_prev - n)
            y = Y[t, :n]
            np.subtract(h_prev, nn, out=y)
            y *= z
            y += nn
        cache = ("gru", X, XP, Y, h0, None, HN, lengths, bs)
        return Y, final_rows(Y, lengths, h0), None, cache

    raise ValueError(f"unknown cell {cell!r}")


# ----------------------------------------------------------------------------
# backward
# ----------------------------------------------------------------------------


def backward(
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    cache,
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
    W_ih, W_hh : ndarray
        The weights used in :func:`forward`.
    cache : tuple
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
    dc0 : ndarray of shape (B, H) or None
    grads : tuple of ndarray
        Gradients for ``W_ih``, ``W_hh``, ``b_ih``, ``b_hh``.
    """
    cell, X, XP, Y, h0, c0, extra, lengths, bs = cache
    T, B, F = X.shape
    H = W_hh.shape[1]
    G = W_hh.shape[0]
    dtype = W_hh.dtype
    keep = _keep_mask(lengths, T, bptt_steps)
    if keep is not None:
        keep = keep.astype(dtype)

    dh = (
        np.zeros((B, H), dtype=dtype) if dh_n is None else dh_n.astype(dtype, copy=True)
    )
    if dY is not None:
        dY = np.asarray(dY, dtype=dtype)
    t1 = np.empty((B, H), dtype=dtype)

    if cell == "rnn":
        for t in range(T - 1, -1, -1):
            n = bs[t]
            if n < B:
                XP[t, n:] = 0
            if n == 0:
                continue
            g = dh[:n]
            if dY is not None:
                g += dY[t, :n]
            y = Y[t, :n]
            d = XP[t, :n]
            # d(pre) = g * (1 - y^2), written over the pre-activation buffer
            np.multiply(y, y, out=d)
            np.subtract(1, d, out=d)
            d *= g
            np.matmul(d, W_hh, out=dh[:n])
            if keep is not None:
                dh[:n] *= keep[t, :n, None]
        dG = XP
        dc0 = None

    elif cell == "lstm":
        C, TC = extra
        dc = (
            np.zeros((B, H), dtype=dtype)
            if dc_n is None
            else dc_n.astype(dtype, copy=True)
        )
        d4 = np.empty((B, G), dtype=dtype)
        for t in range(T - 1, -1, -1):
            n = bs[t]
            if n < B:
                XP[t, n:] = 0
            if n == 0:
                continue
            g_h = dh[:n]
            if dY is not None:
                g_h += dY[t, :n]
            a = XP[t, :n]
            i, f, g, o = (a[:, k * H : (k + 1) * H] for k in range(4))
            tc = TC[t, :n]
            c_prev = c0[:n] if t == 0 else C[t - 1, :n]
            dct = dc[:n]
            tt = t1[:n]
            # dc += g_h * o * (1 - tanh(c)^2)
            np.multiply(tc, tc, out=tt)
            np.subtract(1, tt, out=tt)
            tt *= o
            tt *= g_h
            dct += tt
            dd = d4[:n]
            di, df, dg, do = (dd[:, k * H : (k + 1) * H] for k in range(4))
            np.multiply(dct, g, out=di)
            np.multiply(dct, c_prev, out=df)
            np.multiply(dct, i, out=dg)
            np.multiply(g_h, tc, out=do)
            # carry the cell gradient to the previous step: dc_prev = dc * f
            dct *= f
            # sigmoid derivatives s * (1 - s) for i, f (contiguous) and o
            s_if = a[:, : 2 * H]
            dd[:, : 2 * H] *= s_if
            np.subtract(1, s_if, out=s_if)
            dd[:, : 2 * H] *= s_if
            do *= o
            np.subtract(1, o, out=o)
            do *= o
            np.multiply(g, g, out=tt)
            np.subtract(1, tt, out=tt)
            dg *= tt
            a[...] = dd
            np.matmul(dd, W_hh, out=dh[:n])
            if keep is not None:
                dh[:n] *= keep[t, :n, None]
                dct *= keep[t, :n, None]
        dG = XP
        dc0 = dc

    elif cell == "gru":
        HN = extra
        d3 = np.empty((B, G), dtype=dtype)
        for t in range(T - 1, -1, -1):
            n = bs[t]
            if n < B:
                XP[t, n:] = 0
            if n == 0:
                continue
            g_h = dh[:n]
            if dY is not None:
                g_h += dY[t, :n]
            a = XP[t, :n]
            r, z, nn = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
            h_prev = h0[:n] if t == 0 else Y[t - 1, :n]
            hn = HN[t, :n]
            dd = d3[:n]
            dr, dz, dn = dd[:, :H], dd[:, H : 2 * H], dd[:, 2 * H :]
            tt = t1[:n]
            # dz_pre = g_h * (h_prev - n) * z * (1 - z)
            np.subtract(h_prev, nn, out=dz)
            dz *= g_h
            dz *= z
            np.subtract(1, z, out=tt)
            dz *= tt
            # dn_pre = g_h * (1 - z) * (1 - n^2)
            np.multiply(g_h, tt, out=dn)
            np.multiply(nn, nn, out=tt)
            np.subtract(1, tt, out=tt)
            dn *= tt
            # dr_pre = dn_pre * hn * r * (1 - r)
            np.multiply(dn, hn, out=dr)
            dr *= r
            np.subtract(1, r, out=tt)
            dr *= tt
            # the recurrent product sees dn_pre * r in the n block
            np.multiply(dn, r, out=hn)
            # direct path of dh_prev = g_h * z + [dr, dz, dn * r] @ W_hh
            np.multiply(g_h, z, out=tt)
            a[...] = dd
            dn[...] = hn
            np.matmul(dd, W_hh, out=dh[:n])
            dh[:n] += tt
            if keep is not None:
                dh[:n] *= keep[t, :n, None]
        dG = XP
        dc0 = None
    else:  # pragma: no cover - guarded in forward
        raise ValueError(f"unknown cell {cell!r}")

    dG2 = dG.reshape(T * B, G)
    dW_ih = dG2.T @ X.reshape(T * B, F)
    db_ih = dG2.sum(axis=0)
    if cell == "gru":
        # the recurrent weights see [dr, dz, dn * r]; dn * r is stored in HN
        dW_hh = np.empty_like(W_hh)
        db_hh = np.empty(G, dtype=dtype)
        Hn2 = HN.reshape(T * B, H)
        Yp = Y[:-1].reshape((T - 1) * B, H)
        dW_hh[: 2 * H] = dG[1:, :, : 2 * H].reshape(-1, 2 * H).T @ Yp
        dW_hh[2 * H :] = HN[1:].reshape(-1, H).T @ Yp
        dW_hh[: 2 * H] += dG[0, :, : 2 * H].T @ h0
        dW_hh[2 * H :] += HN[0].T @ h0
        db_hh[: 2 * H] = db_ih[: 2 * H]
        db_hh[2 * H :] = Hn2.sum(axis=0)
    else:
        dW_hh = dG[1:].reshape((T - 1) * B, G).T @ Y[:-1].reshape((T - 1) * B, H)
        dW_hh += dG[0].T @ h0
        db_hh = db_ih.copy()
    dX = None
    if need_dX:
        dX = np.matmul(dG2, W_ih).reshape(T, B, F)
    return dX, dh, dc0, (dW_ih, dW_hh, db_ih, db_hh)
