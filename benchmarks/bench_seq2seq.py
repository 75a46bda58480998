"""Grapheme to phoneme on the CMU dictionary: skrnn's RNNEncoderDecoder against
the same model and training loop written in PyTorch.

Data: :func:`skrnn.datasets.load_cmudict` without stress digits (39 phonemes;
``--stress`` keeps them, 69 symbols), 126,052 unique spellings, each trained
on its primary pronunciation, split by
``train_test_split(test_size=0.1, random_state=0)``: 113,446 training and
12,606 test words, the ``full`` split of ``bench_text.py``, whose graphone
6-gram baseline (:class:`skrnn._baselines.GraphoneG2P`) is measured there on
the same words. ``--train-words N`` trains on the first N training words of
that split (the test words stay the same).

The model is that of ``examples/plot_g2p_attention.py`` with other sizes
(``--embedding``, ``--hidden``): characters embedded (32), a bidirectional
LSTM encoder (160 units a direction), the bridge (``tanh`` of a linear map of
both directions' final states; a linear map for the cell state), an LSTM
decoder (160) reading the embedded previous phoneme (32), dot attention over
the real letters, a linear output over ``[s_t; c_t]``. (The example's 64 and
128 are about 10% cheaper per epoch; 10 epochs of it took about the time of
these 9 and ended 1.8-2 points of WER higher.)
Both contestants train it the same way:

- the same initial weights: the PyTorch module is built with skrnn's
  parameter names and loads the estimator's initial ``coefs_``;
- the same mini-batches in the same order: the PyTorch process builds the same
  estimator (same seed) and asks it for each epoch's batches (64 words of
  similar length, shuffled), so its random draws are skrnn's;
- teacher forcing: the decoder reads ``<bos>`` and the true phonemes, the loss
  is the mean cross-entropy over the batch's phonemes and end markers;
- Adam (betas 0.9/0.999, eps 1e-8) for 9 epochs: 3 at 0.005, 2 at 0.0025,
  2 at 0.0012, 1 at 0.0006, 1 at 0.0003 (``--schedule``), global
  gradient-norm clipping at 5, no weight decay (``alpha=0``), no dropout
  (``--dropout`` sets it on the output layer's input, with skrnn's masks on
  both sides), float32;
- the same decoding: greedy, ``<unk>`` and ``<bos>`` never emitted, at most
  twice the longest training target;
- one thread each (threadpoolctl for skrnn's BLAS, ``torch.set_num_threads``
  for PyTorch), each contestant in a process of its own; the two train side by
  side, one epoch each in turn (who goes first alternates), so that a change
  in the machine's load hits both.

skrnn trains with ``partial_fit``, one epoch per call, as a user calls it
(input validation included: about 1.5 s of each epoch on the full split);
PyTorch's epoch is its loop (the padding of each batch included). Reported
on the held-out words: the word error rate (WER, ``1 - score``: a word is
right only if all its phonemes are) and the phoneme error rate (PER,
:func:`skrnn.metrics.token_error_rate`), greedy for both and with a beam of 5
for skrnn, each twice: against the word's primary pronunciation (the target
it trained on), and against any of its pronunciations in the dictionary
(``load_cmudict().pronunciations``; right if it matches one, edits to the
closest: the usual convention of g2p benchmarks; 830 test words have more
than one without stress); training seconds (total, and the ratio of each
pair of epochs run one after the other: min / median / max); decoding
seconds. ``--curve`` adds both models' greedy test WER after every epoch (not
timed).

The two loss curves are not bit-identical: skrnn updates the embeddings with
row-sparse Adam (a row's missed steps are applied when it is next used),
PyTorch with dense Adam. With dense embedding gradients forced in skrnn and
float64 on both sides, the weights after an epoch agree to 1e-15.

Run from the repository root (about 35 minutes on 2 busy cores)::

    python benchmarks/bench_seq2seq.py --curve
    python benchmarks/bench_seq2seq.py --quick    # smoke test, < 1 minute
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 0
#: Adam's learning rate by epoch (``LRxN``: N epochs at LR).
SCHEDULE = ["0.005x3", "0.0025x2", "0.0012x2", "0.0006x1", "0.0003x1"]


def _schedule(tokens) -> list[float]:
    """``["0.005x8", "0.0005x2"]`` -> the learning rate of every epoch."""
    rates = []
    for token in tokens:
        lr, _, n = token.partition("x")
        rates += [float(lr)] * int(n or 1)
    return rates


def _data(stress: bool, train_words: int | None, test_words: int | None):
    """``X_train, y_train, X_test, y_test, references_test``: the last holds
    every pronunciation of each test word, the primary one (``y_test``) first."""
    from sklearn.model_selection import train_test_split

    from skrnn.datasets import load_cmudict

    cmu = load_cmudict(stress=stress)
    assert len(set(cmu.data)) == len(cmu.data), "spellings are not unique"
    X_train, X_test, y_train, y_test, _, references = train_test_split(
        cmu.data, cmu.target, cmu.pronunciations, test_size=0.1, random_state=SEED
    )
    return (
        X_train[:train_words],
        y_train[:train_words],
        X_test[:test_words],
        y_test[:test_words],
        references[:test_words],
    )


def _estimator(cfg: dict):
    from skrnn import RNNEncoderDecoder

    return RNNEncoderDecoder(
        cell=cfg["cell"],
        hidden_size=cfg["hidden"],
        embedding_dim=cfg["embedding"],
        bidirectional=True,
        attention="dot",
        batch_size=cfg["batch_size"],
        learning_rate_init=cfg["lr"],
        max_grad_norm=5.0,
        alpha=0.0,
        dropout=cfg["dropout"],
        dtype="float32",
        random_state=cfg["seed"],
    )


def _error_rates(y_true, y_pred, references) -> dict:
    """WER and PER against the primary pronunciation (``wer``, ``per``) and
    against every pronunciation of a word (``wer_any``, ``per_any``: right if
    any matches, edits to the closest)."""
    from skrnn._baselines import phoneme_error_rates

    wer, per = phoneme_error_rates(y_true, y_pred)
    wer_any, per_any = phoneme_error_rates(y_true, y_pred, references=references)
    return dict(wer=wer, per=per, wer_any=wer_any, per_any=per_any)


class SkrnnTrainer:
    """skrnn's estimator, one ``partial_fit`` (one epoch) at a time."""

    def __init__(self, cfg: dict):
        from threadpoolctl import threadpool_limits

        self.limits = threadpool_limits(cfg["threads"], user_api="blas")
        self.cfg = cfg
        self.X_train, self.y_train, self.X_test, self.y_test, self.refs = _data(
            cfg["stress"], cfg["train_words"], cfg["test_words"]
        )
        self.model = _estimator(cfg)

    def epoch(self, lr: float) -> tuple[float, float]:
        self.model.set_params(learning_rate_init=lr)
        start = time.perf_counter()
        self.model.partial_fit(self.X_train, self.y_train)
        return time.perf_counter() - start, float(self.model.loss_)

    def rng_state(self):
        return self.model._rng.bit_generator.state

    def greedy_error_rates(self) -> dict:
        return _error_rates(self.y_test, self.model.predict(self.X_test), self.refs)

    def evaluate(self) -> dict:
        out = {}
        for beam in sorted({1, *self.cfg["beams"]}):
            self.model.set_params(beam_width=beam)
            start = time.perf_counter()
            pred = self.model.predict(self.X_test)
            seconds = time.perf_counter() - start
            rates = _error_rates(self.y_test, pred, self.refs)
            out[beam] = {**rates, "seconds": seconds}
        self.model.set_params(beam_width=1)
        out["score_wer"] = 1 - self.model.score(self.X_test, self.y_test)
        return out


