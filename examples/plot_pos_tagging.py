"""
======================================================
Part-of-speech tagging and flat metrics for sequences
======================================================

:class:`~skrnn.RNNSequenceTagger` predicts one label per time step: here the
part of speech of every word of a sentence from the Brown corpus
(:func:`~skrnn.datasets.load_brown_pos`, 12 universal tags). A bidirectional
network reads the whole sentence before it tags any word.

Its targets and predictions are lists of label sequences, which scikit-learn's
metrics do not take. :mod:`skrnn.metrics` joins the sequences into one long
list of labels and hands it to the scikit-learn metric of the same name:
:func:`~skrnn.metrics.flat_accuracy_score`,
:func:`~skrnn.metrics.flat_f1_score`,
:func:`~skrnn.metrics.flat_classification_report`, and
:func:`~skrnn.metrics.sequence_accuracy_score` for whole sentences.
"""

# %%
# Data
# ----
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, make_scorer
from sklearn.model_selection import cross_validate, train_test_split
from threadpoolctl import threadpool_limits

from skrnn import RNNSequenceTagger
from skrnn.datasets import load_brown_pos
from skrnn.metrics import (
    flat_accuracy_score,
    flat_classification_report,
    flat_f1_score,
    sequence_accuracy_score,
)

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction).
threadpool_limits(limits=1, user_api="blas")

brown = load_brown_pos(tagset="universal")
X_train, X_test, y_train, y_test = train_test_split(
    brown.data, brown.target, test_size=0.2, random_state=0
)
print(f"{len(X_train)} training sentences, {len(X_test)} test sentences")
print(list(zip(X_train[0], y_train[0], strict=True)))

# %%
# Training
# --------
# Words seen only once in training share the id of unseen words
# (``min_frequency=2``), so the network learns to tag a word it has never met
# from its context. Early stopping holds out 10 % of the training sentences.
tagger = RNNSequenceTagger(
    cell="lstm",
    hidden_size=64,
    embedding_dim=64,
    bidirectional=True,
    min_frequency=2,
    dropout=0.3,
    learning_rate_init=0.003,
    max_iter=20,
    early_stopping=True,
    n_iter_no_change=3,
    dtype="float32",
    random_state=0,
)
tagger.fit(X_train, y_train)
y_pred = tagger.predict(X_test)
print(f"epochs: {tagger.n_iter_}, vocabulary: {len(tagger.vocabulary_)} words")

# %%
# Flat metrics
# ------------
# Every word counts once. ``tagger.score`` is the same token accuracy.
print(f"token accuracy:    {flat_accuracy_score(y_test, y_pred):.3f}")
print(f"macro F1:          {flat_f1_score(y_test, y_pred, average='macro'):.3f}")
print(f"sentence accuracy: {sequence_accuracy_score(y_test, y_pred):.3f}")
print(flat_classification_report(y_test, y_pred, digits=3))

# %%
# The rare tags are the hard ones: ``X`` (foreign words, interjections) has
# few examples, and the report shows at once that the network has not learned
# it. Sentence accuracy is much lower than token accuracy: one wrong word in
# twenty spoils a sentence.
#
# Seen and unseen words
# ---------------------
# ``sample_weight`` of the flat metrics can give one weight per position, so
# an accuracy over a subset of the words is one call: here the words that
# occur in the training sentences and those that do not.
seen_words = {w for s in X_train for w in s}
seen = [np.array([w in seen_words for w in s], dtype=float) for s in X_test]
unseen = [1.0 - k for k in seen]
n_unseen = int(sum(u.sum() for u in unseen))
acc_seen = flat_accuracy_score(y_test, y_pred, sample_weight=seen)
acc_unseen = flat_accuracy_score(y_test, y_pred, sample_weight=unseen)
print(f"words seen in training: accuracy {acc_seen:.3f}")
print(f"unseen words:           accuracy {acc_unseen:.3f} ({n_unseen} words)")

# %%
# A baseline that tags each word with its most frequent tag in training (and
# unseen words as nouns, the most frequent tag) shows what the context adds:
counts = {}
for words, tags in zip(X_train, y_train, strict=True):
    for word, tag in zip(words, tags, strict=True):
        counts.setdefault(word, {}).setdefault(tag, 0)
        counts[word][tag] += 1
most_frequent = {w: max(c, key=c.get) for w, c in counts.items()}
baseline = [[most_frequent.get(w, "NOUN") for w in s] for s in X_test]
print(f"most frequent tag: {flat_accuracy_score(y_test, baseline):.3f}")
print(
    "  on seen words:   "
    f"{flat_accuracy_score(y_test, baseline, sample_weight=seen):.3f}"
)
print(
    "  on unseen words: "
    f"{flat_accuracy_score(y_test, baseline, sample_weight=unseen):.3f}"
)

# %%
# Which tags get confused
# -----------------------
# The flat labels are one long list, so scikit-learn's displays work on them
# directly. Rows are the true tags, normalised to sum to one:
flat_true = np.concatenate(y_test)
flat_pred = np.concatenate(y_pred)
fig, ax = plt.subplots(figsize=(7, 6))
ConfusionMatrixDisplay.from_predictions(
    flat_true,
    flat_pred,
    labels=brown.target_names,
    normalize="true",
    values_format=".2f",
    cmap="Blues",
    colorbar=False,
    xticks_rotation=45,
    ax=ax,
)
ax.set_title("Universal POS tags, held-out Brown sentences")
for text in ax.texts:
    text.set_fontsize(7)
fig.tight_layout()

# %%
# Nouns, adjectives and verbs take most of the errors among themselves: the
# same word form is often several of them ("the run", "to run"). The other
# large error, numbers tagged as nouns, comes from unseen words: to this
# network every word it has not seen is the same unknown token, whether it
# is "1,250" or "Wexford", and most unknown words are nouns.
#
# That is also where the network's advantage over the lookup table lies. On
# words seen in training the two are about level; on unseen words the
# network, reading the context on both sides, is well ahead. The next step
# is to tell it more about the unknown words themselves: ``python -m
# skrnn.demo`` replaces rare words by a token that describes their shape
# (capitalised, a digit, the last two letters) and gains a few more points.
#
# Flat metrics in cross-validation
# --------------------------------
# With :func:`~sklearn.metrics.make_scorer`, the flat metrics work wherever
# scikit-learn takes a scorer. A 3-fold cross-validation on 1,500 sentences,
# with a smaller network for speed:
small = RNNSequenceTagger(
    hidden_size=32,
    embedding_dim=32,
    bidirectional=True,
    min_frequency=2,
    learning_rate_init=0.005,
    max_iter=8,
    n_iter_no_change=8,
    dtype="float32",
    random_state=0,
)
with warnings.catch_warnings():
    # eight epochs on purpose, to keep the example short
    warnings.simplefilter("ignore", ConvergenceWarning)
    cv_results = cross_validate(
        small,
        X_train[:1500],
        y_train[:1500],
        cv=3,
        scoring={
            "accuracy": make_scorer(flat_accuracy_score),
            "macro_f1": make_scorer(flat_f1_score, average="macro", zero_division=0),
        },
    )
for name in ["accuracy", "macro_f1"]:
    scores = cv_results[f"test_{name}"]
    print(f"{name}: {scores.round(3)} (mean {scores.mean():.3f})")

# %%
# Tagging new sentences
# ---------------------
for sentence in [
    "The old man the boats .".split(),
    "Time flies like an arrow .".split(),
]:
    tags = tagger.predict([sentence])[0]
    print("  ".join(f"{w}/{t}" for w, t in zip(sentence, tags, strict=True)))
