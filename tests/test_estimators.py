"""Behaviour of the three estimators: training paths, attributes, outputs, errors."""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger
from skrnn import _network as N

RNG = np.random.default_rng(12345)

# small, quick settings used throughout
FAST = dict(hidden_size=6, max_iter=4, random_state=0, batch_size=8)


pytestmark = pytest.mark.usefixtures("quiet_convergence")


def _ragged(n=24, F=2, seed=0, low=2, high=9):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((int(L), F)) for L in rng.integers(low, high, n)]


def _equal_coefs(a, b):
    assert list(a.coefs_) == list(b.coefs_)
    for k in a.coefs_:
        assert_array_equal(a.coefs_[k], b.coefs_[k], err_msg=k)


# ---------------------------------------------------------------------------
# reproducibility and the three training paths
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_same_data_and_seed_give_bit_identical_models(Est):
    X = _ragged()
    y = np.arange(len(X)) % 2
    a = Est(**FAST, dropout=0.2, num_layers=2).fit(X, y)
    b = Est(**FAST, dropout=0.2, num_layers=2).fit(X, y)
    _equal_coefs(a, b)
    assert a.loss_curve_ == b.loss_curve_
    c = Est(**{**FAST, "random_state": 1}, dropout=0.2, num_layers=2).fit(X, y)
    assert not np.array_equal(
        a.coefs_["rnn.weight_hh_l0"], c.coefs_["rnn.weight_hh_l0"]
    )


def test_partial_fit_adds_exactly_one_epoch_and_matches_fit():
    X = _ragged()
    y = np.arange(len(X)) % 3
    clf = RNNClassifier(**FAST)
    for k in range(1, 4):
        clf.partial_fit(X, y, classes=[0, 1, 2])
        assert clf.n_iter_ == k
        assert len(clf.loss_curve_) == k
        assert clf.t_ == k * len(X)
    full = RNNClassifier(**{**FAST, "max_iter": 3}).fit(X, y)
    _equal_coefs(clf, full)
    assert_allclose(clf.loss_curve_, full.loss_curve_, rtol=0)


def test_partial_fit_requires_classes_first_and_rejects_new_labels():
    X, y = _ragged(), np.arange(24) % 2
    with pytest.raises(ValueError, match="classes must be passed"):
        RNNClassifier(**FAST).partial_fit(X, y)
    clf = RNNClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X, np.full(24, 5))


def test_warm_start_continues_from_last_weights():
    X, y = _ragged(), np.arange(24) % 2
    warm = RNNRegressor(**{**FAST, "max_iter": 2}, warm_start=True).fit(X, y)
    after_two = {k: v.copy() for k, v in warm.coefs_.items()}
    warm.fit(X, y)
    assert warm.n_iter_ == 4 and len(warm.loss_curve_) == 4
    assert not np.array_equal(after_two["output.weight"], warm.coefs_["output.weight"])
    # two warm fits of 2 epochs are one fit of 4 epochs, bit for bit
    _equal_coefs(warm, RNNRegressor(**FAST).fit(X, y))
    # without warm_start a second fit starts again from scratch
    cold = RNNRegressor(**{**FAST, "max_iter": 2}).fit(X, y)
    cold.fit(X, y)
    assert cold.n_iter_ == 2
    _equal_coefs(cold, RNNRegressor(**{**FAST, "max_iter": 2}).fit(X, y))


def test_refit_with_other_input_kind_resets():
    clf = RNNClassifier(**FAST).fit(RNG.random((10, 4)), np.arange(10) % 2)
    assert clf.n_features_in_ == 4
    clf.fit(["ab", "ba", "aab", "bba"], [0, 1, 0, 1])
    assert not hasattr(clf, "n_features_in_")
    assert set(clf.vocabulary_) == {"a", "b"}
    assert clf.coefs_["embedding.weight"].shape == (3, clf.embedding_dim)


# ---------------------------------------------------------------------------
# stopping
# ---------------------------------------------------------------------------


def test_convergence_warning_when_max_iter_ends_training():
    X, y = _ragged(), np.arange(24) % 2
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        with warnings.catch_warnings():
            warnings.simplefilter("always", ConvergenceWarning)
            RNNClassifier(**FAST).fit(X, y)


