"""Non-neural baselines for the demo and the benchmarks.

The recurrent models of skrnn are shown beside simple, well-understood methods
trained on the same splits, so that a reader can judge what a network adds:

- :class:`CharNGramLM`: a character n-gram language model with interpolated
  Kneser-Ney smoothing, scored the way a neural language model is scored;
- :class:`GraphoneG2P`: grapheme to phoneme with a joint-sequence model, an
  n-gram model over letter-phoneme pairs found by aligning the dictionary;
- :func:`crf_pos_features`: the usual feature template of a CRF
  part-of-speech tagger (the CRF itself, from the optional
  ``sklearn-crfsuite``, is trained in ``benchmarks/bench_text.py``);
- :func:`phoneme_error_rates`: the word and phoneme error rates of a
  grapheme-to-phoneme model (through :mod:`skrnn.metrics`);
  :data:`G2P_STRESS`: whether that task keeps the stress digits (it does).

Everything here is plain Python and NumPy, fast enough for ``skrnn.demo``.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator

__all__ = [
    "G2P_STRESS",
    "CharNGramLM",
    "GraphoneG2P",
    "crf_pos_features",
    "fit_crf",
    "tag_accuracies",
    "phoneme_error_rates",
]


def _check_strings(texts, name: str) -> list[str]:
    if isinstance(texts, str):
        one = {"texts": "text", "prefixes": "prefix", "words": "word"}[name]
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


class CharNGramLM(BaseEstimator):
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


# ----------------------------------------------------------------------------
# grapheme to phoneme
# ----------------------------------------------------------------------------


def phoneme_error_rates(
    y_true: Sequence[Sequence[str]],
    y_pred: Sequence[Sequence[str]],
    *,
    references: Sequence[Sequence[Sequence[str]]] | None = None,
) -> tuple[float, float]:
    """Word error rate and phoneme error rate of predicted pronunciations.

    Parameters
    ----------
    y_true, y_pred : list of list of str
        The reference and the predicted phonemes of each word.

    references : list of list of list of str, default=None
        Every accepted pronunciation of each word (such as
        ``load_cmudict().pronunciations``). If given, the usual convention of
        g2p benchmarks applies: a word is right if its prediction equals any
        of them, and its phoneme errors are the edits to the closest one
        (the first of the closest on ties), counted over that one's length.
        ``y_true`` is then only checked for length.

    Returns
    -------
    wer : float
        The share of the words whose predicted phonemes are not exactly the
        reference (any of the references).
    per : float
        The total edit distance over the total number of reference phonemes.

    Examples
    --------
    >>> from skrnn._baselines import phoneme_error_rates
    >>> phoneme_error_rates([["K", "AE", "T"], ["D", "AO", "G"]],
    ...                     [["K", "AE", "T"], ["D", "AA", "G", "Z"]])
    (0.5, 0.3333333333333333)
    >>> phoneme_error_rates([["K", "AE", "T"], ["D", "AO", "G"]],
    ...                     [["K", "AE", "T"], ["D", "AA", "G", "Z"]],
    ...                     references=[[["K", "AE", "T"]],
    ...                                 [["D", "AO", "G"], ["D", "AA", "G"]]])
    (0.5, 0.16666666666666666)
    """
    from .metrics import _edit_distances, sequence_accuracy_score, token_error_rate

    if references is None:
        return (
            1.0 - sequence_accuracy_score(y_true, y_pred),
            token_error_rate(y_true, y_pred),
        )
    if not len(y_true) == len(y_pred) == len(references):
        raise ValueError(
            f"y_true, y_pred and references have different lengths: "
            f"{len(y_true)}, {len(y_pred)} and {len(references)}."
        )
    if not len(y_pred):
        raise ValueError("y_true and y_pred are empty: there is nothing to score.")
    counts = np.array([len(refs) for refs in references])
    if not counts.all():
        raise ValueError(
            f"references[{int(np.argmin(counts))}] is empty; each word needs one."
        )
    # every (reference, prediction) pair at once; word i owns counts[i] pairs
    owner = np.repeat(np.arange(len(y_pred)), counts)
    flat = [np.array(ref, dtype=str) for refs in references for ref in refs]
    pred = [np.array(p, dtype=str) for p in y_pred]
    distances = _edit_distances(flat, [pred[i] for i in owner])
    fewest = np.minimum.reduceat(distances, np.cumsum(counts) - counts)
    # the first of each word's closest references
    closest = np.flatnonzero(distances == fewest[owner])
    closest = closest[np.unique(owner[closest], return_index=True)[1]]
    length = sum(len(flat[k]) for k in closest)
    return float(np.mean(fewest > 0)), float(fewest.sum() / length)


#: Whether the demo's and the benchmarks' grapheme-to-phoneme task keeps the
#: stress digits of the CMU dictionary (``load_cmudict(stress=True)``): 69
#: phoneme symbols instead of 39. Stress is part of the pronunciation and
#: feasible to learn, so it is kept, at a cost: the word error rate of
#: :class:`GraphoneG2P` is 37 % instead of 28 % on the full split, 66 % instead
#: of 53 % trained on 5,000 words. Neural models of the task use the same
#: choice, so that the numbers compare.
G2P_STRESS = True


def _strip_stress(phoneme: str) -> str:
    return phoneme.rstrip("012")


class GraphoneG2P(BaseEstimator):
    """Grapheme to phoneme: an n-gram model of letter-phoneme pairs.

    A joint-sequence model (Bisani and Ney, 2008) kept simple. ``fit`` aligns
    each training spelling with its phonemes, each letter with zero, one or
    two phonemes ("x" with ``K S``, the "e" of "stone" with none), by
    expectation maximization (``n_iter`` rounds of forward-backward over all
    alignments, then the most likely one) on the phonemes without their
    stress digits. Each word becomes a sequence of graphones, (letter,
    phonemes) pairs, with the stress digits of the training pronunciation if
    it has them, and a Kneser-Ney n-gram model of ``order`` is fit on these
    sequences. ``predict`` returns the training pronunciation of a training
    word; for any other word a beam search finds the graphone sequence that
    spells the word with the highest probability under the n-gram model, and
    returns its phonemes. Letters never seen in training are skipped.

    Parameters
    ----------
    order : int, default=6
        Graphones per n-gram.
    beam_width : int, default=8
        Partial pronunciations kept after each letter (those that share the
        last ``order - 1`` graphones are merged first, keeping the best).
    n_iter : int, default=5
        Rounds of expectation maximization of the alignment.

    Attributes
    ----------
    lexicon_ : dict
        Each training spelling and its phonemes (a tuple).
    chunk_probabilities_ : dict
        Each letter and a dict of the phoneme chunks it aligns with (a
        space-joined str of zero to two phonemes, without stress) and their
        probabilities, above 1e-4.
    graphones_ : list of tuple
        The (letter, phonemes) pairs of the aligned training words, the
        phonemes as a space-joined str. The decoder considers those seen at
        least twice, and the most frequent of each letter.
    n_unaligned_ : int
        Training words with more than two phonemes per letter, which no
        alignment fits: they are kept in :attr:`lexicon_` only.

    Notes
    -----
    Word error rates (the share of held-out words whose phonemes are not all
    right) on the CMU dictionary, with and without stress digits: 37.3 % and
    27.7 % on a seed-0 random 90/10 split of its 126,052 words, 65.6 % and
    53.0 % when trained on 5,000 random words (tested on 500). Measured while
    choosing this model, on the full split: giving each letter the most
    frequent phonemes of its widest letter context seen in training (up to
    four letters each side, on the same alignment) gets 53 % and 40 %; the
    pronunciation of the nearest training spelling by edit distance, 92 %
    without stress (on 2,000 of the test words).

    Examples
    --------
    >>> from skrnn._baselines import GraphoneG2P
    >>> words = ["cat", "cats", "hat", "bat", "fox", "box", "tax"]
    >>> prons = [["K", "AE1", "T"], ["K", "AE1", "T", "S"], ["HH", "AE1", "T"],
    ...          ["B", "AE1", "T"], ["F", "AA1", "K", "S"],
    ...          ["B", "AA1", "K", "S"], ["T", "AE1", "K", "S"]]
    >>> g2p = GraphoneG2P(order=3).fit(words, prons)
    >>> g2p.predict(["hats", "fax", "cat"])
    [['HH', 'AE1', 'T', 'S'], ['F', 'AE1', 'K', 'S'], ['K', 'AE1', 'T']]
    """

    def __init__(self, order: int = 6, beam_width: int = 8, n_iter: int = 5):
        self.order = order
        self.beam_width = beam_width
        self.n_iter = n_iter

    def fit(
        self, words: Sequence[str], pronunciations: Sequence[Sequence[str]]
    ) -> GraphoneG2P:
        """Align the training words and fit the graphone n-gram model.

        Parameters
        ----------
        words : list of str
            Spellings.
        pronunciations : list of list of str
            The phonemes of each spelling.

        Returns
        -------
        self : GraphoneG2P
            The fitted model.
        """
        words = _check_strings(words, "words")
        prons = [list(p) for p in pronunciations]
        if len(words) != len(prons):
            raise ValueError(
                f"words and pronunciations hold {len(words)} and {len(prons)} items."
            )
        for i, (word, pron) in enumerate(zip(words, prons, strict=True)):
            if not word or not pron:
                raise ValueError(f"word {i} ({word!r}) or its pronunciation is empty.")
        _check_order_discount(self.order, "modified")
        for name in ("beam_width", "n_iter"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be an int >= 1; got {value!r}.")

        self.lexicon_ = {}
        for word, pron in zip(words, prons, strict=True):
            self.lexicon_.setdefault(word, tuple(pron))
        aligned = [
            list(zip(word, chunks, strict=True))
            for word, chunks in zip(words, self._align(words, prons), strict=True)
            if chunks is not None
        ]
        counts = Counter(g for graphones in aligned for g in graphones)
        self.graphones_ = sorted(counts)
        codes = {g: chr(i) for i, g in enumerate(self.graphones_)}
        self._end = chr(len(codes))
        self._bos = chr(len(codes) + 1)
        model = _KneserNey(self.order, "modified", len(codes) + 1, self._bos)
        model.fit(["".join(codes[g] for g in gs) + self._end for gs in aligned])
        self._model = model
        # decoding candidates: the graphones of each letter seen at least twice
        # (at least one per letter), most frequent first. Those seen once are
        # mostly odd alignments: leaving them out changes 1 test word in 12,606
        # and makes decoding 30 % faster (CMU dictionary, stress kept).
        candidates = defaultdict(list)
        for g, c in counts.most_common():
            if c >= 2 or g[0] not in candidates:
                candidates[g[0]].append(g)
        self._candidates = {
            letter: ([codes[g] for g in gs], [g[1] for g in gs])
            for letter, gs in candidates.items()
        }
        return self

    def predict(self, words: Sequence[str]) -> list[list[str]]:
        """Pronounce each word.

        Parameters
        ----------
        words : list of str
            Spellings.

        Returns
        -------
        list of list of str
            The phonemes of each word: its training pronunciation if it is a
            training word, otherwise the most likely under the model.
        """
        words = _check_strings(words, "words")
        return [
            list(self.lexicon_[w]) if w in self.lexicon_ else self._decode(w)
            for w in words
        ]

    def _decode(self, word: str) -> list[str]:
        log_probas = self._model.log_probas
        # state: the last order - 1 graphone codes -> (log-probability, chunks)
        beam: dict[str, tuple[float, tuple[str, ...]]] = {
            self._bos * (self.order - 1): (0.0, ())
        }
        for letter in word:
            options = self._candidates.get(letter)
            if options is None:
                continue  # a letter never seen in training says nothing
            codes, chunks_of = options
            grown: dict[str, tuple[float, tuple[str, ...]]] = {}
            for state, (score, chunks) in beam.items():
                for code, chunk, lp in zip(
                    codes, chunks_of, log_probas(state, codes), strict=True
                ):
                    new = score + lp
                    key = (state + code)[1:]
                    old = grown.get(key)
                    if old is None or old[0] < new:
                        grown[key] = (new, (*chunks, chunk))
            beam = dict(
                heapq.nlargest(self.beam_width, grown.items(), key=lambda kv: kv[1][0])
            )
        end = [self._end]
        _, chunks = max(
            beam.items(), key=lambda kv: kv[1][0] + log_probas(kv[0], end)[0]
        )[1]
        return " ".join(chunks).split()

    def score(self, words: Sequence[str], pronunciations) -> float:
        """Share of the words whose predicted phonemes are exactly right.

        Parameters
        ----------
        words : list of str
            Spellings.
        pronunciations : list of list of str
            Their reference phonemes.

        Returns
        -------
        float
            ``1 - word error rate``.
        """
        wer, _ = phoneme_error_rates(pronunciations, self.predict(words))
        return 1.0 - wer

    # -- alignment of letters with phonemes --

    def _align(self, words, prons) -> list[list[str] | None]:
        """The phonemes (a space-joined str) of each letter of each word.

        None for the words that no alignment fits.
        """
        letters = sorted(set().union(*words))
        letter_id = {c: i for i, c in enumerate(letters)}
        symbols = sorted({_strip_stress(p) for pron in prons for p in pron})
        symbol_id = {s: i for i, s in enumerate(symbols)}
        n_sym = len(symbols)
        n_chunks = 1 + n_sym + n_sym * n_sym  # nothing, one phoneme, two

        # words with as many letters and as many phonemes are aligned together
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, (word, pron) in enumerate(zip(words, prons, strict=True)):
            if len(pron) <= 2 * len(word):
                groups[len(word), len(pron)].append(i)
        batches = []
        for (_, n_phones), index in groups.items():
            let = np.array([[letter_id[c] for c in words[i]] for i in index])
            ph = np.array(
                [[symbol_id[_strip_stress(p)] for p in prons[i]] for i in index]
            ).reshape(len(index), n_phones)
            # chunk ids of the edges that end after phoneme j (0 .. n_phones)
            one = np.zeros((len(index), n_phones + 1), dtype=np.int64)
            two = np.zeros((len(index), n_phones + 1), dtype=np.int64)
            one[:, 1:] = 1 + ph
            two[:, 2:] = 1 + n_sym + ph[:, :-1] * n_sym + ph[:, 1:]
            batches.append((index, let, one, two))

        emission = np.ones((len(letters), n_chunks))  # p(chunk | letter)
        for _ in range(self.n_iter):
            expected = np.zeros(emission.size)
            for _, let, one, two in batches:
                expected += _expected_counts(emission, let, one, two)
            expected = expected.reshape(emission.shape)
            emission = expected / np.maximum(
                expected.sum(axis=1, keepdims=True), 1e-300
            )

        names = ["", *symbols, *(f"{a} {b}" for a in symbols for b in symbols)]
        self.chunk_probabilities_ = {
            c: {names[k]: float(row[k]) for k in np.flatnonzero(row > 1e-4)}
            for c, row in zip(letters, emission, strict=True)
        }

        chunks: list[list[str] | None] = [None] * len(words)
        for index, let, one, two in batches:
            lengths, ok = _viterbi(emission, let, one, two)
            for row, i in enumerate(index):
                if ok[row]:
                    pron, j, out = prons[i], 0, []
                    for k in lengths[row]:
                        out.append(" ".join(pron[j : j + k]))
                        j += k
                    chunks[i] = out
        self.n_unaligned_ = chunks.count(None)
        return chunks


def _edge_probabilities(emission, let, one, two):
    """Probabilities of the edges into (letter i, phoneme j) of a batch.

    ``e0[w, i]``: letter ``i`` of word ``w`` aligns with nothing;
    ``e1[w, i, j]``, ``e2[w, i, j]``: with the one, two phonemes ending at ``j``.
    """
    e0 = emission[let, 0]
    e1 = emission[let[:, :, None], one[:, None, :]]
    e2 = emission[let[:, :, None], two[:, None, :]]
    e1[:, :, 0] = 0.0
    e2[:, :, :2] = 0.0
    return e0, e1, e2


def _expected_counts(emission, let, one, two) -> np.ndarray:
    """Forward-backward over all alignments of words of one shape.

    Returns the expected number of times each (letter, chunk) pair is used,
    flattened like ``emission``.
    """
    n, n_letters = let.shape
    n_phones = one.shape[1] - 1
    e0, e1, e2 = _edge_probabilities(emission, let, one, two)
    # alpha[i, w, j]: first i letters with first j phonemes; beta: the rest
    alpha = np.zeros((n_letters + 1, n, n_phones + 1))
    alpha[0, :, 0] = 1.0
    for i in range(1, n_letters + 1):
        a = alpha[i - 1]
        alpha[i] = a * e0[:, i - 1, None]
        alpha[i, :, 1:] += a[:, :-1] * e1[:, i - 1, 1:]
        alpha[i, :, 2:] += a[:, :-2] * e2[:, i - 1, 2:]
    beta = np.zeros_like(alpha)
    beta[n_letters, :, n_phones] = 1.0
    for i in range(n_letters, 0, -1):
        b = beta[i]
        beta[i - 1] = b * e0[:, i - 1, None]
        beta[i - 1, :, :-1] += b[:, 1:] * e1[:, i - 1, 1:]
        beta[i - 1, :, :-2] += b[:, 2:] * e2[:, i - 1, 2:]
    z = alpha[n_letters, :, n_phones]
    inv_z = np.divide(1.0, z, out=np.zeros_like(z), where=z > 0)[:, None, None]
    # posterior of an edge: alpha(its start) * edge * beta(its end) / z
    a = alpha[:-1].transpose(1, 0, 2)
    b = beta[1:].transpose(1, 0, 2) * inv_z
    w0 = a * e0[:, :, None] * b
    w1 = np.zeros_like(w0)
    w1[:, :, 1:] = a[:, :, :-1] * e1[:, :, 1:] * b[:, :, 1:]
    w2 = np.zeros_like(w0)
    w2[:, :, 2:] = a[:, :, :-2] * e2[:, :, 2:] * b[:, :, 2:]
    base = let[:, :, None] * emission.shape[1]
    ids = np.concatenate(
        [
            np.broadcast_to(base, w0.shape).ravel(),
            (base + one[:, None, :]).ravel(),
            (base + two[:, None, :]).ravel(),
        ]
    )
    weights = np.concatenate([w0.ravel(), w1.ravel(), w2.ravel()])
    return np.bincount(ids, weights, minlength=emission.size)


def _viterbi(emission, let, one, two) -> tuple[np.ndarray, np.ndarray]:
    """Phonemes per letter (0, 1 or 2) in the most likely alignment of each word.

    Also returns whether each word has an alignment of non-zero probability.
    """
    n, n_letters = let.shape
    n_phones = one.shape[1] - 1
    with np.errstate(divide="ignore"):
        e0, e1, e2 = (np.log(e) for e in _edge_probabilities(emission, let, one, two))
    best = np.full((n, n_phones + 1), -np.inf)
    best[:, 0] = 0.0
    back = np.zeros((n_letters + 1, n, n_phones + 1), dtype=np.int8)
    for i in range(1, n_letters + 1):
        cand = np.full((3, n, n_phones + 1), -np.inf)
        cand[0] = best + e0[:, i - 1, None]
        cand[1, :, 1:] = best[:, :-1] + e1[:, i - 1, 1:]
        cand[2, :, 2:] = best[:, :-2] + e2[:, i - 1, 2:]
        back[i] = cand.argmax(axis=0)
        best = cand.max(axis=0)
    lengths = np.zeros((n, n_letters), dtype=np.int64)
    j = np.full(n, n_phones)
    rows = np.arange(n)
    for i in range(n_letters, 0, -1):
        k = back[i, rows, j]
        lengths[:, i - 1] = k
        j = np.maximum(j - k, 0)
    return lengths, np.isfinite(best[:, n_phones])


# ----------------------------------------------------------------------------
# part-of-speech features
# ----------------------------------------------------------------------------


def crf_pos_features(sentence: Sequence[str]) -> list[dict[str, object]]:
    """The features of each word of a sentence for a CRF part-of-speech tagger.

    The usual template (as in the ``sklearn-crfsuite`` tutorial): the word,
    its lower case, its last two and three letters, its first three, whether
    it is title-case, upper-case, a number, or holds a hyphen; the same for
    the words before and after it (prefixed ``-1:`` and ``+1:``), and
    ``BOS``/``EOS`` at the start and the end of the sentence.

    Parameters
    ----------
    sentence : list of str
        The words.

    Returns
    -------
    list of dict
        One dict per word, as ``sklearn_crfsuite.CRF`` takes them: str values
        are one-hot features ``name=value``, booleans are 0/1 features.

    Examples
    --------
    >>> from skrnn._baselines import crf_pos_features
    >>> features = crf_pos_features(["The", "well-known", "cat"])
    >>> sorted(k for k in features[0] if not k.startswith("+1:"))
    ['BOS', 'bias', 'has_hyphen', 'is_digit', 'is_title', 'is_upper', 'lower',\
 'prefix3', 'suffix2', 'suffix3', 'word']
    >>> features[1]["suffix3"], features[1]["has_hyphen"], features[1]["-1:lower"]
    ('own', True, 'the')
    >>> features[2]["EOS"]
    True
    """
    words = list(sentence)
    shapes = [_word_features(w) for w in words]
    out = []
    for i, own in enumerate(shapes):
        features: dict[str, object] = {"bias": 1.0, **own}
        if i == 0:
            features["BOS"] = True
        else:
            features.update({"-1:" + k: v for k, v in shapes[i - 1].items()})
        if i == len(words) - 1:
            features["EOS"] = True
        else:
            features.update({"+1:" + k: v for k, v in shapes[i + 1].items()})
        out.append(features)
    return out


def _word_features(word: str) -> dict[str, object]:
    return {
        "word": word,
        "lower": word.lower(),
        "suffix2": word[-2:],
        "suffix3": word[-3:],
        "prefix3": word[:3],
        "is_title": word.istitle(),
        "is_upper": word.isupper(),
        "is_digit": word.isdigit(),
        "has_hyphen": "-" in word,
    }


def fit_crf(X_train, y_train, *, max_iterations: int = 50):
    """A CRF tagger (``sklearn-crfsuite``, optional) on :func:`crf_pos_features`.

    L-BFGS with ``c1=c2=0.1`` and all possible transitions; predict with
    ``crf.predict([crf_pos_features(s) for s in X])``.
    """
    import sklearn_crfsuite

    crf = sklearn_crfsuite.CRF(
        algorithm="lbfgs",
        c1=0.1,
        c2=0.1,
        max_iterations=max_iterations,
        all_possible_transitions=True,
    )
    crf.fit([crf_pos_features(s) for s in X_train], y_train)
    return crf


def tag_accuracies(X_train, X_test, y_test, y_pred) -> dict:
    """Token accuracy overall, on words seen in training and on unseen words."""
    seen_words = {w for sentence in X_train for w in sentence}
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for words, tags, preds in zip(X_test, y_test, y_pred, strict=True):
        for word, tag, pred in zip(words, tags, preds, strict=True):
            seen = word in seen_words
            total[seen] += 1
            right[seen] += tag == pred
    return {
        "accuracy": (right[True] + right[False]) / (total[True] + total[False]),
        "accuracy_seen": right[True] / max(total[True], 1),
        "accuracy_unseen": right[False] / max(total[False], 1),
        "n_test_tokens": total[True] + total[False],
        "n_unseen_tokens": total[False],
    }
