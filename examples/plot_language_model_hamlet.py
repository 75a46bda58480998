"""
====================================
A character language model of Hamlet
====================================

Train :class:`~skrnn.RNNLanguageModel` on the characters of *Hamlet*, follow its
held-out bits per character epoch by epoch, and let it write at three
temperatures.

The whole play is one document. With ``early_stopping=True`` and a single
document, the model holds out the last ``validation_fraction`` of its
characters (the last 10%: most of the play's last scene) and scores them after
every epoch, reading them from the zero state as a document of their own; at
the end it keeps the weights of the best epoch.
"""

# %%
# Training
# --------
# An LSTM of 128 units over 32-dimensional character embeddings, trained by
# stateful truncated back-propagation through time: the play (without its last
# 10%) is cut into 32 contiguous streams of about 4,900 characters, read side
# by side in windows of 64 characters, the state carried from window to window.
# Each epoch is 77 training steps.
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
print(f"{len(text):,} characters, {len(set(text))} distinct")

EPOCHS = 15
lm = RNNLanguageModel(
    hidden_size=128,
    max_iter=EPOCHS,
    early_stopping=True,
    validation_fraction=0.1,
    n_iter_no_change=EPOCHS,
    random_state=0,
    verbose=1,
)
with warnings.catch_warnings():
    # a fixed budget of epochs on purpose: more would still help
    warnings.simplefilter("ignore", ConvergenceWarning)
    lm.fit([text])

# %%
# The training curve in bits per character
# ----------------------------------------
# The training loss is the mean cross-entropy in nats per character over the
# epoch's windows (with a tiny L2 term); the validation score is the mean
# log-likelihood per character of the held-out text. Dividing by
# :math:`-\ln 2` turns both into bits per character. The first epoch's
# training loss is above the held-out one because it averages over an epoch in
# which the model was still learning. A model that only knew the characters'
# frequencies would need the unigram entropy, drawn for reference.
cut = len(text) - math.ceil(0.1 * len(text))
train, held_out = text[:cut], text[cut:]
counts = {c: train.count(c) for c in set(train)}
unigram = -np.mean([math.log2(counts.get(c, 1) / len(train)) for c in held_out])

epochs = np.arange(1, lm.n_iter_ + 1)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(epochs, np.array(lm.loss_curve_) / math.log(2), "o-", label="training")
ax.plot(
    epochs,
    -np.array(lm.validation_scores_) / math.log(2),
    "s-",
    label="held out (last 10% of the play)",
)
ax.axhline(unigram, color="grey", ls="--", label="unigram entropy (held out)")
ax.set_xlabel("epoch")
ax.set_ylabel("bits per character")
ax.legend()
ax.set_title("Character LSTM on Hamlet")
fig.tight_layout()

bits = -lm.score([held_out]) / math.log(2)
print(f"held-out: {bits:.3f} bits per character (unigram model: {unigram:.3f})")
print(f"perplexity per character: {lm.perplexity([held_out]):.2f}")

# %%
# Samples at three temperatures
# -----------------------------
# Each sample continues the prefix ``"HAMLET\n"``: the model has to choose
# what Hamlet says. The temperature divides the logits before the softmax: at
# 0.5 the model keeps to its most probable characters (common words, repeated
# phrases); at 1.0 it samples its own distribution; at 1.5 it flattens it and
# the spelling falls apart.
for temperature in [0.5, 1.0, 1.5]:
    (sample,) = lm.sample(
        prefix="HAMLET\n", max_length=300, temperature=temperature, random_state=0
    )
    print(f"--- temperature {temperature} ---")
    print("HAMLET\n" + sample)
