"""
==============================================
One to many: a rating in, a review snippet out
==============================================

With one-step inputs, :class:`~skrnn.RNNEncoderDecoder` is a one-to-many model:
the encoder reads a single vector and the decoder writes a sequence. Image
captioning is the classic case (an image's features in, a sentence out); here
the vector is one number, the mean rating of a movie-review snippet by its
human raters (from -4 to +4, :func:`~skrnn.datasets.load_movie_reviews`), and
the sequence is the snippet's words. ``X`` has the shape ``(n_samples, 1, 1)``.

Does the text follow the rating? A sentiment classifier trained on *other*
snippets (a TF-IDF logistic regression) reads the generated texts: if the
decoder ignored its input, the classifier would agree with the sign of the
rating half of the time.
"""

# %%
# Data
# ----
# The short snippets (up to 80 characters) train the generator; the longer
# ones train the sentiment classifier, so it has never seen a text the
# generator learnt from. Words seen only once among the short snippets are
# left out of its targets: they are mostly names and titles, and without them
# the output layer is three times smaller.
import warnings
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skrnn import RNNEncoderDecoder
from skrnn.datasets import load_movie_reviews
from skrnn.preprocessing import Tokenizer

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction).
threadpool_limits(limits=1, user_api="blas")

reviews = load_movie_reviews()
short = np.array([len(text) <= 80 for text in reviews.data])
texts = [t for t, s in zip(reviews.data, short, strict=True) if s]
other = [t for t, s in zip(reviews.data, short, strict=True) if not s]

words = Tokenizer().fit_transform(texts)  # lower-case word tokens
counts = Counter(w for sentence in words for w in sentence)
words = [[w for w in sentence if counts[w] > 1] or ["."] for sentence in words]
ratings = reviews.rating[short]
X = (ratings / 4.0)[:, None, None]  # one time step, one feature, in [-1, 1]
print(f"{len(words)} snippets, {len({w for s in words for w in s})} words, X {X.shape}")
print(f"{ratings[0]:+.2f}: {' '.join(words[0])}")

# %%
# The generator
# -------------
# A vector in (the rating), a sentence out. Adam at 0.01, then three epochs at
# 0.001 (a warm start). The network is kept small on purpose: every snippet
# has a rating of its own (a mean of 20 raters), and a larger network learns
# to recite the training snippet nearest to a rating instead of the words that
# go with it.
generator = RNNEncoderDecoder(
    hidden_size=64,
    embedding_dim=32,
    learning_rate_init=0.01,
    max_iter=10,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    generator.fit(X, words)
    generator.set_params(warm_start=True, learning_rate_init=0.001, max_iter=3)
    generator.fit(X, words)
print(f"training loss per word: {generator.loss_:.2f}")

# %%
# What it writes
# --------------
# Greedy decoding writes the most probable word at each step. A beam search (4
# hypotheses) looks for the text of highest mean log-probability per word,
# and for open-ended text that is not always a better text: around a neutral
# rating it finds runs of ``.`` (many snippets open with an ellipsis, and
# after a ``.`` another one is very probable). Beam search pays where the
# output is well defined, as in grapheme-to-phoneme conversion.
grid = np.linspace(-4, 4, 9)
for beam_width in (1, 4):
    generator.set_params(beam_width=beam_width)
    print(f"beam_width={beam_width}")
    for r, text in zip(grid, generator.predict(grid[:, None, None] / 4), strict=True):
        print(f"  {r:+.0f}: {' '.join(text)}")

# %%
# Does the text follow the rating?
# --------------------------------
# The classifier's accuracy on the real short snippets is the ceiling of what
# it can recognise; on generated texts, chance is 50 %.
classifier = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
classifier.fit(other, reviews.target[~short])
real = classifier.score(texts, reviews.target[short])
print(f"classifier on the real short snippets: {real:.1%} right")

ratings_in = np.r_[np.linspace(-4, -0.5, 100), np.linspace(0.5, 4, 100)]
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(
    ratings,
    classifier.predict_proba(texts)[:, 1],
    s=4,
    alpha=0.25,
    color="grey",
    label="real snippets",
)
for beam_width, color in ((1, "C0"), (4, "C3")):
    generated = generator.set_params(beam_width=beam_width).predict(
        ratings_in[:, None, None] / 4
    )
    p = classifier.predict_proba([" ".join(t) for t in generated])[:, 1]
    agree = np.mean((p > 0.5) == (ratings_in > 0))
    distinct = len({tuple(t) for t in generated})
    print(
        f"beam_width={beam_width}: the classifier agrees with the rating on "
        f"{agree:.0%} of {len(generated)} generated texts ({distinct} different)"
    )
    ax.plot(
        ratings_in, p, ".", color=color, label=f"generated, beam_width={beam_width}"
    )
ax.axhline(0.5, color="black", lw=0.5)
ax.axvline(0, color="black", lw=0.5)
ax.set_xlabel("rating (the input)")
ax.set_ylabel("P(positive) by the classifier")
ax.set_title("Sentiment of generated snippets follows the input rating")
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()
