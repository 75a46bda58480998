"""RNNEncoderDecoder: the network against PyTorch and central differences, the
decoders against each other and against brute force, learning, one-to-many, bad
input and the scikit-learn contract."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from skrnn import _seq2seq as S
from skrnn._losses import masked_loss, step_mask

from .conftest import requires_torch

UNK, EOS, BOS = 0, 1, 2


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# ----------------------------------------------------------------------------
# a random network and a ragged batch
# ----------------------------------------------------------------------------


def _model(
    cell="lstm",
    attention="dot",
    bidirectional=False,
    num_layers=1,
    embedding=True,
    H=4,
    n_outputs=7,
    dtype=np.float64,
):
    return S.Seq2Seq(
        cell,
        H,
        n_outputs,
        input_size=None if embedding else 3,
        n_embeddings=9 if embedding else None,
        embedding_dim=3,
        num_layers=num_layers,
        bidirectional=bidirectional,
        attention=attention,
        dtype=dtype,
    )


def _params(model, seed=0, scale=1.5):
    params = model.init_params(np.random.default_rng(seed))
    # larger than the default so that the cells leave their linear regime
    return {k: v * scale for k, v in params.items()}


def _inputs(model, lengths, rng):
    T, B = int(max(lengths)), len(lengths)
    if model.n_embeddings is not None:
        X = rng.integers(0, model.n_embeddings, size=(T, B))
    else:
        X = rng.standard_normal((T, B, model.input_size))
    X[~step_mask(lengths, T)] = 0
    return X


def _batch(model, rng, B=5):
    """Ragged inputs and targets (unsorted), decoder inputs and targets."""
    in_lengths = rng.integers(1, 7, size=B)
    n_tokens = rng.integers(1, 5, size=B)  # target tokens, before <eos>
    X = _inputs(model, in_lengths, rng)
    T_out = int(n_tokens.max()) + 1
    dec_in = np.zeros((T_out, B), dtype=np.intp)
    dec_out = np.zeros((T_out, B), dtype=np.intp)
    for b, n in enumerate(n_tokens):
        y = rng.integers(3, model.n_outputs, size=n)
        dec_in[: n + 1, b] = [BOS, *y]
        dec_out[: n + 1, b] = [*y, EOS]
    return X, in_lengths, dec_in, dec_out, n_tokens + 1


def _loss(params, model, batch, weights):
    X, in_lengths, dec_in, dec_out, out_lengths = batch
    logits, _, cache = S.forward(params, model, X, in_lengths, dec_in, out_lengths)
    loss, d_logits = masked_loss("softmax", logits, dec_out, out_lengths, weights)
    return loss, d_logits, cache


LAYOUTS = [
    # cell, attention, bidirectional, num_layers, embedding
    *[
        ("lstm", a, bi, 1, True)
        for a in ("dot", "general", "additive", None)
        for bi in (False, True)
    ],
    ("gru", "additive", True, 2, True),
    ("gru", "dot", False, 2, False),
    ("rnn", "general", True, 1, False),
    ("rnn", "dot", True, 2, True),
    ("lstm", "general", True, 2, False),
]


def _layout_id(layout):
    cell, attention, bi, layers, emb = layout
    kind = "tok" if emb else "num"
    return f"{cell}-{attention}-{'bi' if bi else 'uni'}-L{layers}-{kind}"


# ----------------------------------------------------------------------------
# the network against PyTorch
# ----------------------------------------------------------------------------


@requires_torch
@pytest.mark.reference
@pytest.mark.parametrize("layout", LAYOUTS, ids=_layout_id)
def test_log_likelihoods_and_gradients_equal_pytorchs(layout):
    import torch

    from ._reference import torch_encoder_decoder

    cell, attention, bidirectional, num_layers, embedding = layout
    rng = np.random.default_rng(1)
    model = _model(cell, attention, bidirectional, num_layers, embedding)
    params = _params(model, seed=2)
    batch = _batch(model, rng)
    X, in_lengths, dec_in, dec_out, out_lengths = batch
    weights = rng.uniform(0.5, 2.0, size=len(in_lengths))

    loss, d_logits, cache = _loss(params, model, batch, weights)
    logits, att, _ = S.forward(params, model, X, in_lengths, dec_in, out_lengths)
    grads = S.backward(params, model, d_logits, cache)
    ours = (
        S.token_log_probs(logits, dec_out) * step_mask(out_lengths, len(dec_in))
    ).sum(0)

    net = torch_encoder_decoder(model, params)
    Xt = torch.tensor(X)
    t_logits, t_att = net(Xt, in_lengths, torch.tensor(dec_in), out_lengths)
    logp = torch.log_softmax(t_logits, dim=2).gather(
        2, torch.tensor(dec_out)[..., None]
    )
    real = torch.tensor(step_mask(out_lengths, len(dec_in)), dtype=logp.dtype)
    per_seq = (logp[..., 0] * real).sum(0)
    w = torch.tensor(weights)
    t_loss = -(per_seq * w).sum() / (real.sum(0) * w).sum()
    t_loss.backward()

    assert_allclose(ours, per_seq.detach().numpy(), rtol=1e-8, atol=1e-10)
    assert_allclose(loss, t_loss.item(), rtol=1e-8, atol=1e-10)
    if attention is not None:
        assert_allclose(att, t_att.detach().numpy(), rtol=1e-8, atol=1e-10)
    named = dict(net.named_parameters())
    assert set(named) == set(params), "parameter names differ from PyTorch's"
    for name, value in params.items():
        assert named[name].shape == value.shape, name
        assert_allclose(
            grads[name], named[name].grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name
        )


# ----------------------------------------------------------------------------
# central differences
# ----------------------------------------------------------------------------


def _numeric_gradient(f, a, entries, eps=1e-6):
    """Central differences of f() with respect to the given flat entries of a."""
    flat = a.reshape(-1)
    g = np.zeros(len(entries))
    for k, i in enumerate(entries):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        g[k] = (plus - minus) / (2 * eps)
    return g


@pytest.mark.parametrize(
    "cell, attention, bidirectional, num_layers",
    [
        ("lstm", "dot", True, 1),
        ("lstm", "general", True, 2),
        ("gru", "additive", True, 1),
        ("rnn", "additive", False, 1),
        ("lstm", None, True, 1),
    ],
)
def test_gradients_equal_central_differences(
    cell, attention, bidirectional, num_layers
):
    """Through attention, the bridge and both embeddings, in float64."""
    rng = np.random.default_rng(3)
    model = _model(cell, attention, bidirectional, num_layers, H=3, n_outputs=6)
    params = _params(model, seed=4)
    batch = _batch(model, rng, B=4)
    weights = rng.uniform(0.5, 2.0, size=4)
    _, d_logits, cache = _loss(params, model, batch, weights)
    grads = S.backward(params, model, d_logits, cache)

    def f():
        X, in_lengths, dec_in, dec_out, out_lengths = batch
        logits, _, _ = S.forward(
            params, model, X, in_lengths, dec_in, out_lengths, keep_cache=False
        )
        return masked_loss("softmax", logits, dec_out, out_lengths, weights)[0]

    expected = {"encoder.embedding.weight", "decoder.embedding.weight"}
    if bidirectional:
        expected |= {"bridge.weight", "bridge.bias"}
    assert expected <= set(params)
    for name, value in params.items():
        # every parameter, up to 8 of its entries (drawn at random) each
        entries = rng.permutation(value.size)[:8]
        numeric = _numeric_gradient(f, value, entries)
        analytic = grads[name].reshape(-1)[entries]
        assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8, err_msg=name)
