"""
========================================
What the cells of a character LSTM learn
========================================

Train an LSTM to predict the next character of *Hamlet*, then look inside:
:meth:`~skrnn.RNNSequenceTagger.hidden_states` returns the state of every unit
at every character, and ``return_cell_states=True`` adds the LSTM's memory
cells. Coloured over the text, a few of these units turn out to track
something a reader can name, as in Karpathy, Johnson & Fei-Fei's
visualisations of character-level networks (2015): how far the current line
has run, or whether the line is a speaker's name.

Next-character prediction is a tagging problem: the input is a string of
characters and the tag of each character is the character that follows it,
so :class:`~skrnn.RNNSequenceTagger` learns it as it is.
"""

# %%
# Data
# ----
# The play is cut into pieces of 100 characters. The first 90 % of the text
# trains, the rest is held out.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skrnn import RNNSequenceTagger
from skrnn.datasets import load_hamlet

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction).
threadpool_limits(limits=1, user_api="blas")

text = load_hamlet().data
split = int(0.9 * len(text))
train_text, test_text = text[:split], text[split:]


def next_character_task(text, length=100):
    """Pieces of ``text``; each character is tagged with the one after it."""
    starts = range(0, len(text) - length - 1, length)
    X = [text[i : i + length] for i in starts]
    y = [list(text[i + 1 : i + length + 1]) for i in starts]
    return X, y


X_train, y_train = next_character_task(train_text)
X_test, y_test = next_character_task(test_text)
print(f"{len(X_train)} training pieces, {len(X_test)} held out")
print(repr(X_train[30]))

# %%
# Training
# --------
# One LSTM layer of 128 units over 32-dimensional character embeddings, twelve
# epochs. A fair yardstick for its held-out accuracy is the best a model can do
# that sees only the current character: always predict the character that most
# often follows it in the training text.
tagger = RNNSequenceTagger(
    cell="lstm",
    hidden_size=128,
    embedding_dim=32,
    learning_rate_init=0.01,
    max_iter=12,
    n_iter_no_change=12,
    dtype="float32",
    random_state=0,
)
with warnings.catch_warnings():
    # twelve epochs on purpose: more would help, but take longer
    warnings.simplefilter("ignore", ConvergenceWarning)
    tagger.fit(X_train, y_train)

pairs = {}
for current, following in zip(train_text[:-1], train_text[1:], strict=True):
    pairs.setdefault(current, {}).setdefault(following, 0)
    pairs[current][following] += 1
best_next = {c: max(counts, key=counts.get) for c, counts in pairs.items()}
following = zip(test_text[:-1], test_text[1:], strict=True)
bigram = np.mean([best_next.get(c, " ") == n for c, n in following])
print(f"held-out next-character accuracy: LSTM {tagger.score(X_test, y_test):.3f}")
print(f"most frequent follower of the current character: {bigram:.3f}")

# %%
# Finding interpretable units
# ---------------------------
# Run the network over the held-out text in one piece (its states carry over
# the whole passage) and compare each memory cell, squashed by ``tanh`` as the
# LSTM squashes it, with two properties of the text that a reader sees at a
# glance: the position of the character within its line, and whether the line
# is a speaker's name (in this text, a line in capitals such as ``HAMLET``).
passage = test_text[:6000]
hidden, cells = tagger.hidden_states([passage], return_cell_states=True)
memory = np.tanh(cells[0])  # (n_characters, 128)

position_in_line = np.zeros(len(passage))
in_name_line = np.zeros(len(passage))
start = 0
for line in passage.split("\n"):
    end = min(start + len(line) + 1, len(passage))  # with the line's newline
    name = line.strip() != "" and line == line.upper() and line.strip().isupper()
    position_in_line[start:end] = np.arange(end - start)
    in_name_line[start:end] = name
    start = end


def best_unit(feature):
    centred = memory - memory.mean(axis=0)
    f = feature - feature.mean()
    corr = centred.T @ f / (np.linalg.norm(centred, axis=0) * np.linalg.norm(f) + 1e-12)
    unit = int(np.argmax(np.abs(corr)))
    return unit, corr[unit]


units = {}
for label, feature in [
    ("position in the line", position_in_line),
    ("speaker's name", in_name_line),
]:
    unit, corr = best_unit(feature)
    units[label] = unit
    print(f"{label}: cell {unit}, correlation {corr:+.2f}")

# %%
# Units over the text
# -------------------
# Each panel shows one memory cell over the same passage of held-out text:
# red where it is positive, blue where negative (``tanh`` of the cell state,
# from -1 to 1). A third cell, drawn at random among those that change over
# the passage (many sit near -1 or 1 almost all the time), shows what most
# units look like: they respond to many things at once and are not easy to
# name.
varying = np.flatnonzero(memory.std(axis=0) > 0.3)
candidates = np.setdiff1d(varying, list(units.values()))
units["a random cell"] = int(np.random.default_rng(0).choice(candidates))

offset = passage.index("\n", 1500) + 1  # start at the beginning of a line
shown = passage[offset : passage.index("\n", offset + 550)]
rows = shown.split("\n")
width = max(len(r) for r in rows) + 1


def draw(ax, unit, title):
    grid = np.full((len(rows), width), np.nan)
    position = offset
    for r, row in enumerate(rows):
        for c in range(len(row) + 1):  # + 1: the newline
            if position < len(memory):
                grid[r, c] = memory[position, unit]
            position += 1
    ax.imshow(grid, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    for r, row in enumerate(rows):
        for c, char in enumerate(row):
            ax.text(
                c, r, char, ha="center", va="center", fontsize=8, family="monospace"
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{title}: cell {unit}", fontsize=10, loc="left")


fig, axes = plt.subplots(len(units), 1, figsize=(11, 2.8 * len(units)))
for ax, (label, unit) in zip(axes, units.items(), strict=True):
    draw(ax, unit, label)
fig.tight_layout()

# %%
# Nobody told the network about lines or speakers: it was only ever asked for
# the next character. Knowing how far a line has run helps to predict the
# newline that ends it, and knowing that a name is being spelled out helps to
# predict capitals and the newline after the name, so units that track these
# things pay off in the loss. With more units, more text and more epochs, such
# units become sharper and more numerous; with the budget of this example
# they are already easy to find.
