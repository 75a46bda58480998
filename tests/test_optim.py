"""Optimiser steps against hand-computed updates; clipping; L2 penalty."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn._optim import SGD, Adam, clip_grad_norm, global_norm, l2_penalty

from .conftest import requires_torch


def _params():
    return {"a.weight": np.array([[1.0, -2.0]]), "a.bias": np.array([0.5])}


def _grads():
    return {"a.weight": np.array([[0.1, 0.2]]), "a.bias": np.array([-0.3])}


def test_sgd_plain_momentum_two_steps_by_hand():
    p, opt = _params(), SGD(learning_rate=0.1, momentum=0.9, nesterov=False)
    opt.step(p, _grads())
    # v1 = -0.1 g ; p1 = p0 + v1
    assert_allclose(p["a.weight"], [[1.0 - 0.01, -2.0 - 0.02]])
    assert_allclose(p["a.bias"], [0.5 + 0.03])
    opt.step(p, _grads())
    # v2 = 0.9 v1 - 0.1 g = -0.19 g ; p2 = p1 + v2
    assert_allclose(p["a.weight"], [[1.0 - 0.01 - 0.019, -2.0 - 0.02 - 0.038]])
    assert_allclose(p["a.bias"], [0.5 + 0.03 + 0.057])


def test_sgd_nesterov_step_by_hand():
    p, opt = _params(), SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    opt.step(p, _grads())
    # v1 = -0.1 g ; p1 = p0 + 0.9 v1 - 0.1 g = p0 - 0.19 g
    assert_allclose(p["a.weight"], [[1.0 - 0.019, -2.0 - 0.038]])
    opt.step(p, _grads())
    # v2 = -0.19 g ; p2 = p1 + 0.9 v2 - 0.1 g = p1 - 0.271 g
    assert_allclose(p["a.weight"], [[1.0 - 0.019 - 0.0271, -2.0 - 0.038 - 0.0542]])


def test_sgd_without_momentum_is_gradient_descent():
    p, opt = _params(), SGD(learning_rate=0.5, momentum=0.0, nesterov=False)
    opt.step(p, _grads())
    assert_allclose(p["a.bias"], [0.5 + 0.15])


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p, opt = _params(), Adam(lr, b1, b2, eps)
    g = _grads()
    w0 = p["a.weight"].copy()
    opt.step(p, g)
    # step 1: m_hat = g and v_hat = g^2, so the update is lr * g / (|g| + eps)
    expected1 = w0 - lr * g["a.weight"] / (np.abs(g["a.weight"]) + eps)
    assert_allclose(p["a.weight"], expected1, rtol=1e-12)
    g2 = {"a.weight": np.array([[-0.4, 0.0]]), "a.bias": np.array([1.0])}
    opt.step(p, g2)
    m = b1 * (1 - b1) * g["a.weight"] + (1 - b1) * g2["a.weight"]
    v = b2 * (1 - b2) * g["a.weight"] ** 2 + (1 - b2) * g2["a.weight"] ** 2
    m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
    expected2 = expected1 - lr * m_hat / (np.sqrt(v_hat) + eps)
    assert_allclose(p["a.weight"], expected2, rtol=1e-12)
    assert opt.t == 2


@requires_torch
def test_adam_and_sgd_follow_torch_trajectories():
    import torch

    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4))
    grads_seq = [rng.standard_normal((3, 4)) for _ in range(5)]
    for ours, make_theirs in [
        (
            Adam(0.01, 0.8, 0.99, 1e-6),
            lambda q: torch.optim.Adam(q, 0.01, (0.8, 0.99), 1e-6),
        ),
        (
            SGD(0.05, 0.9, nesterov=True),
            lambda q: torch.optim.SGD(q, 0.05, momentum=0.9, nesterov=True),
        ),
    ]:
        p = {"w.weight": w.copy()}
        q = torch.nn.Parameter(torch.tensor(w.copy()))
        theirs = make_theirs([q])
        for g in grads_seq:
            ours.step(p, {"w.weight": g.copy()})
            q.grad = torch.tensor(g.copy())
            theirs.step()
        assert_allclose(p["w.weight"], q.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_clipping_leaves_exactly_the_requested_norm():
    rng = np.random.default_rng(1)
    grads = {k: rng.standard_normal(s) * 10 for k, s in [("a", (4, 5)), ("b", (7,))]}
    before = global_norm(grads)
    ref = {k: v.copy() for k, v in grads.items()}
    returned = clip_grad_norm(grads, 2.5)
    assert_allclose(returned, before)
    assert_allclose(global_norm(grads), 2.5, rtol=1e-14)
    # direction kept
    for k in grads:
        assert_allclose(grads[k], ref[k] * 2.5 / before, rtol=1e-14)


def test_clipping_below_threshold_or_disabled_changes_nothing():
    grads = {"a": np.array([0.3, 0.4])}
    assert clip_grad_norm(grads, 1.0) == pytest.approx(0.5)
    assert_allclose(grads["a"], [0.3, 0.4])
    grads = {"a": np.array([30.0, 40.0])}
    assert clip_grad_norm(grads, None) == pytest.approx(50.0)
    assert_allclose(grads["a"], [30.0, 40.0])


def test_l2_penalty_on_weights_only():
    p, g = _params(), _grads()
    value = l2_penalty(p, g, alpha=0.1)
    assert_allclose(value, 0.5 * 0.1 * (1 + 4))
    assert_allclose(g["a.weight"], [[0.1 + 0.1, 0.2 - 0.2]])
    assert_allclose(g["a.bias"], [-0.3])


def test_optimisers_pickle_with_their_state():
    p = _params()
    opt = Adam(0.01)
    opt.step(p, _grads())
    clone = pickle.loads(pickle.dumps(opt))
    p2 = {k: v.copy() for k, v in p.items()}
    opt.step(p, _grads())
    clone.step(p2, _grads())
    assert_allclose(p["a.weight"], p2["a.weight"])


# ----------------------------------------------------------------------------
# row-sparse (embedding) gradients
# ----------------------------------------------------------------------------


def _table_case(seed=0):
    rng = np.random.default_rng(seed)
    E = rng.standard_normal((50, 4))
    ids = rng.integers(0, 50, size=30)
    d = rng.standard_normal((30, 4))
    return E, ids, d


def test_row_sparse_accumulates_repeated_ids():
    from skrnn._optim import RowSparse

    E, ids, d = _table_case()
    g = RowSparse.accumulate(ids, d)
    dense = np.zeros_like(E)
    np.add.at(dense, ids, d)
    assert_allclose(g.toarray(E.shape), dense, rtol=1e-14)
    assert np.array_equal(g.rows, np.unique(ids))


@pytest.mark.parametrize(
    "opt",
    [lambda: Adam(0.01), lambda: SGD(0.1, 0.9, True), lambda: SGD(0.1, 0.5, False)],
)
def test_sparse_update_touches_only_the_rows_used(opt):
    from skrnn._optim import RowSparse

    E, ids, d = _table_case(1)
    ids = ids % 20  # rows 20.. are never used
    p = {"embedding.weight": E.copy()}
    o = opt()
    for _ in range(3):
        o.step(p, {"embedding.weight": RowSparse.accumulate(ids, d)})
    used = np.unique(ids)
    untouched = np.setdiff1d(np.arange(50), used)
    assert np.array_equal(p["embedding.weight"][untouched], E[untouched])
    assert np.all(np.abs(p["embedding.weight"][used] - E[used]).max(axis=1) > 0)


@pytest.mark.parametrize(
    "opt",
    [lambda: Adam(0.01), lambda: SGD(0.1, 0.9, True), lambda: SGD(0.1, 0.9, False)],
)
def test_sparse_update_over_every_row_equals_the_dense_update(opt):
    from skrnn._optim import RowSparse

    rng = np.random.default_rng(2)
    E = rng.standard_normal((6, 3))
    dense_p, sparse_p = {"w": E.copy()}, {"w": E.copy()}
    dense_o, sparse_o = opt(), opt()
    for _ in range(4):
        g = rng.standard_normal((6, 3))
        dense_o.step(dense_p, {"w": g.copy()})
        sparse_o.step(sparse_p, {"w": RowSparse(np.arange(6), g.copy())})
    assert_allclose(sparse_p["w"], dense_p["w"], rtol=1e-14, atol=1e-15)


def test_sparse_l2_norm_and_clipping_see_the_rows():
    from skrnn._optim import RowSparse

    E, ids, d = _table_case(3)
    g = RowSparse.accumulate(ids, d)
    dense = g.toarray(E.shape)
    grads = {"embedding.weight": g, "b.bias": np.ones(2)}
    assert_allclose(
        global_norm(grads), global_norm({"e": dense, "b": np.ones(2)}), rtol=1e-14
    )
    penalty = l2_penalty({"embedding.weight": E, "b.bias": np.ones(2)}, grads, 0.5)
    # the penalty and its gradient cover the rows the batch used
    assert_allclose(penalty, 0.25 * np.sum(E[g.rows] ** 2), rtol=1e-14)
    assert_allclose(g.values, dense[g.rows] + 0.5 * E[g.rows], rtol=1e-14)
    clip_grad_norm(grads, 1.0)
    assert_allclose(global_norm(grads), 1.0, rtol=1e-12)


def test_estimator_embedding_rows_of_unused_tokens_stay_put():
    """With alpha=0, a partial_fit on sentences that use only some words leaves
    the embedding rows of the other words exactly as they were."""
    from skrnn import RNNClassifier

    X1 = [["a", "b", "c"], ["d", "e"], ["f", "a"]] * 4
    y = [0, 1, 0] * 4
    clf = RNNClassifier(hidden_size=3, max_iter=2, alpha=0.0, random_state=0)
    clf.fit(X1, y)
    before = clf.coefs_["embedding.weight"].copy()
    clf.partial_fit([["a", "b"], ["a"]], [0, 1])
    after = clf.coefs_["embedding.weight"]
    used = [clf.vocabulary_["a"], clf.vocabulary_["b"]]
    other = [i for i in range(len(before)) if i not in used]
    assert np.array_equal(after[other], before[other])
    assert not np.allclose(after[used], before[used])


@pytest.mark.parametrize(
    "opt",
    [
        lambda: Adam(0.01, epsilon=1e-14),
        lambda: Adam(0.003, 0.8, 0.99, epsilon=1e-14),
        lambda: SGD(0.1, 0.9, True),
        lambda: SGD(0.1, 0.7, False),
    ],
)
def test_sparse_update_catches_up_the_steps_a_row_missed(opt):
    """Rows used now and then end where dense updates (zero gradient in the
    steps that skip them) put them, once they are used again; in between they
    keep their values."""
    from skrnn._optim import RowSparse

    rng = np.random.default_rng(4)
    E = rng.standard_normal((8, 3))
    dense_p, sparse_p = {"w": E.copy()}, {"w": E.copy()}
    dense_o, sparse_o = opt(), opt()
    # row 0 every step, row 1 at steps 1, 5 and 40, row 2 at steps 3 and 40,
    # rows 3.. at step 40 only (never moved before)
    uses = {1: [0, 1], 2: [0], 3: [0, 2], 4: [0], 5: [0, 1], 40: list(range(8))}
    for t in range(1, 41):
        rows = np.array(uses.get(t, [0]))
        g = rng.standard_normal((len(rows), 3))
        full = np.zeros_like(E)
        full[rows] = g
        before = sparse_p["w"].copy()
        dense_o.step(dense_p, {"w": full})
        sparse_o.step(sparse_p, {"w": RowSparse(rows, g.copy())})
        unused = np.setdiff1d(np.arange(8), rows)
        assert np.array_equal(sparse_p["w"][unused], before[unused])
        assert_allclose(sparse_p["w"][rows], dense_p["w"][rows], rtol=1e-12)
    assert_allclose(sparse_p["w"], dense_p["w"], rtol=1e-12)


@pytest.mark.parametrize(
    "opt",
    [
        lambda: Adam(0.01, epsilon=1e-14),
        lambda: Adam(0.01, beta_1=0.0, epsilon=1e-14),
        lambda: SGD(0.1, 0.9, True),
        lambda: SGD(0.05, 1.0, False),  # momentum 1: the sum is k, not 0 / 0
    ],
)
def test_catch_up_before_a_change_of_rate_equals_dense(opt):
    """The estimators call ``catch_up`` before they change the learning rate
    (schedules, warm starts): the steps a row missed are taken at the rate they
    were missed under, as dense updates take them."""
    from skrnn._optim import RowSparse

    rng = np.random.default_rng(5)
    E = rng.standard_normal((5, 2))
    dense_p, sparse_p = {"w": E.copy()}, {"w": E.copy()}
    dense_o, sparse_o = opt(), opt()
    for t in range(1, 31):
        if t % 10 == 0:  # a new rate every ten steps
            for o, p in ((dense_o, dense_p), (sparse_o, sparse_p)):
                o.catch_up(p)
                o.learning_rate *= 0.2
        rows = np.array([0, 1] if t in (1, 2, 25) else [0])
        g = rng.standard_normal((len(rows), 2))
        full = np.zeros_like(E)
        full[rows] = g
        dense_o.step(dense_p, {"w": full})
        sparse_o.step(sparse_p, {"w": RowSparse(rows, g.copy())})
    sparse_o.catch_up(sparse_p)
    assert_allclose(sparse_p["w"], dense_p["w"], rtol=1e-12, atol=1e-14)
    if isinstance(sparse_o, Adam):
        assert_allclose(sparse_o.vs["w"], dense_o.vs["w"], rtol=1e-12)
