"""Each estimator reaches a stated score on its bundled real task, and the demo runs.

Subsets and fixed seeds keep the file to well under a minute on two idle cores.
Each floor sits below the score measured when it was written, with a margin for
the last digits of float32 arithmetic to change (a faster core may sum in another
order); the measured values are in the comments. The networks are small, so the
fits run with one BLAS thread, which is faster for them than several.
"""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skrnn import RNNClassifier, RNNRegressor, RNNSequenceTagger
from skrnn.datasets import load_brown_pos, load_movie_reviews, load_stock_prices
from skrnn.demo import main, most_frequent_tag_baseline
from skrnn.metrics import flat_accuracy_score
from skrnn.preprocessing import (
    SequenceScaler,
    Tokenizer,
    WordShapes,
    sliding_windows,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _one_blas_thread_and_quiet():
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        # fixed epoch counts end at max_iter on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _stock_model(hidden_size, max_iter, learning_rate_init=0.001):
    """Scale the windows and the target on the training data only."""
    return TransformedTargetRegressor(
        regressor=make_pipeline(
            SequenceScaler(),
            RNNRegressor(
                hidden_size=hidden_size,
                max_iter=max_iter,
                learning_rate_init=learning_rate_init,
                dtype="float32",
                random_state=0,
            ),
        ),
        transformer=StandardScaler(),
    )


def test_classifier_movie_reviews_accuracy():
    X, y = load_movie_reviews(return_X_y=True)
    # the snippets are sorted by label: a stratified random subset
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=4000, test_size=1000, random_state=0, stratify=y
    )
    model = make_pipeline(
        Tokenizer(),
        RNNClassifier(
            hidden_size=32,
            embedding_dim=32,
            min_frequency=2,
            learning_rate_init=0.003,
            max_iter=4,
            early_stopping=False,
            dtype="float32",
            random_state=0,
        ),
    ).fit(X_train, y_train)
    # measured 0.702 (seeds 0-5 before lazy embedding updates: 0.700-0.739); a
    # coin flip scores 0.5
    assert model.score(X_test, y_test) >= 0.68


def test_tagger_brown_pos_token_accuracy():
    X, y = load_brown_pos(tagset="universal", n_sentences=2500, return_X_y=True)
    X_train, X_test, y_train, y_test = X[:2000], X[2000:], y[:2000], y[2000:]
    model = make_pipeline(
        WordShapes(min_count=2),
        RNNSequenceTagger(
            hidden_size=32,
            embedding_dim=32,
            bidirectional=True,
            learning_rate_init=0.005,
            max_iter=8,
            early_stopping=False,
            dtype="float32",
            random_state=0,
        ),
    ).fit(X_train, y_train)
    accuracy = flat_accuracy_score(y_test, model.predict(X_test))
    baseline = flat_accuracy_score(
        y_test, most_frequent_tag_baseline(X_train, y_train, X_test)
    )
    assert model.score(X_test, y_test) == pytest.approx(accuracy)
    # measured 0.932 (seeds 0-2: 0.932-0.934; dense Adam on the embedding gives
    # the same, lazy Adam without the missed steps 0.918-0.922) against 0.899
    # for the baseline
    assert baseline == pytest.approx(0.899, abs=0.001)
    assert accuracy >= 0.925


def _daily_range():
    """log(High / Low) of each AAPL day, and of the day after each 20-day window."""
    data = load_stock_prices("AAPL").data
    log_range = np.log(np.log(data[:, 1] / data[:, 2]) + 1e-4)
    return sliding_windows(log_range, 20)


def test_regressor_forecasts_tomorrows_trading_range():
    """Volatility clusters, so the next day's high-low range is predictable."""
    X, y = _daily_range()
    n_train = int(0.8 * len(y))  # chronological split
    model = _stock_model(hidden_size=16, max_iter=10, learning_rate_init=0.003)
    model.fit(X[:n_train], y[:n_train])
    r2 = r2_score(y[n_train:], model.predict(X[n_train:]))
    window_mean = r2_score(y[n_train:], X[n_train:].mean(axis=1))
    # measured 0.174 (seeds 0-2: 0.174-0.192) against 0.122 for the window mean
    assert window_mean == pytest.approx(0.122, abs=0.001)
    assert r2 >= 0.14
    assert r2 > window_mean


def test_regressor_price_forecast_is_no_worse_than_persistence():
    """Next-day prices from log returns: honest scaling keeps it at persistence."""
    price = load_stock_prices("AAPL").target
    X, y = sliding_windows(np.diff(np.log(price)), 20)
    today, tomorrow = price[20 : 20 + len(y)], price[21 : 21 + len(y)]
    n_train = int(0.8 * len(y))
    model = _stock_model(hidden_size=16, max_iter=5).fit(X[:n_train], y[:n_train])
    forecast = today[n_train:] * np.exp(model.predict(X[n_train:]))
    rmse = np.sqrt(np.mean((forecast - tomorrow[n_train:]) ** 2))
    persistence = np.sqrt(np.mean((today[n_train:] - tomorrow[n_train:]) ** 2))
    # measured ratio 1.0007 (seeds 0-3: 1.0004-1.0017): daily returns are close
    # to unpredictable, and a model that overfits them would be far above 1
    assert rmse <= 1.01 * persistence


def test_demo_quick_runs_and_prints_one_table(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), env.get("PYTHONPATH")])
    )
    result = subprocess.run(
        [sys.executable, "-m", "skrnn.demo", "--quick", "--no-plots"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("task ")]
    assert len(headers) == 1, result.stdout
    # columns: task, model, metric, score, baseline, baseline score, 2 fit times
    rows = [re.split(r"\s{2,}", line) for line in lines[headers[0] + 2 :]]
    rows = [cells for cells in rows if len(cells) == 8]
    assert [cells[0] for cells in rows] == [
        "sentiment",
        "stocks",
        "POS tagging",
        "language model",
        "g2p",
    ]
    for cells in rows:
        assert all(np.isfinite(float(cells[i])) for i in (3, 5, 6, 7))
    assert "Plots written" not in result.stdout
    assert not (tmp_path / "skrnn_demo_output").exists()


def test_demo_writes_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "plots"
    assert main(["--quick", "--output", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["stock_forecast.png", "training_curves.png"]
    for name in written:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out) in capsys.readouterr().out


def test_demo_calls_a_difference_within_the_noise_a_tie():
    from skrnn.demo import TaskResult, _verdict

    row = dict(
        task="stocks",
        model="m",
        metric="RMSE",
        baseline_name="persistence",
        fit_seconds=0.0,
        baseline_seconds=0.0,
        higher_is_better=False,
        digits=5,
    )
    close = TaskResult(score=1.08483, baseline=1.08522, difference_se=0.004, **row)
    assert "tie" in _verdict(close) and "better" not in _verdict(close)
    clear = TaskResult(score=1.0, baseline=1.08522, difference_se=0.004, **row)
    assert "the RNN is better" in _verdict(clear)
