"""Non-neural baselines of the text tasks: the scores a recurrent model has to beat.

Each task runs on bundled data, on fixed splits that the demo and the recurrent
models' benchmarks use too:

``lm``
    :class:`skrnn._baselines.CharNGramLM` (interpolated modified Kneser-Ney) on
    :func:`~skrnn.datasets.load_hamlet`: fit on the first 90 % of the
    characters (one document), held-out bits per character on the last 10 %
    (one document, scored from its start, its end marker counted as one more
    token), for orders 3 to 8.
``g2p``
    :class:`skrnn._baselines.GraphoneG2P` on
    :func:`~skrnn.datasets.load_cmudict`, with stress digits (the task's
    choice, :data:`skrnn._baselines.G2P_STRESS`) and without: word error rate
    (share of the words whose phonemes are not all right) and phoneme error
    rate (edit distance over reference phonemes) on two splits of the 126,052
    words, trained on each word's primary pronunciation and scored twice:
    against it, and against any of the word's pronunciations (the
    ``pronunciations`` of the loader's Bunch; the usual convention of g2p
    benchmarks, where a word is right if it matches one of them):

    - ``full``: ``train_test_split(test_size=0.1, random_state=0)``: 113,446
      training and 12,606 test words;
    - ``demo``: ``train_test_split(train_size=5000, test_size=500,
      random_state=0)``, the size the demo trains a network on.
``pos``
    A CRF (``sklearn-crfsuite``, L-BFGS for 50 iterations, ``c1=0.1``,
    ``c2=0.1``, all possible transitions) on the features of
    :func:`skrnn._baselines.crf_pos_features`, beside the demo's
    most-frequent-tag baseline, on the split of the demo's
    POS task: :func:`~skrnn.datasets.load_brown_pos` (12 universal tags),
    ``train_test_split(test_size=0.2, random_state=0)`` of the sentences, both
    of all 5,000 bundled sentences (the demo's full run) and of the first 600
    (its ``--quick`` run). Token accuracy overall, on the test tokens seen in
    training (the exact word form) and on the unseen ones. (The demo's full
    run already uses all the bundled Brown sentences, so its split is also
    the full-data split.) On the 5,000 sentences, 30 iterations instead of 50
    lose 0.2 points of accuracy and save about a third of the fit time.

Usage::

    python benchmarks/bench_text.py                  # everything, about 8 minutes
    python benchmarks/bench_text.py --quick          # demo-size splits only
    python benchmarks/bench_text.py --task lm --task pos --json results.json

``tagger`` and ``sentiment`` train the recurrent models of the demo's POS and
review tasks on the same splits (see their functions).

``pos`` needs ``sklearn-crfsuite`` (``pip install -e ".[benchmark]"``); the
other two need skrnn only. Times are wall-clock seconds on this machine, one
process; BLAS is not involved.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# run from a checkout without installing: the repository root holds skrnn/
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED = 0
LM_ORDERS = (3, 4, 5, 6, 7, 8)


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


# ----------------------------------------------------------------------------
# splits
# ----------------------------------------------------------------------------


def hamlet_split():
    """The first 90 % of *Hamlet*'s characters, and the last 10 %."""
    from skrnn.datasets import load_hamlet

    text = load_hamlet().data
    n_train = int(0.9 * len(text))
    return text[:n_train], text[n_train:]


def cmudict_split(split, *, stress):
    """``(words_train, words_test, phonemes_train, phonemes_test,
    pronunciations_train, pronunciations_test)``: the last two list every
    pronunciation of each word, the primary one (the target) first."""
    from sklearn.model_selection import train_test_split

    from skrnn.datasets import load_cmudict

    cmu = load_cmudict(stress=stress)
    arrays = cmu.data, cmu.target, cmu.pronunciations
    if split == "full":
        return train_test_split(*arrays, test_size=0.1, random_state=SEED)
    return train_test_split(*arrays, train_size=5000, test_size=500, random_state=SEED)


def brown_split(n_sentences=None):
    """The demo's POS split: 80/20 of the first ``n_sentences`` sentences."""
    from sklearn.model_selection import train_test_split

    from skrnn.datasets import load_brown_pos

    X, y = load_brown_pos(tagset="universal", n_sentences=n_sentences, return_X_y=True)
    return train_test_split(X, y, test_size=0.2, random_state=SEED)


# ----------------------------------------------------------------------------
# tasks
# ----------------------------------------------------------------------------


