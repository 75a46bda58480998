"""The non-neural baselines of the demo and the benchmarks (skrnn._baselines).

The language model is checked against values worked out by hand and against a
slow textbook implementation written here from the formulas, the
grapheme-to-phoneme model and the CRF features on small cases; the models also
run on bundled data (Hamlet, the demo-size splits of the CMU dictionary and of
Brown) against floors set below the scores measured when this file was written
(the measured values are in the comments).
"""

import math
import pickle
from collections import Counter

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.model_selection import train_test_split

from skrnn._baselines import (
    CharNGramLM,
    GraphoneG2P,
    crf_pos_features,
    phoneme_error_rates,
)
from skrnn.datasets import load_brown_pos, load_cmudict, load_hamlet
from skrnn.metrics import flat_accuracy_score

DOCS = [
    "the cat sat on the mat.",
    "the dog sat on the log!",
    "a cat and a dog.",
    "",
]

# ----------------------------------------------------------------------------
# a textbook interpolated Kneser-Ney model, for comparison
# ----------------------------------------------------------------------------

BOS, EOS = "<s>", "</s>"


class ReferenceKN:
    """Interpolated Kneser-Ney with one discount, recounted on every query."""

    def __init__(self, docs, order, discount):
        self.order, self.d = order, discount
        self.vocab = sorted(set("".join(docs))) + [EOS, "<unk>"]
        # every predicted token with its order - 1 tokens of context
        self.events = []
        for doc in docs:
            tokens = [BOS] * (order - 1) + list(doc) + [EOS]
            for p in range(order - 1, len(tokens)):
                self.events.append(tuple(tokens[p - order + 1 : p + 1]))

    def count(self, gram):
        """Raw count for the highest order, else the continuation count."""
        k = len(gram)
        if k == self.order:
            return sum(e == gram for e in self.events)
        return len({e[-k - 1] for e in self.events if e[-k:] == gram})

    def prob(self, w, context):
        """p_k(w | context), k = len(context) + 1."""
        lower = self.prob(w, context[1:]) if context else 1 / len(self.vocab)
        counts = {v: self.count((*context, v)) for v in self.vocab}
        total = sum(counts.values())
        if total == 0:
            return lower
        n_types = sum(c > 0 for c in counts.values())
        return (max(counts[w] - self.d, 0) + self.d * n_types * lower) / total

    def next_proba(self, prefix):
        padded = [BOS] * (self.order - 1) + [
            c if c in self.vocab else "<unk>" for c in prefix
        ]
        context = tuple(padded[len(padded) - self.order + 1 :])
        return np.array([self.prob(v, context) for v in self.vocab])


# ----------------------------------------------------------------------------
# character n-gram language model
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("order", [1, 2, 3, 6])
@pytest.mark.parametrize("discount", ["modified", "single", 0.7])
def test_next_token_probabilities_sum_to_one(order, discount):
    lm = CharNGramLM(order=order, discount=discount).fit(DOCS)
    assert lm.classes_[-2:].tolist() == ["</s>", "<unk>"]
    prefixes = ["", "t", "the c", "the cat sat on the mat.", "zzz", "the d\u00e9", "x"]
    proba = lm.predict_proba(prefixes)
    assert proba.shape == (len(prefixes), len(lm.classes_))
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert (proba > 0).all()