def _torch_module(model):
    """The encoder-decoder of ``skrnn._seq2seq`` (bidirectional encoder, dot
    attention) in torch.nn modules named as skrnn names its ``coefs_``."""
    import torch
    from torch import nn

    rnns = {"lstm": nn.LSTM, "gru": nn.GRU}
    H, E, V = model.hidden_size, model.embedding_dim, model.n_outputs
    lstm = model.cell == "lstm"
    pack = nn.utils.rnn.pack_padded_sequence
    unpack = nn.utils.rnn.pad_packed_sequence

    class Part(nn.Module):
        def __init__(self, n_embeddings, bidirectional):
            super().__init__()
            self.embedding = nn.Embedding(n_embeddings, E)
            self.rnn = rnns[model.cell](E, H, bidirectional=bidirectional)

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = Part(model.n_embeddings, True)
            self.bridge = nn.Linear(2 * H, H)
            if lstm:
                self.bridge_cell = nn.Linear(2 * H, H)
            self.decoder = Part(V, False)
            self.output = nn.Linear(3 * H, V)

        def encode(self, X, in_lengths):
            """Memory (B, T_in, 2H), its attention keys (B, T_in, H), the mask
            of the real letters (B, T_in) and the decoder's initial state."""
            T_in = X.shape[0]
            packed = pack(self.encoder.embedding(X), in_lengths, enforce_sorted=False)
            out, state = self.encoder.rnn(packed)
            memory, _ = unpack(out, total_length=T_in)
            h_n, c_n = state if lstm else (state, None)
            init = torch.tanh(self.bridge(torch.cat([h_n[0], h_n[1]], dim=1)))[None]
            if lstm:
                c0 = self.bridge_cell(torch.cat([c_n[0], c_n[1]], dim=1))[None]
                init = (init, c0)
            memory = memory.transpose(0, 1)
            keys = memory[..., :H] + memory[..., H:]
            real = torch.arange(T_in)[None, :] < in_lengths[:, None]
            return memory, keys, real, init

        def attend(self, S, memory, keys, real, head_mask=None):
            """Logits from the decoder's outputs S (B, T_out, H); dropout on
            the output layer's input with ``head_mask``."""
            scores = S @ keys.transpose(1, 2)
            scores = scores.masked_fill(~real[:, None, :], float("-inf"))
            context = torch.softmax(scores, dim=2) @ memory
            R = torch.cat([S, context], dim=2)
            if head_mask is not None:
                R = R * head_mask
            return self.output(R)

        def forward(self, X, in_lengths, dec_in, head_mask=None):
            """Teacher forcing: logits (B, T_out, V). The decoder runs unpacked:
            its padded steps come after the real ones and are masked in the
            loss, and its final state is not used."""
            memory, keys, real, init = self.encode(X, in_lengths)
            S, _ = self.decoder.rnn(self.decoder.embedding(dec_in), init)
            return self.attend(S.transpose(0, 1), memory, keys, real, head_mask)

        @torch.no_grad()
        def greedy(self, X, in_lengths, max_length, start, end, banned):
            memory, keys, real, state = self.encode(X, in_lengths)
            B = X.shape[1]
            prev = torch.full((1, B), start, dtype=torch.long)
            tokens = torch.zeros((B, max_length), dtype=torch.long)
            n_tokens = torch.full((B,), max_length, dtype=torch.long)
            running = torch.ones(B, dtype=torch.bool)
            for t in range(max_length):
                S, state = self.decoder.rnn(self.decoder.embedding(prev), state)
                logits = self.attend(S.transpose(0, 1), memory, keys, real)[:, 0]
                logits[:, banned] = float("-inf")
                choice = logits.argmax(dim=1)
                tokens[:, t] = choice
                ended = running & (choice == end)
                n_tokens[ended] = t
                running &= ~ended
                if not running.any():
                    break
                prev = choice[None]
            return [tokens[b, : n_tokens[b]].tolist() for b in range(B)]

    return Seq2Seq()


