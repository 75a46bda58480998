"""
=====================================
A character language model of "hello"
=====================================

The smallest language model worth drawing: four characters, ``h``, ``e``,
``l`` and ``o``, and one word. :class:`~skrnn.RNNLanguageModel` learns to
predict the next character after every prefix of ``"hello"``, which needs
memory: after the first ``l`` comes another ``l``, after the second an ``o``,
so the current character alone cannot tell what follows.

The model reads every document after an end marker ``<eos>`` and learns to
predict the ``<eos>`` that closes it, so it also learns where the word starts
and where it ends.
"""

# %%
# Training
# --------
# One document, six predictions: ``h`` after the start, ``e`` after ``h``,
# ..., and the end after ``o``. Sixteen LSTM units and a large learning rate
# learn it in a hundred epochs (one training step each: the whole word is one
# window).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNLanguageModel

lm = RNNLanguageModel(
    hidden_size=16, learning_rate_init=0.05, max_iter=100, random_state=0
)
with warnings.catch_warnings():
    # a fixed number of epochs on purpose: the loss is still creeping down
    warnings.simplefilter("ignore", ConvergenceWarning)
    lm.fit(["hello"])
print("symbols:", lm.classes_.tolist())
print(f"final training loss: {lm.loss_:.4f} nats per character")

# %%
# The next-character distribution at each step
# ---------------------------------------------
# :meth:`~skrnn.RNNLanguageModel.predict_proba` gives the distribution of the
# next character after each prefix (read after the start marker, so the empty
# prefix gives the first character). ``<unk>`` stands for characters never
# seen in training; the model gives it almost no mass.
prefixes = ["", "h", "he", "hel", "hell", "hello"]
proba = lm.predict_proba(prefixes)

fig, ax = plt.subplots(figsize=(5.5, 4))
image = ax.imshow(proba, cmap="Blues", vmin=0, vmax=1)
ax.set_xticks(range(len(lm.classes_)), lm.classes_)
ax.set_yticks(range(len(prefixes)), [repr(p) for p in prefixes])
ax.set_xlabel("next character")
ax.set_ylabel("prefix read so far")
for i in range(len(prefixes)):
    for j in range(len(lm.classes_)):
        color = "white" if proba[i, j] > 0.5 else "black"
        ax.text(j, i, f"{proba[i, j]:.2f}", ha="center", va="center", color=color)
fig.colorbar(image, ax=ax, label="probability")
ax.set_title("P(next character | prefix)")
fig.tight_layout()

print("most probable next characters:", lm.predict(prefixes).tolist())

# %%
# Sampling ``hello`` back
# -----------------------
# :meth:`~skrnn.RNNLanguageModel.sample` starts from the start marker, draws a
# character, reads it, draws the next, and stops at the end marker. At a low
# temperature it follows the most probable path; at temperature 1 it draws
# from the model's distribution, which here is almost certain at every step.
print(lm.sample(3, temperature=0.1, random_state=0))
print(lm.sample(3, temperature=1.0, random_state=0))
print("continuing 'he':", lm.sample(prefix="he", temperature=0.1, random_state=0))
print(f"probability of 'hello': {np.exp(lm.score_samples(['hello'])[0]):.3f}")