def test_hand_computed_bigram_values():
    # corpus "aab", order 2, discount 0.5; vocabulary a, b, </s>, <unk>.
    # Bigrams (raw): <s>a, aa, ab, b</s>, once each. Unigram continuation
    # counts: a 2 (after <s> and a), b 1, </s> 1; total 4, three types, so
    # gamma = 1.5 and p1 = [(2-.5+1.5/4)/4, (1-.5+.375)/4, same, .375/4]
    # = [.46875, .21875, .21875, .09375].
    # After "a": c(aa) = c(ab) = 1, total 2, gamma 1:
    # p2(a|a) = (.5 + .46875)/2, p2(b|a) = (.5 + .21875)/2, p2(</s>|a) =
    # .21875/2, p2(<unk>|a) = .09375/2.
    # After <s>: c(<s>a) = 1, gamma .5: p(a) = .5 + .5 * .46875, the others
    # .5 * p1.
    lm = CharNGramLM(order=2, discount=0.5).fit(["aab"])
    assert lm.classes_.tolist() == ["a", "b", "</s>", "<unk>"]
    p1 = [0.46875, 0.21875, 0.21875, 0.09375]
    assert_allclose(
        lm.predict_proba(["", "a", "x"]),
        [
            [0.734375, 0.109375, 0.109375, 0.046875],
            [0.484375, 0.359375, 0.109375, 0.046875],
            p1,  # after an unseen character: the unigram distribution
        ],
        rtol=1e-12,
    )
    # p(a|<s>) p(a|a) p(b|a) p(</s>|b), with p(</s>|b) = .5 + .5 * .21875
    expected = math.log(0.734375 * 0.484375 * 0.359375 * 0.609375)
    assert_allclose(lm.score_samples(["aab"]), [expected], rtol=1e-12)
    assert_allclose(lm.score(["aab"]), expected / 4, rtol=1e-12)
    assert_allclose(lm.perplexity(["aab"]), math.exp(-expected / 4), rtol=1e-12)
    assert_allclose(lm.bits_per_character(["aab"]), -expected / 4 / math.log(2))


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_reference_implementation(order):
    lm = CharNGramLM(order=order, discount=0.6).fit(DOCS)
    ref = ReferenceKN(DOCS, order, 0.6)
    assert lm.classes_.tolist() == ref.vocab
    prefixes = ["", "t", "th", "the ", "a cat", "the dog sat on", "q", "qth", "a d"]
    expected = np.array([ref.next_proba(p) for p in prefixes])
    assert_allclose(lm.predict_proba(prefixes), expected, rtol=1e-12)


def test_unseen_context_falls_back_to_lower_order():
    order = 4
    lm = CharNGramLM(order=order, discount=0.6).fit(DOCS)
    ref = ReferenceKN(DOCS, order, 0.6)
    # "ng " never occurs, "g " does: the 4-gram model uses its order-3 estimate
    context = ("n", "g", " ")
    assert sum(ref.count((*context, v)) for v in ref.vocab) == 0
    assert sum(ref.count((*context[1:], v)) for v in ref.vocab) > 0
    expected = [ref.prob(v, context[1:]) for v in ref.vocab]
    assert_allclose(lm.predict_proba(["a ding "])[0], expected, rtol=1e-12)
    # after an unseen character no context is known: the unigram estimate
    unigram = [ref.prob(v, ()) for v in ref.vocab]
    for prefix in ["the c\u00e9", "Q"]:
        assert_allclose(lm.predict_proba([prefix])[0], unigram, rtol=1e-12)


def test_log_likelihood_is_the_chain_of_next_token_probabilities():
    # each document is scored from its start, and its end marker is predicted
    lm = CharNGramLM(order=3).fit(DOCS)
    col = lm.vocabulary_
    for doc in ["the cat", "a dog sat.", "", "the \u00e9lan"]:
        proba = lm.predict_proba([doc[:i] for i in range(len(doc) + 1)])
        tokens = [col.get(c, col["<unk>"]) for c in doc] + [col["</s>"]]
        expected = np.log(proba[np.arange(len(tokens)), tokens]).sum()
        assert_allclose(lm.score_samples([doc]), [expected], rtol=1e-12)
    n_tokens = sum(len(d) + 1 for d in DOCS)
    assert_allclose(lm.score(DOCS), lm.score_samples(DOCS).sum() / n_tokens)


def test_unseen_characters_are_one_unknown_symbol():
    lm = CharNGramLM(order=3).fit(DOCS)
    assert_allclose(
        lm.score_samples(["the \u00e9at"]), lm.score_samples(["the \u00fcat"])
    )
    again = pickle.loads(pickle.dumps(lm))
    assert_allclose(again.score_samples(DOCS), lm.score_samples(DOCS))


def test_modified_discounts_follow_chen_goodman():
    docs = [load_hamlet().data[:3000]]
    lm = CharNGramLM(order=3).fit(docs)
    raw = Counter()  # trigram counts of counts
    for doc in docs:
        tokens = ["<s>", "<s>", *doc, "</s>"]
        raw.update(tuple(tokens[p - 2 : p + 1]) for p in range(2, len(tokens)))
    n = Counter(min(c, 5) for c in raw.values())
    assert min(n[1], n[2], n[3], n[4]) > 0
    y = n[1] / (n[1] + 2 * n[2])
    expected = [
        1 - 2 * y * n[2] / n[1],
        2 - 3 * y * n[3] / n[2],
        3 - 4 * y * n[4] / n[3],
    ]
    assert_allclose(lm.discounts_[2], expected)
    # too few counts for three estimates: one, n1 / (n1 + 2 n2)
    tiny = CharNGramLM(order=2).fit(["abab"])
    n1, n2 = 3, 1  # bigrams <s>a, ba, b</s> once, ab twice; none 3 times
    assert_allclose(tiny.discounts_[1], [n1 / (n1 + 2 * n2)] * 3)


