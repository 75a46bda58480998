"""Record the three estimators' weights and outputs on fixed seeds.

``tests/test_fixtures.py`` trains the same configurations with the current code
and demands the same ``coefs_`` and predictions (bit for bit on the recording
machine, to rounding elsewhere): refactoring the core must not change the
numbers. Run this script only when a change of numbers is
intended (and say why in the commit)::

    python tools/record_fixtures.py            # writes tests/data/fixtures.npz
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "data" / "fixtures.npz"

WORDS = "the a dog cat runs sleeps big small red blue sees eats".split()


def data(form: str, n: int = 24, seed: int = 0):
    rng = np.random.default_rng(seed)
    if form == "2d":
        X = rng.normal(size=(n, 7))
    elif form == "3d":
        X = rng.normal(size=(n, 6, 3))
        X[: n // 3, 4:] = np.nan  # a third of the samples are shorter
    elif form == "ragged":
        X = [rng.normal(size=(int(rng.integers(2, 9)), 2)) for _ in range(n)]
    elif form == "chars":
        X = [
            "".join(rng.choice(list("abcde"), size=rng.integers(2, 9)))
            for _ in range(n)
        ]
    else:
        X = [list(rng.choice(WORDS, size=rng.integers(2, 8))) for _ in range(n)]
    return X


def lengths_of(X):
    if isinstance(X, np.ndarray):
        if X.ndim == 2:
            return [X.shape[1]] * len(X)
        return [int((~np.isnan(x).all(axis=1)).sum()) for x in X]
    return [len(x) for x in X]


CONFIGS = {
    # name: (estimator, input form, parameters)
    "clf_lstm_2d": ("clf", "2d", dict(cell="lstm")),
    "clf_gru_bi_mean": (
        "clf",
        "3d",
        dict(cell="gru", bidirectional=True, pooling="mean"),
    ),
    "clf_rnn_2layer_max": (
        "clf",
        "ragged",
        dict(cell="rnn", num_layers=2, pooling="max"),
    ),
    "clf_lstm_tokens_drop": (
        "clf",
        "tokens",
        dict(cell="lstm", num_layers=2, dropout=0.3, bidirectional=True),
    ),
    "clf_gru_chars_sgd": ("clf", "chars", dict(cell="gru", solver="sgd")),
    "clf_lstm_bptt": ("clf", "2d", dict(cell="lstm", bptt_steps=3)),
    "clf_multiclass": ("clf3", "ragged", dict(cell="lstm", pooling="mean")),
    "reg_lstm_2d": ("reg", "2d", dict(cell="lstm")),
    "reg_gru_bi_2out": ("reg2", "3d", dict(cell="gru", bidirectional=True)),
    "reg_rnn_bptt": ("reg", "ragged", dict(cell="rnn", bptt_steps=2, num_layers=2)),
    "tag_lstm_bi_tokens": ("tag", "tokens", dict(cell="lstm", bidirectional=True)),
    "tag_gru_bptt": ("tag", "ragged", dict(cell="gru", bptt_steps=3, num_layers=2)),
    "tag_rnn_chars_drop": ("tag", "chars", dict(cell="rnn", dropout=0.2)),
    "clf_lstm_early": (
        "clf",
        "ragged",
        dict(cell="lstm", early_stopping=True, validation_fraction=0.25),
    ),
}


def build(kind, form, params):
    from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger

    X = data(form)
    n = len(X)
    rng = np.random.default_rng(1)
    common = dict(hidden_size=5, max_iter=4, random_state=0, batch_size=8, **params)
    if kind.startswith("clf"):
        k = 3 if kind == "clf3" else 2
        y = rng.integers(0, k, size=n)
        return RNNClassifier(**common), X, y
    if kind.startswith("reg"):
        y = rng.normal(size=(n, 2)) if kind == "reg2" else rng.normal(size=n)
        return RNNRegressor(**common), X, y
    common.pop("pooling", None)
    y = [rng.integers(0, 3, size=L) for L in lengths_of(X)]
    return RNNSequenceTagger(**common), X, y


def outputs(est, X) -> dict:
    from skrnn import RNNSequenceTagger

    out = {f"coef:{k}": v for k, v in est.coefs_.items()}
    out["loss_curve"] = np.asarray(est.loss_curve_)
    if isinstance(est, RNNSequenceTagger):
        out["proba"] = np.concatenate(est.predict_proba(X))
    elif hasattr(est, "predict_proba"):
        out["proba"] = est.predict_proba(X)
        out["transform"] = est.transform(X)
    else:
        out["predict"] = est.predict(X)
        out["transform"] = est.transform(X)
    out["hidden"] = np.concatenate(est.hidden_states(X))
    return out


def record() -> dict:
    arrays = {}
    for name, (kind, form, params) in CONFIGS.items():
        est, X, y = build(kind, form, params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
            est.partial_fit(X, y)
        for key, value in outputs(est, X).items():
            arrays[f"{name}/{key}"] = value
    return arrays


if __name__ == "__main__":
    arrays = record()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {len(arrays)} arrays to {OUT}")
