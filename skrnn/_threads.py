"""How many BLAS threads a fit or a prediction uses.

Training multiplies a ``(batch, hidden)`` state by a ``(hidden, gates * hidden)``
matrix once per time step, and so does prediction, on larger batches. OpenBLAS's
threads spin while they wait for each other, so as soon as another process uses
the cores a second thread makes every step slower, not faster.
``benchmarks/bench_threads.py`` measured it on 2 cores (LSTM, float32; epochs of
``RNNClassifier`` and the prediction of 1,000 sequences of 200 steps):

- idle machine: two threads instead of one gain nothing up to ``hidden=64``
  and at most 1.37x at ``hidden=256, batch=128`` (prediction: 1.33x at 256);
- one busy process beside the fit: two threads are 1.1-4.0x *slower* for every
  size from ``hidden=32`` to ``256`` and ``batch=32`` to ``128`` (prediction
  1.6-4.2x slower).

The loss on a shared machine outweighs the gain on an idle one for every common
size, so any fit or prediction whose per-step product ``batch * hidden * gates
* hidden`` is at most :data:`SMALL_STEP` (``2**28``: all of the above,
prediction batches included) runs on one BLAS thread; only very large networks
keep the process's setting.

BLAS libraries have one thread setting per process, not per Python thread, so the
limit is taken once for all fits running at the same time (say, under joblib's
threading backend) and lifted when the last of them ends.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

#: Largest ``batch * hidden * gates * hidden`` trained with one BLAS thread.
SMALL_STEP = 1 << 28

_lock = threading.Lock()
_depth = 0
_limiter = None
_disabled = 0


def small_step(batch: int, hidden: int, gates: int) -> bool:
    """Whether a ``(batch, hidden) x (hidden, gates * hidden)`` product per step
    is small enough for one BLAS thread."""
    return batch * hidden * gates * hidden <= SMALL_STEP


@contextmanager
def policy_off():
    """Switch the one-thread policy off inside the block (for measurements)."""
    global _disabled
    _disabled += 1
    try:
        yield
    finally:
        _disabled -= 1


@contextmanager
def single_blas_thread(active: bool = True):
    """Limit BLAS to one thread inside the block (no-op when ``active`` is False).

    Nested and concurrent blocks share one limit, restored when the last one exits.
    """
    global _depth, _limiter
    if not active or _disabled:
        yield
        return
    with _lock:
        if _depth == 0:
            from threadpoolctl import threadpool_limits

            _limiter = threadpool_limits(limits=1, user_api="blas")
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _limiter.restore_original_limits()
                _limiter = None