def run_lm(orders=LM_ORDERS):
    """Held-out bits per character of the n-gram model on *Hamlet*."""
    from skrnn._baselines import CharNGramLM

    train, test = hamlet_split()
    rows = []
    for order in orders:
        lm, fit_s = _timed(CharNGramLM(order=order).fit, [train])
        bpc, score_s = _timed(lm.bits_per_character, [test])
        rows.append(
            {
                "order": order,
                "bits_per_char": bpc,
                "fit_s": fit_s,
                "score_s": score_s,
                "n_train_chars": len(train),
                "n_test_tokens": len(test) + 1,
            }
        )
    return rows


def run_g2p(splits=("demo", "full")):
    """Word and phoneme error rates of the graphone model, with and without stress."""
    from skrnn._baselines import GraphoneG2P, phoneme_error_rates

    rows = []
    for split in splits:
        for stress in (True, False):
            X_train, X_test, y_train, y_test, _, refs = cmudict_split(
                split, stress=stress
            )
            g2p, fit_s = _timed(GraphoneG2P().fit, X_train, y_train)
            pred, predict_s = _timed(g2p.predict, X_test)
            wer, per = phoneme_error_rates(y_test, pred)
            wer_any, per_any = phoneme_error_rates(y_test, pred, references=refs)
            rows.append(
                {
                    "split": split,
                    "stress": stress,
                    "n_train": len(X_train),
                    "n_test": len(X_test),
                    "wer": wer,
                    "per": per,
                    "wer_any": wer_any,
                    "per_any": per_any,
                    "fit_s": fit_s,
                    "predict_s": predict_s,
                }
            )
    return rows


def run_pos(sizes=(None, 600)):
    """CRF and most frequent tag on the demo's Brown split(s)."""
    from skrnn._baselines import crf_pos_features, fit_crf, tag_accuracies
    from skrnn.demo import most_frequent_tag_baseline

    rows = []
    for n_sentences in sizes:
        X_train, X_test, y_train, y_test = brown_split(n_sentences)
        split = f"{len(X_train) + len(X_test)} sentences"
        crf, fit_s = _timed(fit_crf, X_train, y_train)
        features = [crf_pos_features(s) for s in X_test]
        pred, predict_s = _timed(crf.predict, features)
        rows.append(
            {
                "split": split,
                "model": "CRF",
                **tag_accuracies(X_train, X_test, y_test, pred),
                "fit_s": fit_s,
                "predict_s": predict_s,
            }
        )
        pred, fit_s = _timed(most_frequent_tag_baseline, X_train, y_train, X_test)
        rows.append(
            {
                "split": split,
                "model": "most frequent tag",
                **tag_accuracies(X_train, X_test, y_test, pred),
                "fit_s": fit_s,
                "predict_s": 0.0,
            }
        )
    return rows


def run_tagger(sizes=(None,)):
    """RNNSequenceTagger on raw words, with and without character-aware tokens,
    on the demo's Brown split(s); the same recipe otherwise (skrnn.demo's
    ``TAGGER_PARAMS``: bidirectional LSTM of 100 units, word dropout 1.0,
    dropout 0.5, Adam at 0.003, 25 epochs on all the training sentences), one
    BLAS thread."""
    from threadpoolctl import threadpool_limits

    from skrnn import RNNSequenceTagger
    from skrnn._baselines import tag_accuracies
    from skrnn.demo import TAGGER_PARAMS

    rows = []
    for n_sentences in sizes:
        X_train, X_test, y_train, y_test = brown_split(n_sentences)
        split = f"{n_sentences or 5000} sentences"
        for chars in (None, TAGGER_PARAMS["char_hidden_size"]):
            params = dict(TAGGER_PARAMS, char_hidden_size=chars, max_iter=25)
            tagger = RNNSequenceTagger(**params, random_state=0)
            with threadpool_limits(1, user_api="blas"):
                _, fit_s = _timed(tagger.fit, X_train, y_train)
                pred = tagger.predict(X_test)
            rows.append(
                {
                    "split": split,
                    "model": "BiLSTM, words"
                    + (f" + characters ({chars} units)" if chars else " only"),
                    **tag_accuracies(X_train, X_test, y_test, pred),
                    "fit_s": fit_s,
                }
            )
    return rows