def test_language_model_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\[text\]"):
        CharNGramLM().fit("a whole text")
    with pytest.raises(ValueError, match="texts\\[1\\]"):
        CharNGramLM().fit(["ok", ["a", "b"]])
    with pytest.raises(ValueError, match="order"):
        CharNGramLM(order=0).fit(DOCS)
    with pytest.raises(ValueError, match="discount"):
        CharNGramLM(discount=1.5).fit(DOCS)


def test_hamlet_held_out_bits_per_character():
    text = load_hamlet().data
    n_train = int(0.9 * len(text))
    bits = {
        order: CharNGramLM(order=order)
        .fit([text[:n_train]])
        .bits_per_character([text[n_train:]])
        for order in (3, 6)
    }
    # measured: 2.8032 (order 3), 2.2441 (order 6)
    assert bits[6] < 2.30
    assert bits[3] > bits[6] + 0.4


# ----------------------------------------------------------------------------
# grapheme to phoneme
# ----------------------------------------------------------------------------


def test_phoneme_error_rates():
    y_true = [["K", "AE", "T"], ["D", "AO", "G"], ["AY"]]
    y_pred = [["K", "AE", "T"], ["D", "AA", "G", "Z"], []]
    wer, per = phoneme_error_rates(y_true, y_pred)
    assert wer == pytest.approx(2 / 3)
    assert per == pytest.approx((0 + 2 + 1) / 7)
    with pytest.raises(ValueError, match="y_true has 2 sequences but y_pred has 1"):
        phoneme_error_rates(y_true[:2], y_pred[:1])


def test_phoneme_error_rates_against_every_pronunciation():
    """With ``references`` a word is right if it matches any of them, and its
    edits count against the closest one (over that one's length)."""
    y_true = [["R", "EH", "D"], ["T", "AH", "M", "EY", "T", "OW"], ["AY"]]
    references = [
        [["R", "EH", "D"], ["R", "IY", "D"]],
        [["T", "AH", "M", "EY", "T", "OW"], ["T", "AH", "M", "AA", "T", "OW"]],
        [["AY"]],
    ]
    y_pred = [["R", "IY", "D"], ["T", "AH", "M", "AA", "T"], ["AY", "Z"]]
    wer, per = phoneme_error_rates(y_true, y_pred, references=references)
    assert wer == pytest.approx(2 / 3)  # "read" matches its alternate
    assert per == pytest.approx((0 + 1 + 1) / (3 + 6 + 1))
    # against the primary pronunciations only, every word is wrong
    strict_wer, strict_per = phoneme_error_rates(y_true, y_pred)
    assert strict_wer == 1.0
    assert strict_per == pytest.approx((1 + 2 + 1) / 10)
    # ties go to the first reference: both are 1 edit from "R EY D"
    for refs, length in [
        ([["R", "EH", "D"], ["R", "EY", "D", "Z"]], 3),
        ([["R", "EY", "D", "Z"], ["R", "EH", "D"]], 4),
    ]:
        _, per = phoneme_error_rates([refs[0]], [["R", "EY", "D"]], references=[refs])
        assert per == pytest.approx(1 / length)
    with pytest.raises(ValueError, match="different lengths: 3, 3 and 2"):
        phoneme_error_rates(y_true, y_pred, references=references[:2])
    with pytest.raises(ValueError, match=r"references\[1\] is empty"):
        phoneme_error_rates(y_true, y_pred, references=[references[0], [], [["AY"]]])
    with pytest.raises(ValueError, match="nothing to score"):
        phoneme_error_rates([], [], references=[])


def _demo_split(stress):
    X, y = load_cmudict(stress=stress, return_X_y=True)
    return train_test_split(X, y, train_size=5000, test_size=500, random_state=0)


@pytest.fixture(scope="module", params=[True, False], ids=["stress", "no-stress"])
def demo_g2p(request):
    X_train, X_test, y_train, y_test = _demo_split(request.param)
    g2p = GraphoneG2P().fit(X_train, y_train)
    return request.param, g2p, (X_train, X_test, y_train, y_test)