class TorchTrainer:
    """The same model and loop in PyTorch, on skrnn's batches and initial
    weights (the estimator is only asked for them; it never trains here)."""

    def __init__(self, cfg: dict):
        import torch
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(cfg["threads"])
        self.limits = threadpool_limits(cfg["threads"], user_api="blas")
        self.torch = torch
        self.cfg = cfg
        X_train, y_train, self.X_test, self.y_test, self.refs = _data(
            cfg["stress"], cfg["train_words"], cfg["test_words"]
        )
        # what partial_fit's first call does before its first epoch: the same
        # vocabularies, initial weights and random generator
        est = _estimator(cfg)
        est._dtype = est._choose_dtype(X_train)
        self.data = est._check_fit_data(X_train, y_train, None, reset=True)
        est._initialize()
        self.est = est
        self.net = _torch_module(est._model)
        self.net.load_state_dict({k: torch.tensor(v) for k, v in est.coefs_.items()})
        self.opt = torch.optim.Adam(
            self.net.parameters(), lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8
        )

    def epoch(self, lr: float) -> tuple[float, float]:
        from skrnn._stack import dropout_mask

        torch, p = self.torch, self.cfg["dropout"]
        cross_entropy = torch.nn.functional.cross_entropy
        for group in self.opt.param_groups:
            group["lr"] = lr
        start = time.perf_counter()
        total, units = 0.0, 0
        for data, idx in self.est._train_batches(self.data):
            X, in_lengths = data.X.pad(idx)
            dec_in, dec_out, out_lengths = self.est._teacher_forcing(data.targets, idx)
            X, in_lengths = torch.as_tensor(X), torch.as_tensor(in_lengths)
            dec_in, dec_out = torch.as_tensor(dec_in), torch.as_tensor(dec_out)
            real = (
                torch.arange(len(dec_in))[None, :]
                < torch.as_tensor(out_lengths)[:, None]
            )
            head_mask = None
            if p > 0:  # skrnn's draw, from the same generator in the same order
                shape = (len(dec_in), len(idx), 3 * self.cfg["hidden"])
                mask = dropout_mask(self.est._rng, shape, p, self.est._model.dtype)
                head_mask = torch.as_tensor(mask).transpose(0, 1)
            logits = self.net(X, in_lengths, dec_in, head_mask)
            loss = cross_entropy(logits[real], dec_out.T[real])
            self.opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.net.parameters(), 5.0)
            self.opt.step()
            n = int(out_lengths.sum())
            total += float(loss.detach()) * n
            units += n
        return time.perf_counter() - start, total / units

    def rng_state(self):
        return self.est._rng.bit_generator.state

    def predict(self) -> list:
        """Greedy decoding of the test words, batched as skrnn's predict."""
        from skrnn._encoder_decoder import _OUTPUT_SPECIALS
        from skrnn._ragged import prediction_batches
        from skrnn._vocabulary import END, START, UNKNOWN

        torch, est = self.torch, self.est
        X = est._validate_for_predict(self.X_test)
        pred = [None] * len(X)
        specials = dict(
            max_length=2 * est._longest_target,
            start=_OUTPUT_SPECIALS.index(START),
            end=_OUTPUT_SPECIALS.index(END),
            banned=[_OUTPUT_SPECIALS.index(UNKNOWN), _OUTPUT_SPECIALS.index(START)],
        )
        self.net.eval()
        for idx in prediction_batches(X.lengths, 1024):
            Xb, lengths = X.pad(idx)
            ids = self.net.greedy(
                torch.as_tensor(Xb), torch.as_tensor(lengths), **specials
            )
            for i, seq in zip(idx, ids, strict=True):
                pred[i] = est.classes_[seq].tolist()
        self.net.train()
        return pred

    def greedy_error_rates(self) -> dict:
        return _error_rates(self.y_test, self.predict(), self.refs)

    def evaluate(self) -> dict:
        start = time.perf_counter()
        pred = self.predict()
        seconds = time.perf_counter() - start
        return {1: {**_error_rates(self.y_test, pred, self.refs), "seconds": seconds}}


