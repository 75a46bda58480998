"""Numerical checks of the NumPy core: central-difference gradients, truncated BPTT
against an explicit reference, padding, and extreme pre-activations."""

import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import _cells
from skrnn import _losses as losses
from skrnn import _network as N

from .conftest import requires_torch

CELLS = list(_cells.CELLS)
LENGTHS = np.array([5, 2, 4, 1])  # ragged, deliberately unsorted


def _setup(
    cell, num_layers, bidirectional, readout, seed=0, embedding=False, dropout=0.0
):
    rng = np.random.default_rng(seed)
    T, B, F, H, C = int(LENGTHS.max()), len(LENGTHS), 2, 3, 2
    arch = N.Architecture(
        cell,
        H,
        C,
        input_size=None if embedding else F,
        n_embeddings=6 if embedding else None,
        embedding_dim=2,
        num_layers=num_layers,
        bidirectional=bidirectional,
        readout=readout,
        dropout=dropout,
        dtype=np.float64,
    )
    params = N.init_params(arch, rng)
    # larger weights than the default so the cells leave their linear regime
    for k in params:
        params[k] *= 2.0
    if embedding:
        X = rng.integers(0, 6, size=(T, B))
    else:
        X = rng.standard_normal((T, B, F))
    out, _ = N.forward(params, arch, X, LENGTHS)
    weights = rng.standard_normal(out.shape)
    if readout == "sequence":
        weights *= losses.step_mask(LENGTHS, T)[:, :, None]
    return arch, params, X, weights


def _loss(params, arch, X, weights, bptt=None, dropout_seed=None):
    rng = None if dropout_seed is None else np.random.default_rng(dropout_seed)
    out, cache = N.forward(
        params, arch, X, LENGTHS, training=rng is not None, rng=rng, bptt_steps=bptt
    )
    return float(np.sum(out * weights)), cache


def numerical_gradients(params, arch, X, weights, eps=1e-6, dropout_seed=None):
    grads = {}
    for name, p in params.items():
        g = np.zeros_like(p)
        flat, gflat = p.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus, _ = _loss(params, arch, X, weights, dropout_seed=dropout_seed)
            flat[i] = old - eps
            minus, _ = _loss(params, arch, X, weights, dropout_seed=dropout_seed)
            flat[i] = old
            gflat[i] = (plus - minus) / (2 * eps)
        grads[name] = g
    return grads


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-7)


@pytest.mark.parametrize(
    "cell, num_layers, bidirectional, readout",
    list(itertools.product(CELLS, [1, 2], [False, True], ["sequence", "last"])),
)
def test_gradients_match_central_differences(cell, num_layers, bidirectional, readout):
    arch, params, X, weights = _setup(cell, num_layers, bidirectional, readout)
    _, cache = _loss(params, arch, X, weights)
    analytic = N.backward(params, arch, weights, cache)
    numeric = numerical_gradients(params, arch, X, weights)
    for name in params:
        err = relative_error(analytic[name], numeric[name])
        assert err < 1e-6, (
            f"{cell} L={num_layers} bi={bidirectional} {readout}: {name} "
            f"rel err {err:.2e}"
        )


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("readout", ["mean", "max"])
def test_gradients_pooled_readouts_with_embedding_and_dropout(cell, readout):
    arch, params, X, weights = _setup(
        cell, 2, True, readout, seed=1, embedding=True, dropout=0.3
    )
    _, cache = _loss(params, arch, X, weights, dropout_seed=7)
    analytic = N.backward(params, arch, weights, cache)
    numeric = numerical_gradients(params, arch, X, weights, dropout_seed=7)
    for name in params:
        err = relative_error(analytic[name], numeric[name])
        assert err < 1e-6, f"{cell} {readout}: {name} rel err {err:.2e}"


@requires_torch
@pytest.mark.parametrize(
    "cell, num_layers, bidirectional, readout, bptt",
    list(
        itertools.product(
            CELLS, [1, 2], [False, True], ["sequence", "last", "mean"], [None, 1, 2, 3]
        )
    ),
)
def test_truncated_bptt_matches_stepwise_reference(
    cell, num_layers, bidirectional, readout, bptt
):
    """Truncated gradients equal an explicit per-sequence, per-step PyTorch
    computation that detaches the state at every chunk boundary."""
    from ._reference import truncated_reference

    arch, params, X, weights = _setup(cell, num_layers, bidirectional, readout, seed=2)
    out, cache = N.forward(params, arch, X, LENGTHS, bptt_steps=bptt)
    analytic = N.backward(params, arch, weights, cache)
    ref_out, ref_grads = truncated_reference(arch, params, X, LENGTHS, weights, bptt)
    assert_allclose(out, ref_out, rtol=0, atol=1e-12)
    for name in params:
        assert_allclose(
            analytic[name], ref_grads[name], rtol=1e-9, atol=1e-11, err_msg=name
        )


