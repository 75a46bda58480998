"""How many BLAS threads a fit uses.

Training multiplies a ``(batch, hidden)`` state by a ``(hidden, gates * hidden)``
matrix once per time step. For the small networks scikit-learn users train most,
a second BLAS thread gains little on an idle machine (at most ~15% measured on 2
cores for ``batch * hidden * gates * hidden`` up to ``2**20``), while OpenBLAS's
threads, which spin while they wait for each other, make every step 6-20 times
slower as soon as another process uses the cores. So a fit whose per-step product
is at most :data:`SMALL_STEP` trains with one BLAS thread; larger networks keep the
process's BLAS threads, where the second thread pays (up to ~1.6x faster).

BLAS libraries have one thread setting per process, not per Python thread, so the
limit is taken once for all fits running at the same time (say, under joblib's
threading backend) and lifted when the last of them ends.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

#: Largest ``batch * hidden * gates * hidden`` trained with one BLAS thread.
SMALL_STEP = 1 << 20

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
