"""Losses of the output layer and their gradients, with weights and step masks.

A leaf module (it imports nothing from skrnn), as scikit-learn's
``neural_network/_base.py``. Every loss takes the output layer's values (logits,
or predictions for the squared loss), the targets, optional per-row weights and
the normaliser of the weighted sum, and returns the loss and its gradient with
respect to the output values. :func:`masked_loss` applies any of them to the
real steps of a time-major batch (tagging, language models, decoders).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax


def step_mask(lengths: np.ndarray, n_steps: int) -> np.ndarray:
    """Boolean ``(T, B)`` mask of real (non-padded) steps."""
    return np.arange(n_steps)[:, None] < np.asarray(lengths)[None, :]


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


def masked_loss(kind: str, out, targets, lengths, weights=None, norm=None):
    """A loss over the real steps of a time-major batch.

    Parameters
    ----------
    kind : {"softmax", "logistic", "squared"}
    out : ndarray of shape (T, B, C)
    targets : ndarray of shape (T, B) (class ids) or (T, B, C)
    lengths : ndarray of shape (B,)
        Real steps of each column; later steps are ignored.
    weights : ndarray of shape (B,) or (T, B), default=None
        Weight of each sequence, applied to each of its steps, or of each step.
    norm : float, default=None
        Divisor of the weighted sum (the sum of the steps' weights when None).

    Returns
    -------
    loss : float
    dout : ndarray of shape (T, B, C)
        Zero at padded steps.
    """
    mask = step_mask(lengths, out.shape[0])
    if mask.all():
        # no padding (most windows of a language model): the same rows in the
        # same order as out[mask], without the copies (1.4 ms instead of 3.5
        # for a 64 x 32 x 68 window)
        w = None
        if weights is not None:
            w2 = weights if weights.ndim == 2 else weights[None, :]
            w = np.broadcast_to(w2, mask.shape).reshape(-1)
        flat_out = out.reshape((-1,) + out.shape[2:])
        flat_targets = targets.reshape((-1,) + targets.shape[2:])
        loss, d = LOSSES[kind](flat_out, flat_targets, w, norm)
        return loss, d.reshape(out.shape)
    w = None
    if weights is not None:
        w = weights if weights.ndim == 2 else weights[None, :]
        w = np.broadcast_to(w, mask.shape)[mask]
    loss, d = LOSSES[kind](out[mask], targets[mask], w, norm)
    dout = np.zeros_like(out)
    dout[mask] = d
    return loss, dout


def output_activation(kind: str, logits: np.ndarray) -> np.ndarray:
    """Probabilities (softmax / logistic) or identity for regression."""
    if kind == "softmax":
        return softmax(logits, axis=-1)
    if kind == "logistic":
        return expit(logits)
    return logits