def _serve(conn, kind: str, cfg: dict) -> None:
    """A contestant's process: builds its trainer, then runs what it is asked."""
    trainer = {"skrnn": SkrnnTrainer, "torch": TorchTrainer}[kind](cfg)
    conn.send("ready")
    while (message := conn.recv()) != "stop":
        command, args = message
        conn.send(getattr(trainer, command)(*args))


def compare(cfg: dict, schedule: list[float]) -> dict:
    """Train both side by side, alternating who runs an epoch first."""
    ctx = get_context("spawn")
    conns, procs = {}, []
    for kind in ("skrnn", "torch"):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, kind, cfg))
        proc.start()
        conns[kind] = parent
        procs.append(proc)
    for conn in conns.values():
        assert conn.recv() == "ready"

    def ask(kind, command, *args):
        conns[kind].send((command, args))
        return conns[kind].recv()

    epochs = []
    for k, lr in enumerate(schedule):
        order = ("skrnn", "torch") if k % 2 == 0 else ("torch", "skrnn")
        row = dict(epoch=k + 1, lr=lr, load=os.getloadavg()[0])
        for kind in order:
            row[kind] = ask(kind, "epoch", lr)
        # the same random draws, hence the same batches, on both sides
        row["same_batches"] = ask("skrnn", "rng_state") == ask("torch", "rng_state")
        curve = ""
        if cfg["curve"]:  # not timed
            for kind in order:
                row[f"{kind}_test"] = ask(kind, "greedy_error_rates")
            curve = " | test WER skrnn {:.2%} ({:.2%}), PyTorch {:.2%} ({:.2%})".format(
                row["skrnn_test"]["wer"],
                row["skrnn_test"]["wer_any"],
                row["torch_test"]["wer"],
                row["torch_test"]["wer_any"],
            )
        epochs.append(row)
        print(
            f"epoch {k + 1:2d} lr {lr:g}: skrnn {row['skrnn'][0]:6.1f} s "
            f"loss {row['skrnn'][1]:.4f} | PyTorch {row['torch'][0]:6.1f} s "
            f"loss {row['torch'][1]:.4f} | ratio "
            f"{row['skrnn'][0] / row['torch'][0]:.2f} | load {row['load']:.1f}"
            + curve
            + ("" if row["same_batches"] else " | BATCHES DIFFER"),
            flush=True,
        )
    scores = {kind: ask(kind, "evaluate") for kind in conns}
    for conn in conns.values():
        conn.send("stop")
    for proc in procs:
        proc.join()
    return dict(epochs=epochs, scores=scores)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    parser.add_argument("--hidden", type=int, default=160)
    parser.add_argument("--embedding", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--dropout", type=float, default=0.0, help="on the output layer's input"
    )
    parser.add_argument(
        "--schedule",
        nargs="+",
        default=SCHEDULE,
        help="Adam's learning rate by epoch: LRxN runs N epochs at LR",
    )
    parser.add_argument(
        "--train-words", type=int, help="first N words of the training split"
    )
    parser.add_argument("--test-words", type=int, help="first N test words")
    parser.add_argument(
        "--beam", type=int, nargs="*", default=[5], help="skrnn's beam widths"
    )
    parser.add_argument("--stress", action="store_true", help="keep stress digits")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 3,000 training and 500 test words, 2 epochs",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="greedy test WER of both after every epoch (not timed)",
    )
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.train_words = args.train_words or 3000
        args.test_words = args.test_words or 500
        args.schedule = ["0.005x1", "0.0005x1"]
    schedule = _schedule(args.schedule)
    cfg = dict(
        cell=args.cell,
        hidden=args.hidden,
        embedding=args.embedding,
        batch_size=args.batch_size,
        dropout=args.dropout,
        lr=schedule[0],
        stress=args.stress,
        train_words=args.train_words,
        test_words=args.test_words,
        beams=[b for b in args.beam if b > 1],
        threads=args.threads,
        seed=args.seed,
        curve=args.curve,
    )
    X_train, _, X_test, _, _ = _data(args.stress, args.train_words, args.test_words)
    print(
        f"CMU dictionary g2p ({'stress kept' if args.stress else 'no stress'}): "
        f"{len(X_train)} training, {len(X_test)} test words; bidirectional "
        f"{args.cell.upper()} {args.hidden}, embedding {args.embedding}, dot "
        f"attention, batch {args.batch_size}; learning rate by epoch: "
        f"{' '.join(args.schedule)}; {args.threads} thread(s); "
        f"{platform.processor() or platform.machine()}, load "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    wall = time.perf_counter()
    r = compare(cfg, schedule)
    wall = time.perf_counter() - wall
    ours = [row["skrnn"][0] for row in r["epochs"]]
    theirs = [row["torch"][0] for row in r["epochs"]]
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    s, t = r["scores"]["skrnn"], r["scores"]["torch"]
    beams = sorted(k for k in s if isinstance(k, int) and k > 1)
    print()
    print("| model | train s | s/epoch (median) |")
    print("|---|---|---|")
    for name, seconds in (("skrnn", ours), ("PyTorch", theirs)):
        print(f"| {name} | {sum(seconds):.1f} | {statistics.median(seconds):.1f} |")
    print()
    print(
        "| model | decoding | WER | PER | WER, any pronunciation "
        "| PER, any pronunciation | decode s |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, sc in (("skrnn", s), ("PyTorch", t)):
        for b in [1, *beams]:
            if b in sc:
                e = sc[b]
                print(
                    f"| {name} | {'greedy' if b == 1 else f'beam {b}'} | "
                    f"{e['wer']:.2%} | {e['per']:.2%} | {e['wer_any']:.2%} | "
                    f"{e['per_any']:.2%} | {e['seconds']:.1f} |"
                )
    print()
    print(
        f"skrnn / PyTorch (greedy): WER {s[1]['wer'] / t[1]['wer']:.3f}, "
        f"PER {s[1]['per'] / t[1]['per']:.3f}; against any pronunciation: "
        f"WER {s[1]['wer_any'] / t[1]['wer_any']:.3f}, "
        f"PER {s[1]['per_any'] / t[1]['per_any']:.3f}"
    )
    print(
        f"training time skrnn / PyTorch: total {sum(ours) / sum(theirs):.2f}, "
        f"per epoch {ratios[0]:.2f} / {statistics.median(ratios):.2f} / "
        f"{ratios[-1]:.2f} (min / median / max)"
    )
    print(
        f"same batches every epoch: {all(row['same_batches'] for row in r['epochs'])}"
        f"; score() agrees with the greedy WER: "
        f"{abs(s['score_wer'] - s[1]['wer']) < 1e-12}"
    )
    print(f"wall {wall / 60:.1f} min; load at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        r["args"] = vars(args)
        r["wall_seconds"] = wall
        Path(args.json).write_text(json.dumps(r, indent=2, default=str))


if __name__ == "__main__":
    main()
