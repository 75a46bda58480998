"""Train one recurrent network per task on the bundled real data; print the results.

Run it with ``python -m skrnn.demo`` (or ``make demo``). Five tasks, each with
fixed seeds, each beside a simple baseline trained on the same split:

sentiment
    ``Pipeline(Tokenizer -> RNNClassifier)`` (bidirectional GRU, mean pooling,
    word dropout) on :func:`~skrnn.datasets.load_movie_reviews`, accuracy on a
    stratified 20 % held-out split, beside TF-IDF (words and word pairs) +
    logistic regression (``C=30``, the value 5-fold cross-validation on the
    training part picks among 1, 3, 10 and 30). (With character-aware tokens the
    network gains about half a point, for three times the training time; see
    ``benchmarks/README.md``.)
stocks
    Next-day adjusted close of AAPL (:func:`~skrnn.datasets.load_stock_prices`)
    from the daily log returns of the 20 trading days before it. The network
    reads the window scaled by :class:`~skrnn.preprocessing.SequenceScaler`
    and predicts the next log return, standardized by a
    :class:`~sklearn.compose.TransformedTargetRegressor`; both scalers are fit
    inside ``fit``, on the training period only. The split is chronological
    (the last 20 % of the days are the test period), and the forecast price is
    today's price times ``exp(predicted return)``. Score: RMSE in dollars
    beside persistence (tomorrow's price = today's). Daily returns are close
    to unpredictable, so expect the two to tie.
POS tagging
    Bidirectional LSTM :class:`~skrnn.RNNSequenceTagger` on the raw words of
    :func:`~skrnn.datasets.load_brown_pos` (12 universal tags) and on their
    spelling (character-aware tokens, word dropout), no hand-made features;
    token accuracy on 20 % held-out sentences of the first 1,500, beside a CRF
    with the usual word, affix and shape features (``sklearn-crfsuite``, an
    optional extra; without it the most frequent tag of each word). On all
    5,000 sentences and more epochs the tagger beats the CRF
    (``benchmarks/bench_text.py``); on the demo's subset the CRF is ahead.
language model
    A character LSTM (:class:`~skrnn.RNNLanguageModel`) on the first 90 % of
    *Hamlet* (:func:`~skrnn.datasets.load_hamlet`), held-out bits per character
    on the rest (scored in blocks of ten lines, each from its start), beside an
    order-6 interpolated Kneser-Ney character model; three sampled lines.
g2p
    Spelling to pronunciation (:class:`~skrnn.RNNEncoderDecoder`, a
    bidirectional encoder and dot attention) trained on 5,000 words of the CMU
    dictionary (:func:`~skrnn.datasets.load_cmudict`, stress marks kept), word
    error rate on 500 others, beside a joint-sequence (graphone) 6-gram model.

A difference within two bootstrap standard errors of the test set is reported
as a tie.

It prints one table (task, model, score, baseline, fit seconds) and, when
matplotlib is installed, writes PNG plots to ``./skrnn_demo_output/`` (the
training curves of the networks and the stock forecast). ``--quick``
trains on small subsets, for a smoke test in a few seconds.

The networks are small, and small matrix products run faster on one BLAS
thread than on several (much faster when other processes share the cores), so
the demo limits BLAS to ``--blas-threads`` threads (default 1) while it runs.
The thread count also fixes the order in which float32 products are summed,
so with another count the last digits of the weights differ and the scores
can move by a point or so. The scores do not depend on timing:
every model trains for a number of epochs fixed by its seeds and its
early-stopping rule.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from . import RNNClassifier, RNNRegressor, RNNSequenceTagger
from .datasets import load_brown_pos, load_movie_reviews, load_stock_prices
from .preprocessing import SequenceScaler, Tokenizer, sliding_windows

__all__ = [
    "TaskResult",
    "bootstrap_se",
    "format_table",
    "main",
    "most_frequent_tag_baseline",
    "run_g2p",
    "run_language_model",
    "run_pos",
    "run_sentiment",
    "run_stocks",
    "write_plots",
]

#: Seed of every split and every network.
SEED = 0
#: Share of each data set held out for testing.
TEST_SIZE = 0.2
#: Trading days per input window of the stock model.
WINDOW = 20


@dataclass
class TaskResult:
    """One row of the results table, plus what the plots need.

    Attributes
    ----------
    task, model, metric : str
        What was learned, by which pipeline, scored how.
    score, baseline : float
        Held-out score of the RNN pipeline and of the baseline.
    baseline_name : str
        What the baseline is.
    fit_seconds, baseline_seconds : float
        Wall-clock seconds of the two fits.
    higher_is_better : bool, default=True
        False for errors such as the RMSE.
    digits : int, default=4
        Decimals shown in the table.
    estimators : dict
        ``"rnn"``: the fitted skrnn estimator (for its training curves).
    extra : dict
        Task-specific data for the plots and the report.
    difference_se : float or None
        Standard error of ``score - baseline`` over the test set (bootstrap
        over test units, see :func:`bootstrap_se`); a difference within two
        standard errors is reported as a tie.
    """

    task: str
    model: str
    metric: str
    score: float
    baseline_name: str
    baseline: float
    fit_seconds: float
    baseline_seconds: float
    higher_is_better: bool = True
    digits: int = 4
    estimators: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    difference_se: float | None = None


def bootstrap_se(statistic, *units, n_boot: int = 1000) -> float:
    """Standard error of ``statistic(*units)`` by resampling the test units.

    Parameters
    ----------
    statistic : callable
        Takes the arrays in ``units`` (rows are test units: reviews, days,
        sentences, words) and returns the difference of the two models' scores.
    *units : ndarray
        Per-unit values, one array per argument of ``statistic``, all of the
        same length.
    n_boot : int, default=1000
        Resamples.

    Returns
    -------
    float
        The standard deviation of the statistic over resamples drawn with
        replacement (rows of all arrays resampled together, so the comparison is
        paired).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.demo import bootstrap_se
    >>> a = np.array([1, 1, 0, 1, 0, 1, 1, 0] * 25)
    >>> b = np.array([1, 0, 0, 1, 0, 1, 1, 1] * 25)
    >>> se = bootstrap_se(lambda a, b: a.mean() - b.mean(), a, b)
    >>> bool(abs(se - 0.5 / np.sqrt(200)) < 0.005)  # the analytic value
    True
    """
    rng = np.random.default_rng(SEED)
    n = len(units[0])
    values = [
        statistic(*(u[idx] for u in units))
        for idx in (rng.integers(0, n, n) for _ in range(n_boot))
    ]
    return float(np.std(values))


# ----------------------------------------------------------------------------
# sentiment
# ----------------------------------------------------------------------------


#: The demo's review classifier (``Tokenizer`` then this): a bidirectional GRU
#: with mean pooling and word dropout, eight epochs on all the training
#: reviews (the demo trains ``SENTIMENT_EPOCHS``).
#: ``benchmarks/bench_text.py --task sentiment`` measures it, and the same with
#: character-aware tokens, on the same split.
SENTIMENT_PARAMS = dict(
    cell="gru",
    hidden_size=64,
    embedding_dim=64,
    bidirectional=True,
    pooling="mean",
    min_frequency=2,
    dropout=0.5,
    word_dropout=1.0,
    learning_rate_init=0.003,
    batch_size=64,
    max_iter=8,
    early_stopping=False,
    dtype="float32",
)


def sentiment_split(*, quick: bool = False):
    """The demo's review split: a stratified 20 % of the reviews held out.

    Parameters
    ----------
    quick : bool, default=False
        Use 1,500 reviews chosen at random instead of all of them.

    Returns
    -------
    X_train, X_test, y_train, y_test : lists
    """
    X, y = load_movie_reviews(return_X_y=True)
    # the snippets come sorted by label: subsample at random, never X[:n]
    n = 1500 if quick else len(X)
    return train_test_split(
        X,
        y,
        train_size=n - int(TEST_SIZE * n),
        test_size=int(TEST_SIZE * n),
        random_state=SEED,
        stratify=y,
    )


#: The ``C`` that 5-fold cross-validation on the demo's training reviews picks
#: among 1, 3, 10 and 30 (``tfidf_baseline(search=True)``; ``bench_text.py
#: --task sentiment`` runs the search). The demo fits this one value: the
#: search takes 26 s, a fit 3 s.
TFIDF_C = 30.0
#: Epochs of the demo's review classifier (the benchmark trains
#: ``SENTIMENT_PARAMS["max_iter"]``, 8: 0.7875; 6 gave 0.7905 in 27 s, 5 0.7890
#: in 22 s).
SENTIMENT_EPOCHS = 5


def tfidf_baseline(*, search: bool = True):
    """TF-IDF of words and word pairs + logistic regression (unfitted).

    Parameters
    ----------
    search : bool, default=True
        Choose ``C`` by 5-fold cross-validation on the training part among
        1, 3, 10 and 30; otherwise use :data:`TFIDF_C`, the value that search
        picks on the demo's split.

    Returns
    -------
    estimator : GridSearchCV or Pipeline
    """
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=TFIDF_C, max_iter=1000),
    )
    if not search:
        return pipeline
    return GridSearchCV(
        pipeline, {"logisticregression__C": [1.0, 3.0, 10.0, 30.0]}, cv=5
    )


def run_sentiment(*, quick: bool = False) -> TaskResult:
    """Review sentiment: tokenized bidirectional GRU against TF-IDF + logistic
    regression.

    Parameters
    ----------
    quick : bool, default=False
        Train on 1,500 reviews for a few epochs instead of the full set.

    Returns
    -------
    TaskResult
        Test accuracy of both models and their fit times.
    """
    X_train, X_test, y_train, y_test = sentiment_split(quick=quick)
    params = dict(SENTIMENT_PARAMS, max_iter=2 if quick else SENTIMENT_EPOCHS)
    rnn = Pipeline(
        [("tokens", Tokenizer()), ("rnn", RNNClassifier(**params, random_state=SEED))]
    )
    rnn_seconds = _timed_fit(rnn, X_train, y_train)
    baseline = tfidf_baseline(search=False)
    baseline_seconds = _timed_fit(baseline, X_train, y_train)
    rnn_hits = rnn.predict(X_test) == np.asarray(y_test)
    base_hits = baseline.predict(X_test) == np.asarray(y_test)
    return TaskResult(
        task="sentiment",
        model="Tokenizer -> BiGRU",
        metric="accuracy",
        score=float(rnn_hits.mean()),
        baseline_name="TF-IDF 1-2 grams + LogReg",
        baseline=float(base_hits.mean()),
        fit_seconds=rnn_seconds,
        baseline_seconds=baseline_seconds,
        estimators={"rnn": rnn[-1]},
        extra={"n_train": len(X_train), "n_test": len(X_test)},
        difference_se=bootstrap_se(
            lambda a, b: a.mean() - b.mean(), rnn_hits, base_hits
        ),
    )


# ----------------------------------------------------------------------------
# stocks
# ----------------------------------------------------------------------------


def run_stocks(*, quick: bool = False) -> TaskResult:
    """Next-day price from 20 days of log returns, against persistence.

    Parameters
    ----------
    quick : bool, default=False
        Use the last 1,000 trading days and a few epochs only.

    Returns
    -------
    TaskResult
        RMSE (dollars) of both forecasts over the test period.
    """
    stocks = load_stock_prices("AAPL")
    price, dates = stocks.target, stocks.dates
    if quick:
        price, dates = price[-1000:], dates[-1000:]
    # returns[i] = log(price[i + 1] / price[i]); window k holds returns[k : k + W]
    # (known at the close of day k + W) and its target is returns[k + W], the
    # return from day k + W to day k + W + 1.
    returns = np.diff(np.log(price))
    X, y = sliding_windows(returns, WINDOW)
    today = price[WINDOW : WINDOW + len(y)]
    tomorrow = price[WINDOW + 1 : WINDOW + 1 + len(y)]
    n_train = int(round((1 - TEST_SIZE) * len(y)))  # chronological split
    train, test = slice(0, n_train), slice(n_train, None)

    rnn = TransformedTargetRegressor(
        regressor=make_pipeline(
            SequenceScaler(),
            RNNRegressor(
                cell="lstm",
                hidden_size=32,
                learning_rate_init=0.001,
                max_iter=3 if quick else 50,
                early_stopping=True,
                n_iter_no_change=5,
                dtype="float32",
                random_state=SEED,
            ),
        ),
        transformer=StandardScaler(),
    )
    rnn_seconds = _timed_fit(rnn, X[train], y[train])
    forecast = today[test] * np.exp(rnn.predict(X[test]))
    start = time.perf_counter()
    persistence = today[test]  # nothing to fit
    baseline_seconds = time.perf_counter() - start
    return TaskResult(
        task="stocks",
        model="SequenceScaler -> LSTM",
        metric="RMSE $ (lower wins)",
        score=_rmse(tomorrow[test], forecast),
        baseline_name="persistence",
        baseline=_rmse(tomorrow[test], persistence),
        fit_seconds=rnn_seconds,
        baseline_seconds=baseline_seconds,
        higher_is_better=False,
        digits=5,  # the two are close
        difference_se=bootstrap_se(
            lambda a, b: _rmse(a, 0) - _rmse(b, 0),
            tomorrow[test] - forecast,
            tomorrow[test] - persistence,
        ),
        estimators={"rnn": rnn.regressor_[-1]},
        extra={
            "dates": dates[WINDOW + 1 : WINDOW + 1 + len(y)][test],
            "actual": tomorrow[test],
            "forecast": forecast,
            "persistence": persistence,
            "actual_return": y[test],
            "predicted_return": np.log(forecast / today[test]),
            "n_train": n_train,
            "n_test": len(y) - n_train,
        },
    )


def _rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


# ----------------------------------------------------------------------------
# POS tagging
# ----------------------------------------------------------------------------


def most_frequent_tag_baseline(X_train, y_train, X_test) -> list[list[str]]:
    """Tag each word with its most frequent training tag.

    Parameters
    ----------
    X_train, y_train : list of list of str
        Training sentences and their tags.
    X_test : list of list of str
        Sentences to tag.

    Returns
    -------
    list of list of str
        Predicted tags; words unseen in training get the most frequent tag.
    """
    per_word: dict[str, Counter] = {}
    for words, tags in zip(X_train, y_train, strict=True):
        for word, tag in zip(words, tags, strict=True):
            per_word.setdefault(word, Counter())[tag] += 1
    overall = Counter(tag for tags in y_train for tag in tags).most_common(1)[0][0]
    best = {word: c.most_common(1)[0][0] for word, c in per_word.items()}
    return [[best.get(word, overall) for word in words] for words in X_test]


#: The tagger of the POS task: words read with their spelling (character-aware
#: tokens) and word dropout, no hand-made features.
TAGGER_PARAMS = dict(
    cell="lstm",
    hidden_size=100,
    embedding_dim=100,
    char_hidden_size=50,
    char_embedding_dim=25,
    word_dropout=1.0,
    bidirectional=True,
    dropout=0.5,
    learning_rate_init=0.003,
    early_stopping=False,
    dtype="float32",
)

#: Sentences of the bundled Brown sample the demo's POS task uses (of 5,000),
#: to keep the whole demo within two minutes; ``benchmarks/bench_text.py``
#: runs the same models on all of them.
POS_SENTENCES = 1500
#: Epochs of the demo's grapheme-to-phoneme model.
G2P_EPOCHS = 6
#: Epochs and step size of the demo's tagger (the benchmark trains 25 epochs at
#: 0.003 on all sentences). Chosen for time: on 2,000 sentences 8 epochs at
#: 0.003 gave 0.935 in 52 s, 5 at 0.01 0.937 in 34 s; on 1,500, 0.930 in 21 s.
POS_EPOCHS = 5
POS_LEARNING_RATE = 0.01


def run_pos(*, quick: bool = False) -> TaskResult:
    """Brown POS tags: a bidirectional LSTM on raw words and their spelling,
    beside a CRF with the usual feature template (the most frequent tag of each
    word when ``sklearn-crfsuite`` is not installed).

    Parameters
    ----------
    quick : bool, default=False
        Train on 600 sentences for a few epochs instead of 1,500.

    Returns
    -------
    TaskResult
        Token accuracy of both taggers on held-out sentences; ``extra`` holds
        the accuracy on words seen and unseen in training.
    """
    from ._baselines import crf_pos_features, fit_crf, tag_accuracies

    X, y = load_brown_pos(
        tagset="universal",
        n_sentences=600 if quick else POS_SENTENCES,
        return_X_y=True,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, random_state=SEED
    )
    rnn = RNNSequenceTagger(
        **dict(TAGGER_PARAMS, learning_rate_init=POS_LEARNING_RATE),
        max_iter=2 if quick else POS_EPOCHS,
        random_state=SEED,
    )
    rnn_seconds = _timed_fit(rnn, X_train, y_train)
    start = time.perf_counter()
    try:
        crf = fit_crf(X_train, y_train)
        baseline_pred = crf.predict([crf_pos_features(s) for s in X_test])
        baseline_name = "CRF (word, affix, shape features)"
    except ImportError:  # sklearn-crfsuite is optional
        baseline_pred = most_frequent_tag_baseline(X_train, y_train, X_test)
        baseline_name = "most frequent tag"
    baseline_seconds = time.perf_counter() - start
    rnn_pred = rnn.predict(X_test)
    rnn_acc = tag_accuracies(X_train, X_test, y_test, rnn_pred)
    base_acc = tag_accuracies(X_train, X_test, y_test, baseline_pred)
    return TaskResult(
        task="POS tagging",
        model="BiLSTM, words + characters",
        metric="token accuracy",
        score=rnn_acc["accuracy"],
        baseline_name=baseline_name,
        baseline=base_acc["accuracy"],
        fit_seconds=rnn_seconds,
        baseline_seconds=baseline_seconds,
        estimators={"rnn": rnn},
        extra={
            "n_train": len(X_train),
            "n_test": len(X_test),
            "report": (
                f"unseen words ({rnn_acc['n_unseen_tokens']} tokens): RNN "
                f"{rnn_acc['accuracy_unseen']:.4f}, baseline "
                f"{base_acc['accuracy_unseen']:.4f}; seen words: RNN "
                f"{rnn_acc['accuracy_seen']:.4f}, baseline "
                f"{base_acc['accuracy_seen']:.4f}"
            ),
        },
        difference_se=_token_accuracy_se(y_test, rnn_pred, baseline_pred),
    )


# ----------------------------------------------------------------------------
# character language model
# ----------------------------------------------------------------------------

#: Epochs of the demo's language model.
LM_EPOCHS = 4

#: Held-out lines of Hamlet scored together as one unit of the bootstrap.
LINES_PER_BLOCK = 10


def _blocks(text: str) -> list[str]:
    """The text cut into blocks of :data:`LINES_PER_BLOCK` lines."""
    lines = text.split("\n")
    return [
        "\n".join(lines[i : i + LINES_PER_BLOCK])
        for i in range(0, len(lines), LINES_PER_BLOCK)
        if "".join(lines[i : i + LINES_PER_BLOCK]).strip()
    ]


def run_language_model(*, quick: bool = False) -> TaskResult:
    """Hamlet, one character at a time: an LSTM language model beside a 6-gram
    Kneser-Ney model, both scored on the held-out end of the play.

    Parameters
    ----------
    quick : bool, default=False
        Train on the first 20,000 characters for one epoch.

    Returns
    -------
    TaskResult
        Held-out bits per character of both models (lower wins), and three
        lines sampled from the network (in ``extra["samples"]``).
    """
    from ._baselines import CharNGramLM
    from ._language_model import RNNLanguageModel
    from .datasets import load_hamlet

    text = load_hamlet().data
    cut = int((1 - TEST_SIZE / 2) * len(text))  # the last 10 % is held out
    train, test = text[:cut], _blocks(text[cut:])
    if quick:
        train = train[:20_000]
    lm = RNNLanguageModel(
        hidden_size=128,
        max_iter=1 if quick else LM_EPOCHS,
        early_stopping=False,
        dtype="float32",
        random_state=SEED,
    )
    rnn_seconds = _timed_fit(lm, [train], None)
    start = time.perf_counter()
    ngram = CharNGramLM(order=6).fit([train])
    baseline_seconds = time.perf_counter() - start
    # each block is scored from its start, its end marker included
    n = np.array([len(b) + 1 for b in test], dtype=float)
    rnn_ll = lm.score_samples(test)
    ngram_ll = ngram.score_samples(test)

    def bits(ll, n):
        return float(-ll.sum() / n.sum() / np.log(2))

    samples = lm.sample(
        3, prefix="\n", max_length=120, temperature=0.7, random_state=SEED
    )
    return TaskResult(
        task="language model",
        model="char LSTM (RNNLanguageModel)",
        metric="bits/char (lower wins)",
        score=bits(rnn_ll, n),
        baseline_name="6-gram Kneser-Ney",
        baseline=bits(ngram_ll, n),
        fit_seconds=rnn_seconds,
        baseline_seconds=baseline_seconds,
        higher_is_better=False,
        digits=3,
        estimators={"rnn": lm},
        extra={
            "samples": [s.replace("\n", " / ") for s in samples],
            "n_train": len(train),
            "n_test": int(n.sum()),
        },
        difference_se=bootstrap_se(
            lambda a, b, n: bits(a, n) - bits(b, n), rnn_ll, ngram_ll, n
        ),
    )


# ----------------------------------------------------------------------------
# grapheme to phoneme
# ----------------------------------------------------------------------------


def run_g2p(*, quick: bool = False) -> TaskResult:
    """Spelling to pronunciation on the CMU dictionary: an attention
    encoder-decoder beside a joint-sequence (graphone) n-gram model.

    Parameters
    ----------
    quick : bool, default=False
        Train on 500 words for one epoch instead of 5,000 words.

    Returns
    -------
    TaskResult
        Word error rate (share of test words with any phoneme wrong; lower
        wins) of both models on 500 held-out words, stress marks kept; ``extra``
        holds the phoneme error rates and a few predictions.
    """
    from ._baselines import G2P_STRESS, GraphoneG2P
    from ._encoder_decoder import RNNEncoderDecoder
    from .datasets import load_cmudict
    from .metrics import token_error_rate

    X, y = load_cmudict(stress=G2P_STRESS, return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=500 if quick else 5000, test_size=500, random_state=SEED
    )
    rnn = RNNEncoderDecoder(
        cell="lstm",
        hidden_size=128,
        embedding_dim=64,
        bidirectional=True,
        attention="dot",
        batch_size=64,
        learning_rate_init=0.005,
        max_iter=1 if quick else G2P_EPOCHS,
        early_stopping=False,
        dtype="float32",
        random_state=SEED,
    )
    rnn_seconds = _timed_fit(rnn, X_train, y_train)
    start = time.perf_counter()
    graphone = GraphoneG2P().fit(X_train, y_train)
    baseline_pred = graphone.predict(X_test)
    baseline_seconds = time.perf_counter() - start
    rnn_pred = rnn.predict(X_test)
    rnn_wrong = np.array(
        [list(p) != list(t) for p, t in zip(rnn_pred, y_test, strict=True)]
    )
    base_wrong = np.array(
        [list(p) != list(t) for p, t in zip(baseline_pred, y_test, strict=True)]
    )
    examples = ", ".join(
        f"{w} -> {' '.join(p)}" for w, p in zip(X_test[:3], rnn_pred[:3], strict=True)
    )
    return TaskResult(
        task="g2p",
        model="BiLSTM encoder-decoder, attention",
        metric="word error rate (lower wins)",
        score=float(rnn_wrong.mean()),
        baseline_name="graphone 6-gram",
        baseline=float(base_wrong.mean()),
        fit_seconds=rnn_seconds,
        baseline_seconds=baseline_seconds,
        higher_is_better=False,
        digits=3,
        estimators={"rnn": rnn},
        extra={
            "n_train": len(X_train),
            "n_test": len(X_test),
            "report": (
                f"phoneme error rate: RNN {token_error_rate(y_test, rnn_pred):.3f}, "
                f"baseline {token_error_rate(y_test, baseline_pred):.3f}; "
                f"RNN: {examples}"
            ),
        },
        difference_se=bootstrap_se(
            lambda a, b: a.mean() - b.mean(), rnn_wrong, base_wrong
        ),
    )


# ----------------------------------------------------------------------------
# running, printing, plotting
# ----------------------------------------------------------------------------


def _token_accuracy_se(y_true, pred_a, pred_b) -> float:
    """Bootstrap standard error of a difference of token accuracies, resampling
    whole sentences (the tokens of a sentence are not independent)."""
    n = np.array([len(t) for t in y_true], dtype=float)
    hits_a = np.array(
        [np.sum(np.asarray(p) == t) for p, t in zip(pred_a, y_true, strict=True)]
    )
    hits_b = np.array(
        [np.sum(np.asarray(p) == t) for p, t in zip(pred_b, y_true, strict=True)]
    )
    return bootstrap_se(
        lambda a, b, n: (a.sum() - b.sum()) / n.sum(), hits_a, hits_b, n
    )


def _timed_fit(estimator, X, y) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        # the --quick runs stop at max_iter on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        if y is None:
            estimator.fit(X)
        else:
            estimator.fit(X, y)
    return time.perf_counter() - start


def format_table(results: list[TaskResult]) -> str:
    """The results as a plain-text table.

    Parameters
    ----------
    results : list of TaskResult
        One row per task.

    Returns
    -------
    str
        The table, with a header line.
    """
    header = (
        "task",
        "model",
        "metric",
        "score",
        "baseline",
        "baseline score",
        "fit s",
        "baseline fit s",
    )
    rows = [
        (
            r.task,
            r.model,
            r.metric,
            f"{r.score:.{r.digits}f}",
            r.baseline_name,
            f"{r.baseline:.{r.digits}f}",
            f"{r.fit_seconds:.1f}",
            f"{r.baseline_seconds:.1f}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    numeric = {3, 5, 6, 7}

    def line(cells):
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def _verdict(r: TaskResult) -> str:
    """One sentence: which model is better and by how much (relative), or a tie
    when the difference is within two standard errors of the test set's noise."""
    gain = (r.score - r.baseline) / abs(r.baseline) * 100
    if not r.higher_is_better:
        gain = -gain
    if gain == 0:
        return f"{r.task}: the RNN and the baseline score the same."
    difference = abs(r.score - r.baseline)
    if r.difference_se is not None and difference < 2 * r.difference_se:
        return (
            f"{r.task}: a tie: the difference, {difference:.{r.digits}f}, is "
            f"within the noise of the test set (2 standard errors = "
            f"{2 * r.difference_se:.{r.digits}f})."
        )
    who = "the RNN" if gain > 0 else "the baseline"
    return f"{r.task}: {who} is better by {abs(gain):.2g}% (relative)."