@pytest.mark.parametrize("cell", CELLS)
def test_truncation_changes_gradient_and_window_is_exact(cell):
    """With a final-state loss and k steps, inputs older than k steps get no gradient
    while full BPTT gives them some."""
    rng = np.random.default_rng(3)
    T, B, F, H = 9, 3, 2, 4
    lengths = np.array([9, 7, 4])
    X = rng.standard_normal((T, B, F))
    G = _cells.N_GATES[cell] * H
    W = [rng.uniform(-0.5, 0.5, s) for s in [(G, F), (G, H)]]
    b = [rng.uniform(-0.5, 0.5, G) for _ in range(2)]
    dh = rng.standard_normal((B, H))
    k = 3
    grads = {}
    for bptt in (None, k):
        Y, h_n, c_n, cache = _cells.forward(cell, X, lengths, W[0], W[1], b[0], b[1])
        dX, *_ = _cells.backward(cache, None, dh, None, bptt_steps=bptt)
        grads[bptt] = dX
    for j, L in enumerate(lengths):
        old = slice(0, L - k)
        assert np.all(grads[k][old, j] == 0)
        assert np.abs(grads[None][old, j]).max() > 1e-6
        assert_allclose(grads[k][L - k : L, j], grads[None][L - k : L, j], rtol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_equals_each_sequence_alone(cell, bidirectional):
    arch, params, X, weights = _setup(cell, 2, bidirectional, "sequence", seed=4)
    out, cache = N.forward(params, arch, X, LENGTHS)
    grads = N.backward(params, arch, weights, cache)
    summed = {k: np.zeros_like(v) for k, v in params.items()}
    for j, L in enumerate(LENGTHS):
        out_j, cache_j = N.forward(params, arch, X[:L, j : j + 1], LENGTHS[j : j + 1])
        assert_allclose(out[:L, j], out_j[:, 0], rtol=1e-13, atol=1e-14)
        assert np.all(out[L:, j] == 0)
        g = N.backward(params, arch, weights[:L, j : j + 1], cache_j)
        for k in summed:
            summed[k] += g[k]
    for k in grads:
        assert_allclose(grads[k], summed[k], rtol=1e-11, atol=1e-13, err_msg=k)


def test_batch_order_does_not_matter():
    arch, params, X, weights = _setup("lstm", 1, True, "last", seed=5)
    out, _ = N.forward(params, arch, X, LENGTHS)
    perm = np.array([2, 0, 3, 1])
    out_p, _ = N.forward(params, arch, X[:, perm], LENGTHS[perm])
    assert_allclose(out_p, out[perm], rtol=1e-13)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_preactivations_are_finite_and_silent(cell, dtype):
    rng = np.random.default_rng(6)
    arch = N.Architecture(cell, 4, 3, input_size=2, readout="sequence", dtype=dtype)
    params = N.init_params(arch, rng)
    for k in params:
        params[k] = (np.sign(rng.standard_normal(params[k].shape)) * 1e4).astype(dtype)
    X = (rng.standard_normal((6, 3, 2)) * 1e4).astype(dtype)
    lengths = np.array([6, 4, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = N.forward(params, arch, X, lengths)
        assert np.isfinite(out).all()
        mask = losses.step_mask(lengths, 6)
        logits = out[mask]
        y = rng.integers(0, 3, len(logits))
        for loss_fn, target in [
            (losses.softmax_cross_entropy, y),
            (losses.logistic_loss, np.eye(3)[y]),
            (losses.squared_loss, np.eye(3)[y]),
        ]:
            loss, d = loss_fn(logits, target)
            assert np.isfinite(loss) and np.isfinite(d).all()
        dout = np.zeros_like(out)
        dout[mask] = d
        grads = N.backward(params, arch, dout, cache)
        assert all(np.isfinite(g).all() for g in grads.values())
        for kind in ("softmax", "logistic"):
            p = losses.output_activation(kind, logits)
            assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()


@pytest.mark.parametrize("name", ["softmax", "logistic", "squared"])
def test_loss_gradients_match_central_differences(name):
    rng = np.random.default_rng(8)
    logits = rng.standard_normal((5, 3)) * 3
    w = rng.uniform(0.1, 2, 5)
    if name == "softmax":
        y = rng.integers(0, 3, 5)
    elif name == "logistic":
        y = rng.integers(0, 2, (5, 3)).astype(float)
    else:
        y = rng.standard_normal((5, 3))
    fn = losses.LOSSES[name]
    loss, grad = fn(logits, y, w, norm=4.0)
    num = np.zeros_like(logits)
    for idx in np.ndindex(*logits.shape):
        z = logits.copy()
        z[idx] += 1e-6
        plus, _ = fn(z, y, w, norm=4.0)
        z[idx] -= 2e-6
        minus, _ = fn(z, y, w, norm=4.0)
        num[idx] = (plus - minus) / 2e-6
    assert_allclose(grad, num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["softmax", "logistic", "squared"])
@pytest.mark.parametrize("weighted", [False, "per sequence", "per step"])
def test_masked_loss_without_padding_is_the_masked_computation(name, weighted):
    """The unpadded fast path gives the very same bits as selecting the steps.

    Weights are per sequence ``(B,)`` or per step ``(T, B)`` (the tagger's
    class weights).
    """
    rng = np.random.default_rng(2)
    T, B, C = 4, 3, 5
    out = rng.standard_normal((T, B, C)).astype(np.float32)
    if name == "softmax":
        y = rng.integers(0, C, (T, B))
    else:
        y = rng.integers(0, 2, (T, B, C)).astype(np.float32)
    w = None
    if weighted == "per sequence":
        w = rng.uniform(0.5, 2, B)
    elif weighted == "per step":
        w = rng.uniform(0.5, 2, (T, B))
    w_full = (
        None if w is None else np.broadcast_to(w if w.ndim == 2 else w[None], (T, B))
    )
    lengths = np.full(B, T)
    loss, d = losses.masked_loss(name, out, y, lengths, w, norm=7.0)
    mask = np.ones((T, B), dtype=bool)
    w_rows = None if w is None else w_full[mask]
    loss_ref, d_ref = losses.LOSSES[name](out[mask], y[mask], w_rows, 7.0)
    assert loss == loss_ref
    np.testing.assert_array_equal(d, d_ref.reshape(T, B, C))
    # and with padding, the padded steps get no gradient and no loss
    lengths = np.array([4, 2, 1])
    loss, d = losses.masked_loss(name, out, y, lengths, w, norm=7.0)
    real = losses.step_mask(lengths, T)
    assert np.all(d[~real] == 0)
    w_rows = None if w is None else w_full[real]
    assert loss == losses.LOSSES[name](out[real], y[real], w_rows, 7.0)[0]


def test_losses_by_hand():
    logits = np.array([[2.0, 0.0], [0.0, 0.0]])
    loss, _ = losses.softmax_cross_entropy(logits, np.array([0, 1]))
    expected = 0.5 * (np.log(1 + np.exp(-2.0)) + np.log(2.0))
    assert_allclose(loss, expected, rtol=1e-14)
    loss, _ = losses.logistic_loss(np.array([[0.0], [3.0]]), np.array([[1.0], [0.0]]))
    assert_allclose(loss, 0.5 * (np.log(2) + np.log1p(np.exp(3.0))), rtol=1e-14)
    loss, _ = losses.squared_loss(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    assert_allclose(loss, 0.5 * (1 + 4) / 2)
    # large logits: no overflow
    loss, g = losses.logistic_loss(np.array([[1e4], [-1e4]]), np.array([[0.0], [1.0]]))
    assert_allclose(loss, 1e4)
    assert_allclose(g, [[0.5], [-0.5]])


@pytest.mark.parametrize("cell", CELLS)
def test_initialisation_like_pytorch_with_open_lstm_forget_gate(cell):
    arch = N.Architecture(
        cell, 50, 3, n_embeddings=20, embedding_dim=8, num_layers=2, dtype=np.float64
    )
    params = N.init_params(arch, np.random.default_rng(0))
    k = 1 / np.sqrt(50)
    H = 50
    for name, p in params.items():
        if name == "embedding.weight":
            assert abs(p.mean()) < 0.1 and abs(p.std() - 1) < 0.1
            continue
        bound = 1 / np.sqrt(p.shape[-1]) if name.startswith("output.weight") else k
        if name == "output.bias":
            bound = 1 / np.sqrt(50)
        if cell == "lstm" and name.startswith("rnn.bias"):
            forget = p[H : 2 * H]
            assert np.all(forget == (1.0 if "bias_ih" in name else 0.0)), name
            p = np.delete(p, np.s_[H : 2 * H])
        assert np.abs(p).max() <= bound, name
        # uniform on [-bound, bound]: the spread reaches close to the bound
        if p.size >= 100:
            assert np.abs(p).max() > 0.9 * bound, name
