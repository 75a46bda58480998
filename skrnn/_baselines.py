"""Non-neural baselines for the demo and the benchmarks.

The recurrent models of skrnn are shown beside simple, well-understood methods
trained on the same splits, so that a reader can judge what a network adds:

- :class:`CharNGramLM`: a character n-gram language model with interpolated
  Kneser-Ney smoothing, scored the way a neural language model is scored.

Everything here is plain Python and NumPy, fast enough for ``skrnn.demo``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

__all__ = ["CharNGramLM"]


def _check_strings(texts, name: str) -> list[str]:
    if isinstance(texts, str):
        one = {"texts": "text", "prefixes": "prefix"}[name]
        raise ValueError(
            f"{name} must be a list of str, not a str; for one {one}, pass [{one}]."
        )
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"{name}[{i}] is a {type(text).__name__}, not a str.")
    return texts


# ----------------------------------------------------------------------------
# interpolated Kneser-Ney n-gram counts
# ----------------------------------------------------------------------------


class _KneserNey:
    """Interpolated Kneser-Ney estimates over strings of token codes.

    Each token is one character of a private alphabet, so an n-gram is a
    substring and counting is slicing into dicts. A document is a str of codes
    ending with its end marker; ``fit`` pads it with ``order - 1`` copies of
    ``bos``, a code that is context only. :meth:`log_proba` takes an n-gram
    of exactly ``order`` codes (the context padded with ``bos``).
    """

    def __init__(self, order: int, discount: str | float, n_tokens: int, bos: str):
        self.order = order
        self.discount = discount
        self.n_tokens = n_tokens  # the vocabulary of predicted tokens
        self.bos = bos

    def fit(self, docs: list[str]) -> _KneserNey:
        n, bos = self.order, self.bos
        stream = "".join(bos * (n - 1) + doc for doc in docs)
        # counts[k][g]: for k = n, the raw count of g where its last token is
        # predicted; for k < n, the number of distinct tokens seen before g
        counts: list[Counter] = [Counter() for _ in range(n + 1)]
        counts[n] = Counter(
            stream[p - n + 1 : p + 1]
            for p in range(n - 1, len(stream))
            if stream[p] != bos
        )
        for k in range(n - 1, 0, -1):
            counts[k] = Counter(g[1:] for g in counts[k + 1])
        self.discounts = np.array(
            [self._estimate_discounts(counts[k]) for k in range(1, n + 1)]
        )
        # for the hot loops, plain floats indexed [order][min(count, 3)]
        self._discounts = [None, *((0.0, *map(float, d)) for d in self.discounts)]
        # per order, context h -> (sum_v c(hv), gamma(h) = sum_v D(c(hv)))
        self.contexts: list[dict[str, tuple[float, float]]] = [{}]
        for k in range(1, n + 1):
            d = (0.0, *self.discounts[k - 1])
            total: defaultdict = defaultdict(float)
            gamma: defaultdict = defaultdict(float)
            for g, c in counts[k].items():
                total[g[:-1]] += c
                gamma[g[:-1]] += d[min(c, 3)]
            self.contexts.append({h: (total[h], gamma[h]) for h in total})
        self.counts = counts
        return self

    def _estimate_discounts(self, counts: Counter) -> tuple[float, float, float]:
        """Discounts of the n-grams counted 1, 2 and 3 or more times.

        Always in ``(0, count]``, so that every context leaves some probability
        to the lower order and every token has a non-zero probability.
        """
        if not isinstance(self.discount, str):
            return (float(self.discount),) * 3
        n_r = Counter(min(c, 5) for c in counts.values())  # counts of counts
        n1, n2, n3, n4 = n_r[1], n_r[2], n_r[3], n_r[4]
        y = n1 / (n1 + 2 * n2) if n1 > 0 else 0.5
        if self.discount == "single" or min(n1, n2, n3, n4) == 0:
            return (y, y, y)
        d = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
        if not all(0 < d_c <= c for c, d_c in enumerate(d, start=1)):
            return (y, y, y)  # odd counts of counts: one discount is safer
        return d

    def log_proba(self, gram: str) -> float:
        """Natural log of p(gram[-1] | gram[:-1]); ``len(gram) == order``."""
        counts, contexts, discounts = self.counts, self.contexts, self._discounts
        n = self.order
        prob = 1.0 / self.n_tokens
        for k in range(1, n + 1):
            seen = contexts[k].get(gram[n - k : n - 1])
            if seen is None:
                break  # a longer context cannot have been seen either
            total, gamma = seen
            c = counts[k].get(gram[n - k :], 0)
            prob = ((c - discounts[k][min(c, 3)] if c else 0.0) + gamma * prob) / total
        return math.log(prob)

    def log_probas(self, context: str, tokens: Sequence[str]) -> list[float]:
        """``[log_proba(context + t) for t in tokens]``, the context looked up once."""
        counts, contexts, discounts = self.counts, self.contexts, self._discounts
        n = self.order
        probs = [1.0 / self.n_tokens] * len(tokens)
        for k in range(1, n + 1):
            h = context[n - k : n - 1]
            seen = contexts[k].get(h)
            if seen is None:
                break
            total, gamma = seen
            count, d = counts[k].get, discounts[k]
            probs = [
                ((c - d[min(c, 3)] if (c := count(h + t, 0)) else 0.0) + gamma * p)
                / total
                for t, p in zip(tokens, probs, strict=True)
            ]
        return [math.log(p) for p in probs]


def _check_order_discount(order, discount) -> None:
    if not isinstance(order, (int, np.integer)) or isinstance(order, bool) or order < 1:
        raise ValueError(f"order must be an int >= 1; got {order!r}.")
    if not (
        (isinstance(discount, str) and discount in ("modified", "single"))
        or (
            isinstance(discount, (int, float, np.floating))
            and not isinstance(discount, bool)
            and 0 < discount <= 1
        )
    ):
        raise ValueError(
            f"discount must be 'modified', 'single' or a number in (0, 1]; "
            f"got {discount!r}."
        )


# ----------------------------------------------------------------------------
# character language model
# ----------------------------------------------------------------------------

#: The end marker and the unknown symbol in :attr:`CharNGramLM.classes_`.
END, UNK = "</s>", "<unk>"


class CharNGramLM:
    r"""Character n-gram language model with interpolated Kneser-Ney smoothing.

    Documents are scored as a neural language model scores them: each from its
    start (the context of the first character is ``order - 1`` start symbols,
    which are never predicted), and the end of each is one more token, the end
    marker ``"</s>"``, that the model predicts and that counts in the
    per-token averages. Characters not seen in ``fit`` are one unknown symbol,
    ``"<unk>"``. The vocabulary, :attr:`classes_`, is the training characters,
    the end marker and the unknown symbol; the next-token distribution after
    any context sums to one over it and gives every token some probability.

    Parameters
    ----------
    order : int, default=6
        Length of the n-grams: each token is predicted from the ``order - 1``
        before it. On *Hamlet* (trained on the first 90 % of the characters),
        the held-out bits per character are 2.39, 2.26, 2.244 and 2.242 for
        orders 4 to 7.
    discount : {"modified", "single"} or float, default="modified"
        ``"modified"``: three discounts per order, for n-grams counted once,
        twice and more often, estimated from the counts of counts (Chen and
        Goodman, 1999); ``"single"``: one per order, :math:`n_1 / (n_1 + 2
        n_2)` (Ney, Essen and Kneser, 1994), 0.05 bits per character worse
        on *Hamlet*; a number in ``(0, 1]``: that discount everywhere.

    Attributes
    ----------
    classes_ : ndarray of object
        The vocabulary: the sorted training characters, then ``"</s>"`` and
        ``"<unk>"``. Columns of :meth:`predict_proba` are in this order.
    vocabulary_ : dict
        Token to its column of :attr:`classes_`.
    discounts_ : ndarray of shape (order, 3)
        Row ``k - 1``: the discounts of the ``k``-grams counted 1, 2 and 3 or
        more times.

    Notes
    -----
    With :math:`c_k` the raw count for the highest order and the continuation
    count (the number of distinct tokens seen before the n-gram) for the lower
    orders, :math:`h` the last :math:`k - 1` tokens and :math:`h'` the last
    :math:`k - 2`,

    .. math::

        p_k(w \mid h) = \frac{\max(c_k(hw) - D_k(c_k(hw)), 0)
                        + \gamma_k(h)\, p_{k-1}(w \mid h')}{\sum_v c_k(hv)},
        \qquad
        \gamma_k(h) = \sum_{v:\, c_k(hv) > 0} D_k(c_k(hv)),

    with :math:`p_0(w) = 1 / |V|` over the vocabulary, and :math:`p_k =
    p_{k-1}` for a context :math:`h` never seen in training.

    Examples
    --------
    >>> from skrnn._baselines import CharNGramLM
    >>> lm = CharNGramLM(order=3).fit(["abracadabra", "cadabra"])
    >>> lm.classes_.tolist()
    ['a', 'b', 'c', 'd', 'r', '</s>', '<unk>']
    >>> proba = lm.predict_proba(["abr", "cada"])
    >>> proba.sum(axis=1).round(6).tolist()
    [1.0, 1.0]
    >>> [str(lm.classes_[i]) for i in proba.argmax(axis=1)]
    ['a', 'b']
    >>> round(lm.bits_per_character(["abracadabra"]), 3)
    0.478
    """

    def __init__(self, order: int = 6, discount: str | float = "modified"):
        self.order = order
        self.discount = discount

    def _encode(self, text: str) -> str:
        """The codes of a document, padded with start codes, without its end."""
        codes, unk = self._codes, self._unk
        return self._bos * (self.order - 1) + "".join([codes.get(c, unk) for c in text])

    def fit(self, texts: Sequence[str], y=None) -> CharNGramLM:
        """Count the n-grams of the documents.

        Parameters
        ----------
        texts : list of str
            Training documents.
        y : None
            Ignored.

        Returns
        -------
        self : CharNGramLM
            The fitted model.
        """
        texts = _check_strings(texts, "texts")
        _check_order_discount(self.order, self.discount)
        chars = sorted(set().union(*texts))
        self.classes_ = np.array([*chars, END, UNK], dtype=object)
        self.vocabulary_ = {c: i for i, c in enumerate(self.classes_)}
        self._codes = {c: chr(i) for i, c in enumerate(chars)}
        self._end, self._unk = chr(len(chars)), chr(len(chars) + 1)
        self._bos = chr(len(chars) + 2)
        n = self.order
        model = _KneserNey(n, self.discount, len(self.classes_), self._bos)
        model.fit([self._encode(t)[n - 1 :] + self._end for t in texts])
        self._model = model
        self.discounts_ = model.discounts
        return self

    def score_samples(self, texts: Sequence[str]) -> np.ndarray:
        """Total log-likelihood of each document in nats, end marker included.

        Parameters
        ----------
        texts : list of str
            Documents, each scored from its start.

        Returns
        -------
        ndarray of shape (n_texts,)
            The sum of :math:`\\log p(\\text{token} \\mid \\text{context})` over
            the characters of each document and its end marker.
        """
        texts = _check_strings(texts, "texts")
        n, log_proba = self.order, self._model.log_proba
        out = np.empty(len(texts))
        for i, text in enumerate(texts):
            s = self._encode(text) + self._end
            out[i] = sum(log_proba(s[p - n + 1 : p + 1]) for p in range(n - 1, len(s)))
        return out

    def score(self, texts: Sequence[str], y=None) -> float:
        """Mean log-likelihood per token (characters and end markers), in nats.

        Parameters
        ----------
        texts : list of str
            Documents.
        y : None
            Ignored.

        Returns
        -------
        float
            The total log-likelihood over the number of tokens; higher is
            better.
        """
        texts = _check_strings(texts, "texts")
        n_tokens = sum(len(t) + 1 for t in texts)
        return float(self.score_samples(texts).sum() / n_tokens)

    def perplexity(self, texts: Sequence[str]) -> float:
        """Per-token perplexity, ``exp(-score(texts))``.

        Parameters
        ----------
        texts : list of str
            Documents.

        Returns
        -------
        float
            The perplexity; lower is better.
        """
        return math.exp(-self.score(texts))

    def bits_per_character(self, texts: Sequence[str]) -> float:
        """Cross-entropy in bits per token (characters and end markers).

        Parameters
        ----------
        texts : list of str
            Documents.

        Returns
        -------
        float
            ``-score(texts) / log(2)``; lower is better.
        """
        return -self.score(texts) / math.log(2)

    def predict_proba(self, prefixes: Sequence[str]) -> np.ndarray:
        """Distribution of the next token after each beginning of a document.

        Parameters
        ----------
        prefixes : list of str
            Beginnings of documents, possibly empty.

        Returns
        -------
        ndarray of shape (n_prefixes, n_classes)
            The probability of each token of :attr:`classes_` coming next.
        """
        prefixes = _check_strings(prefixes, "prefixes")
        context_length = self.order - 1
        tokens = [chr(j) for j in range(len(self.classes_))]
        out = np.empty((len(prefixes), len(self.classes_)))
        for i, prefix in enumerate(prefixes):
            context = self._encode(prefix)
            context = context[len(context) - context_length :]
            out[i] = np.exp(self._model.log_probas(context, tokens))
        return out
