"""Parity with torch.nn.RNN / nn.LSTM / nn.GRU: weights copied in through the PyTorch
parameter names; outputs, final states and every gradient compared."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import _cells
from skrnn import _network as N
from skrnn._losses import step_mask

from .conftest import requires_torch

pytestmark = [requires_torch, pytest.mark.reference]

CELLS = list(_cells.CELLS)

TOL = {np.float64: dict(rtol=1e-10, atol=1e-10), np.float32: dict(rtol=1e-5, atol=1e-5)}


def _case(cell, num_layers, bidirectional, readout, dtype, seed, embedding=False):
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 7))
    lengths = rng.integers(1, 12, size=B)
    T, F, H = int(lengths.max()), int(rng.integers(1, 5)), int(rng.integers(1, 9))
    arch = N.Architecture(
        cell,
        H,
        3,
        input_size=None if embedding else F,
        n_embeddings=11 if embedding else None,
        embedding_dim=4,
        num_layers=num_layers,
        bidirectional=bidirectional,
        readout=readout,
        dtype=dtype,
    )
    params = N.init_params(arch, rng)
    if embedding:
        X = rng.integers(0, 11, size=(T, B))
    else:
        X = rng.standard_normal((T, B, F)).astype(dtype)
        X[~step_mask(lengths, T)] = 0
    return arch, params, X, lengths, rng


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "cell, num_layers, bidirectional",
    list(itertools.product(CELLS, [1, 2, 3], [False, True])),
)
def test_stack_outputs_and_final_states(cell, num_layers, bidirectional, dtype):
    import torch

    for seed in range(3):
        arch, params, X, lengths, _ = _case(
            cell, num_layers, bidirectional, "sequence", dtype, seed
        )
        from ._reference import torch_net

        net = torch_net(arch, params)
        with torch.no_grad():
            _, top_t, h_t, c_t = net(torch.tensor(X), lengths)
        top, h_n, c_n, _ = N.run_layers(params, arch, X, lengths)
        msg = f"{cell} L={num_layers} bi={bidirectional} lengths={lengths}"
        assert top.dtype == dtype
        assert_allclose(top, top_t.numpy(), **TOL[dtype], err_msg=msg)
        assert_allclose(h_n, h_t.numpy(), **TOL[dtype], err_msg=msg)
        if cell == "lstm":
            assert_allclose(c_n, c_t.numpy(), **TOL[dtype], err_msg=msg)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "cell, num_layers, bidirectional, readout, embedding",
    list(
        itertools.product(
            CELLS,
            [1, 2],
            [False, True],
            ["sequence", "last", "mean", "max"],
            [False, True],
        )
    ),
)
def test_gradients_match_torch(
    cell, num_layers, bidirectional, readout, embedding, dtype
):
    import torch

    from ._reference import torch_net

    arch, params, X, lengths, rng = _case(
        cell, num_layers, bidirectional, readout, dtype, 10, embedding
    )
    out, cache = N.forward(params, arch, X, lengths)
    weights = rng.standard_normal(out.shape).astype(dtype)
    grads = N.backward(params, arch, weights, cache)

    net = torch_net(arch, params)
    Xt = torch.tensor(X)
    out_t, *_ = net(Xt, lengths)
    (out_t * torch.tensor(weights)).sum().backward()
    msg = f"{cell} L={num_layers} bi={bidirectional} {readout} emb={embedding}"
    assert_allclose(out, out_t.detach().numpy(), **TOL[dtype], err_msg=msg)
    for name, p in net.named_parameters():
        assert grads[name].dtype == dtype
        assert_allclose(
            grads[name], p.grad.numpy(), **TOL[dtype], err_msg=f"{msg}: {name}"
        )


def test_parameter_names_and_shapes_are_torchs():
    import torch

    for cell, emb in itertools.product(CELLS, [False, True]):
        arch = N.Architecture(
            cell,
            5,
            2,
            input_size=None if emb else 3,
            n_embeddings=7 if emb else None,
            num_layers=2,
            bidirectional=True,
        )
        from ._reference import TorchNet

        ours = {
            k: v.shape for k, v in N.init_params(arch, np.random.default_rng(0)).items()
        }
        theirs = {k: tuple(v.shape) for k, v in TorchNet(arch).state_dict().items()}
        assert ours == theirs
        assert list(ours) == list(theirs)
        assert torch is not None