def run_sentiment(quick=False):
    """The review classifier of the demo (``skrnn.demo.SENTIMENT_PARAMS``:
    bidirectional GRU, mean pooling, dropout 0.5, word dropout 1.0, 8 epochs),
    the same with character-aware tokens (32 units, characters of 16), and
    TF-IDF + logistic regression, on the demo's split (8,058 training and 2,014
    test reviews), one BLAS thread. The ``se`` column is the bootstrap standard
    error of the accuracy's difference from the baseline's."""
    import numpy as np
    from sklearn.pipeline import Pipeline
    from threadpoolctl import threadpool_limits

    from skrnn import RNNClassifier
    from skrnn.demo import (
        SENTIMENT_PARAMS,
        bootstrap_se,
        sentiment_split,
        tfidf_baseline,
    )
    from skrnn.preprocessing import Tokenizer

    X_train, X_test, y_train, y_test = sentiment_split(quick=quick)
    y_test = np.asarray(y_test)
    baseline = tfidf_baseline()
    _, base_s = _timed(baseline.fit, X_train, y_train)
    base_hits = baseline.predict(X_test) == y_test
    rows = []
    variants = [
        ("BiGRU, words (the demo's)", {}),
        (
            "BiGRU, words + characters (32 units)",
            dict(char_hidden_size=32, char_embedding_dim=16),
        ),
    ]
    for name, extra in variants:
        params = dict(SENTIMENT_PARAMS, **extra)
        if quick:
            params["max_iter"] = 2
        model = Pipeline(
            [("tokens", Tokenizer()), ("rnn", RNNClassifier(**params, random_state=0))]
        )
        with threadpool_limits(1, user_api="blas"):
            _, fit_s = _timed(model.fit, X_train, y_train)
            hits = model.predict(X_test) == y_test
        se = bootstrap_se(lambda a, b: a.mean() - b.mean(), hits, base_hits)
        rows.append({"model": name, "accuracy": hits.mean(), "se": se, "fit_s": fit_s})
    rows.append(
        {
            "model": "TF-IDF 1-2 grams + logistic regression",
            "accuracy": base_hits.mean(),
            "se": 0.0,
            "fit_s": base_s,
        }
    )
    return rows


# ----------------------------------------------------------------------------
# printing
# ----------------------------------------------------------------------------


def markdown_table(rows, columns):
    """``columns``: (key, header, format) triples."""
    lines = [
        "| " + " | ".join(h for _, h, _ in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        cells = [format(row[key], fmt) for key, _, fmt in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


_POS_COLUMNS = [
    ("split", "split", "s"),
    ("model", "model", "s"),
    ("accuracy", "accuracy", ".4f"),
    ("accuracy_seen", "seen words", ".4f"),
    ("accuracy_unseen", "unseen words", ".4f"),
    ("n_unseen_tokens", "unseen tokens", "d"),
    ("fit_s", "fit s", ".1f"),
]

TABLES = {
    "lm": [
        ("order", "order", "d"),
        ("bits_per_char", "held-out bits/char", ".4f"),
        ("fit_s", "fit s", ".2f"),
        ("score_s", "score s", ".2f"),
    ],
    "g2p": [
        ("split", "split", "s"),
        ("stress", "stress", ""),
        ("n_train", "train words", "d"),
        ("n_test", "test words", "d"),
        ("wer", "WER", ".4f"),
        ("per", "PER", ".4f"),
        ("wer_any", "WER, any pronunciation", ".4f"),
        ("per_any", "PER, any pronunciation", ".4f"),
        ("fit_s", "fit s", ".1f"),
        ("predict_s", "predict s", ".1f"),
    ],
    "pos": _POS_COLUMNS,
    "tagger": _POS_COLUMNS,
    "sentiment": [
        ("model", "model", "s"),
        ("accuracy", "accuracy", ".4f"),
        ("se", "bootstrap se of the difference", ".4f"),
        ("fit_s", "fit s", ".1f"),
    ],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--task",
        action="append",
        choices=sorted(TABLES),
        help="run only this task (repeatable); default: all",
    )
    parser.add_argument(
        "--quick", action="store_true", help="demo-size splits only (g2p, pos)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)

    tasks = args.task or sorted(TABLES)
    runners = {
        "lm": run_lm,
        "g2p": lambda: run_g2p(("demo",) if args.quick else ("demo", "full")),
        "pos": lambda: run_pos((600,) if args.quick else (None, 600)),
        "tagger": lambda: run_tagger((600,) if args.quick else (None,)),
        "sentiment": lambda: run_sentiment(args.quick),
    }
    results = {}
    for task in tasks:
        print(f"## {task}\n", flush=True)
        results[task] = runners[task]()
        print(markdown_table(results[task], TABLES[task]) + "\n", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
