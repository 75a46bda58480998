"""
====================================================
Tuning a sentiment classifier with ``GridSearchCV``
====================================================

A :class:`~skrnn.preprocessing.Tokenizer` followed by an
:class:`~skrnn.RNNClassifier` is an ordinary scikit-learn
:class:`~sklearn.pipeline.Pipeline`, so :class:`~sklearn.model_selection.GridSearchCV`
can tune it like any other estimator: here the recurrent cell and the way the
network's states over a review are pooled into one vector. The data are short
movie-review snippets labelled positive or negative
(:func:`~skrnn.datasets.load_movie_reviews`); the tuned pipeline is compared on
held-out reviews with TF-IDF features and a logistic regression.
"""

# %%
# Data
# ----
# The snippets are stored sorted by label, so a subset must be drawn at random
# (and stratified), never with ``X[:n]``. 6,000 reviews train, 2,000 are held
# out for the final test.
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from threadpoolctl import threadpool_limits

from skrnn import RNNClassifier
from skrnn.datasets import load_movie_reviews
from skrnn.preprocessing import Tokenizer

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction). The worker processes of GridSearchCV limit themselves.
threadpool_limits(limits=1, user_api="blas")

reviews = load_movie_reviews()
X_train, X_test, y_train, y_test = train_test_split(
    reviews.data,
    reviews.target,
    train_size=6000,
    test_size=2000,
    stratify=reviews.target,
    random_state=0,
)
print(X_train[0], "->", reviews.target_names[y_train[0]])

# %%
# The pipeline and the grid
# -------------------------
# Words seen only once in a training fold share the id of unseen words
# (``min_frequency=2``), so the network learns what to do with a word it has
# never met. Each fit runs a fixed four epochs, which is about where these
# networks stop improving on held-out reviews; the ``ConvergenceWarning`` that
# ``max_iter`` then raises is expected and silenced.
#
# The grid compares the three cells, and ``pooling="last"`` (the state after
# the last word) with ``pooling="max"`` (each unit's largest value over the
# review).
pipe = Pipeline(
    [
        ("tokens", Tokenizer()),
        (
            "rnn",
            RNNClassifier(
                hidden_size=32,
                embedding_dim=32,
                min_frequency=2,
                learning_rate_init=0.003,
                max_iter=4,
                dtype="float32",
                random_state=0,
            ),
        ),
    ]
)
param_grid = {"rnn__cell": ["rnn", "gru", "lstm"], "rnn__pooling": ["last", "max"]}
search = GridSearchCV(
    pipe,
    param_grid,
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    n_jobs=2,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
table = results.pivot(
    index="param_rnn__cell", columns="param_rnn__pooling", values="mean_test_score"
)
print(table.round(3))
print("best:", search.best_params_, f"CV accuracy {search.best_score_:.3f}")

# %%
# Cross-validated accuracy of each setting, with the spread over the three
# folds:
means = table.to_numpy()
stds = results.pivot(
    index="param_rnn__cell", columns="param_rnn__pooling", values="std_test_score"
).to_numpy()
fig, ax = plt.subplots(figsize=(5, 3.5))
image = ax.imshow(means, cmap="viridis")
ax.set_xticks(range(len(table.columns)), table.columns)
ax.set_yticks(range(len(table.index)), table.index)
ax.set_xlabel("pooling")
ax.set_ylabel("cell")
for i in range(means.shape[0]):
    for j in range(means.shape[1]):
        ax.text(
            j,
            i,
            f"{means[i, j]:.3f}\n± {stds[i, j]:.3f}",
            ha="center",
            va="center",
            color="white" if means[i, j] < means.mean() else "black",
        )
fig.colorbar(image, ax=ax, label="mean CV accuracy")
ax.set_title("3-fold CV accuracy on 6,000 reviews")
fig.tight_layout()

# %%
# Held-out test
# -------------
# ``GridSearchCV`` refits the best setting on all training reviews. On the
# held-out reviews it stands beside a bag of words and word pairs with a
# logistic regression, whose ``C`` is tuned the same way:
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    rnn_accuracy = search.score(X_test, y_test)
baseline = GridSearchCV(
    make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(max_iter=1000),
    ),
    {"logisticregression__C": [1.0, 3.0, 10.0, 30.0]},
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
).fit(X_train, y_train)
print(f"tuned RNN pipeline:  {rnn_accuracy:.3f}")
print(f"TF-IDF + LogReg:     {baseline.score(X_test, y_test):.3f}")

# %%
# On a few thousand short snippets, a network that learns its word embeddings
# from scratch does not beat the bag of words and word pairs: a linear model
# on sparse counts is hard to beat with this little data, and the demo
# (``python -m skrnn.demo``) finds the same on all 8,000 training reviews. The
# search itself is still informative: the gated cells are ahead of the vanilla
# RNN with either pooling, and max pooling, which lets a unit fire on one
# telling word anywhere in the review, helps most where the final state
# forgets most: in the vanilla RNN.
