"""One BLAS thread or two: training epochs and prediction of RNNClassifier on an
idle machine and on a loaded one, for the sizes users pick most.

For each hidden size H and batch size B (training) the script times one epoch of
``RNNClassifier(hidden_size=H, batch_size=B)`` on synthetic sequences, and the
prediction of 1,000 sequences of 200 steps, with BLAS limited to one thread and
to two (threadpoolctl), in separate runs of the same process. "Loaded" runs start
``--load`` busy processes (pure-Python loops, one core each) before timing and
stop them afterwards, as another user's job would occupy the machine. skrnn's
own thread policy is switched off during the measurement (the limits are set by
the script), so the numbers say what each choice costs.

Usage::

    python benchmarks/bench_threads.py                 # idle and loaded, ~10 min
    python benchmarks/bench_threads.py --quick         # fewer sizes
    python benchmarks/bench_threads.py --json out.json

The table gives seconds and the ratio two/one threads (below 1: the second
thread pays; above 1: it costs).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _busy(stop):
    x = 0
    while not stop.is_set():
        for _ in range(10_000):
            x += 1


def _data(n, T, F=8, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, T, F)).astype(np.float32), rng.integers(0, 2, n)


def _time_fit(H, B, threads, repeats):
    from threadpoolctl import threadpool_limits

    from skrnn import RNNClassifier, _threads

    X, y = _data(max(4 * B, 256), 50)
    times = []
    for _ in range(repeats):
        clf = RNNClassifier(
            hidden_size=H,
            batch_size=B,
            max_iter=1,
            early_stopping=False,
            dtype="float32",
            random_state=0,
        )
        with threadpool_limits(threads, user_api="blas"), _threads.policy_off():
            start = time.perf_counter()
            clf.fit(X, y)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _time_predict(H, threads, repeats):
    from threadpoolctl import threadpool_limits

    from skrnn import RNNClassifier, _threads

    X, y = _data(64, 200)
    clf = RNNClassifier(
        hidden_size=H, max_iter=1, early_stopping=False, dtype="float32"
    ).fit(X[:64], y[:64])
    Xp, _ = _data(1000, 200, seed=1)
    times = []
    for _ in range(repeats):
        with threadpool_limits(threads, user_api="blas"), _threads.policy_off():
            start = time.perf_counter()
            clf.predict(Xp)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(hiddens, batches, load, repeats):
    stop = mp.Event()
    workers = [mp.Process(target=_busy, args=(stop,), daemon=True) for _ in range(load)]
    for w in workers:
        w.start()
    time.sleep(0.5 if load else 0)
    rows = []
    try:
        for H, B in itertools.product(hiddens, batches):
            one = _time_fit(H, B, 1, repeats)
            two = _time_fit(H, B, 2, repeats)
            rows.append(dict(kind="fit", H=H, B=B, load=load, one=one, two=two))
            print(_line(rows[-1]), flush=True)
        for H in hiddens:
            one = _time_predict(H, 1, repeats)
            two = _time_predict(H, 2, repeats)
            rows.append(dict(kind="predict", H=H, B=None, load=load, one=one, two=two))
            print(_line(rows[-1]), flush=True)
    finally:
        stop.set()
        for w in workers:
            w.join()
    return rows


def _line(r):
    b = "" if r["B"] is None else r["B"]
    return (
        f"| {r['kind']} | {r['H']} | {b} | {r['load']} | {r['one']:.3f} | "
        f"{r['two']:.3f} | {r['two'] / r['one']:.2f} |"
    )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--load", type=int, default=1, help="busy processes when loaded")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")
    hiddens = [32, 128, 256] if args.quick else [32, 64, 128, 256]
    batches = [32, 128] if args.quick else [32, 64, 128]
    print(f"# cpus: {os.cpu_count()}, load average: {os.getloadavg()}")
    print("| what | H | B | busy processes | 1 thread s | 2 threads s | 2/1 |")
    print("|---|---|---|---|---|---|---|")
    rows = measure(hiddens, batches, 0, args.repeats)
    rows += measure(hiddens, batches, args.load, args.repeats)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