def test_stops_after_n_iter_no_change_on_training_loss():
    X, y = _ragged(), np.arange(24) % 2
    clf = RNNClassifier(**{**FAST, "max_iter": 100}, n_iter_no_change=2, tol=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    # the first epoch improves on nothing; with a tolerance larger than any
    # possible improvement every later epoch counts as no improvement
    assert clf.n_iter_ == 3
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 6))
    y = (X[:, 0] > 0).astype(int)
    params = dict(hidden_size=8, batch_size=16, random_state=3, learning_rate_init=0.05)
    es = RNNClassifier(
        **params, early_stopping=True, n_iter_no_change=3, max_iter=60
    ).fit(X, y)
    scores = es.validation_scores_
    assert es.best_validation_score_ == max(scores)
    best_epoch = int(np.argmax(scores)) + 1
    assert es.n_iter_ < 60
    assert es.n_iter_ >= best_epoch + 3
    assert es.best_loss_ is None
    # the same run cut at the best epoch ends with exactly those weights
    cut = RNNClassifier(
        **params, early_stopping=True, n_iter_no_change=1000, max_iter=best_epoch
    ).fit(X, y)
    _equal_coefs(es, cut)


def test_validation_set_too_small():
    with pytest.raises(ValueError, match="validation set is too small"):
        RNNClassifier(**FAST, early_stopping=True).fit(RNG.random((6, 3)), [0, 1] * 3)


def test_diverging_loss_stops_with_advice():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((20, 5)) * 10
    y = rng.standard_normal(20) * 1e3
    reg = RNNRegressor(
        cell="rnn",
        hidden_size=8,
        solver="sgd",
        learning_rate_init=10.0,
        momentum=0.0,
        max_grad_norm=None,
        max_iter=200,
        n_iter_no_change=1000,
        random_state=0,
    )
    with pytest.raises(ValueError, match="learning_rate_init") as info:
        with np.errstate(all="ignore"):
            reg.fit(X, y)
    assert "max_grad_norm" in str(info.value)


# ---------------------------------------------------------------------------
# verbose
# ---------------------------------------------------------------------------


def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = np.random.default_rng(0).standard_normal((40, 4)), np.arange(40) % 2
    RNNClassifier(**FAST, verbose=1, early_stopping=True).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    pattern = r"Epoch (\d+): loss = [0-9.]+, validation score = [0-9.]+ \([0-9.]+s\)"
    for k, line in enumerate(lines, 1):
        m = re.fullmatch(pattern, line)
        assert m and int(m.group(1)) == k, line


