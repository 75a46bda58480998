"""Optimisers (SGD with momentum or Nesterov momentum, Adam), L2 penalty and
global-norm gradient clipping.

Optimisers hold only their own state (velocities, moments, step count) and receive
the parameters and gradients on every call, as dicts keyed by parameter name; they
update the parameters in place. Nothing refers back to an estimator, so a fitted
estimator pickles cleanly.

A gradient may be a :class:`RowSparse` (an embedding's: only the rows of the
tokens in a batch). Every function here then touches only those rows, so a batch
costs the same whatever the size of the vocabulary: the L2 penalty covers the
rows the batch uses, and the optimisers update those rows' parameters and state
only ("lazy" updates, as PyTorch's ``SparseAdam``): a row's moments (or
velocity) decay only in the steps that use it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class RowSparse(NamedTuple):
    """A gradient that is zero outside some rows of a 2-D parameter.

    ``rows`` are unique row indices, ``values`` their gradients ``(len(rows), D)``.
    """

    rows: np.ndarray
    values: np.ndarray

    @classmethod
    def accumulate(cls, ids: np.ndarray, grads: np.ndarray) -> RowSparse:
        """Sum the gradients ``grads`` (one row per entry of ``ids``) by id."""
        rows, inverse = np.unique(ids, return_inverse=True)
        values = np.zeros((len(rows), grads.shape[-1]), dtype=grads.dtype)
        np.add.at(values, inverse.reshape(-1), grads)
        return cls(rows, values)

    def toarray(self, shape) -> np.ndarray:
        out = np.zeros(shape, dtype=self.values.dtype)
        out[self.rows] = self.values
        return out


def _values(g):
    return g.values if isinstance(g, RowSparse) else g


def l2_penalty(params: dict, grads: dict, alpha: float) -> float:
    """Add ``alpha * W`` to the gradient of every weight matrix; return the penalty.

    The penalty is ``0.5 * alpha * sum(W ** 2)`` over the weights (names containing
    ``"weight"``: recurrent, embedding and output weights), not the biases. For a
    row-sparse gradient it covers the gradient's rows only.
    """
    if alpha == 0:
        return 0.0
    total = 0.0
    for name, W in params.items():
        if "weight" in name:
            g = grads[name]
            if isinstance(g, RowSparse):
                W = W[g.rows]
                g = g.values
            flat = W.ravel()
            total += float(np.dot(flat, flat))
            g += alpha * W
    return 0.5 * alpha * total


def global_norm(grads: dict) -> float:
    """Euclidean norm of all gradients taken together."""
    return float(
        np.sqrt(
            sum(
                float(np.dot(_values(g).ravel(), _values(g).ravel()))
                for g in grads.values()
            )
        )
    )


def clip_grad_norm(grads: dict, max_norm: float | None) -> float:
    """Scale all gradients so their global norm is at most ``max_norm``.

    Returns the norm before clipping. When clipping applies, the global norm after
    it equals ``max_norm`` (up to rounding).
    """
    norm = global_norm(grads)
    if max_norm is not None and norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            _values(g)[...] *= scale
    return norm


class SGD:
    """Stochastic gradient descent with momentum (scikit-learn's MLP form).

    ``v <- momentum * v - learning_rate * g``; then ``p <- p + v``, or with Nesterov
    momentum ``p <- p + momentum * v - learning_rate * g``.
    """

    def __init__(self, learning_rate=0.001, momentum=0.9, nesterov=True):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = None

    def step(self, params: dict, grads: dict) -> None:
        if self.velocities is None:
            self.velocities = {k: np.zeros_like(v) for k, v in params.items()}
        lr, mu = self.learning_rate, self.momentum
        for name, p in params.items():
            g = grads[name]
            v = self.velocities[name]
            if isinstance(g, RowSparse):
                self._step_rows(p, v, g.rows, g.values)
                continue
            v *= mu
            v -= lr * g
            if self.nesterov:
                p += mu * v
                p -= lr * g
            else:
                p += v

    def _step_rows(self, p, v, rows, g) -> None:
        """The same update on the rows of a row-sparse gradient only."""
        lr, mu = self.learning_rate, self.momentum
        vr = v[rows]
        vr *= mu
        vr -= lr * g
        v[rows] = vr
        if self.nesterov:
            p[rows] += mu * vr - lr * g
        else:
            p[rows] += vr


class Adam:
    """Adam (Kingma & Ba, 2015), written as PyTorch's ``torch.optim.Adam``.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``, then
    ``p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = None
        self.vs = None

    def step(self, params: dict, grads: dict) -> None:
        if self.ms is None:
            self.ms = {k: np.zeros_like(v) for k, v in params.items()}
            self.vs = {k: np.zeros_like(v) for k, v in params.items()}
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        step_size = self.learning_rate / (1 - b1**self.t)
        bias_correction2_sqrt = np.sqrt(1 - b2**self.t)
        for name, p in params.items():
            g = grads[name]
            m, v = self.ms[name], self.vs[name]
            if isinstance(g, RowSparse):
                self._step_rows(
                    p, m, v, g.rows, g.values, step_size, bias_correction2_sqrt
                )
                continue
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = np.sqrt(v)
            denom /= bias_correction2_sqrt
            denom += self.epsilon
            p -= step_size * (m / denom)

    def _step_rows(self, p, m, v, rows, g, step_size, bias_correction2_sqrt):
        """Adam on the rows of a row-sparse gradient only (lazy moments)."""
        b1, b2 = self.beta_1, self.beta_2
        mr = m[rows]
        mr *= b1
        mr += (1 - b1) * g
        vr = v[rows]
        vr *= b2
        vr += (1 - b2) * (g * g)
        m[rows] = mr
        v[rows] = vr
        denom = np.sqrt(vr)
        denom /= bias_correction2_sqrt
        denom += self.epsilon
        p[rows] -= step_size * (mr / denom)
