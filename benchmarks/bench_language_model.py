"""Character language model on Hamlet: skrnn's RNNLanguageModel against the same
model and training loop written in PyTorch.

Both train a one-layer LSTM character model (embedding 32, hidden H, softmax over
the characters) on the first 90% of the bundled Hamlet, with the same recipe:

- the same stream: ``<eos>``, the training text, ``<eos>``, with skrnn's ids;
  cut into 32 contiguous parallel streams of nearly equal length (the streams
  are built by the same function, ``skrnn._ragged.parallel_streams``);
- stateful truncated BPTT in windows of 64 characters, the state carried from
  window to window and detached, reset to zero each epoch;
- loss: mean cross-entropy over the window's characters; Adam (lr 0.01,
  betas 0.9/0.999, eps 1e-8), global gradient-norm clipping at 5, no weight
  decay (``alpha=0``), no dropout; float32;
- the same initialisation scheme (PyTorch's, with the LSTM forget-gate bias at
  1 as skrnn starts it), different random draws;
- the same number of epochs and the same number of threads (BLAS for skrnn
  through threadpoolctl, ``torch.set_num_threads`` for PyTorch), each
  contestant in a process of its own; the two train side by side, one epoch
  each in turn (who goes first alternates), so that a change in the machine's
  load hits both.

Reported: the held-out bits per character (the last 10% of the play read as
one document from the zero state, its end marker included: ``-score / ln 2``)
after the last epoch, and the training time per epoch (skrnn: ``partial_fit``,
one epoch, as a user calls it; PyTorch: the loop; evaluation not included):
the median epoch of each, the ratio of each pair of epochs run one after the
other (min / median / max) and the ratio of the totals.

Run from the repository root (about 6 minutes on 2 busy cores)::

    python benchmarks/bench_language_model.py
    python benchmarks/bench_language_model.py --hidden 128 --epochs 2   # quick
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETTINGS = dict(
    embedding_dim=32,
    batch_size=32,
    bptt_steps=64,
    learning_rate_init=0.01,
    max_grad_norm=5.0,
)


def _data():
    from skrnn.datasets import load_hamlet

    text = load_hamlet().data
    cut = int(0.9 * len(text))
    return text[:cut], text[cut:]


class SkrnnTrainer:
    """skrnn's estimator, one ``partial_fit`` (one epoch, as a user calls it)
    at a time: the same training as ``fit(max_iter=epochs)`` on one document."""

    def __init__(self, hidden: int, threads: int, seed: int):
        from threadpoolctl import threadpool_limits

        from skrnn import RNNLanguageModel

        self.limits = threadpool_limits(threads, user_api="blas")
        self.train, self.test = _data()
        self.lm = RNNLanguageModel(
            hidden_size=hidden,
            alpha=0.0,
            dtype="float32",
            random_state=seed,
            **SETTINGS,
        )

    def epoch(self) -> float:
        start = time.perf_counter()
        self.lm.partial_fit([self.train])
        return time.perf_counter() - start

    def heldout_bpc(self) -> float:
        return -self.lm.score([self.test]) / math.log(2)


class TorchTrainer:
    """The same model and loop in PyTorch."""

    def __init__(self, hidden: int, threads: int, seed: int):
        import numpy as np
        import torch
        from torch import nn

        from skrnn._input import check_sequences
        from skrnn._ragged import parallel_streams
        from skrnn._vocabulary import END, UNKNOWN, Vocabulary

        torch.set_num_threads(threads)
        torch.manual_seed(seed)
        self.torch, self.nn = torch, nn
        train, self.test = _data()
        # skrnn's vocabulary and ids, so both read the same streams
        checked = check_sequences([train], name="bench", dtype=np.float32)
        vocab = Vocabulary.fit(checked.tokens, 1, (UNKNOWN, END))
        self.index, V = vocab.index, len(vocab)
        E = SETTINGS["embedding_dim"]

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(V, E)
                self.rnn = nn.LSTM(E, hidden)
                self.output = nn.Linear(hidden, V)

            def forward(self, x, state=None):
                top, state = self.rnn(self.embedding(x), state)
                return self.output(top), state

        self.net = Net()
        with torch.no_grad():  # forget-gate bias 1, as skrnn starts it
            self.net.rnn.bias_ih_l0[hidden : 2 * hidden] = 1.0
            self.net.rnn.bias_hh_l0[hidden : 2 * hidden] = 0.0
        self.opt = torch.optim.Adam(
            self.net.parameters(), lr=SETTINGS["learning_rate_init"]
        )
        stream = np.array([1] + [self.index[c] for c in train] + [1])
        k = SETTINGS["bptt_steps"]
        S = min(SETTINGS["batch_size"], (len(stream) - 1) // k)
        inputs, targets, lengths = parallel_streams(stream, S)
        self.inputs = torch.as_tensor(inputs)
        self.targets = torch.as_tensor(targets)
        self.lengths = torch.as_tensor(lengths)

    def epoch(self) -> float:
        torch, nn = self.torch, self.nn
        k, L = SETTINGS["bptt_steps"], self.inputs.shape[0]
        start = time.perf_counter()
        state = None
        for t0 in range(0, L, k):
            x, y = self.inputs[t0 : t0 + k], self.targets[t0 : t0 + k]
            real = torch.arange(t0, t0 + len(x))[:, None] < self.lengths[None, :]
            if state is not None:
                state = tuple(s.detach() for s in state)
            logits, state = self.net(x, state)
            loss = nn.functional.cross_entropy(logits[real], y[real])
            self.opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(self.net.parameters(), SETTINGS["max_grad_norm"])
            self.opt.step()
        return time.perf_counter() - start

    def heldout_bpc(self) -> float:
        torch, nn = self.torch, self.nn
        with torch.no_grad():
            ids = [1] + [self.index.get(c, 0) for c in self.test] + [1]
            ids = torch.tensor(ids)
            logits, _ = self.net(ids[:-1, None])
            nll = nn.functional.cross_entropy(logits[:, 0], ids[1:], reduction="sum")
        return float(nll) / (len(ids) - 1) / math.log(2)


def _serve(conn, kind: str, hidden: int, threads: int, seed: int) -> None:
    """A contestant's process: builds its trainer, then runs what it is asked."""
    trainer = {"skrnn": SkrnnTrainer, "torch": TorchTrainer}[kind](
        hidden, threads, seed
    )
    conn.send("ready")
    while (command := conn.recv()) != "stop":
        conn.send(getattr(trainer, command)())


