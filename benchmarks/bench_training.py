"""Training and prediction speed, peak memory and GEMM efficiency: skrnn against
PyTorch on the same machine, in the same run.

Three contestants train the same many-to-one classifier (one recurrent layer and a
linear head, cross-entropy, Adam with lr=1e-3, global gradient-norm clipping at
5.0, no weight decay, shuffled mini-batches) on the same synthetic data
(equal-length sequences of 8 float32 features, 2 classes; as many as make a fit
of about 2e10 GEMM flops, 5e9 with ``--quick``, between 2 batches and 1024
sequences) for the same number of epochs:

- ``skrnn``: ``RNNClassifier(..., dtype="float32", tol=0, n_iter_no_change=huge,
  alpha=0)``, i.e. its ``fit`` as a user calls it (input validation, padding and
  batching included);
- ``torch``: a plain PyTorch loop over ``nn.LSTM``/``nn.GRU``/``nn.RNN`` +
  ``nn.Linear`` (``batch_first=True``: the data is the same ``(N, T, F)`` array,
  shared with NumPy), ``zero_grad``/``backward``/``clip_grad_norm_``/``step``;
- ``skorch``: ``NeuralNetClassifier`` around the same module (what a
  scikit-learn user would otherwise pick), ``train_split=None``, gradient
  clipping through its ``GradientNormClipping`` callback.

Each contestant runs in its own long-lived worker process (so PyTorch's OpenMP
pool and OpenBLAS's threads never compete inside one process) and the runs are
interleaved: repeat 1 of skrnn, torch, skorch, then repeat 2, ..., after one
untimed warm-up run of each on the same shapes. Every ratio is
taken between runs of the same repeat and the table shows the minimum, median and
maximum over repeats. The thread count is the same for everybody: by default
numpy's BLAS thread count as threadpoolctl reports it; ``--threads`` sets it
(BLAS through threadpoolctl, PyTorch through ``torch.set_num_threads``).

Peak memory is measured in a fresh process per run: the process imports the
libraries, builds the data, reads its resident set size (the baseline), fits
once, and reports ``ru_maxrss`` (the high-water mark of its resident set) minus
that baseline. What is reported is therefore the memory a fit adds on top of
the imported libraries and the user's data.

The GEMM section measures float32 matrix-multiply throughput of numpy's BLAS
(and of PyTorch's, for reference) on large square matrices -- the machine's
practical float32 peak -- and the throughput skrnn's time loop achieves: the
floating-point operations of the forward and backward GEMMs of one training
batch (input projection, recurrent products, weight gradients) divided by the
time of ``_network.forward`` + ``_network.backward`` on that batch.

Usage::

    python benchmarks/bench_training.py --quick          # a few minutes
    python benchmarks/bench_training.py                  # full grid
    python benchmarks/bench_training.py --threads 1 --json results.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

# run from a checkout without installing: the repository root holds skrnn/
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N_FEATURES = 8
N_CLASSES = 2
LR = 1e-3
CLIP = 5.0

# ----------------------------------------------------------------------------
# shared helpers (run in the workers)
# ----------------------------------------------------------------------------


def make_data(n_samples, n_steps, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_steps, N_FEATURES)).astype(np.float32)
    y = (X[:, :, 0].mean(axis=1) > 0).astype(np.int64)
    return X, y


def set_threads(n):
    from threadpoolctl import threadpool_limits

    limiter = threadpool_limits(n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    return limiter


def torch_module(cell, hidden):
    import torch
    from torch import nn

    rnn_cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = rnn_cls(N_FEATURES, hidden, batch_first=True)
            self.output = nn.Linear(hidden, N_CLASSES)

        def forward(self, x):
            _, h = self.rnn(x)
            if isinstance(h, tuple):
                h = h[0]
            return self.output(h[-1])

    torch.manual_seed(0)
    return Net


def skrnn_estimator(cell, hidden, batch, epochs, bptt_steps=None):
    from skrnn import RNNClassifier

    return RNNClassifier(
        cell=cell,
        hidden_size=hidden,
        batch_size=batch,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        alpha=0.0,
        learning_rate_init=LR,
        max_grad_norm=CLIP,
        bptt_steps=bptt_steps,
        shuffle=True,
        random_state=0,
        dtype="float32",
    )


def torch_fit(cell, hidden, batch, epochs, X, y):
    import torch

    net = torch_module(cell, hidden)()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    n = len(X)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for start in range(0, n, batch):
            idx = perm[start : start + batch]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(Xt[idx]), yt[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), CLIP)
            opt.step()
    return net


def torch_predict(net, X, chunk=1024):
    import torch

    net.eval()
    out = []
    with torch.no_grad():
        Xt = torch.from_numpy(X)
        for start in range(0, len(X), chunk):
            out.append(torch.softmax(net(Xt[start : start + chunk]), dim=1))
    return torch.cat(out).numpy()


def skorch_estimator(cell, hidden, batch, epochs):
    import torch
    from skorch import NeuralNetClassifier
    from skorch.callbacks import GradientNormClipping

    return NeuralNetClassifier(
        torch_module(cell, hidden),
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=LR,
        max_epochs=epochs,
        batch_size=batch,
        train_split=None,
        iterator_train__shuffle=True,
        callbacks=[GradientNormClipping(CLIP)],
        verbose=0,
    )


def run_job(lib, job):
    """One timed run; returns wall and CPU seconds of fit (and predict)."""
    import warnings

    cell, hidden, n_steps, batch = job["cell"], job["hidden"], job["T"], job["batch"]
    epochs, n = job["epochs"], job["n_samples"]
    X, y = make_data(n, n_steps)
    Xp, _ = make_data(job["n_predict"], n_steps, seed=1) if job["predict"] else (X, y)
    res = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w0, c0 = time.perf_counter(), time.process_time()
        if lib == "skrnn":
            model = skrnn_estimator(cell, hidden, batch, epochs).fit(X, y)
        elif lib == "torch":
            model = torch_fit(cell, hidden, batch, epochs, X, y)
        else:
            model = skorch_estimator(cell, hidden, batch, epochs).fit(X, y)
        res["fit_wall"] = time.perf_counter() - w0
        res["fit_cpu"] = time.process_time() - c0
        if job["predict"]:
            w0, c0 = time.perf_counter(), time.process_time()
            if lib == "torch":
                torch_predict(model, Xp)
            else:
                model.predict_proba(Xp)
            res["predict_wall"] = time.perf_counter() - w0
            res["predict_cpu"] = time.process_time() - c0
    return res


def worker(lib, threads):
    """Serve jobs read as JSON lines on stdin; answer on stdout."""
    if lib in ("torch", "skorch"):
        import torch  # noqa: F401
    if lib == "skorch":
        import skorch  # noqa: F401
    if lib == "skrnn":
        import skrnn  # noqa: F401
    set_threads(threads)
    out = sys.stdout
    sys.stdout = sys.stderr  # keep library prints off the protocol channel
    for line in sys.stdin:
        job = json.loads(line)
        if job.get("kind") == "gemm":
            res = gemm_job(lib, job)
        else:
            res = run_job(lib, job)
        out.write(json.dumps(res) + "\n")
        out.flush()


def memory_run(lib, threads, job):
    """Fresh process: peak resident memory a fit adds over the baseline."""
    import resource

    import psutil

    if lib in ("torch", "skorch"):
        import torch  # noqa: F401
    if lib == "skorch":
        import skorch  # noqa: F401
    if lib == "skrnn":
        import skrnn  # noqa: F401
    import warnings

    set_threads(threads)
    args = (job["cell"], job["hidden"], job["batch"], job["epochs"])

    def fit(X, y):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if lib == "skrnn":
                skrnn_estimator(*args, bptt_steps=job.get("bptt")).fit(X, y)
            elif lib == "torch":
                torch_fit(*args, X, y)
            else:
                skorch_estimator(*args).fit(X, y)

    if job.get("warm"):
        # a tiny fit first: lazily loaded code and one-off allocations of the
        # libraries count in the baseline, not in the fit
        fit(*make_data(4, 2, seed=2))
    X, y = make_data(job["n_samples"], job["T"])
    base = psutil.Process().memory_info().rss
    base_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    fit(X, y)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "peak_add_mb": (peak - base) / 2**20,
        "baseline_mb": base / 2**20,
        "baseline_peak_mb": base_peak / 2**20,
        "data_mb": X.nbytes / 2**20,
    }


# ----------------------------------------------------------------------------
# GEMM peak and the time loop's throughput
# ----------------------------------------------------------------------------


def _best(f, reps):
    f()
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def gemm_job(lib, job):
    import numpy as np

    rng = np.random.default_rng(0)
    res = {"gemm_by_size": {}}
    for size in job["sizes"]:
        a = rng.standard_normal((size, size)).astype(np.float32)
        b = rng.standard_normal((size, size)).astype(np.float32)
        flops = 2.0 * size**3
        if lib == "torch":
            import torch

            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            t = _best(lambda ta=ta, tb=tb: torch.mm(ta, tb), 3)
        else:
            c = np.empty_like(a)
            t = _best(lambda a=a, b=b, c=c: np.matmul(a, b, out=c), 3)
        res["gemm_by_size"][size] = flops / t / 1e9
    res["gemm_gflops"] = max(res["gemm_by_size"].values())
    if lib == "torch":
        return res
    # the time loop: one training batch through the NumPy core
    from skrnn import _cells
    from skrnn import _network as N

    out = []
    for cell in job["cells"]:
        H, T, B = job["hidden"], job["T"], job["batch"]
        arch = N.Architecture(
            cell, H, N_CLASSES, input_size=N_FEATURES, dtype=np.float32
        )
        params = N.init_params(arch, rng)
        X = rng.standard_normal((T, B, N_FEATURES)).astype(np.float32)
        L = np.full(B, T)
        dout = rng.standard_normal((B, N_CLASSES)).astype(np.float32)

        def step(params=params, arch=arch, X=X, L=L, dout=dout):
            o, cache = N.forward(params, arch, X, L, training=True)
            N.backward(params, arch, dout, cache)

        G = _cells.N_GATES[cell] * H
        # forward: input projection + recurrent product; backward: dh, dW_hh,
        # dW_ih (layer 0 needs no dX)
        gemm_flops = 2.0 * T * B * G * (N_FEATURES + H) + 2.0 * T * B * G * (
            H + H + N_FEATURES
        )
        t = _best(step, job["reps"])
        out.append(
            {
                "cell": cell,
                "seconds": t,
                "gflop": gemm_flops / 1e9,
                "gflops": gemm_flops / t / 1e9,
            }
        )
    res["loop"] = out
    return res


# ----------------------------------------------------------------------------
# the driver
# ----------------------------------------------------------------------------


class Worker:
    def __init__(self, lib, threads, env):
        self.lib = lib
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", lib, "--threads", str(threads)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def run(self, job):
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.lib} worker died")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def fresh_memory(lib, threads, job, env):
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--memory-run",
            lib,
            "--threads",
            str(threads),
            "--job",
            json.dumps(job),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine_info(threads):
    import numpy as np
    from threadpoolctl import threadpool_info

    model = platform.processor()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    blas = [
        f"{i['internal_api']} {i['version']} ({i.get('architecture', '?')}, "
        f"{i['num_threads']} threads)"
        for i in threadpool_info()
        if i["user_api"] == "blas" and "numpy" in i["filepath"]
    ]
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "numpy": np.__version__,
        "numpy_blas": ", ".join(blas),
        "threads": threads,
        "load_avg": os.getloadavg(),
        "python": platform.python_version(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
    }


def default_threads():
    from threadpoolctl import threadpool_info

    for info in threadpool_info():
        if info["user_api"] == "blas" and "numpy" in info["filepath"]:
            return info["num_threads"]
    return os.cpu_count()


def samples_for(cell, hidden, n_steps, batch, budget):
    """Training sequences for a fit of about ``budget`` GEMM flops: at least two
    batches, at most 1024 sequences, a whole number of batches."""
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell] * hidden
    per_seq = 6.0 * n_steps * gates * (hidden + N_FEATURES)
    n_batches = max(2, min(1024 // batch, round(budget / per_seq / batch)))
    return n_batches * batch


def fmt_ratio(values):
    if not values:
        return "-"
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="a subset: a few minutes")
    p.add_argument("--cells", default="lstm,gru,rnn")
    p.add_argument("--hidden", default=None, help="default 32,128,256")
    p.add_argument("--steps", default=None, help="sequence lengths T; 20,100,500")
    p.add_argument("--batch", default=None, help="batch sizes; default 32,128")
    p.add_argument(
        "--samples", type=int, default=None, help="training sequences (fixed)"
    )
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--repeats", type=int, default=None)
    p.add_argument("--threads", type=int, default=None, help="default: numpy BLAS's")
    p.add_argument(
        "--libs", default="skrnn,torch,skorch", help="contestants, skrnn first"
    )
    p.add_argument("--no-memory", action="store_true")
    p.add_argument("--no-gemm", action="store_true")
    p.add_argument("--json", default=None, help="write all results here")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--memory-run", default=None, help=argparse.SUPPRESS)
    p.add_argument("--job", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        worker(args.worker, args.threads)
        return
    if args.memory_run:
        res = memory_run(args.memory_run, args.threads, json.loads(args.job))
        print(json.dumps(res))
        return

    q = args.quick
    cells = args.cells.split(",")
    hiddens = [int(v) for v in (args.hidden or "32,128,256").split(",")]
    steps = [
        int(v) for v in (args.steps or ("20,100" if q else "20,100,500")).split(",")
    ]
    batches = [int(v) for v in (args.batch or ("32" if q else "32,128")).split(",")]
    budget = 5e9 if q else 2e10
    epochs = args.epochs or 1
    repeats = args.repeats or 3
    threads = args.threads or default_threads()
    libs = args.libs.split(",")
    env = dict(os.environ)

    info = machine_info(threads)
    print("# machine:", json.dumps(info))
    print(
        f"# sequences of {N_FEATURES} features, about {budget:.0e} GEMM flops per "
        f"fit (at least 2 batches, at most 1024 sequences), {epochs} epoch(s), "
        f"{repeats} interleaved repeats, {threads} thread(s)"
    )
    workers = {lib: Worker(lib, threads, env) for lib in libs}
    results = {"machine": info, "args": vars(args), "runs": [], "memory": []}
    try:
        header = (
            "| cell | H | T | B | n | skrnn fit s | torch fit s | train skrnn/torch "
            "(min/med/max) | train skrnn/skorch | predict skrnn/torch "
            "| predict skrnn/skorch |"
        )
        print()
        print(header)
        print("|---" * 11 + "|")
        for cell, H, T, B in itertools.product(cells, hiddens, steps, batches):
            n = args.samples or samples_for(cell, H, T, B, budget)
            job = dict(
                cell=cell,
                hidden=H,
                T=T,
                batch=B,
                epochs=epochs,
                n_samples=n,
                predict=True,
                n_predict=2 * n,
            )
            times = {lib: [] for lib in libs}
            # one untimed run each: lazy imports, oneDNN kernel generation, caches
            for lib in libs:
                workers[lib].run(dict(job, n_samples=min(n, 2 * B)))
            for r in range(repeats):
                order = libs[r % len(libs) :] + libs[: r % len(libs)]
                for lib in order:
                    times[lib].append(workers[lib].run(job))
            row = {"job": job, "times": times}
            results["runs"].append(row)
            sk = times["skrnn"]

            def ratios(other, key, sk=sk, times=times):
                if other not in times:
                    return []
                return [a[key] / b[key] for a, b in zip(sk, times[other], strict=True)]

            med = {
                lib: statistics.median(t["fit_wall"] for t in times[lib])
                for lib in libs
            }
            print(
                f"| {cell} | {H} | {T} | {B} | {n} | {med['skrnn']:.3f} | "
                f"{med.get('torch', float('nan')):.3f} | "
                f"{fmt_ratio(ratios('torch', 'fit_wall'))} | "
                f"{fmt_ratio(ratios('skorch', 'fit_wall'))} | "
                f"{fmt_ratio(ratios('torch', 'predict_wall'))} | "
                f"{fmt_ratio(ratios('skorch', 'predict_wall'))} |",
                flush=True,
            )

        if not args.no_gemm:
            print()
            sizes = [1024, 2048] if q else [1024, 2048, 4096]
            gt = {}
            if "torch" in workers:
                gt = workers["torch"].run(dict(kind="gemm", sizes=sizes))
            print(
                "| cell | B | fwd+bwd ms (H=256, T=100) | GEMM GFLOP | GFLOP/s "
                "| % of GEMM peak |"
            )
            print("|---|---|---|---|---|---|")
            results["gemm"] = {"torch": gt, "numpy": []}
            for B in (32, 128):
                g = workers["skrnn"].run(
                    dict(
                        kind="gemm",
                        sizes=sizes,
                        cells=cells,
                        hidden=256,
                        T=100,
                        batch=B,
                        reps=5,
                    )
                )
                results["gemm"]["numpy"].append(g)
                peak = g["gemm_gflops"]
                for r in g["loop"]:
                    print(
                        f"| {r['cell']} | {B} | {1e3 * r['seconds']:.1f} | "
                        f"{r['gflop']:.2f} | {r['gflops']:.1f} | "
                        f"{100 * r['gflops'] / peak:.0f}% |"
                    )
            print(
                "float32 GEMM peak (best of square sizes "
                f"{sizes}): numpy {peak:.1f} GFLOP/s "
                f"{g['gemm_by_size']}, torch "
                f"{gt.get('gemm_gflops', float('nan')):.1f} GFLOP/s; "
                f"{threads} thread(s)"
            )
    finally:
        for w in workers.values():
            w.close()

    if not args.no_memory:
        mem_T = [100] if q else [100, 500]
        mem_jobs = [
            dict(cell=c, hidden=128, T=T, batch=32, epochs=1, n_samples=128)
            for c in cells
            for T in mem_T
        ]
        print()
        print(
            "Peak memory a fit adds (MB), cold (first fit in a fresh process) and "
            "warm (after a tiny fit)"
        )
        print()
        print(
            "| cell | H | T | B | "
            + " | ".join(f"{lib} cold | {lib} warm" for lib in libs)
            + " |"
        )
        print("|---" * (4 + 2 * len(libs)) + "|")
        for job in mem_jobs:
            got = {
                lib: {
                    kind: fresh_memory(lib, threads, dict(job, warm=warm), env)
                    for kind, warm in (("cold", False), ("warm", True))
                }
                for lib in libs
            }
            results["memory"].append({"job": job, "mem": got})
            cols = " | ".join(
                f"{got[lib]['cold']['peak_add_mb']:.1f} | "
                f"{got[lib]['warm']['peak_add_mb']:.1f}"
                for lib in libs
            )
            print(
                f"| {job['cell']} | {job['hidden']} | {job['T']} | {job['batch']} | "
                f"{cols} |",
                flush=True,
            )
        # truncated BPTT: memory stays flat while T grows 10x
        print()
        print(
            "| cell | T | skrnn full BPTT MB | skrnn bptt_steps=20 MB | torch MB "
            "| data MB |"
        )
        print("|---|---|---|---|---|---|")
        for T in [200, 2000] if q else [500, 5000]:
            base = dict(
                cell="lstm",
                hidden=128,
                T=T,
                batch=32,
                epochs=1,
                n_samples=64,
                warm=True,
            )
            full = fresh_memory("skrnn", threads, base, env)
            trunc = fresh_memory("skrnn", threads, dict(base, bptt=20), env)
            tt = fresh_memory("torch", threads, base, env) if "torch" in libs else None
            results["memory"].append(
                {"job": base, "bptt": {"full": full, "k20": trunc, "torch": tt}}
            )
            print(
                f"| lstm | {T} | {full['peak_add_mb']:.1f} | "
                f"{trunc['peak_add_mb']:.1f} "
                f"| {tt['peak_add_mb'] if tt else float('nan'):.1f} | "
                f"{full['data_mb']:.1f} |",
                flush=True,
            )

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
