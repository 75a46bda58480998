"""BLAS threads during training: one thread for small per-step products, the
process's own setting for large ones, restored afterwards (see skrnn/_threads.py)."""

import threading
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from skrnn import RNNClassifier
from skrnn._threads import SMALL_STEP, single_blas_thread


def _blas_threads():
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


class _Spy(RNNClassifier):
    """Records the BLAS thread count seen inside each epoch."""

    def _run_epoch(self, *args):
        self.seen_ = getattr(self, "seen_", []) + [_blas_threads()]
        return super()._run_epoch(*args)


@pytest.fixture
def two_threads():
    with threadpool_limits(2, user_api="blas"):
        if _blas_threads() < 2:
            pytest.skip("BLAS runs single-threaded here")
        yield


def _fit(hidden, batch=32):
    X = np.random.default_rng(0).standard_normal((64, 5, 3))
    est = _Spy(hidden_size=hidden, batch_size=batch, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, np.arange(64) % 2)


def test_small_networks_train_on_one_blas_thread(two_threads):
    assert 32 * 64 * 4 * 64 <= SMALL_STEP
    est = _fit(hidden=64)
    assert est.seen_ == [1, 1]
    assert _blas_threads() == 2  # restored


#: A lower threshold for the tests of "large" networks, so that they stay small.
_TEST_STEP = 1 << 20


@pytest.fixture
def low_threshold(monkeypatch):
    monkeypatch.setattr("skrnn._threads.SMALL_STEP", _TEST_STEP)


def _large_hidden(batch=32, gates=4):
    """The smallest hidden size whose per-step product exceeds _TEST_STEP."""
    return int(np.sqrt(_TEST_STEP / (batch * gates))) + 1


def test_common_sizes_use_one_thread():
    # measured (benchmarks/bench_threads.py): one thread for hidden <= 256 and
    # batch <= 128, prediction batches of 1,000 included
    assert 128 * 256 * 4 * 256 <= SMALL_STEP
    assert 1000 * 256 * 4 * 256 <= SMALL_STEP


def test_large_networks_keep_the_process_setting(two_threads, low_threshold):
    hidden = _large_hidden()
    assert 32 * hidden * 4 * hidden > _TEST_STEP
    est = _fit(hidden=hidden)
    assert est.seen_ == [2, 2]


def _threads_seen_in_inference(monkeypatch, est, X):
    """BLAS threads seen by the network inside predict, transform and
    hidden_states."""
    from skrnn import _network

    seen = []
    for name in ("forward", "readout", "run_layers"):
        original = getattr(_network, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(_blas_threads())
            return _original(*args, **kwargs)

        monkeypatch.setattr(_network, name, spy)
    est.predict(X)
    est.transform(X)
    est.hidden_states(X)
    return seen


def test_prediction_follows_the_same_policy(two_threads, monkeypatch):
    X = np.random.default_rng(1).standard_normal((40, 30, 3))
    small = _fit(hidden=8)
    assert set(_threads_seen_in_inference(monkeypatch, small, X)) == {1}
    assert _blas_threads() == 2  # restored


def test_prediction_of_large_networks_keeps_the_process_setting(
    two_threads, monkeypatch, low_threshold
):
    est = _fit(hidden=_large_hidden())
    X = np.random.default_rng(1).standard_normal((40, 30, 3))
    assert set(_threads_seen_in_inference(monkeypatch, est, X)) == {2}


def test_the_limit_is_shared_by_concurrent_fits():
    # no outer limit here: OpenBLAS ignores a worker thread's setting while the
    # main thread holds one of its own
    if _blas_threads() < 2:
        pytest.skip("BLAS runs single-threaded here")
    before = _blas_threads()
    inside, release = threading.Event(), threading.Event()
    seen = []

    def hold():
        with single_blas_thread():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    assert inside.wait(10)
    with single_blas_thread():
        seen.append(_blas_threads())
    # the other block is still open: the limit must hold
    seen.append(_blas_threads())
    release.set()
    worker.join()
    seen.append(_blas_threads())
    assert seen == [1, 1, before]


def test_inactive_block_changes_nothing(two_threads):
    with single_blas_thread(active=False):
        assert _blas_threads() == 2