def compare(hidden: int, epochs: int, threads: int, seed: int) -> dict:
    """Train both side by side, alternating who runs an epoch first."""
    ctx = get_context("spawn")
    conns, procs = {}, []
    for kind in ("skrnn", "torch"):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, kind, hidden, threads, seed))
        proc.start()
        conns[kind] = parent
        procs.append(proc)
    for conn in conns.values():
        assert conn.recv() == "ready"
    seconds = {"skrnn": [], "torch": []}
    for epoch in range(epochs):
        order = ("skrnn", "torch") if epoch % 2 == 0 else ("torch", "skrnn")
        for kind in order:
            conns[kind].send("epoch")
            seconds[kind].append(conns[kind].recv())
    bpc = {}
    for kind, conn in conns.items():
        conn.send("heldout_bpc")
        bpc[kind] = conn.recv()
        conn.send("stop")
    for proc in procs:
        proc.join()
    return dict(hidden=hidden, seconds=seconds, bpc=bpc)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    print(
        f"Hamlet character LSTM, {args.epochs} epochs, {args.threads} thread(s); "
        f"{platform.processor() or platform.machine()}, load "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(
        "| H | skrnn bpc | PyTorch bpc | bpc skrnn/PyTorch | skrnn s/epoch "
        "| PyTorch s/epoch | time skrnn/PyTorch per epoch (min / median / max) "
        "| total |"
    )
    print("|---|---|---|---|---|---|---|---|")
    results = []
    for hidden in args.hidden:
        r = compare(hidden, args.epochs, args.threads, args.seed)
        ours, theirs = r["seconds"]["skrnn"], r["seconds"]["torch"]
        ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
        print(
            f"| {hidden} | {r['bpc']['skrnn']:.3f} | {r['bpc']['torch']:.3f} | "
            f"{r['bpc']['skrnn'] / r['bpc']['torch']:.3f} | "
            f"{statistics.median(ours):.2f} | {statistics.median(theirs):.2f} | "
            f"{ratios[0]:.2f} / {statistics.median(ratios):.2f} / {ratios[-1]:.2f} | "
            f"{sum(ours) / sum(theirs):.2f} |",
            flush=True,
        )
        results.append(r)
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
