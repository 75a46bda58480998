"""
====================================================
Grapheme to phoneme: spelling in, pronunciation out
====================================================

:class:`~skrnn.RNNEncoderDecoder` reads a word letter by letter and writes its
pronunciation phoneme by phoneme, a sequence of its own length: ``"knight"``
has six letters and three phonemes, ``N AY T``. The data is the CMU
Pronouncing Dictionary (:func:`~skrnn.datasets.load_cmudict`), without stress
marks here (39 phonemes).

A bidirectional LSTM encoder reads the spelling; a decoder writes the phonemes
and, before each one, attends to the letters (dot attention). The attention
weights show which letters each phoneme was read from: an alignment between
spelling and sound that nobody gave the model.

Two numbers measure it: the word error rate (WER, the share of words with any
phoneme wrong: ``1 - score``) and the phoneme error rate (PER, edits per
reference phoneme, :func:`~skrnn.metrics.token_error_rate`). Some words have
more than one pronunciation in the dictionary (``read``: ``R EH D`` and
``R IY D``); the model learns the first, and g2p benchmarks usually also give
the WER that counts any of them as right. This example
trains on 20,000 words for a couple of minutes; ``benchmarks/bench_seq2seq.py``
trains a larger one (32-dimensional embeddings, 160 units) on the whole
dictionary.
"""

# %%
# Data
# ----
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from skrnn import RNNEncoderDecoder
from skrnn.datasets import load_cmudict
from skrnn.metrics import token_error_rate

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction).
threadpool_limits(limits=1, user_api="blas")

cmu = load_cmudict(stress=False)
X_train, X_test, y_train, y_test, _, refs_test = train_test_split(
    cmu.data,
    cmu.target,
    cmu.pronunciations,  # every pronunciation of each word, the target first
    train_size=20_000,
    test_size=2_000,
    random_state=0,
)
print(f"{len(X_train)} training words, {len(X_test)} test words")
for word, phones in list(zip(X_train, y_train, strict=True))[:5]:
    print(f"{word:>12}  {' '.join(phones)}")

# %%
# Training
# --------
# Adam with a large step first, then two epochs with a step ten times smaller
# (a warm start): the large step learns fast but stalls at a loss floor that
# the small one gets under.
model = RNNEncoderDecoder(
    cell="lstm",
    hidden_size=128,
    embedding_dim=64,
    bidirectional=True,
    attention="dot",
    batch_size=64,
    learning_rate_init=0.005,
    max_iter=8,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X_train, y_train)
    model.set_params(warm_start=True, learning_rate_init=0.0005, max_iter=2)
    model.fit(X_train, y_train)
print(f"{model.n_iter_} epochs, training loss per phoneme {model.loss_:.3f}")

# %%
# Word and phoneme error rates
# ----------------------------
# Greedy decoding emits the most probable phoneme at each step; a beam search
# keeps five hypotheses and picks the one with the best mean log-probability
# per phoneme.
for beam_width in (1, 5):
    pred = model.set_params(beam_width=beam_width).predict(X_test)
    wer = 1 - model.score(X_test, y_test)
    per = token_error_rate(y_test, pred)
    any_right = np.mean([p in refs for p, refs in zip(pred, refs_test, strict=True)])
    print(
        f"beam_width={beam_width}: WER {wer:.1%}, PER {per:.1%}; "
        f"WER counting any dictionary pronunciation {1 - any_right:.1%}"
    )

for word, truth, guess in list(zip(X_test, y_test, pred, strict=True))[:8]:
    mark = "" if guess == truth else "   <- true: " + " ".join(truth)
    print(f"{word:>12}  {' '.join(guess)}{mark}")

# %%
# Where each phoneme comes from
# -----------------------------
# Rows: the predicted phonemes; columns: the letters; colour: the attention
# weight with which the phoneme was emitted. The model learnt an alignment of
# letters and sounds: silent letters (the ``k`` and ``gh`` of *knight*, the
# final ``e`` of *xylophone*) get no phoneme of their own, a letter pair that
# makes one sound (*ph*, *th*) is read at its first letter, and the ``x`` of
# *phoenix* is read twice, for ``K`` and ``S``.
model.set_params(beam_width=1)
words = ["knight", "phoenix", "thought", "xylophone"]
fig, axes = plt.subplots(1, len(words), figsize=(13, 3.6))
for ax, word in zip(axes, words, strict=True):
    weights = model.attention_weights([word])[0]
    phones = model.predict([word])[0]
    ax.imshow(weights, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(np.arange(len(word)), list(word))
    ax.set_yticks(np.arange(len(phones)), phones)
    ax.set_title(word)
fig.suptitle("Attention weights: phonemes (rows) read from letters (columns)")
fig.tight_layout()
plt.show()