def write_plots(results: list[TaskResult], output: str) -> list[str]:
    """Draw the training curves and the stock forecast as PNG files.

    Parameters
    ----------
    results : list of TaskResult
        The results of the ``run_*`` functions.
    output : str
        Folder for the PNG files; created if needed.

    Returns
    -------
    list of str
        Paths of the files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    os.makedirs(output, exist_ok=True)
    written = []

    fig, axes = plt.subplots(1, len(results), figsize=(4.2 * len(results), 3.6))
    for ax, r in zip(np.atleast_1d(axes), results, strict=True):
        est = r.estimators["rnn"]
        epochs = np.arange(1, len(est.loss_curve_) + 1)
        ax.plot(epochs, est.loss_curve_, "o-", color="C0", label="training loss")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("training loss", color="C0")
        ax.set_title(f"{r.task}: {r.model}", fontsize=10)
        if est.validation_scores_:
            ax2 = ax.twinx()
            ax2.plot(
                epochs, est.validation_scores_, "s--", color="C1", label="validation"
            )
            best = int(np.argmax(est.validation_scores_))
            ax2.axvline(epochs[best], color="0.6", lw=0.8, ls=":")
            ax2.set_ylabel(
                "validation R$^2$" if r.task == "stocks" else "validation accuracy",
                color="C1",
            )
    fig.suptitle("Training curves (dotted line: the epoch early stopping kept)")
    fig.tight_layout()
    path = os.path.join(output, "training_curves.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    written.append(path)

    stocks = next((r for r in results if r.task == "stocks"), None)
    if stocks is not None:
        e = stocks.extra
        fig, (top, bottom) = plt.subplots(
            2, 1, figsize=(9, 7), gridspec_kw={"height_ratios": [3, 2]}
        )
        last = slice(-120, None)
        top.plot(e["dates"][last], e["actual"][last], "k-", lw=1.5, label="actual")
        top.plot(
            e["dates"][last],
            e["forecast"][last],
            "-",
            color="C1",
            lw=1,
            label=f"LSTM forecast (RMSE {stocks.score:.3f})",
        )
        top.plot(
            e["dates"][last],
            e["persistence"][last],
            ":",
            color="C0",
            lw=1,
            label=f"persistence (RMSE {stocks.baseline:.3f})",
        )
        top.set_ylabel("AAPL adjusted close ($)")
        top.set_title("Next-day price, last 120 days of the test period")
        top.legend(fontsize=8)
        lim = np.quantile(np.abs(e["actual_return"]), 0.995)
        bottom.scatter(
            e["actual_return"], e["predicted_return"], s=5, alpha=0.5, color="C1"
        )
        bottom.axhline(0, color="0.6", lw=0.8)
        bottom.axvline(0, color="0.6", lw=0.8)
        bottom.set_xlim(-lim, lim)
        bottom.set_xlabel("actual next-day log return")
        bottom.set_ylabel("predicted log return")
        corr = np.corrcoef(e["actual_return"], e["predicted_return"])[0, 1]
        spread = np.std(e["predicted_return"]) / np.std(e["actual_return"])
        bottom.set_title(
            f"Next-day log returns over the whole test period ({e['n_test']} days): "
            f"correlation {corr:.3f}, predictions {spread:.0%} as spread out",
            fontsize=10,
        )
        fig.tight_layout()
        path = os.path.join(output, "stock_forecast.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def _have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the demo from the command line.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        Exit status, 0 on success.
    """
    parser = argparse.ArgumentParser(
        prog="python -m skrnn.demo",
        description="Train skrnn's estimators on bundled real data and "
        "print their scores beside simple baselines.",
    )
    parser.add_argument(
        "--output",
        default="skrnn_demo_output",
        metavar="DIR",
        help="folder for the PNG plots (default: ./skrnn_demo_output)",
    )
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small subsets and few epochs: a smoke test, not meaningful scores",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        metavar="N",
        help="BLAS threads while training (default: 1, fastest for these "
        "small networks)",
    )
    args = parser.parse_args(argv)

    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    what = (
        "quick run on small subsets, scores not meaningful"
        if args.quick
        else "full run"
    )
    print(f"skrnn demo ({what}, seed {SEED}, {args.blas_threads} BLAS thread(s))")
    results = []
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        for name, run in (
            ("sentiment", run_sentiment),
            ("stocks", run_stocks),
            ("POS tagging", run_pos),
            ("language model", run_language_model),
            ("g2p", run_g2p),
        ):
            print(f"  training: {name} ...", flush=True)
            results.append(run(quick=args.quick))

    print()
    print(format_table(results))
    print()
    for r in results:
        print(_verdict(r))
        if "report" in r.extra:
            print(f"    {r.extra['report']}")
        for line in r.extra.get("samples", ()):
            print(f"    sampled: {line!r}")
    print(
        "Scores on held-out data (stocks: the last 20% of the days); fit seconds "
        "are wall-clock on this machine."
    )
    if not args.no_plots:
        if _have_matplotlib():
            paths = write_plots(results, args.output)
            print(f"Plots written to {os.path.abspath(args.output)}/:")
            for path in paths:
                print(f"  {os.path.basename(path)}")
        else:
            print("matplotlib is not installed: no plots (pip install matplotlib).")
    print(f"Total time: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