def test_g2p_alignment_and_training_words(demo_g2p):
    stress, g2p, (X_train, _, y_train, _) = demo_g2p
    assert g2p.n_unaligned_ == 1
    x = g2p.chunk_probabilities_["x"]
    assert max(x, key=x.get) == "K S"
    e = g2p.chunk_probabilities_["e"]
    assert max(e, key=e.get) == ""  # the "e" of "stone" says nothing
    assert g2p.predict(X_train[:300]) == [list(p) for p in y_train[:300]]
    assert g2p.score(X_train[:300], y_train[:300]) == 1.0


def test_g2p_error_rates_on_the_demo_split(demo_g2p):
    stress, g2p, (_, X_test, _, y_test) = demo_g2p
    wer, per = phoneme_error_rates(y_test, g2p.predict(X_test))
    if stress:  # measured: WER 0.656, PER 0.1987
        assert wer < 0.69
        assert per < 0.22
    else:  # measured: WER 0.530, PER 0.1396
        assert wer < 0.56
        assert per < 0.16
    assert_allclose(g2p.score(X_test, y_test), 1 - wer)


def test_g2p_small_example():
    words = ["cat", "cats", "hat", "bat", "fox", "box", "tax", "ox"]
    prons = [
        ["K", "AE1", "T"],
        ["K", "AE1", "T", "S"],
        ["HH", "AE1", "T"],
        ["B", "AE1", "T"],
        ["F", "AA1", "K", "S"],
        ["B", "AA1", "K", "S"],
        ["T", "AE1", "K", "S"],
        ["AA1", "K", "S"],
    ]
    g2p = GraphoneG2P(order=3).fit(words, prons)
    assert g2p.n_unaligned_ == 0
    assert g2p.predict(["hats", "bats", "fax", "q"]) == [
        ["HH", "AE1", "T", "S"],
        ["B", "AE1", "T", "S"],
        ["F", "AE1", "K", "S"],
        [],  # a letter never seen: no phonemes
    ]
    assert ("x", "K S") in g2p.graphones_
    assert pickle.loads(pickle.dumps(g2p)).predict(["hats"]) == [
        ["HH", "AE1", "T", "S"]
    ]
    with pytest.raises(ValueError, match="empty"):
        GraphoneG2P().fit(["a", ""], [["AH0"], ["B"]])
    with pytest.raises(ValueError, match="2 and 1"):
        GraphoneG2P().fit(["a", "b"], [["AH0"]])
    with pytest.raises(ValueError, match="beam_width"):
        GraphoneG2P(beam_width=0).fit(words, prons)


# ----------------------------------------------------------------------------
# CRF part-of-speech features
# ----------------------------------------------------------------------------


def test_crf_pos_features():
    features = crf_pos_features(["The", "U.S.", "well-known", "1960"])
    assert len(features) == 4
    first, second, third, last = features
    assert first["BOS"] is True and "EOS" not in first
    assert last["EOS"] is True and "BOS" not in last
    assert not any(k.startswith("-1:") for k in first)
    assert not any(k.startswith("+1:") for k in last)
    assert first["word"] == "The" and first["lower"] == "the"
    assert first["is_title"] and not first["is_upper"]
    assert second["is_upper"] and second["-1:lower"] == "the"
    assert second["+1:word"] == "well-known" and second["+1:has_hyphen"]
    assert (third["suffix2"], third["suffix3"], third["prefix3"]) == (
        "wn",
        "own",
        "wel",
    )
    assert third["has_hyphen"] and not third["is_digit"]
    assert last["is_digit"] and last["-1:suffix3"] == "own"
    # the neighbours' features are the word's own features, prefixed
    own = {k: v for k, v in second.items() if k[:3] not in ("-1:", "+1:")}
    assert {k[3:]: v for k, v in first.items() if k.startswith("+1:")} == {
        k: v for k, v in own.items() if k != "bias"
    }
    assert crf_pos_features([]) == []


def test_crf_on_the_demo_quick_split():
    sklearn_crfsuite = pytest.importorskip("sklearn_crfsuite")
    X, y = load_brown_pos(n_sentences=600, return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    crf = sklearn_crfsuite.CRF(
        algorithm="lbfgs",
        c1=0.1,
        c2=0.1,
        max_iterations=50,
        all_possible_transitions=True,
    )
    crf.fit([crf_pos_features(s) for s in X_train], y_train)
    pred = crf.predict([crf_pos_features(s) for s in X_test])
    accuracy = flat_accuracy_score(y_test, pred)
    assert accuracy > 0.90  # measured: 0.9228
