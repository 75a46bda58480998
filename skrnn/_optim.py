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
only: rows a batch does not use keep their values.

Unlike PyTorch's ``SparseAdam`` (purely "lazy" updates, where a row's moments
stand still while it is unused), the steps a row missed are not lost: dense Adam
(or momentum) would have kept moving an unused row along its decaying moments,
and that motion, a geometric sum, is applied in closed form when the row is next
used, together with the decay of its moments. A word seen once in a thousand
batches therefore moves as far per occurrence as under dense updates (ten times
farther than under lazy Adam with the default betas). Given the same
gradients, the parameters and moments equal dense Adam's (or momentum's) to
rounding once every row has been used again; for Adam the closed form
neglects ``epsilon`` beside ``sqrt(v)`` in the missed steps, a difference of
order ``epsilon / sqrt(v)``. Training differs from dense updates in two ways:
the batch that uses a row again computes its gradient at the row's position
before the catch-up (dense Adam would have moved it already), and rows not
used since their last update keep their position when training stops (their
pending motion is applied only if they are used again). On the Brown tagger of
``tests/test_real_data.py`` the lazy form lost 1.5 points of accuracy (0.918
against 0.932 over eight epochs); this form gives dense Adam's result there
(0.932-0.934 over three seeds, both).
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

    #: The settings a missed step depends on: a change of one needs a catch-up.
    CATCH_UP_SETTINGS = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.001, momentum=0.9, nesterov=True):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities = None
        # per row-sparse parameter: the step each row was last brought up to
        self.t = 0
        self.last = {}

    def step(self, params: dict, grads: dict) -> None:
        if self.velocities is None:
            self.velocities = {k: np.zeros_like(v) for k, v in params.items()}
        self.t += 1
        lr, mu = self.learning_rate, self.momentum
        for name, p in params.items():
            g = grads[name]
            v = self.velocities[name]
            if isinstance(g, RowSparse):
                self._catch_up(name, p, v, g.rows)
                self._step_rows(p, v, g.rows, g.values)
                continue
            v *= mu
            v -= lr * g
            if self.nesterov:
                p += mu * v
                p -= lr * g
            else:
                p += v

    def _catch_up(self, name, p, v, rows, upto=None) -> None:
        """Apply the zero-gradient steps the rows missed since they were last used.

        With ``g = 0`` a step is ``v <- mu v`` then ``p <- p + v`` (Nesterov:
        ``p <- p + mu v``): over ``k`` missed steps ``p`` moves by
        ``v * sum_{j=1..k} mu^j`` (times ``mu`` with Nesterov) and ``v`` decays
        by ``mu^k``. ``upto`` is the last step to bring the rows to (the step
        before the current one by default, when the rows are used now).
        """
        upto = self.t - 1 if upto is None else upto
        last = self.last.setdefault(name, np.zeros(len(p), dtype=np.int64))
        missed = upto - last[rows]
        # at step t either way: rows used now take step t in the update that
        # follows, and a full catch-up (upto = t) takes it here
        last[rows] = self.t
        behind = missed > 0
        if not behind.any() or self.momentum == 0:
            return
        rows, k = rows[behind], missed[behind].astype(np.float64)
        mu = self.momentum
        decay = mu**k
        # sum_{j=1..k} mu^j (k itself when mu = 1)
        moved = k if mu == 1 else mu * (1 - decay) / (1 - mu)
        if self.nesterov:
            moved *= mu
        vr = v[rows]
        p[rows] += moved.astype(p.dtype)[:, None] * vr
        v[rows] = vr * decay.astype(v.dtype)[:, None]

    def catch_up(self, params: dict) -> None:
        """Bring every row of the row-sparse parameters up to the current step.

        Called before a change of the momentum (or Nesterov), so that the
        steps the rows missed are taken with the settings they were missed
        under; a missed step does not depend on the learning rate.
        """
        for name in self.last:
            self._catch_up(
                name,
                params[name],
                self.velocities[name],
                np.arange(len(params[name])),
                upto=self.t,
            )

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

    #: The settings a missed step depends on: a change of one needs a catch-up.
    CATCH_UP_SETTINGS = ("learning_rate", "beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = None
        self.vs = None
        # per row-sparse parameter: the step each row was last brought up to
        self.last = {}

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
                self._catch_up(name, p, m, v, g.rows)
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

    def _catch_up(self, name, p, m, v, rows, upto=None) -> None:
        """Apply the zero-gradient steps the rows missed since they were last used.

        A row last updated at step ``l`` and used again at ``t`` missed steps
        ``s = l + j``, ``j = 1 .. k`` with ``k = t - 1 - l`` (``upto - l`` when
        ``upto`` is given). With ``g = 0`` such a step decays ``m`` by ``b1``
        and ``v`` by ``b2`` and moves ``p`` by
        ``-lr b1^j m_l / (1 - b1^s) / (sqrt(b2^j v_l / (1 - b2^s)) + eps)``;
        neglecting ``eps`` this is ``m_l / sqrt(v_l)`` times a scalar that
        depends on ``l`` and ``t`` only, summed here for each distinct ``l``.
        When ``b1 = 0`` nothing moves; when ``b1^2 >= b2`` (not a usual
        setting) the missed motion does not decay and is not applied. The
        moments decay in every case.
        """
        upto = self.t - 1 if upto is None else upto
        last = self.last.setdefault(name, np.zeros(len(p), dtype=np.int64))
        first = last[rows]
        # at step t either way: rows used now take step t in the update that
        # follows, and a full catch-up (upto = t) takes it here
        last[rows] = self.t
        behind = first < upto
        if not behind.any():
            return
        b1, b2 = self.beta_1, self.beta_2
        rows, first = rows[behind], first[behind]
        k = (upto - first).astype(np.float64)
        mr, vr = m[rows], v[rows]
        if b1 > 0 and b1 * b1 < b2:
            ratio = b1 / np.sqrt(b2)
            # terms beyond this many steps are below 1e-17 of the first one
            horizon = int(np.ceil(np.log(1e-17) / np.log(ratio)))
            starts, inverse = np.unique(first, return_inverse=True)
            n_missed = upto - starts
            j = np.arange(1, min(int(n_missed.max()), horizon) + 1)
            s = starts[:, None] + j[None, :]
            terms = ratio**j * np.sqrt(1 - b2**s) / (1 - b1**s)
            terms[j[None, :] > n_missed[:, None]] = 0
            moved = (self.learning_rate * terms.sum(axis=1))[inverse]
            root = np.sqrt(vr)
            direction = np.divide(mr, root, out=np.zeros_like(mr), where=root > 0)
            p[rows] -= moved.astype(p.dtype)[:, None] * direction
        m[rows] = mr * (b1**k).astype(m.dtype)[:, None]
        v[rows] = vr * (b2**k).astype(v.dtype)[:, None]

    def catch_up(self, params: dict) -> None:
        """Bring every row of the row-sparse parameters up to the current step.

        Called before a change of the learning rate (or betas), so that the
        steps the rows missed are taken with the rate they were missed under.
        """
        for name in self.last:
            self._catch_up(
                name,
                params[name],
                self.ms[name],
                self.vs[name],
                np.arange(len(params[name])),
                upto=self.t,
            )

    def _step_rows(self, p, m, v, rows, g, step_size, bias_correction2_sqrt):
        """Adam on the rows of a row-sparse gradient only (after their catch-up)."""
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
