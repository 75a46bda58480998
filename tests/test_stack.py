"""The recurrent stack as a part: state in and out, gradients through the state,
a hand-over of state between pieces of a sequence, one-step decoding, dropout and
chunked inference."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import _cells
from skrnn._stack import Stack, State, dropout_mask, split_states, stack_states

from .conftest import requires_torch

CELLS = list(_cells.CELLS)
LAYOUTS = list(itertools.product(CELLS, [1, 2], [False, True]))


def _stack(cell, num_layers, bidirectional, F=2, H=3, prefix="rnn."):
    return Stack(cell, F, H, num_layers, bidirectional, prefix=prefix)


def _params(stack, seed=0, scale=2.0):
    rng = np.random.default_rng(seed)
    params = stack.init_params(rng, np.float64)
    # larger weights than the default so the cells leave their linear regime
    return {k: v * scale for k, v in params.items()}


def _random_states(stack, B, rng):
    H = stack.hidden_size
    return [
        State(
            rng.standard_normal((B, H)),
            rng.standard_normal((B, H)) if stack.cell == "lstm" else None,
        )
        for _ in range(stack.n_states)
    ]


class _Loss:
    """A random weighted sum of the outputs and of the final states."""

    def __init__(self, stack, T, B, rng, lengths):
        H = stack.hidden_size
        self.w_top = rng.standard_normal((T, B, stack.output_size))
        self.w_top *= (np.arange(T)[:, None] < lengths[None, :])[:, :, None]
        self.w_h = [rng.standard_normal((B, H)) for _ in range(stack.n_states)]
        self.w_c = [rng.standard_normal((B, H)) for _ in range(stack.n_states)]

    def value(self, top, finals):
        total = float(np.sum(top * self.w_top))
        for s, wh, wc in zip(finals, self.w_h, self.w_c, strict=True):
            total += float(np.sum(s.h * wh))
            if s.c is not None:
                total += float(np.sum(s.c * wc))
        return total

    def d_finals(self, stack):
        return [
            State(wh, wc if stack.cell == "lstm" else None)
            for wh, wc in zip(self.w_h, self.w_c, strict=True)
        ]


def _numeric(f, arrays, eps=1e-6):
    """Central differences of the scalar f() with respect to every array."""
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus = f()
            flat[i] = old - eps
            minus = f()
            flat[i] = old
            gflat[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def _rel(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-7)


@pytest.mark.parametrize("cell, num_layers, bidirectional", LAYOUTS)
def test_gradients_through_initial_states(cell, num_layers, bidirectional):
    rng = np.random.default_rng(1)
    stack = _stack(cell, num_layers, bidirectional)
    params = _params(stack)
    lengths = np.array([4, 1, 3])  # unsorted on purpose
    T, B = 4, 3
    x = rng.standard_normal((T, B, stack.input_size))
    init = _random_states(stack, B, rng)
    loss = _Loss(stack, T, B, rng, lengths)

    top, finals, cache = stack.forward(params, x, lengths, init)
    dx, d_init, grads = stack.backward(params, cache, loss.w_top, loss.d_finals(stack))

    def f():
        t, fin, _ = stack.forward(params, x, lengths, init, keep_cache=False)
        return loss.value(t, fin)

    state_arrays = [s.h for s in init] + [s.c for s in init if s.c is not None]
    d_state = [s.h for s in d_init] + [s.c for s in d_init if s.c is not None]
    names = list(params)
    numeric = _numeric(f, [params[k] for k in names] + [x] + state_arrays)
    analytic = [grads[k] for k in names] + [dx] + d_state
    labels = names + ["x"] + [f"state{i}" for i in range(len(state_arrays))]
    for label, a, n in zip(labels, analytic, numeric, strict=True):
        assert _rel(a, n) < 1e-6, f"{cell} L={num_layers} bi={bidirectional}: {label}"


@pytest.mark.parametrize("cell, num_layers, bidirectional", LAYOUTS)
def test_handing_over_the_state_between_two_pieces(cell, num_layers, bidirectional):
    """[0, t) then [t, T) from the handed-over state: the gradients of the whole
    computation match central differences; unidirectionally the values and
    gradients also equal one run over [0, T)."""
    rng = np.random.default_rng(2)
    stack = _stack(cell, num_layers, bidirectional)
    params = _params(stack, seed=3)
    lengths = np.array([6, 2, 5, 4])
    T, B, t = 6, 4, 3
    x = rng.standard_normal((T, B, stack.input_size))
    init = _random_states(stack, B, rng)
    loss = _Loss(stack, T, B, rng, lengths)
    first_len = np.minimum(lengths, t)
    second_len = lengths - first_len

    def run(keep_cache):
        top1, mid, c1 = stack.forward(
            params, x[:t], first_len, init, keep_cache=keep_cache
        )
        top2, fin, c2 = stack.forward(
            params, x[t:], second_len, mid, keep_cache=keep_cache
        )
        return np.concatenate([top1, top2]), fin, c1, c2

    top, finals, c1, c2 = run(True)
    dx2, d_mid, g2 = stack.backward(params, c2, loss.w_top[t:], loss.d_finals(stack))
    dx1, d_init, g1 = stack.backward(params, c1, loss.w_top[:t], d_mid)
    grads = {k: g1[k] + g2[k] for k in params}
    dx = np.concatenate([dx1, dx2])

    def f():
        top_, fin_, _, _ = run(False)
        return loss.value(top_, fin_)

    names = list(params)
    h0s = [s.h for s in init]
    numeric = _numeric(f, [params[k] for k in names] + [x] + h0s)
    analytic = [grads[k] for k in names] + [dx] + [s.h for s in d_init]
    labels = names + ["x"] + ["h0"] * len(h0s)
    for label, a, n in zip(labels, analytic, numeric, strict=True):
        assert _rel(a, n) < 1e-6, f"{cell} L={num_layers} bi={bidirectional}: {label}"

    if not bidirectional:
        top_all, fin_all, cache = stack.forward(params, x, lengths, init)
        assert_allclose(top, top_all, rtol=1e-12, atol=1e-13)
        for a, b in zip(finals, fin_all, strict=True):
            assert_allclose(a.h, b.h, rtol=1e-12, atol=1e-13)
        dx_all, d_init_all, g_all = stack.backward(
            params, cache, loss.w_top, loss.d_finals(stack)
        )
        assert_allclose(dx, dx_all, rtol=1e-10, atol=1e-12)
        for k in params:
            assert_allclose(grads[k], g_all[k], rtol=1e-10, atol=1e-12, err_msg=k)
        for a, b in zip(d_init, d_init_all, strict=True):
            assert_allclose(a.h, b.h, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell, num_layers", list(itertools.product(CELLS, [1, 2, 3])))
def test_step_loop_equals_forward(cell, num_layers):
    rng = np.random.default_rng(4)
    stack = _stack(cell, num_layers, False, F=3, H=5)
    params = _params(stack, seed=5, scale=1.0)
    T, B = 7, 4
    x = rng.standard_normal((T, B, 3))
    init = _random_states(stack, B, rng)
    top, finals, _ = stack.forward(params, x, np.full(B, T), init)
    prepared = stack.prepare(params)
    states = init
    for t in range(T):
        y, states = stack.step(prepared, x[t], states)
        assert_allclose(y, top[t], rtol=0, atol=1e-12)
    for a, b in zip(states, finals, strict=True):
        assert_allclose(a.h, b.h, rtol=0, atol=1e-12)
        if cell == "lstm":
            assert_allclose(a.c, b.c, rtol=0, atol=1e-12)


def test_step_refuses_a_bidirectional_stack():
    stack = _stack("gru", 1, True)
    with pytest.raises(ValueError, match="bidirectional"):
        stack.prepare(_params(stack))


def test_prefixes_keep_pytorch_names_inside():
    enc = _stack("lstm", 2, True, prefix="encoder.rnn.")
    dec = _stack("lstm", 2, False, prefix="decoder.rnn.")
    params = {**_params(enc), **_params(dec)}
    assert "encoder.rnn.weight_hh_l1_reverse" in params
    assert "decoder.rnn.bias_ih_l1" in params
    assert not any(k.startswith("rnn.") for k in params)
    # the forget-gate bias rule follows the prefix
    H = enc.hidden_size
    assert np.all(params["decoder.rnn.bias_ih_l0"][H : 2 * H] == 2.0)
    assert np.all(params["decoder.rnn.bias_hh_l0"][H : 2 * H] == 0.0)


def test_state_layout_round_trip():
    stack = _stack("lstm", 2, True)
    states = _random_states(stack, 3, np.random.default_rng(0))
    h, c = stack_states(states)
    assert h.shape == (4, 3, 3) and c.shape == (4, 3, 3)
    back = split_states(h, c)
    for a, b in zip(states, back, strict=True):
        assert np.array_equal(a.h, b.h) and np.array_equal(a.c, b.c)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_chunked_inference_equals_the_cached_path(cell, bidirectional):
    """Inference runs a layer in pieces of a few steps when the batch is large;
    the result equals the cached (training) path."""
    from skrnn import _stack

    rng = np.random.default_rng(6)
    stack = _stack.Stack(cell, 3, 4, 2, bidirectional)
    params = stack.init_params(rng, np.float64)
    B = 256
    chunk = max(4, _stack._NO_CACHE_ROWS // B)
    T = 3 * chunk + 5  # several pieces, and a partial last one
    lengths = rng.integers(1, T + 1, size=B)
    lengths[0] = T
    x = rng.standard_normal((T, B, 3))
    init = _random_states(stack, B, rng)
    top_c, fin_c, cache = stack.forward(params, x, lengths, init)
    top_n, fin_n, none = stack.forward(params, x, lengths, init, keep_cache=False)
    assert cache is not None and none is None
    assert_allclose(top_n, top_c, rtol=0, atol=1e-12)
    for a, b in zip(fin_n, fin_c, strict=True):
        assert_allclose(a.h, b.h, rtol=0, atol=1e-12)
        if cell == "lstm":
            assert_allclose(a.c, b.c, rtol=0, atol=1e-12)


# ----------------------------------------------------------------------------
# dropout
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_rate_and_rescale(p):
    mask = dropout_mask(np.random.default_rng(0), (200, 500), p, np.float64)
    dropped = np.mean(mask == 0)
    assert abs(dropped - p) < 0.01
    # survivors are scaled by 1 / (1 - p), so the expectation is kept
    assert set(np.unique(mask)) == {0.0, 1.0 / (1.0 - p)}
    assert abs(mask.mean() - 1.0) < 0.02


def test_dropout_preserves_the_expected_output_and_is_off_at_predict():
    """Training outputs averaged over masks equal the inference output (the head
    is linear in the dropped readout); without the 1/(1-p) rescale they would
    shrink by (1 - p)."""
    from skrnn import _network as N

    rng = np.random.default_rng(7)
    arch = N.Architecture("gru", 6, 2, input_size=3, dropout=0.5, dtype=np.float64)
    params = N.init_params(arch, rng)
    X = rng.standard_normal((5, 4, 3))
    lengths = np.array([5, 3, 4, 2])
    eval_out, _ = N.forward(params, arch, X, lengths)
    eval_again, _ = N.forward(params, arch, X, lengths, keep_cache=False)
    assert np.array_equal(eval_out, eval_again)  # nothing random at predict
    bias = params["output.bias"]
    draws = np.mean(
        [
            N.forward(params, arch, X, lengths, training=True, rng=rng)[0] - bias
            for _ in range(4000)
        ],
        axis=0,
    )
    assert_allclose(draws, eval_out - bias, rtol=0, atol=0.03)
    assert np.abs(eval_out - bias).max() > 0.2  # the check has something to see


def test_dropout_between_layers_is_training_only():
    stack = Stack("lstm", 2, 8, 3, dropout=0.5)
    params = stack.init_params(np.random.default_rng(0), np.float64)
    x = np.random.default_rng(1).standard_normal((4, 2, 2))
    lengths = np.array([4, 3])
    a, _, cache = stack.forward(params, x, lengths)
    assert all(m is None for m in cache.masks)
    b, _, cache = stack.forward(
        params, x, lengths, training=True, rng=np.random.default_rng(2)
    )
    assert cache.masks[-1] is None  # never after the top layer
    assert all(m is not None for m in cache.masks[:-1])
    assert not np.allclose(a, b)


# ----------------------------------------------------------------------------
# PyTorch: given initial states
# ----------------------------------------------------------------------------


@requires_torch
@pytest.mark.reference
@pytest.mark.parametrize("cell, num_layers, bidirectional", LAYOUTS)
def test_initial_states_match_torch(cell, num_layers, bidirectional):
    import torch

    from ._reference import TORCH_RNN

    rng = np.random.default_rng(8)
    stack = _stack(cell, num_layers, bidirectional, F=3, H=4)
    params = stack.init_params(rng, np.float64)
    lengths = np.array([5, 2, 4, 1, 5])
    T, B = 5, 5
    x = rng.standard_normal((T, B, 3))
    init = _random_states(stack, B, rng)
    loss = _Loss(stack, T, B, rng, lengths)
    top, finals, cache = stack.forward(params, x, lengths, init)
    dx, d_init, grads = stack.backward(params, cache, loss.w_top, loss.d_finals(stack))

    net = TORCH_RNN[cell](3, 4, num_layers=num_layers, bidirectional=bidirectional)
    net = net.double()
    net.load_state_dict({k[len("rnn.") :]: torch.tensor(v) for k, v in params.items()})
    xt = torch.tensor(x, requires_grad=True)
    h0, c0 = stack_states(init)
    h0t = torch.tensor(h0, requires_grad=True)
    state = h0t
    if cell == "lstm":
        c0t = torch.tensor(c0, requires_grad=True)
        state = (h0t, c0t)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        xt, torch.as_tensor(lengths), enforce_sorted=False
    )
    out, fin = net(packed, state)
    top_t, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=T)
    h_t, c_t = fin if cell == "lstm" else (fin, None)
    h_n, c_n = stack_states(finals)
    assert_allclose(top, top_t.detach().numpy(), rtol=1e-10, atol=1e-10)
    assert_allclose(h_n, h_t.detach().numpy(), rtol=1e-10, atol=1e-10)
    total = (top_t * torch.tensor(loss.w_top)).sum()
    total = total + (h_t * torch.tensor(np.stack(loss.w_h))).sum()
    if cell == "lstm":
        assert_allclose(c_n, c_t.detach().numpy(), rtol=1e-10, atol=1e-10)
        total = total + (c_t * torch.tensor(np.stack(loss.w_c))).sum()
    total.backward()
    assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-10)
    dh0, dc0 = stack_states(d_init)
    assert_allclose(dh0, h0t.grad.numpy(), rtol=1e-10, atol=1e-10)
    if cell == "lstm":
        assert_allclose(dc0, c0t.grad.numpy(), rtol=1e-10, atol=1e-10)
    for name, p in net.named_parameters():
        assert_allclose(
            grads["rnn." + name], p.grad.numpy(), rtol=1e-10, atol=1e-10, err_msg=name
        )
