"""Grid search over worker processes: joblib's loky workers on one machine and
Dask's distributed workers give the same results as one process, and every
worker's BLAS keeps to its share of the cores (see docs/parallel.rst).

The dask test skips when dask.distributed is missing, unless SKRNN_REQUIRE_DASK=1
(CI), where a missing dask fails it.
"""

import os
from unittest import mock

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from threadpoolctl import threadpool_info

from skrnn import RNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: Variables through which joblib's loky backend passes the parent's own thread
#: limits on to its workers instead of its default (cores // n_jobs).
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _blas_threads():
    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return max(counts, default=0)


class _Recorder(RNNClassifier):
    """RNNClassifier that notes, inside ``fit``, its process and BLAS threads."""

    def fit(self, X, y, sample_weight=None):
        self.fit_pid_ = os.getpid()
        self.fit_blas_threads_ = _blas_threads()
        return super().fit(X, y, sample_weight=sample_weight)


def _fit_pid(estimator, X, y):
    return estimator.fit_pid_


def _fit_blas_threads(estimator, X, y):
    return estimator.fit_blas_threads_


def _search(n_jobs):
    return GridSearchCV(
        _Recorder(max_iter=3, batch_size=8, learning_rate_init=0.05, random_state=0),
        {"cell": ["rnn", "gru"], "hidden_size": [3, 6]},
        cv=StratifiedKFold(2),
        n_jobs=n_jobs,
        scoring={
            "accuracy": "accuracy",
            "log_loss": "neg_log_loss",
            "pid": _fit_pid,
            "blas": _fit_blas_threads,
        },
        refit="accuracy",
    )


def _recorded(search, name):
    """The set of values a scorer recorded over all fits of ``search``."""
    return {
        v
        for k in range(search.n_splits_)
        for v in search.cv_results_[f"split{k}_test_{name}"]
    }


def _assert_same_results(search, reference):
    assert search.best_params_ == reference.best_params_
    for name in ("accuracy", "log_loss"):
        for k in range(reference.n_splits_):
            key = f"split{k}_test_{name}"
            assert_allclose(search.cv_results_[key], reference.cv_results_[key])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    y = (X[:, 0] > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def local_search(data):
    """The reference: every fit one after another in this process."""
    return _search(n_jobs=1).fit(*data)


def test_loky_workers_match_one_process_and_share_the_cores(
    data, local_search, monkeypatch
):
    # with no thread variables of its own in the environment, joblib gives each
    # of n_jobs loky workers cores // n_jobs BLAS threads
    for var in _THREAD_VARS:
        monkeypatch.delenv(var, raising=False)
    with joblib.parallel_config(backend="loky"):
        search = _search(n_jobs=2).fit(*data)

    _assert_same_results(search, local_search)
    assert os.getpid() not in _recorded(search, "pid")
    assert _recorded(search, "blas") == {max(joblib.cpu_count() // 2, 1)}


def _import_distributed():
    try:
        import distributed
    except ImportError as exc:
        if os.environ.get("SKRNN_REQUIRE_DASK") == "1":
            pytest.fail(f"SKRNN_REQUIRE_DASK=1 but dask.distributed is missing: {exc}")
        pytest.skip("needs dask.distributed: pip install -e '.[distributed]'")
    return distributed


def test_dask_workers_match_one_process(data, local_search):
    distributed = _import_distributed()
    # a LocalCluster's nannies run in this process and put their workers'
    # variables (OPENBLAS_NUM_THREADS=1, ...) into os.environ: restore it after
    with mock.patch.dict(os.environ):
        for var in _THREAD_VARS:
            os.environ.pop(var, None)
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            worker_pids = set(client.run(os.getpid).values())
            with joblib.parallel_config(backend="dask"):
                search = _search(n_jobs=2).fit(*data)

    _assert_same_results(search, local_search)
    assert _recorded(search, "pid") <= worker_pids
    # the nanny starts every worker process with one BLAS thread
    assert _recorded(search, "blas") == {1}