def test_verbose_2_draws_a_progress_bar_on_a_terminal(capsys, monkeypatch):
    X, y = np.random.default_rng(0).standard_normal((40, 4)), np.arange(40) % 2
    RNNClassifier(**{**FAST, "max_iter": 1}, verbose=2).fit(X, y)
    assert "\r[" not in capsys.readouterr().out  # not a terminal: plain lines
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    RNNClassifier(**{**FAST, "max_iter": 1}, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("\r[") == 5  # 40 samples in batches of 8
    assert "5/5 batches" in out
    assert re.search(r"Epoch 1: loss = [0-9.]+ \(", out)


# ---------------------------------------------------------------------------
# sample weights
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_zero_weight_equals_removing_and_integer_weight_equals_repeating(Est):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((12, 5, 2))
    y = np.arange(12) % 2
    w = rng.integers(0, 3, 12)
    params = dict(hidden_size=5, max_iter=5, random_state=0, batch_size=64)
    params["dtype"] = "float64"
    weighted = Est(**params).fit(X, y, sample_weight=w)
    repeated = Est(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    method = "predict_proba" if Est is RNNClassifier else "predict"
    assert_allclose(
        getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-10
    )


def test_tagger_sample_weight_applies_per_position():
    X = [["a", "b"], ["b", "a", "a"], ["a"]]
    y = [["x", "y"], ["y", "x", "x"], ["x"]]
    params = dict(hidden_size=4, max_iter=3, random_state=0, batch_size=64)
    params["dtype"] = "float64"
    w = np.array([2, 0, 1])
    weighted = RNNSequenceTagger(**params).fit(X, y, sample_weight=w)
    repeated = RNNSequenceTagger(**params).fit([X[0], X[0], X[2]], [y[0], y[0], y[2]])
    for a, b in zip(weighted.predict_proba(X), repeated.predict_proba(X), strict=True):
        assert_allclose(a, b, rtol=1e-10)


def test_sample_weight_must_sum_positive():
    X, y = RNG.random((4, 3)), [0, 1, 0, 1]
    with pytest.raises(ValueError, match="non-zero"):
        RNNClassifier(**FAST).fit(X, y, np.zeros(4))
    with pytest.raises(ValueError, match="Negative values"):
        RNNClassifier(**FAST).fit(X, y, np.array([1.0, -1.0, 1.0, 1.0]))


# ---------------------------------------------------------------------------
# targets and outputs
# ---------------------------------------------------------------------------


def test_classifier_string_labels_multiclass():
    X = _ragged(30)
    y = np.array(["cat", "dog", "emu"])[np.arange(30) % 3]
    clf = RNNClassifier(**FAST).fit(X, y)
    assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    assert clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (30, 3)
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-6)


def test_classifier_binary_uses_one_logistic_output():
    X, y = _ragged(), np.where(np.arange(24) % 2, "yes", "no")
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.n_outputs_ == 1 and clf.coefs_["output.weight"].shape[0] == 1
    proba = clf.predict_proba(X)
    assert proba.shape == (24, 2)
    assert_array_equal(clf.predict(X), np.where(proba[:, 1] > 0.5, "yes", "no"))


def test_classifier_multilabel_indicator():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((80, 6))
    Y = np.column_stack([X[:, 0] > 0, X[:, -1] > 0, X[:, 2] > 1]).astype(int)
    clf = RNNClassifier(
        hidden_size=8, max_iter=60, learning_rate_init=0.02, random_state=0
    ).fit(X, Y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    P = clf.predict_proba(X)
    assert P.shape == (80, 3)
    assert_array_equal(clf.predict(X), (P > 0.5).astype(int))
    # the two labels read from single steps are learned
    assert np.mean(clf.predict(X)[:, :2] == Y[:, :2]) >= 0.9


def test_classifier_one_class_is_an_error():
    with pytest.raises(ValueError, match="only one class"):
        RNNClassifier(**FAST).fit(RNG.random((5, 3)), [1] * 5)


def test_regressor_multi_output():
    rng = np.random.default_rng(6)
    X = rng.uniform(-1, 1, (40, 5, 2))
    Y = np.column_stack([X[:, :, 0].sum(1), X[:, :, 1].sum(1)])
    reg = RNNRegressor(**FAST).fit(X, Y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (40, 2)
    assert reg.predict(X).dtype == np.float64


def test_float32_input_computes_in_float32_and_dtype_can_be_forced():
    X = np.random.default_rng(0).standard_normal((20, 4))
    y = np.arange(20) % 2
    a = RNNRegressor(**FAST).fit(X.astype(np.float32), y)
    assert a.coefs_["rnn.weight_ih_l0"].dtype == np.float32
    assert a.predict(X).dtype == np.float32
    b = RNNRegressor(**FAST).fit(X, y)
    assert b.coefs_["rnn.weight_ih_l0"].dtype == np.float64
    c = RNNRegressor(**FAST, dtype="float32").fit(X, y)
    assert c.coefs_["rnn.weight_ih_l0"].dtype == np.float32
    d = RNNRegressor(**FAST).fit(["ab", "ba"] * 5, np.arange(10))
    assert d.coefs_["embedding.weight"].dtype == np.float32


# ---------------------------------------------------------------------------
# transform and hidden_states
# ---------------------------------------------------------------------------


def test_transform_is_last_hidden_state_or_pooled_outputs():
    X = _ragged(10)
    y = np.arange(10) % 2
    last = RNNClassifier(**FAST).fit(X, y)
    H = last.hidden_states(X)
    assert [h.shape for h in H] == [(len(x), 6) for x in X]
    assert_allclose(last.transform(X), np.stack([h[-1] for h in H]), rtol=1e-12)
    mean = RNNClassifier(**FAST, pooling="mean").fit(X, y)
    H = mean.hidden_states(X)
    assert_allclose(mean.transform(X), np.stack([h.mean(0) for h in H]), rtol=1e-12)
    mx = RNNClassifier(**FAST, pooling="max", bidirectional=True).fit(X, y)
    H = mx.hidden_states(X)
    assert H[0].shape[1] == 12
    assert_allclose(mx.transform(X), np.stack([h.max(0) for h in H]), rtol=1e-12)
    assert_array_equal(
        mx.get_feature_names_out(), [f"rnnclassifier{i}" for i in range(12)]
    )


def test_bidirectional_last_joins_forward_end_and_backward_start():
    X = _ragged(8)
    clf = RNNClassifier(**FAST, bidirectional=True).fit(X, np.arange(8) % 2)
    H = clf.hidden_states(X)
    expected = np.stack([np.concatenate([h[-1, :6], h[0, 6:]]) for h in H])
    assert_allclose(clf.transform(X), expected, rtol=1e-12)


def test_hidden_states_cell_states_for_lstm_only():
    X = _ragged(6)
    clf = RNNClassifier(**FAST).fit(X, np.arange(6) % 2)
    hidden, cells = clf.hidden_states(X, return_cell_states=True)
    # h = o * tanh(c), so |h| <= |tanh(c)| everywhere
    for h, c in zip(hidden, cells, strict=True):
        assert h.shape == c.shape
        assert np.all(np.abs(h) <= np.abs(np.tanh(c)) + 1e-12)
    # the cell state after the last step is the network's final c_n
    bi = RNNClassifier(**FAST, bidirectional=True).fit(X, np.arange(6) % 2)
    hidden, cells = bi.hidden_states(X, return_cell_states=True)
    for x, h, c in zip(X, hidden, cells, strict=True):
        padded = x[:, None, :]
        _, h_n, c_n, _ = N.run_layers(bi.coefs_, bi._arch, padded, [len(x)])
        H = bi.hidden_size
        # forward direction ends at the last step, backward at the first
        assert_allclose(c[-1, :H], c_n[0, 0], rtol=1e-12)
        assert_allclose(c[0, H:], c_n[1, 0], rtol=1e-12)
        assert_allclose(h[-1, :H], h_n[0, 0], rtol=1e-12)
        assert_allclose(h[0, H:], h_n[1, 0], rtol=1e-12)
    gru = RNNClassifier(**FAST, cell="gru").fit(X, np.arange(6) % 2)
    with pytest.raises(ValueError, match="cell='lstm'"):
        gru.hidden_states(X, return_cell_states=True)


def test_coefs_use_pytorch_names():
    clf = RNNClassifier(**FAST, num_layers=2, bidirectional=True, cell="gru").fit(
        ["abc", "bca", "cab", "aab"], [0, 1, 0, 1]
    )
    assert list(clf.coefs_) == [
        "embedding.weight",
        "rnn.weight_ih_l0",
        "rnn.weight_hh_l0",
        "rnn.bias_ih_l0",
        "rnn.bias_hh_l0",
        "rnn.weight_ih_l0_reverse",
        "rnn.weight_hh_l0_reverse",
        "rnn.bias_ih_l0_reverse",
        "rnn.bias_hh_l0_reverse",
        "rnn.weight_ih_l1",
        "rnn.weight_hh_l1",
        "rnn.bias_ih_l1",
        "rnn.bias_hh_l1",
        "rnn.weight_ih_l1_reverse",
        "rnn.weight_hh_l1_reverse",
        "rnn.bias_ih_l1_reverse",
        "rnn.bias_hh_l1_reverse",
        "output.weight",
        "output.bias",
    ]
    assert clf.coefs_["rnn.weight_ih_l1"].shape == (18, 12)
    assert clf.coefs_["embedding.weight"].shape == (4, 32)


# ---------------------------------------------------------------------------
# input forms
# ---------------------------------------------------------------------------


def test_3d_nan_padding_equals_ragged_list():
    X = _ragged(12)
    T = max(len(x) for x in X)
    X3 = np.full((12, T, 2), np.nan)
    for i, x in enumerate(X):
        X3[i, : len(x)] = x
    y = np.arange(12) % 2
    a = RNNClassifier(**FAST).fit(X, y)
    b = RNNClassifier(**FAST).fit(X3, y)
    _equal_coefs(a, b)
    assert_allclose(a.predict_proba(X3), b.predict_proba(X), rtol=1e-12)
    assert a.n_features_in_ == b.n_features_in_ == 2


def test_2d_form_and_dataframe_names():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(RNG.random((10, 4)), columns=["t0", "t1", "t2", "t3"])
    y = np.arange(10) % 2
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.n_features_in_ == 4
    assert_array_equal(clf.feature_names_in_, ["t0", "t1", "t2", "t3"])
    # a 2-D array is univariate sequences: same as a list of 1-D sequences
    other = RNNClassifier(**FAST).fit(list(X.to_numpy()), y)
    _equal_coefs(clf, other)
    with pytest.raises(ValueError, match="X has 5 features, but RNNClassifier"):
        clf.predict(RNG.random((3, 5)))


def test_tokens_vocabulary_min_frequency_and_unseen_tokens():
    X = [["the", "cat"], ["the", "dog"], ["a", "cat", "the"]]
    clf = RNNClassifier(**FAST, min_frequency=2).fit(X, [0, 1, 0])
    assert clf.vocabulary_ == {"the": 1, "cat": 2}
    assert clf.coefs_["embedding.weight"].shape[0] == 3
    # unseen tokens map to the shared unknown id and are fine at predict
    p1 = clf.predict_proba([["the", "zebra"]])
    p2 = clf.predict_proba([["the", "dog"]])  # "dog" is below min_frequency
    assert_allclose(p1, p2, rtol=0)


def test_characters_input():
    reg = RNNRegressor(**FAST).fit(["aab", "ba", "abba", "b"], [2.0, 1.0, 2.0, 0.0])
    # "a" and "b" are seen 5 times each: the tie is broken by the token's order
    assert reg.vocabulary_ == {"a": 1, "b": 2}
    assert reg.predict(["abc"]).shape == (1,)


@pytest.mark.parametrize(
    "X, message",
    [
        ([np.zeros((3, 2)), np.zeros((0, 2))], r"X\[1\] is an empty sequence"),
        ([np.zeros((3, 2)), np.array([[0.0, 1], [np.nan, 1]])], r"X\[1\] contains NaN"),
        ([np.zeros((3, 2)), np.array([[0.0, 1], [np.inf, 1]])], r"X\[1\] contains inf"),
        ([np.zeros((3, 2)), np.zeros((3, 3))], r"X\[1\] has 3 features"),
        (["abc", np.zeros(3)], r"X\[0\] is a str but X\[1\]"),
        (np.array([[[1.0], [np.nan], [2.0]], [[1.0], [2.0], [3.0]]]), r"X\[0\]"),
        (np.array([[[np.nan]], [[1.0]]]), r"X\[0\]"),
    ],
)
@pytest.mark.parametrize("Est", [RNNClassifier, RNNRegressor])
def test_bad_input_names_the_sample(Est, X, message):
    with pytest.raises(ValueError, match=message):
        Est(**FAST).fit(X, [0, 1])


def test_predict_checks_against_fit():
    clf = RNNClassifier(**FAST).fit(_ragged(), np.arange(24) % 2)
    with pytest.raises(ValueError, match="2 features per time step"):
        clf.predict([np.zeros((4, 3))])
    with pytest.raises(ValueError, match="numeric sequences but X holds"):
        clf.predict(["abc"])
    for Est in (RNNClassifier, RNNRegressor, RNNSequenceTagger):
        with pytest.raises(NotFittedError):
            Est().predict([np.zeros((3, 2))])


def test_invalid_hyperparameters_fail_in_fit_with_clear_messages():
    X, y = RNG.random((6, 3)), [0, 1] * 3
    for bad, pattern in [
        (dict(cell="transformer"), "'cell' parameter"),
        (dict(hidden_size=0), "'hidden_size' parameter"),
        (dict(pooling="sum"), "'pooling' parameter"),
        (dict(dropout=1.0), "'dropout' parameter"),
        (dict(max_grad_norm=-1.0), "'max_grad_norm' parameter"),
        (dict(bptt_steps=0), "'bptt_steps' parameter"),
        (dict(dtype="float16"), "'dtype' parameter"),
    ]:
        est = RNNClassifier(**bad)  # __init__ only stores
        with pytest.raises(ValueError, match=pattern):
            est.fit(X, y)


# ---------------------------------------------------------------------------
# truncated BPTT through the estimators
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("Est", [RNNRegressor, RNNSequenceTagger])
def test_bptt_window_covering_every_sequence_is_full_bptt(Est):
    rng = np.random.default_rng(7)
    X = [rng.standard_normal((int(L), 2)) for L in rng.integers(2, 8, 16)]
    if Est is RNNSequenceTagger:
        y = [(x[:, 0] > 0).astype(int) for x in X]
    else:
        y = np.arange(16) % 3
    full = Est(**FAST, bidirectional=Est is RNNSequenceTagger).fit(X, y)
    same = Est(**FAST, bidirectional=Est is RNNSequenceTagger, bptt_steps=8).fit(X, y)
    short = Est(**FAST, bidirectional=Est is RNNSequenceTagger, bptt_steps=2).fit(X, y)
    _equal_coefs(full, same)
    assert not np.array_equal(
        full.coefs_["rnn.weight_hh_l0"], short.coefs_["rnn.weight_hh_l0"]
    )


def test_warm_start_and_partial_fit_refuse_a_changed_network():
    X, y = _ragged(), np.arange(24) % 2
    clf = RNNClassifier(**FAST, warm_start=True).fit(X, y)
    for change in [dict(cell="gru"), dict(hidden_size=3), dict(bidirectional=True)]:
        est = clf.set_params(**change)
        with pytest.raises(ValueError, match=f"{list(change)[0]} changed"):
            est.fit(X, y)
        with pytest.raises(ValueError, match="changed since the network was built"):
            est.partial_fit(X, y)
        est.set_params(**{k: RNNClassifier(**FAST).get_params()[k] for k in change})
    # training settings may change between calls
    clf.set_params(learning_rate_init=0.05, dropout=0.3, alpha=0.0)
    clf.fit(X, y)
    assert clf._optimizer.learning_rate == 0.05
    assert clf.n_iter_ == 8


def test_partial_fit_with_early_stopping_set_runs_one_plain_epoch():
    X, y = _ragged(), np.arange(24) % 2
    clf = RNNClassifier(**FAST, early_stopping=True)
    clf.partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 2
    # partial_fit holds out nothing
    assert clf.validation_scores_ is None
    reg = RNNRegressor(**FAST).fit(X, y)
    reg.partial_fit(X, y)
    assert reg.best_loss_ == min(reg.loss_curve_)


def test_diverging_training_prints_no_numpy_warnings():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((20, 5)) * 10
    reg = RNNRegressor(
        cell="rnn",
        solver="sgd",
        learning_rate_init=1e3,
        momentum=0.0,
        max_grad_norm=None,
        n_iter_no_change=1000,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="diverged"):
            reg.fit(X, rng.standard_normal(20) * 1e3)


def test_warm_early_stopping_fit_ends_on_its_own_best_epoch():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 6))
    y = (X[:, 0] > 0).astype(int)
    params = dict(
        hidden_size=8,
        batch_size=16,
        random_state=3,
        learning_rate_init=0.05,
        early_stopping=True,
        warm_start=True,
    )
    first = RNNClassifier(**params, n_iter_no_change=3, max_iter=60).fit(X, y)
    n_first = first.n_iter_
    first.fit(X, y)  # a second warm fit draws its own split and tracks its own best
    second_scores = first.validation_scores_[n_first:]
    assert first.best_validation_score_ == max(second_scores)
    best_epoch = int(np.argmax(second_scores)) + 1
    # the no-improvement count starts again: n_iter_no_change epochs after the best
    assert len(second_scores) == best_epoch + 3
    cut = RNNClassifier(**params, n_iter_no_change=3, max_iter=60).fit(X, y)
    cut.set_params(n_iter_no_change=1000, max_iter=best_epoch).fit(X, y)
    _equal_coefs(first, cut)


def test_early_stopping_can_be_switched_between_warm_fits():
    X, y = _ragged(40), np.arange(40) % 2
    clf = RNNClassifier(**FAST, warm_start=True, early_stopping=True).fit(X, y)
    assert len(clf.validation_scores_) == 4 and clf.best_loss_ is None
    clf.set_params(early_stopping=False).fit(X, y)
    assert clf.validation_scores_ is None
    assert clf.best_loss_ == min(clf.loss_curve_)
    clf.set_params(early_stopping=True).fit(X, y)
    assert len(clf.validation_scores_) == 4 and clf.n_iter_ == 12


def test_tagger_loss_is_the_mean_over_positions():
    rng = np.random.default_rng(3)
    X = [rng.standard_normal((L, 2)) for L in [2] * 8 + [40] * 8]
    y = [(x[:, 0] > 0).astype(int) for x in X]
    tagger = RNNSequenceTagger(
        hidden_size=4,
        max_iter=1,
        learning_rate_init=1e-12,
        alpha=0.0,
        batch_size=4,
        shuffle=False,
        random_state=0,
        dtype="float64",
    ).fit(X, y)
    proba = np.concatenate(tagger.predict_proba(X))
    labels = np.concatenate(y)
    per_token = -np.mean(np.log(proba[np.arange(len(labels)), labels]))
    assert_allclose(tagger.loss_, per_token, rtol=1e-8)


def test_tagger_partial_fit_refuses_changed_classes():
    X = [["a", "b"], ["b", "a"]]
    y = [[0, 1], [1, 0]]
    tagger = RNNSequenceTagger(**FAST).partial_fit(X, y, classes=[0, 1])
    tagger.partial_fit(X, y, classes=[1, 0])  # the same set is fine
    with pytest.raises(ValueError, match="not the same as on the first call"):
        tagger.partial_fit(X, y, classes=[0, 1, 2])
