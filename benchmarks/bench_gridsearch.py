"""Wall time of a small grid search of RNNClassifier: 1 worker against 2.

Each configuration runs the same ``GridSearchCV`` (a grid of 4 networks, 3-fold
cross-validation: 12 fits, no refit) on a synthetic sequence task and differs
only in how the fits are spread over workers and how many BLAS threads each fit
may use:

- ``1 worker``: ``n_jobs=1``, fits one after another in this process, with
  OpenBLAS's own thread count (the number of cores) or limited to 1 thread;
- ``2 loky``: ``n_jobs=2`` on joblib's default process backend, with joblib's
  inner limit (``cores // n_jobs`` BLAS threads per worker) or with that limit
  lifted (``inner_max_num_threads=cores``);
- ``2 threads``: ``n_jobs=2`` on joblib's threading backend, whose workers share
  this process's BLAS pool: no limit, or ``threadpool_limits(1)`` around the
  search;
- ``2 dask`` (with ``--dask``): a ``distributed.LocalCluster`` of two one-thread
  worker processes; the nanny starts each worker with one BLAS thread.

The configurations take turns, ``--repeat`` rounds of them, so that the
machine's other load affects them alike; before each timed search an untimed
small one starts the workers. For each configuration it prints the best and the
worst wall time, the ratio of the best to the default 1-worker run's best, the
BLAS threads a fit saw (read with threadpoolctl in the process that ran it), the
number of processes the fits ran in and the best parameters, which must be the
same in every row. There is no refit: with ``refit=True`` the search ends with one more
fit in this process, the ``1 worker`` case whatever ``n_jobs`` is. The machine's
other load shows in the numbers: run it on an idle machine, and more than once.

Usage::

    python benchmarks/bench_gridsearch.py [--repeat 3] [--max-iter 15] [--dask]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
import warnings

import joblib
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from threadpoolctl import threadpool_info, threadpool_limits

from skrnn import RNNClassifier

GRID = {"cell": ["gru", "lstm"], "hidden_size": [32, 64]}


def make_task(n_samples=300, n_steps=20, seed=0):
    """Sequences of 2 features; the label compares the start with the end."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_steps, 2))
    y = (X[:, :3, 0].sum(axis=1) > X[:, -3:, 1].sum(axis=1)).astype(int)
    return X, y


def blas_threads() -> int:
    """Largest thread count of the BLAS libraries loaded in this process."""
    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return max(counts, default=0)


def fit_blas_threads(estimator, X, y) -> float:
    """Scorer that reports the BLAS threads of the process the fit ran in."""
    return float(blas_threads())


def fit_pid(estimator, X, y) -> float:
    """Scorer that reports the process the fit ran in."""
    return float(os.getpid())


def search(n_jobs, max_iter):
    return GridSearchCV(
        RNNClassifier(max_iter=max_iter, learning_rate_init=0.01, random_state=0),
        GRID,
        cv=StratifiedKFold(3),
        n_jobs=n_jobs,
        scoring={"accuracy": "accuracy", "blas": fit_blas_threads, "pid": fit_pid},
        refit=False,
    )


def configurations(with_dask):
    """Name, ``n_jobs`` and a factory of the context the search runs in."""
    cores = joblib.cpu_count()

    def blas_1():
        return threadpool_limits(limits=1, user_api="blas")

    yield "1 worker, BLAS default", 1, contextlib.nullcontext
    yield "1 worker, BLAS 1 thread", 1, blas_1
    yield "2 loky, joblib's limit", 2, lambda: joblib.parallel_config("loky")
    yield (
        "2 loky, no limit",
        2,
        lambda: joblib.parallel_config("loky", inner_max_num_threads=cores),
    )
    yield "2 threads, no limit", 2, lambda: joblib.parallel_config("threading")
    yield (
        "2 threads, BLAS 1 thread",
        2,
        lambda: _both(joblib.parallel_config("threading"), blas_1),
    )
    if with_dask:
        yield "2 dask workers", 2, lambda: _dask_cluster(2)


@contextlib.contextmanager
def _both(first, make_second):
    with first, make_second():
        yield


@contextlib.contextmanager
def _dask_cluster(n_workers):
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        yield


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-iter", type=int, default=15)
    parser.add_argument("--dask", action="store_true", help="add a dask run")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)

    X, y = make_task()
    configs = list(configurations(args.dask))
    times = {name: [] for name, _, _ in configs}
    last = {}
    # round after round over all configurations, so that a change in the
    # machine's other load affects them alike
    loads = [os.getloadavg()[0]]
    for _ in range(args.repeat):
        for name, n_jobs, make_context in configs:
            with make_context():
                # untimed: start the workers and import skrnn in them
                search(n_jobs, 1).fit(X[:60], y[:60])
                gs = search(n_jobs, args.max_iter)
                start = time.perf_counter()
                gs.fit(X, y)
                times[name].append(time.perf_counter() - start)
            last[name] = gs.cv_results_
            loads.append(os.getloadavg()[0])

    print(
        f"cores: {joblib.cpu_count()}, BLAS threads here: {blas_threads()}, "
        f"grid: {GRID}, max_iter={args.max_iter}, best of {args.repeat}, "
        f"load average {min(loads):.1f} to {max(loads):.1f}"
    )
    print(
        f"{'configuration':<26} {'best s':>7} {'worst s':>7} {'ratio':>6} "
        f"{'BLAS/fit':>8} {'procs':>5}  best parameters"
    )
    baseline = min(times[configs[0][0]])
    for name, _, _ in configs:
        results = last[name]
        threads = sorted({int(t) for t in _recorded(results, "blas")})
        n_procs = len(set(_recorded(results, "pid")))
        top = int(np.argmin(results["rank_test_accuracy"]))
        print(
            f"{name:<26} {min(times[name]):7.2f} {max(times[name]):7.2f} "
            f"{baseline / min(times[name]):6.2f} {str(threads):>8} {n_procs:5d}  "
            f"{results['params'][top]} {results['mean_test_accuracy'][top]:.3f}"
        )
    print(
        "ratio: best time of the first row over this row's (above 1 is faster); "
        "procs: processes the fits ran in"
    )


def _recorded(results, name):
    return np.concatenate(
        [v for k, v in results.items() if k.startswith("split") and k.endswith(name)]
    )


if __name__ == "__main__":
    main()
