"""
========================================
What the cells of a character LSTM learn
========================================

Train a character language model on *Hamlet*, then look inside:
:meth:`~skrnn.RNNLanguageModel.hidden_states` returns the state of every unit
after every character, and ``return_cell_states=True`` adds the LSTM's memory
cells. Coloured over the text, a few of these units turn out to track
something a reader can name, as in Karpathy, Johnson & Fei-Fei's
visualisations of character-level networks (2015): how far the current line
has run, or whether the line is a speaker's name.
"""

# %%
# Data and training
# -----------------
# The first 90 % of the play trains, the rest is held out. The play is one
# document: :class:`~skrnn.RNNLanguageModel` trains on it by stateful
# truncated back-propagation through time, reading 32 contiguous streams of
# the text side by side in windows of 64 characters with the state carried
# from window to window, so the network learns from context that reaches far
# beyond one window.
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skrnn import RNNLanguageModel
from skrnn.datasets import load_hamlet

# Small networks: one BLAS thread is faster than several (see the gallery's
# introduction).
threadpool_limits(limits=1, user_api="blas")

text = load_hamlet().data
split = int(0.9 * len(text))
train_text, test_text = text[:split], text[split:]

# %%
# One LSTM layer of 128 units over 32-dimensional character embeddings, twelve
# epochs. A fair yardstick for its held-out bits per character is a model that
# sees only the current character: the bigram model of the training text (with
# add-one smoothing).
lm = RNNLanguageModel(
    cell="lstm",
    hidden_size=128,
    embedding_dim=32,
    max_iter=12,
    early_stopping=False,  # the last 10% of the play is held out by hand
    random_state=0,
)
with warnings.catch_warnings():
    # twelve epochs on purpose: more would help, but take longer
    warnings.simplefilter("ignore", ConvergenceWarning)
    lm.fit([train_text])

alphabet = sorted(set(text))
pairs = {(a, b): 0 for a in alphabet for b in alphabet}
for current, following in zip(train_text[:-1], train_text[1:], strict=True):
    pairs[current, following] += 1
after = {a: sum(pairs[a, b] for b in alphabet) for a in alphabet}
bigram = -np.mean(
    [
        math.log2((pairs[a, b] + 1) / (after[a] + len(alphabet)))
        for a, b in zip(test_text[:-1], test_text[1:], strict=True)
    ]
)
lstm_bits = -lm.score([test_text]) / math.log(2)
print(f"held-out bits per character: LSTM {lstm_bits:.3f}, bigram {bigram:.3f}")

# %%
# Finding interpretable units
# ---------------------------
# Run the network over the held-out text in one piece (its states carry over
# the whole passage; row ``t`` is the state after reading character ``t``) and
# compare each memory cell, squashed by ``tanh`` as the
# LSTM squashes it, with two properties of the text that a reader sees at a
# glance: the position of the character within its line, and whether the line
# is a speaker's name (in this text, a line in capitals such as ``HAMLET``).
passage = test_text[:6000]
hidden, cells = lm.hidden_states([passage], return_cell_states=True)
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
