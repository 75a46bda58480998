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
